import Foundation
import SweepTestSupport
import SystemPackage
import Testing

@testable import Sweep

extension EndToEndTests {
    /// The cases of coreutils' own checksum tests (`tests/cksum/md5sum.pl`, `sha1sum.pl`,
    /// `sha224sum.pl` … `sha512sum.pl`, `md5sum-bsd.sh`, `cksum-c.sh`), their facts re-expressed
    /// rather than their code copied: each case is run with the real `ALGsum` and with
    /// `sweep sum -a ALG` (`ALGsum -c` with `sweep check -a ALG`, `cksum -c` with `sweep check`) on
    /// the same files, and must give the same standard output, the same standard error after the
    /// program's name and the same exit status.
    ///
    /// The inputs are coreutils': the empty input, `a`, `abc`, the NIST vectors of 56 and 112
    /// characters, RFC 1321's strings, a million `a`s, names with a newline and a backslash
    /// (escaped), `--tag`, `-z`, `-b`/`-t`; checks of GNU and BSD lines, improperly formatted lines
    /// under `--warn` and `--strict`, `--status`/`--warn`/`--quiet` in either order (the last wins),
    /// `--ignore-missing`, missing files, a line tagged with another algorithm, usage errors.
    @Suite(.timeLimit(.minutes(4 * testTimeScale)))
    struct CoreutilsChecksumCasesTests {
        /// One run of the peer and of sweep in a fresh directory.
        struct Case: Sendable, CustomStringConvertible {
            var label: String
            /// Files to create before the run: name and content.
            var files: [File] = []
            /// Manifests written by the peer before the run: name, the peer's flags and the files it sums.
            var manifests: [Manifest] = []
            /// Arguments after `ALGsum` (after `sweep sum -a ALG`), or after `ALGsum -c` for checks.
            var arguments: [[UInt8]]
            /// Bytes on standard input, or the name of a file in the directory to give as standard input.
            var stdin: [UInt8]?
            var stdinFile: String?
            var check = false

            var description: String { label }
        }

        struct File: Sendable {
            var name: [UInt8]
            var content: [UInt8]
        }

        struct Manifest: Sendable {
            var name: String
            /// Lines the peer writes (`ALGsum FLAGS FILES`), then `extra` bytes appended as they are.
            var flags: [String] = []
            var files: [[UInt8]] = []
            var extra: @Sendable (_ tag: String, _ hexOf: @Sendable ([UInt8]) throws -> String) throws -> [UInt8] = { _, _ in [] }
        }

        static let algorithms: [DigestAlgorithm] = [.md5, .sha1, .sha224, .sha256, .sha384, .sha512]

