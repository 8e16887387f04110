/// What the walker lists, and how it treats links and filters.
///
/// ```swift
/// var options = WalkOptions()
/// options.include = [Glob("*.log")]
/// options.exclude = [Glob(".git")]
/// options.followSymlinks = true
/// ```
public struct WalkOptions: Sendable {
    /// Follow symbolic links found while walking (`-L`), detecting loops. Links given as roots are always followed.
    public var followSymlinks = false
    /// When non-empty, only files whose path below the root, or whose base name, matches one of these are listed.
    public var include: [Glob] = []
    /// Files and directories whose path below the root, or whose base name, matches one of these are left out
    /// (a directory with everything below it).
    public var exclude: [Glob] = []
    /// Whether ``include`` and ``exclude`` also judge files named as roots. When false, a file
    /// named explicitly is always listed, and the stage decides (gzip's notice for `x.gz`).
    public var globsApplyToRoots = true
    /// Only files last modified before this time are listed (`--older-than`).
    public var modifiedBefore: FileTime?
    /// Treat a root named `-` as standard input, as coreutils does.
    public var dashMeansStandardInput = false
    /// Files never to list, such as the manifest being written into the tree being summed.
    public var skipping: Set<FileIdentity> = []
    /// Remove sweep's own temporary files (`.NAME.sweep-tmp-XXXXXX`) left by a crash, when they
    /// have not been written to for ten minutes. They are never listed either way.
    public var removeStaleTemporaries = false

    /// Whether each file's metadata (size, times, identity) is read while walking, or left to the
    /// reader, whose `fstat` after opening supplies it anyway. Walking without it saves a system
    /// call per file; entries then have no ``FileEntry/status`` until read. Age filters need it
    /// whatever this says.
    public var statFiles = true

    var needsStatus: Bool { statFiles || modifiedBefore != nil }

    /// The defaults: no links followed, no filters.
    public init() {}
}

/// One thing the walker found: a file to process, or a path it could not or would not list.
public enum WalkEvent: Sendable {
    /// A regular file (or standard input).
    case file(FileEntry)
    /// A path that could not be listed: a missing root, an unreadable directory, a loop. The walk goes on.
    case failure(FileError)
    /// A path deliberately left out, with the reason: a FIFO, a socket or a device is never opened.
    case skipped(FilePath, SkipReason)
}

/// Why the walker left a path out on purpose.
public enum SkipReason: Sendable, Hashable, CustomStringConvertible {
    /// A FIFO, socket, or character or block device: reading it could block forever or never end.
    case notARegularFile(kind: String)

    public var description: String {
        switch self {
        case .notARegularFile(let kind): "skipped: \(kind), not a regular file"
        }
    }
}

import SystemPackage
