import SystemPackage
import SweepTestSupport
import Testing

@testable import Sweep

/// The built-in stages against the peers: `wc -l`, coreutils' digests, xxhsum and python's `zlib.crc32`.
@Suite(.offCooperativePool, .timeLimit(.minutes(5 * testTimeScale)))
struct StageTests {
    /// Feeds `data` to a fresh processor of `stage` in chunks of `chunkSize` bytes.
    static func process<S: Stage>(_ stage: S, _ data: [UInt8], chunkSize: Int) throws -> S.Output {
        var processor = try stage.makeProcessor(for: FileEntry(path: "in-memory"))
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let end = min(offset + chunkSize, raw.count)
                try processor.update(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                offset = end
            }
        }
        return try processor.finish()
    }

    /// Runs `stage` over the files `paths` in order; every file must succeed.
    static func outputs<S: Stage>(
        _ stage: S, _ paths: [[UInt8]], options: PipelineOptions = PipelineOptions()
    ) async throws -> (outputs: [S.Output], summary: RunSummary) {
        var outputs: [S.Output] = []
        let (stream, continuation) = AsyncStream<FilePath>.makeStream()
        for path in paths { continuation.yield(FilePath(bytes: path)) }
        continuation.finish()
        let summary = try await Pipeline(stage: stage, options: options).run(for: stream) { result in
            guard let output = result.output else {
                Issue.record("\(describeBytes(result.path.bytes)): \(result.outcome)")
                return
            }
            outputs.append(output)
        }
        return (outputs, summary)
    }

    /// Files whose newline counts are easy to get wrong, by name.
    static func lineCases() -> [(String, [UInt8])] {
        var generator = SplitMix64(seed: 42)
        // Lines of varying length, some empty, and a run of newlines long enough to fill every
        // per-lane counter of the vectorised loop several times over.
        var large: [UInt8] = []
        while large.count < 3_000_000 {
            let length = Int(generator.next() % 300)
            large += [UInt8](repeating: UInt8(ascii: "x"), count: length)
            large.append(0x0A)
        }
        large += [UInt8](repeating: 0x0A, count: 255 * 32 * 3 + 17)
        large += utf8("no newline at the end")
        return [
            ("abc", utf8("a\nb\nc")),
            ("only-crs", utf8("\r\r\r\r\r")),
            ("crlf", utf8("one\r\ntwo\r\nthree\r\n")),
            ("empty", []),
            ("just-a-newline", [0x0A]),
            ("binary", randomBytes(1_048_576 + 5, seed: 99)),
            ("large", large),
        ]
    }

    @Test func lineCountMatchesWcOnFiles() async throws {
        let tree = try TempTree("lines")
        let cases = Self.lineCases()
        var paths: [[UInt8]] = []
        for (name, content) in cases { paths.append(try tree.file(name, content)) }
        let oracle = try Oracle.lineCounts(of: paths)
        #expect(oracle.counts[0] == 2 && oracle.counts[1] == 0 && oracle.counts[2] == 3 && oracle.counts[3] == 0)

        let (outputs, summary) = try await Self.outputs(LineCountStage(), paths)
        #expect(outputs.map(\.lines) == oracle.counts)
        #expect(summary.totals["lines"] == oracle.total)
        #expect(summary.files == cases.count)
        #expect(summary.bytes == Int64(cases.map(\.1.count).reduce(0, +)))
        #expect(summary.failures == 0)
    }

    @Test(arguments: [1, 7, 31, 32, 33, 4096, 1 << 20])
    func lineCountDoesNotDependOnChunkBoundaries(chunkSize: Int) throws {
        let tree = try TempTree("lines-chunks")
        let cases = Self.lineCases()
            .filter { chunkSize >= 31 || $0.1.count < 2_000_000 }  // byte-at-a-time on 3 MB is slow in debug
        var paths: [[UInt8]] = []
        for (name, content) in cases { paths.append(try tree.file(name, content)) }
        let expected = try Oracle.lineCounts(of: paths).counts
        for (index, (name, content)) in cases.enumerated() {
            #expect(try Self.process(LineCountStage(), content, chunkSize: chunkSize).lines == expected[index], "\(name)")
        }
    }

    @Test func lineCountIsAdditiveAndPrintsItsNumber() {
        let count = LineCount(lines: 41)
        #expect(count.additiveValue == 41)
        #expect(count.description == "41")
        #expect(count.jsonValue == .unsigned(41))
    }

    static let digestSizes = [0, 1, 3, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 1000, 65_536 + 3, 1_048_576 + 1]

    @Test(arguments: DigestAlgorithm.allCases)
    func digestMatchesThePeer(_ algorithm: DigestAlgorithm) async throws {
        let tree = try TempTree("digest-\(algorithm.rawValue)")
        var paths: [[UInt8]] = []
        for (index, size) in Self.digestSizes.enumerated() {
            paths.append(try tree.file("f\(index)", randomBytes(size, seed: UInt64(1000 + index))))
        }
        let expected = try Oracle.hexDigests(algorithm, of: paths)
        #expect(expected.allSatisfy { $0.count == algorithm.digestByteCount * 2 })

        // Through the pipeline with the default chunk size, and with a small odd one.
        let (outputs, summary) = try await Self.outputs(DigestStage(algorithm), paths)
        #expect(outputs.map(\.hex) == expected)
        #expect(outputs.allSatisfy { $0.algorithm == algorithm && $0.bytes.count == algorithm.digestByteCount })
        #expect(summary.totals.isEmpty, "a digest does not add up")
        var small = PipelineOptions()
        small.chunkSize = 1000
        #expect(try await Self.outputs(DigestStage(algorithm), paths, options: small).outputs.map(\.hex) == expected)

        // Fed in pieces of 7 bytes, straight into the processor.
        for (index, path) in paths.enumerated() where Self.digestSizes[index] < 70_000 {
            #expect(try Self.process(DigestStage(algorithm), readFile(path), chunkSize: 7).hex == expected[index])
        }
    }

    @Test func digestsAgreeWithPythonHashlib() async throws {
        // A second, independent oracle for the cryptographic digests.
        let tree = try TempTree("hashlib")
        let paths = try [0, 1, 1000, 200_000].enumerated().map { index, size in
            try tree.file("h\(index)", randomBytes(size, seed: UInt64(77 + index)))
        }
        for algorithm in DigestAlgorithm.allCases where algorithm != .crc32 && !algorithm.isXXHash {
            let expected = try Oracle.hashlib(algorithm.rawValue, of: paths)
            #expect(try await Self.outputs(DigestStage(algorithm), paths).outputs.map(\.hex) == expected, "\(algorithm)")
        }
    }

    @Test func crc32OfTheCheckString() throws {
        // The classic check value of the gzip/zlib CRC-32: "123456789" gives cbf43926; POSIX cksum differs.
        let digest = try Self.process(DigestStage(.crc32), utf8("123456789"), chunkSize: 4)
        #expect(digest.hex == "cbf43926")
        let python = try Oracle.runPython("import zlib; print('%08x' % zlib.crc32(b'123456789'))").stdoutText
        #expect(python == "cbf43926\n")
    }

    @Test func stageListGivesEachStageTheSameResultAsAlone() async throws {
        let tree = try TempTree("stagelist")
        var paths: [[UInt8]] = []
        for index in 0..<12 {
            var content = randomBytes(index * 23_457, seed: UInt64(500 + index))
            if index % 3 == 0 { content += utf8("tail\nlines\n") }
            paths.append(try tree.file("f\(index)", content))
        }
        let list = try StageList([DigestStage(.sha256), LineCountStage(), DigestStage(.crc32), DigestStage(.md5)])
        #expect(list.name == "sha256+lines+crc32+md5")
        let (combined, summary) = try await Self.outputs(list, paths)

        let sha256 = try await Self.outputs(DigestStage(.sha256), paths).outputs
        let lines = try await Self.outputs(LineCountStage(), paths).outputs
        let crc = try await Self.outputs(DigestStage(.crc32), paths).outputs
        let md5 = try await Self.outputs(DigestStage(.md5), paths).outputs
        #expect(combined.map { $0.names } == Array(repeating: ["sha256", "lines", "crc32", "md5"], count: paths.count))
        #expect(combined.map { $0["sha256"] as? Digest } == sha256.map(Optional.some))
        #expect(combined.map { $0["lines"] as? LineCount } == lines.map(Optional.some))
        #expect(combined.map { $0["crc32"] as? Digest } == crc.map(Optional.some))
        #expect(combined.map { $0["md5"] as? Digest } == md5.map(Optional.some))
        #expect(combined.allSatisfy { $0["nope"] == nil })

        // And each against its peer.
        #expect(sha256.map(\.hex) == (try Oracle.hexDigests(.sha256, of: paths)))
        #expect(md5.map(\.hex) == (try Oracle.hexDigests(.md5, of: paths)))
        #expect(crc.map(\.hex) == (try Oracle.crc32(of: paths)))
        let wc = try Oracle.lineCounts(of: paths)
        #expect(lines.map(\.lines) == wc.counts)
        #expect(summary.totals == ["lines": wc.total])
        #expect(summary.files == paths.count)
    }

    @Test func aStageListRefusesTheSameNameTwice() throws {
        // Two "lines" would share one total and one JSON key: refused, naming the stage.
        #expect(throws: DuplicateStageNameError(name: "lines")) { try StageList([LineCountStage(), LineCountStage()]) }
    }

    @Test func builtinStagesByName() throws {
        // Every digest and the line count are there (other stages may join them).
        let registry = StageRegistry.builtin
        let required = ["lines"] + DigestAlgorithm.allCases.map(\.rawValue)
        #expect(required.allSatisfy(registry.names.contains), "\(registry.names)")
        #expect(Set(registry.names).count == registry.names.count, "no name twice")
        for name in registry.names {
            #expect(try registry.stage(named: name).name == name)
        }
        #expect(throws: UnknownStageError.self) { try registry.stage(named: "sha3") }
        do {
            _ = try registry.stage(named: "bogus")
        } catch {
            #expect("\(error)".contains("unknown stage 'bogus'; choose from: lines, gzip, "))
        }
    }

    @Test func runSummaryCountsEachOutcome() {
        var summary = RunSummary()
        summary.record(FileResult(entry: FileEntry(path: "a"), bytesRead: 10, outcome: .processed(LineCount(lines: 3))), stageName: "lines")
        summary.record(FileResult(entry: FileEntry(path: "b"), bytesRead: 5, outcome: .processed(LineCount(lines: 4))), stageName: "lines")
        summary.record(
            FileResult<LineCount>(entry: FileEntry(path: "c"), bytesRead: 0, outcome: .failed(FileError(path: "c", reason: .system(.noSuchFileOrDirectory)))),
            stageName: "lines")
        summary.record(FileResult<LineCount>(entry: FileEntry(path: "d"), bytesRead: 0, outcome: .skipped(.notARegularFile(kind: "FIFO"))), stageName: "lines")
        #expect(summary.files == 2)
        #expect(summary.bytes == 15)
        #expect(summary.failures == 1)
        #expect(summary.skipped == 1)
        #expect(summary.totals == ["lines": 7])
        #expect(!summary.succeeded)
    }
}
