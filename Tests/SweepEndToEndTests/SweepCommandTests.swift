import Foundation
import SweepTestSupport
import Testing

/// `sweep` itself: no subcommand, and the overview.
@Suite(.timeLimit(.minutes(1)))
struct SweepCommandTests {
    /// No subcommand is a usage error: the help on standard error, nothing on standard output,
    /// exit 64 (a script must not read it as success).
    @Test func noSubcommandPrintsTheHelpAndExits64() throws {
        let run = try runSweep([])
        #expect(run.status == .exited(64), "\(run)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderrText.contains("USAGE: sweep <subcommand>"), "\(run)")
        for subcommand in ["sum", "check", "gzip", "gunzip", "lines", "run", "list"] {
            #expect(run.stderrText.contains("  \(subcommand) "), "\(subcommand) missing: \(run)")
        }
    }

    /// The overview (abstract and discussion) names gzip and gunzip beside the checksums.
    @Test func overviewMentionsCompression() throws {
        let help = try runSweep(["--help"])
        #expect(help.status == .exited(0))
        let overview = help.stdoutText.components(separatedBy: "USAGE:").first ?? ""
        #expect(overview.contains("gzip") && overview.contains("gunzip") && overview.contains("sha256sum"), "\(overview)")
    }
}
