import CSweepSupport
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A directory held open by its descriptor. Every operation on its entries goes through that
/// descriptor (`openat`, `fstatat`, `renameat2`, `linkat`, `unlinkat`), never through a path string,
/// so a user who renames or swaps a symbolic link in for this directory, or any directory above it,
/// after it was opened cannot redirect what happens to its entries: the descriptor keeps naming the
/// directory that was opened.
///
/// Shared by every entry the walk found in the directory, and closed when the last of them is gone.
///
/// ```swift
/// let directory = try DirectoryHandle.open(path: "/var/log/app")
/// let file = try directory.openForReading(FileName(Array("app.log".utf8)))
/// ```
package final class DirectoryHandle: Sendable {
    /// The open directory.
    package let descriptor: FileDescriptor

    /// Takes ownership of `descriptor`, which refers to a directory.
    package init(adopting descriptor: FileDescriptor) {
        self.descriptor = descriptor
    }

    deinit {
        try? descriptor.close()
    }

    /// Opens the directory at `path` (a root the user named: symbolic links in it are followed, as
    /// `find -H` does). A path longer than `PATH_MAX` is opened a directory at a time.
    package static func open(path: FilePath) throws(Errno) -> DirectoryHandle {
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC
        let descriptor = path.withPlatformString { Glibc.open($0, flags) }
        if descriptor >= 0 { return DirectoryHandle(adopting: FileDescriptor(rawValue: descriptor)) }
        let code = Errno(rawValue: errno)
        guard code == .fileNameTooLong else { throw code }
        return try openComponentwise(path.bytes)
    }

    /// Opens the directory that holds `path`'s last component, and returns it with that component:
    /// the way to act on a file named on the command line through a held directory.
    package static func openParent(of path: FilePath) throws(Errno) -> (DirectoryHandle, FileName) {
        let (parent, name) = splitParent(path.bytes)
        return (try open(path: FilePath(bytes: parent)), name)
    }

    /// A path's parent directory and last component, trailing slashes ignored:
    /// `a/b/c` → (`a/b`, `c`); `c` → (`.`, `c`); `/c` → (`/`, `c`).
    package static func splitParent(_ path: [UInt8]) -> (parent: [UInt8], name: FileName) {
        var bytes = path
        while bytes.count > 1 && bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return ([UInt8(ascii: ".")], FileName(bytes)) }
        return (slash == 0 ? [UInt8(ascii: "/")] : Array(bytes[..<slash]), FileName(bytes[(slash + 1)...]))
    }

    /// Opens `path` by `openat` from directory to directory, so that no call sees more than one
    /// component: the way to reach a path longer than `PATH_MAX`.
    private static func openComponentwise(_ path: [UInt8]) throws(Errno) -> DirectoryHandle {
        let components = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        var current = try open(path: path.first == UInt8(ascii: "/") ? "/" : ".")
        for component in components {
            current = try current.openDirectory(FileName(component), followingLinks: true)
        }
        return current
    }

    /// Opens the subdirectory `name`; with `followingLinks` false a symbolic link is refused (`ELOOP`).
    package func openDirectory(_ name: FileName, followingLinks: Bool) throws(Errno) -> DirectoryHandle {
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW)
        let result = name.withCString { openat(descriptor.rawValue, $0, flags) }
        guard result >= 0 else { throw Errno(rawValue: errno) }
        return DirectoryHandle(adopting: FileDescriptor(rawValue: result))
    }

    /// Opens the entry `name` for reading without blocking and without acquiring a controlling
    /// terminal: a FIFO swapped in for a file opens at once (and is then refused by its type) instead
    /// of waiting for a writer for ever. With `followingLinks` false a symbolic link is refused (`ELOOP`).
    package func openForReading(_ name: FileName, followingLinks: Bool = false) throws(Errno) -> FileDescriptor {
        let flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (followingLinks ? 0 : O_NOFOLLOW)
        let result = name.withCString { openat(descriptor.rawValue, $0, flags) }
        guard result >= 0 else { throw Errno(rawValue: errno) }
        return FileDescriptor(rawValue: result)
    }

    /// The status of the entry `name`; a symbolic link is described, not followed, unless `followingLinks`.
    package func status(of name: FileName, followingLinks: Bool = false) throws(Errno) -> FileStatus {
        var info = stat()
        let flags = followingLinks ? 0 : AT_SYMLINK_NOFOLLOW
        guard name.withCString({ fstatat(descriptor.rawValue, $0, &info, flags) }) == 0 else { throw Errno(rawValue: errno) }
        return FileStatus(info)
    }

    /// Whether anything (even a dangling link) is called `name` here.
    package func contains(_ name: FileName) -> Bool {
        (try? status(of: name)) != nil
    }

    /// A new file with no name in this directory (`O_TMPFILE`): nothing can see or open it until it
    /// is given a name by ``link(_:as:)``, and a crash leaves nothing behind. `nil` where the file
    /// system does not support it.
    package func makeUnnamedFile(permissions: FilePermissions) throws(Errno) -> FileDescriptor? {
        let result = sweep_open_unnamed(descriptor.rawValue, permissions.rawValue)
        if result >= 0 { return FileDescriptor(rawValue: result) }
        let code = Errno(rawValue: errno)
        // EOPNOTSUPP (the file system lacks it), EISDIR or EINVAL (a kernel or libc without it).
        if code == .notSupported || code == .isDirectory || code == .invalidArgument { return nil }
        throw code
    }

    /// Creates the file `name`, failing if anything already has that name, a link included.
    package func createExclusively(_ name: FileName, permissions: FilePermissions) throws(Errno) -> FileDescriptor {
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
        let result = name.withCString { openat(descriptor.rawValue, $0, flags, permissions.rawValue) }
        guard result >= 0 else { throw Errno(rawValue: errno) }
        return FileDescriptor(rawValue: result)
    }

    /// Gives the open file `file` (an unnamed one from ``makeUnnamedFile(permissions:)``) the name
    /// `name` here. Fails with `EEXIST` if the name is taken: it never replaces anything.
    package func link(_ file: FileDescriptor, as name: FileName) throws(Errno) {
        // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the /proc link to the descriptor works for anyone.
        let source = "/proc/self/fd/\(file.rawValue)"
        let result = name.withCString { target in
            linkat(AT_FDCWD, source, descriptor.rawValue, target, AT_SYMLINK_FOLLOW)
        }
        guard result == 0 else { throw Errno(rawValue: errno) }
    }

    /// Renames `source` to `target` within this directory. Without `replacing`, fails with `EEXIST`
    /// if `target` exists (`RENAME_NOREPLACE`): a name that appeared meanwhile is never overwritten.
    package func rename(_ source: FileName, to target: FileName, replacing: Bool) throws(Errno) {
        let flags: CUnsignedInt = replacing ? 0 : 1  // RENAME_NOREPLACE
        let result = source.withCString { from in
            target.withCString { to in sweep_renameat2(descriptor.rawValue, from, to, flags) }
        }
        guard result == 0 else { throw Errno(rawValue: errno) }
    }

    /// Removes the entry `name` (not a directory).
    package func remove(_ name: FileName) throws(Errno) {
        guard name.withCString({ unlinkat(descriptor.rawValue, $0, 0) }) == 0 else { throw Errno(rawValue: errno) }
    }

    /// Makes the directory's entries (names added, renamed, removed) durable.
    package func synchronize() throws(Errno) {
        guard fsync(descriptor.rawValue) == 0 else { throw Errno(rawValue: errno) }
    }

    /// This directory's own status.
    package func status() throws(Errno) -> FileStatus {
        var info = stat()
        guard fstat(descriptor.rawValue, &info) == 0 else { throw Errno(rawValue: errno) }
        return FileStatus(info)
    }
}

extension FileDescriptor {
    /// The open file's status (`fstat`).
    package func status() throws(Errno) -> FileStatus {
        var info = Glibc.stat()
        guard fstat(rawValue, &info) == 0 else { throw Errno(rawValue: errno) }
        return FileStatus(info)
    }
}
