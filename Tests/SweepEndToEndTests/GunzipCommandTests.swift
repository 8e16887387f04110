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

// End-to-end tests of `sweep gzip` / `sweep gunzip`: the built binary against gzip, pigz, zcat,
// sha256sum and python3 on the same files. Where gzip has an opinion (messages, exit codes, what
// is left on disk), the same setup is made twice, once for each, and the outcomes are compared.

// MARK: - Decompression

extension EndToEndTests {
    @Suite(.timeLimit(.minutes(2 * testTimeScale)))
    struct GzipCLIDecompressionTests {
        static let data = GzipFixtures.logText(3_000_000, seed: 31)

        /// gzip's, pigz's (one member of many blocks with -b 32) and concatenated members (one empty)
        /// are restored byte-identically by `sweep gunzip` and `sweep gzip -d`; the .gz is removed.
        @Test(arguments: ["gzip -9", "pigz", "pigz -b 32", "cat members"], [["gunzip"], ["gzip", "-d"]])
        func restoresPeersOutput(producer: String, command: [String]) throws {
            let tree = try TempTree("gunzip-peers")
            let expected: [UInt8]
            let compressed: [UInt8]
            if producer == "cat members" {
                let a = GzipFixtures.logText(300_000, seed: 32)
                let b = randomBytes(100_000, seed: 33)
                expected = a + b
                compressed = try GzipFixtures.peer("gzip", ["-c"], input: a)
                    + GzipFixtures.peer("gzip", ["-c"], input: [])
                    + GzipFixtures.peer("pigz", ["-c"], input: b)
            } else {
                let parts = producer.split(separator: " ").map(String.init)
                expected = Self.data
                let arguments: [Arg] = parts.dropFirst().map { Arg($0) } + ["-c"]
                compressed = try GzipFixtures.peer(parts[0], arguments, input: expected)
            }
            try tree.file("d/data.gz", compressed)
            // gzip itself restores the concatenation.
            #expect(try GzipFixtures.peer("gzip", ["-dc"], input: compressed) == expected)

            let arguments: [Arg] = command.map { Arg($0) } + ["d"]
            let run = try runSweep(arguments, directory: tree.root)
            #expect(run.status == .exited(0), "\(run)")
            #expect(try readFile(tree.path("d/data")) == expected)
            #expect(try GzipKit.names(tree.path("d")) == ["data"])
        }

        /// The restored file gets the .gz file's mode, owner and mtime (to the nanosecond), as gzip -d
        /// gives it; -k keeps the .gz.
        @Test(arguments: [false, true])
        func restoredFileGetsTheGzsModeAndTime(keep: Bool) throws {
            let twin = try GzipKit.Twin("gunzip-meta") { directory in
                let file = joinPath(directory, utf8("r.txt.gz"))
                try writeFile(file, try GzipFixtures.peer("gzip", ["-c"], input: utf8("restored\n")))
                GzipKit.chmod(file, 0o604)
                if runningAsRoot { _ = withCPath(file) { chown($0, 65534, 65534) } }
                try GzipKit.touch("2019-05-06 07:08:09.987654321", file)
            }
            let keepFlag: [Arg] = keep ? ["-k"] : []
            let (sweep, gzip) = try twin.run(sweep: ["gunzip"] + keepFlag + ["r.txt.gz"], gzip: ["-d"] + keepFlag + ["r.txt.gz"])
            #expect(sweep.status == .exited(0), "\(sweep)")
            #expect(gzip.status == .exited(0), "\(gzip)")
            let ours = try GzipKit.info(twin.s("r.txt"))
            let theirs = try GzipKit.info(twin.g("r.txt"))
            #expect(try readFile(twin.s("r.txt")) == utf8("restored\n"))
            #expect(ours.st_mode & 0o7777 == 0o604)
            #expect(ours.st_mode & 0o7777 == theirs.st_mode & 0o7777)
            #expect(ours.st_mtim.tv_nsec == 987_654_321)
            #expect(ours.st_mtim.tv_sec == theirs.st_mtim.tv_sec && ours.st_mtim.tv_nsec == theirs.st_mtim.tv_nsec)
            #expect(ours.st_uid == theirs.st_uid && ours.st_gid == theirs.st_gid)
            #expect(pathExists(twin.s("r.txt.gz")) == keep)
            #expect(try GzipKit.names(twin.sweepDirectory) == GzipKit.names(twin.gzipDirectory))
        }

