import SystemPackage

/// One thing the walker found: a file to process, or a path it could not or would not list.
public enum WalkEvent: Sendable {
    /// A regular file (or standard input).
    case file(FileEntry)
    /// A path that could not be listed: a missing root, an unreadable directory, a loop. The walk goes on.
    case failure(FileError)
    /// A path deliberately left out, with the reason: a FIFO, a socket or a device is never opened.
    case skipped(FilePath, SkipReason)
}
