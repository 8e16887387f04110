/// The verdict on one manifest line.
public struct CheckVerdict: Sendable {
    /// What was found.
    public enum Outcome: Sendable {
        /// The file's checksum matched.
        case matched(ManifestEntry)
        /// The file's checksum differs.
        case mismatched(ManifestEntry, actual: Digest)
        /// The file could not be opened or read (missing, a directory, no permission).
        case unreadable(ManifestEntry, FileError)
        /// The file is missing and `ignoreMissing` was set.
        case missingIgnored(ManifestEntry)
        /// The line is not a checksum line coreutils would accept.
        case improperlyFormatted
    }

    /// The line's number in the manifest, from 1.
    public var lineNumber: Int
    /// What was found.
    public var outcome: Outcome
    /// For an improperly formatted line, the algorithm `cksum -c --warn` names in its message: the
    /// line's own tag (`SHA512 (…`), or for a line without one the last tag seen before it; `nil`
    /// when there was none.
    public var lastTag: DigestAlgorithm? = nil
}

extension CheckVerdict {
    /// Whether the verdict came from trying to read a listed file (what a progress line counts as a
    /// file done), rather than from the line alone.
    var isRead: Bool {
        switch outcome {
        case .matched, .mismatched, .unreadable, .missingIgnored: true
        case .improperlyFormatted: false
        }
    }
}
