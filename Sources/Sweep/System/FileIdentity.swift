/// The (device, inode) pair that names a file whatever path reaches it.
///
/// ```swift
/// let same = try FileStatus(of: "a").identity == FileStatus(of: "hardlink-to-a").identity
/// ```
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
