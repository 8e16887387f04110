/// Why the walker left a path out on purpose.
public enum SkipReason: Sendable, Hashable, CustomStringConvertible {
    /// A FIFO, socket, or character or block device met while walking: reading it could block for
    /// ever or never end.
    case notARegularFile(kind: String)
    /// The same, named as a root: the user asked for it, so tools such as gzip warn.
    case namedSpecialFile(kind: String)

    /// `skipped: FIFO, not a regular file`.
    public var description: String {
        switch self {
        case .notARegularFile(let kind), .namedSpecialFile(let kind): "skipped: \(kind), not a regular file"
        }
    }
}
