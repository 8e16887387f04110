import Dispatch
import SweepTestSupport
import SystemPackage
import Testing

@testable import Sweep

/// The progress line's arithmetic and wording (what it draws is tested end to end on a terminal),
/// and the counters the pipeline feeds it: bytes counted while a file is still being read.
@Suite(.offCooperativePool, .timeLimit(.minutes(5 * testTimeScale)))
struct ProgressLineTests {
    @Test func byteCountsUseDecimalUnitsWithOneDecimal() {
        #expect(ProgressLine.byteCount(0) == "0 B")
        #expect(ProgressLine.byteCount(999) == "999 B")
        #expect(ProgressLine.byteCount(1000) == "1.0 kB")
        #expect(ProgressLine.byteCount(1549) == "1.5 kB")
        #expect(ProgressLine.byteCount(167_249_000) == "167.2 MB")
        // Rounding never prints 1000.0 of a unit: it moves to the next one.
        #expect(ProgressLine.byteCount(999_960) == "1.0 MB")
        #expect(ProgressLine.byteCount(3_300_000_000) == "3.3 GB")
        #expect(ProgressLine.byteCount(5_000_000_000_000_000) == "5000.0 TB")
    }

    @Test func durationsRoundUpToTheSecond() {
        #expect(ProgressLine.duration(0) == "0:00")
        #expect(ProgressLine.duration(0.2) == "0:01")
        #expect(ProgressLine.duration(59) == "0:59")
        #expect(ProgressLine.duration(60) == "1:00")
        #expect(ProgressLine.duration(3599.5) == "1:00:00")
        #expect(ProgressLine.duration(3_725) == "1:02:05")
    }

    @Test func percentageNeverReaches100WhileRunningNorExceedsIt() {
        #expect(ProgressLine.percentage(done: 0, total: 1000) == 0)
        #expect(ProgressLine.percentage(done: 425, total: 1000) == 42)
        #expect(ProgressLine.percentage(done: 999, total: 1000) == 99)
        #expect(ProgressLine.percentage(done: 1000, total: 1000) == 99)
        // A file that grew while read: more bytes than the walk saw.
        #expect(ProgressLine.percentage(done: 5000, total: 1000) == 99)
        #expect(ProgressLine.percentage(done: 10, total: 0) == nil)
    }

    @Test func timeLeftIsTheRemainderAtTheAverageRate() {
        // 25 bytes in 10 s: 2.5 B/s, 75 bytes to go.
        #expect(ProgressLine.secondsLeft(done: 25, total: 100, elapsed: 10) == 30)
        #expect(ProgressLine.secondsLeft(done: 100, total: 100, elapsed: 10) == 0)
        // Past the total, the total was wrong (a file grew): no guess.
        #expect(ProgressLine.secondsLeft(done: 150, total: 100, elapsed: 10) == nil)
        // No guess from an instant, nor from nothing read.
        #expect(ProgressLine.secondsLeft(done: 25, total: 100, elapsed: 0.5) == nil)
        #expect(ProgressLine.secondsLeft(done: 0, total: 100, elapsed: 10) == nil)
    }

    @Test func beforeTheTotalIsKnownTheLineSaysWhatWasRead() {
        let snapshot = ReadProgress.Snapshot(bytesRead: 167_200_000, filesDone: 1, total: nil, current: "logs/big.log")
        #expect(ProgressLine.text(for: snapshot, elapsed: 2, width: 80) == "167.2 MB, 83.6 MB/s, 1 files: logs/big.log")
    }

    @Test func onceTheTotalIsKnownItGivesPercentageAndTimeLeft() {
        let snapshot = ReadProgress.Snapshot(bytesRead: 50, filesDone: 1, total: (2, 100), current: "b")
        #expect(ProgressLine.text(for: snapshot, elapsed: 1, width: 80) == "50% 50 B of 100 B, 50 B/s, 0:01 left, 1/2 files: b")
        let early = ReadProgress.Snapshot(bytesRead: 50, filesDone: 0, total: (2, 100), current: nil)
        #expect(ProgressLine.text(for: early, elapsed: 0.1, width: 80) == "50% 50 B of 100 B, 500 B/s, 0/2 files")
        // More read than the walk saw (a file grew, a FIFO of size 0): the amount, no percentage.
        let grown = ReadProgress.Snapshot(bytesRead: 150, filesDone: 1, total: (2, 100), current: nil)
        #expect(ProgressLine.text(for: grown, elapsed: 10, width: 80) == "150 B, 15 B/s, 1/2 files")
    }

