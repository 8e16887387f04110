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
    /// `-a xxh32/xxh64/xxh128/xxh3` end to end against `xxhsum` 0.8.1 (`-H0`, `-H1`, `-H2`, `-H3`):
    /// `sweep sum` prints xxhsum's bytes exactly (both styles, hostile names, standard input),
    /// `sweep check` verifies xxhsum's manifests, and `xxhsum -c` verifies sweep's.
    ///
    /// Every expectation is xxhsum's own output on the same files. Without `xxhsum` on PATH these tests
    /// fail (spawning it throws an error naming it); they never pass by skipping.
    @Suite(.timeLimit(.minutes(3 * testTimeScale)))
    struct XXHashTests: CommandLineFixtures {
        static let algorithms: [DigestAlgorithm] = [.xxh32, .xxh64, .xxh128, .xxh3]

        static func flag(_ algorithm: DigestAlgorithm) throws -> Arg {
            try #require(Oracle.xxhsumFlag(algorithm))
        }

        /// A tree whose names xxhsum 0.8.1 writes and reads back: no LF (it prints names raw), but a
        /// CR inside a name, `\`, a 0xFF byte, blanks at either end, a leading dash, 150 levels.
        static func roundTripTree(_ label: String) throws -> TempTree {
            let tree = try TempTree(label)
            try tree.file("plain.txt", "hello\n")
            try tree.file("with space.txt", randomBytes(3000, seed: 11))
            try tree.file(" leading space", "lead\n")
            try tree.file("trailing space ", "trail\n")
            try tree.file("-leading-dash", "dash\n")
            try tree.file(utf8("carriage\rreturn"), utf8("cr\r\n"))
            try tree.file(utf8("back\\slash"), utf8("backslash"))
            try tree.file(Self.badByteName, randomBytes(100, seed: 12))
            try tree.file("empty", [])
            try tree.file(".hidden", "hidden\n")
            try tree.file("sub/inner.log", "one\ntwo\n")
            try tree.file("big.bin", randomBytes(2_500_000, seed: 13))
            try tree.directory("deep")
            let deep = try tree.nested(utf8("deep"), depth: 150)
            try writeFile(tree.path(joinPath(deep, utf8("leaf"))), utf8("at the bottom\n"))
            return tree
        }

        // MARK: - sweep sum == xxhsum

        @Test(arguments: algorithms)
        func sumIsByteIdenticalToXxhsum(_ algorithm: DigestAlgorithm) async throws {
            // The hostile tree has names with LF, CR, `\` and 0xFF, and a FIFO (skipped with a note).
            let tree = try Self.hostileTree("xxh-\(algorithm.rawValue)")
            let order = await Self.walkOrder(tree)
            #expect(order.count == 14)
            for flags in [[], ["--tag"]] as [[Arg]] {
                let expected = try Self.peerSums("xxhsum", [try Self.flag(algorithm)] + flags, order, in: tree.root)
                let output = try runSweep(["sum", "-a", Arg(algorithm.rawValue)] + flags + ["."], directory: tree.root)
                #expect(output.status == .exited(0), "\(output)")
                #expect(output.stdout == expected, "\(algorithm) \(flags.count)\nsweep:\n\(describeBytes(output.stdout))\nxxhsum:\n\(describeBytes(expected))")
                #expect(output.stderrText == Self.fifoNote)
                // With -j 1 and -j 4 alike.
                let serial = try runSweep(["sum", "-a", Arg(algorithm.rawValue), "-j", "1"] + flags + ["."], directory: tree.root)
                #expect(serial.stdout == expected)
            }
        }

        @Test func theFormatsXxhsumPrints() throws {
            // Pinned literally, so that a change of xxhsum (0.8.2 escapes names) is noticed here.
            let tree = try TempTree("xxh-literal")
            try tree.file("a", "hello\n")
            try tree.file(utf8("b\\c\nd"), utf8("x"))
            let names: [Arg] = ["a", Arg(utf8("b\\c\nd"))]
            func xxhsum(_ flags: [Arg]) throws -> String { try Self.peer("xxhsum", flags + ["--"] + names, in: tree.root).stdoutText }
            func sweep(_ flags: [Arg]) throws -> String { try runSweep(["sum"] + flags + names, directory: tree.root).stdoutText }
            let cases: [([Arg], [Arg], String)] = [
                (["-H0"], ["-a", "xxh32"], "946b5bf9  a\n2ec430ea  b\\c\nd\n"),
                (["-H1"], ["-a", "xxh64"], "e4c191d091bd8853  a\n5c80c09683041123  b\\c\nd\n"),
                (["-H2"], ["-a", "xxh128"], "6bba86c7e069f56d5a10b435f1c8e49c  a\n5c7401c0ec22eeeeeaf06c6480b2cd11  b\\c\nd\n"),
                (["-H3"], ["-a", "xxh3"], "XXH3 (a) = 99fc819aaba2462a\nXXH3 (b\\c\nd) = eaf06c6480b2cd11\n"),
                (["-H0", "--tag"], ["-a", "xxh32", "--tag"], "XXH32 (a) = 946b5bf9\nXXH32 (b\\c\nd) = 2ec430ea\n"),
                (["-H1", "--tag"], ["-a", "xxh64", "--tag"], "XXH64 (a) = e4c191d091bd8853\nXXH64 (b\\c\nd) = 5c80c09683041123\n"),
                (["-H2", "--tag"], ["-a", "xxh128", "--tag"],
                 "XXH128 (a) = 6bba86c7e069f56d5a10b435f1c8e49c\nXXH128 (b\\c\nd) = 5c7401c0ec22eeeeeaf06c6480b2cd11\n"),
                (["-H3", "--tag"], ["-a", "xxh3", "--tag"], "XXH3 (a) = 99fc819aaba2462a\nXXH3 (b\\c\nd) = eaf06c6480b2cd11\n"),
            ]
            for (peerFlags, sweepFlags, literal) in cases {
                #expect(try xxhsum(peerFlags) == literal, "xxhsum \(peerFlags.map { String(decoding: $0.bytes, as: UTF8.self) })")
                #expect(try sweep(sweepFlags) == literal, "sweep \(sweepFlags.map { String(decoding: $0.bytes, as: UTF8.self) })")
            }
        }

        @Test(arguments: algorithms)
        func standardInputIsNamedAsXxhsumNamesIt(_ algorithm: DigestAlgorithm) throws {
            let tree = try TempTree("xxh-stdin")
            let content = randomBytes(70_000, seed: 21)
            for flags in [[], ["--tag"]] as [[Arg]] {
                let expected = try Self.peer("xxhsum", [try Self.flag(algorithm)] + flags + ["-"], in: tree.root, stdin: .bytes(content)).stdout
                // xxhsum 0.8.1 calls standard input `stdin`, where coreutils says `-`.
                #expect(String(decoding: expected, as: UTF8.self).contains("stdin"))
                let output = try runSweep(["sum", "-a", Arg(algorithm.rawValue)] + flags + ["-"], directory: tree.root, stdin: .bytes(content))
                #expect(output.status == .exited(0))
                #expect(output.stdout == expected, "\(algorithm): \(output)")
            }
            // The coreutils algorithms keep `-`.
            let sha = try runSweep(["sum", "-"], directory: tree.root, stdin: .bytes(content))
            #expect(sha.stdout.suffix(4) == utf8("  -\n"))
        }

        @Test func runStagesMatchXxhsum() async throws {
            let tree = try Self.roundTripTree("xxh-run")
            let order = await Self.walkOrder(tree)
            let xxh64 = try Oracle.xxhsum(.xxh64, of: order, directory: tree.root)
            let xxh3 = try Oracle.xxhsum(.xxh3, of: order, directory: tree.root)
            let xxh128 = try Oracle.xxhsum(.xxh128, of: order, directory: tree.root)
            let output = try runSweep(["run", "-s", "xxh64", "-s", "xxh3", "-s", "xxh128", "-s", "lines", "."], directory: tree.root)
            #expect(output.status == .exited(0), "\(output)")
            let lines = splitRecords(output.stdout, delimiter: 0x0A)
            #expect(lines.count == order.count)
            for (index, line) in lines.enumerated() where index < order.count {
                let prefix = utf8("xxh64=\(xxh64[index]) xxh3=\(xxh3[index]) xxh128=\(xxh128[index]) lines=")
                #expect(line.starts(with: prefix), "\(describeBytes(line))")
                #expect(line.suffix(order[index].count + 2) == utf8("  ") + order[index])
            }
        }

        // MARK: - xxhsum -c reads sweep's manifests

        @Test(arguments: algorithms)
        func xxhsumVerifiesSweepsManifests(_ algorithm: DigestAlgorithm) async throws {
            let tree = try Self.roundTripTree("xxh-roundtrip-\(algorithm.rawValue)")
            let out = try TempTree("xxh-roundtrip-out")
            let fileCount = await Self.walkOrder(tree).count
            for flags in [[], ["--tag"]] as [[Arg]] {
                let manifest = out.path("manifest-\(flags.count)")
                let written = try runSweep(["sum", "-a", Arg(algorithm.rawValue)] + flags + ["-o", Arg(manifest), "."], directory: tree.root)
                #expect(written.status == .exited(0), "\(written)")
                let check = try runProcess("xxhsum", ["-c", Arg(manifest)], directory: tree.root)
                #expect(check.status == .exited(0), "\(algorithm) \(flags.count): \(check)")
                let verdicts = splitRecords(check.stdout, delimiter: 0x0A)
                #expect(verdicts.count == fileCount, "\(check)")
                #expect(verdicts.allSatisfy { $0.suffix(4) == utf8(": OK") }, "\(check)")

                // Then a changed file: xxhsum -c says FAILED for it, and exits 1.
                let victim = tree.path("sub/inner.log")
                let original = try readFile(victim)
                try writeFile(victim, utf8("changed\n"))
                defer { try? writeFile(victim, original) }
                let failed = try runProcess("xxhsum", ["-c", Arg(manifest)], directory: tree.root)
                #expect(failed.status == .exited(1))
                #expect(failed.stdoutText.contains("./sub/inner.log: FAILED\n"), "\(failed)")
                #expect(failed.stdoutText.contains("1 computed checksum did NOT match"), "\(failed)")
            }
        }

        // MARK: - sweep check reads xxhsum's manifests

        /// A directory whose manifests come from xxhsum, then one file changed and one removed.
        static func checkFixture(_ algorithm: DigestAlgorithm, tagged: Bool) throws -> (tree: TempTree, manifest: [UInt8], names: [[UInt8]]) {
            let tree = try TempTree("xxh-check-\(algorithm.rawValue)")
            let names: [[UInt8]] = [utf8("a"), utf8("with space"), utf8("back\\slash"), Self.badByteName, utf8("changed"), utf8("gone"), utf8("empty")]
            for (index, name) in names.enumerated() {
                try tree.file(name, index == 6 ? [] : randomBytes(1000 * index + 5, seed: UInt64(30 + index)))
            }
            let manifest = try Self.peerSums("xxhsum", [try Self.flag(algorithm)] + (tagged ? ["--tag"] : []), names, in: tree.root)
            try tree.file("SUMS", manifest)
            try writeFile(tree.path("changed"), utf8("not what it was"))
            #expect(unlink(String(decoding: tree.path("gone"), as: UTF8.self)) == 0)
            return (tree, manifest, names)
        }

        /// What `sha256sum -c` would print for `names` with `changed` changed and `gone` removed.
        static func expectedStatus(_ names: [[UInt8]]) -> [UInt8] {
            names.flatMap { name -> [UInt8] in
                let verdict = name == utf8("changed") ? "FAILED" : name == utf8("gone") ? "FAILED open or read" : "OK"
                return name + utf8(": \(verdict)\n")
            }
        }

        @Test(arguments: algorithms, [false, true])
        func checkVerifiesXxhsumsManifests(_ algorithm: DigestAlgorithm, tagged: Bool) throws {
            let (tree, _, names) = try Self.checkFixture(algorithm, tagged: tagged)
            // -a reads the shared lengths (8, 16, 32 digits) as this algorithm; tagged lines need none.
            let arguments: [[Arg]] = tagged || algorithm == .xxh64 || algorithm == .xxh3
                ? [["-a", Arg(algorithm.rawValue)], []]
                : [["-a", Arg(algorithm.rawValue)]]
            for flags in arguments {
                let output = try runSweep(["check"] + flags + ["SUMS"], directory: tree.root)
                #expect(output.status == .exited(1), "\(output)")
                #expect(output.stdout == Self.expectedStatus(names), "\(algorithm) tagged \(tagged) \(flags.count)\n\(output)")
                #expect(output.stderrText == """
                    sweep: gone: No such file or directory
                    sweep: WARNING: 1 listed file could not be read
                    sweep: WARNING: 1 computed checksum did NOT match

                    """, "\(output)")

                // xxhsum -c agrees on every file it could read.
                let peer = try runProcess("xxhsum", ["-c", "SUMS"], directory: tree.root)
                #expect(peer.status == .exited(1))
                let peerVerdicts = splitRecords(peer.stdout, delimiter: 0x0A).filter { $0.suffix(4) == utf8(": OK") || $0.suffix(8) == utf8(": FAILED") }
                let unreadable = utf8(": FAILED open or read")
                let ours = splitRecords(output.stdout, delimiter: 0x0A).filter { $0.suffix(unreadable.count) != unreadable[...] }
                #expect(peerVerdicts == ours, "\(peer)")
            }
            // With only the matching files left in the manifest, everything is OK and the exit is 0.
            let good = try Self.peerSums("xxhsum", [try Self.flag(algorithm)] + (tagged ? ["--tag"] : []), [utf8("a"), utf8("empty")], in: tree.root)
            try writeFile(tree.path("GOOD"), good)
            let ok = try runSweep(["check", "-a", Arg(algorithm.rawValue), "GOOD"], directory: tree.root)
            #expect(ok.status == .exited(0), "\(ok)")
            #expect(ok.stdoutText == "a: OK\nempty: OK\n")
            #expect(ok.stderr.isEmpty)
        }

        @Test func untaggedLinesOfSharedLengthsWithoutAlgorithm() throws {
            // Documented rule: without -a, 8 digits are CRC-32 and 32 are MD5 (as before xxHash), so
            // xxhsum -H0 / -H2 output does not match; 16 digits are XXH64, so -H1 output does.
            for (algorithm, verdict, status) in [(DigestAlgorithm.xxh32, "FAILED", 1), (.xxh128, "FAILED", 1), (.xxh64, "OK", 0)] {
                let tree = try TempTree("xxh-shared")
                try tree.file("a", "hello\n")
                try tree.file("SUMS", try Self.peerSums("xxhsum", [try Self.flag(algorithm)], [utf8("a")], in: tree.root))
                let output = try runSweep(["check", "SUMS"], directory: tree.root)
                #expect(output.stdoutText == "a: \(verdict)\n", "\(algorithm): \(output)")
                #expect(output.status == .exited(Int32(status)))
            }
            // An untagged XXH3 line (xxhsum never writes one) is XXH64 without -a, XXH3 with -a xxh3.
            let tree = try TempTree("xxh-untagged-xxh3")
            try tree.file("a", "hello\n")
            let hex = try Oracle.xxhsum(.xxh3, of: [utf8("a")], directory: tree.root)[0]
            try tree.file("SUMS", "\(hex)  a\n")
            #expect(try runSweep(["check", "SUMS"], directory: tree.root).stdoutText == "a: FAILED\n")
            #expect(try runSweep(["check", "-a", "xxh3", "SUMS"], directory: tree.root).stdoutText == "a: OK\n")
            // And xxhsum -c reads it as XXH64 too.
            #expect(try runProcess("xxhsum", ["-c", "SUMS"], directory: tree.root).stdoutText.hasPrefix("a: FAILED\n"))
        }

        @Test func oneManifestMixesXxhsumAndCoreutilsLines() throws {
            let tree = try TempTree("xxh-mixed")
            try tree.file("a", "hello\n")
            var manifest: [UInt8] = []
            for algorithm in Self.algorithms {
                manifest += try Self.peerSums("xxhsum", [try Self.flag(algorithm), "--tag"], [utf8("a")], in: tree.root)
            }
            manifest += try Self.peerSums("xxhsum", ["-H1"], [utf8("a")], in: tree.root)
            manifest += try Self.peerSums("sha256sum", [], [utf8("a")], in: tree.root)
            manifest += try Self.peerSums("md5sum", ["--tag"], [utf8("a")], in: tree.root)
            try tree.file("SUMS", manifest)
            let output = try runSweep(["check", "SUMS"], directory: tree.root)
            #expect(output.status == .exited(0), "\(output)")
            #expect(output.stdoutText == String(repeating: "a: OK\n", count: 7))
            // -a narrows to one algorithm: the other lines are improperly formatted, as sha256sum -c has it.
            let narrowed = try runSweep(["check", "-a", "xxh128", "--warn", "SUMS"], directory: tree.root)
            #expect(narrowed.status == .exited(0), "\(narrowed)")
            #expect(narrowed.stdoutText == "a: OK\n")
            #expect(narrowed.stderrText.contains("sweep: SUMS: 1: improperly formatted XXH128 checksum line\n"), "\(narrowed)")
            #expect(narrowed.stderrText.contains("sweep: WARNING: 6 lines are improperly formatted\n"), "\(narrowed)")
        }
    }
}
