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
    /// `sweep sum` end to end, compared byte for byte with the peers run on the same files:
    /// sha*sum/md5sum, python's zlib.crc32, find (see ``CommandLineFixtures`` for the trees).
    @Suite(.timeLimit(.minutes(2 * testTimeScale)))
    struct SumCommandTests: CommandLineFixtures {
        @Test func sumIsByteIdenticalToSha256sum() async throws {
            let tree = try Self.hostileTree()
            let order = await Self.walkOrder(tree)
            #expect(Set(order) == (try Self.findFiles(tree)), "the walk lists exactly the regular files find lists")
            #expect(order.count == 14)
            let expected = try Self.peerSums("sha256sum", [], order, in: tree.root)

            let output = try runSweep(["sum", "."], directory: tree.root)
            #expect(output.status == .exited(0), "\(output)")
            #expect(output.stdout == expected, "\(output)")
            #expect(output.stderrText == Self.fifoNote)

            // No argument means standard input, as for sha256sum.
            let plain = tree.path("plain.txt")
            let stdin = try runSweep(["sum"], directory: tree.root, stdin: .file(plain))
            #expect(stdin.status == .exited(0), "\(stdin)")
            #expect(stdin.stdout == (try runProcess("sha256sum", [], stdin: .file(plain))).stdout, "\(stdin)")
        }

        @Test(arguments: [["--tag"], ["-z"], ["--tag", "-z"]] as [[Arg]])
        func sumFormatsMatchSha256sum(_ flags: [Arg]) async throws {
            let tree = try Self.hostileTree()
            let order = await Self.walkOrder(tree)
            let expected = try Self.peerSums("sha256sum", flags, order, in: tree.root)
            let output = try runSweep(["sum"] + flags + ["."], directory: tree.root)
            #expect(output.status == .exited(0))
            #expect(output.stdout == expected, "\(flags.map { String(decoding: $0.bytes, as: UTF8.self) }): \(output)")
        }

        @Test(arguments: [DigestAlgorithm.md5, .sha1, .sha224, .sha256, .sha384, .sha512])
        func everyAlgorithmMatchesItsCoreutilsTool(_ algorithm: DigestAlgorithm) async throws {
            let tree = try Self.hostileTree("alg")
            let order = await Self.walkOrder(tree)
            let tool = try #require(Oracle.tool(algorithm))
            for flags in [[], ["--tag"]] as [[Arg]] {
                let expected = try Self.peerSums(tool, flags, order, in: tree.root)
                let output = try runSweep(["sum", "-a", Arg(algorithm.rawValue)] + flags + ["."], directory: tree.root)
                #expect(output.status == .exited(0))
                #expect(output.stdout == expected, "\(algorithm) \(flags.count): \(output)")
            }
        }

        @Test func crc32MatchesPythonZlib() async throws {
            let tree = try Self.hostileTree("crc")
            let order = await Self.walkOrder(tree)
            let crcs = try Oracle.hexDigests(.crc32, of: order, directory: tree.root)
            // The line layout (escaping included) from sha256sum, the value from zlib.crc32.
            func expected(tagged: Bool) throws -> [UInt8] {
                let lines = splitRecords(try Self.peerSums("sha256sum", tagged ? ["--tag"] : [], order, in: tree.root), delimiter: 0x0A)
                #expect(lines.count == crcs.count)
                var out: [UInt8] = []
                for (line, crc) in zip(lines, crcs) {
                    let escaped = line.first == UInt8(ascii: "\\")
                    var body = Array(line.dropFirst(escaped ? 1 : 0))
                    if tagged {
                        body = utf8("CRC32") + body.dropFirst("SHA256".count).dropLast(64) + utf8(crc)
                    } else {
                        body = utf8(crc) + body.dropFirst(64)
                    }
                    out += (escaped ? utf8("\\") : []) + body + [0x0A]
                }
                return out
            }
            let plain = try runSweep(["sum", "-a", "crc32", "."], directory: tree.root)
            #expect(plain.status == .exited(0))
            #expect(plain.stdout == (try expected(tagged: false)), "\(plain)")
            let tagged = try runSweep(["sum", "-a", "crc32", "--tag", "."], directory: tree.root)
            #expect(tagged.stdout == (try expected(tagged: true)), "\(tagged)")
        }

        @Test func manifestsVerifyWithTheCoreutilsChecker() async throws {
            let tree = try Self.hostileTree("verify")
            let out = try TempTree("verify-out")
            let fileCount = await Self.walkOrder(tree).count
            for (algorithm, flags) in [(DigestAlgorithm.sha256, []), (.sha256, ["--tag"]), (.md5, []), (.sha512, ["--tag"]), (.sha1, [])] as [(DigestAlgorithm, [Arg])] {
                let manifest = out.path("manifest-\(algorithm.rawValue)-\(flags.count)")
                let written = try runSweep(["sum", "-a", Arg(algorithm.rawValue)] + flags + ["-o", Arg(manifest), "."], directory: tree.root)
                #expect(written.status == .exited(0))
                let check = try runProcess(Oracle.tool(algorithm)!, ["-c", Arg(manifest)], directory: tree.root)
                #expect(check.status == .exited(0), "\(algorithm): \(check)")
                let verdicts = check.stdoutText.split(separator: "\n")
                #expect(verdicts.count == fileCount)
                #expect(verdicts.allSatisfy { $0.hasSuffix(": OK") }, "\(check)")
            }
        }

        @Test func dashHashesStandardInput() async throws {
            let tree = try Self.hostileTree("stdin")
            let content = randomBytes(50_000, seed: 4)
            let expected = try Self.peer("sha256sum", ["-"], in: tree.root, stdin: .bytes(content)).stdout
            #expect(expected.suffix(4) == utf8("  -\n"))

            // A regular file as standard input.
            let fromFile = try runSweep(["sum", "-"], directory: tree.root, stdin: .bytes(content))
            #expect(fromFile.status == .exited(0))
            #expect(fromFile.stdout == expected)

            // A pipe, with each backend.
            for io in ["pread", "dispatch"] as [Arg] {
                let child = try spawnProcess(sweepExecutable, ["sum", "--io", io, "-"], directory: tree.root, stdin: .pipe)
                let writer = try #require(child.stdinWriter)
                content.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let written = write(writer, raw.baseAddress! + offset, raw.count - offset)
                        if written <= 0 { break }
                        offset += written
                    }
                }
                child.closeStdin()
                let output = try #require(child.wait(atMost: 60))
                #expect(output.status == .exited(0))
                #expect(output.stdout == expected, "\(output)")
            }

            // Among other files, in argument order, with --tag as well.
            let mixed: [Arg] = ["plain.txt", "-", "empty"]
            let peerMixed = try Self.peer("sha256sum", ["--tag"] + mixed, in: tree.root, stdin: .bytes(content)).stdout
            #expect(try runSweep(["sum", "--tag"] + mixed, directory: tree.root, stdin: .bytes(content)).stdout == peerMixed)
        }

        @Test func standardInputIsReadFromItsCurrentOffset() throws {
            // `(read header; sha256sum -) < file` hashes the rest of the file: so must sweep.
            let tree = try TempTree("offset")
            let path = try tree.file("data", randomBytes(20_000, seed: 5))
            let script = "head -c 1000 >/dev/null; exec \"$0\" sum -"
            let output = try runProcess("sh", ["-c", Arg(script), Arg(sweepExecutable)], stdin: .file(path))
            let expected = try runProcess("sh", ["-c", "head -c 1000 >/dev/null; exec sha256sum -"], stdin: .file(path))
            #expect(output.status == .exited(0))
            #expect(output.stdout == expected.stdout, "\(output)")
        }

        @Test func outputFileHoldsExactlyWhatStdoutWouldAndLeavesNoTemporary() async throws {
            let tree = try Self.hostileTree("outfile")
            let out = try TempTree("outfile-dest")
            let reference = try runSweep(["sum", "."], directory: tree.root)
            let manifest = out.path("SHA256SUMS")
            let written = try runSweep(["sum", "-o", Arg(manifest), "."], directory: tree.root)
            #expect(written.status == .exited(0))
            #expect(written.stdout.isEmpty)
            #expect(written.stderrText == Self.fifoNote)
            #expect(try readFile(manifest) == reference.stdout)
            #expect(try directoryNames(out.root) == [utf8("SHA256SUMS")], "no .SHA256SUMS.sweep-tmp-* left behind")

            // Written inside the tree it is summing: neither the manifest nor its temporary is listed.
            let inside = try runSweep(["sum", "-o", "SUMS", "."], directory: tree.root)
            #expect(inside.status == .exited(0))
            #expect(try readFile(tree.path("SUMS")) == reference.stdout)
            #expect(try directoryNames(tree.root).filter { $0.starts(with: utf8(".SUMS.sweep-tmp-")) }.isEmpty)
        }

        @Test func redirectingIntoTheTreeDoesNotListTheManifest() async throws {
            let tree = try Self.hostileTree("redirect")
            let expected = try Self.peerSums("sha256sum", [], await Self.walkOrder(tree), in: tree.root)
            // As `sweep sum . > SHA256SUMS`: the shell creates the file before sweep walks.
            let output = try runSweep(["sum", "."], directory: tree.root, stdoutFile: tree.path("SHA256SUMS"))
            #expect(output.status == .exited(0))
            let manifest = try readFile(tree.path("SHA256SUMS"))
            #expect(manifest == expected)
            #expect(!String(decoding: manifest, as: UTF8.self).contains("SHA256SUMS"))
        }

        @Test func outputDoesNotDependOnJobsOrBackend() async throws {
            let tree = try Self.hostileTree("jobs")
            for index in 0..<80 { try tree.file("many/f\(index)", randomBytes(index * 997, seed: UInt64(index))) }
            let expected = try Self.peerSums("sha256sum", [], await Self.walkOrder(tree), in: tree.root)
            let variants: [[Arg]] = [["-j", "1"], ["-j", "8"], ["--io", "dispatch"], ["--io", "pread"], ["-j", "3", "--io", "dispatch"]]
            for flags in variants {
                let output = try runSweep(["sum"] + flags + ["."], directory: tree.root)
                #expect(output.status == .exited(0))
                #expect(output.stdout == expected, "\(flags.map { String(decoding: $0.bytes, as: UTF8.self) })")
            }
        }

        @Test func aMissingPathIsReportedAndTheRestIsStillPrinted() throws {
            let tree = try Self.hostileTree("missing")
            let arguments: [Arg] = ["plain.txt", "missing", "--", "-leading-dash", "nope/deeper"]
            let peer = try runProcess("sha256sum", arguments, directory: tree.root)
            #expect(peer.status == .exited(1))
            let output = try runSweep(["sum"] + arguments, directory: tree.root)
            #expect(output.status == .exited(1))
            #expect(output.stdout == peer.stdout)
            #expect(output.stderrText == "sweep: missing: No such file or directory\nsweep: nope/deeper: No such file or directory\n")
            // The same message as the peer's, after the program name.
            #expect(output.stderrText == peer.stderrText.replacingOccurrences(of: "sha256sum: ", with: "sweep: "))
        }

        @Test func nonUTF8ArgumentsArePassedByteForByte() throws {
            let tree = try Self.hostileTree("bytes")
            let arguments = [Arg(Self.badByteName), Arg(utf8("new\nline")), Arg(utf8("back\\slash"))]
            let expected = try Self.peerSums("sha256sum", [], arguments.map(\.bytes), in: tree.root)
            let output = try runSweep(["sum"] + arguments, directory: tree.root)
            #expect(output.status == .exited(0))
            #expect(output.stdout == expected, "\(output)")
            // And as a glob: --include with a 0xFF byte selects that file only.
            let filtered = try runSweep(["sum", "--include", Arg(utf8("bad") + [0xFF] + utf8("*")), "."], directory: tree.root)
            #expect(filtered.stdout == (try Self.peerSums("sha256sum", [], [utf8("./") + Self.badByteName], in: tree.root)))
        }

        @Test func followingLinksReportsTheLoopOnce() async throws {
            let tree = try Self.hostileTree("loop")
            try tree.symlink("sub/up", to: "..")
            try tree.symlink("link-to-plain", to: "plain.txt")
            var follow = WalkOptions()
            follow.followSymlinks = true
            let order = await Self.walkOrder(tree, follow)
            #expect(order.contains(utf8("./link-to-plain")))
            #expect(Set(order) == (try Self.findFiles(tree, follow: true)))
            let expected = try Self.peerSums("sha256sum", [], order, in: tree.root)

            let output = try runSweep(["sum", "-L", "."], directory: tree.root)
            #expect(output.status == .exited(1))
            #expect(output.stdout == expected, "\(output)")
            #expect(output.stderrText == Self.fifoNote + "sweep: ./sub/up: File system loop detected\n"
                || output.stderrText == "sweep: ./sub/up: File system loop detected\n" + Self.fifoNote, "\(output)")

            // Without -L links are neither followed nor reported.
            let plain = try runSweep(["sum", "."], directory: tree.root)
            #expect(plain.status == .exited(0))
            #expect(plain.stderrText == Self.fifoNote)
            #expect(!plain.stdoutText.contains("link-to-plain"))
        }

        /// Whether `sweep` can be run as nobody here (root, setpriv present, the binary reachable).
        static let canDropPrivileges: Bool = {
            guard runningAsRoot else { return false }
            let probe = try? runProcess("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Arg(sweepExecutable), "--version"])
            return probe?.status == .exited(0)
        }()

        @Test(.enabled(if: canDropPrivileges || !runningAsRoot, "needs setpriv and a sweep binary that nobody can run"))
        func unreadableFilesAndDirectoriesAreReportedAndSkipped() async throws {
            let tree = try TempTree("denied")
            try tree.openToEveryone()
            try tree.file("a.txt", "a")
            try tree.file("locked/secret-inside", "s")
            try tree.file("secret", "s")
            try tree.file("z.txt", "z")
            #expect(withCPath(tree.path("locked")) { chmod($0, 0o700) } == 0)
            #expect(withCPath(tree.path("secret")) { chmod($0, 0o600) } == 0)
            if !runningAsRoot {
                #expect(withCPath(tree.path("locked")) { chmod($0, 0) } == 0)
                #expect(withCPath(tree.path("secret")) { chmod($0, 0) } == 0)
            }
            defer { _ = withCPath(tree.path("locked")) { chmod($0, 0o755) } }
            let dropping: [Arg] = runningAsRoot ? ["--reuid=65534", "--regid=65534", "--clear-groups"] : []
            func run(_ tool: String, _ arguments: [Arg]) throws -> ProcessOutput {
                runningAsRoot
                    ? try runProcess("setpriv", dropping + [Arg(tool)] + arguments, directory: tree.root)
                    : try runProcess(tool, arguments, directory: tree.root)
            }
            let output = try run(sweepExecutable, ["sum", "."])
            #expect(output.status == .exited(1))
            #expect(output.stdout == (try Self.peerSums("sha256sum", [], [utf8("./a.txt"), utf8("./z.txt")], in: tree.root)))
            #expect(output.stderrText == "sweep: ./locked: Permission denied\nsweep: ./secret: Permission denied\n", "\(output)")
            // The peer's words for the unreadable file.
            let peer = try run("sha256sum", ["./secret"])
            #expect(peer.stderrText == "sha256sum: ./secret: Permission denied\n")
        }

        // MARK: - Inputs and filters

        @Test func filesFromANulSeparatedFindList() throws {
            let tree = try Self.hostileTree("from0")
            let found = try runProcess("find", [".", "-type", "f", "-print0"], directory: tree.root).stdout
            let list = splitRecords(found, delimiter: 0)
            #expect(list.count == 14)
            let expected = try Self.peerSums("sha256sum", [], list, in: tree.root)
            let lists = try TempTree("from0-list")
            let listFile = lists.path("list0")
            try writeFile(listFile, found)

            let fromFile = try runSweep(["sum", "--files-from", Arg(listFile), "-0"], directory: tree.root)
            #expect(fromFile.status == .exited(0))
            #expect(fromFile.stdout == expected, "\(fromFile)")
            let fromStdin = try runSweep(["sum", "--files-from", "-", "--null"], directory: tree.root, stdin: .bytes(found))
            #expect(fromStdin.stdout == expected)

            // Newline-separated, for names without a newline.
            let plainNames = list.filter { !$0.contains(0x0A) }
            var lfList: [UInt8] = []
            for name in plainNames { lfList += name + [0x0A] }
            let fromLines = try runSweep(["sum", "--files-from", "-"], directory: tree.root, stdin: .bytes(lfList))
            #expect(fromLines.stdout == (try Self.peerSums("sha256sum", [], plainNames, in: tree.root)))
        }

        /// The names in `sweep sum -z` output, in order.
        static func names(inNulOutput stdout: [UInt8]) -> [[UInt8]] {
            splitRecords(stdout, delimiter: 0).map { Array($0.dropFirst(64 + 2)) }
        }

        @Test func includeAndExcludeAgreeWithFind() throws {
            let tree = try Self.hostileTree("filters")
            try tree.file("sub/more.log", "m\n")
            try tree.file("logs/a.log", "a\n")
            try tree.file("logs/b.txt", "b\n")
            try tree.file("logs/sub/c.log", "c\n")
            let cases: [([Arg], [Arg])] = [
                (["--include", "*.log"], ["-type", "f", "-name", "*.log", "-print0"]),
                (["--include", "logs/*"], ["-type", "f", "-path", "./logs/*", "-print0"]),
                (["--exclude", "sub"], ["-name", "sub", "-prune", "-o", "-type", "f", "-print0"]),
                (["--exclude", "*.bin", "--exclude", "deep"], ["(", "-name", "deep", "-prune", ")", "-o", "-type", "f", "!", "-name", "*.bin", "-print0"]),
                (["--include", "*.log", "--exclude", "sub"], ["-name", "sub", "-prune", "-o", "-type", "f", "-name", "*.log", "-print0"]),
            ]
            for (filters, expression) in cases {
                let label = filters.map { String(decoding: $0.bytes, as: UTF8.self) }.joined(separator: " ")
                let output = try runSweep(["sum", "-z"] + filters + ["."], directory: tree.root)
                let listed = Self.names(inNulOutput: output.stdout)
                #expect(Set(listed) == (try Self.findFiles(tree, expression)), "\(label)")
                #expect(!listed.isEmpty, "\(label)")
                #expect(output.stdout == (try Self.peerSums("sha256sum", ["-z"], listed, in: tree.root)), "\(label)")
            }
        }

        // MARK: - Errors and signals

        @Test(arguments: [
            (["sum", "-j", "0"], "-j must be at least 1"),
            (["sum", "-0", "."], "-0/--null goes with --files-from"),
            (["sum", "-a", "sha3", "."], "sha3"),
            (["sum", "--io", "mmap", "."], "mmap"),
        ] as [([String], String)])
        func usageErrorsExitNonZeroWithAMessage(_ arguments: [String], _ message: String) throws {
            try Self.expectUsageError(arguments, message)
        }

        /// The bytes a process has read so far (`rchar` in /proc/PID/io).
        static func bytesRead(by pid: pid_t) -> Int {
            guard let io = try? readFile(utf8("/proc/\(pid)/io")) else { return 0 }
            for line in String(decoding: io, as: UTF8.self).split(separator: "\n") where line.hasPrefix("rchar:") {
                return Int(line.dropFirst("rchar:".count).trimmingCharacters(in: .whitespaces)) ?? 0
            }
            return 0
        }

        @Test func sigintDuringALargeFileExits130AndLeavesNoOutput() throws {
            let tree = try TempTree("sigint")
            let big = tree.path("big")
            // 4 GiB, sparse: nothing on disk, seconds of hashing.
            try writeFile(big, [])
            #expect(withCPath(big) { truncate($0, 4 << 30) } == 0)
            let out = try TempTree("sigint-out")
            let manifest = out.path("SUMS")
            let child = try spawnProcess(sweepExecutable, ["sum", "-j", "1", "--io", "pread", "-o", Arg(manifest), Arg(big)])
            // Interrupt once it is well into the big file.
            let reading = blockUntil(atMost: 60) { child.poll() || Self.bytesRead(by: child.pid) > 64 << 20 }
            try #require(reading && !child.poll(), "sweep finished (or never started reading) before it could be interrupted")
            child.signal(SIGINT)
            let output = try #require(child.wait(atMost: 60), "sweep did not exit after SIGINT")
            #expect(output.status == .exited(130), "\(output)")
            #expect(!pathExists(manifest), "no output file")
            let left = try directoryNames(out.root)
            #expect(left.isEmpty, "no temporary left: \(left.map(describeBytes))")
        }

        @Test func sigintWhileWaitingOnAPipeExits130() throws {
            // `sweep sum -` on a terminal or an idle pipe: Ctrl-C must end it, as it ends sha256sum.
            let child = try spawnProcess(sweepExecutable, ["sum", "-"], stdin: .pipe)
            defer { child.closeStdin() }
            let writer = try #require(child.stdinWriter)
            #expect(write(writer, "partial", 7) == 7)
            // Once the pipe is empty again, sweep has read those bytes and is waiting in read() for more.
            let reading = blockUntil(atMost: 30) {
                var pending: CInt = 0
                return child.poll() || (ioctl(writer, UInt(FIONREAD), &pending) == 0 && pending == 0)
            }
            try #require(reading && !child.poll())
            child.signal(SIGINT)
            let output = child.wait(atMost: 5)
            #expect(output?.status == .exited(130), "sweep was still running 5 s after SIGINT, blocked reading standard input")
        }
    }
}