        /// -t (both spellings) checks everything and writes nothing, exit 0 for good input.
        @Test(arguments: [["gunzip", "-t"], ["gzip", "-t"], ["gzip", "-d", "-t"]])
        func testModeWritesNothing(command: [String]) throws {
            let tree = try TempTree("gunzip-test")
            try tree.file("d/a.gz", try GzipFixtures.peer("gzip", ["-c"], input: Self.data))
            try tree.file("d/b.gz", try GzipFixtures.peer("pigz", ["-b", "32", "-c"], input: Self.data))
            try tree.file("d/c.gz", try GzipFixtures.peer("gzip", ["-c"], input: utf8("one"))
                + GzipFixtures.peer("gzip", ["-c"], input: []))
            try setModificationTime(tree.path("d/a.gz"), seconds: 1_000_000_000)
            let before = try GzipKit.names(tree.path("d"))
            let arguments: [Arg] = command.map { Arg($0) } + ["d"]
            let run = try runSweep(arguments, directory: tree.root)
            #expect(run.status == .exited(0), "\(run)")
            #expect(run.stdout.isEmpty)
            #expect(try GzipKit.names(tree.path("d")) == before)
            #expect(try GzipKit.modificationTime(tree.path("d/a.gz")).seconds == 1_000_000_000)
        }

        /// A corrupt .gz: gzip -d's message and exit 1, no output and no temporary left, the .gz kept
        /// as it was. -t says the same.
        @Test(arguments: ["not gzip", "truncated", "empty", "crc flipped", "length flipped", "second member truncated"])
        func corruptInputIsRefusedLikeGzip(label: String) throws {
            let member = try GzipFixtures.peer("gzip", ["-c"], input: GzipFixtures.logText(200_000, seed: 34))
            var bad: [UInt8]
            switch label {
            case "not gzip": bad = utf8("plain text, not gzip\n")
            case "truncated": bad = Array(member.prefix(member.count / 2))
            case "empty": bad = []
            case "crc flipped": bad = member; bad[member.count - 7] ^= 0x10
            case "length flipped": bad = member; bad[member.count - 4] ^= 0x01
            default: bad = member + member.prefix(member.count / 3)
            }
            let twin = try GzipKit.Twin("gunzip-corrupt") { directory in
                try writeFile(joinPath(directory, utf8("x.gz")), bad)
            }
            let (sweep, gzip) = try twin.run(sweep: ["gunzip", "x.gz"], gzip: ["-d", "x.gz"])
            #expect(gzip.status == .exited(1), "\(gzip)")
            #expect(sweep.status == gzip.status, "\(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"))
            #expect(try GzipKit.names(twin.sweepDirectory) == ["x.gz"])
            #expect(try GzipKit.names(twin.sweepDirectory) == GzipKit.names(twin.gzipDirectory))
            #expect(try readFile(twin.s("x.gz")) == bad)

            let (sweepTest, gzipTest) = try twin.run(sweep: ["gunzip", "-t", "x.gz"], gzip: ["-t", "x.gz"])
            #expect(sweepTest.status == gzipTest.status, "\(sweepTest)")
            #expect(GzipKit.messages(sweepTest, program: "sweep") == GzipKit.messages(gzipTest, program: "gzip"))
        }

        /// Trailing garbage: gzip's warning, exit 2, the output kept (and the .gz handled as gzip does).
        /// Trailing NULs: silently fine.
        @Test(arguments: [("garbage", utf8("trailing garbage!")), ("NULs", [UInt8](repeating: 0, count: 512))])
        func trailingBytesLikeGzip(label: String, tail: [UInt8]) throws {
            let content = GzipFixtures.logText(100_000, seed: 35)
            let member = try GzipFixtures.peer("gzip", ["-c"], input: content)
            let twin = try GzipKit.Twin("gunzip-trailing") { directory in
                try writeFile(joinPath(directory, utf8("t.gz")), member + tail)
            }
            let (sweep, gzip) = try twin.run(sweep: ["gunzip", "t.gz"], gzip: ["-d", "t.gz"])
            #expect(gzip.status == (label == "NULs" ? .exited(0) : .exited(2)), "\(gzip)")
            #expect(sweep.status == gzip.status, "\(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"))
            if label != "NULs" {
                #expect(GzipKit.messages(sweep, program: "sweep") == ["t.gz: decompression OK, trailing garbage ignored"])
            }
            #expect(try readFile(twin.s("t")) == content)
            #expect(try GzipKit.names(twin.sweepDirectory) == GzipKit.names(twin.gzipDirectory))
        }

        /// One stray byte after the last member: gzip reads it as the start of a truncated member
        /// (`unexpected end of file`, exit 1, no output); the same one byte of NUL is fine.
        @Test(arguments: [UInt8(0x1f), 0x07, 0x00])
        func singleTrailingByteLikeGzip(byte: UInt8) throws {
            let member = try GzipFixtures.peer("gzip", ["-c"], input: utf8("payload\n"))
            let twin = try GzipKit.Twin("gunzip-one-byte") { directory in
                try writeFile(joinPath(directory, utf8("t.gz")), member + [byte])
            }
            let (sweep, gzip) = try twin.run(sweep: ["gunzip", "t.gz"], gzip: ["-d", "t.gz"])
            #expect(sweep.status == gzip.status, "sweep: \(sweep); gzip: \(gzip)")
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"))
            #expect(try GzipKit.names(twin.sweepDirectory) == GzipKit.names(twin.gzipDirectory))
        }

