#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A pthread mutex with a condition variable: for the few places that block a dedicated thread by
/// design (the blocking thread pool, a future waited for on a compression thread).
///
/// pthread primitives rather than Synchronization's `Mutex`: on Linux that one locks inside the Swift
/// runtime, which ThreadSanitizer does not see, so every access it guards would be reported as a race.
package final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    package init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` holding the lock.
    package func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Holding the lock, waits until `ready()` is true, then runs `body`.
    package func withLock<Result>(when ready: () -> Bool, _ body: () throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready() { pthread_cond_wait(condition, mutex) }
        return try body()
    }

    /// Wakes one waiter (call while holding the lock).
    package func signal() { pthread_cond_signal(condition) }

    /// Wakes every waiter (call while holding the lock).
    package func broadcast() { pthread_cond_broadcast(condition) }
}
