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
    /// `--shard K/N` and `sweep merge`: N local processes, each running one shard, merged, give byte
    /// for byte what one run prints (N = 1, 3, 8, every command); each part verifies alone with
    /// `sha256sum -c`; every bad value and every bad set of parts is refused with a message.
    @Suite(.timeLimit(.minutes(5 * testTimeScale)))
    struct ShardTests: CommandLineFixtures {
        /// The hostile tree (names with LF, CR, backslash, a 0xFF byte, 200 levels) plus a few
        /// dozen more files, so that 8 shards each get several.
        static func shardTree(_ label: String, newlines: Bool = true) throws -> TempTree {
            let tree = try hostileTree(label)
            if !newlines {
                // `run` and `list` print names raw, one per line: a name with a newline cannot be told
                // from two records there (merge refuses such a part; see partWithANewlineIsRefused).
                try FileManager.default.removeItem(atPath: String(decoding: tree.path(utf8("new\nline")), as: UTF8.self))
                try FileManager.default.removeItem(atPath: String(decoding: tree.path(utf8("all \\ of\n them\r")), as: UTF8.self))
            }
            for index in 0..<40 {
                try tree.file("many/f\(index).txt", Array(String(repeating: "line \(index)\n", count: index).utf8))
                try tree.file("many/d\(index % 5)/g\(index)", randomBytes(index * 100, seed: UInt64(index)))
            }
            try tree.file("a/z", "a/z\n")
            try tree.file("a-b", "a-b\n")
            try tree.file("a.txt", "a.txt\n")
            return tree
        }

        /// Runs `arguments` once, then as `count` shards, merges the parts (named in reverse order)
        /// and returns both outputs.
        static func oneRunAndMerge(_ arguments: [Arg], count: Int, in tree: TempTree, label: String) throws -> (one: ProcessOutput, merged: ProcessOutput, parts: [[UInt8]]) {
            let one = try runSweep(arguments, directory: tree.root)
            var parts: [[UInt8]] = []
            for index in 1...count {
                let part = Self.beside(tree, "\(label).part\(index)")
                let output = try runSweep(arguments + ["--shard", "\(index)/\(count)"], directory: tree.root, stdoutFile: part)
                #expect(arguments.first?.bytes == utf8("check") || output.status == one.status, "shard \(index)/\(count) of \(arguments.map { String(decoding: $0.bytes, as: UTF8.self) }): \(output)")
                parts.append(part)
            }
            let merged = try runSweep(["merge"] + parts.reversed().map(Arg.init), directory: tree.root)
            return (one, merged, parts)
        }

        /// A path beside `tree` (outside it, so that no walk lists it), named after the tree's own
        /// unique directory so that concurrent runs never share it.
        static func beside(_ tree: TempTree, _ name: String) -> [UInt8] {
            tree.root + utf8("-") + utf8(name)
        }

        /// NDJSON summaries differ only in `seconds` (the merge reports the longest shard's).
        static func withoutSeconds(_ output: [UInt8]) -> String {
            String(decoding: output, as: UTF8.self).replacing(/"seconds":[0-9.e+-]+/, with: "\"seconds\":0")
        }

        /// A part without its end line, which carries the shard's elapsed seconds.
        static func withoutEndLine(_ part: [UInt8]) -> [UInt8] {
            Array(part.dropLast().reversed().drop { $0 != 0x0A }.reversed())
        }

        static let commands: [[Arg]] = [
            ["sum", "."], ["sum", "--tag", "."], ["sum", "-z", "."], ["sum", "-a", "md5", "-b", "."],
            ["sum", "--json", "."],
            ["lines", "."], ["lines", "--json", "."], ["sum", ".", "sub", "plain.txt"],
        ]

        @Test(arguments: commands)
        func mergeOfShardsIsByteIdenticalToOneRun(_ arguments: [Arg]) throws {
            let tree = try Self.shardTree("shard-cmd")
            for count in [1, 3, 8] {
                let (one, merged, _) = try Self.oneRunAndMerge(arguments, count: count, in: tree, label: "p\(count)")
                #expect(merged.status == .exited(0), "\(merged)")
                #expect(!one.stdout.isEmpty)
                if arguments.contains(where: { $0.bytes == utf8("--json") }) {
                    #expect(Self.withoutSeconds(merged.stdout) == Self.withoutSeconds(one.stdout), "N=\(count) \(arguments)")
                } else {
                    #expect(merged.stdout == one.stdout, "N=\(count) \(arguments)\nmerged: \(describeBytes(merged.stdout))\none: \(describeBytes(one.stdout))")
                }
            }
        }

        @Test(arguments: [
            ["run", "-s", "sha256", "-s", "lines", "-s", "crc32", "."], ["list", "."], ["list", "-z", "."], ["list", "--json", "."],
            ["run", "--json", "-s", "md5", "."], ["sum", "-a", "xxh128", "."],
        ] as [[Arg]])
        func mergeOfRunAndListShardsIsByteIdenticalToOneRun(_ arguments: [Arg]) throws {
            let tree = try Self.shardTree("shard-run", newlines: false)
            try FileManager.default.removeItem(atPath: String(decoding: tree.path("fifo"), as: UTF8.self))
            for count in [1, 3, 8] {
                let (one, merged, _) = try Self.oneRunAndMerge(arguments, count: count, in: tree, label: "r\(count)")
                #expect(merged.status == .exited(0), "\(merged)")
                if arguments.contains(where: { $0.bytes == utf8("--json") }) {
                    #expect(Self.withoutSeconds(merged.stdout) == Self.withoutSeconds(one.stdout), "N=\(count) \(arguments)")
                } else {
                    #expect(merged.stdout == one.stdout, "N=\(count) \(arguments)\nmerged: \(describeBytes(merged.stdout))\none: \(describeBytes(one.stdout))")
                }
            }
        }

        /// Every file is read by exactly one shard: the parts' records add up to one run's, no
        /// file twice; and each part is a manifest sha256sum -c (sweep check -z for -z) verifies on
        /// its own, with --strict: its header and end line are comments to coreutils.
        @Test func eachFileIsInOnePartAndEachPartVerifiesWithSha256sum() throws {
            let tree = try Self.shardTree("shard-parts")
            let order = try Self.findFiles(tree)
            for zero in [false, true] {
                let flags: [Arg] = zero ? ["-z"] : []
                let (_, merged, parts) = try Self.oneRunAndMerge(["sum"] + flags + ["."], count: 8, in: tree, label: zero ? "z" : "n")
                #expect(merged.status == .exited(0))
                var seen: [[UInt8]] = []
                for part in parts {
                    let records = splitRecords(try readFile(part), delimiter: zero ? 0 : 0x0A)
                    #expect(String(decoding: records.first ?? [], as: UTF8.self).hasPrefix("# sweep shard "))
                    #expect(String(decoding: records.last ?? [], as: UTF8.self).contains(" end records="))
                    for record in records.dropFirst().dropLast() {
                        var parser = ChecksumManifestParser()
                        parser.stripsTrailingCarriageReturn = !zero
                        if case .entry(let entry) = parser.parse(record) { seen.append(entry.path) }
                    }
                    // coreutils 9.1 cannot verify -z manifests (`--zero is not supported when
                    // verifying`): those parts are verified by sweep check -z, which skips comments too.
                    let check = zero
                        ? try runSweep(["check", "--strict", "-z", Arg(part)], directory: tree.root)
                        : try runProcess("sha256sum", ["-c", "--strict", Arg(part)], directory: tree.root)
                    #expect(check.status == .exited(0), "verifying a part alone: \(check)")
                    #expect(!check.stderrText.contains("improperly formatted"), "\(check)")
                }
                #expect(seen.count == order.count, "no file twice, none left out")
                #expect(Set(seen) == order)
            }
        }

        /// `check --shard`: each shard verifies a consecutive share of the manifest's lines; the
        /// merged verdicts equal one `sweep check`'s (and sha256sum -c's), a mismatch included.
        @Test func checkShardsMergeToOneCheck() throws {
            let tree = try Self.shardTree("shard-check", newlines: false)
            let manifest = Self.beside(tree, "SUMS")
            #expect(try runSweep(["sum", "-o", Arg(manifest), "."], directory: tree.root).status == .exited(0))
            try writeFile(tree.path("many/f7.txt"), utf8("changed\n"))
            let peer = try runProcess("sha256sum", ["-c", Arg(manifest)], directory: tree.root)
            #expect(peer.status == .exited(1))
            for count in [1, 3, 8] {
                let (one, merged, _) = try Self.oneRunAndMerge(["check", Arg(manifest)], count: count, in: tree, label: "c\(count)")
                #expect(one.status == .exited(1))
                #expect(merged.status == .exited(0), "\(merged)")
                #expect(merged.stdout == one.stdout, "N=\(count): \(merged.stdoutText)")
                #expect(merged.stdout == peer.stdout)
            }
        }

        /// gzip --shard compresses each file once across the shards; with --manifest the parts
        /// merge into the manifest one `gzip --manifest` writes, which is one `sum`'s.
        @Test func gzipShardsCompressEachFileOnceAndTheirManifestsMerge() throws {
            let tree = try Self.shardTree("shard-gzip", newlines: false)
            try FileManager.default.removeItem(atPath: String(decoding: tree.path("fifo"), as: UTF8.self))
            let sums = try runSweep(["sum", "."], directory: tree.root)
            let files = try Self.findFiles(tree)
            var parts: [Arg] = []
            for index in 1...3 {
                let part = Self.beside(tree, "gz.part\(index)")
                let output = try runSweep(["gzip", "-k", "--manifest", Arg(part), "--shard", "\(index)/3", "."], directory: tree.root)
                #expect(output.status == .exited(0), "\(output)")
                parts.append(Arg(part))
            }
            for file in files {
                #expect(pathExists(tree.path(Array(file) + utf8(".gz"))), "\(String(decoding: file, as: UTF8.self)) compressed")
            }
            let merged = try runSweep(["merge"] + parts)
            #expect(merged.status == .exited(0), "\(merged)")
            #expect(merged.stdout == sums.stdout)
        }

        @Test func mergeWritesAtomicallyWithDashO() throws {
            let tree = try Self.shardTree("shard-o")
            let (one, _, parts) = try Self.oneRunAndMerge(["lines", "."], count: 3, in: tree, label: "o")
            let out = Self.beside(tree, "merged")
            let merged = try runSweep(["merge", "-o", Arg(out)] + parts.map(Arg.init))
            #expect(merged.status == .exited(0))
            #expect(merged.stdout.isEmpty)
            #expect(try readFile(out) == one.stdout)
        }

        // MARK: - Bad input

        @Test(arguments: [
            (["sum", "--shard", "0/4", "."], "K must be from 1 to 4"),
            (["sum", "--shard", "5/4", "."], "K must be from 1 to 4"),
            (["sum", "--shard", "1/0", "."], "N must be at least 1"),
            (["sum", "--shard", "x/y", "."], "expected K/N"),
            (["lines", "--shard", "1/", "."], "expected K/N"),
            (["list", "--shard", "2", "."], "expected K/N"),
            (["sum", "--shard", "1/2"], "standard input cannot be shared"),
            (["check", "--shard", "1/2", "a", "b"], "one manifest file"),
            (["sum", "-c", "--shard", "1/2", "f"], "use sweep check --shard"),
            (["merge"], "name the parts"),
        ] as [([String], String)])
        func badShardValuesAreUsageErrors(_ arguments: [String], _ message: String) throws {
            try Self.expectUsageError(arguments, message)
        }

        @Test func autoReadsSlurmAndKubernetesAndRefusesNone() throws {
            let tree = try Self.shardTree("shard-auto")
            let clean: [Arg] = ["-u", "SLURM_ARRAY_TASK_ID", "-u", "SLURM_ARRAY_TASK_COUNT", "-u", "SLURM_ARRAY_TASK_MIN",
                                "-u", "SLURM_ARRAY_TASK_MAX", "-u", "JOB_COMPLETION_INDEX"]
            let none = try runProcess("env", clean + [Arg(sweepExecutable), "sum", "--shard", "auto", "."], directory: tree.root)
            #expect(none.status == .exited(64), "\(none)")
            #expect(none.stderrText.contains("neither SLURM_ARRAY_TASK_ID"), "\(none)")
            #expect(none.stdout.isEmpty)

            // Slurm, --array=5-7: task 6 is shard 2/3, exactly as --shard 2/3.
            let explicit = try runSweep(["sum", "--shard", "2/3", "."], directory: tree.root)
            let slurm = try runProcess("env", clean + ["SLURM_ARRAY_TASK_ID=6", "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_MIN=5",
                                                       "SLURM_ARRAY_TASK_MAX=7", Arg(sweepExecutable), "sum", "--shard", "auto", "."], directory: tree.root)
            #expect(slurm.status == .exited(0), "\(slurm)")
            #expect(Self.withoutEndLine(slurm.stdout) == Self.withoutEndLine(explicit.stdout))
            let sparse = try runProcess("env", clean + ["SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_MIN=0",
                                                        "SLURM_ARRAY_TASK_MAX=4", Arg(sweepExecutable), "sum", "--shard", "auto", "."], directory: tree.root)
            #expect(sparse.status == .exited(64))
            #expect(sparse.stderrText.contains("contiguous"), "\(sparse)")

            // Kubernetes: completion index 1 of auto/3 is shard 2/3; without /N, a message.
            let k8s = try runProcess("env", clean + ["JOB_COMPLETION_INDEX=1", Arg(sweepExecutable), "sum", "--shard", "auto/3", "."], directory: tree.root)
            #expect(k8s.status == .exited(0), "\(k8s)")
            #expect(Self.withoutEndLine(k8s.stdout) == Self.withoutEndLine(explicit.stdout))
            let noCount = try runProcess("env", clean + ["JOB_COMPLETION_INDEX=1", Arg(sweepExecutable), "sum", "--shard", "auto", "."], directory: tree.root)
            #expect(noCount.status == .exited(64))
            #expect(noCount.stderrText.contains("auto/N"), "\(noCount)")
        }

        /// Every set of parts that is not one whole run is refused before anything is written.
        /// `--shard-depth 1`: the parts still merge into exactly one run's output, each directory
        /// below the root is wholly in one part, a shard opens only the directories above the depth
        /// and its own (strace counts them), and merge refuses to mix parts split at other depths.
        @Test func shardDepthGivesWholeDirectoriesToOneShard() throws {
            let tree = try TempTree("shard-depth")
            for directory in 0..<24 {
                for file in 0..<3 {
                    try tree.file("d\(directory)/f\(file)", "\(directory)/\(file)\n")
                    try tree.file("d\(directory)/sub/g\(file)", "\(directory)/sub/\(file)\n")
                }
            }
            try tree.file("top-a", "a\n")
            try tree.file("top-b", "b\n")
            let count = 3
            let alone = try runSweep(["sum", "--shard-depth", "1", "."], directory: tree.root)
            #expect(alone.status == .exited(64) && alone.stderrText.contains("--shard-depth goes with --shard"), "\(alone)")
            var parts: [[UInt8]] = []
            for index in 1...count {
                let part = Self.beside(tree, "depth.part\(index)")
                let output = try runSweep(["sum", "--shard", "\(index)/\(count)", "--shard-depth", "1", "."], directory: tree.root, stdoutFile: part)
                #expect(output.status == .exited(0), "\(output)")
                parts.append(part)
            }
            let merged = try runSweep(["merge"] + parts.reversed().map(Arg.init), directory: tree.root)
            let plain = try runSweep(["sum", "."], directory: tree.root)
            #expect(merged.status == .exited(0), "\(merged)")
            #expect(merged.stdout == plain.stdout, "merged: \(describeBytes(merged.stdout))")

            // Each top-level directory's six files are in one part only.
            var owner: [String: Int] = [:]
            for (index, part) in parts.enumerated() {
                for line in String(decoding: try readFile(part), as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
                    let path = line.split(separator: " ", maxSplits: 1)[1].dropFirst()  // "./dN/…" after the second space
                    let components = path.split(separator: "/")
                    guard components.count > 2 else { continue }
                    let directory = String(components[1])
                    #expect(owner[directory, default: index] == index, "\(directory) is split between parts")
                    owner[directory] = index
                }
            }
            #expect(owner.count == 24, "\(owner)")

            // Directories opened by one shard: the root, and its own directories with their `sub`.
            let trace = Self.beside(tree, "depth.trace")
            let traced = try spawnProcess("strace", ["-f", "-qq", "-e", "trace=openat", "-o", Arg(trace), Arg(sweepExecutable),
                                                     "list", "--shard", "1/\(count)", "--shard-depth", "1", "."],
                                          directory: tree.root, traced: true).wait()
            #expect(traced.status == .exited(0), "\(traced)")
            let opened = String(decoding: try readFile(trace), as: UTF8.self).split(separator: "\n").filter { $0.contains("O_DIRECTORY") }.count
            let own = owner.values.filter { $0 == 0 }.count
            #expect(opened <= 1 + 2 * own + 2, "opened \(opened) directories for \(own) of 24 (+ the root)")
            #expect(own < 24)

            let (_, _, flat) = try Self.oneRunAndMerge(["sum", "."], count: count, in: tree, label: "flat")
            let mixed = try runSweep(["merge", Arg(parts[0]), Arg(flat[1]), Arg(parts[2])])
            #expect(mixed.status == .exited(1), "\(mixed)")
            #expect(mixed.stderrText.contains("different runs"), "\(mixed)")
        }

        @Test func mergeRefusesPartsThatAreNotOneWholeRun() throws {
            let tree = try Self.shardTree("shard-bad")
            let (_, _, sums) = try Self.oneRunAndMerge(["sum", "."], count: 3, in: tree, label: "s")
            let (_, _, md5) = try Self.oneRunAndMerge(["sum", "-a", "md5", "."], count: 3, in: tree, label: "m")
            let (_, _, lines) = try Self.oneRunAndMerge(["lines", "."], count: 3, in: tree, label: "l")
            let (_, _, sub) = try Self.oneRunAndMerge(["sum", "sub"], count: 3, in: tree, label: "u")
            let (_, _, four) = try Self.oneRunAndMerge(["sum", "."], count: 4, in: tree, label: "f")
            func expectRefused(_ parts: [[UInt8]], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
                let output = try runSweep(["merge"] + parts.map(Arg.init))
                #expect(output.status == .exited(1), "\(output)", sourceLocation: sourceLocation)
                #expect(output.stdout.isEmpty, "nothing written: \(output)", sourceLocation: sourceLocation)
                #expect(output.stderrText.contains(message), "\(output)", sourceLocation: sourceLocation)
            }
            try expectRefused([sums[0], sums[1], md5[2]], "different runs (settings 'sha256' ≠ 'md5')")
            try expectRefused([sums[0], lines[1], sums[2]], "different runs (command sum ≠ lines)")
            try expectRefused([sums[0], sub[1], sums[2]], "different runs (different roots)")
            try expectRefused([sums[0], sums[1], four[2]], "3 shards ≠ 4 shards")
            try expectRefused([sums[0], sums[2]], "missing shard 2/3")
            try expectRefused([sums[0], sums[1], sums[1], sums[2]], "are both shard 2/3")
            try expectRefused([tree.path("plain.txt")], "not a part of a sharded run")

            // A part cut short by a crash: its end line (or more) is missing.
            let content = try readFile(sums[1])
            let cut = Self.beside(tree, "cut")
            try writeFile(cut, Array(content.dropLast(5)))
            try expectRefused([sums[0], cut, sums[2]], "incomplete")
            let lastLine = content.dropLast().lastIndex(of: 0x0A)!
            try writeFile(cut, Array(content[...lastLine]))
            try expectRefused([sums[0], cut, sums[2]], "incomplete")

            // Overlapping parts: shard 1's files relabelled as shard 2.
            let relabelled = Self.beside(tree, "relabelled")
            let text = String(decoding: try readFile(sums[0]), as: UTF8.self).replacingOccurrences(of: "# sweep shard 1/3", with: "# sweep shard 2/3")
            try writeFile(relabelled, utf8(text))
            try expectRefused([sums[0], relabelled, sums[2]], "overlapping parts")

            // Any order on the command line is the same merge.
            let forward = try runSweep(["merge"] + sums.map(Arg.init))
            let shuffled = try runSweep(["merge", Arg(sums[1]), Arg(sums[2]), Arg(sums[0])])
            #expect(forward.status == .exited(0))
            #expect(shuffled.stdout == forward.stdout)
        }

        /// A part with more records than its end line counts (a name with a newline, in a format
        /// that prints names raw) is refused, not merged wrongly.
        @Test func partWithANewlineIsRefused() throws {
            let tree = try TempTree("shard-newline")
            try tree.file(utf8("new\nline"), utf8("x\n"))
            try tree.file("plain", "y\n")
            let part = Self.beside(tree, "nl.part")
            #expect(try runSweep(["list", "--shard", "1/1", "."], directory: tree.root, stdoutFile: part).status == .exited(0))
            let merged = try runSweep(["merge", Arg(part)])
            #expect(merged.status == .exited(1), "\(merged)")
            #expect(merged.stderrText.contains("a name with a newline"), "\(merged)")
        }
    }
}
