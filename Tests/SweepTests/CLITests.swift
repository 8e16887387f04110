import Foundation
import SystemPackage
import Testing

@testable import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The `sweep` binary end to end, compared byte for byte with the peers run on the same files:
/// sha*sum/md5sum, python's zlib.crc32, wc -l, find.
///
/// The walk order that the expected output follows comes from the library's walker (whose order
/// WalkerTests pins down literally), and the set of files from `find`; the content of every line
/// comes from the peer.
@Suite(.timeLimit(.minutes(2)))
struct CLITests {
    // MARK: - Fixtures

    static let badByteName: [UInt8] = utf8("bad") + [0xFF] + utf8("name")

    /// A tree with hostile names: spaces, a leading dash, LF, CR, backslash, a 0xFF byte, an empty
    /// file, a FIFO, 200 levels of directories, and a multi-chunk file.
    static func hostileTree(_ label: String = "cli") throws -> TempTree {
        let tree = try TempTree(label)
        try tree.file("plain.txt", "hello\n")
        try tree.file("with space.txt", randomBytes(3000, seed: 1))
        try tree.file("-leading-dash", "dash\n")
        try tree.file(utf8("new\nline"), utf8("newline\n"))
        try tree.file(utf8("carriage\rreturn"), utf8("cr\r\n"))
        try tree.file(utf8("back\\slash"), utf8("backslash"))
        try tree.file(utf8("all \\ of\n them\r"), utf8("everything"))
        try tree.file(badByteName, randomBytes(100, seed: 2))
        try tree.file("empty", [])
        try tree.file(".hidden", "hidden\n")
        try tree.file("sub/inner.log", "one\ntwo\n")
        try tree.file("sub/-dash dir/x", "x")
        try tree.file("big.bin", randomBytes(1_300_000, seed: 3))
        try tree.directory("deep")
        let deep = try tree.nested(utf8("deep"), depth: 200)
        try writeFile(tree.path(joinPath(deep, utf8("leaf"))), utf8("at the bottom\n"))
        try tree.fifo("fifo")
        return tree
    }

    /// The files sweep lists under `tree`, spelled as when walking `.` from inside it, in walk order.
    static func walkOrder(_ tree: TempTree, _ options: WalkOptions = WalkOptions()) async -> [[UInt8]] {
        await walkedFiles([tree.root], options).map { utf8(".") + $0.dropFirst(tree.root.count) }
    }

    /// The regular files `find` lists under `tree` (run inside it), as a set.
    static func findFiles(_ tree: TempTree, _ expression: [Arg] = ["-type", "f", "-print0"], follow: Bool = false) throws -> Set<[UInt8]> {
        let output = try runProcess("find", (follow ? ["-L"] : []) + ["."] + expression, directory: tree.root)
        return Set(splitRecords(output.stdout, delimiter: 0))
    }

    /// Runs a peer inside `directory`, requiring success.
    static func peer(_ tool: String, _ arguments: [Arg], in directory: [UInt8], stdin: StandardInput = .null) throws -> ProcessOutput {
        let output = try runProcess(tool, arguments, directory: directory, stdin: stdin)
        guard output.status == .exited(0) else { throw OracleError(tool: tool, output: output) }
        return output
    }

    /// `tool` over `paths` as `--`-protected arguments.
    static func peerSums(_ tool: String, _ flags: [Arg], _ paths: [[UInt8]], in directory: [UInt8]) throws -> [UInt8] {
        try peer(tool, flags + ["--"] + paths.map(Arg.init), in: directory).stdout
    }

    static let fifoNote = "sweep: ./fifo: skipped: FIFO, not a regular file\n"

    // MARK: - sweep sum

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

        // No argument means `.`.
        #expect(try runSweep(["sum"], directory: tree.root).stdout == expected)
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

    // MARK: - sweep lines and sweep run

    /// A tree of text-ish files with plain names, for commands whose output is parsed.
    static func textTree(_ label: String) throws -> TempTree {
        let tree = try TempTree(label)
        try tree.file("abc", "a\nb\nc")
        try tree.file("crs", "\r\r\r")
        try tree.file("crlf", "x\r\ny\r\n")
        try tree.file("empty", "")
        try tree.file("binary", randomBytes(300_000, seed: 6))
        var long: [UInt8] = []
        var generator = SplitMix64(seed: 8)
        for _ in 0..<20_000 { long += [UInt8](repeating: 0x61, count: Int(generator.next() % 120)) + [0x0A] }
        try tree.file("dir/long.txt", long)
        try tree.file("dir/deeper/one", "one\n")
        try tree.file("with space", "s\n\n")
        return tree
    }

