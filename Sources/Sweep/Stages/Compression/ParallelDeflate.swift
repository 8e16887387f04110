import CZlib

/// One compressed block: its deflate bytes (ending in a sync flush), and the CRC and length of its input.
package struct CompressedBlock: Sendable {
    var deflated: [UInt8]
    var crc: UInt32
    var length: Int
}

/// Compresses one file's stream in fixed-size blocks on the shared threads, pigz's way: each block is
/// primed with the 32 KiB before it as a dictionary and ends in a sync flush, so the blocks
/// concatenate into one deflate stream (one gzip member) whose size is within a fraction of a percent
/// of a serial stream's. The CRCs are joined with `crc32_combine`. Blocks are written in order as
/// they complete; at most `maxPending` are in flight, which bounds memory.
package struct ParallelDeflate {
    package static let blockSize = 128 * 1024
    private static let dictionarySize = 32 * 1024

    private let level: Int32
    private let threads: CompressionThreads
    private let maxPending: Int
    /// Blocks in flight, oldest first; at most `maxPending + 1`, so removing from the front is cheap.
    private var pending: [BlockingFuture<CompressedBlock>] = []
    private var current: [UInt8] = []
    private var dictionary: [UInt8] = []
    private(set) var crc: UInt32 = 0
    private(set) var length: UInt64 = 0

    package init(level: Int, threads: CompressionThreads, maxPending: Int) {
        self.level = Int32(level)
        self.threads = threads
        self.maxPending = max(2, maxPending)
        current.reserveCapacity(Self.blockSize)
    }

    /// Takes input; calls `write` with compressed bytes, in order, as blocks complete.
    package mutating func add(_ bytes: UnsafeRawBufferPointer, write: ([UInt8]) throws -> Void) rethrows {
        var offset = 0
        while offset < bytes.count {
            let take = min(Self.blockSize - current.count, bytes.count - offset)
            current.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
            offset += take
            if current.count == Self.blockSize { try submitCurrent(write: write) }
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
        let threads = self.threads
        dictionary = Array(block.suffix(Self.dictionarySize))
        current = []
        current.reserveCapacity(Self.blockSize)
        pending.append(threads.submit {
            var deflated: [UInt8] = []
            deflated.reserveCapacity(block.count / 2)
            threads.withDeflater(level: level) { deflater in
                primer.withUnsafeBytes { deflater.setDictionary($0) }
                block.withUnsafeBytes { deflater.compress($0, flush: Z_SYNC_FLUSH, into: &deflated) }
            }
            let crc = block.withUnsafeBytes { crc32(0, $0) }
            return CompressedBlock(deflated: deflated, crc: crc, length: block.count)
        })
        while pending.count > maxPending { try writeOldest(write: write) }
    }

    private mutating func writeOldest(write: ([UInt8]) throws -> Void) rethrows {
        let block = pending.removeFirst().wait()
        crc = crc32Combine(crc, block.crc, secondLength: block.length)
        length += UInt64(block.length)
        try write(block.deflated)
    }
}
