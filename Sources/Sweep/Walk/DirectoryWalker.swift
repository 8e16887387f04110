import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Walks roots depth-first, yielding each directory's entries in byte order of their names, with each
/// subdirectory walked at its own place in that order (so `a/` comes before `a-b` and `a.txt`).
///
/// It holds only the stack of directories being walked, each with its sorted names, never the whole
/// tree: a million files cost the memory of the largest directory. Directories are read with
/// `opendir`/`readdir` and `d_type`, names as raw bytes.
package struct DirectoryWalker: IteratorProtocol {
    private struct Frame {
        var directory: OpenDirectory
        /// The directory's path as printed: the root as given, then `/name` for each level.
        var path: [UInt8]
        /// The path below the root, for glob matching.
        var relative: [UInt8]
        var names: DirectoryListing
        var index = 0
        var identity: FileIdentity
    }

    private var roots: any IteratorProtocol<RootPath>
    private var stack: [Frame] = []
    private let options: WalkOptions

    /// A root to walk: a path, or the failure to read the next one from a list.
    package enum RootPath {
        case path([UInt8])
        case unreadable(FileError)
    }

    package init(roots: some IteratorProtocol<RootPath>, options: WalkOptions) {
        self.roots = roots
        self.options = options
    }

    package init(paths: [FilePath], options: WalkOptions) {
        self.init(roots: paths.lazy.map { RootPath.path($0.bytes) }.makeIterator(), options: options)
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
                stack.removeLast().directory.close()
                continue
            }
            let name = stack[top].names.name(at: stack[top].index)
            stack[top].index += 1
            if let event = visitChild(name, of: top) { return event }
        }
    }

    private mutating func visitRoot(_ bytes: [UInt8]) -> WalkEvent? {
        if options.dashMeansStandardInput && bytes == [UInt8(ascii: "-")] {
            return .file(.standardInput)
        }
        let path = FilePath(bytes: bytes)
        var info = stat()
        // Roots are followed even when they are links, as find -H, sha256sum and gzip do.
        guard path.withPlatformString({ stat($0, &info) }) == 0 else {
            return .failure(.lastSystemError(path))
        }
        let status = FileStatus(info)
        if status.isDirectory {
            if isExcluded(relative: [], name: bytes.baseName) { return nil }
            return enterDirectory(path: bytes, relative: [], status: status, open: {
                path.withPlatformString { opendir($0) }
            })
        }
        return classify(path: bytes, relative: bytes, name: bytes.baseName, status: status, isRoot: true)
    }

    private mutating func visitChild(_ name: DirectoryName, of top: Int) -> WalkEvent? {
        let frame = stack[top]
        var path = frame.path
        if path.last != UInt8(ascii: "/") { path.append(UInt8(ascii: "/")) }
        path += name.bytes
        // The path below the root matters only to globs; without any, it is not built.
        let relative: [UInt8]
        if options.include.isEmpty && options.exclude.isEmpty {
            relative = []
        } else {
            relative = frame.relative.isEmpty ? Array(name.bytes) : frame.relative + [UInt8(ascii: "/")] + name.bytes
        }

        var type = name.type
        if type == DirectoryName.symbolicLink && !options.followSymlinks { return nil }
        if type != DirectoryName.directory && name.bytes.first == UInt8(ascii: ".") && AtomicFileWriter.isTemporaryName(Array(name.bytes)) {
            if options.removeStaleTemporaries { removeIfStale(name, in: frame.directory.descriptor) }
            return nil
        }
        if type == DirectoryName.regularFile && !options.needsStatus {
            // d_type said regular file, and no filter needs size or times: the reader's fstat after
            // open supplies them, and identity comes from d_ino and the directory's device.
            guard !isExcluded(relative: relative, name: name.bytes), isIncluded(relative: relative, name: name.bytes),
                  !options.skipping.contains(FileIdentity(device: frame.identity.device, inode: name.inode)) else {
                return nil
            }
            return .file(FileEntry(path: FilePath(bytes: path)))
        }
        if type == DirectoryName.unknown || type == DirectoryName.symbolicLink || type == DirectoryName.regularFile {
            // The stat gives what every entry carries (size, times, identity), and resolves DT_UNKNOWN.
            var info = stat()
            let flags = type == DirectoryName.symbolicLink && options.followSymlinks ? 0 : AT_SYMLINK_NOFOLLOW
            if name.withCString({ fstatat(frame.directory.descriptor, $0, &info, flags) }) != 0 {
                let code = errno
                // A dangling link (with -L) is no file to process; an entry that vanished is worth a word.
                if type == DirectoryName.symbolicLink { return nil }
                return .failure(FileError(path: FilePath(bytes: path), reason: .system(Errno(rawValue: code))))
            }
            let status = FileStatus(info)
            if status.isSymbolicLink { return nil }
            if status.isDirectory {
                type = DirectoryName.directory
            } else {
                return classify(path: path, relative: relative, name: Array(name.bytes), status: status)
            }
        }
        if type == DirectoryName.directory {
            if isExcluded(relative: relative, name: name.bytes) { return nil }
            let parent = frame.directory.descriptor
            let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (options.followSymlinks ? 0 : O_NOFOLLOW)
            return enterDirectory(path: path, relative: relative, status: nil, open: {
                let descriptor = name.withCString { openat(parent, $0, flags) }
                guard descriptor >= 0 else { return nil }
                guard let directory = fdopendir(descriptor) else {
                    Glibc.close(descriptor)
                    return nil
                }
                return directory
            })
        }
        return specialFile(path: path, type: type)
    }

    /// Removes one of our temporaries untouched for ten minutes: a crash's leftover, not a file that
    /// a running sweep is still writing.
    private func removeIfStale(_ name: DirectoryName, in directory: CInt) {
        var info = stat()
        guard name.withCString({ fstatat(directory, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0 else { return }
        let status = FileStatus(info)
        guard status.isRegularFile, status.modificationTime.seconds < FileTime.now.seconds - 600 else { return }
        _ = name.withCString { unlinkat(directory, $0, 0) }
    }

    private func specialFile(path: [UInt8], type: UInt8) -> WalkEvent {
        let kind: String
        switch Int(type) {
        case Int(DT_FIFO): kind = "FIFO"
        case Int(DT_SOCK): kind = "socket"
        case Int(DT_CHR): kind = "character device"
        case Int(DT_BLK): kind = "block device"
        default: kind = "special file"
        }
        return .skipped(FilePath(bytes: path), .notARegularFile(kind: kind))
    }

    private func classify(path: [UInt8], relative: [UInt8], name: [UInt8], status: FileStatus, isRoot: Bool = false) -> WalkEvent? {
        guard status.isRegularFile else {
            let type: UInt8
            switch status.mode & UInt32(S_IFMT) {
            case UInt32(S_IFIFO): type = UInt8(DT_FIFO)
            case UInt32(S_IFSOCK): type = UInt8(DT_SOCK)
            case UInt32(S_IFCHR): type = UInt8(DT_CHR)
            case UInt32(S_IFBLK): type = UInt8(DT_BLK)
            default: type = UInt8(DT_UNKNOWN)
            }
            return specialFile(path: path, type: type)
        }
        if options.skipping.contains(status.identity) { return nil }
        if !isRoot || options.globsApplyToRoots {
            if isExcluded(relative: relative, name: name) { return nil }
            if !isIncluded(relative: relative, name: name) { return nil }
        }
        if let cutoff = options.modifiedBefore, !(status.modificationTime < cutoff) { return nil }
        return .file(FileEntry(path: FilePath(bytes: path), status: status))
    }

    private func isIncluded(relative: [UInt8], name: some Collection<UInt8>) -> Bool {
        options.include.isEmpty || options.include.contains { $0.matches(relative) || $0.matches(name) }
    }

    private func isExcluded(relative: [UInt8], name: some Collection<UInt8>) -> Bool {
        options.exclude.contains { (!relative.isEmpty && $0.matches(relative)) || $0.matches(name) }
    }

    private mutating func enterDirectory(
        path: [UInt8], relative: [UInt8], status: FileStatus?, open: () -> OpaquePointer?
    ) -> WalkEvent? {
        guard let handle = open() else {
            let code = errno
            // With -L a link to a directory that vanished or is a loop is reported; ELOOP without -L cannot happen.
            return .failure(FileError(path: FilePath(bytes: path), reason: .system(Errno(rawValue: code))))
        }
        let directory = OpenDirectory(handle)
        var info = stat()
        guard fstat(directory.descriptor, &info) == 0 else {
            directory.close()
            return .failure(.lastSystemError(FilePath(bytes: path)))
        }
        let identity = FileStatus(info).identity
        if stack.contains(where: { $0.identity == identity }) {
            directory.close()
            return .failure(FileError(path: FilePath(bytes: path), reason: .fileSystemLoop))
        }
        let names: DirectoryListing
        do {
            names = try directory.sortedNames()
        } catch {
            directory.close()
            return .failure(FileError(path: FilePath(bytes: path), reason: .system(error)))
        }
        stack.append(Frame(directory: directory, path: path, relative: relative, names: names, identity: identity))
        return nil
    }
}

/// One name read from a directory, with the type `readdir` reported for it.
package struct DirectoryName {
    package static let unknown = UInt8(DT_UNKNOWN)
    package static let regularFile = UInt8(DT_REG)
    package static let directory = UInt8(DT_DIR)
    package static let symbolicLink = UInt8(DT_LNK)

    /// The name's bytes followed by a NUL, ready for `*at` calls.
    private let terminated: [UInt8]
    package let type: UInt8
    /// `d_ino`: with the directory's device, the file's identity, known without a `stat`.
    package let inode: UInt64

    init(terminated: [UInt8], type: UInt8, inode: UInt64) {
        self.terminated = terminated
        self.type = type
        self.inode = inode
    }

    /// The name's bytes, without the NUL.
    package var bytes: ArraySlice<UInt8> { terminated.dropLast() }

    /// Calls `body` with the name as a C string.
    package func withCString<Result>(_ body: (UnsafePointer<CChar>) -> Result) -> Result {
        terminated.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}

/// A `DIR*` the walker owns; closed when its frame is popped.
private struct OpenDirectory {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }

    var descriptor: CInt { dirfd(handle) }

    func close() { closedir(handle) }

    /// All names but `.` and `..`, sorted by their bytes.
    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!

    func sortedNames() throws(Errno) -> DirectoryListing {
        var listing = DirectoryListing()
        while true {
            errno = 0
            guard let entry = readdir(handle) else {
                if errno != 0 { throw Errno(rawValue: errno) }
                break
            }
            // d_name is declared as 256 bytes, but the kernel's record ends after the name's NUL:
            // copying the whole field (withUnsafeBytes(of:)) reads past it (AddressSanitizer caught
            // that). Read the name in place, up to its NUL.
            let name = UnsafeRawPointer(entry) + Self.nameOffset
            let length = strlen(name.assumingMemoryBound(to: CChar.self))
            let bytes = UnsafeRawBufferPointer(start: name, count: length)
            if bytes.elementsEqual([46]) || bytes.elementsEqual([46, 46]) { continue }
            listing.append(bytes, type: entry.pointee.d_type, inode: UInt64(entry.pointee.d_ino))
        }
        listing.sort()
        return listing
    }
}

/// A directory's names in one contiguous buffer, each followed by a NUL, and sorted as plain
/// offsets: sorting moves no reference-counted values, and comparing is a `memcmp`.
package struct DirectoryListing {
    private struct Entry {
        var offset: Int
        var length: Int
        var type: UInt8
        var inode: UInt64
    }

    private var storage: [UInt8] = []
    private var entries: [Entry] = []

    var count: Int { entries.count }

    mutating func append(_ name: UnsafeRawBufferPointer, type: UInt8, inode: UInt64) {
        entries.append(Entry(offset: storage.count, length: name.count, type: type, inode: inode))
        storage.append(contentsOf: name)
        storage.append(0)
    }

    /// Byte order (memcmp compares unsigned bytes, so 0x80...0xFF come after ASCII, as in the C
    /// locale); comparing through the NUL puts a prefix first.
    mutating func sort() {
        storage.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress!
            entries.sort { lhs, rhs in
                memcmp(base + lhs.offset, base + rhs.offset, min(lhs.length, rhs.length) + 1) < 0
            }
        }
    }

    func name(at index: Int) -> DirectoryName {
        let entry = entries[index]
        return DirectoryName(
            terminated: Array(storage[entry.offset...(entry.offset + entry.length)]), type: entry.type, inode: entry.inode)
    }
}
