import Foundation
import SweepTestSupport
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension EndToEndTests {
    /// `--shard auto` on a real Slurm: a job array over a tree, merged, equals one run; a task that
    /// fails leaves a merge that refuses (missing shard), and that task alone, submitted again,
    /// completes it. Runs where `sbatch` reaches a controller with an idle node (CI starts one with
    /// scripts/start-slurm.sh); elsewhere it is reported as skipped, with the reason.
    @Suite(.timeLimit(.minutes(4 * testTimeScale)))
    struct SlurmTests: CommandLineFixtures {
        /// Why Slurm cannot be used here, or nil when a node is idle.
        static let unavailable: String? = {
            guard let sinfo = try? runProcess("sinfo", ["-h", "-o", "%T"]) else { return "sinfo is not installed (apt-get install slurm-wlm munge)" }
            guard sinfo.status == .exited(0) else { return "no Slurm controller answers (run scripts/start-slurm.sh as root): \(sinfo.stderrText)" }
            guard sinfo.stdoutText.contains("idle") || sinfo.stdoutText.contains("mixed") else {
                return "no idle Slurm node: \(sinfo.stdoutText)"
            }
            return nil
        }()

        @Test(.enabled(if: unavailable == nil, "Slurm is not available on this machine: sbatch needs a running slurmctld and slurmd (scripts/start-slurm.sh)"))
        func jobArrayMergesToOneRunAndOneFailedTaskReruns() throws {
            let tree = try Self.hostileTree("slurm")
            try FileManager.default.removeItem(atPath: String(decoding: tree.path("fifo"), as: UTF8.self))
            for index in 0..<30 { try tree.file("many/f\(index)", randomBytes(index * 50, seed: UInt64(index))) }
            let one = try runSweep(["sum", "."], directory: tree.root)
            #expect(one.status == .exited(0))

            let work = tree.root + utf8("-slurm-work")
            try makeDirectory(work)
            let workText = String(decoding: work, as: UTF8.self)
            // Task ID i writes part.i; a marker file makes a task fail on purpose, as a crash would.
            let script = """
                #!/bin/sh
                cd '\(String(decoding: tree.root, as: UTF8.self))' || exit 2
                if [ -e '\(workText)/fail.'"$SLURM_ARRAY_TASK_ID" ]; then exit 3; fi
                exec '\(sweepExecutable)' sum --shard "${SHARD:-auto}" -o '\(workText)/part.'"$SLURM_ARRAY_TASK_ID" .
                """
            let scriptPath = joinPath(work, utf8("task.sh"))
            try writeFile(scriptPath, utf8(script + "\n"), mode: 0o755)
            func submit(_ array: String, shard: String? = nil) throws -> ProcessOutput {
                try runProcess("sbatch", ["--wait", "--array=\(array)", Arg("--export=ALL" + (shard.map { ",SHARD=\($0)" } ?? "")),
                                          "-o", Arg(utf8(workText + "/slurm-%a.out")), "-J", "sweep-shard-test", Arg(scriptPath)], directory: work)
            }
            func merge() throws -> ProcessOutput {
                try runSweep(["merge"] + (0..<4).map { Arg(utf8(workText + "/part.\($0)")) }.filter { pathExists($0.bytes) })
            }

            let first = try submit("0-3")
            #expect(first.status == .exited(0), "\(first)")
            let merged = try merge()
            #expect(merged.status == .exited(0), "\(merged)")
            #expect(merged.stdout == one.stdout)

            // Task 2 fails: its part is missing, and merge says which shard.
            for index in 0..<4 { unlink(String(decoding: utf8(workText + "/part.\(index)"), as: UTF8.self)) }
            try writeFile(utf8(workText + "/fail.2"), [])
            let failed = try submit("0-3")
            #expect(failed.status != .exited(0), "sbatch --wait reports the failed task: \(failed)")
            let incomplete = try merge()
            #expect(incomplete.status == .exited(1))
            #expect(incomplete.stderrText.contains("missing shard 3/4"), "\(incomplete)")

            // Only task 2 again: with auto/4 its task ID alone makes it shard 3/4.
            unlink(workText + "/fail.2")
            let rerun = try submit("2", shard: "auto/4")
            #expect(rerun.status == .exited(0), "\(rerun)")
            let complete = try merge()
            #expect(complete.status == .exited(0), "\(complete)")
            #expect(complete.stdout == one.stdout)
        }
    }
}
