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

    /// A final, empty fixed-Huffman deflate block: ends a stream whose blocks ended in sync flushes.
    package static let finalEmptyBlock: [UInt8] = [0x03, 0x00]

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24)]
    }
}
