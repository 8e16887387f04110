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
    /// `sweep check` against the real `sha256sum -c` (and `md5sum -c`, `sha512sum -c`) on the same
    /// manifests and files, flag by flag: standard output byte for byte, standard error after the
    /// program's name (`sha256sum: ` / `sweep: ` stripped at line starts), and the exit status.
    ///
    /// sweep runs with `-a sha256` where the peer is sha256sum, so that it rejects other algorithms'
    /// lines exactly as sha256sum does. The lines naming existing files are written by the peer itself
    /// (`sha256sum FILE…`), so their escaping is the peer's.
    @Suite(.timeLimit(.minutes(3 * testTimeScale)))
    struct CheckCommandTests: CommandLineFixtures {
        // MARK: - Fixtures

        static let newlineName: [UInt8] = utf8("new\nline")
        static let carriageReturnName: [UInt8] = utf8("cr\rname")
        static let backslashName: [UInt8] = utf8("back\\slash")

        /// The directory with the listed files and the manifests, named as the scenarios use them:
        /// - `ok`: two matching lines;
        /// - `names`: names with a space, `\`, LF (escaped), CR, a 0xFF byte, some as CRLF lines, and
        ///   missing names with a space, LF and `\` (their open errors are quoted by the program);
        /// - `mixed`: a comment, matches, a mismatch, CRLF, a missing file, a directory, improperly
        ///   formatted lines (junk, another algorithm's tag and length, blanks, a bad escape), `*`, upper-case hex;
        /// - `all improper`, `only missing`.
        static func fixture(_ label: String = "check") throws -> TempTree {
            let tree = try TempTree(label)
            try tree.file("a", "hello\n")
            try tree.file("b", "bee\n")
            try tree.file("with space", "spaced\n")
            try tree.file(backslashName, utf8("backslash\n"))
            try tree.file(newlineName, utf8("newline\n"))
            try tree.file(carriageReturnName, utf8("carriage return\n"))
            try tree.file(badByteName, utf8("not UTF-8\n"))
            try tree.file("changed", "before\n")
            try tree.file("dir/inside", "in a directory\n")
            let root = tree.root

            // The peer writes the lines for the files that exist.
            func sums(_ names: [[UInt8]], _ flags: [Arg] = []) throws -> [[UInt8]] {
                splitRecords(try Self.peerSums("sha256sum", flags, names, in: root), delimiter: 0x0A)
            }
            let hexA = try Oracle.hexDigests(.sha256, of: [utf8("a")], directory: root)[0]
            let hexB = try Oracle.hexDigests(.sha256, of: [utf8("b")], directory: root)[0]
            let md5A = try Oracle.hexDigests(.md5, of: [utf8("a")], directory: root)[0]
            func lines(_ lines: [[UInt8]]) -> [UInt8] { lines.flatMap { $0 + [0x0A] } }

            try tree.file("ok", lines(try sums([utf8("a"), utf8("b")])))

            let odd = try sums([utf8("with space"), backslashName, newlineName, carriageReturnName, badByteName])
            var names = lines(odd)
            // CRLF: a plain line and an escaped one.
            names += try sums([utf8("with space")])[0] + utf8("\r\n")
            names += try sums([newlineName])[0] + utf8("\r\n")
            // Missing files whose names the error message must quote: a space, an LF, a backslash.
            names += utf8("\(hexA)  gone away\n")
            names += utf8("\\\(hexA)  gone\\nagain\n")
            names += utf8("\\\(hexA)  gone\\\\back\n")
            try tree.file("names", names)

            var mixed = utf8("# a comment\n")
            mixed += lines(try sums([utf8("a"), utf8("b"), utf8("changed"), badByteName]))
            mixed += utf8("\(hexA)  a\r\n")
            mixed += utf8("\(hexA)  missing\n")
            mixed += utf8("\(hexA)  dir\n")
            mixed += utf8("not a checksum line\n")
            mixed += utf8("MD5 (a) = \(md5A)\n")
            mixed += utf8("\(md5A)  a\n")
            mixed += utf8("   \n")
            mixed += utf8("\n")
            mixed += utf8("\\\(hexA)  bad\\qescape\n")
            mixed += utf8("\(hexA) *a\n")
            mixed += utf8("  \(hexB.uppercased())  b\n")
            mixed += utf8("SHA256 (a) = \(hexA)\n")
            try tree.file("mixed", mixed)
            // After the manifest was written: a mismatch.
            try writeFile(tree.path("changed"), utf8("after\n"))

            try tree.file("all improper", "junk\nmore junk\n# only a comment\n")
            try tree.file("only missing", "\(hexA)  missing-one\n\(hexA)  missing-two\n")
            return tree
        }

        /// One way of handing manifests over.
        struct Scenario: Sendable, CustomStringConvertible {
            var label: String
            /// The arguments after the flags.
            var manifests: [String]
            /// The manifest file given as standard input, if any.
            var standardInput: String?

            var description: String { label }
        }

        static let scenarios: [Scenario] = [
            Scenario(label: "all OK", manifests: ["ok"]),
            Scenario(label: "odd names", manifests: ["names"]),
            Scenario(label: "mixed", manifests: ["mixed"]),
            Scenario(label: "all improper", manifests: ["all improper"]),
            Scenario(label: "only missing", manifests: ["only missing"]),
            Scenario(label: "two manifests", manifests: ["ok", "mixed"]),
            Scenario(label: "mixed on stdin", manifests: ["-"], standardInput: "mixed"),
            Scenario(label: "stdin without an argument", manifests: [], standardInput: "ok"),
            Scenario(label: "stdin and a file", manifests: ["-", "all improper"], standardInput: "ok"),
            Scenario(label: "all improper on stdin", manifests: ["-"], standardInput: "all improper"),
            Scenario(label: "only missing on stdin", manifests: ["-"], standardInput: "only missing"),
            Scenario(label: "missing manifest", manifests: ["no such manifest"]),
            Scenario(label: "manifest is a directory", manifests: ["dir"]),
        ]

        /// `text` with `program: ` removed at the start of each line.
        static func withoutProgramName(_ text: [UInt8], _ program: String) -> [UInt8] {
            let prefix = utf8(program + ": ")
            var out: [UInt8] = []
            for line in splitRecords(text, delimiter: 0x0A) {
                out += line.starts(with: prefix) ? Array(line.dropFirst(prefix.count)) : line
                out.append(0x0A)
            }
            if !text.isEmpty && text.last != 0x0A { out.removeLast() }
            return out
        }

        /// Runs `tool -c FLAGS MANIFESTS` and `sweep check -a ALG FLAGS MANIFESTS` in `directory`,
        /// optionally as user nobody.
        static func runBoth(
            _ tool: String, _ flags: [String], _ manifests: [String], standardInput: String?, in directory: [UInt8],
            asNobody: Bool = false
        ) throws -> (peer: ProcessOutput, sweep: ProcessOutput) {
            let algorithm = String(tool.dropLast("sum".count))
            let stdin: StandardInput = standardInput.map { .file(joinPath(directory, utf8($0))) } ?? .null
            let tail = flags.map { Arg($0) } + manifests.map { Arg($0) }
            func run(_ executable: String, _ arguments: [Arg]) throws -> ProcessOutput {
                asNobody
                    ? try runProcess("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Arg(executable)] + arguments,
                                     directory: directory, stdin: stdin)
                    : try runProcess(executable, arguments, directory: directory, stdin: stdin)
            }
            return (try run(tool, ["-c"] + tail), try run(sweepExecutable, ["check", "-a", Arg(algorithm)] + tail))
        }

        /// Expects the same exit status, the same stdout and the same stderr after the program names.
        static func expectSame(
            _ peer: ProcessOutput, _ sweep: ProcessOutput, tool: String, _ label: String,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            #expect(sweep.status == peer.status, "\(label): exit status; \(tool): \(peer); sweep: \(sweep)", sourceLocation: sourceLocation)
            // Compared as renderings (one-to-one with the bytes) so that a failure reads as text.
            #expect(describeBytes(sweep.stdout) == describeBytes(peer.stdout), "\(label): stdout", sourceLocation: sourceLocation)
            #expect(
                describeBytes(withoutProgramName(sweep.stderr, "sweep")) == describeBytes(withoutProgramName(peer.stderr, tool)),
                "\(label): stderr", sourceLocation: sourceLocation)
        }

        // MARK: - sha256sum -c, flag by flag

        /// Flags, alone and combined, whose meaning is the same for both programs. (`--quiet --status`:
        /// the last of --status/--quiet/--warn wins in coreutils, and sweep's --status hides everything
        /// --quiet would print, so the two agree; the other orders are in `conflictingOutputFlags`.)
        static let flagSets: [[String]] = [
            [], ["--quiet"], ["--status"], ["--strict"], ["--warn"], ["--ignore-missing"],
            ["--quiet", "--strict"], ["--ignore-missing", "--quiet"], ["--status", "--ignore-missing"],
            ["--strict", "--warn"], ["--status", "--strict"], ["--warn", "--ignore-missing"],
            ["--quiet", "--status"], ["--ignore-missing", "--strict", "--quiet"],
        ]

        @Test(arguments: flagSets)
        func sameOutputAndStatusAsSha256sum(_ flags: [String]) throws {
            let tree = try Self.fixture()
            for scenario in Self.scenarios {
                let (peer, sweep) = try Self.runBoth("sha256sum", flags, scenario.manifests, standardInput: scenario.standardInput, in: tree.root)
                let label = "\(flags.joined(separator: " ")) / \(scenario)"
                Self.expectSame(peer, sweep, tool: "sha256sum", label)
            }
        }

        /// The peer is not vacuous: the fixture gives each outcome the flags are about.
        @Test func theFixtureCoversEveryOutcome() throws {
            let tree = try Self.fixture()
            let (mixed, _) = try Self.runBoth("sha256sum", [], ["mixed"], standardInput: nil, in: tree.root)
            #expect(mixed.status == .exited(1))
            for line in ["a: OK", "changed: FAILED", "missing: FAILED open or read", "dir: FAILED open or read"] {
                #expect(mixed.stdoutText.contains(line + "\n"), "\(mixed)")
            }
            for message in ["missing: No such file or directory", "dir: Is a directory", "lines are improperly formatted",
                            "WARNING: 2 listed files could not be read", "WARNING: 1 computed checksum did NOT match"] {
                #expect(mixed.stderrText.contains(message), "\(mixed)")
            }
            let (names, _) = try Self.runBoth("sha256sum", [], ["names"], standardInput: nil, in: tree.root)
            #expect(names.stdoutText.hasPrefix("with space: OK\n"), "\(names)")
            #expect(names.stdoutText.contains("\\new\\nline: OK\n"), "an escaped name: \(names)")
            #expect(names.stdoutText.contains("gone away: FAILED open or read\n"), "\(names)")
            #expect(names.stderrText.contains("'gone away': No such file or directory"), "\(names)")
            let (improper, _) = try Self.runBoth("sha256sum", [], ["all improper"], standardInput: nil, in: tree.root)
            #expect(improper.stderrText == "sha256sum: 'all improper': no properly formatted checksum lines found\n")
            let (missing, _) = try Self.runBoth("sha256sum", ["--ignore-missing"], ["only missing"], standardInput: nil, in: tree.root)
            #expect(missing.status == .exited(1))
            #expect(missing.stderrText == "sha256sum: 'only missing': no file was verified\n")
            let (ok, _) = try Self.runBoth("sha256sum", ["--strict"], ["ok"], standardInput: nil, in: tree.root)
            #expect(ok.status == .exited(0))
            #expect(ok.stdoutText == "a: OK\nb: OK\n")
        }

        /// In coreutils --status, --quiet and --warn each cancel the other two, and the last one given
        /// wins; sweep applies all of them. The exit status still agrees; the output does not.
        @Test(arguments: [["--status", "--warn"], ["--warn", "--status"], ["--quiet", "--warn"], ["--warn", "--quiet"], ["--status", "--quiet"]])
        func conflictingOutputFlags(_ flags: [String]) throws {
            let tree = try Self.fixture()
            let (peer, sweep) = try Self.runBoth("sha256sum", flags, ["mixed"], standardInput: nil, in: tree.root)
            #expect(sweep.status == peer.status, "\(peer)\n\(sweep)")
            // coreutils lets the last of --status/--quiet/--warn win, and so does sweep.
            #expect(describeBytes(sweep.stdout) == describeBytes(peer.stdout), "stdout")
            #expect(describeBytes(Self.withoutProgramName(sweep.stderr, "sweep")) == describeBytes(Self.withoutProgramName(peer.stderr, "sha256sum")),
                    "stderr")
        }

        /// Without `-a`, a manifest of SHA-256 lines only gets sha256sum's answer too.
        @Test(arguments: [[], ["--quiet"], ["--status"], ["--strict"]] as [[String]])
        func withoutAnAlgorithmSha256ManifestsAgreeToo(_ flags: [String]) throws {
            let tree = try Self.fixture()
            for manifests in [["ok"], ["names"], ["ok", "names"]] {
                let tail = flags.map { Arg($0) } + manifests.map { Arg($0) }
                let peer = try runProcess("sha256sum", ["-c"] + tail, directory: tree.root)
                let sweep = try runSweep(["check"] + tail, directory: tree.root)
                Self.expectSame(peer, sweep, tool: "sha256sum", "no -a, \(flags) \(manifests)")
            }
        }

        // MARK: - md5sum -c and sha512sum -c

        @Test(arguments: ["md5sum", "sha512sum"])
        func sameOutputAndStatusAsOtherTools(_ tool: String) throws {
            let tree = try Self.fixture("check-\(tool)")
            let names: [[UInt8]] = [utf8("a"), utf8("with space"), Self.newlineName, Self.badByteName, utf8("changed")]
            var manifest = try Self.peerSums(tool, [], names, in: tree.root)
            manifest += try Self.peerSums(tool, ["--tag"], [utf8("b")], in: tree.root)
            try writeFile(tree.path("changed"), utf8("changed again\n"))
            let hexA = try Oracle.hexDigests(.sha256, of: [utf8("a")], directory: tree.root)[0]
            let ownA = String(decoding: manifest.prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
            manifest += utf8("\(ownA)  missing\n\(ownA)  dir\nSHA256 (a) = \(hexA)\n\(hexA)  a\njunk\n\(ownA)  a\r\n")
            try writeFile(tree.path("own"), manifest)
            for flags in [[], ["--quiet"], ["--status"], ["--strict"], ["--warn"], ["--ignore-missing"], ["--quiet", "--strict"]] as [[String]] {
                let (peer, sweep) = try Self.runBoth(tool, flags, ["own"], standardInput: nil, in: tree.root)
                Self.expectSame(peer, sweep, tool: tool, "\(tool) \(flags)")
                if flags.isEmpty {
                    #expect(peer.stdoutText.contains("changed: FAILED\n") && peer.stdoutText.contains("\\new\\nline: OK\n"), "\(peer)")
                    #expect(peer.stderrText.contains("WARNING: 3 lines are improperly formatted"), "\(peer)")
                }
            }
        }

        // MARK: - An unreadable file

        /// Whether sweep can be run as nobody here (root, setpriv present, the binary reachable).
        static let canDropPrivileges: Bool = {
            guard runningAsRoot else { return false }
            let probe = try? runProcess("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Arg(sweepExecutable), "--version"])
            return probe?.status == .exited(0)
        }()

        /// A listed file that cannot be opened: `Permission denied` on stderr and `FAILED open or read`.
        /// Both programs run as nobody (as root, permission bits would not stop the read).
        @Test(.enabled(if: canDropPrivileges || !runningAsRoot, "needs setpriv and a sweep binary that nobody can run"))
        func unreadableFileAsSha256sumSaysIt() throws {
            let tree = try Self.fixture("check-denied")
            try tree.openToEveryone()
            try tree.file("locked", "secret\n")
            let lockedLine = try Self.peerSums("sha256sum", [], [utf8("locked")], in: tree.root)
            try writeFile(tree.path("with locked"), try readFile(tree.path("ok")) + lockedLine + utf8("\(String(repeating: "0", count: 64))  missing\n"))
            #expect(withCPath(tree.path("locked")) { chmod($0, runningAsRoot ? 0o600 : 0) } == 0)
            defer { _ = withCPath(tree.path("locked")) { chmod($0, 0o644) } }
            for flags in [[], ["--quiet"], ["--status"], ["--ignore-missing"], ["--strict", "--warn"]] as [[String]] {
                let (peer, sweep) = try Self.runBoth("sha256sum", flags, ["with locked"], standardInput: nil, in: tree.root, asNobody: runningAsRoot)
                Self.expectSame(peer, sweep, tool: "sha256sum", "unreadable \(flags)")
                #expect(peer.stderrText.contains("sha256sum: locked: Permission denied\n"), "the peer could read it: \(peer)")
            }
        }
    }
}

