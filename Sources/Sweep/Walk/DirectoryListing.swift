import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A directory's names in one contiguous buffer, each followed by a NUL, and sorted as plain
/// offsets: sorting moves no reference-counted values, and comparing is an 8-byte key, then a
/// `memcmp` on ties.
package struct DirectoryListing: Sendable {
    private struct Entry: Sendable {
        /// The name's first eight bytes, big-endian, zero-padded: most comparisons end here, without
        /// a `memcmp` (names hold no NUL, so padding orders a prefix first, as the NUL does).
        var key: UInt64
        var offset: Int
        var length: Int
        var type: UInt8
        var inode: UInt64
    }

    private var storage: [UInt8] = []
    private var entries: [Entry] = []

    var count: Int { entries.count }

    /// Every name in `directory` but `.` and `..`, sorted by their bytes. The directory is read through
    /// a duplicate of its descriptor, so the handle stays open for the entries' later use.
    static func read(_ directory: DirectoryHandle) throws(Errno) -> DirectoryListing {
        let duplicate = dup(directory.descriptor.rawValue)
        guard duplicate >= 0 else { throw Errno(rawValue: errno) }
        guard let stream = fdopendir(duplicate) else {
            let code = Errno(rawValue: errno)
            close(duplicate)
            throw code
        }
        defer { closedir(stream) }
        var listing = DirectoryListing()
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw Errno(rawValue: errno) }
                break
            }
            // d_name is declared as 256 bytes, but the kernel's record ends after the name's NUL:
            // copying the whole field (withUnsafeBytes(of:)) reads past it (AddressSanitizer caught
            // that). Read the name in place, up to its NUL.
            let name = UnsafeRawPointer(entry) + nameOffset
            let length = strlen(name.assumingMemoryBound(to: CChar.self))
            let bytes = UnsafeRawBufferPointer(start: name, count: length)
            if bytes.count <= 2 && bytes.allSatisfy({ $0 == UInt8(ascii: ".") }) { continue }   // . and ..
            listing.append(bytes, type: entry.pointee.d_type, inode: UInt64(entry.pointee.d_ino))
        }
        listing.sort()
        return listing
    }

    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!

    private mutating func append(_ name: UnsafeRawBufferPointer, type: UInt8, inode: UInt64) {
        var key: UInt64 = 0
        for index in 0..<8 { key = key << 8 | UInt64(index < name.count ? name[index] : 0) }
        entries.append(Entry(key: key, offset: storage.count, length: name.count, type: type, inode: inode))
        storage.append(contentsOf: name)
        storage.append(0)
    }

    /// Byte order (memcmp compares unsigned bytes, so 0x80...0xFF come after ASCII, as in the C
    /// locale); comparing through the NUL puts a prefix first.
    private mutating func sort() {
        storage.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress!
            entries.sort { lhs, rhs in
                if lhs.key != rhs.key { return lhs.key < rhs.key }
                return memcmp(base + lhs.offset, base + rhs.offset, min(lhs.length, rhs.length) + 1) < 0
            }
        }
    }

    /// The indices of the names `d_type` says are directories.
    var subdirectoryIndices: [Int] {
        entries.indices.filter { entries[$0].type == DirectoryName.directory }
    }

    /// What `d_type` says the name at `index` is.
    func type(at index: Int) -> UInt8 { entries[index].type }

    /// Calls `body` with the name at `index` in place: no slice of the buffer, so nothing retained.
    func withName<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let entry = entries[index]
        return storage.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[entry.offset..<(entry.offset + entry.length)])) }
    }

    func name(at index: Int) -> DirectoryName {
        let entry = entries[index]
        return DirectoryName(
            fileName: FileName(terminated: storage[entry.offset...(entry.offset + entry.length)]),
            type: entry.type, inode: entry.inode)
    }
}
