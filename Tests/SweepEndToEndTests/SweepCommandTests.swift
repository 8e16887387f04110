import Foundation
import SweepTestSupport
import SystemPackage
import Testing

@testable import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension EndToEndTests {
    /// The root `sweep` command: what is not any subcommand's.
    @Suite(.timeLimit(.minutes(1 * testTimeScale)))
    struct SweepCommandTests: CommandLineFixtures {
        @Test(arguments: [
            (["frobnicate"], "frobnicate"),
        ] as [([String], String)])
        func usageErrorsExitNonZeroWithAMessage(_ arguments: [String], _ message: String) throws {
            try Self.expectUsageError(arguments, message)
        }

        /// No subcommand is a usage error: the help on standard error, nothing on standard output,
        /// exit 64 (a script must not read it as success).
        @Test func noSubcommandPrintsTheHelpAndExits64() async throws {
            let run = try await runSweepAsync([])
            #expect(run.status == .exited(64), "\(run)")
            #expect(run.stdout.isEmpty)
            #expect(run.stderrText.contains("USAGE: sweep <subcommand>"), "\(run)")
            for subcommand in ["sum", "check", "gzip", "gunzip", "lines", "run", "list"] {
                #expect(run.stderrText.contains("  \(subcommand) "), "\(subcommand) missing: \(run)")
            }
        }

        /// The overview (abstract and discussion) names gzip and gunzip beside the checksums.
        @Test func overviewMentionsCompression() async throws {
            let help = try await runSweepAsync(["--help"])
            #expect(help.status == .exited(0))
            let overview = help.stdoutText.components(separatedBy: "USAGE:").first ?? ""
            #expect(overview.contains("gzip") && overview.contains("gunzip") && overview.contains("sha256sum"), "\(overview)")
        }
    }
}
