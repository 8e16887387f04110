import Foundation
import Sweep
import Synchronization
import SystemPackage
import Testing

// Stages written outside the module, with nothing but its public API (no @testable import):
// they plug into Pipeline and StageList like the built-in ones, and their results are checked
// against grep, wc, sha256sum and python3 on the same files.

// MARK: - A stage counting the lines that contain a pattern (`grep -c -F`)

/// The number of lines of a file that contain a pattern.
struct MatchCount: AdditiveOutput, JSONRepresentable, Hashable {
    var lines: UInt64
    var additiveValue: UInt64 { lines }
    var jsonValue: JSONValue { .unsigned(lines) }
}

/// Counts the lines containing `pattern`, like `grep -c -F`. A match may straddle two chunks, and a
/// last line without a newline counts too.
struct MatchingLineCount: Stage {
    var pattern: [UInt8]
    var name: String { "matching-lines" }

    func makeProcessor(for file: FileEntry) -> Processor { Processor(pattern: pattern) }

    struct Processor: StageProcessor {
        let pattern: [UInt8]
        /// The last bytes of the current line, at most the pattern's length.
        var recent: [UInt8] = []
        var lineMatched = false
        var count: UInt64 = 0

        mutating func update(_ chunk: UnsafeRawBufferPointer) {
            for byte in chunk {
                if byte == 0x0A {
                    recent.removeAll(keepingCapacity: true)
                    lineMatched = false
                    continue
                }
                if lineMatched { continue }
                recent.append(byte)
                if recent.count > pattern.count { recent.removeFirst() }
                if recent == pattern {
                    lineMatched = true
                    count += 1
                }
            }
        }

        func finish() -> MatchCount { MatchCount(lines: count) }
    }
}

// MARK: - A byte histogram, with a processor that can refuse a file

/// How many times each byte value occurs.
struct Histogram: Sendable, Equatable {
    var counts: [UInt64]
}

/// Tracks abandoned processors: they run on I/O threads, so this is shared and locked.
final class AbandonLog: Sendable {
    private let names = Mutex<[String]>([])
    func record(_ name: String) { names.withLock { $0.append(name) } }
    var all: [String] { names.withLock { $0 } }
}

struct ByteHistogram: Stage {
    /// A file containing this byte is refused (with an error), if set.
    var refusing: UInt8?
    var log = AbandonLog()
    var name: String { "histogram" }

    func makeProcessor(for file: FileEntry) -> Processor {
        Processor(refusing: refusing, log: log, path: file.path.string)
    }

    struct Refused: Error, CustomStringConvertible {
        var byte: UInt8
        var description: String { "refused byte \(byte)" }
    }

    struct Processor: StageProcessor {
        let refusing: UInt8?
        let log: AbandonLog
        let path: String
        var counts = [UInt64](repeating: 0, count: 256)

        mutating func update(_ chunk: UnsafeRawBufferPointer) throws {
            for byte in chunk {
                if byte == refusing { throw Refused(byte: byte) }
                counts[Int(byte)] += 1
            }
        }

        func finish() -> Histogram { Histogram(counts: counts) }

        func abandon() { log.record(path) }
    }
}

// MARK: - Helpers (this target cannot see SweepTests' support code)

/// A temporary directory of plain ASCII names, removed at the end.
final class Scratch: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-public-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    var path: FilePath { FilePath(url.path) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file.path
    }
}

/// Runs a tool; returns its standard output and exit status.
func run(_ tool: String, _ arguments: [String], input: Data? = nil) throws -> (output: String, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["LC_ALL"] = "C"
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    let inputPipe = Pipe()
    process.standardInput = inputPipe
    try process.run()
    if let input { inputPipe.fileHandleForWriting.write(input) }
    try inputPipe.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: data, as: UTF8.self), process.terminationStatus)
}

/// `grep -a -c -F pattern file`: the count of matching lines (grep exits 1 when it is 0).
func grepCount(_ pattern: String, _ file: String) throws -> UInt64 {
    let (output, status) = try run("grep", ["-a", "-c", "-F", "--", pattern, file])
    #expect(status == 0 || status == 1)
    return UInt64(output.trimmingCharacters(in: .whitespacesAndNewlines))!
}

func wcLines(_ file: String) throws -> UInt64 {
    let (output, _) = try run("wc", ["-l", file])
    return UInt64(output.split(separator: " ").first!)!
}

func sha256sum(_ file: String) throws -> String {
    String(try run("sha256sum", [file]).output.prefix(64))
}

