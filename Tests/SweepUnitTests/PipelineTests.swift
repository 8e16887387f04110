import Synchronization
import SystemPackage
import SweepTestSupport
import Testing

@testable import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The pipeline: order, failures as results, bounded concurrency and reorder window, the async
/// sequence interface, early exit and cancellation.
@Suite(.timeLimit(.minutes(5 * testTimeScale)))
struct PipelineTests {
    /// `count` files of pseudo-random sizes (mostly small, a few up to ~600 KB) in nested directories.
    static func makeFiles(in tree: TempTree, count: Int, seed: UInt64) throws -> Int64 {
        var generator = SplitMix64(seed: seed)
        var total: Int64 = 0
        for index in 0..<count {
            let roll = generator.next() % 100
            let size = roll < 5 ? Int(generator.next() % 600_000) : roll < 10 ? 0 : Int(generator.next() % 20_000)
            let directory = "d\(generator.next() % 7)/s\(generator.next() % 3)"
            try tree.file("\(directory)/file-\(index)", randomBytes(size, seed: seed &+ UInt64(index)))
            total += Int64(size)
        }
        return total
    }

    struct Row: Equatable, CustomStringConvertible {
        var path: [UInt8]
        var value: String
        var description: String { "\(describeBytes(path)) \(value)" }
    }

    static func row(_ result: FileResult<Digest>) -> Row {
        switch result.outcome {
        case .processed(let digest): Row(path: result.path.bytes, value: digest.hex)
        case .failed(let error): Row(path: result.path.bytes, value: "error: \(error.message)")
        case .skipped(let reason): Row(path: result.path.bytes, value: "skipped: \(reason)")
        }
    }

    static func sha256Rows(
        walking roots: [[UInt8]], options: PipelineOptions
    ) async throws -> (rows: [Row], summary: RunSummary) {
        var rows: [Row] = []
        let summary = try await Pipeline(stage: DigestStage(.sha256), options: options)
            .run(walking: roots.map { FilePath(bytes: $0) }) { rows.append(row($0)) }
        return (rows, summary)
    }

    static func options(
        concurrency: Int, io: IOBackend = .auto, ordering: ResultOrdering = .input, chunkSize: Int? = nil,
        batchBytes: Int? = nil, reorderWindow: Int? = nil
    ) -> PipelineOptions {
        var options = PipelineOptions()
        options.concurrency = concurrency
        options.io = io
        options.ordering = ordering
        if let chunkSize { options.chunkSize = chunkSize }
        if let batchBytes { options.batchBytes = batchBytes }
        options.reorderWindow = reorderWindow
        return options
    }

    /// Every file is read through the directory the walk holds open; results kept by the caller
    /// must not keep those directories open (a million results would exhaust the descriptors).
    @Test func keptResultsHoldNoDirectoryOpen() async throws {
        let tree = try TempTree("held")
        for index in 0..<300 { try tree.file("d\(index)/f", "x") }
        func openDescriptors() throws -> Int { try directoryNames(utf8("/proc/self/fd")).count }
        let before = try openDescriptors()
        var kept: [FileResult<Digest>] = []
        try await Pipeline(stage: DigestStage(.sha256), options: Self.options(concurrency: 2)).run(walking: [tree.rootPath]) {
            kept.append($0)
        }
        #expect(kept.count == 300)
        #expect(kept.allSatisfy { $0.output != nil })
        // Other suites run meanwhile and open files of their own: far fewer than 300 is the point.
        #expect(try openDescriptors() - before < 100)
    }

    @Test func inputOrderIsTheWalkOrderWhateverTheConcurrency() async throws {
        let tree = try TempTree("order")
        let totalBytes = try Self.makeFiles(in: tree, count: 300, seed: 2024)
        let walked = await walkedFiles([tree.root])
        #expect(walked.count == 300)
        let expected = zip(walked, try Oracle.hexDigests(.sha256, of: walked)).map { Row(path: $0, value: $1) }

        let configurations: [(String, PipelineOptions)] = [
            ("-j1", Self.options(concurrency: 1)),
            ("-j8", Self.options(concurrency: 8)),
            ("-j8 dispatch", Self.options(concurrency: 8, io: .dispatch)),
            ("-j8 pread unbatched", Self.options(concurrency: 8, io: .pread, batchBytes: 0)),
            ("-j3 small chunks, tight window", Self.options(concurrency: 3, chunkSize: 4096, reorderWindow: 3)),
        ]
        for (label, options) in configurations {
            let (rows, summary) = try await Self.sha256Rows(walking: [tree.root], options: options)
            #expect(rows == expected, "\(label)")
            #expect(summary.files == 300, "\(label)")
            #expect(summary.bytes == totalBytes, "\(label)")
            #expect(summary.failures == 0 && summary.skipped == 0, "\(label)")
        }
    }

