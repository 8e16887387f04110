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
/// With ``Options/stream`` set, standard input (`-`) is compressed to that stream, as gzip writes
/// it to standard output, and with ``Options/everyFileToStream`` every file is (`gzip -c`): one
/// member per file, in order, the originals untouched. A stream of unknown length is held until it
/// passes 1 MiB, then compressed in blocks too, so memory stays bounded.
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
        /// Overwrite an existing `.gz`, compress files with other hard links or set-id bits, and
        /// compress a named file that already has a gzip suffix (`-f`).
        public var force: Bool
        /// Store the original's base name and mtime in the header, as gzip does by default (`-N`);
        /// false for `-n`: no name, MTIME 0.
        public var storesNameAndTime: Bool
        /// The suffix appended (`-S`), and those that mark a file as already compressed.
        public var suffixes: GzipSuffixes
        /// Where standard input (`-`) is compressed to, as gzip writes it to standard output; with
        /// `nil`, standard input is refused.
        public var stream: StreamOutput?
        /// Compress every file to ``stream`` and leave the originals alone (`gzip -c`). Run the
        /// pipeline one file at a time (``PipelineOptions/oneFileAtATime(_:)``).
        public var everyFileToStream: Bool
        /// The library that compresses (``CompressionEngine/fastest`` unless told).
        public var engine: CompressionEngine

        /// Options for `level`, keeping or removing originals, forcing or not, names and times
        /// stored or not, the suffix, an output stream, and the engine.
        public init(
            level: Int = 6, keepOriginal: Bool = false, force: Bool = false, storesNameAndTime: Bool = true,
            suffixes: GzipSuffixes = GzipSuffixes()!, stream: StreamOutput? = nil, everyFileToStream: Bool = false,
            engine: CompressionEngine = .fastest
        ) {
            self.engine = engine
            self.level = min(max(level, 1), 9)
            self.keepOriginal = keepOriginal
            self.force = force
            self.storesNameAndTime = storesNameAndTime
            self.suffixes = suffixes
            self.stream = stream
            self.everyFileToStream = everyFileToStream && stream != nil
        }

        /// What the walk should list for these options (see ``GzipStage/walkOptions(_:)``); to a
        /// stream, links named as arguments are followed, as `gzip -c` follows them.
        public func walkOptions(_ base: WalkOptions = WalkOptions()) -> WalkOptions {
            var options = base
            options.exclude += suffixes.globs
            options.followRootLinks = everyFileToStream
            options.globsApplyToRoots = false
            options.statFiles = true
            return options
        }
    }

    /// How to compress.
    public let options: Options
    private let threads: CompressionThreads

    /// Files at least this large are compressed in parallel blocks.
    static let parallelThreshold = Int64(GzipEncoder.parallelThreshold)

    /// A stage compressing with `options`, on `threadCount` shared compression threads (by default
    /// one per processor; pass the pipeline's concurrency, so that large and small files share one budget).
    public init(options: Options = Options(), threadCount: Int? = nil) {
        self.options = options
        self.threads = CompressionThreads(count: max(1, threadCount ?? SystemInfo.processorCount))
    }

    public var name: String { "gzip" }

    /// What the walk should list for compression, as `gzip -r` does: everything but files with a
    /// gzip suffix (`.gz`, `.tgz`…); a symbolic link named as an argument is refused, not followed;
    /// metadata is read while walking (sizes balance the work, and the original's identity is
    /// checked before it is removed).
    public static func walkOptions(_ base: WalkOptions = WalkOptions()) -> WalkOptions {
        Options().walkOptions(base)
    }

    public func makeProcessor(for file: FileEntry) throws -> Processor {
        if file.isStandardInput || options.everyFileToStream {
            return try streamProcessor(for: file)
        }
        let bytes = file.path.bytes
        let baseName = bytes.baseName
        if !options.force, let matched = options.suffixes.matchedSuffix(baseName) {
            let spelled = String(decoding: baseName.suffix(matched.count), as: UTF8.self)
            throw FileError(path: file.path, reason: .cause(GzipRefusal.alreadyCompressed(suffix: spelled)))
        }
        guard let status = file.status else { throw FileError(path: file.path, reason: .system(.noSuchFileOrDirectory)) }
        if !options.force {
            do { try GzipRefusal.check(status) } catch { throw FileError(path: file.path, reason: .cause(error)) }
        }
        let replacement = try Replacement(
            for: file, outputName: FileName(options.suffixes.compressedName(Array(try file.resolvedLocation().name.bytes))),
            outputPath: FilePath(bytes: options.suffixes.compressedName(bytes)),
            keepInput: options.keepOriginal, force: options.force)
        switch try replacement.plan() {
        case .write(let output):
            let stored = options.storesNameAndTime
            let header = GzipFormat.header(
                name: stored ? baseName : nil, modificationTime: stored ? status.modificationTime.seconds : 0,
                level: options.level)
            return Processor(
                sink: .file(replacement, output), outputPath: replacement.outputPath,
                encoder: GzipEncoder(header: header, level: options.level, engine: options.engine, threads: threads, expectedSize: status.size),
                timestampOutOfRange: stored && !GzipFormat.canStore(status.modificationTime.seconds))
        case .verifyExisting:
            return Processor(sink: .verifying(replacement, LibcryptoHash(.sha256)), outputPath: replacement.outputPath, encoder: nil, timestampOutOfRange: false)
        }
    }

    /// Standard input, or any file under ``Options/everyFileToStream``: one member on the stream,
    /// named and dated as gzip does (standard input has no name; only a regular file has a time).
    private func streamProcessor(for file: FileEntry) throws -> Processor {
        guard let stream = options.stream else {
            throw FileError(path: file.path, reason: .cause(StandardInputUnsupported(verb: "compressing", alternative: "gzip -c")))
        }
        let regular = file.status.flatMap { $0.isRegularFile ? $0 : nil }
        let stored = options.storesNameAndTime
        let time = stored ? regular?.modificationTime.seconds ?? 0 : 0
        let header = GzipFormat.header(
            name: stored && !file.isStandardInput ? file.path.bytes.baseName : nil, modificationTime: time, level: options.level)
        try stream.claim(for: file.path)
        return Processor(
            sink: .stream(stream), outputPath: "-",
            encoder: GzipEncoder(header: header, level: options.level, engine: options.engine, threads: threads, expectedSize: regular?.size),
            timestampOutOfRange: !GzipFormat.canStore(time))
    }

    /// The compression of one file.
    public struct Processor: StageProcessor {
        enum Sink {
            /// A `.gz` beside the original, replacing it once durable.
            case file(Replacement, DurableFile)
            /// The `.gz` exists: hash the original to compare with it (an interrupted run's output).
            case verifying(Replacement, LibcryptoHash)
            /// A stream that other files' members follow.
            case stream(StreamOutput)
        }

        var sink: Sink
        let outputPath: FilePath
        var encoder: GzipEncoder?
        /// Leave the `.gz` unpublished at `finish`, for the settling of its batch.
        package var defersPublication = false
        let timestampOutOfRange: Bool
        var written: UInt64 = 0
        var length: UInt64 = 0

        public mutating func update(_ chunk: UnsafeRawBufferPointer) throws {
            if case .verifying(let replacement, var hash) = sink {
                hash.update(bufferPointer: chunk)
                length += UInt64(chunk.count)
                sink = .verifying(replacement, hash)
                return
            }
            let sink = self.sink
            var written = self.written
            defer { self.written = written }
            try encoder!.update(chunk) { try Self.write($0, to: sink, counting: &written) }
        }

        public mutating func finish() throws -> GzipResult {
            let sink = self.sink
            defer { if case .stream(let stream) = sink { stream.release() } }
            if case .verifying(let replacement, let hash) = sink {
                let outcome = try replacement.finishInterrupted(digest: hash.finalize(), length: length, outputIsCompressed: true)
                return GzipResult(
                    destination: outputPath, originalSize: length, compressedSize: 0, crc32: 0,
                    timestampOutOfRange: false, original: OriginalDisposition(outcome), completedEarlierRun: true)
            }
            var written = self.written
            let (crc, length) = try encoder!.finish { try Self.write($0, to: sink, counting: &written) }
            var original = OriginalDisposition.keptAsAsked
            var pending: PendingPublication?
            if case .file(let replacement, let output) = sink {
                if defersPublication {
                    pending = try replacement.deferred(output)
                } else {
                    original = OriginalDisposition(try replacement.commit(output))
                }
            }
            return GzipResult(
                destination: outputPath, originalSize: length, compressedSize: written, crc32: crc,
                timestampOutOfRange: timestampOutOfRange, original: original, completedEarlierRun: false,
                pending: pending)
        }

        public mutating func abandon() {
            switch sink {
            case .file(_, let output): output.discard()
            case .stream(let stream): stream.release()
            case .verifying: break
            }
        }

        private static func write(_ bytes: UnsafeRawBufferPointer, to sink: Sink, counting written: inout UInt64) throws {
            switch sink {
            case .file(_, let output): try output.write(bytes)
            case .stream(let stream): try stream.write(bytes)
            case .verifying: preconditionFailure("nothing is written while verifying")
            }
            written += UInt64(bytes.count)
        }
    }
}

/// A stage that cannot take standard input, and what to use instead.
struct StandardInputUnsupported: Error, CustomStringConvertible {
    var verb: String
    var alternative: String
    var description: String { "\(verb) standard input is not supported; use \(alternative)" }
}

extension GzipStage: BatchSettlingStage {}
extension GzipStage.Processor: DeferringPublication {}
extension GzipResult: PublishedOutput {}
