/// A file `gzip` and `gunzip` leave alone on purpose, as gzip does and in its words.
///
/// ```swift
/// if let refusal = result.error?.cause as? GzipRefusal, refusal == .alreadyExists { … }
/// ```
public enum GzipRefusal: RankedError, Hashable, CustomStringConvertible {
    /// The output exists (or appeared while the file was compressed) and `-f` was not given.
    case alreadyExists
    /// The file has other hard links, which compressing would separate from it.
    case otherLinks(UInt64)
    /// The file is already compressed: its name ends in a suffix gzip knows (`.gz`, `.tgz`…), given
    /// as it is spelled in the name.
    case alreadyCompressed(suffix: String)
    /// The name lacks the `.gz` suffix, so decompressing has no name to give the result.
    case unknownSuffix
    /// The set-user-ID bit is set.
    case setUserID
    /// The set-group-ID bit is set.
    case setGroupID
    /// The sticky bit is set.
    case sticky
    /// A FIFO, socket or device named as an argument.
    case notARegularFile

    /// A notice for `.gz` arguments, a warning (exit 2) for the rest, as gzip ranks them.
    public var severity: FailureSeverity {
        if case .alreadyCompressed = self { return .notice }
        return .warning
    }

    /// gzip's words, which follow the file's name after a space: `already exists; not overwritten`.
    public var description: String {
        switch self {
        case .alreadyExists: "already exists;\tnot overwritten"
        case .otherLinks(let count): "has \(count) other link\(count == 1 ? "" : "s") -- file ignored"
        case .alreadyCompressed(let suffix): "already has \(suffix) suffix -- unchanged"
        case .unknownSuffix: "unknown suffix -- ignored"
        case .setUserID: "is set-user-ID on execution - ignored"
        case .setGroupID: "is set-group-ID on execution - ignored"
        case .sticky: "has the sticky bit set - file ignored"
        case .notARegularFile: "is not a directory or a regular file - ignored"
        }
    }

    /// What gzip refuses without `-f` in a file about to be compressed or decompressed: other hard
    /// links and set-id or sticky bits.
    static func check(_ status: FileStatus) throws(GzipRefusal) {
        if status.linkCount > 1 { throw .otherLinks(status.linkCount - 1) }
        let mode = status.permissions
        if mode.contains(.setUserID) { throw .setUserID }
        if mode.contains(.setGroupID) { throw .setGroupID }
        if mode.contains(.saveText) { throw .sticky }
    }
}