    @Test func theLineFitsTheTerminalAndQuotesTheName() {
        let long = FilePath("dir/" + String(repeating: "x", count: 200) + "/end.log")
        let snapshot = ReadProgress.Snapshot(bytesRead: 1, filesDone: 0, total: nil, current: long)
        let line = ProgressLine.text(for: snapshot, elapsed: 1, width: 60)
        #expect(line.count == 59, "the last column stays free: \(line)")
        #expect(line == "1 B, 1 B/s, 0 files: …" + String(repeating: "x", count: 29) + "/end.log", "the name cut on the left: \(line)")
        // Too narrow for a name: the counts alone, cut to the width.
        #expect(ProgressLine.text(for: snapshot, elapsed: 1, width: 20) == "1 B, 1 B/s, 0 files")
        // A control character in a name is escaped, never sent to the terminal.
        let odd = ReadProgress.Snapshot(bytesRead: 1, filesDone: 0, total: nil, current: FilePath("a\u{1B}[2Jb"))
        let text = ProgressLine.text(for: odd, elapsed: 1, width: 80)
        #expect(!text.contains("\u{1B}") && text.hasSuffix("'a'$'\\033''[2Jb'"), "\(text)")
    }

    /// The pipeline counts a file's bytes chunk by chunk, before its result is delivered: what the
    /// progress line shows while one large file is read.
    /// The stage holds this pipeline's own reading thread (never a thread of the cooperative pool)
    /// until the test has looked.
    @Test func bytesOfAFileInFlightAreCounted() async throws {
        let tree = try TempTree("progress-counters")
        let big = try tree.file("big", [UInt8](repeating: 7, count: 3 << 20))
        _ = try tree.file("small", [1, 2, 3])
        let progress = ReadProgress()
        var options = PipelineOptions()
        options.chunkSize = 64 * 1024
        // One file at a time: "small" waits behind "big", which stays the current file.
        options.concurrency = 1
        options.progress = progress
        let stage = BlockingStage()
        let pipeline = Pipeline(stage: try StageList([stage, DigestStage(.sha256)]), options: options)
        let run = Task {
            try await pipeline.run(progress.counting(Walker(roots: [tree.rootPath], options: WalkOptions()).events())) { _ in }
        }
        // The stage stops after its first 1 MiB of "big"; by then the counter has seen that much.
        let reached = try await awaitOffPool { stage.halfway.wait(timeout: .now() + 240) == .success }
        #expect(reached, "the stage never reached 1 MiB")
        let during = progress.snapshot()
        #expect(during.bytesRead >= 1 << 20 && during.bytesRead < 3 << 20, "\(during.bytesRead)")
        #expect(during.filesDone == 0)
        #expect(during.current == FilePath(bytes: big))
        stage.resume.signal()
        let summary = try await run.value
        let after = progress.snapshot()
        #expect(after.bytesRead == (3 << 20) + 3 && after.filesDone == 2 && summary.files == 2)
        #expect(after.total?.files == 2 && after.total?.bytes == (3 << 20) + 3, "the walk's tally, sizes included")
    }
}

/// Holds the reading thread once 1 MiB of a file has gone through it, until told to resume: a file
/// caught in flight.
private struct BlockingStage: Stage {
    let halfway = DispatchSemaphore(value: 0)
    let resume = DispatchSemaphore(value: 0)
    var name: String { "blocking" }

    func makeProcessor(for file: FileEntry) -> Processor { Processor(stage: self) }

    struct Processor: StageProcessor {
        let stage: BlockingStage
        var seen = 0
        mutating func update(_ chunk: UnsafeRawBufferPointer) {
            let before = seen
            seen += chunk.count
            if before < 1 << 20 && seen >= 1 << 20 {
                stage.halfway.signal()
                // Held until the test has looked, however long that takes: the test always signals,
                // and the suite's time limit guards a hang. A timeout (even of 60 s) let a loaded
                // machine read on before the snapshot, in CI.
                stage.resume.wait()
            }
        }
        func finish() -> Int { seen }
    }
}
