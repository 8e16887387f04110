import Synchronization

/// Set once when a run is cancelled; read by the readers between chunks.
package final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    package init() {}

    package func set() { flag.store(true, ordering: .relaxed) }

    package var isSet: Bool { flag.load(ordering: .relaxed) }
}