    @Test func completionOrderDeliversEveryFileOnce() async throws {
        let tree = try TempTree("completion")
        _ = try Self.makeFiles(in: tree, count: 200, seed: 77)
        let walked = await walkedFiles([tree.root])
        for io in [IOBackend.pread, .dispatch] {
            let (rows, summary) = try await Self.sha256Rows(
                walking: [tree.root], options: Self.options(concurrency: 8, io: io, ordering: .completion))
            let paths = rows.map(\.path)
            #expect(paths.count == walked.count, "\(io)")
            #expect(Set(paths) == Set(walked), "\(io)")
            #expect(summary.files == walked.count)
            // Whatever the order, each path carries its own digest.
            let byPath = Dictionary(uniqueKeysWithValues: rows.map { ($0.path, $0.value) })
            let ordered = walked.map { Row(path: $0, value: byPath[$0] ?? "missing") }
            let (inputOrder, _) = try await Self.sha256Rows(walking: [tree.root], options: Self.options(concurrency: 2))
            #expect(ordered == inputOrder, "\(io)")
        }
    }

    @Test func failuresAreResultsThatDoNotStopTheRun() async throws {
        let tree = try TempTree("failures")
        let a = try tree.file("a", "alpha")
        let b = try tree.file("b", "beta")
        try tree.directory("dir")
        let (stream, continuation) = AsyncStream<FilePath>.makeStream()
        for path in [a, tree.path("missing"), b, tree.path("dir")] { continuation.yield(FilePath(bytes: path)) }
        continuation.finish()

        var outcomes: [Row] = []
        let summary = try await Pipeline(stage: DigestStage(.sha256), options: Self.options(concurrency: 4))
            .run(for: stream) { outcomes.append(Self.row($0)) }
        let digests = try Oracle.hexDigests(.sha256, of: [a, b])
        #expect(outcomes == [
            Row(path: a, value: digests[0]),
            Row(path: tree.path("missing"), value: "error: No such file or directory"),
            Row(path: b, value: digests[1]),
            Row(path: tree.path("dir"), value: "error: Is a directory"),
        ])
        #expect(summary.files == 2)
        #expect(summary.failures == 2)
        #expect(!summary.succeeded)
    }

    @Test func walkFailuresAndSkipsKeepTheirPlace() async throws {
        let tree = try TempTree("inplace")
        let a = try tree.file("a", "1")
        let fifo = try tree.fifo("b-fifo")
        let c = try tree.file("c", "3")
        let missing = tree.path("gone")
        for concurrency in [1, 4] {
            let (rows, summary) = try await Self.sha256Rows(walking: [missing, tree.root], options: Self.options(concurrency: concurrency))
            let digests = try Oracle.hexDigests(.sha256, of: [a, c])
            #expect(rows == [
                Row(path: missing, value: "error: No such file or directory"),
                Row(path: a, value: digests[0]),
                Row(path: fifo, value: "skipped: skipped: FIFO, not a regular file"),
                Row(path: c, value: digests[1]),
            ])
            #expect(summary.files == 2 && summary.failures == 1 && summary.skipped == 1)
        }
    }

    @Test func aStageThatThrowsFailsOnlyThatFile() async throws {
        let tree = try TempTree("throwing")
        try tree.file("1-good", "fine")
        try tree.file("2-bad-open", "fine")
        try tree.file("3-poisoned", randomBytes(10_000, seed: 1) + utf8("POISON") + randomBytes(10_000, seed: 2))
        try tree.file("4-bad-finish", "fine")
        try tree.file("5-good", "also fine")
        let probe = Probe()
        var rows: [(String, FileResult<Int>.Outcome)] = []
        var options = Self.options(concurrency: 3, chunkSize: 4096)
        options.batchBytes = 0
        let summary = try await Pipeline(stage: PickyStage(probe: probe), options: options).run(walking: [tree.rootPath]) { result in
            rows.append((String(decoding: result.path.bytes.split(separator: UInt8(ascii: "/")).last!, as: UTF8.self), result.outcome))
        }
        #expect(rows.map(\.0) == ["1-good", "2-bad-open", "3-poisoned", "4-bad-finish", "5-good"])
        let descriptions = rows.map { name, outcome -> String in
            switch outcome {
            case .processed(let count): "ok \(count)"
            case .failed(let error): "failed \(error.reason)"
            case .skipped: "skipped"
            }
        }
        #expect(descriptions == [
            "ok 4",
            "failed refusing 2-bad-open",
            "failed poison",
            "failed cannot finish",
            "ok 9",
        ])
        #expect(summary.files == 2)
        #expect(summary.failures == 3)
        // The poisoned file's processor was abandoned; the others were finished (or never made).
        #expect(probe.abandoned.value == ["3-poisoned"])
    }

    @Test(arguments: [IOBackend.pread, .dispatch])
    func neverMoreProcessorsAliveThanTheConcurrency(_ io: IOBackend) async throws {
        let tree = try TempTree("alive")
        _ = try Self.makeFiles(in: tree, count: 120, seed: 5)
        let probe = Probe()
        let summary = try await Pipeline(stage: ProbeStage(probe: probe), options: Self.options(concurrency: 3, io: io, chunkSize: 8192))
            .run(walking: [tree.rootPath]) { _ in }
        #expect(summary.files == 120)
        #expect(probe.alive.peak <= 3, "peak \(probe.alive.peak)")
        #expect(probe.alive.peak >= 1)
        #expect(probe.alive.current == 0)
        #expect(probe.started.value == 120)
    }

    @Test func theConcurrencyIsReallyUsed() async throws {
        // The first three processors wait for one another: they can only all get there if three
        // files are read at once. (They give up after a while, so a broken pool fails instead of hanging.)
        let tree = try TempTree("barrier")
        for index in 0..<12 { try tree.file("f\(index < 10 ? "0" : "")\(index)", randomBytes(5000, seed: UInt64(index))) }
        let probe = Probe()
        let stage = BarrierStage(probe: probe, parties: 3)
        let summary = try await Pipeline(stage: stage, options: Self.options(concurrency: 3, io: .pread, batchBytes: 0))
            .run(walking: [tree.rootPath]) { _ in }
        #expect(summary.files == 12)
        #expect(stage.met.value == 3, "processors that saw all three alive at once")
        #expect(probe.alive.peak == 3)
    }

    @Test func theReorderWindowBoundsHowFarAheadItRuns() async throws {
        // The first file holds the head of the line. With a window of 6, only files 1...5 may start
        // before it is delivered: the pool must stop taking files rather than run ahead.
        let tree = try TempTree("window")
        for index in 0..<40 { try tree.file("f" + String(index).leftPadded(to: 2), randomBytes(3000, seed: UInt64(index))) }
        let stage = HeadOfLineStage(window: 6)
        let summary = try await Pipeline(
            stage: stage, options: Self.options(concurrency: 2, io: .pread, batchBytes: 0, reorderWindow: 6)
        ).run(walking: [tree.rootPath]) { _ in }
        #expect(summary.files == 40)
        #expect(stage.reachedWindow.value, "the pool did run ahead up to the window")
        #expect(stage.othersStartedWhileHeadBlocked.value == 5, "files started while the head was held")
    }

    @Test func resultsSequenceYieldsWhatRunDelivers() async throws {
        let tree = try TempTree("sequence")
        _ = try Self.makeFiles(in: tree, count: 60, seed: 9)
        try tree.fifo("zz-fifo")
        let pipeline = Pipeline(stage: DigestStage(.sha256), options: Self.options(concurrency: 4))
        var fromRun: [Row] = []
        try await pipeline.run(walking: [tree.rootPath, "/nonexistent/sweep-test"]) { fromRun.append(Self.row($0)) }
        var fromSequence: [Row] = []
        for try await result in pipeline.results(walking: [tree.rootPath, "/nonexistent/sweep-test"]) {
            fromSequence.append(Self.row(result))
        }
        #expect(fromSequence == fromRun)
        #expect(fromSequence.count == 62)
        let files = fromRun.filter { !$0.value.hasPrefix("error") && !$0.value.hasPrefix("skipped") }
        #expect(files.map(\.value) == (try Oracle.hexDigests(.sha256, of: files.map(\.path))))
    }

    @Test func breakingOutOfTheResultsLoopStopsTheWork() async throws {
        let tree = try TempTree("break")
        _ = try Self.makeFiles(in: tree, count: 300, seed: 11)
        let probe = Probe()
        let pipeline = Pipeline(stage: ProbeStage(probe: probe), options: Self.options(concurrency: 2, batchBytes: 0))
        var seen = 0
        for try await _ in pipeline.results(walking: [tree.rootPath]) {
            seen += 1
            if seen == 3 { break }
        }
        #expect(seen == 3)
        // Whatever was in flight is finished or abandoned, and the walk stops well short of the end:
        // a consumer that left cannot have pulled more than the reorder window past what it took.
        #expect(await eventually(atMost: 120) { probe.alive.current == 0 })
        let window = PipelineOptions.defaultWindow(concurrency: 2)
        #expect(probe.started.value <= 3 + window + 2, "started \(probe.started.value) of 300")
        #expect(probe.started.value < 300)
    }

    /// The scoped form returns only when the work is over: the consumer leaves after the first
    /// result while `big` is held on its first chunk (released 300 ms later from another task), and
    /// the call returns only once `big` was abandoned. (The unscoped `results` form returns at once,
    /// `big` still alive.)
    @Test func withResultsReturnsOnlyWhenTheWorkIsOver() async throws {
        let tree = try TempTree("scoped")
        try tree.file("a", randomBytes(1000, seed: 13))
        try tree.file("big", randomBytes(256 * 1024, seed: 14))
        let probe = Probe()
        let release = Locked(false)
        let pipeline = Pipeline(stage: StallStage(probe: probe, release: release), options: Self.options(concurrency: 2, chunkSize: 4096))
        let first = try await pipeline.withResults(walking: [tree.rootPath]) { results -> String? in
            for try await result in results {
                #expect(await eventually(atMost: 120) { probe.started.value == 2 })
                Task {
                    try await Task.sleep(for: .milliseconds(300))
                    release.withLock { $0 = true }
                }
                return baseName(result.entry)
            }
            return nil
        }
        #expect(first == "a")
        #expect(probe.alive.current == 0, "\(probe.alive.current) processors still alive")
        #expect(probe.abandoned.value == ["big"])

        // A body that throws: the error comes out, after the same cleanup.
        let many = Pipeline(stage: ProbeStage(probe: probe), options: Self.options(concurrency: 2, batchBytes: 0))
        _ = try Self.makeFiles(in: tree, count: 300, seed: 12)
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await many.withResults(walking: [tree.rootPath]) { results in
                for try await _ in results { throw Stop() }
            }
        }
        #expect(probe.alive.current == 0)
        // Read to the end, it is the whole run.
        let all = try await many.withResults(walking: [tree.rootPath]) { results in
            await results.reduce(0) { count, _ in count + 1 }
        }
        #expect(all == 302)
    }

    @Test func pathsFromAnyAsyncSequence() async throws {
        let tree = try TempTree("stream")
        var paths: [[UInt8]] = []
        for index in 0..<30 {
            // Deliberately not in byte order: results follow the stream's order.
            paths.append(try tree.file("p\(29 - index)", randomBytes(index * 1_001, seed: UInt64(300 + index))))
        }
        let expected = zip(paths, try Oracle.hexDigests(.sha256, of: paths)).map { Row(path: $0, value: $1) }
        let feed = paths
        let stream = AsyncStream<FilePath> { continuation in
            Task {
                for path in feed {
                    continuation.yield(FilePath(bytes: path))
                    await Task.yield()
                }
                continuation.finish()
            }
        }
        let pipeline = Pipeline(stage: DigestStage(.sha256), options: Self.options(concurrency: 4))
        var rows: [Row] = []
        let summary = try await pipeline.run(for: stream) { rows.append(Self.row($0)) }
        #expect(rows == expected)
        #expect(summary.files == 30)

        // The same through `results(for:)`, from a transformed sequence.
        let (second, continuation) = AsyncStream<[UInt8]>.makeStream()
        for path in paths { continuation.yield(path) }
        continuation.finish()
        var viaSequence: [Row] = []
        for try await result in pipeline.results(for: second.map { FilePath(bytes: $0) }) {
            viaSequence.append(Self.row(result))
        }
        #expect(viaSequence == expected)
    }

    @Test(arguments: [IOBackend.pread, .dispatch])
    func cancellingTheTaskAbandonsTheFileInFlight(_ io: IOBackend) async throws {
        let tree = try TempTree("cancel")
        try tree.file("big", randomBytes(256 * 1024, seed: 3))
        try tree.file("later", randomBytes(1000, seed: 4))
        let probe = Probe()
        let release = Locked(false)
        let stage = StallStage(probe: probe, release: release)
        let pipeline = Pipeline(stage: stage, options: Self.options(concurrency: 1, io: io, chunkSize: 4096))
        let root = tree.rootPath
        let delivered = Locked<[FileResult<Int>]>([])
        let task = Task {
            try await pipeline.run(walking: [root]) { result in
                delivered.withLock { $0.append(result) }
            }
        }
        // Wait until the first chunk of `big` is being processed, then cancel and let it go on.
        // Generous: end-to-end suites that wait on child processes share the cooperative pool.
        #expect(await eventually(atMost: 120) { probe.started.value >= 1 && stage.stalled.value })
        task.cancel()
        release.withLock { $0 = true }
        await #expect(throws: CancellationError.self) { try await task.value }
        // `big` stops at the next chunk and is abandoned, never finished. (`later` may have been
        // queued already, and then it is abandoned as soon as it is opened.)
        #expect(probe.abandoned.value.contains("big"))
        #expect(!probe.finished.value.contains("big"))
        #expect(Set(probe.abandoned.value + probe.finished.value).count == probe.started.value)
        #expect(probe.alive.current == 0)
        // The callback never sees the abandoned files: no ECANCELED failure is delivered.
        #expect(!delivered.value.contains { $0.error?.errno == .canceled }, "\(delivered.value.map(\.path))")
    }
}

