import Foundation
import SweepTestSupport
import Testing

extension EndToEndTests {
    /// The benchmark harness on its tiny corpus, with the debug binary: so the script cannot rot.
    /// (Timings here mean nothing; the full run is `Benchmarks/run.sh`, recorded in BENCHMARKS.md.)
    @Suite struct BenchmarkSmokeTests {
        @Test func smokeRunCompletesEveryCase() throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            let scratch = try TempTree("bench-smoke")
            let output = try runProcess("env", [
                "SWEEP_BIN=\(sweepExecutable)",
                Arg(utf8("SWEEP_BENCH_CORPUS=") + scratch.path("corpus")),
                Arg(utf8("SWEEP_BENCH_RESULTS=") + scratch.path("results")),
                "SWEEP_BENCH_NO_INSTALL=1",
                "bash", "\(root.path)/Benchmarks/run.sh", "--smoke",
            ])
            #expect(output.status == .exited(0), "\(output)")
            let table = output.stdoutText
            #expect(table.contains("| case |"), "no table: \(output)")
            for row in ["sum sha256 logs", "check", "gzip -6", "lines logs", "walk"] {
                #expect(table.contains(row), "no row for \(row): \(table)")
            }
            #expect(!table.contains("ERROR"), "a command failed: \(table)")
            #expect(!table.contains("skipped: sweep"), "a subcommand is missing: \(table)")
        }
    }
}
