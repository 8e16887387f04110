/// What became of the file that `gzip` or `gunzip` replaced.
public enum OriginalDisposition: Sendable, Hashable, CustomStringConvertible {
    /// Kept, as asked (`-k`).
    case keptAsAsked
    /// Removed, its replacement durable.
    case removed
    /// Kept because removing it could have lost data; the reason, in words.
    case keptForSafety(String)

    init(_ outcome: OriginalRemoval.Outcome?) {
        switch outcome {
        case nil: self = .keptAsAsked
        case .removed: self = .removed
        case .kept(let reason): self = .keptForSafety(reason.description)
        }
    }

    /// `removed`, `kept`, or the reason it was kept.
    public var description: String {
        switch self {
        case .keptAsAsked: "kept"
        case .removed: "removed"
        case .keptForSafety(let reason): reason
        }
    }
}