extension PipelineOptions {
    /// The reorder window the pipeline uses when none is set (as documented: concurrency × 8 + 64).
    static func defaultWindow(concurrency: Int) -> Int {
        var options = PipelineOptions()
        options.concurrency = concurrency
        return options.effectiveReorderWindow
    }
}

// MARK: - Stages that observe the pipeline

/// Counts processors: started, alive (made but not yet finished or abandoned), and by name.
final class Probe: Sendable {
    let alive = PeakCounter()
    let started = Locked(0)
    let finished = Locked<[String]>([])
    let abandoned = Locked<[String]>([])

    func start() {
        alive.increment()
        started.withLock { $0 += 1 }
    }
}

func baseName(_ entry: FileEntry) -> String {
    String(decoding: entry.path.bytes.split(separator: UInt8(ascii: "/")).last ?? [], as: UTF8.self)
}

/// Counts bytes; only counts processors.
struct ProbeStage: Stage {
    let probe: Probe
    var name: String { "probe" }

    func makeProcessor(for file: FileEntry) -> Processor {
        probe.start()
        return Processor(probe: probe, name: baseName(file))
    }

    struct Processor: StageProcessor {
        let probe: Probe
        let name: String
        var bytes = 0
        mutating func update(_ chunk: UnsafeRawBufferPointer) { bytes += chunk.count }
        func finish() -> Int {
            probe.alive.decrement()
            probe.finished.withLock { $0.append(name) }
            return bytes
        }
        func abandon() {
            probe.alive.decrement()
            probe.abandoned.withLock { $0.append(name) }
        }
    }
}

