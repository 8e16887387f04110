import SweepTestSupport
import SystemPackage
import Testing

@testable import Sweep

/// A typed combination holding ``GzipStage`` publishes its `.gz` files in batches, as ``GzipStage``
/// and ``StageList`` do (group commit; the fsyncs themselves are counted end to end for those in
/// GroupCommitTests): the pipeline takes the settling path, and the outputs are what they must be.
@Suite(.offCooperativePool, .timeLimit(.minutes(5 * testTimeScale)))
struct CombinedStageSettlingTests {
    @Test func aCombinationWithGzipSettlesInBatches() async throws {
        let stage = try CombinedStage(GzipStage(), DigestStage(.sha256))
        #expect((stage as any Stage) is any BatchSettlingStage, "the pipeline would publish file by file")

        let tree = try TempTree("combined-settling")
        var files: [(path: [UInt8], content: [UInt8])] = []
        for index in 0..<40 {
            let content = GzipFixtures.logText(300 + index * 40, seed: UInt64(index))
            files.append((try tree.file("d\(index % 2)/f\(index).log", content), content))
        }
        let expected = try Oracle.hexDigests(.sha256, of: files.map(\.path))
        var seen: [FilePath: String] = [:]
        let summary = try await Pipeline(stage: stage).run(walking: [tree.rootPath]) { result in
            guard case .processed(let output) = result.outcome else {
                Issue.record("\(result.path): \(result.outcome)")
                return
            }
            let (gzip, digest) = output.values
            #expect(gzip.destination == FilePath(bytes: result.path.bytes + Array(".gz".utf8)))
            seen[result.path] = digest.hex
        }
        #expect(summary.files == files.count && summary.failures == 0)
        for ((path, content), hex) in zip(files, expected) {
            #expect(seen[FilePath(bytes: path)] == hex, "the digest of \(FilePath(bytes: path)) is sha256sum's")
            #expect(!pathExists(path), "\(FilePath(bytes: path)) is removed once its .gz is durable")
            let decoded = try runProcess("gzip", ["-dc", Arg(path + Array(".gz".utf8))])
            #expect(decoded.status == .exited(0) && decoded.stdout == content, "gzip -dc of \(FilePath(bytes: path)).gz")
        }
    }
}
