/// What one manifest line holds, as `sha256sum -c` classifies it.
///
/// ```swift
/// var parser = ChecksumManifestParser()
/// switch parser.parse(Array("# made by sweep".utf8)) {
/// case .entry(let entry): print(entry.expected.algorithm)
/// case .comment, .empty: break             // skipped, not counted
/// case .improperlyFormatted: improper += 1 // counted in the WARNING
/// }
/// ```
public enum ManifestLine: Sendable, Equatable {
    /// A checksum to verify.
    case entry(ManifestEntry)
    /// A line starting with `#` (in its very first byte): ignored and not counted.
    case comment
    /// A line with no bytes (or only a CR): skipped and not counted.
    case empty
    /// Anything else, counted in `WARNING: N lines are improperly formatted`.
    case improperlyFormatted
}