struct StageError: Error, CustomStringConvertible {
    var description: String
}

/// Refuses files by name or content, in each of the three places a stage can throw.
struct PickyStage: Stage {
    let probe: Probe
    var name: String { "picky" }

    func makeProcessor(for file: FileEntry) throws -> Processor {
        let name = baseName(file)
        if name.contains("bad-open") { throw StageError(description: "refusing \(name)") }
        probe.start()
        return Processor(probe: probe, name: name)
    }

    struct Processor: StageProcessor {
        let probe: Probe
        let name: String
        var bytes = 0
        var tail: [UInt8] = []
        mutating func update(_ chunk: UnsafeRawBufferPointer) throws {
            bytes += chunk.count
            let window = tail + Array(chunk)
            if window.count >= 6, (0...(window.count - 6)).contains(where: { Array(window[$0..<$0 + 6]) == utf8("POISON") }) {
                throw StageError(description: "poison")
            }
            tail = Array(window.suffix(5))
        }
        func finish() throws -> Int {
            probe.alive.decrement()
            if name.contains("bad-finish") { throw StageError(description: "cannot finish") }
            probe.finished.withLock { $0.append(name) }
            return bytes
        }
        func abandon() {
            probe.alive.decrement()
            probe.abandoned.withLock { $0.append(name) }
        }
    }
}

