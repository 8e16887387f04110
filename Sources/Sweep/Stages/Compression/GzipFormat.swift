import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// gzip's member header and trailer (RFC 1952), as gzip and pigz write them by default.
package enum GzipFormat {
    /// Whether an mtime fits the header's unsigned 32 bits.
    package static func canStore(_ modificationTime: Int64) -> Bool {
        (0...Int64(UInt32.max)).contains(modificationTime)
    }

    /// The header: magic, deflate, FNAME with the original's base name, its mtime, XFL, OS 3 (Unix).
    package static func header(name: [UInt8]?, modificationTime: Int64, level: Int) -> [UInt8] {
        // An mtime gzip cannot store (before 1970 or after 2106) is stored as 0, meaning unknown.
        let mtime = canStore(modificationTime) ? UInt32(modificationTime) : 0
        let extraFlags: UInt8 = level == 9 ? 2 : level == 1 ? 4 : 0
        var header: [UInt8] = [0x1f, 0x8b, 8, name == nil ? 0 : 0x08]
        header += littleEndian(mtime)
        header += [extraFlags, 3]
        if let name {
            // A NUL cannot be in a file name; FNAME ends at the first one.
            header += name.prefix { $0 != 0 }
            header.append(0)
        }
        return header
    }

    /// The trailer: CRC-32 and the length mod 2^32, little-endian.
    package static func trailer(crc: UInt32, length: UInt64) -> [UInt8] {
        littleEndian(crc) + littleEndian(UInt32(truncatingIfNeeded: length))
    }

    /// The name (FNAME, without its NUL) and MTIME stored in the header at the start of the regular
    /// file open as `descriptor`, read with `pread` (the file's offset is left alone); nil when the
    /// file does not start with a whole gzip header.
    package static func storedNameAndTime(readingFrom descriptor: FileDescriptor) -> (name: [UInt8]?, modificationTime: UInt32)? {
        // FEXTRA may take 64 KiB before the name; a name longer than a path is not used.
        let limit = 10 + 2 + 65_535 + 4_096
        var buffer = [UInt8](repeating: 0, count: limit)
        let count = buffer.withUnsafeMutableBytes { raw in pread(descriptor.rawValue, raw.baseAddress, raw.count, 0) }
        guard count > 0 else { return nil }
        return storedNameAndTime(in: buffer[..<count])
    }

    /// The name and MTIME stored in the header that starts `bytes`; nil when it is not a whole one.
    package static func storedNameAndTime(in bytes: ArraySlice<UInt8>) -> (name: [UInt8]?, modificationTime: UInt32)? {
        let b = Array(bytes)
        guard b.count >= 10, b[0] == 0x1f, b[1] == 0x8b, b[2] == 8 else { return nil }
        let flags = b[3]
        let time = UInt32(b[4]) | UInt32(b[5]) << 8 | UInt32(b[6]) << 16 | UInt32(b[7]) << 24
        var offset = 10
        if flags & 0x04 != 0 {
            guard b.count >= offset + 2 else { return nil }
            offset += 2 + (Int(b[offset]) | Int(b[offset + 1]) << 8)
        }
        guard flags & 0x08 != 0 else { return (nil, time) }
        guard offset < b.count, let end = b[offset...].firstIndex(of: 0) else { return nil }
        return (Array(b[offset..<end]), time)
    }

    /// A final, empty fixed-Huffman deflate block: ends a stream whose blocks ended in sync flushes.
    package static let finalEmptyBlock: [UInt8] = [0x03, 0x00]

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24)]
    }
}
