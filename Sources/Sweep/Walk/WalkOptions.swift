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
    /// Follow a symbolic link named as a root, as `sha256sum` and `find -H` do. `gzip` does not:
    /// it refuses a link named on its command line.
    public var followRootLinks = true

    /// Read a FIFO (a process substitution such as `<(cmd)`), character device (`/dev/null`) or
    /// block device named as a root like any stream, as `sha256sum` and `wc` read what they are
    /// named. Roots read from a list (``Walker/Roots/listFile(_:nulSeparated:)``) and everything
    /// met while walking stay skipped: nothing that could block for ever is read unless asked for
    /// by name. When false, named ones are skipped with ``SkipReason/namedSpecialFile(kind:)``.
    public var readsNamedStreams = false

    /// Whether each file's metadata (size, times, identity) is read while walking, or left to the
    /// reader, whose `fstat` after opening supplies it anyway. Walking without it saves a system
    /// call per file; entries then have no ``FileEntry/status`` until read. Age filters need it
    /// whatever this says.
    public var statFiles = true

    /// Only the files of this share of the walk (`--shard K/N`); every directory is still walked
    /// unless ``shardDepth`` is set. See ``Shard`` for which file belongs to which shard.
    public var shard: Shard?

    /// With a ``shard``: whole directories at this depth below the root (1: the root's
    /// subdirectories) go to one shard each, by their own path, and a shard does not open the
    /// others' at all; files above that depth go by their own path, as without it. `nil`: every
    /// file by its own path, every directory walked by every shard.
    ///
    /// ```swift
    /// var options = WalkOptions()
    /// options.shard = try Shard(parsing: "3/64")
    /// options.shardDepth = 2   // data/2026-11/…: each month's directory read by one shard
    /// ```
    public var shardDepth: Int?

    package var needsStatus: Bool { statFiles || modifiedBefore != nil }

    /// The defaults: no links followed, no filters.
    public init() {}
}
