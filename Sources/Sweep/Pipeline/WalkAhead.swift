#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A walk run ahead of its consumer on a thread of its own, handed over in batches: where the
/// consumer's own work per file is as cheap as the walk's (`sum --update` meeting unchanged files,
/// whose only cost is a lookup and a line), the two then take a core each instead of sharing one.
///
/// Scoped: ``withEvents(of:isolation:_:)`` starts the thread, gives `body` the events, and returns
/// only once the thread has stopped and closed every directory it held, whether `body` finished,
/// threw, or left the events unread. The walk stays bounded: at most a few batches wait unread,
/// and a batch ends after a few directories: each walked file holds its directory open until it
/// is consumed, so over a tree of one file per directory a lead of a thousand files would hold a
/// thousand descriptors (1 024 is the usual limit), where the walk in line holds a few dozen.
///
/// ```swift
/// try await WalkAhead.withEvents(of: Walker(roots: ["data"])) { events in
///     for await event in events { print(event) }
/// }
/// ```
package final class WalkAhead: @unchecked Sendable {
    /// The events of a walk running ahead: one consumer, in walk order.
    package struct Events: AsyncSequence, Sendable {
        package typealias Element = WalkEvent
        package typealias Failure = Never
        fileprivate let source: WalkAhead

        package func makeAsyncIterator() -> Iterator { Iterator(source: source) }

        package struct Iterator: AsyncIteratorProtocol {
            fileprivate let source: WalkAhead
            private var batch: [WalkEvent] = []
            private var next = 0

            fileprivate init(source: WalkAhead) {
                self.source = source
            }

            package mutating func next() async -> WalkEvent? {
                await next(isolation: nil)
            }

            package mutating func next(isolation actor: isolated (any Actor)?) async -> WalkEvent? {
                while next == batch.count {
                    guard !Task.isCancelled, let taken = await source.take() else { return nil }
                    batch = taken
                    next = 0
                }
                defer { next += 1 }
                return batch[next]
            }
        }
    }

    // Guarded by `lock`.
    private let lock = ConditionLock()
    private var ready: [[WalkEvent]] = []
    private var walkEnded = false
    private var stopped = false
    private var threadExited = false
    private var consumer: CheckedContinuation<Void, Never>?
    private var joiner: CheckedContinuation<Void, Never>?
    /// The walk itself when no thread could be started: walked in line by the consumer alone.
    private var inline: DirectoryWalker?

    /// Batches waiting unread at most: the walk's lead, and the memory it holds.
    private static let readyLimit = 4
    /// Events per batch, after a few smaller first batches that let the consumer start at once.
    private static let batchLimit = 256
    /// Directories whose files one batch may hold: with ``readyLimit``, the directories the lead
    /// keeps open (about 20) whatever the tree's shape.
    private static let directoriesPerBatch = 4

    /// Runs `body` with the events of `walker`'s walk, walked ahead on a thread of its own; returns
    /// (or throws) once that thread has stopped. Falls back to walking in line if no thread starts.
    package static func withEvents<Result>(
        of walker: Walker, isolation: isolated (any Actor)? = #isolation,
        _ body: (Events) async throws -> Result
    ) async throws -> Result {
        let ahead = WalkAhead()
        guard ahead.start(walker) else {
            ahead.inline = walker.makeDirectoryWalker()
            defer { ahead.inline = nil }
            return try await body(Events(source: ahead))
        }
        do {
            let result = try await body(Events(source: ahead))
            await ahead.stopAndJoin()
            return result
        } catch {
            await ahead.stopAndJoin()
            throw error
        }
    }

    private init() {}

    private func start(_ walker: Walker) -> Bool {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Box((self, walker))).toOpaque()
        let result = pthread_create(&thread, nil, { context in
            let (ahead, walker) = Unmanaged<Box<(WalkAhead, Walker)>>.fromOpaque(context!).takeRetainedValue().value
            ahead.produce(walker)
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<Box<(WalkAhead, Walker)>>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    /// The thread's loop: walk, hand over each batch, wait while enough are unread, and stop at the
    /// walk's end or when told. The walker (and with it every directory it holds) is gone before
    /// the thread reports that it exited.
    private func produce(_ walker: Walker) {
        do {
            var directoryWalker = walker.makeDirectoryWalker()
            var batch: [WalkEvent] = []
            var limit = 16
            var directories = 0
            var lastDirectory: DirectoryHandle?
            while true {
                let event = directoryWalker.next()
                if let event {
                    if case .file(let entry) = event, let directory = entry.location?.directory, directory !== lastDirectory {
                        directories += 1
                        lastDirectory = directory
                    }
                    batch.append(event)
                    if batch.count < limit && directories < Self.directoriesPerBatch { continue }
                }
                let (keepGoing, waiting) = lock.withLock(when: { self.stopped || self.ready.count < Self.readyLimit }) {
                    () -> (Bool, CheckedContinuation<Void, Never>?) in
                    if stopped { return (false, nil) }
                    if !batch.isEmpty { ready.append(batch) }
                    if event == nil { walkEnded = true }
                    defer { consumer = nil }
                    return (event != nil, consumer)
                }
                waiting?.resume()
                guard keepGoing else { break }
                batch = []
                batch.reserveCapacity(limit)
                limit = min(limit * 2, Self.batchLimit)
                directories = 0
            }
        }
        let joining = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            threadExited = true
            walkEnded = true
            defer { consumer = nil; joiner = nil }
            let waiting = consumer
            waiting?.resume()
            return joiner
        }
        joining?.resume()
    }

    /// The next batch, waiting for the thread if none is ready; nil at the walk's end, or once the
    /// task is cancelled.
    fileprivate func take() async -> [WalkEvent]? {
        if inline != nil {
            var batch: [WalkEvent] = []
            while batch.count < Self.batchLimit, let event = inline?.next() { batch.append(event) }
            return batch.isEmpty ? nil : batch
        }
        while true {
            let (batch, ended) = lock.withLock { () -> ([WalkEvent]?, Bool) in
                guard !ready.isEmpty else { return (nil, walkEnded) }
                lock.broadcast()
                return (ready.removeFirst(), false)
            }
            if let batch { return batch }
            if ended || Task.isCancelled { return nil }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now = lock.withLock { () -> Bool in
                        guard ready.isEmpty, !walkEnded, !Task.isCancelled else { return true }
                        consumer = continuation
                        return false
                    }
                    if now { continuation.resume() }
                }
            } onCancel: {
                lock.withLock { () -> CheckedContinuation<Void, Never>? in
                    defer { consumer = nil }
                    return consumer
                }?.resume()
            }
        }
    }

    /// Tells the thread to stop, drops what it walked unread, and waits until it has exited.
    private func stopAndJoin() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let exited = lock.withLock { () -> Bool in
                stopped = true
                ready.removeAll()
                lock.broadcast()
                if threadExited { return true }
                joiner = continuation
                return false
            }
            if exited { continuation.resume() }
        }
    }
}

/// A value carried through a C thread's context pointer.
private final class Box<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
