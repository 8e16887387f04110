/// The events of one walk (see ``Walker/events()``), as an `AsyncSequence` that never throws: each
/// iteration walks the roots afresh, one step per `next()`, holding only the directories it is in.
///
/// Leaving the loop (or dropping the iterator) closes those directories; once the iterating task
/// is cancelled, the sequence ends.
///
/// ```swift
/// var files = 0
/// for await event in Walker(roots: ["logs"]).events() {
///     if case .file = event { files += 1 }
/// }
/// ```
public struct WalkEvents: AsyncSequence, Sendable {
    public typealias Element = WalkEvent
    public typealias Failure = Never

    /// The walk's roots and options.
    public let walker: Walker

    public func makeAsyncIterator() -> Iterator {
        Iterator(walker.makeDirectoryWalker())
    }

    /// One walk in progress.
    public struct Iterator: AsyncIteratorProtocol {
        private var walker: DirectoryWalker

        init(_ walker: DirectoryWalker) {
            self.walker = walker
        }

        /// The next event; nil once the walk is over or the task is cancelled.
        public mutating func next() async -> WalkEvent? {
            Task.isCancelled ? nil : walker.next()
        }

        /// The next event; nil once the walk is over or the task is cancelled.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> WalkEvent? {
            Task.isCancelled ? nil : walker.next()
        }
    }
}
