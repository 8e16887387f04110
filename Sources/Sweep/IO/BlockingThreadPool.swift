#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of dedicated threads for blocking system calls (`open`, `pread`, `fsync`), so they never
/// occupy a thread of Swift's cooperative pool. Each thread owns one reusable buffer, handed to every job
/// it runs, so reading allocates nothing per file or per chunk.
///
/// The queue is guarded by a pthread mutex and condition: the thread-pool itself is the one place that
/// blocks by design, the way NIO's `NIOThreadPool` does.
package final class BlockingThreadPool: @unchecked Sendable {
    package typealias Job = (UnsafeMutableRawBufferPointer) -> Void

    private let lock = ConditionLock()
    /// Taken jobs are set to nil at once, releasing what they captured (a block of data to
    /// compress); the array is compacted as the head advances.
    private var jobs: [Job?] = []
    private var jobsHead = 0
    private var stopping = false
    private var threads: [pthread_t] = []
    private let bufferSize: Int
    /// Set when not even one thread could be started (a pid limit): jobs then run on the caller.
    private var inlineBuffer: UnsafeMutableRawBufferPointer?

    /// Starts up to `threadCount` threads, each with a buffer of `bufferSize` bytes. Where the
    /// system refuses a thread (`ulimit -u`, a container's pid limit), the pool keeps the ones it
    /// got; ``startedThreads`` says how many.
    package init(threadCount: Int, bufferSize: Int) {
        self.bufferSize = bufferSize
        for _ in 0..<max(1, threadCount) {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let result = pthread_create(&thread, nil, { context in
                let pool = Unmanaged<BlockingThreadPool>.fromOpaque(context!).takeRetainedValue()
                pool.workLoop()
                return nil
            }, context)
            guard result == 0 else {
                Unmanaged<BlockingThreadPool>.fromOpaque(context).release()
                break
            }
            threads.append(thread)
        }
        if threads.isEmpty {
            inlineBuffer = .allocate(byteCount: max(bufferSize, 1), alignment: 4096)
        }
    }

    deinit {
        inlineBuffer?.deallocate()
    }

    /// How many threads the pool has (0: jobs run on the caller's thread).
    package var startedThreads: Int { lock.withLock { threads.count } }

    /// Runs `work` on one of the pool's threads with that thread's buffer, and returns its result.
    package func run<Result: Sendable>(
        _ work: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Result
    ) async -> Result {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
            submit { buffer in continuation.resume(returning: work(buffer)) }
        }
    }

    /// Queues `job` without waiting for it: for callers that are not async and collect the result
    /// their own way.
    package func submitDetached(_ job: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Void) {
        submit(job)
    }

    private func submit(_ job: @escaping Job) {
        if let inlineBuffer {
            // No thread could be started: degrade to running on the caller rather than failing.
            lock.withLock { job(inlineBuffer) }
            return
        }
        lock.withLock {
            precondition(!stopping, "job submitted to a stopped BlockingThreadPool")
            jobs.append(job)
            lock.signal()
        }
    }

    /// Lets the threads finish the queued jobs, then waits for them to exit.
    package func shutdown() {
        let threads = lock.withLock {
            stopping = true
            lock.broadcast()
            let started = self.threads
            self.threads = []
            return started
        }
        for thread in threads {
            // The last reference to the pool may be dropped by a job on one of its own threads; that
            // thread cannot join itself, so it is detached and exits on its own.
            if pthread_equal(thread, pthread_self()) != 0 {
                pthread_detach(thread)
            } else {
                pthread_join(thread, nil)
            }
        }
    }

    private func workLoop() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bufferSize, 1), alignment: 4096)
        defer { buffer.deallocate() }
        while let job = nextJob() {
            job(buffer)
        }
    }

    private func nextJob() -> Job? {
        lock.withLock(when: { jobsHead < jobs.count || stopping }) { () -> Job? in
            guard jobsHead < jobs.count else { return nil }
            let job = jobs[jobsHead]
            jobs[jobsHead] = nil
            jobsHead += 1
            if jobsHead == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                jobsHead = 0
            } else if jobsHead >= 64 && jobsHead * 2 >= jobs.count {
                jobs.removeFirst(jobsHead)
                jobsHead = 0
            }
            return job
        }
    }
}
