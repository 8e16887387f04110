import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Synchronisation helpers: locked values, a peak counter, bounded polling on the monotonic clock.

// MARK: - Concurrency helpers

/// A thread-safe value.
package final class Locked<Value: Sendable>: Sendable {
    private let mutex: LockedValue<Value>
    package init(_ value: Value) { mutex = LockedValue(value) }
    package func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    package var value: Value { mutex.withLock { $0 } }
}

/// A thread-safe counter that remembers the highest value it reached.
package final class PeakCounter: Sendable {
    private let state = LockedValue<(current: Int, peak: Int)>((0, 0))
    package init() {}
    @discardableResult
    package func increment() -> Int {
        state.withLock { state in
            state.current += 1
            state.peak = max(state.peak, state.current)
            return state.current
        }
    }
    package func decrement() { state.withLock { $0.current -= 1 } }
    package var current: Int { state.withLock { $0.current } }
    package var peak: Int { state.withLock { $0.peak } }
}

/// Polls `condition` from a blocking thread (never the cooperative pool) until it holds or `seconds` pass.
package func blockUntil(atMost seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = monotonicSeconds() + seconds * Double(testTimeScale)
    while !condition() {
        if monotonicSeconds() > deadline { return false }
        usleep(1_000)
    }
    return true
}

/// Polls `condition` from async code until it holds or `seconds` pass.
package func eventually(atMost seconds: Double, _ condition: () -> Bool) async -> Bool {
    let deadline = monotonicSeconds() + seconds * Double(testTimeScale)
    while !condition() {
        if monotonicSeconds() > deadline { return false }
        try? await Task.sleep(nanoseconds: 2_000_000)
    }
    return true
}

/// Seconds on the monotonic clock (for bounded waits only, never for assertions).
package func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// How much longer every time limit and wait of the tests may be: `SWEEP_TEST_TIME_SCALE=10` under
/// the sanitizers, which slow the code five to twenty times; 1 otherwise. The limits are raised,
/// never the suites filtered.
package let testTimeScale: Int = {
    guard let text = getenv("SWEEP_TEST_TIME_SCALE"), let scale = Int(String(cString: text)), scale >= 1 else { return 1 }
    return scale
}()
