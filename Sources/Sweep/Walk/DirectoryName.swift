#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One name read from a directory, with the type `readdir` reported for it.
package struct DirectoryName {
    package static let unknown = UInt8(DT_UNKNOWN)
    package static let regularFile = UInt8(DT_REG)
    package static let directory = UInt8(DT_DIR)
    package static let symbolicLink = UInt8(DT_LNK)

    /// The name, NUL-terminated for the `*at` calls.
    package let fileName: FileName
    package let type: UInt8
    /// `d_ino`: with the directory's device, the file's identity, known without a `stat`.
    package let inode: UInt64

    init(fileName: FileName, type: UInt8, inode: UInt64) {
        self.fileName = fileName
        self.type = type
        self.inode = inode
    }

    /// The name's bytes, without the NUL.
    package var bytes: ArraySlice<UInt8> { fileName.bytes }

    /// What `d_type` says the entry is, in words: "FIFO", "socket", …
    package static func kindDescription(_ type: UInt8) -> String {
        switch Int(type) {
        case Int(DT_FIFO): "FIFO"
        case Int(DT_SOCK): "socket"
        case Int(DT_CHR): "character device"
        case Int(DT_BLK): "block device"
        default: "special file"
        }
    }
}
