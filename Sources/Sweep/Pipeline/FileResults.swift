import AsyncAlgorithms

/// The per-file results of a ``Pipeline`` as an `AsyncSequence`.
///
/// Iterating starts the work; results come with backpressure (the pipeline waits for the consumer),
/// and dropping the iterator or cancelling the consuming task cancels the work. A file that fails
/// is a result, not an error: the sequence throws only what its source of paths throws, so its
/// `Failure` is that source's — `Never` over a walk or an `AsyncStream`, where `for await` needs
/// no `try`. When the consuming task is cancelled the sequence ends, as an `AsyncStream` does:
/// check `Task.isCancelled` after the loop to tell a cut-short run from a finished one.
///
/// ```swift
/// for await result in Pipeline(stage: LineCountStage()).results(walking: ["logs"]) {
///     print(result.path, result.output?.lines ?? 0)
/// }
/// ```
public struct FileResults<Output: Sendable, Failure: Error>: AsyncSequence, Sendable {
    public typealias Element = FileResult<Output>
    typealias Send = @Sendable (Element) async throws -> Void

    /// Where the results come from: a pipeline this sequence starts when iterated, or one that a
    /// scope (``Pipeline/withResults(walking:walkOptions:isolation:_:)``) runs and waits for.
    private enum Source: Sendable {
        case produce(@Sendable (@escaping Send) async throws -> Void)
        case scoped(AsyncThrowingChannel<Element, any Error>)
    }

    private let source: Source

    init(_ produce: @escaping @Sendable (@escaping Send) async throws -> Void) {
        source = .produce(produce)
    }

    init(scopedBy channel: AsyncThrowingChannel<Element, any Error>) {
        source = .scoped(channel)
    }

    public func makeAsyncIterator() -> Iterator {
        switch source {
        case .produce(let produce): Iterator(produce)
        case .scoped(let channel): Iterator(channel)
        }
    }

    /// Pulls results from the running pipeline.
    public struct Iterator: AsyncIteratorProtocol {
        /// The task this iterator started; nil when a scope runs the pipeline.
        private let producer: Producer?
        private var results: AsyncThrowingChannel<Element, any Error>.AsyncIterator

        init(_ produce: @escaping @Sendable (@escaping Send) async throws -> Void) {
            let channel = AsyncThrowingChannel<Element, any Error>()
            results = channel.makeAsyncIterator()
            producer = Producer(channel: channel, produce: produce)
        }

        init(_ channel: AsyncThrowingChannel<Element, any Error>) {
            results = channel.makeAsyncIterator()
            producer = nil
        }

        /// The next result; nil at the end of the input or once the consuming task is cancelled.
        public mutating func next() async throws(Failure) -> Element? {
            try await next(isolation: nil)
        }

        /// The next result; nil at the end of the input or once the consuming task is cancelled.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(Failure) -> Element? {
            producer?.startIfNeeded()
            let producer = self.producer
            do {
                return try await withTaskCancellationHandler {
                    try await results.next()
                } onCancel: {
                    producer?.cancel()
                }
            } catch is CancellationError {
                return nil
            } catch {
                // The pipeline throws only CancellationError and what its source threw, whose
                // type is `Failure`.
                throw error as! Failure
            }
        }
    }

    /// Owns the task that runs the pipeline; the sequence's consumer is outside any task group of
    /// ours, so an unstructured task is the only way to run ahead of it. Cancelled when the iterator
    /// is dropped.
    private final class Producer: Sendable {
        private let task = LockedValue<Task<Void, Never>?>(nil)
        private let channel: AsyncThrowingChannel<Element, any Error>
        private let produce: @Sendable (@escaping Send) async throws -> Void

        init(channel: AsyncThrowingChannel<Element, any Error>, produce: @escaping @Sendable (@escaping Send) async throws -> Void) {
            self.channel = channel
            self.produce = produce
        }

        func startIfNeeded() {
            task.withLock { task in
                guard task == nil else { return }
                let channel = self.channel
                let produce = self.produce
                task = Task {
                    do {
                        try await produce { await channel.send($0) }
                        channel.finish()
                    } catch {
                        channel.fail(error)
                    }
                }
            }
        }

        func cancel() {
            task.withLock { $0?.cancel() }
        }

        deinit {
            cancel()
        }
    }
}

