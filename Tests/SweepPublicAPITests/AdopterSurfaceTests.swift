import Foundation
import Sweep
import SystemPackage
import Testing

// What an adopter reaches for in the first hour, through public API only: sources that throw,
// typed results of several stages over one read, stages by name (built-in or their own), and
// files and manifests written durably. The peers (sha256sum, wc) are the oracles.

/// An error of the adopter's own, thrown by their source of paths.
struct CursorLost: Error, Equatable {
    var after: Int
}

/// A source that yields `paths`, then fails.
func failingSource(_ paths: [FilePath], after: Int) -> AsyncThrowingStream<FilePath, any Error> {
    AsyncThrowingStream { continuation in
        for path in paths { continuation.yield(path) }
        continuation.finish(throwing: CursorLost(after: after))
    }
}

/// Every name in `directory`, hidden ones included.
func names(in directory: FilePath) throws -> Set<String> {
    Set(try FileManager.default.contentsOfDirectory(atPath: directory.string))
}

@Suite(.timeLimit(.minutes(5 * testTimeScale)))
struct ThrowingSourceTests {
    @Test func theResultsLoopRethrowsTheSourcesErrorAfterTheResultsBeforeIt() async throws {
        let scratch = try Scratch()
        let files = try (0..<3).map { FilePath(try scratch.write("f\($0)", Array("a\nb\n".utf8))) }
        var seen: [FilePath] = []
        do {
            for try await result in Pipeline(stage: LineCountStage()).results(for: failingSource(files, after: 3)) {
                #expect(result.output?.lines == 2)
                seen.append(result.path)
            }
            Issue.record("the loop ended without the source's error")
        } catch let error as CursorLost {
            #expect(error == CursorLost(after: 3))
        }
        #expect(seen == files)
    }

    @Test func theCallbackAndScopedFormsRethrowItToo() async throws {
        let scratch = try Scratch()
        let files = try (0..<2).map { FilePath(try scratch.write("f\($0)", Array("x".utf8))) }
        var called = 0
        await #expect(throws: CursorLost(after: 2)) {
            try await Pipeline(stage: DigestStage(.sha256)).run(for: failingSource(files, after: 2)) { _ in called += 1 }
        }
        #expect(called == 2)
        await #expect(throws: CursorLost(after: 1)) {
            try await Pipeline(stage: DigestStage(.sha256)).withResults(for: failingSource(files, after: 1)) { results in
                for try await _ in results {}
            }
        }
    }

    /// A gzip run whose source fails after eight paths: those eight are compressed, the scope
    /// returns with the error, and no temporary is left.
    @Test func aFailingSourceLeavesNoTemporaryBehind() async throws {
        let scratch = try Scratch()
        let payload = (0..<20_000).flatMap { Array("line \($0) of a log\n".utf8) }
        let files = try (0..<8).map { FilePath(try scratch.write("log\($0)", payload)) }
        let stage = GzipStage(options: .init(keepOriginal: true))
        await #expect(throws: CursorLost(after: 8)) {
            try await Pipeline(stage: stage).withResults(for: failingSource(files, after: 8)) { results in
                for try await _ in results {}
            }
        }
        let left = try names(in: scratch.path)
        #expect(!left.contains { $0.contains("sweep-tmp") }, "\(left.sorted())")
        let expected = files.flatMap { [$0.lastComponent!.string, $0.lastComponent!.string + ".gz"] }
        #expect(left == Set(expected), "\(left.sorted())")
    }
}

/// Sums of files by sha256sum and wc: the oracles of the combined stages.
func oracle(_ file: String) throws -> (sha256: String, lines: UInt64) {
    (try sha256sum(file), try wcLines(file))
}

