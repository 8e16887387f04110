/// The libraries that do the deflate and inflate work of ``GzipStage``, ``GunzipStage`` and
/// ``DecompressedStage``.
///
/// The output is gzip's format whichever engine runs: one member per file, the same header, a
/// trailer checked the same way, and gzip's messages for corrupt input. What differs is speed and,
/// when compressing, the exact deflate bytes (and so the size).
///
/// ```swift
/// // Compress exactly as pigz does, through zlib, for output identical to a reference run:
/// let gzip = GzipStage(options: .init(level: 6, keepOriginal: true, engine: .zlib))
/// ```
public enum CompressionEngine: String, Sendable, Hashable, CaseIterable {
    /// The fastest library measured for each job: libdeflate compresses files of up to
    /// 4 MiB whole, and larger files and streams in parallel 2 MiB blocks joined into one member
    /// (1.3 to 2 times zlib's speed, smaller at level 6); ISA-L inflates (three to four times
    /// zlib's speed).
    case fastest
    /// zlib for everything: the design's reference, byte for byte what pigz writes for small files.
    case zlib
}
