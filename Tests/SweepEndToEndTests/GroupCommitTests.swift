import SweepTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Group commit (issue 12): small files read in one batch have their outputs published together,
// so durability costs one syncfs per batch (its contents, after write-back of every file was
// started) plus an fsync per directory and batch, where per-file publication cost two per file (the
// file and its directory). Counted with strace; the outputs are checked with gzip and sha256 as
// oracles, and the invariant itself under kill -9 and a full disk is the fault campaign's
// (Benchmarks/campaign.sh, run by .ci/run).

extension EndToEndTests {
    @Suite(.serialized, .timeLimit(.minutes(3 * testTimeScale)))
    struct GroupCommitTests {
        static let directories = 4
        static let filesPerDirectory = 60

        /// A tree of small text files; returns each file's relative path and content.
        static func smallFiles(in tree: TempTree) throws -> [(path: String, content: [UInt8])] {
            var files: [(String, [UInt8])] = []
            for directory in 0..<directories {
                for index in 0..<filesPerDirectory {
                    let path = "d\(directory)/f\(index).log"
                    let content = GzipFixtures.logText(500 + index * 50, seed: UInt64(directory * 1000 + index))
                    try tree.file(path, content)
                    files.append((path, content))
                }
            }
            return files
        }

        /// `fsync` and `syncfs` calls of `arguments` run under strace, from its summary.
        static func syncCounts(_ arguments: [Arg], in tree: TempTree) throws -> (output: ProcessOutput, fsyncs: Int, syncfs: Int) {
            let summary = tree.path(".strace-summary")
            let output = try runProcess(
                "strace", ["-f", "-qq", "-c", "-e", "trace=fsync,syncfs", "-o", Arg(summary), Arg(sweepExecutable)] + arguments)
            let text = String(decoding: try readFile(summary), as: UTF8.self)
            func calls(_ name: Substring) -> Int {
                let line = text.split(separator: "\n").first { $0.split(separator: " ").last == name }
                let fields = line?.split(separator: " ") ?? []
                // % time, seconds, usecs/call, calls, [errors,] syscall
                return fields.count >= 5 ? Int(fields[3]) ?? -1 : 0
            }
            return (output, calls("fsync"), calls("syncfs"))
        }

        /// `gzip`, `gzip --manifest` and `gunzip` of 240 small files in 4 directories: every output
        /// decodes to its original (or is it), every input is gone, and the batches' contents were
        /// made durable by `syncfs`, one per batch: with the directories' `fsync`s, fewer than one
        /// call per four files, where an `fsync` per file made more than one. Also through the
        /// DispatchIO backend, whose reader settles its batch on the channel's queue.
        @Test(arguments: ["gzip", "gzip --manifest", "gunzip", "gzip --io dispatch"])
        func smallFilesShareTheirDurability(command: String) throws {
            guard Attack.requireStrace() else { return }
            let tree = try TempTree("group-commit")
            let files = try Self.smallFiles(in: tree)
            var arguments: [Arg] = ["gzip", "-j", "2"]
            if command == "gunzip" {
                let compressed = try runProcess("gzip", ["-r", Arg(tree.root)])
                try #require(compressed.status == .exited(0), "gzip -r: \(compressed)")
                arguments.append("-d")
            }
            if command == "gzip --manifest" { arguments += ["--manifest", Arg(tree.path(".manifest"))] }
            if command == "gzip --io dispatch" { arguments += ["--io", "dispatch"] }
            for directory in 0..<Self.directories { arguments.append(Arg(tree.path("d\(directory)"))) }

            let (output, fsyncs, syncfs) = try Self.syncCounts(arguments, in: tree)
            #expect(output.status == .exited(0), "\(output)")
            #expect(fsyncs > 0, "strace counted no fsync of a directory")
            #expect(syncfs > 0, "strace counted no syncfs")
            #expect(Double(fsyncs + syncfs) < Double(files.count) / 4, "\(fsyncs) fsyncs and \(syncfs) syncfs for \(files.count) files")
            for (path, content) in files {
                let compressed = tree.path(path + ".gz")
                if command == "gunzip" {
                    #expect(try readFile(tree.path(path)) == content, "\(path)")
                    #expect(!pathExists(compressed), "\(path).gz is left")
                } else {
                    #expect(!pathExists(tree.path(path)), "\(path) is left")
                    let decoded = try runProcess("gzip", ["-dc", Arg(compressed)])
                    #expect(decoded.status == .exited(0) && decoded.stdout == content, "\(path).gz")
                }
            }
            if command == "gzip --manifest" {
                let manifest = String(decoding: try readFile(tree.path(".manifest")), as: UTF8.self)
                #expect(manifest.split(separator: "\n").count == files.count)
            }
        }
    }
}
