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
/// It holds only the stack of directories being walked, each with its sorted names, never the whole
/// tree: a million files cost the memory of the largest directory.
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
    }

    private var roots: any IteratorProtocol<RootPath>
    private var stack: [Frame] = []
    private let options: WalkOptions
    /// The directory of the last file named as a root, kept for the next one in the same directory
    /// (a `--files-from` list names thousands in a row).
    private var lastRootParent: (path: [UInt8], handle: DirectoryHandle)?
    /// Whether the roots were named one by one (on a command line), not read from a list.
    private let rootsAreNamed: Bool

    /// A root to walk: a path, or the failure to read the next one from a list.
    package enum RootPath {
        case path([UInt8])
        case unreadable(FileError)
    }

    package init(roots: some IteratorProtocol<RootPath>, options: WalkOptions, rootsAreNamed: Bool = false) {
        self.roots = roots
        self.options = options
        self.rootsAreNamed = rootsAreNamed
    }

    package init(paths: [FilePath], options: WalkOptions) {
        self.init(roots: paths.lazy.map { RootPath.path($0.bytes) }.makeIterator(), options: options, rootsAreNamed: true)
    }

    package mutating func next() -> WalkEvent? {
        while true {
            if stack.isEmpty {
                guard let root = roots.next() else { return nil }
                switch root {
                case .unreadable(let error): return .failure(error)
                case .path(let bytes):
                    if let event = visitRoot(bytes) { return event }
                }
                continue
            }
            let top = stack.count - 1
            guard stack[top].index < stack[top].names.count else {
                stack.removeLast()
                continue
            }
            let name = stack[top].names.name(at: stack[top].index)
            stack[top].index += 1
            if let event = visitChild(name, of: top) { return event }
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

    private mutating func visitChild(_ name: DirectoryName, of top: Int) -> WalkEvent? {
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
            shardHash.combine(name.bytes)
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
            path += name.bytes
            return path
        }
        func filePath() -> FilePath { FilePath(joining: stack[top].path, name.bytes) }
        // The path below the root matters only to globs; without any, it is not built.
        let relative: [UInt8]
        if options.include.isEmpty && options.exclude.isEmpty {
            relative = []
        } else {
            relative = stack[top].relative.isEmpty ? Array(name.bytes) : stack[top].relative + [UInt8(ascii: "/")] + name.bytes
        }

        var type = name.type
        let isLink = type == DirectoryName.symbolicLink
        if isLink && !options.followSymlinks { return nil }
        // sweep's own files in the making (or set aside) are never listed, and never deleted for their name.
        if type != DirectoryName.directory && TemporaryName.matches(name.bytes) { return nil }
        let directory = stack[top].directory
        let location = FileLocation(directory: directory, name: name.fileName)
        if type == DirectoryName.regularFile && !options.needsStatus {
            // d_type said regular file, and no filter needs size or times: the reader's fstat after
            // open supplies them, and identity comes from d_ino and the directory's device.
            guard isListed(relative: relative, name: name.bytes),
                  !options.skipping.contains(FileIdentity(device: stack[top].identity.device, inode: name.inode)) else {
                return nil
            }
            return .file(FileEntry(path: filePath(), status: nil, location: location, followsLink: false))
        }
        if type == DirectoryName.unknown || isLink || type == DirectoryName.regularFile {
            // The stat gives what every entry carries (size, times, identity), and resolves DT_UNKNOWN.
            let status: FileStatus
            do {
                status = try directory.status(of: location.name, followingLinks: isLink && options.followSymlinks)
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
                if options.skipping.contains(status.identity) || !isListed(relative: relative, name: name.bytes) { return nil }
                if let cutoff = options.modifiedBefore, !(status.modificationTime < cutoff) { return nil }
                return .file(FileEntry(path: filePath(), status: status, location: location, followsLink: isLink))
            }
        }
        if type == DirectoryName.directory {
            if isExcluded(relative: relative, name: name.bytes) { return nil }
            let atShardDepth = options.shard != nil && options.shardDepth == childDepth
            // Another shard's whole directory: not even opened.
            if atShardDepth && isOthers { return nil }
            let parent = directory
            let follow = options.followSymlinks
            shardHash.combine(UInt8(ascii: "/"))
            return enterDirectory(
                path: pathBytes(), relative: relative, shardHash: shardHash, depth: childDepth, ownedByShard: ownedByShard || atShardDepth,
                reportsFailure: !isOthers
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

    private mutating func enterDirectory(
        path: [UInt8], relative: [UInt8], shardHash: PathHash, depth: Int, ownedByShard: Bool, reportsFailure: Bool,
        open: () throws(Errno) -> DirectoryHandle
    ) -> WalkEvent? {
        let directory: DirectoryHandle
        let identity: FileIdentity
        let names: DirectoryListing
        do {
            directory = try open()
            identity = try directory.status().identity
            if stack.contains(where: { $0.identity == identity }) {
                // Every shard walks every directory; one of them (the owner of its path) reports it.
                guard reportsFailure else { return nil }
                return .failure(FileError(path: FilePath(bytes: path), reason: .fileSystemLoop))
            }
            names = try DirectoryListing.read(directory)
        } catch {
            // With -L a link to a directory that vanished or is a loop is reported; ELOOP without -L
            // means a directory was swapped for a link after it was listed: reported, not followed.
            guard reportsFailure else { return nil }
            return .failure(FileError(path: FilePath(bytes: path), reason: .system(error)))
        }
        stack.append(Frame(
            directory: directory, path: path, relative: relative, names: names, identity: identity, shardHash: shardHash,
            depth: depth, ownedByShard: ownedByShard))
        return nil
    }
}
