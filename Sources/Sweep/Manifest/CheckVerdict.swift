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
}
