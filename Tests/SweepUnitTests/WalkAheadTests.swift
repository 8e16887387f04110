import SweepTestSupport
import SystemPackage
import Testing

@testable import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The walk run ahead on a thread of its own: the same events in the same order as the walk in
/// line, and a scope that returns only once the thread has let go of every directory, whether the
/// body read everything, left early, threw, or was cancelled.
@Suite(.timeLimit(.minutes(5 * testTimeScale)))
struct WalkAheadTests {
    /// Descriptors of this process open on something under `root` (other tests running at the
    /// same time open their own, elsewhere).
    static func descriptorsOpen(under root: [UInt8]) throws -> Int {
        try directoryNames(utf8("/proc/self/fd")).filter { name in
            var target = [CChar](repeating: 0, count: 4096)
            let length = readlink("/proc/self/fd/" + String(decoding: name, as: UTF8.self), &target, target.count - 1)
            guard length > 0 else { return false }
            return target[..<length].map { UInt8(bitPattern: $0) }.starts(with: root)
        }.count
    }

    static func deepTree() throws -> TempTree {
        let tree = try TempTree("walk-ahead")
        let deep = (1...30).map { "d\($0)" }.joined(separator: "/")
        for index in 0..<40 { _ = try tree.file("\(deep)/f\(index)", "\(index)") }
        for index in 0..<1500 { _ = try tree.file("wide/s\(index % 7)/f\(index)", "\(index)") }
        _ = try tree.file([0xFF, 0x2F, 0x78], utf8("not UTF-8"))
        return tree
    }

    /// More events than several batches, in exactly the walk's order, skips included.
    @Test func givesTheWalksEventsInItsOrder() async throws {
        let tree = try Self.deepTree()
        #expect(mkfifo(String(decoding: tree.path("fifo"), as: UTF8.self), 0o644) == 0)
        let walker = Walker(roots: [FilePath(bytes: tree.root)])
        func describe(_ event: WalkEvent) -> String {
            switch event {
            case .file(let entry): "file \(entry.path.bytes)"
            case .skipped(let path, let reason): "skipped \(path.bytes) \(reason)"
            case .failure(let error): "failure \(error.path.bytes)"
            }
        }
        var inLine: [String] = []
        for await event in walker.events() { inLine.append(describe(event)) }
        let ahead = try await WalkAhead.withEvents(of: walker) { events in
            var described: [String] = []
            for await event in events { described.append(describe(event)) }
            return described
        }
        #expect(ahead.count > 1500)
        #expect(ahead == inLine)
    }

    /// Leaving early, throwing, or being cancelled deep in the tree: the scope returns with no
    /// directory of the tree still open.
    @Test func theScopeEndsWithEveryDirectoryClosed() async throws {
        let tree = try Self.deepTree()
        let walker = Walker(roots: [FilePath(bytes: tree.root)])
        #expect(try Self.descriptorsOpen(under: tree.root) == 0)

        let read = try await WalkAhead.withEvents(of: walker) { events in
            var count = 0
            for await _ in events {
                count += 1
                if count == 3 { break }
            }
            return count
        }
        #expect(read == 3)
        #expect(try Self.descriptorsOpen(under: tree.root) == 0, "after leaving early")

        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await WalkAhead.withEvents(of: walker) { events in
                for await _ in events { throw Stop() }
            }
        }
        #expect(try Self.descriptorsOpen(under: tree.root) == 0, "after throwing")

        let started = AsyncStream<Void>.makeStream()
        let task = Task {
            try await WalkAhead.withEvents(of: walker) { events in
                var count = 0
                for await _ in events {
                    count += 1
                    if count == 1 { started.continuation.yield() }
                    // Slow enough that the walk is waiting, its buffer full, when cancelled.
                    try? await Task.sleep(for: .milliseconds(5))
                }
                return count
            }
        }
        for await _ in started.stream { break }
        task.cancel()
        let count = try await task.value
        #expect(count < 1500, "cancelled, it stopped early (\(count) events read)")
        #expect(try Self.descriptorsOpen(under: tree.root) == 0, "after cancellation")
    }
}
