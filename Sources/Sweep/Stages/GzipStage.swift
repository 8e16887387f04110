import Crypto
import CZlib
import SystemPackage

/// Compresses each file into `FILE.gz` beside it, as `gzip` does, crash-safely and safely on a tree
/// that other users can write.
///
/// The output is one gzip member that `gzip -d`, `zcat` and `pigz -d` read, with the original's base
/// name and mtime in its header; the `.gz` gets the original's permissions, times and (as root) owner.
/// It is written as an unnamed file in the original's directory, made durable, and only then given
/// its name — never over an existing one without ``Options/force``. The original is then removed
/// (unless ``Options/keepOriginal``) only if it is still the file that was read, unchanged, and open
/// in no other process (see the README's "Safety"); otherwise it is kept, with a warning. Everything
/// goes through the directory the walk opened, never a path name.
///
/// Files of 1 MiB or more are compressed in 128 KiB blocks on shared threads, pigz's way, so one
/// large log keeps every core busy; smaller ones are compressed whole, many at once.
///
/// ```swift
/// let gzip = GzipStage(options: .init(level: 9, keepOriginal: true))
/// try await Pipeline(stage: gzip).run(walking: ["/var/log/app"], walkOptions: GzipStage.walkOptions()) { result in
///     if let out = result.output { print(result.path, "->", out.compressedSize) }
/// }
/// ```
public struct GzipStage: Stage {
    /// How to compress.
    public struct Options: Sendable {
        /// The compression level, 1 (fastest) to 9 (smallest); gzip's default is 6.
        public var level: Int
        /// Keep the original (`-k`).
        public var keepOriginal: Bool
        /// Overwrite an existing `.gz` and compress files with other hard links or set-id bits (`-f`).
        public var force: Bool

        /// Options for `level`, keeping or removing originals, forcing or not.
        public init(level: Int = 6, keepOriginal: Bool = false, force: Bool = false) {
            self.level = min(max(level, 1), 9)
            self.keepOriginal = keepOriginal
            self.force = force
        }
    }

    /// How to compress.
    public let options: Options
    private let threads: CompressionThreads

    /// Files at least this large are compressed in parallel blocks.
    static let parallelThreshold: Int64 = 1 << 20

    /// A stage compressing with `options`, on `threadCount` shared compression threads (by default
    /// one per processor; pass the pipeline's concurrency, so that large and small files share one budget).
    public init(options: Options = Options(), threadCount: Int? = nil) {
        self.options = options
        self.threads = CompressionThreads(count: max(1, threadCount ?? SystemInfo.processorCount))
    }

    public var name: String { "gzip" }

    /// What the walk should list for compression, as `gzip -r` does: everything but `.gz` files; a
    /// symbolic link named as an argument is refused, not followed; metadata is read while walking
    /// (sizes balance the work, and the original's identity is checked before it is removed).
    public static func walkOptions(_ base: WalkOptions = WalkOptions()) -> WalkOptions {
        var options = base
        options.exclude.append(Glob("*.gz"))
        options.globsApplyToRoots = false
        options.followRootLinks = false
        options.statFiles = true
        return options
    }

    public func makeProcessor(for file: FileEntry) throws -> Processor {
        guard !file.isStandardInput else {
            throw FileError(path: file.path, reason: .cause(StandardInputUnsupported(verb: "compressing", alternative: "gzip -c")))
        }
        let bytes = file.path.bytes
        if bytes.hasSuffix(Array(".gz".utf8)) { throw FileError(path: file.path, reason: .cause(GzipRefusal.alreadyCompressed)) }
        guard let status = file.status else { throw FileError(path: file.path, reason: .system(.noSuchFileOrDirectory)) }
        if !options.force {
            do { try GzipRefusal.check(status) } catch { throw FileError(path: file.path, reason: .cause(error)) }
        }
        let replacement = try Replacement(
            for: file, outputName: try file.resolvedLocation().name.appending(".gz".utf8),
            outputPath: FilePath(bytes: bytes + Array(".gz".utf8)),
            keepInput: options.keepOriginal, force: options.force)
        let output: DurableFile?
        switch try replacement.plan() {
        case .write(let file): output = file
        case .verifyExisting: output = nil
        }
        let header = GzipFormat.header(
            name: bytes.baseName, modificationTime: status.modificationTime.seconds, level: options.level)
        return Processor(
            replacement: replacement, output: output, header: header,
            timestampOutOfRange: !GzipFormat.canStore(status.modificationTime.seconds),
            encoder: output == nil ? .verifying(SHA256())
                : status.size >= Self.parallelThreshold
                ? .parallel(ParallelDeflate(level: options.level, threads: threads, maxPending: 8))
                : .serial(Deflater(level: Int32(options.level))))
    }

