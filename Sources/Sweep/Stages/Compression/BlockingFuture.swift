/// A value computed on another thread, waited for by blocking: for code that already runs on a
/// dedicated reading thread (a stage processor), where suspending is not possible.
package final class BlockingFuture<Value: Sendable>: @unchecked Sendable {
    private let lock = ConditionLock()
    private var value: Value?

    init() {}

    func fulfil(_ result: Value) {
        lock.withLock {
            value = result
            lock.broadcast()
        }
    }

    package func wait() -> Value {
        lock.withLock(when: { value != nil }) { value! }
    }
}
