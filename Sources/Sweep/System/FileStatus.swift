import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The metadata of a file that sweep relies on: size, times, mode, owner, identity.
///
/// ```swift
/// let status = try FileStatus(of: "logs/app.log")
/// print(status.size, status.modificationTime.seconds, status.permissions)
/// ```
public struct FileStatus: Sendable, Hashable {
    /// The size in bytes.
    public var size: Int64
    /// The last modification time (of the content).
    public var modificationTime: FileTime
    /// The last access time.
    public var accessTime: FileTime
    /// The last status change time (content, mode, owner, links): the kernel sets it, no caller can.
    public var changeTime: FileTime
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

    /// Whether this is a FIFO or a character or block device: something read as a stream, to its end.
    package var isStream: Bool {
        let type = mode & UInt32(S_IFMT)
        return type == UInt32(S_IFIFO) || type == UInt32(S_IFCHR) || type == UInt32(S_IFBLK)
    }

    /// The permission bits, including the set-user-ID, set-group-ID and sticky bits.
    public var permissions: FilePermissions { FilePermissions(rawValue: CModeT(mode & 0o7777)) }

    /// What kind of file this is, in the words `find` and `ls` use: "regular file", "FIFO", …
    public var kindDescription: String {
        switch mode & UInt32(S_IFMT) {
        case UInt32(S_IFREG): "regular file"
        case UInt32(S_IFDIR): "directory"
        case UInt32(S_IFLNK): "symbolic link"
        case UInt32(S_IFIFO): "FIFO"
        case UInt32(S_IFSOCK): "socket"
        case UInt32(S_IFCHR): "character device"
        case UInt32(S_IFBLK): "block device"
        default: "special file"
        }
    }

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
        modificationTime = FileTime(status.st_mtim)
        accessTime = FileTime(status.st_atim)
        changeTime = FileTime(status.st_ctim)
        mode = UInt32(status.st_mode)
        userID = UInt32(status.st_uid)
        groupID = UInt32(status.st_gid)
        linkCount = UInt64(status.st_nlink)
        identity = FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// Whether `other` is the same file with the same content as far as metadata can tell: same
    /// identity, size, modification and change times.
    package func isUnchanged(comparedTo other: FileStatus) -> Bool {
        identity == other.identity && size == other.size && modificationTime == other.modificationTime
            && changeTime == other.changeTime
    }
}