    /// `(count, name)` per line of `sweep lines` output.
    static func parseLines(_ stdout: [UInt8]) -> [(UInt64, String)] {
        String(decoding: stdout, as: UTF8.self).split(separator: "\n").map { line in
            let trimmed = line.drop(while: { $0 == " " })
            let digits = trimmed.prefix(while: { $0.isNumber })
            return (UInt64(digits) ?? .max, String(trimmed.dropFirst(digits.count + 1)))
        }
    }

    @Test func linesCountsEqualWc() async throws {
        let tree = try Self.textTree("lines")
        let order = await Self.walkOrder(tree)
        let wc = try Oracle.lineCounts(of: order, directory: tree.root)
        let output = try runSweep(["lines", "."], directory: tree.root)
        #expect(output.status == .exited(0))
        let rows = Self.parseLines(output.stdout)
        #expect(rows.map(\.1) == order.map { String(decoding: $0, as: UTF8.self) } + ["total"])
        #expect(rows.map(\.0) == wc.counts + [wc.total])

        // One file: no total line, as wc.
        let single = try runSweep(["lines", "abc"], directory: tree.root)
        #expect(Self.parseLines(single.stdout).map(\.0) == [2])
        #expect(Self.parseLines(single.stdout).map(\.1) == ["abc"])

        // Standard input.
        let stdin = try runSweep(["lines", "-"], directory: tree.root, stdin: .file(tree.path("dir/long.txt")))
        let wcStdin = try runProcess("wc", ["-l"], stdin: .file(tree.path("dir/long.txt")))
        #expect(Self.parseLines(stdin.stdout).map(\.0) == [UInt64(wcStdin.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))!])
    }

    @Test func linesQuotesANameWithANewlineAsWcDoes() throws {
        // wc -l prints a name containing LF shell-quoted ('./new'$'\n''line'), so each row stays one
        // line; other names are printed raw. Rows are compared without wc's input-dependent padding.
        let tree = try TempTree("lines-names")
        try tree.file("plain", "1\n")
        try tree.file(utf8("new\nline"), utf8("1\n2\n"))
        try tree.file("with space", "\n\n\n")
        try tree.file(utf8("back\\slash"), utf8("x\n"))
        let names: [Arg] = ["./plain", Arg(utf8("./new\nline")), "./with space", Arg(utf8("./back\\slash"))]
        let wc = try Self.peer("wc", ["-l", "--"] + names, in: tree.root)
        let output = try runSweep(["lines"] + names, directory: tree.root)
        #expect(output.status == .exited(0))
        let rows = Self.parseLines(output.stdout).map { "\($0.0) \($0.1)" }
        let expected = Self.parseLines(wc.stdout).map { "\($0.0) \($0.1)" }
        #expect(rows == expected, "sweep: \(describeBytes(output.stdout))\nwc: \(describeBytes(wc.stdout))")
    }

    @Test func linesReportsAMissingFile() throws {
        let tree = try Self.textTree("lines-missing")
        let output = try runSweep(["lines", "abc", "absent", "crlf"], directory: tree.root)
        #expect(output.status == .exited(1))
        #expect(output.stderrText == "sweep: absent: No such file or directory\n")
        #expect(Self.parseLines(output.stdout).map(\.0).prefix(2) == [2, 2])
    }