@Suite(.timeLimit(.minutes(5 * testTimeScale)))
struct CombinedStageTests {
    @Test func twoStagesOverOneReadGiveTypedOutputsThatMatchThePeers() async throws {
        let scratch = try Scratch()
        let files = try makeLogs(in: scratch)
        let stage = try CombinedStage(DigestStage(.sha256), LineCountStage())
        #expect(stage.name == "sha256+lines")
        var options = PipelineOptions()
        options.chunkSize = 64
        var seen = 0
        var json: [String] = []
        let summary = try await Pipeline(stage: stage, options: options).run(walking: [scratch.path]) { result in
            // No casts: the tuple's members are a Digest and a LineCount.
            guard let (digest, count) = result.output?.values else {
                Issue.record("\(result.path): \(result.outcome)")
                return
            }
            let expected = try oracle(result.path.string)
            #expect(digest.hex == expected.sha256, "\(result.path)")
            #expect(count.lines == expected.lines, "\(result.path)")
            json.append(result.jsonValue(stageName: stage.name).serialized)
            seen += 1
        }
        #expect(seen == files.count)
        // The totals see the line count under its own name, as with a StageList.
        #expect(summary.totals == ["lines": try files.reduce(0) { $0 + (try wcLines($1)) }])
        for line in json {
            #expect(line.contains("\"sha256\":\"") && line.contains("\"lines\":"), "\(line)")
        }
    }

    @Test func aCombinedStageCanHoldAStageOfTheClientsOwn() async throws {
        let scratch = try Scratch()
        let files = try makeLogs(in: scratch)
        let stage = try CombinedStage(MatchingLineCount(pattern: Array("ERROR".utf8)), DigestStage(.sha256), LineCountStage())
        try await Pipeline(stage: stage).run(walking: [scratch.path]) { result throws in
            guard let (matches, digest, lines) = result.output?.values else { return }
            #expect(matches.lines == (try grepCount("ERROR", result.path.string)))
            #expect(digest.hex == (try sha256sum(result.path.string)))
            #expect(lines.lines == (try wcLines(result.path.string)))
        }
        #expect(files.count == 6)
    }

    @Test func stagesWithOneNameAreRefused() throws {
        #expect(throws: DuplicateStageNameError(name: "crc32")) { try CombinedStage(DigestStage(.crc32), DigestStage(.crc32)) }
        #expect(throws: DuplicateStageNameError(name: "lines")) {
            try StageList([LineCountStage(), DigestStage(.md5), LineCountStage()])
        }
        #expect(throws: DuplicateStageNameError(name: "sha256")) { try StageRegistry.builtin.stages(named: ["sha256", "sha256"]) }
        #expect("\(DuplicateStageNameError(name: "crc32"))" == "stage 'crc32' is given twice")
    }
}

@Suite(.timeLimit(.minutes(5 * testTimeScale)))
struct StageRegistryTests {
    @Test func builtInStagesByNameComputeWhatThePeersDo() async throws {
        let scratch = try Scratch()
        let file = try scratch.write("f", Array("one\ntwo\nthree\n".utf8))
        let registry = StageRegistry.builtin
        #expect(["lines", "gzip", "sha256", "md5", "crc32", "xxh64"].allSatisfy(registry.contains), "\(registry.names)")
        #expect(Set(registry.names).count == registry.names.count)
        for name in registry.names where name != "gzip" {
            #expect(try registry.stage(named: name).name == name)
        }
        // An erased stage goes straight into a Pipeline; its output casts back to the stage's type,
        // and the totals look through the erasure.
        let lines = try registry.stage(named: "lines")
        let summary = try await Pipeline(stage: lines).run(for: AsyncStream<FilePath> { $0.yield(FilePath(file)); $0.finish() }) { result in
            #expect((result.output as? LineCount)?.lines == 3)
            #expect(result.jsonValue(stageName: lines.name).serialized.contains("\"lines\":3"))
        }
        #expect(summary.totals == ["lines": 3])
        try await Pipeline(stage: try registry.stage(named: "sha256")).run(walking: [FilePath(file)]) { result throws in
            #expect((result.output as? Digest)?.hex == (try sha256sum(file)))
        }
    }

