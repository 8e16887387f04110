import SystemPackage

/// Restores `FILE` from `FILE.gz`, as `gzip -d` does: every member of a multi-member file (pigz's
/// output, concatenations), each checked against its CRC-32 and length. The restored file gets the
/// `.gz` file's permissions and times, is written durably under a name that never replaces an
/// existing file without ``Options/force``, and only then is the `.gz` removed (unless
/// ``Options/keepOriginal``), under the same checks as ``GzipStage``'s originals. Corrupt or truncated
/// input leaves no output and keeps the `.gz`. With ``Options/testOnly`` nothing is written (`gzip -t`).
/// With ``Options/stream`` set, standard input is decompressed to that stream (and with
/// ``Options/everyFileToStream`` every file, as `gzip -dc`).
///
/// ```swift
/// let gunzip = GunzipStage(options: .init(keepOriginal: true))
/// try await Pipeline(stage: gunzip).run(walking: ["archive"], walkOptions: GunzipStage.walkOptions()) { result in
///     if let error = result.error { print("corrupt:", error) }
/// }
/// ```
public struct GunzipStage: Stage {
    /// How to decompress.
    public struct Options: Sendable {
        /// Keep the `.gz` (`-k`).
        public var keepOriginal: Bool
        /// Overwrite an existing output file, decompress files with other links or set-id bits (`-f`).
        public var force: Bool
        /// Only check integrity; write nothing (`-t`).
        public var testOnly: Bool
        /// The suffixes a compressed file's name may end in (`-S` adds one to gzip's).
        public var suffixes: GzipSuffixes
        /// Name the output after the name stored in the header and give it the stored mtime (`-N`),
        /// where gzip by default (`-n`) strips the suffix and keeps the `.gz` file's time.
        public var restoresNameAndTime: Bool
        /// Where standard input (`-`) is decompressed to, as gzip writes it to standard output;
        /// with `nil`, standard input is refused (unless only testing).
        public var stream: StreamOutput?
        /// Decompress every file to ``stream`` and leave the `.gz` files alone (`gzip -dc`). Run the
        /// pipeline one file at a time (``PipelineOptions/oneFileAtATime(_:)``).
        public var everyFileToStream: Bool
        /// The library that inflates (``CompressionEngine/fastest`` unless told).
        public var engine: CompressionEngine

        /// Options for keeping, forcing, testing, suffixes, stored names, an output stream, and
        /// the engine.
        public init(
            keepOriginal: Bool = false, force: Bool = false, testOnly: Bool = false,
            suffixes: GzipSuffixes = GzipSuffixes()!, restoresNameAndTime: Bool = false,
            stream: StreamOutput? = nil, everyFileToStream: Bool = false, engine: CompressionEngine = .fastest
        ) {
            self.engine = engine
            self.keepOriginal = keepOriginal
            self.force = force
            self.testOnly = testOnly
            self.suffixes = suffixes
            self.restoresNameAndTime = restoresNameAndTime
            self.stream = stream
            self.everyFileToStream = everyFileToStream && stream != nil
        }

        /// What the walk should list for these options (see ``GunzipStage/walkOptions(_:)``); to a
        /// stream, links named as arguments are followed, as `gzip -dc` follows them.
        public func walkOptions(_ base: WalkOptions = WalkOptions()) -> WalkOptions {
            var options = base
            options.include += suffixes.globs
            options.globsApplyToRoots = false
            options.followRootLinks = everyFileToStream
            options.statFiles = true
            return options
        }
    }

    /// How to decompress.
    public let options: Options

    /// A stage decompressing with `options`.
    public init(options: Options = Options()) {
        self.options = options
    }

    public var name: String { "gunzip" }

    /// What the walk should list for decompression: files with a gzip suffix (`.gz`, `.tgz`…); a
    /// link named as an argument is refused, not followed; metadata is read while walking.
    public static func walkOptions(_ base: WalkOptions = WalkOptions()) -> WalkOptions {
        Options().walkOptions(base)
    }

