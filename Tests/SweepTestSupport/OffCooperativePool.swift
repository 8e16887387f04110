import Foundation
import Testing

// Tests that wait on child processes block the thread they run on. Swift's cooperative pool has one
// thread per core: on a two-core machine, a serialized end-to-end suite and an example build that
// each held one left no thread at all for the unit tests, which then ran past their time limits
// (CI at 7133fa5: PipelineTests at 300 s, against 29 s when nothing blocked the pool). Suites that
// block run on threads of their own instead, through a task executor preference.

/// A task executor that runs each job on a new thread, so a job may block for as long as it likes
/// without holding a thread any other test needs. Jobs of one test are few (one per resumption),
/// so a thread each is cheap next to the child processes the test waits for.
package final class ThreadPerJobExecutor: TaskExecutor {
    package static let shared = ThreadPerJobExecutor()

    private init() {}

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        let thread = Thread { job.runSynchronously(on: executor) }
        thread.start()
    }
}

/// Runs every test of the suite (recursively) with ``ThreadPerJobExecutor`` as its executor
/// preference: its body, and the child tasks it starts, never occupy the cooperative pool.
package struct OffCooperativePoolTrait: SuiteTrait, TestTrait, TestScoping {
    package var isRecursive: Bool { true }

    package func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // Suites get a scope too; only a test case has a body to move.
        guard testCase != nil else { return try await function() }
        try await withTaskExecutorPreference(ThreadPerJobExecutor.shared) { try await function() }
    }
}

extension Trait where Self == OffCooperativePoolTrait {
    /// Runs the tests on threads of their own, never on the cooperative pool: for tests that block
    /// while a child process runs.
    package static var offCooperativePool: Self { OffCooperativePoolTrait() }
}