    @Test func aClientsStageIsRegisteredAndUsedByNameBesideTheBuiltIns() async throws {
        let scratch = try Scratch()
        let files = try makeLogs(in: scratch)
        var registry = StageRegistry.builtin
        try registry.register("matching-lines") { _ in MatchingLineCount(pattern: Array("ERROR".utf8)) }
        #expect(registry.names.last == "matching-lines")
        #expect(!StageRegistry.builtin.contains("matching-lines"), "the built-in registry is a value, not changed")
        #expect(throws: DuplicateStageNameError(name: "lines")) { try registry.register("lines") { _ in LineCountStage() } }

        let stages = try registry.stages(named: ["matching-lines", "sha256"])
        var seen = 0
        try await Pipeline(stage: stages).run(walking: [scratch.path]) { result throws in
            guard let outputs = result.output else { return }
            #expect((outputs["matching-lines"] as? MatchCount)?.lines == (try grepCount("ERROR", result.path.string)))
            #expect((outputs["sha256"] as? Digest)?.hex == (try sha256sum(result.path.string)))
            seen += 1
        }
        #expect(seen == files.count)
    }

    @Test func anUnknownNameSaysWhichNamesExist() throws {
        var registry = StageRegistry()
        try registry.register("mine") { _ in LineCountStage() }
        do {
            _ = try registry.stage(named: "sha3")
            Issue.record("sha3 was found")
        } catch let error as UnknownStageError {
            #expect(error.name == "sha3" && error.known == ["mine"])
            #expect(error.description == "unknown stage 'sha3'; choose from: mine")
        }
    }
}

@Suite(.timeLimit(.minutes(5 * testTimeScale)))
struct DurableWritingTests {
    @Test func aManifestWrittenWithTheLibraryIsOneSha256sumAccepts() async throws {
        let scratch = try Scratch()
        _ = try makeLogs(in: scratch)
        // Names that coreutils escapes: a backslash and a newline.
        _ = try scratch.write("back\\slash", Array("b\n".utf8))
        _ = try scratch.write("new\nline", Array("n\n".utf8))
        let manifest = scratch.path.appending("SHA256SUMS")
        let data = scratch.path.appending("data")
        try FileManager.default.createDirectory(atPath: data.string, withIntermediateDirectories: false)
        for name in try names(in: scratch.path) where name != "data" {
            try FileManager.default.moveItem(atPath: scratch.path.appending(name).string, toPath: data.appending(name).string)
        }
        let written = try await ManifestWriter.write(to: manifest) { writer in
            try await Pipeline(stage: DigestStage(.sha256)).run(walking: [data]) { result in
                if let digest = result.output { try writer.append(digest, path: result.path) }
            }
            return writer.lineCount
        }
        #expect(written == 8)
        let check = try run("sha256sum", ["--strict", "-c", manifest.string])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.split(separator: "\n").filter { $0.hasSuffix(": OK") }.count == 8, "\(check.output)")
        // Byte for byte what sha256sum itself writes for the same files in the same order.
        let listed = try FileManager.default.contentsOfDirectory(atPath: data.string).map { data.appending($0).string }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let peer = try run("sha256sum", listed)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: manifest.string)), as: UTF8.self) == peer.output)
    }

    @Test func aBodyThatThrowsLeavesNothingAndTheOldManifestAsItWas() async throws {
        let scratch = try Scratch()
        let manifest = scratch.path.appending("SUMS")
        let old = try scratch.write("SUMS", Array("old content\n".utf8))
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await ManifestWriter.write(to: manifest) { writer in
                for index in 0..<10_000 { try writer.append(Digest(algorithm: .crc32, bytes: [0, 0, 0, UInt8(index & 0xFF)]), path: FilePath("f\(index)")) }
                throw Stop()
            }
        }
        #expect(try String(contentsOfFile: old, encoding: .utf8) == "old content\n")
        #expect(try names(in: scratch.path) == ["SUMS"])
    }

    @Test func aDurableFileNeverReplacesANameUnlessAsked() async throws {
        let scratch = try Scratch()
        let path = scratch.path.appending("report")
        try await DurableFile.write(to: path) { try $0.write(Array("first\n".utf8)) }
        await #expect(throws: FileError(path: path, reason: .system(.fileExists))) {
            try await DurableFile.write(to: path) { try $0.write(Array("second\n".utf8)) }
        }
        #expect(try String(contentsOfFile: path.string, encoding: .utf8) == "first\n")
        try await DurableFile.write(to: path, replacing: true, permissions: [.ownerRead, .ownerWrite]) { try $0.write(Array("third\n".utf8)) }
        #expect(try String(contentsOfFile: path.string, encoding: .utf8) == "third\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path.string)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try names(in: scratch.path) == ["report"])
    }
}

