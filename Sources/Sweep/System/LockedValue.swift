/// A value behind a lock (a pthread mutex, see ``ConditionLock`` for why not `Mutex`).
///
/// ```swift
/// let seen = LockedValue<[FilePath]>([])
/// seen.withLock { $0.append(path) }
/// ```
package final class LockedValue<Value>: @unchecked Sendable {
    private let lock = ConditionLock()
    private var value: Value

    package init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value.
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try lock.withLock { try body(&value) }
    }
}
