import SystemPackage

/// One file compressed.
public struct GzipResult: AdditiveOutput, Hashable {
    /// The `.gz` written.
    public var destination: FilePath
    /// The original's size in bytes (the true size, where gzip's trailer keeps it mod 2^32).
    public var originalSize: UInt64
    /// The `.gz`'s size in bytes (0 when an earlier run's `.gz` was found complete).
    public var compressedSize: UInt64
    /// The CRC-32 of the original, as stored in the trailer.
    public var crc32: UInt32
    /// The original's mtime could not be stored (before 1970 or after 2106), so the header says 0;
    /// gzip warns about this.
    public var timestampOutOfRange: Bool
    /// What became of the original.
    public var original: OriginalDisposition
    /// The `.gz` was already there, left by an interrupted run, and held exactly the original's content.
    public var completedEarlierRun: Bool
    /// Set between a processor's `finish` and the end of its batch, when the `.gz` waits to be
    /// published with the batch's others (``PendingPublication``); `nil` in every result delivered.
    package var pending: PendingPublication?

    /// Compressed bytes add up to the run's output size.
    public var additiveValue: UInt64 { compressedSize }
}