        static let nist56 = utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        static let nist112 = utf8(
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
        static let rfc1321 = [
            "message digest", "abcdefghijklmnopqrstuvwxyz",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            String(repeating: "1234567890", count: 8),
        ]
        static let newline: [UInt8] = utf8("a\nb")
        static let backslash: [UInt8] = utf8("a\\b")
        static let carriageReturn: [UInt8] = utf8("c\rr")

        /// The `sum` cases: hashing, formats, names, errors, usage errors.
        static let sumCases: [Case] = {
            var cases: [Case] = []
            for (label, input) in [("empty", [UInt8]()), ("a", utf8("a")), ("abc", utf8("abc")), ("NIST 56", nist56), ("NIST 112", nist112)]
                + rfc1321.map({ ("RFC 1321 \($0.prefix(12))", utf8($0)) }) {
                cases.append(Case(label: "\(label) on stdin", arguments: [], stdin: input))
                cases.append(Case(label: "\(label) as -", arguments: [utf8("-")], stdin: input))
            }
            let million = File(name: utf8("million"), content: [UInt8](repeating: 0x61, count: 1_000_000))
            cases.append(Case(label: "a million a", files: [million], arguments: [utf8("million")]))
            cases.append(Case(label: "a million a --tag", files: [million], arguments: [utf8("--tag"), utf8("million")]))
            let odd = [File(name: newline, content: utf8("n\n")), File(name: backslash, content: utf8("b\n")),
                       File(name: carriageReturn, content: utf8("r\n")), File(name: utf8("f"), content: utf8("abc"))]
            let names = odd.map(\.name)
            for flags in [[], ["--tag"], ["-z"], ["-z", "--tag"], ["-b"], ["-t"], ["--binary"], ["--text"], ["-b", "-t"], ["-t", "-b"],
                          ["-b", "--tag"], ["-b", "-z"]] as [[String]] {
                cases.append(Case(label: "escaped names \(flags)", files: odd, arguments: flags.map(utf8) + names))
            }
            cases.append(Case(label: "missing file", files: odd, arguments: [utf8("f"), utf8("no-such"), utf8("f")]))
            cases.append(Case(label: "missing name with a newline", arguments: [utf8("no\nsuch")]))
            // (A directory is the one deliberate difference: sweep walks it where md5sum refuses it.)
            for flags in [["--tag", "-c"], ["--ignore-missing"], ["--strict"], ["--status"], ["--warn"], ["--quiet"],
                          ["--tag", "--text"], ["--text", "--tag"], ["-z", "--ignore-missing"]] as [[String]] {
                cases.append(Case(label: "usage \(flags)", files: odd, arguments: flags.map(utf8) + [utf8("f")]))
            }
            return cases
        }()

        /// The `--check` cases.
        static let checkCases: [Case] = {
            let f = File(name: utf8("f"), content: utf8("abc"))
            let g = File(name: utf8("g"), content: utf8("hello\n"))
            let odd = [File(name: newline, content: utf8("n\n")), File(name: backslash, content: utf8("b\n"))]
            // The line for f, but with g's digest: a mismatch.
            let wrong = Manifest(name: "wrong.sum", extra: { _, hexOf in utf8("\(try hexOf(utf8("hello\n")))  f\n") })
            let good = Manifest(name: "good.sum", files: [utf8("f"), utf8("g")])
            let tagged = Manifest(name: "tagged.sum", flags: ["--tag"], files: [utf8("f"), utf8("g")])
            let junk = Manifest(name: "junk.sum", files: [utf8("f")], extra: { _, _ in utf8("z\nnot a line\n") })
            let mixed = Manifest(name: "mixed.sum", files: [utf8("f")], extra: { _, hexOf in
                utf8("\(try hexOf(utf8("other")))  g\nz\n\(try hexOf(utf8("abc")))  missing\n")
            })
            let missing = Manifest(name: "missing.sum", files: [utf8("f")], extra: { _, hexOf in utf8("\(try hexOf(utf8("abc")))  no-such\n") })
            let allMissing = Manifest(name: "all-missing.sum", extra: { _, hexOf in
                utf8("\(try hexOf([]))  gone\n\(try hexOf([]))  gone-too\n")
            })
            let escaped = Manifest(name: "escaped.sum", files: odd.map(\.name))
            let escapedTagged = Manifest(name: "escaped-tagged.sum", flags: ["--tag"], files: odd.map(\.name))
            // md5sum-bsd.sh: BSD lines, one whose name has a newline, a truncated `MD5 (`, and the
            // lines of another algorithm's tag (an improper line, said with the checker's own name).
            let bsd = Manifest(name: "bsd.sum", extra: { tag, hexOf in
                utf8("\(tag) (f) = \(try hexOf(utf8("abc")))\n\(tag) (f)= \(try hexOf(utf8("abc")))\n\(tag) (\n")
            })
            let otherTag = Manifest(name: "other-tag.sum", files: [utf8("f")], extra: { tag, _ in
                let other = tag == "MD5" ? "SHA1" : "MD5"
                let hex = other == "MD5" ? "900150983cd24fb0d6963f7d28e17f72" : "a9993e364706816aba3e25717850c26c9cd0d89d"
                return utf8("\(other) (f) = \(hex)\n")
            })
            let special = Manifest(name: "special.sum", extra: { tag, hexOf in
                let hex = try hexOf(utf8("abc"))
                // The binary marker, upper-case hex, leading blanks, a comment, CRLF, a blank line.
                return utf8("\(hex) *f\n\(hex.uppercased())  f\n  \(hex)  f\n# comment\n\(hex)  f\r\n\n")
            })
            let empty = Manifest(name: "empty.sum")
            let files = [f, g] + odd
            let all = [wrong, good, tagged, junk, mixed, missing, allMissing, escaped, escapedTagged, bsd, otherTag, special, empty]
            func check(_ label: String, _ arguments: [String], stdinFile: String? = nil) -> Case {
                Case(label: label, files: files, manifests: all, arguments: arguments.map(utf8), stdinFile: stdinFile, check: true)
            }
            var cases = [
                check("GNU lines", ["good.sum"]), check("BSD lines", ["tagged.sum"]), check("mismatch", ["wrong.sum"]),
                check("escaped names", ["escaped.sum"]), check("escaped names, tagged", ["escaped-tagged.sum"]),
                check("BSD forms and a truncated tag", ["bsd.sum"]), check("another algorithm's tag", ["other-tag.sum"]),
                check("marker, case, blanks, comment, CRLF", ["special.sum"]), check("empty manifest", ["empty.sum"]),
                check("missing file", ["missing.sum"]), check("only missing files", ["all-missing.sum"]),
                check("manifest on stdin", ["-"], stdinFile: "good.sum"), check("manifest on stdin, no argument", [], stdinFile: "mixed.sum"),
                check("missing manifest", ["no-such.sum"]), check("two manifests", ["good.sum", "mixed.sum"]),
            ]
            for flags in [["--warn"], ["-w"], ["--strict"], ["--status"], ["--quiet"], ["--ignore-missing"],
                          ["--status", "--warn"], ["--warn", "--status"], ["--quiet", "--warn"], ["--warn", "--quiet"],
                          ["--status", "--quiet"], ["--quiet", "--status"], ["--strict", "--warn"], ["--ignore-missing", "--strict"],
                          ["--ignore-missing", "--quiet"]] {
                for manifest in ["mixed.sum", "junk.sum", "wrong.sum", "missing.sum", "all-missing.sum", "other-tag.sum", "bsd.sum"] {
                    cases.append(check("\(flags) \(manifest)", flags + [manifest]))
                }
            }
            return cases
        }()

        /// Makes the case's directory: its files, then the manifests the peer writes.
        static func prepare(_ testCase: Case, tool: String, algorithm: DigestAlgorithm) throws -> TempTree {
            let tree = try TempTree("coreutils-cases")
            for file in testCase.files { _ = try tree.file(file.name, file.content) }
            let hexLength = (try runProcess(tool, [], stdin: .bytes([]))).stdout.firstIndex(of: 0x20) ?? 0
            let hexOf: @Sendable ([UInt8]) throws -> String = { content in
                String(decoding: (try runProcess(tool, [], stdin: .bytes(content))).stdout.prefix(hexLength), as: UTF8.self)
            }
            for manifest in testCase.manifests {
                var bytes: [UInt8] = []
                if !manifest.files.isEmpty {
                    let written = try runProcess(tool, manifest.flags.map { Arg($0) } + manifest.files.map { Arg($0) }, directory: tree.root)
                    guard written.status == .exited(0) else { throw OracleError(tool: tool, output: written) }
                    bytes = written.stdout
                }
                bytes += try manifest.extra(algorithm.tag, hexOf)
                _ = try tree.file(manifest.name, bytes)
            }
            return tree
        }

        /// Runs the case with the peer and with sweep in `tree` (made by ``prepare(_:tool:algorithm:)``)
        /// and compares them.
        static func expectSameAsPeer(_ testCase: Case, in tree: TempTree, tool: String, algorithm: DigestAlgorithm) async throws {
            let stdin: StandardInput = testCase.stdinFile.map { .file(tree.path($0)) } ?? testCase.stdin.map { .bytes($0) } ?? .null
            let arguments = testCase.arguments.map { Arg($0) }
            let peerArguments: [Arg] = testCase.check ? ["-c"] + arguments : arguments
            let sweepArguments: [Arg] = (testCase.check ? ["check"] : ["sum"]) + ["-a", Arg(algorithm.rawValue)] + arguments
            let peer = try await runProcessAsync(tool, peerArguments, directory: tree.root, stdin: stdin)
            var sweep = try await runSweepAsync(sweepArguments, directory: tree.root, stdin: stdin)
            // Usage errors end with `Try 'PROGRAM --help'`: the program's name differs, not the words.
            for command in ["sum", "check"] {
                sweep.stderr = Array(sweep.stderrText.replacingOccurrences(of: "'sweep \(command) --help'", with: "'\(tool) --help'").utf8)
            }
            EndToEndTests.CheckCommandTests.expectSame(peer, sweep, tool: tool, "\(tool) \(testCase.check ? "-c " : "")\(testCase)")
        }

        @Test(arguments: algorithms)
        func sumCasesMatchTheCoreutilsTool(_ algorithm: DigestAlgorithm) async throws {
            let tool = try #require(Oracle.tool(algorithm))
            for testCase in Self.sumCases {
                let tree = try Self.prepare(testCase, tool: tool, algorithm: algorithm)
                try await Self.expectSameAsPeer(testCase, in: tree, tool: tool, algorithm: algorithm)
            }
        }

        @Test(arguments: algorithms)
        func checkCasesMatchTheCoreutilsTool(_ algorithm: DigestAlgorithm) async throws {
            let tool = try #require(Oracle.tool(algorithm))
            // Every check case reads the same files and manifests (checking changes none of them).
            let tree = try Self.prepare(Self.checkCases[0], tool: tool, algorithm: algorithm)
            for testCase in Self.checkCases {
                try await Self.expectSameAsPeer(testCase, in: tree, tool: tool, algorithm: algorithm)
            }
        }

        /// cksum-c.sh: `cksum -c` reads each line's algorithm from its tag, in one manifest of
        /// several algorithms; an improper line is named after the last tag seen. `sweep check`
        /// without `-a` is that checker.
        @Test func cksumCheckOfMixedAlgorithms() async throws {
            let tree = try TempTree("cksum-c")
            try tree.file("f", "abc")
            try tree.file("g", "hello\n")
            var manifest: [UInt8] = []
            for algorithm in ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"] {
                manifest += (try runProcess("cksum", ["-a", Arg(algorithm), "f", "g"], directory: tree.root)).stdout
            }
            let lines = splitRecords(manifest, delimiter: 0x0A)
            var broken = lines[0] + [0x0A] + utf8("SHA256 (f) = 0123\n") + lines[3] + [0x0A] + utf8("junk\n")
            broken += Array(String(decoding: lines[5], as: UTF8.self).replacingOccurrences(of: "(g)", with: "(no-such)").utf8) + [0x0A]
            try tree.file("SUMS", manifest)
            try tree.file("BROKEN", broken)
            for arguments in [["SUMS"], ["--warn", "BROKEN"], ["--strict", "BROKEN"], ["--status", "BROKEN"], ["--quiet", "SUMS", "BROKEN"],
                              ["--ignore-missing", "BROKEN"]] as [[Arg]] {
                let peer = try await runProcessAsync("cksum", ["-c"] + arguments, directory: tree.root)
                let sweep = try await runSweepAsync(["check"] + arguments, directory: tree.root)
                EndToEndTests.CheckCommandTests.expectSame(peer, sweep, tool: "cksum", "cksum -c \(arguments.map { String(decoding: $0.bytes, as: UTF8.self) })")
            }
        }
    }
}
