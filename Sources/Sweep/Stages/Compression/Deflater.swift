import CLibdeflate
import CZlib

/// A raw deflate stream (no zlib or gzip wrapper: sweep writes gzip's header and trailer itself).
/// The `z_stream` lives at a fixed address, as zlib requires.
///
/// It is handed from thread to thread whole (a pool of reusable deflaters), never shared, hence
/// `@unchecked Sendable`.
package final class Deflater: @unchecked Sendable {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    /// Output is produced here, then appended: no zero-filling of the destination array.
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 64)
    package let level: Int32

    /// A stream compressing at `level` (1…9).
    package init(level: Int32) {
        self.level = level
        stream.initialize(to: z_stream())
        let status = sweep_deflateInit2(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY)
        precondition(status == Z_OK, "deflateInit2 failed: \(status)")
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
        scratch.deallocate()
    }

    /// Starts a new, independent stream with the same settings, keeping the allocations.
    package func reset() {
        deflateReset(stream)
    }

    /// Primes the window with the data that precedes the next input (pigz's method for blocks).
    package func setDictionary(_ dictionary: UnsafeRawBufferPointer) {
        guard let base = dictionary.baseAddress, dictionary.count > 0 else { return }
        deflateSetDictionary(stream, base.assumingMemoryBound(to: Bytef.self), uInt(dictionary.count))
    }

    /// Compresses `input`, appending the output to `output`; `flush` is `Z_NO_FLUSH`, `Z_SYNC_FLUSH`
    /// (end on a byte boundary, so that independently compressed blocks can be concatenated) or
    /// `Z_FINISH`.
    package func compress(_ input: UnsafeRawBufferPointer, flush: Int32, into output: inout [UInt8]) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        while true {
            stream.pointee.next_out = scratch.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(scratch.count)
            let status = deflate(stream, flush)
            let produced = scratch.count - Int(stream.pointee.avail_out)
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<produced]))
            precondition(status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR, "deflate failed: \(status)")
            let done = flush == Z_FINISH ? status == Z_STREAM_END
                : stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0
            if done { break }
        }
        stream.pointee.next_in = nil
    }
}

/// The CRC-32 of `bytes` (gzip's, zlib's), continuing from `crc`: libdeflate's, which uses
/// carry-less multiplication and was the fastest measured (see the README).
package func crc32(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
    return libdeflate_crc32(crc, base, bytes.count)
}

/// The CRC-32 of two pieces joined, from theirs and the second's length.
package func crc32Combine(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
    UInt32(truncatingIfNeeded: crc32_combine(uLong(first), uLong(second), off_t(secondLength)))
}

#if canImport(Glibc)
import Glibc
#endif
