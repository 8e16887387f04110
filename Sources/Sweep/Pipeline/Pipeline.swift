import SystemPackage

/// Runs a ``Stage`` over many files: a bounded pool of workers reads each file once, feeds its bytes
/// to the stage, and delivers per-file results in input order (or as they finish).
///
/// At most ``PipelineOptions/concurrency`` files are in flight; a bounded reorder window keeps memory
/// flat when one large file holds the head of the line. A failed file is a result, never the end of
/// the run. Cancelling the calling task stops taking new files and abandons those in flight.
///
/// ```swift
/// import Sweep
///
/// let pipeline = Pipeline(stage: DigestStage(.sha256))
/// let summary = try await pipeline.run(walking: ["/var/log/app"]) { result in
///     switch result.outcome {
///     case .processed(let digest): print(digest.hex, result.path)
///     case .failed(let error): print("error:", error)
///     case .skipped: break
///     }
/// }
/// print("\(summary.files) files, \(summary.bytes) bytes")
/// ```
public struct Pipeline<S: Stage>: Sendable {
    /// The stage applied to every file.
    public let stage: S
    /// Concurrency, ordering, I/O backend.
    public var options: PipelineOptions

    /// A pipeline running `stage` with `options`.
    public init(stage: S, options: PipelineOptions = PipelineOptions()) {
        self.stage = stage
        self.options = options
    }