// MARK: - sha256sum's habits: standard input, named streams, -b/-t, -c, usage errors

extension EndToEndTests.SumCommandTests {
    /// `sh -c SCRIPT` with `$0` the sweep binary, in `directory`.
    static func shell(_ script: String, in directory: [UInt8], shell: String = "sh") async throws -> ProcessOutput {
        try await runProcessAsync(shell, ["-c", Arg(script), Arg(sweepExecutable)], directory: directory)
    }

    /// With no path, standard input is hashed and named `-`, from a pipe and from a file, in
    /// every format: what sha256sum (md5sum) prints, byte for byte.
    @Test(arguments: [[], ["--tag"], ["-b"], ["-z"], ["-a", "md5"], ["-a", "md5", "--tag"]] as [[String]])
    func noPathReadsStandardInputAsSha256sumDoes(_ flags: [String]) async throws {
        let tree = try TempTree("sum-stdin")
        try tree.file("input", randomBytes(700_000, seed: 11))
        let tool = flags.contains("md5") ? "md5sum" : "sha256sum"
        let toolFlags = flags.filter { $0 != "-a" && $0 != "md5" }.joined(separator: " ")
        let sweepFlags = flags.joined(separator: " ")
        for source in ["cat input |", "<input"] {
            let sweep = try await Self.shell("\(source) \"$0\" sum \(sweepFlags)", in: tree.root)
            let peer = try await Self.shell("\(source) \(tool) \(toolFlags)", in: tree.root)
            #expect(peer.status == .exited(0))
            #expect(sweep.status == .exited(0) && sweep.stderr.isEmpty, "\(flags) \(source): \(sweep)")
            #expect(sweep.stdout == peer.stdout, "\(flags) \(source): \(sweep) / \(tool): \(peer)")
        }
    }

