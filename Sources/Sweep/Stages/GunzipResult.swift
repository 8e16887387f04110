import SystemPackage

/// One file decompressed (or tested).
public struct GunzipResult: AdditiveOutput, Hashable {
    /// The file written, or `nil` when only testing.
    public var destination: FilePath?
    /// The `.gz`'s size in bytes.
    public var compressedSize: UInt64
    /// The decompressed size in bytes (exact, beyond gzip's 2^32 trailer limit).
    public var decompressedSize: UInt64
    /// Whether bytes other than zeros followed the last member; they were ignored, as gzip does
    /// with the warning "decompression OK, trailing garbage ignored".
    public var trailingGarbage: Bool
    /// What became of the `.gz`.
    public var original: OriginalDisposition
    /// The output was already there, left by an interrupted run, and held exactly the decoded content.
    public var completedEarlierRun: Bool
    /// Set between a processor's `finish` and the end of its batch, when the output waits to be
    /// published with the batch's others (``PendingPublication``); `nil` in every result delivered.
    package var pending: PendingPublication?

    /// Decompressed bytes add up to the run's output size.
    public var additiveValue: UInt64 { decompressedSize }
}