        /// The output name exists: gzip's warning, exit 2, nothing changed.
        @Test func existingOutputIsNotOverwritten() throws {
            let twin = try GzipKit.Twin("gunzip-exists") { directory in
                try writeFile(joinPath(directory, utf8("t")), utf8("old\n"))
                try writeFile(joinPath(directory, utf8("t.gz")), try GzipFixtures.peer("gzip", ["-c"], input: utf8("new\n")))
            }
            let (sweep, gzip) = try twin.run(sweep: ["gunzip", "t.gz"], gzip: ["-d", "t.gz"])
            #expect(gzip.status == .exited(2))
            #expect(sweep.status == gzip.status, "\(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == ["t already exists;\tnot overwritten"])
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"))
            #expect(try readFile(twin.s("t")) == utf8("old\n"))
            #expect(try GzipKit.names(twin.sweepDirectory) == ["t", "t.gz"])
        }

        /// A .gz with another hard link: gzip -d refuses it (exit 2) and keeps both names; removing
        /// one name after decompressing would split the link.
        @Test func hardLinkedGzIsIgnoredLikeGzip() throws {
            let twin = try GzipKit.Twin("gunzip-links") { directory in
                try writeFile(joinPath(directory, utf8("l.gz")), try GzipFixtures.peer("gzip", ["-c"], input: utf8("linked\n")))
                _ = withCPath(joinPath(directory, utf8("l.gz"))) { from in withCPath(joinPath(directory, utf8("l2.gz"))) { link(from, $0) } }
            }
            let (sweep, gzip) = try twin.run(sweep: ["gunzip", "l.gz"], gzip: ["-d", "l.gz"])
            #expect(gzip.status == .exited(2))
            #expect(sweep.status == gzip.status, "\(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"))
            #expect(try GzipKit.names(twin.sweepDirectory) == GzipKit.names(twin.gzipDirectory))
        }

        /// An explicit file without the .gz suffix: gzip -d warns `NAME: unknown suffix -- ignored`, exit 2.
        @Test func unknownSuffixIsReportedLikeGzip() throws {
            let twin = try GzipKit.Twin("gunzip-suffix") { directory in
                try writeFile(joinPath(directory, utf8("plain")), utf8("plain\n"))
            }
            let (sweep, gzip) = try twin.run(sweep: ["gunzip", "plain"], gzip: ["-d", "plain"])
            #expect(gzip.status == .exited(2))
            #expect(sweep.status == gzip.status, "\(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"), "gzip: \(gzip)")
            #expect(try GzipKit.names(twin.sweepDirectory) == ["plain"])
        }
    }
}

// MARK: - gzip's suffixes and stored names

extension EndToEndTests {
    @Suite(.serialized, .timeLimit(.minutes(2 * testTimeScale)))
    struct GunzipCLINameTests {
        /// gzip's suffixes, in any case: .tgz and .taz become .tar, .z, -gz, -z and _z are stripped,
        /// as gzip -d names the outputs; walking a directory finds them all.
        @Test(arguments: [false, true])
        func knownSuffixesNameTheOutputAsGzipDoes(walking: Bool) async throws {
            let names = ["x.tgz", "Y.TAZ", "A.GZ", "b.z", "c-gz", "d-z", "e_z", "f.Gz"]
            let twin = try GzipKit.Twin("gunzip-suffixes") { directory in
                try makeDirectory(joinPath(directory, utf8("d")))
                for name in names {
                    try writeFile(joinPath(directory, utf8("d/\(name)")), GzipCLIFlagTests.smallMember)
                }
            }
            let arguments: [Arg] = walking ? ["d"] : names.map { Arg("d/\($0)") }
            let (sweep, gzip) = try await twin.runAsync(sweep: ["gunzip"] + arguments, gzip: ["-d"] + (walking ? ["-r"] : []) + arguments)
            #expect(gzip.status == .exited(0))
            #expect(sweep.status == gzip.status && sweep.stderr.isEmpty, "\(sweep)")
            #expect(try GzipKit.names(twin.s("d")) == GzipKit.names(twin.g("d")))
            #expect(try GzipKit.names(twin.s("d")).contains("x.tar") && GzipKit.names(twin.s("d")).contains("Y.tar"))
        }

