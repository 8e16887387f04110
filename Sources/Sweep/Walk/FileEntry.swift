import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file to process: its path as raw bytes, and what `stat` said of it when it was found.
///
/// The walker fills in ``status``; a path handed to the pipeline directly gets it when the file is opened.
///
/// ```swift
/// let entry = FileEntry(path: "logs/app.log")
/// print(entry.path, entry.status?.size as Any)
/// ```
public struct FileEntry: Sendable, Hashable {
    /// The path exactly as it was found or given: bytes, not a lossy `String`.
    public var path: FilePath
    /// The file's metadata, when known.
    public var status: FileStatus?
    /// Whether this entry stands for standard input (`-` on the command line).
    public var isStandardInput: Bool

    /// An entry for `path`, optionally with metadata already known.
    public init(path: FilePath, status: FileStatus? = nil) {
        self.path = path
        self.status = status
        self.isStandardInput = false
    }

    /// Standard input, named `-` as coreutils names it.
    public static var standardInput: FileEntry {
        var entry = FileEntry(path: "-")
        entry.isStandardInput = true
        return entry
    }
}

/// The metadata of a file that sweep relies on: size, times, mode, identity.
public struct FileStatus: Sendable, Hashable {
    /// The size in bytes.
    public var size: Int64
    /// The last modification time.
    public var modificationTime: FileTime
    /// The last access time.
    public var accessTime: FileTime
    /// The mode: file type and permission bits, as `st_mode`.
    public var mode: UInt32
    /// The owner's user id.
    public var userID: UInt32
    /// The owner's group id.
    public var groupID: UInt32
    /// The number of hard links.
    public var linkCount: UInt64
    /// The device and inode that identify the file.
    public var identity: FileIdentity

    /// Whether this is a regular file.
    public var isRegularFile: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFREG) }
    /// Whether this is a directory.
    public var isDirectory: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }
    /// Whether this is a symbolic link.
    public var isSymbolicLink: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFLNK) }

    /// The permission bits (including set-id and sticky bits).
    public var permissions: UInt32 { mode & 0o7777 }

    /// The status of the file at `path`, following a symbolic link as `stat` does.
    ///
    /// ```swift
    /// var options = WalkOptions()
    /// options.skipping = [try FileStatus(of: "SHA256SUMS").identity]
    /// ```
    public init(of path: FilePath) throws(FileError) {
        var info = stat()
        guard path.withPlatformString({ stat($0, &info) }) == 0 else { throw FileError.lastSystemError(path) }
        self.init(info)
    }

    package init(_ status: stat) {
        size = Int64(status.st_size)
        modificationTime = FileTime(seconds: Int64(status.st_mtim.tv_sec), nanoseconds: Int64(status.st_mtim.tv_nsec))
        accessTime = FileTime(seconds: Int64(status.st_atim.tv_sec), nanoseconds: Int64(status.st_atim.tv_nsec))
        mode = UInt32(status.st_mode)
        userID = UInt32(status.st_uid)
        groupID = UInt32(status.st_gid)
        linkCount = UInt64(status.st_nlink)
        identity = FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }
}

/// The (device, inode) pair that names a file whatever path reaches it.
public struct FileIdentity: Sendable, Hashable {
    /// `st_dev`.
    public var device: UInt64
    /// `st_ino`.
    public var inode: UInt64

    /// The identity of the file on `device` with number `inode`.
    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}