/// The first `parties` processors each wait (on the reading thread) until `parties` are alive at once.
final class BarrierStage: Stage, Sendable {
    let probe: Probe
    let parties: Int
    let met = Locked(0)
    var name: String { "barrier" }

    init(probe: Probe, parties: Int) {
        self.probe = probe
        self.parties = parties
    }

    func makeProcessor(for file: FileEntry) -> ProbeStage.Processor {
        probe.start()
        if probe.started.value <= parties {
            if blockUntil(atMost: 120, { probe.alive.peak >= parties }) { met.withLock { $0 += 1 } }
        }
        return ProbeStage.Processor(probe: probe, name: baseName(file))
    }
}

/// Holds the first file (by name `f00`) until `window - 1` other files have started, then a little
/// longer to catch a pool that keeps going; records how many others started meanwhile.
final class HeadOfLineStage: Stage, Sendable {
    let window: Int
    let headDone = Locked(false)
    let othersStarted = Locked(0)
    let othersStartedWhileHeadBlocked = Locked(0)
    let reachedWindow = Locked(false)
    var name: String { "head" }

    init(window: Int) { self.window = window }

    func makeProcessor(for file: FileEntry) -> ProbeStage.Processor {
        let name = baseName(file)
        if name == "f00" {
            let reached = blockUntil(atMost: 120) { othersStarted.value >= window - 1 }
            reachedWindow.withLock { $0 = reached }
            // A pool that ignored the window would start a further file now; give it the chance.
            _ = blockUntil(atMost: 0.3) { othersStarted.value > window - 1 }
            // Read under the same lock the others update, before the head can be delivered.
            headDone.withLock { $0 = true }
            othersStartedWhileHeadBlocked.withLock { $0 = othersStarted.value }
        } else {
            // Counted only while the head is still held.
            headDone.withLock { done in
                if !done { othersStarted.withLock { $0 += 1 } }
            }
        }
        return ProbeStage.Processor(probe: Probe(), name: name)
    }
}

/// On the first chunk of the file named `big`, waits until `release` is set.
final class StallStage: Stage, Sendable {
    let probe: Probe
    let release: Locked<Bool>
    let stalled = Locked(false)
    var name: String { "stall" }

    init(probe: Probe, release: Locked<Bool>) {
        self.probe = probe
        self.release = release
    }

    func makeProcessor(for file: FileEntry) -> Processor {
        probe.start()
        return Processor(stage: self, name: baseName(file))
    }

    struct Processor: StageProcessor {
        let stage: StallStage
        let name: String
        var chunks = 0
        mutating func update(_ chunk: UnsafeRawBufferPointer) {
            chunks += 1
            if name == "big" && chunks == 1 {
                stage.stalled.withLock { $0 = true }
                _ = blockUntil(atMost: 120) { stage.release.value }
            }
        }
        func finish() -> Int {
            stage.probe.alive.decrement()
            stage.probe.finished.withLock { $0.append(name) }
            return chunks
        }
        func abandon() {
            stage.probe.alive.decrement()
            stage.probe.abandoned.withLock { $0.append(name) }
        }
    }
}