        /// -N restores the name and the mtime stored in the header, as gzip -dN does; only the stored
        /// name's last component is used, and without a stored name the suffix is stripped as usual.
        @Test func dashNRestoresTheStoredNameAndTime() async throws {
            let twin = try GzipKit.Twin("gunzip-N") { directory in
                let original = joinPath(directory, utf8("original.log"))
                try writeFile(original, utf8("stored name\n"))
                try GzipKit.touch("2019-03-03 03:03:03", original)
                let compressed = try runProcess("gzip", ["-c", "original.log"], directory: directory)
                try writeFile(joinPath(directory, utf8("renamed.gz")), compressed.stdout)
                try GzipKit.touch("2024-01-01 00:00:00", joinPath(directory, utf8("renamed.gz")))
                withCPath(original) { _ = unlink($0) }
                // A stored name with directories: only its base name counts.
                let evil = try Oracle.runPython("""
                    import struct, sys, zlib
                    data = b"climbing\\n"
                    c = zlib.compressobj(6, zlib.DEFLATED, -15)
                    body = c.compress(data) + c.flush()
                    sys.stdout.buffer.write(b"\\x1f\\x8b\\x08\\x08" + struct.pack("<I", 1234567890) + b"\\x00\\x03../../up/evil\\x00"
                        + body + struct.pack("<II", zlib.crc32(data), len(data)))
                    """).stdout
                try writeFile(joinPath(directory, utf8("climb.gz")), evil)
                try writeFile(joinPath(directory, utf8("plain.gz")), try GzipFixtures.peer("gzip", ["-nc"], input: utf8("no name\n")))
            }
            let (sweep, gzip) = try await twin.runAsync(sweep: ["gunzip", "-N", "renamed.gz", "climb.gz", "plain.gz"], gzip: ["-dN", "renamed.gz", "climb.gz", "plain.gz"])
            #expect(gzip.status == .exited(0))
            #expect(sweep.status == gzip.status && sweep.stderr.isEmpty, "\(sweep)")
            #expect(try GzipKit.names(twin.sweepDirectory) == ["evil", "original.log", "plain"])
            #expect(try GzipKit.names(twin.sweepDirectory) == GzipKit.names(twin.gzipDirectory))
            for name in ["original.log", "evil"] {
                #expect(try GzipKit.modificationTime(twin.s(name)).seconds == GzipKit.modificationTime(twin.g(name)).seconds, "\(name)")
            }
            #expect(try GzipKit.modificationTime(twin.s("original.log")).seconds == 1_551_582_183)
        }

        /// Without -N (or with -n) the stored name is ignored: the suffix is stripped and the .gz
        /// file's time kept, as gzip -d does.
        @Test(arguments: [[], ["-n"], ["-N", "-n"]] as [[String]])
        func withoutDashNTheStoredNameIsIgnored(_ flags: [String]) async throws {
            let twin = try GzipKit.Twin("gunzip-n") { directory in
                let original = joinPath(directory, utf8("original.log"))
                try writeFile(original, utf8("stored name\n"))
                try GzipKit.touch("2019-03-03 03:03:03", original)
                try writeFile(joinPath(directory, utf8("renamed.gz")), try runProcess("gzip", ["-c", "original.log"], directory: directory).stdout)
                try GzipKit.touch("2023-04-05 06:07:08", joinPath(directory, utf8("renamed.gz")))
                withCPath(original) { _ = unlink($0) }
            }
            let arguments = flags.map { Arg($0) } + ["renamed.gz"]
            let (sweep, gzip) = try await twin.runAsync(sweep: ["gunzip"] + arguments, gzip: ["-d"] + arguments)
            #expect(sweep.status == gzip.status && sweep.status == .exited(0), "\(sweep)")
            #expect(try GzipKit.names(twin.sweepDirectory) == ["renamed"])
            #expect(try GzipKit.names(twin.sweepDirectory) == GzipKit.names(twin.gzipDirectory))
            #expect(try GzipKit.modificationTime(twin.s("renamed")).seconds == GzipKit.modificationTime(twin.g("renamed")).seconds)
        }

        /// With no path, or -, standard input is decompressed to standard output, as gzip -d does;
        /// nothing is written beside.
        @Test(arguments: [["gunzip"], ["gunzip", "-"], ["gzip", "-d"], ["gzip", "-dc", "-"]] as [[String]])
        func noPathDecompressesStandardInput(_ command: [String]) async throws {
            let tree = try TempTree("gunzip-stdin")
            let data = GzipFixtures.logText(2_000_000, seed: 56)
            let input = try tree.file("in.gz", try GzipFixtures.peer("pigz", ["-c"], input: data))
            let run = try await runSweepAsync(command.map { Arg($0) }, directory: tree.root, stdin: .file(input))
            #expect(run.status == .exited(0) && run.stderr.isEmpty, "\(run)")
            #expect(run.stdout == data)
            #expect(try GzipKit.names(tree.root) == ["in.gz"])
        }
    }
}
