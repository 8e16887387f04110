/// The worker pool under every pipeline: at most `concurrency` units of work in flight in a task
/// group, results handed to `deliver` in input order (or as they finish), and a bounded reorder window
/// so that one slow item at the head of the line holds back at most `window` finished results.
///
/// Consecutive small items are grouped into one unit of work (up to `batchBudget` of cost and
/// `maxBatchCount` items), so that a tree of tiny files pays one hand-off per batch, not per file.
/// Items that need no work (a walk failure, an improperly formatted manifest line) pass through
/// `immediate` and keep their place in the order.
package struct OrderedWorkPool: Sendable {
    package var concurrency: Int
    package var window: Int
    package var ordering: ResultOrdering
    package var batchBudget: Int
    package var maxBatchCount = Self.defaultMaxBatchCount
    /// The most items a batch holds unless told otherwise.
    package static let defaultMaxBatchCount = 64
    /// Units of work queued ahead per worker, for a reader whose own threads bound concurrency.
    package var queueAhead = 1

    package init(concurrency: Int, window: Int, ordering: ResultOrdering, batchBudget: Int) {
        self.concurrency = max(1, concurrency)
        self.window = max(window, self.concurrency)
        self.ordering = ordering
        self.batchBudget = max(0, batchBudget)
    }

    /// Runs `work` over `items`; `cost` weighs an item for batching (a file's size); `stop` is
    /// checked before each new item is taken. When `items` throws, no item is taken after it; the
    /// work on those taken before is finished and delivered, then the error is rethrown. When
    /// `deliver` throws, `failing` is called before the work in flight is awaited, so that it can
    /// be told to stop, and the error is rethrown.
    package func run<Items: AsyncSequence, Result: Sendable>(
        _ items: Items,
        isolation: isolated (any Actor)? = #isolation,
        immediate: (Items.Element) -> Result?,
        cost: (Items.Element) -> Int,
        work: @escaping @Sendable ([Items.Element]) async -> [WorkOutcome<Result>],
        stop: () -> Bool,
        failing: () -> Void = {},
        deliver: (Result) async throws -> Void
    ) async throws where Items.Element: Sendable {
        let ordered = ordering == .input
        try await withThrowingTaskGroup(of: (Int, [Items.Element], [WorkOutcome<Result>]).self) { group in
            var iterator = items.makeAsyncIterator()
            var exhausted = false
            var started = 0
            var delivered = 0
            var inFlight = 0
            var waiting: [Int: Result] = [:]
            var batch: [Items.Element] = []
            var batchStart = 0
            var batchCost = 0
            var sourceFailure: (any Error)?

            func complete(_ index: Int, _ result: Result) async throws {
                // Unordered, or next in order (every immediate result while nothing waits): no
                // need to park it.
                guard ordered, index != delivered || !waiting.isEmpty else {
                    delivered += 1
                    try await deliver(result)
                    return
                }
                waiting[index] = result
                while let next = waiting.removeValue(forKey: delivered) {
                    delivered += 1
                    try await deliver(next)
                }
            }

            func launchBatch() {
                guard !batch.isEmpty else { return }
                let items = batch
                let start = batchStart
                inFlight += 1
                group.addTask { (start, items, await work(items)) }
                batch = []
                batchCost = 0
            }

            let queueDepth = concurrency * queueAhead
            do {
                while true {
                    while !exhausted && inFlight < queueDepth && started - delivered < window {
                        if stop() {
                            exhausted = true
                            break
                        }
                        let next: Items.Element?
                        do {
                            next = try await iterator.next(isolation: #isolation)
                        } catch {
                            // The input failed: like its end, except that the error follows the
                            // results of what it gave before.
                            sourceFailure = error
                            next = nil
                        }
                        guard let item = next else {
                            exhausted = true
                            break
                        }
                        let index = started
                        started += 1
                        if let result = immediate(item) {
                            launchBatch()
                            try await complete(index, result)
                            continue
                        }
                        let weight = cost(item)
                        if !batch.isEmpty && (batchCost + weight > batchBudget || batch.count >= maxBatchCount) {
                            launchBatch()
                        }
                        if batch.isEmpty { batchStart = index }
                        batch.append(item)
                        batchCost += weight
                        // Launching the gathered batch above may have used the last free place.
                        if batchCost >= batchBudget && inFlight < queueDepth { launchBatch() }
                    }
                    // The input ran dry, was stopped, or the window is full: hand over what was gathered.
                    if inFlight < queueDepth { launchBatch() }
                    guard inFlight > 0, let (start, items, results) = try await group.next() else { break }
                    inFlight -= 1
                    for (offset, outcome) in results.enumerated() {
                        switch outcome {
                        case .done(let result):
                            try await complete(start + offset, result)
                        case .retryAlone:
                            // A large file found in a batch goes to a worker of its own (first in its
                            // unit, it is never deferred again).
                            let item = items[offset]
                            let index = start + offset
                            inFlight += 1
                            group.addTask { (index, [item], await work([item])) }
                        }
                    }
                }
            } catch {
                failing()
                throw error
            }
            if let sourceFailure { throw sourceFailure }
        }
    }
}
