/// Dedicated threads for blocking work, started by the first job: a run that never needs them
/// (one that only reads) costs no thread.
///
/// ```swift
/// let settlers = OnDemandThreads(count: 2)
/// defer { settlers.shutdown() }
/// let synced = await settlers.run { fsync(descriptor) == 0 }
/// ```
package final class OnDemandThreads: @unchecked Sendable {
    private let count: Int
    private let lock = ConditionLock()
    private var threads: BlockingThreadPool?
    private var stopped = false

    /// Up to `count` threads, once a job comes.
    package init(count: Int) {
        self.count = max(1, count)
    }

    /// Runs `work` on one of the threads, starting them if need be, and returns its result.
    package func run<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
        let running = lock.withLock { () -> BlockingThreadPool in
            precondition(!stopped, "job submitted to stopped OnDemandThreads")
            if let threads { return threads }
            let started = BlockingThreadPool(threadCount: count, bufferSize: 1)
            threads = started
            return started
        }
        return await running.run { _ in work() }
    }

    /// Lets the threads finish their queued jobs, then waits for them to exit.
    package func shutdown() {
        let running = lock.withLock { () -> BlockingThreadPool? in
            stopped = true
            return threads
        }
        running?.shutdown()
    }
}