/// Descriptors of this process open on `directory` or anything below it: other suites run in the
/// same process meanwhile, so a count of all descriptors would move with their files too.
func openDescriptors(under directory: FilePath) throws -> Int {
    let prefix = directory.string
    return try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)") else { return false }
        return target == prefix || target.hasPrefix(prefix + "/")
    }.count
}

@Suite(.timeLimit(.minutes(5 * testTimeScale)))
struct WalkEventsTests {
    /// Leaving the loop deep in a tree closes every directory the walk held open.
    @Test func leavingTheLoopEarlyClosesTheWalksDirectories() async throws {
        let scratch = try Scratch()
        let deep = (1...30).map { "d\($0)" }.joined(separator: "/")
        _ = try scratch.write("\(deep)/first", Array("x".utf8))
        _ = try scratch.write("\(deep)/second", Array("y".utf8))
        var heldWhileInside = 0
        for await event in Walker(roots: [scratch.path]).events() {
            if case .file = event {
                heldWhileInside = try openDescriptors(under: scratch.path)
                break
            }
        }
        // The walk held its way down (at least one directory per level, or it could not go on
        // through held descriptors), and let all of them go with the loop.
        #expect(heldWhileInside >= 30, "\(heldWhileInside) open inside the tree")
        #expect(try openDescriptors(under: scratch.path) == 0)
    }

    /// The three forms take the same three sources with the same labels; over walk events the
    /// entries keep the metadata the walk read.
    @Test func everyFormTakesAWalkPathsOrEvents() async throws {
        let scratch = try Scratch()
        let sizes = ["a": 3, "b": 5, "c": 7]
        for (name, size) in sizes { _ = try scratch.write(name, [UInt8](repeating: 0x0A, count: size)) }
        let pipeline = Pipeline(stage: LineCountStage())
        let events = Walker(roots: [scratch.path]).events()
        let fromEvents = try await pipeline.withResults(events) { results in
            await results.reduce(into: [String: Int64]()) { $0[$1.path.lastComponent!.string] = $1.entry.status?.size }
        }
        #expect(fromEvents == sizes.mapValues(Int64.init))
        let paths = AsyncStream<FilePath> { continuation in
            for name in sizes.keys.sorted() { continuation.yield(scratch.path.appending(name)) }
            continuation.finish()
        }
        var lines: [UInt64] = []
        try await pipeline.run(for: paths) { lines.append($0.output?.lines ?? 0) }
        #expect(lines == [3, 5, 7])
        let walked = try await pipeline.withResults(walking: [scratch.path]) { results in
            await results.reduce(0) { $0 + ($1.output?.lines ?? 0) }
        }
        #expect(walked == 15)
    }

    @Test func theWalkEndsOnceItsTaskIsCancelled() async throws {
        let scratch = try Scratch()
        for index in 0..<100 { _ = try scratch.write("f\(index)", Array("x".utf8)) }
        let root = scratch.path
        let seen = await Task {
            var seen = 0
            for await _ in Walker(roots: [root]).events() {
                seen += 1
                withUnsafeCurrentTask { $0?.cancel() }
            }
            return seen
        }.value
        #expect(seen == 1)
    }
}
