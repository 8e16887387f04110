import CZlib

/// One compressed block: its deflate bytes (ending on a byte boundary), the CRC of its input, and
/// the input itself, whose buffer the next block reuses.
package struct CompressedBlock: Sendable {
    var deflated: [UInt8]
    var crc: UInt32
    var input: [UInt8]
}

/// Compresses one file's stream in fixed-size blocks on the shared threads, pigz's way: each block
/// ends on a byte boundary without ending the stream, so the blocks concatenate into one deflate
/// stream (one gzip member). The CRCs are joined with `crc32_combine`. Blocks are written in order
/// as they complete; at most `maxPending` are in flight, which bounds memory.
///
/// Through zlib, each 128 KiB block is primed with the 32 KiB before it as a dictionary and ends in
/// a sync flush, within a fraction of a percent of a serial stream's size. Through libdeflate
/// (``CompressionEngine/fastest``), each 2 MiB block is compressed whole and made joinable
/// (``JoinableBlockDeflater``).
package struct ParallelDeflate {
    private static let dictionarySize = 32 * 1024

    private let level: Int32
    private let engine: CompressionEngine
    private let blockSize: Int
    private let threads: CompressionThreads
    private let maxPending: Int
    /// Blocks in flight, oldest first; at most `maxPending + 1`, so removing from the front is cheap.
    private var pending: [BlockingFuture<CompressedBlock>] = []
    private var current: [UInt8] = []
    /// A finished block's input buffer, for the next block: a fresh 2 MiB buffer per block cost a
    /// page fault per 4 KiB of it.
    private var spare: [UInt8]?
    private var dictionary: [UInt8] = []
    private(set) var crc: UInt32 = 0
    private(set) var length: UInt64 = 0

    package init(level: Int, engine: CompressionEngine, threads: CompressionThreads, maxPending: Int) {
        self.level = Int32(level)
        self.engine = engine
        self.blockSize = Self.blockSize(engine)
        self.threads = threads
        self.maxPending = max(2, maxPending)
        current.reserveCapacity(blockSize)
    }

    /// The input in each block: libdeflate's blocks start with no dictionary, so they are larger.
    package static func blockSize(_ engine: CompressionEngine) -> Int {
        switch engine {
        case .fastest: 2 << 20
        case .zlib: 128 * 1024
        }
    }

    /// Takes input; calls `write` with compressed bytes, in order, as blocks complete.
    package mutating func add(_ bytes: UnsafeRawBufferPointer, write: ([UInt8]) throws -> Void) rethrows {
        var offset = 0
        while offset < bytes.count {
            let take = min(blockSize - current.count, bytes.count - offset)
            current.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
            offset += take
            if current.count == blockSize { try submitCurrent(write: write) }
        }
    }

    /// Compresses what is left, waits for every block, and ends the stream.
    package mutating func finish(write: ([UInt8]) throws -> Void) rethrows {
        if !current.isEmpty { try submitCurrent(write: write) }
        while !pending.isEmpty { try writeOldest(write: write) }
        try write(GzipFormat.finalEmptyBlock)
    }

    private mutating func submitCurrent(write: ([UInt8]) throws -> Void) rethrows {
        let block = current
        let primer = dictionary
        let level = self.level
        let engine = self.engine
        let threads = self.threads
        if engine == .zlib { dictionary = Array(block.suffix(Self.dictionarySize)) }
        current = spare ?? []
        spare = nil
        current.removeAll(keepingCapacity: true)
        current.reserveCapacity(blockSize)
        pending.append(threads.submit {
            var deflated: [UInt8] = []
            let joined = engine == .fastest && threads.withJoinableBlockDeflater(level: level) { deflater in
                block.withUnsafeBytes { deflater.compress($0, appendingTo: &deflated) }
            }
            if !joined {
                deflated.reserveCapacity(block.count / 2)
                threads.withDeflater(level: level) { deflater in
                    primer.withUnsafeBytes { deflater.setDictionary($0) }
                    block.withUnsafeBytes { deflater.compress($0, flush: Z_SYNC_FLUSH, into: &deflated) }
                }
            }
            let crc = block.withUnsafeBytes { crc32(0, $0) }
            return CompressedBlock(deflated: deflated, crc: crc, input: block)
        })
        while pending.count > maxPending { try writeOldest(write: write) }
    }

    private mutating func writeOldest(write: ([UInt8]) throws -> Void) rethrows {
        let block = pending.removeFirst().wait()
        crc = crc32Combine(crc, block.crc, secondLength: block.input.count)
        length += UInt64(block.input.count)
        if spare == nil { spare = block.input }
        try write(block.deflated)
    }
}
