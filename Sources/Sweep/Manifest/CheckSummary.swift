/// The counts `sha256sum -c` reports at the end of a manifest, and the exit status they imply.
public struct CheckSummary: Sendable, Hashable {
    /// Lines that were valid checksum lines.
    public var properlyFormatted = 0
    /// Lines that were not.
    public var improperlyFormatted = 0
    /// Files whose checksum matched.
    public var matched = 0
    /// Files whose checksum differed.
    public var mismatched = 0
    /// Files that could not be read.
    public var unreadable = 0
    /// Missing files skipped under `ignoreMissing`.
    public var missingIgnored = 0

    /// Empty counts.
    public init() {}

    /// Counts one verdict.
    public mutating func record(_ verdict: CheckVerdict) {
        switch verdict.outcome {
        case .matched: properlyFormatted += 1; matched += 1
        case .mismatched: properlyFormatted += 1; mismatched += 1
        case .unreadable: properlyFormatted += 1; unreadable += 1
        case .missingIgnored: properlyFormatted += 1; missingIgnored += 1
        case .improperlyFormatted: improperlyFormatted += 1
        }
    }

    /// Whether `sha256sum -c` would exit 0 for this manifest.
    public func succeeded(strict: Bool, ignoreMissing: Bool) -> Bool {
        properlyFormatted > 0 && mismatched == 0 && unreadable == 0
            && (!strict || improperlyFormatted == 0) && (!ignoreMissing || matched + mismatched > 0)
    }
}