    /// A process substitution, /dev/null and a FIFO named on the command line are read like
    /// files, as sha256sum reads them; a FIFO met while walking is still skipped, never opened.
    @Test func namedStreamsAreReadButWalkedOnesAreNot() async throws {
        let tree = try Self.hostileTree("sum-streams")
        let substituted = try await Self.shell("\"$0\" sum <(printf 'substituted\\n') /dev/null", in: tree.root, shell: "bash")
        let peer = try await runProcessAsync("bash", ["-c", "sha256sum <(printf 'substituted\\n') /dev/null"], directory: tree.root)
        #expect(substituted.status == .exited(0) && substituted.stderr.isEmpty, "\(substituted)")
        #expect(substituted.stdout == peer.stdout, "\(substituted) / \(peer)")

        // The tree's FIFO named, then the tree walked: read once, skipped once.
        let writer = try spawnProcess("sh", ["-c", "printf 'through the fifo' > fifo"], directory: tree.root)
        let both = try await runSweepAsync(["sum", "fifo", "sub"], directory: tree.root)
        #expect(writer.wait(atMost: 10) != nil, "the FIFO was never read")
        let expected = try Self.peer("sha256sum", [], in: tree.root, stdin: .bytes(utf8("through the fifo"))).stdout
        #expect(both.status == .exited(0), "\(both)")
        #expect(both.stdoutText.hasPrefix(String(decoding: expected.prefix(64), as: UTF8.self) + "  fifo\n"), "\(both)")
        let walked = try await runSweepAsync(["sum", "."], directory: tree.root)
        #expect(walked.stderrText == Self.fifoNote, "a walked FIFO is skipped: \(walked)")
    }