    /// Walks `roots` and processes every regular file found, calling `body` with each result in order.
    /// Throws only what `body` throws, or `CancellationError` if the task was cancelled.
    ///
    /// `body` runs in the caller's isolation: an actor (or a `@MainActor` type) can update its own
    /// state from it directly.
    ///
    /// ```swift
    /// actor Indexer {
    ///     var lines: [FilePath: UInt64] = [:]
    ///     func scan(_ root: FilePath) async throws {
    ///         try await Pipeline(stage: LineCountStage()).run(walking: [root]) { result in
    ///             if let count = result.output { lines[result.path] = count.lines }
    ///         }
    ///     }
    /// }
    /// ```
    @discardableResult
    public func run(
        walking roots: [FilePath], walkOptions: WalkOptions = WalkOptions(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (FileResult<S.Output>) async throws -> Void
    ) async throws -> RunSummary {
        try await run(Walker(roots: roots, options: walkOptions).events(), isolation: isolation, body)
    }

    /// Processes each path of `paths` (which may be any async sequence: a channel, a stream, a
    /// transformed walk, one that throws), calling `body` with each result.
    ///
    /// What `paths` throws ends the run: no path is taken after it, the paths taken before are
    /// processed and delivered, and then the error is rethrown as it was thrown.
    ///
    /// ```swift
    /// struct ListingFailed: Error {}
    /// let paths = AsyncThrowingStream<FilePath, any Error> { continuation in
    ///     continuation.yield("a.log")
    ///     continuation.finish(throwing: ListingFailed())
    /// }
    /// do {
    ///     try await Pipeline(stage: LineCountStage()).run(for: paths) { print($0.path) }
    /// } catch is ListingFailed {
    ///     // a.log was delivered first
    /// }
    /// ```
    @discardableResult
    public func run<Paths: AsyncSequence>(
        for paths: Paths, isolation: isolated (any Actor)? = #isolation, _ body: (FileResult<S.Output>) async throws -> Void
    ) async throws -> RunSummary where Paths.Element == FilePath {
        try await run(paths.map { WalkEvent.file(FileEntry(path: $0)) }, isolation: isolation, body)
    }

    /// Processes the files of a walk (see ``Walker``), or of any sequence of ``WalkEvent``s, calling
    /// `body` with each result. What `events` throws is rethrown after the results of the events
    /// before it.
    // Pre-specialised for the built-in stages over a walk, as the command line runs them: a caller
    // in another module otherwise gets the generic body, which pays for runtime generic metadata on
    // every file.
    @_specialize(exported: true, where S == DigestStage, Events == WalkEvents)
    @_specialize(exported: true, where S == LineCountStage, Events == WalkEvents)
    @_specialize(exported: true, where S == StageList, Events == WalkEvents)
    @_specialize(exported: true, where S == GzipStage, Events == WalkEvents)
    @_specialize(exported: true, where S == GunzipStage, Events == WalkEvents)
    @discardableResult
    public func run<Events: AsyncSequence>(
        _ events: Events, isolation: isolated (any Actor)? = #isolation, _ body: (FileResult<S.Output>) async throws -> Void
    ) async throws -> RunSummary where Events.Element == WalkEvent {
        var summary = RunSummary()
        let stageName = stage.name
        let tally = RunSummary.OutputTally(S.Output.self)
        let consumer = makeConsumer()
        let batchBytes = options.batchBytes
        let unknownSizeCost = options.unknownSizeCost
        let progress = options.progress
        try await ReadScheduler(options: options).run(
            events, isolation: isolation,
            immediate: { event -> FileResult<S.Output>? in
                switch event {
                case .file: nil
                case .failure(let error): FileResult(entry: FileEntry(path: error.path), bytesRead: 0, outcome: .failed(error))
                case .skipped(let path, let reason): FileResult(entry: FileEntry(path: path), bytesRead: 0, outcome: .skipped(reason))
                }
            },
            cost: { event in
                guard case .file(let entry) = event else { return 0 }
                return entry.status.map { Int(clamping: $0.size) } ?? unknownSizeCost
            },
            read: { events, reader, cancelled in
                await Self.process(events, reader: reader, consumer: consumer, batchBytes: batchBytes, cancelled: cancelled)
            },
            deliver: { result in
                summary.record(result, stageName: stageName, tally: tally)
                progress?.fileDone()
                try await body(result)
            })
        return summary
    }

    /// The results of processing `paths`, as an async sequence: iterate it to drive the work; stop
    /// iterating (or cancel the task) to stop it. A slow consumer slows the reads and the walk.
    /// What `paths` throws, iterating rethrows after the results that came before it; a source that
    /// never fails gives results that never throw.
    public func results<Paths: AsyncSequence & Sendable>(for paths: Paths) -> FileResults<S.Output, Paths.Failure> where Paths.Element == FilePath {
        let pipeline = self
        return FileResults { send in
            try await pipeline.run(for: paths) { try await send($0) }
        }
    }

    /// The results of processing a walk's events (see ``Walker/events()``), or any sequence of
    /// ``WalkEvent``s: entries whose metadata is known keep it.
    public func results<Events: AsyncSequence & Sendable>(_ events: Events) -> FileResults<S.Output, Events.Failure> where Events.Element == WalkEvent {
        let pipeline = self
        return FileResults { send in
            try await pipeline.run(events) { try await send($0) }
        }
    }

    /// The results of walking `roots`, as an async sequence.
    public func results(walking roots: [FilePath], walkOptions: WalkOptions = WalkOptions()) -> FileResults<S.Output, Never> {
        let pipeline = self
        return FileResults { send in
            try await pipeline.run(walking: roots, walkOptions: walkOptions) { try await send($0) }
        }
    }

    package func makeConsumer() -> ChunkConsumer<S.Processor, S.Output> {
        let stage = self.stage
        let settling = Self.settlingHooks(of: stage)
        let plainProcessor: @Sendable (FileEntry) throws -> S.Processor = { try stage.makeProcessor(for: $0) }
        let makeProcessor = settling?.makeProcessor ?? plainProcessor
        // Counted chunk by chunk, so that a large file shows on a progress line while it is read.
        guard let progress = options.progress else {
            return ChunkConsumer(
                start: makeProcessor,
                consume: { try $0.update($1) },
                finish: { try $0.finish() },
                abandon: { $0.abandon() },
                settle: settling?.settle)
        }
        return ChunkConsumer(
            start: { entry in
                progress.started(entry.path)
                return try makeProcessor(entry)
            },
            consume: { processor, chunk in
                progress.read(chunk.count)
                try processor.update(chunk)
            },
            finish: { try $0.finish() },
            abandon: { $0.abandon() },
            settle: settling?.settle)
    }

    /// For a ``BatchSettlingStage``: its deferring processors and its batch step, typed as this
    /// pipeline's stage (which it is).
    private static func settlingHooks(of stage: S) -> (
        makeProcessor: @Sendable (FileEntry) throws -> S.Processor,
        settle: @Sendable ([S.Output]) -> [Result<S.Output, FileError>]
    )? {
        guard let settling = stage as? any BatchSettlingStage else { return nil }
        return hooks(of: settling)
    }

    private static func hooks<T: BatchSettlingStage>(of stage: T) -> (
        makeProcessor: @Sendable (FileEntry) throws -> S.Processor,
        settle: @Sendable ([S.Output]) -> [Result<S.Output, FileError>]
    )? {
        let makeProcessor: @Sendable (FileEntry) throws -> T.Processor = { try stage.makeSettlingProcessor(for: $0) }
        let settle: @Sendable ([T.Output]) -> [Result<T.Output, FileError>] = { stage.settle($0) }
        guard let typedMake = makeProcessor as? @Sendable (FileEntry) throws -> S.Processor,
              let typedSettle = settle as? @Sendable ([S.Output]) -> [Result<S.Output, FileError>] else { return nil }
        return (typedMake, typedSettle)
    }

    /// Reads a batch of walked files; each entry is copied once, into its request (at 60 000 small
    /// files, every copy of an entry costs about 1% of the run).
    private static func process(
        _ events: [WalkEvent], reader: ReaderSelection, consumer: ChunkConsumer<S.Processor, S.Output>,
        batchBytes: Int, cancelled: CancellationFlag
    ) async -> [WorkOutcome<FileResult<S.Output>>] {
        let requests = events.map { event in
            guard case .file(let entry) = event else { preconditionFailure("only files are worked on") }
            // Only a file whose size was unknown when batched can turn out too large for its batch.
            return ReadRequest(entry, into: consumer, deferIfLargerThan: entry.status == nil ? Int64(batchBytes) : nil)
        }
        let reads = await reader.read(requests, isCancelled: { cancelled.isSet })
        return zip(requests, reads).map { request, read in
            switch read {
            case nil:
                .retryAlone
            case .success(let read)?:
                .done(FileResult(entry: read.entry.detached, bytesRead: read.bytesRead, outcome: .processed(read.output)))
            case .failure(let error)?:
                .done(FileResult(entry: request.entry.detached, bytesRead: 0, outcome: .failed(error)))
            }
        }
    }
}