    /// The compression of one file.
    public struct Processor: StageProcessor {
        enum Encoder {
            case serial(Deflater)
            case parallel(ParallelDeflate)
            /// The `.gz` exists: hash the original to compare with it (an interrupted run's output).
            case verifying(SHA256)
            /// While the parallel encoder is out being mutated, so that its buffers are not copied.
            case taken
        }

        let replacement: Replacement
        let output: DurableFile?
        let timestampOutOfRange: Bool
        var encoder: Encoder
        var pending: [UInt8]
        var crc: UInt32 = 0
        var length: UInt64 = 0
        var written: UInt64 = 0

        init(replacement: Replacement, output: DurableFile?, header: [UInt8], timestampOutOfRange: Bool, encoder: Encoder) {
            self.replacement = replacement
            self.output = output
            self.timestampOutOfRange = timestampOutOfRange
            self.encoder = encoder
            pending = header
            pending.reserveCapacity(256 * 1024)
        }

        public mutating func update(_ chunk: UnsafeRawBufferPointer) throws {
            switch encoder {
            case .serial(let deflater):
                crc = crc32(crc, chunk)
                length += UInt64(chunk.count)
                deflater.compress(chunk, flush: Z_NO_FLUSH, into: &pending)
            case .parallel(var blocks):
                encoder = .taken
                try blocks.add(chunk) { try self.emit($0) }
                encoder = .parallel(blocks)
            case .verifying(var hash):
                encoder = .taken
                hash.update(bufferPointer: chunk)
                length += UInt64(chunk.count)
                encoder = .verifying(hash)
                return
            case .taken:
                preconditionFailure("encoder in use")
            }
            if pending.count >= 256 * 1024 { try flush() }
        }

        public mutating func finish() throws -> GzipResult {
            switch encoder {
            case .serial(let deflater):
                deflater.compress(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH, into: &pending)
            case .parallel(var blocks):
                encoder = .taken
                try blocks.finish { try self.emit($0) }
                crc = blocks.crc
                length = blocks.length
            case .verifying(let hash):
                let outcome = try replacement.finishInterrupted(digest: hash.finalize(), length: length, outputIsCompressed: true)
                return GzipResult(
                    destination: replacement.outputPath, originalSize: length, compressedSize: 0, crc32: 0,
                    timestampOutOfRange: false, original: OriginalDisposition(outcome), completedEarlierRun: true)
            case .taken:
                preconditionFailure("encoder in use")
            }
            pending += GzipFormat.trailer(crc: crc, length: length)
            try flush()
            let outcome = try replacement.commit(output!)
            return GzipResult(
                destination: replacement.outputPath, originalSize: length, compressedSize: written, crc32: crc,
                timestampOutOfRange: timestampOutOfRange, original: OriginalDisposition(outcome), completedEarlierRun: false)
        }

        public mutating func abandon() {
            output?.discard()
        }

        private mutating func emit(_ bytes: [UInt8]) throws {
            pending += bytes
            if pending.count >= 256 * 1024 { try flush() }
        }

        private mutating func flush() throws {
            try pending.withUnsafeBytes { try output!.write($0) }
            written += UInt64(pending.count)
            pending.removeAll(keepingCapacity: true)
        }
    }
}

/// A stage that cannot take standard input, and what to use instead.
struct StandardInputUnsupported: Error, CustomStringConvertible {
    var verb: String
    var alternative: String
    var description: String { "\(verb) standard input is not supported; use \(alternative)" }
}