    /// -b marks every name with `*` (after the escape mark, as sha256sum -b), -t or --tag after
    /// it turns that off, -b with --tag has no mark: the peer's output byte for byte.
    @Test func binaryMarkerIsSha256sums() async throws {
        let tree = try Self.hostileTree("sum-binary")
        let order = await Self.walkOrder(tree)
        for flags in [["-b"], ["--binary"], ["-b", "-t"], ["--text"], ["-t", "--tag"], ["-b", "--tag"], ["-b", "-z"]] as [[Arg]] {
            let expected = try await awaitOffPool { try Self.peerSums("sha256sum", flags, order, in: tree.root) }
            let output = try await runSweepAsync(["sum"] + flags + ["."], directory: tree.root)
            #expect(output.status == .exited(0))
            #expect(output.stdout == expected, "\(flags.map { String(decoding: $0.bytes, as: UTF8.self) }): \(output)")
        }
    }

    /// Options that make no sense together are refused as coreutils refuses them: its message,
    /// `Try '… --help'`, exit 1, in the order coreutils checks them.
    @Test(arguments: [
        ["--tag", "-c"], ["-c", "--tag"], ["--tag", "-t"], ["--tag", "--text"], ["-c", "-b"], ["-c", "--text"], ["-c", "-b", "--tag"],
        ["--ignore-missing"], ["--status"], ["--quiet"], ["--warn"], ["-w"], ["--strict"], ["--status", "--warn"],
        ["--warn", "--status"], ["--ignore-missing", "--strict"], ["--quiet", "--strict"], ["--strict", "--status"],
    ] as [[String]])
    func conflictingOptionsAreCoreutilsUsageErrors(_ flags: [String]) async throws {
        let tree = try TempTree("sum-usage")
        try tree.file("f", "f\n")
        let arguments = flags.map { Arg($0) } + ["f"]
        let peer = try await runProcessAsync("sha256sum", arguments, directory: tree.root)
        let sweep = try await runSweepAsync(["sum"] + arguments, directory: tree.root)
        #expect(peer.status == .exited(1), "\(peer)")
        #expect(sweep.status == peer.status, "\(flags): \(sweep)")
        #expect(sweep.stdout.isEmpty)
        let normalized = sweep.stderrText.replacingOccurrences(of: "sweep: ", with: "sha256sum: ")
            .replacingOccurrences(of: "'sweep sum --help'", with: "'sha256sum --help'")
        #expect(normalized == peer.stderrText, "\(flags): \(sweep)")
    }

