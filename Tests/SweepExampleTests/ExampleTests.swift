import Foundation
import SweepTestSupport
import Testing

/// The Examples package, a client of the library through its public API only, proven under
/// `swift test` and not only by `.ci/run`: its own scripts build it and check it against the peers.
///
/// Each script builds a package of its own (the Examples package, or the DocC samples as one), with
/// its own copy of the dependencies: minutes on two cores the first time, seconds afterwards.
/// One at a time, so the two builds do not fight over the cores; on threads of their own, since
/// each waits minutes for its script and must not hold a thread of the cooperative pool meanwhile.
@Suite(.serialized, .offCooperativePool, .timeLimit(.minutes(30 * testTimeScale)))
struct ExampleTests {
    /// Runs `bash SCRIPT ARGUMENTS` from the package root; its whole output goes into failure messages.
    static func runScript(_ script: String, _ arguments: [Arg] = []) throws -> ProcessOutput {
        // At the lowest priority: the Examples package compiles its own copy of the dependencies
        // for minutes, and the unit tests running beside it must keep their share of the cores.
        try runProcess("nice", ["-n", "19", "bash", Arg("\(packageRoot)/\(script)")] + arguments, directory: utf8(packageRoot))
    }

    /// `Examples/run-example.sh` builds `linecount-matching` and compares its output with
    /// `grep -c -H -F` on fixtures/logs and on generated files whose matches straddle read chunks.
    @Test func lineCountMatchingAgreesWithGrep() throws {
        // Nine patterns on fixtures/logs, six on the generated tree.
        try Self.expectChecksPass("Examples/run-example.sh", verdict: "run-example: every count matches grep -c -H -F", checks: 15)
    }

    /// Runs a checker script and expects its exit status 0, its own `verdict`, no `FAIL:` line, and
    /// exactly `checks` lines `ok: …`: it ran every check it is meant to run. Returns its output.
    @discardableResult
    static func expectChecksPass(_ script: String, verdict: String, checks: Int) throws -> ProcessOutput {
        let output = try runScript(script)
        #expect(output.status == .exited(0), "\(output.stdoutText)\n\(output.stderrText)")
        #expect(output.stdoutText.contains(verdict), "\(output.stdoutText)")
        #expect(!output.stdoutText.contains("FAIL:"), "\(output.stdoutText)")
        let passed = output.stdoutText.split(separator: "\n").filter { $0.hasPrefix("ok: ") }
        #expect(passed.count == checks, "\(output.stdoutText)")
        return output
    }

    /// `Examples/run-adopter-tour.sh` builds `adopter-tour` and checks each part of the public
    /// surface it uses (an actor caller, typed two-stage results, a registered stage of its own, a
    /// durable manifest, a throwing source, a scope left early) against wc, sha256sum, grep and gzip.
    @Test func adopterTourAgreesWithThePeers() throws {
        // Every part: actor, its total, typed, registered, its total, the manifest line, the
        // manifest against sha256sum, throwing, scoped.
        let output = try Self.expectChecksPass(
            "Examples/run-adopter-tour.sh", verdict: "run-adopter-tour: every part agrees with the peers", checks: 9)
        #expect(output.stdoutText.contains("ok: scoped: left after f1.log"), "\(output.stdoutText)")
    }

    /// `Examples/check-doc-samples.sh` compiles every Swift sample of the DocC articles as a client
    /// would. Its scratch package lives in `.build-doc-samples` (git-ignored), kept between runs.
    @Test func docCatalogSamplesCompile() throws {
        let scratch = utf8(packageRoot) + utf8("/.build-doc-samples")
        let output = try Self.runScript("Examples/check-doc-samples.sh", [Arg(scratch)])
        #expect(output.status == .exited(0), "\(output.stdoutText)\n\(output.stderrText)")
        #expect(output.stdoutText.contains("check-doc-samples: every sample compiles"), "\(output.stdoutText)")
        // Every article with Swift samples became a target of the scratch package.
        let articles = try FileManager.default.contentsOfDirectory(atPath: "\(packageRoot)/Sources/Sweep/Sweep.docc")
            .filter { $0.hasSuffix(".md") }
            .filter { name in
                let text = (try? String(contentsOfFile: "\(packageRoot)/Sources/Sweep/Sweep.docc/\(name)", encoding: .utf8)) ?? ""
                return text.split(separator: "\n").contains { $0.hasPrefix("```swift") && $0.dropFirst(8).allSatisfy(\.isWhitespace) }
            }
        #expect(!articles.isEmpty)
        #expect(output.stdoutText.contains("== \(articles.count) articles with Swift samples"), "\(output.stdoutText)")
    }
}
