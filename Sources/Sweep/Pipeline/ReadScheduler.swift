/// The scheduling every run shares — ``Pipeline`` over a walk, ``ManifestVerifier`` over a
/// manifest's lines: one reader for the run, a worker pool with a bounded reorder window, the
/// calling task's cancellation turned into a flag the readers check between chunks, and
/// `CancellationError` once a cancelled run has wound down.
package struct ReadScheduler: Sendable {
    package var options: PipelineOptions

    package init(options: PipelineOptions) {
        self.options = options
    }

    /// Runs `read` over `items` in batches; `immediate` gives the result of an item that needs no
    /// reading (a walk failure, an improper manifest line); `cost` weighs an item for batching;
    /// `deliver` receives every result in order (or as it finishes), never after cancellation.
    /// What `items` throws ends the run after the results of the items it gave before; what
    /// `deliver` throws ends it at once, the files in flight abandoned. Either error is rethrown.
    package func run<Items: AsyncSequence, Result: Sendable>(
        _ items: Items,
        isolation: isolated (any Actor)? = #isolation,
        immediate: (Items.Element) -> Result?,
        cost: (Items.Element) -> Int,
        read: @escaping @Sendable (_ batch: [Items.Element], _ reader: ReaderSelection, _ cancelled: CancellationFlag) async -> [WorkOutcome<Result>],
        deliver: (Result) async throws -> Void
    ) async throws where Items.Element: Sendable {
        let reader = ReaderSelection(backend: options.io, concurrency: options.concurrency, chunkSize: options.chunkSize)
        defer { reader.shutdown() }
        if let started = reader.startedThreads, started < options.concurrency {
            options.threadShortfall?(options.concurrency, started)
        }
        let cancelled = CancellationFlag()
        var pool = OrderedWorkPool(
            concurrency: options.concurrency, window: options.effectiveReorderWindow,
            ordering: options.ordering, batchBudget: options.batchBytes)
        // A second batch per reading thread keeps it busy while this task walks and delivers.
        pool.queueAhead = reader.boundsConcurrency && options.batchBytes > 0 ? 2 : 1
        try await withTaskCancellationHandler {
            try await pool.run(
                items, isolation: isolation, immediate: immediate, cost: cost,
                work: { batch in await read(batch, reader, cancelled) },
                stop: { cancelled.isSet },
                failing: { cancelled.set() },
                deliver: { result in
                    // Once cancelled, what is still in flight ends as ECANCELED: not results to report.
                    guard !cancelled.isSet else { return }
                    try await deliver(result)
                })
        } onCancel: {
            cancelled.set()
        }
        if cancelled.isSet { throw CancellationError() }
    }
}