    /// `check` refuses -b, -t and --tag in the same words as `sha256sum -c`.
    @Test(arguments: [["-b"], ["--text"], ["--tag"]] as [[String]])
    func checkRefusesBinaryTextAndTagAsSha256sumC(_ flags: [String]) async throws {
        let tree = try TempTree("check-usage")
        try tree.file("SUMS", "")
        let peer = try await runProcessAsync("sha256sum", ["-c"] + flags.map { Arg($0) } + ["SUMS"], directory: tree.root)
        let sweep = try await runSweepAsync(["check"] + flags.map { Arg($0) } + ["SUMS"], directory: tree.root)
        #expect(peer.status == .exited(1) && sweep.status == .exited(1), "\(sweep)")
        let normalized = sweep.stderrText.replacingOccurrences(of: "sweep: ", with: "sha256sum: ")
            .replacingOccurrences(of: "'sweep check --help'", with: "'sha256sum --help'")
        #expect(normalized == peer.stderrText, "\(sweep)")
    }

    /// `sum -c` is `check`: with -a sha256, sha256sum -c's output and status, flag by flag and
    /// manifest by manifest (the fixture of CheckCommandTests).
    @Test(arguments: [[], ["--quiet"], ["--status"], ["--warn", "--ignore-missing"], ["-w", "--strict"]] as [[String]])
    func dashCIsSha256sumDashC(_ flags: [String]) async throws {
        let tree = try EndToEndTests.CheckCommandTests.fixture("sum-c")
        for (index, scenario) in EndToEndTests.CheckCommandTests.scenarios.enumerated() {
            let stdin: StandardInput = scenario.standardInput.map { .file(tree.path($0)) } ?? .null
            let tail = flags.map { Arg($0) } + scenario.manifests.map { Arg($0) }
            let peer = try await runProcessAsync("sha256sum", ["-c"] + tail, directory: tree.root, stdin: stdin)
            let check: Arg = index.isMultiple(of: 2) ? "-c" : "--check"
            let sweep = try await runSweepAsync(["sum", check, "-a", "sha256"] + tail, directory: tree.root, stdin: stdin)
            EndToEndTests.CheckCommandTests.expectSame(peer, sweep, tool: "sha256sum", "sum \(String(decoding: check.bytes, as: UTF8.self)) \(flags) / \(scenario)")
        }
        // Without -a it is `check` without -a, to the byte.
        let viaSum = try await runSweepAsync(["sum", "-c"] + flags.map { Arg($0) } + ["mixed"], directory: tree.root)
        let viaCheck = try await runSweepAsync(["check"] + flags.map { Arg($0) } + ["mixed"], directory: tree.root)
        #expect(viaSum.status == viaCheck.status && viaSum.stdout == viaCheck.stdout && viaSum.stderr == viaCheck.stderr, "\(viaSum)")
    }
}
