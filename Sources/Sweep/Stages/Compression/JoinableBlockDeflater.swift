import CLibdeflate
import CZlib

/// libdeflate's compressor for one block of a larger stream: a block compressed whole, at
/// libdeflate's speed, then made joinable as pigz's sync-flushed blocks are, so that a large file's
/// blocks still concatenate into one deflate stream (one gzip member).
///
/// libdeflate ends every buffer it compresses with a final block, at a bit position it does not
/// report. zlib's inflate, stopping at each block boundary (`Z_BLOCK`, the method of zlib's own
/// `gzjoin` example), finds where that final block's header is and where its last bit falls; the
/// header's final-block bit is then cleared, and an empty stored block (three zero bits, padding,
/// `00 00 FF FF`) brings the stream to a byte boundary, as a sync flush would. The scan costs about
/// a fifth of the compression, which leaves the block about 1.3 times zlib's speed at a smaller
/// size (BENCHMARKS.md).
///
/// Blocks start without a dictionary (libdeflate takes none), so they are larger than pigz's
/// 128 KiB: at 2 MiB the loss is below what libdeflate saves, and the total stays under
/// `gzip -6`'s on every log measured.
///
/// It is handed from thread to thread whole (a pool of reusable compressors), never shared, hence
/// `@unchecked Sendable`.
package final class JoinableBlockDeflater: @unchecked Sendable {
    private let compressor: WholeDeflater
    private let inflater = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    /// Where the scan's inflate output goes, to be dropped: only the positions matter.
    private let discarded = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 64)
    package var level: Int32 { compressor.level }

    /// A compressor at `level` (1…9, as zlib's levels: faster to smaller).
    package init(level: Int32) {
        compressor = WholeDeflater(level: level)
        inflater.initialize(to: z_stream())
        let status = sweep_inflateInit2(inflater, -15)
        precondition(status == Z_OK, "inflateInit2 failed: \(status)")
    }

    deinit {
        inflateEnd(inflater)
        inflater.deallocate()
        discarded.deallocate()
    }

    /// `input` (not empty) deflated as blocks that are not final and end on a byte boundary,
    /// appended to `output`; false, with `output` as it was, if the scan could not follow
    /// libdeflate's output (never seen; the caller then compresses the block another way).
    package func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) -> Bool {
        precondition(!input.isEmpty, "a joinable block holds input")
        let start = output.count
        compressor.compress(input, appendingTo: &output)
        let joined = output.withUnsafeMutableBytes { buffer in
            makeJoinable(UnsafeMutableRawBufferPointer(rebasing: buffer[start...]), inputLength: input.count)
        }
        switch joined {
        case nil:
            output.removeSubrange(start...)
            return false
        case let padding?:
            output += padding
            return true
        }
    }

    /// Clears the final-block bit of `stream`'s last block and returns the bytes that bring it to a
    /// byte boundary, or nil if `stream` does not inflate to exactly `inputLength` bytes.
    private func makeJoinable(_ stream: UnsafeMutableRawBufferPointer, inputLength: Int) -> [UInt8]? {
        guard inflateReset(inflater) == Z_OK, let base = stream.baseAddress?.assumingMemoryBound(to: Bytef.self) else { return nil }
        inflater.pointee.next_in = base
        inflater.pointee.avail_in = uInt(stream.count)
        defer { inflater.pointee.next_in = nil }
        // Where the header of the block being inflated keeps its final-block bit: the first bit.
        var headerByte = 0
        var headerMask: UInt8 = 1
        var inflated = 0
        while true {
            inflater.pointee.next_out = discarded.baseAddress!.assumingMemoryBound(to: Bytef.self)
            inflater.pointee.avail_out = uInt(discarded.count)
            let status = inflate(inflater, Z_BLOCK)
            inflated += discarded.count - Int(inflater.pointee.avail_out)
            guard status == Z_OK || status == Z_STREAM_END else { return nil }
            let consumed = stream.count - Int(inflater.pointee.avail_in)
            let dataType = inflater.pointee.data_type
            // 128: stopped at a block boundary; 64: the block that ended was the final one; the
            // low three bits: how many bits of the last byte read are not yet used.
            let unusedBits = Int(dataType & 7)
            if dataType & 128 != 0 && dataType & 64 != 0 {
                guard consumed == stream.count, inflated == inputLength, stream[headerByte] & headerMask != 0 else { return nil }
                stream[headerByte] &= ~headerMask
                guard unusedBits != 0 else { return [] }
                // The empty stored block's three header bits are the zeros above the last used
                // bit; when fewer than three are left, they run into one more zero byte.
                stream[stream.count - 1] &= UInt8((0x100 >> unusedBits) - 1)
                return unusedBits < 3 ? [0x00, 0x00, 0x00, 0xFF, 0xFF] : [0x00, 0x00, 0xFF, 0xFF]
            }
            if dataType & 128 != 0 {
                // The next block's header starts at the first unused bit.
                if unusedBits == 0 {
                    headerByte = consumed
                    headerMask = 1
                } else {
                    headerByte = consumed - 1
                    headerMask = UInt8(truncatingIfNeeded: 0x100 >> unusedBits)
                }
                guard headerByte < stream.count else { return nil }
            }
            // The end of the stream before a final block ended, or no input left (the next call
            // then fails with Z_BUF_ERROR): not libdeflate's output as known.
            if status == Z_STREAM_END { return nil }
        }
    }
}
