import Synchronization
import SystemPackage

/// Counters of a run in progress, updated by the readers as each chunk is consumed (so a large file
/// counts while it is read, not once it is done) and by whoever delivers results and walks; read
/// at any time, from any thread, by a display such as the command line's progress line.
///
/// ```swift
/// let progress = ReadProgress()
/// var options = PipelineOptions()
/// options.progress = progress
/// // …while the pipeline runs, from another task:
/// print(progress.snapshot().bytesRead)
/// ```
package final class ReadProgress: Sendable {
    private let bytes = Atomic<Int64>(0)
    private let finished = Atomic<Int>(0)
    /// What the run's own walk has listed, and whether it is over.
    private let walk = LockedValue<(files: Int, bytes: Int64, complete: Bool)>((0, 0, false))
    /// What a separate pre-walk found, if one ran to its end.
    private let preWalk = LockedValue<(files: Int, bytes: Int64)?>(nil)
    /// The file whose reading started last: the one a person watching cares about.
    private let current = LockedValue<FilePath?>(nil)

    /// What the counters say at one moment.
    package struct Snapshot: Sendable, Equatable {
        /// Bytes read so far, those of files still being read included.
        package var bytesRead: Int64
        /// Files whose result was delivered (processed, failed or skipped).
        package var filesDone: Int
        /// The files and bytes the whole run will read, once the walk has listed everything.
        package var total: (files: Int, bytes: Int64)?
        /// The file that started reading last.
        package var current: FilePath?

        package static func == (a: Snapshot, b: Snapshot) -> Bool {
            a.bytesRead == b.bytesRead && a.filesDone == b.filesDone && a.current == b.current
                && a.total?.files == b.total?.files && a.total?.bytes == b.total?.bytes
        }
    }

    package init() {}

    /// A reader started on `path`.
    package func started(_ path: FilePath) {
        current.withLock { $0 = path }
    }

    /// A reader consumed `count` more bytes.
    package func read(_ count: Int) {
        bytes.wrappingAdd(Int64(count), ordering: .relaxed)
    }

    /// One more result was delivered.
    package func fileDone() {
        finished.wrappingAdd(1, ordering: .relaxed)
    }

    /// The run's walk listed one more file of `size` bytes (0 when unknown).
    package func walked(size: Int64) {
        walk.withLock { $0.files += 1; $0.bytes += size }
    }

    /// The run's walk is over: its tally is the total from now on.
    package func walkFinished() {
        walk.withLock { $0.complete = true }
    }

    /// A walk of the same roots made only to size them found `files` files of `bytes` bytes: the
    /// total until the run's own walk is over (which is exact for what the run reads).
    package func preWalkFinished(files: Int, bytes: Int64) {
        preWalk.withLock { $0 = (files, bytes) }
    }

    /// The counters now.
    package func snapshot() -> Snapshot {
        let walked = walk.withLock { $0 }
        return Snapshot(
            bytesRead: bytes.load(ordering: .relaxed),
            filesDone: finished.load(ordering: .relaxed),
            total: walked.complete ? (walked.files, walked.bytes) : preWalk.withLock { $0 },
            current: current.withLock { $0 })
    }

    /// `events` as they are, each file tallied with ``walked(size:)`` (its size when the walk read
    /// its metadata) and the end reported with ``walkFinished()``.
    package func counting<Events: AsyncSequence<WalkEvent, Never>>(_ events: Events) -> CountedEvents<Events> {
        CountedEvents(base: events, progress: self)
    }

    /// A walk's events, counted as they pass: see ``ReadProgress/counting(_:)``.
    package struct CountedEvents<Base: AsyncSequence<WalkEvent, Never>>: AsyncSequence {
        package typealias Element = WalkEvent
        package typealias Failure = Never
        fileprivate let base: Base
        fileprivate let progress: ReadProgress

        package struct AsyncIterator: AsyncIteratorProtocol {
            fileprivate var base: Base.AsyncIterator
            fileprivate let progress: ReadProgress

            package mutating func next(isolation actor: isolated (any Actor)?) async -> WalkEvent? {
                guard let event = await base.next(isolation: actor) else {
                    progress.walkFinished()
                    return nil
                }
                if case .file(let entry) = event { progress.walked(size: entry.status?.size ?? 0) }
                return event
            }

            package mutating func next() async -> WalkEvent? {
                await next(isolation: nil)
            }
        }

        package func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(base: base.makeAsyncIterator(), progress: progress)
        }
    }
}
