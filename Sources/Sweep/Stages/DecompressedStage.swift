/// Runs another stage over the decompressed content of each (gzip) file: `check --decompress`
/// verifies `FILE.gz` against `FILE`'s checksum this way, with nothing written to disk.
///
/// ```swift
/// let pipeline = Pipeline(stage: DecompressedStage(DigestStage(.sha256)))
/// try await pipeline.run(walking: ["archive"]) { result in
///     if let digest = result.output { print(digest.hex, result.path) }
/// }
/// ```
public struct DecompressedStage<Inner: Stage>: Stage {
    /// The stage fed the decompressed bytes.
    public let inner: Inner
    /// The library that inflates.
    public let engine: CompressionEngine

    /// `inner` over content decompressed by `engine`.
    public init(_ inner: Inner, engine: CompressionEngine = .fastest) {
        self.inner = inner
        self.engine = engine
    }

    public var name: String { inner.name }

    public func makeProcessor(for file: FileEntry) throws -> Processor {
        Processor(decoder: GzipDecoder(engine: engine), inner: try inner.makeProcessor(for: file))
    }

    /// The inner stage's processor behind a gzip decoder.
    public struct Processor: StageProcessor {
        let decoder: GzipDecoder
        var inner: Inner.Processor

        public mutating func update(_ chunk: UnsafeRawBufferPointer) throws {
            try decoder.feed(chunk) { try inner.update($0) }
        }

        public mutating func finish() throws -> Inner.Output {
            try decoder.finish()
            return try inner.finish()
        }

        public mutating func abandon() {
            inner.abandon()
        }
    }
}
