import CLibdeflate

/// libdeflate's compressor at one level: raw deflate of a whole buffer in one call, about twice
/// zlib's speed at a smaller size. It cannot stream, take a dictionary or end on a byte boundary, so
/// it compresses whole files only (``GzipEncoder`` decides which).
///
/// It is handed from thread to thread whole (a pool of reusable compressors), never shared, hence
/// `@unchecked Sendable`.
package final class WholeDeflater: @unchecked Sendable {
    private let compressor: OpaquePointer
    package let level: Int32

    /// A compressor at `level` (1…9, as zlib's levels: faster to smaller).
    package init(level: Int32) {
        self.level = level
        guard let compressor = libdeflate_alloc_compressor(level) else {
            preconditionFailure("libdeflate_alloc_compressor(\(level)) failed: out of memory")
        }
        self.compressor = compressor
    }

    deinit {
        libdeflate_free_compressor(compressor)
    }

    /// `input` deflated as one final block sequence, appended to `output`.
    package func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        // libdeflate writes an empty stored block (5 bytes) for no input; zlib's empty fixed block
        // is 2, and an empty file's .gz should be no larger than gzip's.
        if input.isEmpty {
            output += [0x03, 0x00]
            return
        }
        let bound = libdeflate_deflate_compress_bound(compressor, input.count)
        // Written into memory never zero-filled: only the pages the output reaches are touched,
        // where filling the worst case first cost a page fault per 4 KiB of it.
        let compressed = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            count = libdeflate_deflate_compress(compressor, input.baseAddress, input.count, buffer.baseAddress, bound)
        }
        // The bound is libdeflate's worst case, so the call cannot run out of room.
        precondition(!compressed.isEmpty, "libdeflate_deflate_compress returned 0 within its own bound")
        if output.isEmpty { output = compressed } else { output += compressed }
    }
}
