import CZlib
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Compresses each file into `FILE.gz` beside it, as `gzip` does, and crash-safely.
///
/// The output is one gzip member that `gzip -d`, `zcat` and `pigz -d` read, with the original's base
/// name and mtime in its header; the `.gz` gets the original's permissions, times and (as root) owner.
/// It is written to a temporary file, `fsync`ed and renamed into place, and only then is the original
/// removed (unless ``Options/keepOriginal``). If the file changed while it was read, or anything
/// fails, the original stays as it was and nothing is left under the final name.
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
        /// Overwrite an existing `.gz` and compress files with other hard links (`-f`).
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

    /// A stage compressing with `options`, on `threadCount` shared compression threads (use the
    /// pipeline's concurrency, so that large and small files share one budget).
    public init(options: Options = Options(), threadCount: Int = PipelineOptions.processorCount) {
        self.options = options
        self.threads = CompressionThreads(count: max(1, threadCount))
    }

    public var name: String { "gzip" }

    /// What the walk should list for compression: everything but `.gz` files (as `gzip -r`) and
    /// sweep's own temporaries, whose stale leftovers from a crash are removed.
    public static func walkOptions(_ base: WalkOptions = WalkOptions()) -> WalkOptions {
        var options = base
        options.exclude.append(Glob("*.gz"))
        options.removeStaleTemporaries = true
        options.globsApplyToRoots = false
        return options
    }

    public func makeProcessor(for file: FileEntry) throws -> Processor {
        guard !file.isStandardInput else {
            throw FileError(path: file.path, reason: .stageFailed("compressing standard input is not supported; use gzip -c"))
        }
        let bytes = file.path.bytes
        if bytes.hasSuffix(Array(".gz".utf8)) { throw FileError(path: file.path, reason: .alreadyCompressed) }
        guard let status = file.status else { throw FileError(path: file.path, reason: .system(.noSuchFileOrDirectory)) }
        if !options.force { try Self.refuseWhatGzipRefuses(file, status: status) }
        let destination = FilePath(bytes: bytes + Array(".gz".utf8))
        if !options.force && destination.exists { throw FileError(path: destination, reason: .alreadyExists) }
        let writer = try AtomicFileWriter(destination: destination, permissions: 0o600)
        let header = GzipFormat.header(
            name: bytes.baseName, modificationTime: status.modificationTime.seconds, level: options.level)
        return Processor(
            original: file, status: status, writer: writer, keepOriginal: options.keepOriginal, header: header,
            timestampOutOfRange: !GzipFormat.canStore(status.modificationTime.seconds),
            encoder: status.size >= Self.parallelThreshold
                ? .parallel(ParallelDeflate(level: options.level, threads: threads, maxPending: 8))
                : .serial(Deflater(level: Int32(options.level))))
    }

    /// Without `-f`, gzip leaves alone a symbolic link named as an argument, a file with other hard
    /// links (compressing would split them), and set-user-ID, set-group-ID or sticky files.
    static func refuseWhatGzipRefuses(_ file: FileEntry, status: FileStatus) throws {
        try refuseLinks(file, status: status)
        if status.mode & UInt32(S_ISUID) != 0 {
            throw FileError(path: file.path, reason: .specialModeBits("is set-user-ID on execution - ignored"))
        }
        if status.mode & UInt32(S_ISGID) != 0 {
            throw FileError(path: file.path, reason: .specialModeBits("is set-group-ID on execution - ignored"))
        }
        if status.mode & UInt32(S_ISVTX) != 0 {
            throw FileError(path: file.path, reason: .specialModeBits("has the sticky bit set - file ignored"))
        }
    }

    /// gzip and gunzip alike refuse (without `-f`) a symbolic link named as an argument and a file
    /// with other hard links.
    static func refuseLinks(_ file: FileEntry, status: FileStatus) throws {
        var info = Glibc.stat()
        if file.path.withPlatformString({ lstat($0, &info) }) == 0, FileStatus(info).isSymbolicLink {
            throw FileError(path: file.path, reason: .system(.tooManySymbolicLinkLevels))
        }
        if status.linkCount > 1 {
            throw FileError(path: file.path, reason: .otherLinks(status.linkCount - 1))
        }
    }

    /// The compression of one file.
    public struct Processor: StageProcessor {
        enum Encoder {
            case serial(Deflater)
            case parallel(ParallelDeflate)
            /// While the parallel encoder is out being mutated, so that its buffers are not copied.
            case taken
        }

        let original: FileEntry
        let status: FileStatus
        let writer: AtomicFileWriter
        let keepOriginal: Bool
        let timestampOutOfRange: Bool
        var encoder: Encoder
        var pending: [UInt8]
        var crc: UInt32 = 0
        var length: UInt64 = 0
        var written: UInt64 = 0

        init(
            original: FileEntry, status: FileStatus, writer: AtomicFileWriter, keepOriginal: Bool, header: [UInt8],
            timestampOutOfRange: Bool, encoder: Encoder
        ) {
            self.original = original
            self.status = status
            self.writer = writer
            self.keepOriginal = keepOriginal
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
            case .taken:
                preconditionFailure("encoder in use")
            }
            pending += GzipFormat.trailer(crc: crc, length: length)
            try flush()
            try writer.copyMetadata(from: status)
            try writer.commit()
            if !keepOriginal {
                if original.path.withPlatformString({ unlink($0) }) != 0 { throw FileError.lastSystemError(original.path) }
                AtomicFileWriter.syncDirectory(of: original.path)
            }
            return GzipResult(
                destination: writer.destination, originalSize: length, compressedSize: written, crc32: crc,
                timestampOutOfRange: timestampOutOfRange)
        }

        public mutating func abandon() {
            writer.discard()
        }

        private mutating func emit(_ bytes: [UInt8]) throws {
            pending += bytes
            if pending.count >= 256 * 1024 { try flush() }
        }

        private mutating func flush() throws {
            try pending.withUnsafeBytes { try writer.write($0) }
            written += UInt64(pending.count)
            pending.removeAll(keepingCapacity: true)
        }
    }
}

/// One file compressed.
public struct GzipResult: AdditiveOutput, Hashable {
    /// The `.gz` written.
    public var destination: FilePath
    /// The original's size in bytes (the true size, where gzip's trailer keeps it mod 2^32).
    public var originalSize: UInt64
    /// The `.gz`'s size in bytes.
    public var compressedSize: UInt64
    /// The CRC-32 of the original, as stored in the trailer.
    public var crc32: UInt32
    /// The original's mtime could not be stored (before 1970 or after 2106), so the header says 0;
    /// gzip warns about this.
    public var timestampOutOfRange: Bool

    /// Compressed bytes add up to the run's output size.
    public var additiveValue: UInt64 { compressedSize }
}

extension FilePath {
    /// Whether something (even a dangling link) exists at this path.
    var exists: Bool {
        var info = Glibc.stat()
        return withPlatformString { lstat($0, &info) } == 0
    }
}