/// Log-like files: lines of varied length, some with the pattern (once, twice, at the very start or
/// end), a last line without a newline, and an empty file.
func makeLogs(in scratch: Scratch) throws -> [String] {
    var generator = SystemRandomNumberGenerator()
    var files: [String] = []
    for index in 0..<6 {
        var text = ""
        for line in 0..<(index * 137) {
            let filler = String(repeating: "x", count: Int.random(in: 0..<40, using: &generator))
            switch line % 9 {
            case 0: text += "ERROR at the start \(filler)\n"
            case 3: text += "\(filler) twice ERRORERROR \(filler)\n"
            case 5: text += "\(filler) ends with ERROR\n"
            case 7: text += "ERRO\(filler)R is no match\n"
            default: text += "\(filler) fine\n"
            }
        }
        if index % 2 == 1 { text += "last line ERROR without newline" }
        files.append(try scratch.write("log-\(index).txt", Array(text.utf8)))
    }
    return files
}

// MARK: - Tests

@Suite(.timeLimit(.minutes(5 * testTimeScale)))
struct CustomStageTests {
    /// Tiny chunks, so that matches straddle chunk boundaries.
    static var options: PipelineOptions {
        var options = PipelineOptions()
        options.chunkSize = 16
        options.concurrency = 4
        return options
    }

