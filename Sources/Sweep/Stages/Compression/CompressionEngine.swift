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
    /// 4 MiB whole (about twice zlib's speed, 5% smaller at level 6); larger files and streams go
    /// through zlib in parallel blocks, which a whole-buffer library cannot join into one member;
    /// ISA-L inflates (three to four times zlib's speed).
    case fastest
    /// zlib for everything: the design's reference, byte for byte what pigz writes for small files.
    case zlib
}