    @Test func runGivesEveryStageItsValue() async throws {
        let tree = try Self.textTree("run")
        let order = await Self.walkOrder(tree)
        let sha = try Oracle.hexDigests(.sha256, of: order, directory: tree.root)
        let wc = try Oracle.lineCounts(of: order, directory: tree.root)
        let output = try runSweep(["run", "-s", "sha256", "-s", "lines", "."], directory: tree.root)
        #expect(output.status == .exited(0))
        let expected = zip(order, zip(sha, wc.counts)).map { path, values in
            "sha256=\(values.0) lines=\(values.1)  \(String(decoding: path, as: UTF8.self))"
        }
        #expect(output.stdoutText.split(separator: "\n").map(String.init) == expected)

        let crc = try Oracle.hexDigests(.crc32, of: order, directory: tree.root)
        let md5 = try Oracle.hexDigests(.md5, of: order, directory: tree.root)
        let second = try runSweep(["run", "-s", "crc32", "-s", "md5", "-j", "1", "."], directory: tree.root)
        #expect(second.stdoutText.split(separator: "\n").map(String.init)
            == zip(order, zip(crc, md5)).map { "crc32=\($1.0) md5=\($1.1)  \(String(decoding: $0, as: UTF8.self))" })
    }

    @Test func jsonLinesParseAndCarryExactPaths() async throws {
        let tree = try Self.hostileTree("json")
        let order = await Self.walkOrder(tree)
        let sha = try Oracle.hexDigests(.sha256, of: order, directory: tree.root)
        let wc = try Oracle.lineCounts(of: order, directory: tree.root)
        let output = try runSweep(["run", "-s", "sha256", "-s", "lines", "--json", ".", "absent"], directory: tree.root)
        #expect(output.status == .exited(1))
        let lines = splitRecords(output.stdout, delimiter: 0x0A)
        let objects = try lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], "\(describeBytes(line))")
        }
        #expect(objects.count == order.count + 3, "files, the FIFO, the missing path, the summary")

        func exactPath(_ object: [String: Any]) -> [UInt8]? {
            if let base64 = object["path_base64"] as? String { return Data(base64Encoded: base64).map { Array($0) } }
            return (object["path"] as? String).map(utf8)
        }
        let processed = objects.filter { $0["status"] as? String == "ok" }
        #expect(processed.compactMap(exactPath) == order)
        #expect(processed.map { $0["sha256"] as? String } == sha)
        #expect(processed.map { ($0["lines"] as? NSNumber)?.uint64Value } == wc.counts)
        for (object, path) in zip(processed, order) {
            let size = try statusOf(tree.path(Array(path.dropFirst(2)))).st_size
            #expect((object["size"] as? NSNumber)?.int64Value == Int64(size))
        }
        // Only the name that is not UTF-8 needs base64, and it decodes to the exact bytes.
        let withBase64 = objects.filter { $0["path_base64"] != nil }
        #expect(withBase64.count == 1)
        #expect(withBase64.first.flatMap(exactPath) == utf8("./") + Self.badByteName)

        let skipped = objects.filter { $0["status"] as? String == "skipped" }
        #expect(skipped.map { $0["path"] as? String } == ["./fifo"])
        let failed = objects.filter { $0["status"] as? String == "error" }
        #expect(failed.map { $0["path"] as? String } == ["absent"])
        #expect(failed.first?["errno"] as? Int == Int(ENOENT))
        #expect(failed.first?["error"] as? String == "No such file or directory")

        let summary = try #require(objects.last?["summary"] as? [String: Any])
        #expect(summary["files"] as? Int == order.count)
        #expect(summary["failures"] as? Int == 1)
        #expect(summary["skipped"] as? Int == 1)
        #expect((summary["totals"] as? [String: Any])?["lines"] as? UInt64 == wc.total
            || ((summary["totals"] as? [String: Any])?["lines"] as? NSNumber)?.uint64Value == wc.total)
        #expect(objects.dropLast().allSatisfy { $0["summary"] == nil })
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
        (["lines", "--jobs=-3"], "-j must be at least 1"),
        (["run", "."], "give at least one stage with -s"),
        (["run", "-s", "bogus", "."], "unknown stage 'bogus'"),
        (["sum", "-0", "."], "-0/--null goes with --files-from"),
        (["sum", "-a", "sha3", "."], "sha3"),
        (["sum", "--io", "mmap", "."], "mmap"),
        (["frobnicate"], "frobnicate"),
    ] as [([String], String)])
    func usageErrorsExitNonZeroWithAMessage(_ arguments: [String], _ message: String) throws {
        let tree = try TempTree("usage")
        try tree.file("f", "f")
        let output = try runSweep(arguments.map { Arg($0) }, directory: tree.root)
        #expect(output.status != .exited(0), "\(output)")
        #expect(output.status != .exited(1), "a usage error is not a file failure: \(output)")
        #expect(output.stdout.isEmpty)
        #expect(output.stderrText.contains(message), "\(output)")
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