    @Test func aCustomStageRunsThroughThePipelineLikeABuiltIn() async throws {
        let scratch = try Scratch()
        let files = try makeLogs(in: scratch)
        let expected = try files.map { try grepCount("ERROR", $0) }
        #expect(expected.reduce(0, +) > 0)

        var counts: [UInt64] = []
        var paths: [String] = []
        let pipeline = Pipeline(stage: MatchingLineCount(pattern: Array("ERROR".utf8)), options: Self.options)
        let summary = try await pipeline.run(walking: [scratch.path]) { result in
            paths.append(result.path.string)
            counts.append(try #require(result.output).lines)
        }
        #expect(paths == files, "walk order: log-0 … log-5")
        #expect(counts == expected)
        #expect(summary.files == files.count)
        #expect(summary.totals["matching-lines"] == expected.reduce(0, +))
    }

    @Test func aCustomStageCombinesWithBuiltInsInAStageList() async throws {
        let scratch = try Scratch()
        let files = try makeLogs(in: scratch)
        let stages = try StageList([MatchingLineCount(pattern: Array("ERROR".utf8)), LineCountStage(), DigestStage(.sha256)])
        var rows: [(String, UInt64?, UInt64?, String?)] = []
        let summary = try await Pipeline(stage: stages, options: Self.options).run(walking: [scratch.path]) { result in
            let outputs = try #require(result.output)
            rows.append((
                result.path.string,
                (outputs["matching-lines"] as? MatchCount)?.lines,
                (outputs["lines"] as? LineCount)?.lines,
                (outputs["sha256"] as? Digest)?.hex
            ))
        }
        #expect(rows.map(\.0) == files)
        #expect(rows.map(\.1) == (try files.map { try grepCount("ERROR", $0) }))
        #expect(rows.map(\.2) == (try files.map { try wcLines($0) }))
        #expect(rows.map(\.3) == (try files.map { try sha256sum($0) }))
        #expect(summary.totals["matching-lines"] == (try files.map { try grepCount("ERROR", $0) }).reduce(0, +))
        #expect(summary.totals["lines"] == (try files.map { try wcLines($0) }).reduce(0, +))
        #expect(summary.totals["sha256"] == nil)
    }

    @Test func aCustomOutputAppearsInTheJSONLine() async throws {
        let scratch = try Scratch()
        let file = try scratch.write("one.log", Array("ERROR\nok\nERROR again\n".utf8))
        var lines: [String] = []
        try await Pipeline(stage: MatchingLineCount(pattern: Array("ERROR".utf8))).run(walking: [FilePath(file)]) { result in
            lines.append(result.jsonValue(stageName: "matching-lines").serialized)
        }
        #expect(lines.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(object?["path"] as? String == file)
        #expect(object?["status"] as? String == "ok")
        #expect((object?["matching-lines"] as? NSNumber)?.intValue == 2)
        #expect((object?["size"] as? NSNumber)?.intValue == 21)
    }

    @Test func aByteHistogramMatchesPython() async throws {
        let scratch = try Scratch()
        var files: [String] = []
        for index in 0..<5 {
            var bytes = [UInt8](repeating: 0, count: index * 40_000 + 3)
            for position in bytes.indices { bytes[position] = UInt8.random(in: 0...255) }
            files.append(try scratch.write("bin-\(index)", bytes))
        }
        let script = """
            import sys, collections
            for path in sys.argv[1:]:
                counts = collections.Counter(open(path, 'rb').read())
                print(' '.join(str(counts.get(b, 0)) for b in range(256)))
            """
        let python = try run("python3", ["-c", script] + files)
        #expect(python.status == 0)
        let expected = python.output.split(separator: "\n").map { line in
            Histogram(counts: line.split(separator: " ").map { UInt64($0)! })
        }
        // Through the async sequence interface this time.
        var histograms: [Histogram] = []
        for try await result in Pipeline(stage: ByteHistogram()).results(walking: [scratch.path]) {
            histograms.append(try #require(result.output))
        }
        #expect(histograms == expected)
    }

    @Test func aProcessorThatThrowsFailsItsFileAndIsAbandoned() async throws {
        let scratch = try Scratch()
        let good = try scratch.write("a-good", Array("plain text".utf8))
        let bad = try scratch.write("b-bad", Array(repeating: UInt8(ascii: "x"), count: 100) + [0] + Array("tail".utf8))
        let alsoGood = try scratch.write("c-good", Array("more text".utf8))
        let stage = ByteHistogram(refusing: 0)
        var outcomes: [String: FileResult<Histogram>.Outcome] = [:]
        let summary = try await Pipeline(stage: stage, options: Self.options).run(walking: [scratch.path]) { result in
            outcomes[result.path.string] = result.outcome
        }
        #expect(summary.files == 2)
        #expect(summary.failures == 1)
        if case .failed(let error) = outcomes[bad] {
            // The stage's own error comes back as thrown, not flattened to text.
            #expect((error.cause as? ByteHistogram.Refused)?.byte == 0)
            #expect(error.message == "refused byte 0")
            #expect(error.path.string == bad)
        } else {
            Issue.record("expected \(bad) to fail, got \(String(describing: outcomes[bad]))")
        }
        for path in [good, alsoGood] {
            if case .processed = outcomes[path] {} else { Issue.record("\(path): \(String(describing: outcomes[path]))") }
        }
        #expect(stage.log.all == [bad])
    }
}

/// The callback forms run in the caller's isolation: an actor updates its own state from them
/// directly (Swift 6 rejected this before: "sending value of non-Sendable type … risks causing data races").
actor LineIndexer {
    var lines: [String: UInt64] = [:]
    var verdicts = 0

    func scan(_ root: FilePath) async throws -> RunSummary {
        try await Pipeline(stage: LineCountStage()).run(walking: [root]) { result in
            if let count = result.output { lines[result.path.string] = count.lines }
        }
    }

    func verify(_ manifest: FilePath) async throws -> CheckSummary {
        try await ManifestVerifier().verify(.file(manifest)) { _ in verdicts += 1 }
    }
}

@MainActor
final class MainActorCounter {
    var files = 0

    func count(_ root: FilePath) async throws {
        try await Pipeline(stage: DigestStage(.sha256)).run(walking: [root]) { _ in files += 1 }
    }
}

@Suite struct IsolationTests {
    @Test func anActorRunsAPipelineAndKeepsItsResults() async throws {
        let scratch = try Scratch()
        _ = try scratch.write("a", Array("one\ntwo\n".utf8))
        _ = try scratch.write("b", Array("x\n".utf8))
        let indexer = LineIndexer()
        let summary = try await indexer.scan(scratch.path)
        #expect(summary.files == 2)
        let lines = await indexer.lines
        #expect(lines == ["\(scratch.path.string)/a": 2, "\(scratch.path.string)/b": 1])

        let manifest = try scratch.write("SUMS", Array("""
            \(String(repeating: "0", count: 64))  \(scratch.path.string)/a
            \(String(repeating: "0", count: 64))  \(scratch.path.string)/b

            """.utf8))
        let checked = try await indexer.verify(FilePath(manifest))
        #expect(checked.mismatched == 2)
        #expect(await indexer.verdicts == 2)
    }

    @Test @MainActor func theMainActorRunsAPipeline() async throws {
        let scratch = try Scratch()
        for name in ["x", "y", "z"] { _ = try scratch.write(name, Array(name.utf8)) }
        let counter = MainActorCounter()
        try await counter.count(scratch.path)
        #expect(counter.files == 3)
    }
}

/// What a consumer of ``FileResults`` sees when its own task is cancelled: the loop ends, as an
/// `AsyncStream`'s does, with `Task.isCancelled` set (the ExistingAsyncPipelines article says so);
/// over a walk the sequence never throws, so `for await` needs no `try`.
@Suite struct ResultsCancellationTests {
    @Test func cancellingTheConsumingTaskEndsTheLoopEarly() async throws {
        let scratch = try Scratch()
        for index in 0..<200 { _ = try scratch.write("f\(index)", Array("line\n".utf8)) }
        let root = scratch.path
        let task = Task {
            var seen = 0
            for await _ in Pipeline(stage: LineCountStage()).results(walking: [root]) {
                seen += 1
                if seen == 1 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return (seen, Task.isCancelled)
        }
        let (seen, cancelled) = await task.value
        #expect(cancelled)
        // At most the result already on its way when the task was cancelled follows the first.
        #expect(seen >= 1 && seen <= 2, "\(seen) of 200 results after cancelling")
    }
}

/// `SWEEP_TEST_TIME_SCALE` (see SweepTestSupport; this target uses public API only, so it reads it itself).
let testTimeScale: Int = Int(ProcessInfo.processInfo.environment["SWEEP_TEST_TIME_SCALE"] ?? "") ?? 1