// MARK: - --warn names the line's own algorithm

extension EndToEndTests.CheckCommandTests {
    /// A manifest of tagged lines of several algorithms, some improper, with junk after a tag:
    /// without -a, `sweep check --warn` says what `cksum -c --warn` says (each line's own tag, or
    /// the last one seen); with -a sha256, what `sha256sum -c --warn` says.
    @Test func warnNamesEachLinesOwnTag() async throws {
        let tree = try Self.fixture("check-warn-tags")
        var manifest = try Self.peerSums("sha256sum", ["--tag"], [utf8("a")], in: tree.root)
        manifest += utf8("SHA512 (a) = 00\n")
        manifest += utf8("junk after a SHA512 tag\n")
        manifest += try Self.peerSums("md5sum", ["--tag"], [utf8("b")], in: tree.root)
        manifest += utf8("MD5 (b) = zz\n")
        manifest += try Self.peerSums("sha1sum", ["--tag"], [utf8("a")], in: tree.root)
        manifest += utf8("SHA384 (a) = 12\nmore junk\n")
        try writeFile(tree.path("tags"), manifest)
        for flags in [["--warn"], ["--warn", "--strict"]] as [[String]] {
            let tail = flags.map { Arg($0) } + ["tags"]
            let cksum = try await runProcessAsync("cksum", ["-c"] + tail, directory: tree.root)
            let sweep = try await runSweepAsync(["check"] + tail, directory: tree.root)
            Self.expectSame(cksum, sweep, tool: "cksum", "cksum \(flags)")
            #expect(cksum.stderrText.contains("tags: 3: improperly formatted SHA512 checksum line"), "\(cksum)")
            #expect(cksum.stderrText.contains("tags: 5: improperly formatted MD5 checksum line"), "\(cksum)")

            let (peer, pinned) = try Self.runBoth("sha256sum", flags, ["tags"], standardInput: nil, in: tree.root)
            Self.expectSame(peer, pinned, tool: "sha256sum", "sha256sum \(flags)")
        }
    }
}
