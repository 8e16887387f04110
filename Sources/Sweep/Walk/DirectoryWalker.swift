import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Walks roots depth-first, yielding each directory's entries in byte order of their names, with each
/// subdirectory walked at its own place in that order (so `a/` comes before `a-b` and `a.txt`).
///
/// Every directory below a root is opened relative to its parent's descriptor with `O_NOFOLLOW`, and
/// each entry carries the ``DirectoryHandle`` it was found in: whatever happens later to the file is
/// done through that descriptor, so a directory swapped for a symbolic link after the walk cannot send
/// an operation outside the tree.
///
/// It holds only the stack of directories being walked, each with its sorted names, and a few
/// listed ahead (``DirectoryLookahead``), never the whole tree: a million files cost the memory of
/// the largest directories.
package struct DirectoryWalker: IteratorProtocol {
    private struct Frame {
        var directory: DirectoryHandle
        /// The directory's path as printed: the root as given, then `/name` for each level.
        var path: [UInt8]
        /// The path below the root, for glob matching.
        var relative: [UInt8]
        var names: DirectoryListing
        var index = 0
        var identity: FileIdentity
        /// With a shard: FNV-1a over the path below the root and a `/` (nothing for the root), so
        /// each entry's shard costs only its name.
        var shardHash = PathHash()
        /// How many levels below the root (0: the root).
        var depth = 0
        /// With a shard depth: this directory is at or below that depth, in this shard's share,
        /// so everything below it is too.
        var ownedByShard = false
        /// The subdirectories being listed ahead, if any, and the first not yet reached.
        var lookahead: DirectoryLookahead.Level?
        var nextSlot = 0
    }

    private var roots: any IteratorProtocol<RootPath>
    private var stack: [Frame] = []
    private let options: WalkOptions
    /// The directory of the last file named as a root, kept for the next one in the same directory
    /// (a `--files-from` list names thousands in a row).
    private var lastRootParent: (path: [UInt8], handle: DirectoryHandle)?
    /// Whether the roots were named one by one (on a command line), not read from a list.
    private let rootsAreNamed: Bool
    /// Lists subdirectories ahead on a thread of its own. Not with exclusions or shards, which
    /// decide per name whether a directory is opened at all.
    private let lookahead: DirectoryLookahead?
    /// Whether every regular file by `d_type` is listed as it is named: no globs, shard, skipped
    /// identities or filters that need a `stat`.
    private let plainNamesAreFiles: Bool

    /// A root to walk: a path, or the failure to read the next one from a list.
    package enum RootPath {
        case path([UInt8])
        case unreadable(FileError)
    }

    package init(roots: some IteratorProtocol<RootPath>, options: WalkOptions, rootsAreNamed: Bool = false) {
        self.roots = roots
        self.options = options
        self.rootsAreNamed = rootsAreNamed
        lookahead = options.exclude.isEmpty && options.shard == nil ? DirectoryLookahead() : nil
        plainNamesAreFiles = options.include.isEmpty && options.exclude.isEmpty && options.shard == nil
            && options.skipping.isEmpty && !options.needsStatus
    }

    package init(paths: [FilePath], options: WalkOptions) {
        self.init(roots: paths.lazy.map { RootPath.path($0.bytes) }.makeIterator(), options: options, rootsAreNamed: true)
    }

    package mutating func next() -> WalkEvent? {
        var noPaths: PathSink? = nil
        guard case .event(let event) = step(&noPaths) else { return nil }
        return event
    }

    /// What ``next(listingPathsInto:terminator:upTo:listed:)`` stopped for.
    package enum ListingStep {
        /// An event the listing does not cover: a file that needed a `stat`, a failure, a skip.
        case event(WalkEvent)
        /// `paths` reached the limit.
        case full
        /// The walk is over.
        case end
    }

    /// Walks on like ``next()``, but appends each plain file's path (a regular file by `d_type` that
    /// needs no `stat`), then `terminator`, to `paths` instead of returning an entry for it, adding one
    /// to `listed` for each: `sweep list`'s loop, with no `FilePath` or `FileEntry` per file.
    ///
    /// Returns at the first other event, once `paths` holds `limit` bytes or more, or at the end.
    package mutating func next(listingPathsInto paths: inout [UInt8], terminator: UInt8, upTo limit: Int, listed: inout Int) -> ListingStep {
        var sink: PathSink? = PathSink(paths: paths, terminator: terminator, limit: limit)
        paths = []   // the sink holds the only reference, so appending copies nothing
        let step = step(&sink)
        paths = sink!.paths
        listed += sink!.listed
        return step
    }

    /// Where plain files' paths go instead of becoming entries.
    private struct PathSink {
        var paths: [UInt8]
        let terminator: UInt8
        let limit: Int
        var listed = 0

        /// Appends the path of `name` in the directory at `directory`, then the terminator.
        mutating func append(directory: [UInt8], name: some Collection<UInt8>) {
            paths += directory
            if directory.last != UInt8(ascii: "/") { paths.append(UInt8(ascii: "/")) }
            paths += name
            paths.append(terminator)
            listed += 1
        }
    }

    private mutating func step(_ sink: inout PathSink?) -> ListingStep {
        while true {
            if stack.isEmpty {
                guard let root = roots.next() else { return .end }
                switch root {
                case .unreadable(let error): return .event(.failure(error))
                case .path(let bytes):
                    if let event = visitRoot(bytes) { return .event(event) }
                }
                continue
            }
            let top = stack.count - 1
            guard stack[top].index < stack[top].names.count else {
                if stack.removeLast().lookahead != nil { lookahead?.leave() }
                continue
            }
            let index = stack[top].index
            stack[top].index += 1
            if sink != nil && plainNamesAreFiles && stack[top].names.type(at: index) == DirectoryName.regularFile {
                // visitChild's path for a regular file when nothing filters names or needs a stat,
                // with the name read in place: no DirectoryName, no slice retained per file.
                stack[top].names.withName(at: index) { name in
                    if !TemporaryName.matches(name) { sink!.append(directory: stack[top].path, name: name) }
                }
            } else {
                let name = stack[top].names.name(at: index)
                if let event = visitChild(name, of: top, sink: &sink) { return .event(event) }
            }
            if let paths = sink?.paths.count, paths >= sink!.limit { return .full }
        }
    }

    private mutating func visitRoot(_ bytes: [UInt8]) -> WalkEvent? {
        if options.dashMeansStandardInput && bytes == [UInt8(ascii: "-")] {
            if let shard = options.shard, shard.index != 1 { return nil }
            return .file(.standardInput)
        }
        let path = FilePath(bytes: bytes)
        var info = stat()
        // Roots are followed even when they are links, as find -H, sha256sum and gzip do.
        guard path.withPlatformString({ stat($0, &info) }) == 0 else {
            let error = FileError.lastSystemError(path)
            // Reported once, by the shard the root's path belongs to (so that NDJSON parts merge).
            if let shard = options.shard, !shard.contains(bytes) { return nil }
            return .failure(error)
        }
        let status = FileStatus(info)
        if status.isDirectory {
            if isExcluded(relative: [], name: bytes.baseName) { return nil }
            // A root that cannot be opened is reported once, by the shard its path belongs to.
            let isOthers = options.shard.map { !$0.contains(bytes) } ?? false
            return enterDirectory(path: bytes, relative: [], shardHash: PathHash(), depth: 0, ownedByShard: false, reportsFailure: !isOthers) { () throws(Errno) in
                try DirectoryHandle.open(path: path)
            }
        }
        // A file named as a root belongs to the shard of its path as given.
        if let shard = options.shard, !shard.contains(bytes) { return nil }
        guard status.isRegularFile else {
            if options.readsNamedStreams && rootsAreNamed && status.isStream {
                // Opened by its name when read, never through a directory handle: a walked entry
                // that turns out to be a FIFO is refused, this one is read because it was named.
                var entry = FileEntry(path: path, status: nil, location: nil, followsLink: true)
                entry.isNamedStream = true
                return .file(entry)
            }
            return .skipped(path, .namedSpecialFile(kind: status.kindDescription))
        }
        if options.skipping.contains(status.identity) { return nil }
        if options.globsApplyToRoots && !isListed(relative: bytes, name: bytes.baseName) { return nil }
        if let cutoff = options.modifiedBefore, !(status.modificationTime < cutoff) { return nil }
        let location: FileLocation
        do {
            location = try rootLocation(bytes)
        } catch {
            return .failure(FileError(path: path, reason: .system(error)))
        }
        return .file(FileEntry(path: path, status: status, location: location, followsLink: options.followRootLinks))
    }

    /// The directory holding a root file, opened by its path (as the user named it), and the name in it.
    private mutating func rootLocation(_ bytes: [UInt8]) throws(Errno) -> FileLocation {
        let (parent, name) = DirectoryHandle.splitParent(bytes)
        if let last = lastRootParent, last.path == parent {
            return FileLocation(directory: last.handle, name: name)
        }
        let handle = try DirectoryHandle.open(path: FilePath(bytes: parent))
        lastRootParent = (parent, handle)
        return FileLocation(directory: handle, name: name)
    }

    private mutating func visitChild(_ name: DirectoryName, of top: Int, sink: inout PathSink?) -> WalkEvent? {
        // The name's bytes taken once: each `name.bytes` is a slice that retains the listing's buffer.
        let bytes = name.bytes
        var shardHash = stack[top].shardHash
        // Every shard walks every directory above the shard depth (all of them without one); a
        // file (or anything else that is reported) is left to the one shard its path below the root
        // belongs to, and a directory at the shard depth with all below it.
        let isOthers: Bool
        let ownedByShard = stack[top].ownedByShard
        let childDepth = stack[top].depth + 1
        if ownedByShard {
            isOthers = false
        } else if let shard = options.shard {
            shardHash.combine(bytes)
            isOthers = shardHash.shard(count: shard.count) != shard.index
        } else {
            isOthers = false
        }
        // Another shard's file costs no path and no stat here (d_type says what it is).
        if isOthers && name.type != DirectoryName.directory && name.type != DirectoryName.unknown
            && name.type != DirectoryName.symbolicLink { return nil }
        // Fields are read in place: copying the frame would retain and release each of its parts.
        // The entry's path is built straight from the parent's and the name; the path as bytes only
        // for a directory entered or a message.
        func pathBytes() -> [UInt8] {
            var path = stack[top].path
            if path.last != UInt8(ascii: "/") { path.append(UInt8(ascii: "/")) }
            path += bytes
            return path
        }
        func filePath() -> FilePath { FilePath(joining: stack[top].path, bytes) }
        // The path below the root matters only to globs; without any, it is not built.
        let relative: [UInt8]
        if options.include.isEmpty && options.exclude.isEmpty {
            relative = []
        } else {
            relative = stack[top].relative.isEmpty ? Array(bytes) : stack[top].relative + [UInt8(ascii: "/")] + bytes
        }

        var type = name.type
        let isLink = type == DirectoryName.symbolicLink
        if isLink && !options.followSymlinks { return nil }
        // sweep's own files in the making (or set aside) are never listed, and never deleted for their name.
        if type != DirectoryName.directory && TemporaryName.matches(bytes) { return nil }
        var location: FileLocation { FileLocation(directory: stack[top].directory, name: name.fileName) }
        if type == DirectoryName.regularFile && !options.needsStatus {
            // d_type said regular file, and no filter needs size or times: the reader's fstat after
            // open supplies them, and identity comes from d_ino and the directory's device.
            guard isListed(relative: relative, name: bytes),
                  !options.skipping.contains(FileIdentity(device: stack[top].identity.device, inode: name.inode)) else {
                return nil
            }
            if sink != nil {
                sink!.append(directory: stack[top].path, name: bytes)
                return nil
            }
            return .file(FileEntry(path: filePath(), status: nil, location: location, followsLink: false))
        }
        let directory = stack[top].directory
        if type == DirectoryName.unknown || isLink || type == DirectoryName.regularFile {
            // The stat gives what every entry carries (size, times, identity), and resolves DT_UNKNOWN.
            let status: FileStatus
            do {
                status = try directory.status(of: name.fileName, followingLinks: isLink && options.followSymlinks)
            } catch {
                // A dangling link (with -L) is no file to process; an entry that vanished is worth a word.
                if isLink || isOthers { return nil }
                return .failure(FileError(path: filePath(), reason: .system(error)))
            }
            if status.isSymbolicLink { return nil }
            if status.isDirectory {
                type = DirectoryName.directory
            } else {
                if isOthers { return nil }
                guard status.isRegularFile else {
                    return .skipped(filePath(), .notARegularFile(kind: status.kindDescription))
                }
                if options.skipping.contains(status.identity) || !isListed(relative: relative, name: bytes) { return nil }
                if let cutoff = options.modifiedBefore, !(status.modificationTime < cutoff) { return nil }
                return .file(FileEntry(path: filePath(), status: status, location: location, followsLink: isLink))
            }
        }
        if type == DirectoryName.directory {
            if isExcluded(relative: relative, name: bytes) { return nil }
            let atShardDepth = options.shard != nil && options.shardDepth == childDepth
            // Another shard's whole directory: not even opened.
            if atShardDepth && isOthers { return nil }
            let parent = directory
            let follow = options.followSymlinks
            shardHash.combine(UInt8(ascii: "/"))
            return enterDirectory(
                path: pathBytes(), relative: relative, shardHash: shardHash, depth: childDepth, ownedByShard: ownedByShard || atShardDepth,
                reportsFailure: !isOthers, listedAhead: takeListedAhead(of: top)
            ) { () throws(Errno) in
                try parent.openDirectory(name.fileName, followingLinks: follow)
            }
        }
        if isOthers { return nil }
        return .skipped(filePath(), .notARegularFile(kind: DirectoryName.kindDescription(type)))
    }

    private func isListed(relative: [UInt8], name: some Collection<UInt8>) -> Bool {
        !isExcluded(relative: relative, name: name)
            && (options.include.isEmpty || options.include.contains { $0.matches(relative) || $0.matches(name) })
    }

    private func isExcluded(relative: [UInt8], name: some Collection<UInt8>) -> Bool {
        options.exclude.contains { (!relative.isEmpty && $0.matches(relative)) || $0.matches(name) }
    }

    /// The listing of the child the walk is at (the top frame's last name), if it was listed ahead.
    private mutating func takeListedAhead(of top: Int) -> DirectoryLookahead.Listed? {
        guard let lookahead, let level = stack[top].lookahead else { return nil }
        let index = stack[top].index - 1
        // Slots of subdirectories the walk passed by (a filter, a vanished name) are skipped.
        var next = stack[top].nextSlot
        while next < level.slots.count && level.slots[next].index < index { next += 1 }
        stack[top].nextSlot = next
        guard next < level.slots.count, level.slots[next].index == index else { return nil }
        stack[top].nextSlot = next + 1
        return lookahead.take(level.slots[next], of: level)
    }

    private mutating func enterDirectory(
        path: [UInt8], relative: [UInt8], shardHash: PathHash, depth: Int, ownedByShard: Bool, reportsFailure: Bool,
        listedAhead: DirectoryLookahead.Listed? = nil, open: () throws(Errno) -> DirectoryHandle
    ) -> WalkEvent? {
        let listed: DirectoryLookahead.Listed
        do {
            if let listedAhead {
                listed = listedAhead
            } else {
                listed = try DirectoryLookahead.Listed.make(open)
            }
        } catch {
            // With -L a link to a directory that vanished or is a loop is reported; ELOOP without -L
            // means a directory was swapped for a link after it was listed: reported, not followed.
            guard reportsFailure else { return nil }
            return .failure(FileError(path: FilePath(bytes: path), reason: .system(error)))
        }
        if stack.contains(where: { $0.identity == listed.identity }) {
            // Every shard walks every directory; one of them (the owner of its path) reports it.
            guard reportsFailure else { return nil }
            return .failure(FileError(path: FilePath(bytes: path), reason: .fileSystemLoop))
        }
        var frame = Frame(
            directory: listed.directory, path: path, relative: relative, names: listed.names, identity: listed.identity,
            shardHash: shardHash, depth: depth, ownedByShard: ownedByShard)
        if let lookahead {
            let slots = listed.names.subdirectoryIndices.map { index in
                DirectoryLookahead.Slot(
                    index: index, parent: listed.directory, name: listed.names.name(at: index).fileName, followsLinks: options.followSymlinks)
            }
            if !slots.isEmpty { frame.lookahead = lookahead.enter(slots) }
        }
        stack.append(frame)
        return nil
    }
}
