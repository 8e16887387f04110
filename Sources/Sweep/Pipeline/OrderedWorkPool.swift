/// The worker pool under every pipeline: at most `concurrency` items in flight in a task group, results
/// handed to `deliver` in input order (or as they finish), and a bounded reorder window so that one slow
/// item at the head of the line holds back at most `window` finished results.
///
/// Items that need no work (a walk failure, an improperly formatted manifest line) pass through
/// `immediate` and keep their place in the order.
package struct OrderedWorkPool: Sendable {
    package var concurrency: Int
    package var window: Int
    package var ordering: ResultOrdering

    package init(concurrency: Int, window: Int, ordering: ResultOrdering) {
        self.concurrency = max(1, concurrency)
        self.window = max(window, self.concurrency)
        self.ordering = ordering
    }

    package init(_ options: PipelineOptions) {
        self.init(concurrency: options.concurrency, window: options.effectiveReorderWindow, ordering: options.ordering)
    }

    /// Runs `work` over `items`; `stop` is checked before each new item is taken.
    package func run<Items: AsyncSequence, Result: Sendable>(
        _ items: Items,
        immediate: (Items.Element) -> Result?,
        work: @escaping @Sendable (Items.Element) async -> Result,
        stop: () -> Bool,
        deliver: (Result) async throws -> Void
    ) async throws where Items.Element: Sendable, Items.Failure == Never {
        let ordered = ordering == .input
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var iterator = items.makeAsyncIterator()
            var exhausted = false
            var started = 0
            var delivered = 0
            var inFlight = 0
            var waiting: [Int: Result] = [:]

            func complete(_ index: Int, _ result: Result) async throws {
                guard ordered else {
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

            while true {
                while !exhausted && inFlight < concurrency && started - delivered < window {
                    guard !stop(), let item = await iterator.next(isolation: #isolation) else {
                        exhausted = true
                        break
                    }
                    let index = started
                    started += 1
                    if let result = immediate(item) {
                        try await complete(index, result)
                    } else {
                        inFlight += 1
                        group.addTask { (index, await work(item)) }
                    }
                }
                guard inFlight > 0, let (index, result) = try await group.next() else { break }
                inFlight -= 1
                try await complete(index, result)
            }
        }
    }
}
