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

/// The two I/O backends behind `ChunkConsumer`: bytes in order, changes caught, errors and cancellation.
@Suite(.offCooperativePool, .timeLimit(.minutes(5 * testTimeScale)))
struct IOTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case pread, dispatch
        var testDescription: String { rawValue }

        func reader(chunkSize: Int) -> any FileReader {
            switch self {
            case .pread: PositionalFileReader(threadCount: 2, chunkSize: chunkSize)
            case .dispatch: DispatchFileReader(chunkSize: chunkSize)
            }
        }
    }

    /// What a consumer saw, recorded from whichever thread the backend runs it on.
    final class Log: Sendable {
        let starts = Atomic<Int>(0)
        let chunks = Atomic<Int>(0)
        let largestChunk = Atomic<Int>(0)
        let finishes = Atomic<Int>(0)
        let abandons = Atomic<Int>(0)
    }

    /// A consumer that collects every byte, logging each call; `onChunk` runs after each chunk is taken.
    static func collector(
        _ log: Log, onChunk: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> ChunkConsumer<[UInt8], [UInt8]> {
        ChunkConsumer(
            start: { _ in
                log.starts.add(1, ordering: .relaxed)
                return []
            },
            consume: { state, chunk in
                state += chunk
                let index = log.chunks.add(1, ordering: .relaxed).newValue
                log.largestChunk.max(chunk.count, ordering: .relaxed)
                onChunk(index)
            },
            finish: { state in
                log.finishes.add(1, ordering: .relaxed)
                return state
            },
            abandon: { _ in log.abandons.add(1, ordering: .relaxed) })
    }

    static func read(
        _ entry: FileEntry, backend: Backend, chunkSize: Int, consumer: ChunkConsumer<[UInt8], [UInt8]>,
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) async -> Result<ReadOutcome<[UInt8]>, FileError> {
        let reader = backend.reader(chunkSize: chunkSize)
        defer { reader.shutdown() }
        return await readOne(reader, entry, consumer, isCancelled: isCancelled)
    }

    /// One file through a reader's batch interface.
    static func readOne<State, Output: Sendable>(
        _ reader: any FileReader, _ entry: FileEntry, _ consumer: ChunkConsumer<State, Output>,
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) async -> Result<ReadOutcome<Output>, FileError> {
        let results = await reader.read([ReadRequest(entry, into: consumer)], isCancelled: isCancelled)
        precondition(results.count == 1, "one request gives one result")
        // Nothing asked for deferral, so the read happened.
        return results[0]!
    }

    static let chunkSize = 64 * 1024

    @Test(arguments: Backend.allCases)
    func bothBackendsDeliverEveryByteInOrder(_ backend: Backend) async throws {
        let tree = try TempTree("io-\(backend.rawValue)")
        let sizes = [0, 1, Self.chunkSize - 1, Self.chunkSize, Self.chunkSize + 1, 3 * Self.chunkSize, 5 * 1024 * 1024 + 3]
        var paths: [[UInt8]] = []
        for (index, size) in sizes.enumerated() {
            paths.append(try tree.file("f\(index)-\(size)", randomBytes(size, seed: UInt64(100 + index))))
        }
        let expected = try Oracle.hexDigests(.sha256, of: paths)
        for (index, path) in paths.enumerated() {
            let log = Log()
            let outcome = try await Self.read(
                FileEntry(path: FilePath(bytes: path)), backend: backend, chunkSize: Self.chunkSize,
                consumer: Self.collector(log)
            ).get()
            let size = sizes[index]
            #expect(outcome.output.count == size, "size \(size)")
            #expect(outcome.bytesRead == Int64(size))
            #expect(outcome.entry.status?.size == Int64(size))
            #expect(outcome.output == (try readFile(path)), "size \(size)")
            // An independent check of the bytes: python's hashlib and coreutils agree with what was collected.
            let collected = tree.path("collected-\(index)")
            try writeFile(collected, outcome.output)
            #expect(try Oracle.hexDigests(.sha256, of: [collected]) == [expected[index]], "size \(size)")
            #expect(log.starts.load(ordering: .relaxed) == 1)
            #expect(log.finishes.load(ordering: .relaxed) == 1)
            #expect(log.abandons.load(ordering: .relaxed) == 0)
            #expect(log.largestChunk.load(ordering: .relaxed) <= Self.chunkSize)
            #expect(log.chunks.load(ordering: .relaxed) >= (size + Self.chunkSize - 1) / Self.chunkSize)
        }
        // python's hashlib over the originals, as a second oracle for the coreutils one.
        #expect(try Oracle.hashlib("sha256", of: paths) == expected)
    }

    @Test(arguments: Backend.allCases)
    func backendsAgreeOnTheSameFiles(_ backend: Backend) async throws {
        // Both backends, odd chunk sizes, compared with each other and with the file.
        let tree = try TempTree("io-agree")
        let content = randomBytes(1_000_003, seed: 7)
        let path = try tree.file("data", content)
        for chunkSize in [1000, 4096, 65_537] {
            let log = Log()
            let outcome = try await Self.read(
                FileEntry(path: FilePath(bytes: path)), backend: backend, chunkSize: chunkSize,
                consumer: Self.collector(log)
            ).get()
            #expect(outcome.output == content, "chunk size \(chunkSize)")
        }
    }

    @Test(arguments: Backend.allCases)
    func aFileThatGrowsWhileReadIsChangedWhileReading(_ backend: Backend) async throws {
        let tree = try TempTree("io-grow")
        let path = try tree.file("growing", randomBytes(16 * 1024, seed: 3))
        let log = Log()
        let consumer = Self.collector(log) { index in
            if index == 1 { try? appendToFile(path, randomBytes(5000, seed: 4)) }
        }
        let result = await Self.read(FileEntry(path: FilePath(bytes: path)), backend: backend, chunkSize: 4096, consumer: consumer)
        #expect(result.failure?.reason == .changedWhileReading)
        #expect(result.failure?.path.bytes == path)
        #expect(result.failure?.message == "file changed as we read it")
        #expect(log.abandons.load(ordering: .relaxed) == 1)
        #expect(log.finishes.load(ordering: .relaxed) == 0)
    }

    @Test(arguments: Backend.allCases)
    func aFileTruncatedWhileReadIsChangedWhileReading(_ backend: Backend) async throws {
        let tree = try TempTree("io-truncate")
        let path = try tree.file("shrinking", randomBytes(64 * 1024, seed: 5))
        let log = Log()
        let consumer = Self.collector(log) { index in
            if index == 1 { _ = withCPath(path) { truncate($0, 10_000) } }
        }
        let result = await Self.read(FileEntry(path: FilePath(bytes: path)), backend: backend, chunkSize: 4096, consumer: consumer)
        #expect(result.failure?.reason == .changedWhileReading)
        #expect(log.abandons.load(ordering: .relaxed) == 1)
        #expect(log.finishes.load(ordering: .relaxed) == 0)
    }

    @Test(arguments: Backend.allCases)
    func aFileRewrittenInPlaceIsChangedWhileReading(_ backend: Backend) async throws {
        // Same size, new content: caught by the modification time (set far in the past first, so that
        // any write moves it whatever the clock's granularity).
        let tree = try TempTree("io-rewrite")
        let path = try tree.file("rewritten", randomBytes(32 * 1024, seed: 6))
        try setModificationTime(path, seconds: 1_000_000_000)
        let log = Log()
        let consumer = Self.collector(log) { index in
            guard index == 1 else { return }
            let descriptor = withCPath(path) { open($0, O_WRONLY | O_CLOEXEC) }
            _ = pwrite(descriptor, [0x41, 0x42], 2, 20_000)
            close(descriptor)
        }
        let result = await Self.read(FileEntry(path: FilePath(bytes: path)), backend: backend, chunkSize: 4096, consumer: consumer)
        #expect(result.failure?.reason == .changedWhileReading)
        #expect(log.abandons.load(ordering: .relaxed) == 1)
    }

    @Test(arguments: Backend.allCases)
    func aFileReplacedAfterItWasListedIsRefused(_ backend: Backend) async throws {
        let tree = try TempTree("io-replace")
        let path = try tree.file("target", "original")
        let info = try statusOf(path)
        let entry = FileEntry(path: FilePath(bytes: path), status: FileStatus(info))
        let replacement = try tree.file("replacement", "replacement")
        #expect(withCPath(replacement) { from in withCPath(path) { rename(from, $0) } } == 0)
        let log = Log()
        let result = await Self.read(entry, backend: backend, chunkSize: 4096, consumer: Self.collector(log))
        #expect(result.failure?.reason == .changedWhileReading)
        #expect(log.starts.load(ordering: .relaxed) == 0)
    }

    @Test(arguments: Backend.allCases)
    func aDirectoryGivesEISDIR(_ backend: Backend) async throws {
        let tree = try TempTree("io-dir")
        try tree.directory("sub")
        let log = Log()
        let result = await Self.read(FileEntry(path: FilePath(bytes: tree.path("sub"))), backend: backend, chunkSize: 4096, consumer: Self.collector(log))
        #expect(result.failure?.errno == .isDirectory)
        #expect(result.failure?.message == "Is a directory")
        #expect(log.starts.load(ordering: .relaxed) == 0)
    }

    @Test(arguments: Backend.allCases)
    func aMissingFileGivesENOENT(_ backend: Backend) async throws {
        let tree = try TempTree("io-missing")
        let missing = tree.path("absent")
        let log = Log()
        let result = await Self.read(FileEntry(path: FilePath(bytes: missing)), backend: backend, chunkSize: 4096, consumer: Self.collector(log))
        #expect(result.failure == FileError(path: FilePath(bytes: missing), reason: .system(.noSuchFileOrDirectory)))
        #expect(log.starts.load(ordering: .relaxed) == 0)
    }

    @Test(arguments: Backend.allCases)
    func cancellationMidFileGivesECANCELEDAndAbandons(_ backend: Backend) async throws {
        let tree = try TempTree("io-cancel")
        let path = try tree.file("big", randomBytes(256 * 1024, seed: 8))
        let cancelled = Locked(false)
        let log = Log()
        // The first chunk asks for cancellation; the reader must stop before the next.
        let consumer = Self.collector(log) { _ in cancelled.withLock { $0 = true } }
        let result = await Self.read(
            FileEntry(path: FilePath(bytes: path)), backend: backend, chunkSize: 4096, consumer: consumer,
            isCancelled: { cancelled.value })
        #expect(result.failure?.errno == .canceled)
        #expect(result.failure?.path.bytes == path)
        #expect(log.chunks.load(ordering: .relaxed) == 1)
        #expect(log.abandons.load(ordering: .relaxed) == 1)
        #expect(log.finishes.load(ordering: .relaxed) == 0)
    }

    @Test(arguments: Backend.allCases)
    func cancellationBeforeTheFirstChunk(_ backend: Backend) async throws {
        let tree = try TempTree("io-cancel0")
        let path = try tree.file("f", randomBytes(10_000, seed: 9))
        let log = Log()
        let result = await Self.read(
            FileEntry(path: FilePath(bytes: path)), backend: backend, chunkSize: 4096, consumer: Self.collector(log),
            isCancelled: { true })
        #expect(result.failure?.errno == .canceled)
        #expect(log.chunks.load(ordering: .relaxed) == 0)
        #expect(log.abandons.load(ordering: .relaxed) == log.starts.load(ordering: .relaxed))
        #expect(log.finishes.load(ordering: .relaxed) == 0)
    }

    @Test(arguments: Backend.allCases)
    func aConsumerThatThrowsFailsTheFileAndIsAbandoned(_ backend: Backend) async throws {
        struct Refused: Error, CustomStringConvertible { var description: String { "refused" } }
        let tree = try TempTree("io-throw")
        let path = try tree.file("f", randomBytes(20_000, seed: 10))
        let log = Log()
        let consumer = ChunkConsumer<Int, Int>(
            start: { _ in 0 },
            consume: { state, _ in
                state += 1
                if state == 2 { throw Refused() }
            },
            finish: { $0 },
            abandon: { _ in log.abandons.add(1, ordering: .relaxed) })
        let reader = backend.reader(chunkSize: 4096)
        defer { reader.shutdown() }
        let result = await Self.readOne(reader, FileEntry(path: FilePath(bytes: path)), consumer)
        #expect(result.failure?.cause is Refused)
        #expect(result.failure?.message == "refused")
        #expect(log.abandons.load(ordering: .relaxed) == 1)
    }

    @Test(arguments: Backend.allCases)
    func aBatchGivesOneResultPerRequestInOrder(_ backend: Backend) async throws {
        // Several files handed over at once: each has its own result, a failure stays in its place.
        let tree = try TempTree("io-batch")
        let first = try tree.file("first", randomBytes(9_000, seed: 11))
        let second = try tree.file("second", randomBytes(0, seed: 12))
        let third = try tree.file("third", randomBytes(70_000, seed: 13))
        try tree.directory("dir")
        let requests = [first, tree.path("missing"), second, tree.path("dir"), third].map {
            ReadRequest(FileEntry(path: FilePath(bytes: $0)), into: Self.collector(Log()))
        }
        let reader = backend.reader(chunkSize: 4096)
        defer { reader.shutdown() }
        let results = await reader.read(requests, isCancelled: { false }).compactMap { $0 }
        #expect(results.count == 5)
        guard results.count == 5 else { return }
        #expect(try results[0].get().output == readFile(first))
        #expect(results[1].failure?.errno == .noSuchFileOrDirectory)
        #expect(try results[2].get().output == [])
        #expect(results[3].failure?.errno == .isDirectory)
        #expect(try results[4].get().output == readFile(third))
    }

    @Test func aLargeFileLaterInABatchIsDeferredUnread() async throws {
        let tree = try TempTree("defer")
        let small = try tree.file("small", utf8("tiny"))
        let large = try tree.file("large", randomBytes(100_000, seed: 9))
        let log = Log()
        let requests = [large, small, large].map {
            ReadRequest(FileEntry(path: FilePath(bytes: $0)), into: Self.collector(log), deferIfLargerThan: 1000)
        }
        let reader = PositionalFileReader(threadCount: 1, chunkSize: 4096)
        defer { reader.shutdown() }
        let results = await reader.read(requests, isCancelled: { false })
        #expect(results.count == 3)
        // First in its batch, the large file is read whatever its size; later, it is handed back.
        #expect(try results[0]?.get().output == readFile(large))
        #expect(try results[1]?.get().output == readFile(small))
        #expect(results[2] == nil)
    }

    @Test func positionalReaderRunsManyFilesAtOnce() async throws {
        // One reader shared by concurrent reads (as the pipeline shares it): each gets its own bytes.
        let tree = try TempTree("io-shared")
        var contents: [[UInt8]] = []
        var paths: [[UInt8]] = []
        for index in 0..<24 {
            let content = randomBytes(10_000 + index * 3_001, seed: UInt64(200 + index))
            contents.append(content)
            paths.append(try tree.file("f\(index)", content))
        }
        let reader = PositionalFileReader(threadCount: 3, chunkSize: 4096)
        defer { reader.shutdown() }
        let consumer = Self.collector(Log())
        let outputs = await withTaskGroup(of: (Int, [UInt8]?).self) { group in
            for (index, path) in paths.enumerated() {
                group.addTask {
                    let result = await Self.readOne(reader, FileEntry(path: FilePath(bytes: path)), consumer)
                    return (index, try? result.get().output)
                }
            }
            var outputs = [[UInt8]?](repeating: nil, count: paths.count)
            for await (index, output) in group { outputs[index] = output }
            return outputs
        }
        #expect(outputs == contents.map(Optional.some))
    }
}

extension Result {
    /// The error, if this is a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