    public func makeProcessor(for file: FileEntry) throws -> Processor {
        let bytes = file.path.bytes
        if options.testOnly { return Processor(source: file.path, sink: .test, destination: nil, engine: options.engine) }
        if file.isStandardInput || options.everyFileToStream {
            guard let stream = options.stream else {
                throw FileError(path: file.path, reason: .cause(StandardInputUnsupported(verb: "decompressing", alternative: "gzip -dc")))
            }
            try stream.claim(for: file.path)
            return Processor(source: file.path, sink: .stream(stream), destination: "-", engine: options.engine)
        }
        let location = try file.resolvedLocation()
        let inputName = Array(location.name.bytes)
        guard let stripped = options.suffixes.decompressedName(inputName) else {
            throw FileError(path: file.path, reason: .cause(GzipRefusal.unknownSuffix))
        }
        if !options.force, let status = file.status {
            do { try GzipRefusal.check(status) } catch { throw FileError(path: file.path, reason: .cause(error)) }
        }
        var outputName = stripped
        var storedTime: FileTime?
        if options.restoresNameAndTime, let descriptor = file.openDescriptor,
           let stored = GzipFormat.storedNameAndTime(readingFrom: descriptor) {
            // Only the stored name's last component, as gzip takes it, and never the input's own name.
            if let name = stored.name.map({ $0.baseName }), !name.isEmpty, name != Array(".".utf8), name != Array("..".utf8),
               name != inputName {
                outputName = name
            }
            if stored.modificationTime != 0 { storedTime = FileTime(seconds: Int64(stored.modificationTime)) }
        }
        let directoryPart = bytes.dropLast(bytes.baseName.count)
        var replacement = try Replacement(
            for: file, outputName: FileName(outputName), outputPath: FilePath(bytes: Array(directoryPart) + outputName),
            keepInput: options.keepOriginal, force: options.force)
        replacement.restoredModificationTime = storedTime
        switch try replacement.plan() {
        case .write(let output):
            return Processor(source: file.path, sink: .file(replacement, output), destination: replacement.outputPath, engine: options.engine)
        case .verifyExisting:
            return Processor(source: file.path, sink: .verifying(replacement, LibcryptoHash(.sha256)), destination: replacement.outputPath, engine: options.engine)
        }
    }

    /// The decompression of one file.
    public struct Processor: StageProcessor {
        enum Sink {
            /// The restored file beside the `.gz`, replacing it once durable.
            case file(Replacement, DurableFile)
            /// The output exists: the hash of the decoded stream, to compare with it.
            case verifying(Replacement, LibcryptoHash)
            /// A stream that other files' output follows.
            case stream(StreamOutput)
            /// Only testing: nothing is written.
            case test
        }

        let source: FilePath
        var sink: Sink
        let destination: FilePath?
        let decoder: GzipDecoder
        var compressedSize: UInt64 = 0
        /// Leave the output unpublished at `finish`, for the settling of its batch.
        package var defersPublication = false

        init(source: FilePath, sink: Sink, destination: FilePath?, engine: CompressionEngine) {
            self.decoder = GzipDecoder(engine: engine)
            self.source = source
            self.sink = sink
            self.destination = destination
        }

        public mutating func update(_ chunk: UnsafeRawBufferPointer) throws {
            compressedSize += UInt64(chunk.count)
            switch sink {
            case .verifying(let replacement, let hash):
                sink = .test
                sink = .verifying(replacement, try Self.updated(hash, decoding: chunk, with: decoder))
            case .file(_, let output):
                try decoder.feed(chunk) { try output.write($0) }
            case .stream(let stream):
                try decoder.feed(chunk) { try stream.write($0) }
            case .test:
                try decoder.feed(chunk) { _ in }
            }
        }

        /// `hash` updated with the decoding of `chunk`.
        private static func updated(_ hash: LibcryptoHash, decoding chunk: UnsafeRawBufferPointer, with decoder: GzipDecoder) throws -> LibcryptoHash {
            var hash = hash
            try decoder.feed(chunk) { hash.update(bufferPointer: $0) }
            return hash
        }

        public mutating func finish() throws -> GunzipResult {
            if case .stream(let stream) = sink { stream.release() }
            try decoder.finish()
            var result = GunzipResult(
                destination: destination, compressedSize: compressedSize,
                decompressedSize: decoder.decodedLength, trailingGarbage: decoder.sawTrailingGarbage,
                original: .keptAsAsked, completedEarlierRun: false)
            switch sink {
            case .verifying(let replacement, let hash):
                let outcome = try replacement.finishInterrupted(
                    digest: hash.finalize(), length: decoder.decodedLength, outputIsCompressed: false)
                result.original = OriginalDisposition(outcome)
                result.completedEarlierRun = true
            case .file(let replacement, let output):
                if defersPublication {
                    result.pending = try replacement.deferred(output)
                } else {
                    result.original = OriginalDisposition(try replacement.commit(output))
                }
            case .stream, .test:
                break
            }
            return result
        }

        public mutating func abandon() {
            switch sink {
            case .file(_, let output): output.discard()
            case .stream(let stream): stream.release()
            case .verifying, .test: break
            }
        }
    }
}

extension GunzipStage: BatchSettlingStage {}
extension GunzipStage.Processor: DeferringPublication {}
extension GunzipResult: PublishedOutput {}
