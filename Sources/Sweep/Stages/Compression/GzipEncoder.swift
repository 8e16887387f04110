import CZlib

/// One gzip member, streamed: the header, the deflate data, the trailer, handed out in pieces of
/// about ``flushSize`` bytes so that memory stays flat whatever the input's length.
///
/// With ``CompressionEngine/fastest``, input of up to ``wholeLimit`` bytes is held and compressed
/// whole by libdeflate; with ``CompressionEngine/zlib``, input known to be small is compressed
/// serially as it comes. Larger input is compressed in parallel blocks on the shared threads
/// (pigz's way, see ``ParallelDeflate``), through the engine's library. Input of unknown length
/// (a pipe) is held until it passes the limit, then compressed in blocks.
package struct GzipEncoder {
    /// With zlib, files of this size or more are compressed in parallel blocks.
    package static let parallelThreshold = 1 << 20
    /// With libdeflate, files of up to this size are compressed whole: two such files in flight
    /// per core stay far below the 64 MiB memory budget.
    package static let wholeLimit = 4 << 20
    /// Output is handed out once this much has gathered.
    package static let flushSize = 256 * 1024

    private enum Mode {
        case serial(Deflater)
        case parallel(ParallelDeflate)
        /// The input so far, held while it stays below `limit`: compressed whole at the end, or in
        /// parallel blocks once it reaches the limit.
        case held([UInt8], limit: Int)
        /// While the parallel encoder or the held input is out being mutated, so that it is not copied.
        case taken
    }

    private let level: Int
    private let engine: CompressionEngine
    private let threads: CompressionThreads
    private var mode: Mode
    private var pending: [UInt8]
    private var crc: UInt32 = 0
    /// Bytes of input taken so far.
    package private(set) var length: UInt64 = 0

    /// A member with `header`, at `level`, through `engine`; `expectedSize` (nil when unknown)
    /// chooses how.
    package init(header: [UInt8], level: Int, engine: CompressionEngine, threads: CompressionThreads, expectedSize: Int64?) {
        self.level = level
        self.engine = engine
        self.threads = threads
        let holdLimit = engine == .fastest ? Self.wholeLimit : Self.parallelThreshold
        switch expectedSize {
        case nil:
            mode = .held([], limit: holdLimit)
        case let size? where size >= Int64(holdLimit):
            mode = .parallel(Self.parallel(level, engine, threads))
        case let size? where engine == .fastest:
            // Reserved once; a file that grows while read passes the limit and goes to blocks.
            mode = .held(Array(unsafeUninitializedCapacity: Int(size) + 1) { _, count in count = 0 }, limit: holdLimit)
        case _?:
            mode = .serial(Deflater(level: Int32(level)))
        }
        pending = header
        // No more than a small file's output needs: a buffer of the full size, taken and freed
        // per file, made malloc trim its heap each time (an madvise and a TLB shootdown on every
        // core per file, a quarter of the CPU of gzip over 60 000 small files).
        let fullSize = Self.flushSize + 64 * 1024
        let smallOutput = expectedSize.map { header.count + Int(min($0, Int64(fullSize))) * 65 / 64 + 64 } ?? fullSize
        pending.reserveCapacity(min(fullSize, smallOutput))
    }

    /// A file's blocks: at most 8 of zlib's 128 KiB in flight (1 MiB), and of libdeflate's 2 MiB
    /// two per thread, at least 4 — 8 MiB a file at `-j 2`.
    private static func parallel(_ level: Int, _ engine: CompressionEngine, _ threads: CompressionThreads) -> ParallelDeflate {
        let maxPending = switch engine {
        case .fastest: max(4, 2 * threads.count)
        case .zlib: 8
        }
        return ParallelDeflate(level: level, engine: engine, threads: threads, maxPending: maxPending)
    }

    /// Takes `chunk`; calls `write` with compressed output whenever enough has gathered.
    package mutating func update(_ chunk: UnsafeRawBufferPointer, write: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch mode {
        case .serial(let deflater):
            crc = crc32(crc, chunk)
            length += UInt64(chunk.count)
            deflater.compress(chunk, flush: Z_NO_FLUSH, into: &pending)
        case .parallel(var blocks):
            mode = .taken
            defer { mode = .parallel(blocks) }
            try blocks.add(chunk) { try emit($0, write: write) }
            return
        case .held(var held, let limit):
            mode = .taken
            held.append(contentsOf: chunk)
            guard held.count >= limit else {
                mode = .held(held, limit: limit)
                return
            }
            // Too long to hold: from here on, blocks.
            var blocks = Self.parallel(level, engine, threads)
            defer { mode = .parallel(blocks) }
            try held.withUnsafeBytes { bytes in try blocks.add(bytes) { try emit($0, write: write) } }
            return
        case .taken:
            preconditionFailure("encoder in use")
        }
        if pending.count >= Self.flushSize { try flush(write) }
    }

    /// Ends the member: the rest of the deflate data and the trailer, all handed to `write`.
    /// Returns the CRC-32 and length of the input.
    package mutating func finish(write: (UnsafeRawBufferPointer) throws -> Void) throws -> (crc: UInt32, length: UInt64) {
        switch mode {
        case .serial(let deflater):
            deflater.compress(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH, into: &pending)
        case .parallel(var blocks):
            mode = .taken
            try blocks.finish { try emit($0, write: write) }
            crc = blocks.crc
            length = blocks.length
        case .held(let held, _):
            mode = .taken
            held.withUnsafeBytes { bytes in
                crc = crc32(0, bytes)
                switch engine {
                case .fastest:
                    threads.withWholeDeflater(level: Int32(level)) { $0.compress(bytes, appendingTo: &pending) }
                case .zlib:
                    Deflater(level: Int32(level)).compress(bytes, flush: Z_FINISH, into: &pending)
                }
            }
            length = UInt64(held.count)
        case .taken:
            preconditionFailure("encoder in use")
        }
        pending += GzipFormat.trailer(crc: crc, length: length)
        try flush(write)
        return (crc, length)
    }

    private mutating func emit(_ bytes: [UInt8], write: (UnsafeRawBufferPointer) throws -> Void) throws {
        pending += bytes
        if pending.count >= Self.flushSize { try flush(write) }
    }

    private mutating func flush(_ write: (UnsafeRawBufferPointer) throws -> Void) throws {
        try pending.withUnsafeBytes { try write($0) }
        pending.removeAll(keepingCapacity: true)
    }
}
