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

// MARK: - Compression

extension EndToEndTests {
    @Suite(.timeLimit(.minutes(2 * testTimeScale)))
    struct GzipCLICompressionTests {
        /// Every size that takes a different path (empty, tiny, serial, just under/at/over the 1 MiB
        /// parallel threshold, whole 128 KiB blocks, an 8 MB log): one member that gzip, zcat, pigz and
        /// python read back byte-exactly, with gzip's header (FNAME = base name, MTIME = the file's).
        @Test func outputIsOneMemberEveryPeerReads() throws {
            let tree = try TempTree("gzip-peers")
            let block = 128 * 1024
            let files: [(String, [UInt8])] = [
                ("empty", []),
                ("one-byte", [0x41]),
                ("text.txt", utf8(String(repeating: "the quick brown fox jumps over the lazy dog\n", count: 200))),
                ("random.bin", randomBytes(200_000, seed: 1)),
                ("three-blocks", GzipFixtures.logText(3 * block, seed: 2)),
                ("under-1MiB", GzipFixtures.logText((1 << 20) - 1, seed: 3)),
                ("exactly-1MiB", randomBytes(1 << 20, seed: 4)),
                ("over-1MiB", GzipFixtures.logText((1 << 20) + 1, seed: 5)),
                ("ten-blocks", GzipFixtures.logText(10 * block, seed: 6)),
                ("app.log", GzipFixtures.logText(8_000_000, seed: 7)),
            ]
            for (name, content) in files { try tree.file("d/\(name)", content) }
            // A whole-second mtime on one, a fractional one on another.
            try setModificationTime(tree.path("d/text.txt"), seconds: 1_500_000_000)
            try GzipKit.touch("2021-06-07 08:09:10.555", tree.path("d/app.log"))

            let run = try runSweep(["gzip", "-k", "d"], directory: tree.root)
            #expect(run.status == .exited(0), "\(run)")

            // python's view of each original's mtime and of each header's MTIME (its gzip module).
            let script = """
                import sys, os, gzip
                for p in sys.argv[1:]:
                    g = gzip.GzipFile(p + '.gz')
                    g.read()
                    print(os.stat(p).st_mtime_ns // 10**9, g.mtime)
                """
            let paths = files.map { Arg(tree.path("d/\($0.0)")) }
            let times = try Oracle.runPython(script, arguments: paths).stdoutText.split(separator: "\n").map {
                $0.split(separator: " ").map { UInt32($0)! }
            }
            try #require(times.count == files.count)

            for ((name, content), time) in zip(files, times) {
                let compressed = try readFile(tree.path("d/\(name).gz"))
                let header = try #require(GzipFixtures.Header(compressed), "\(name): no gzip header")
                #expect(header.name == utf8(name), "\(name): \(header)")
                #expect(header.flags == 0x08, "\(name): \(header)")
                #expect(header.modificationTime == time[0], "\(name): \(header), stat \(time[0])")
                #expect(header.modificationTime == time[1], "\(name): python's gzip reads MTIME \(time[1])")
                #expect(header.extraFlags == 0 && header.operatingSystem == 3, "\(name): \(header)")

                let first = try GzipFixtures.firstMember(compressed)
                #expect(first.ended && first.unusedBytes == 0, "\(name): not exactly one member (unused \(first.unusedBytes))")
                #expect(first.decoded == content, "\(name): python decodes \(first.decoded.count) bytes")
                for (tool, bytes) in try GzipFixtures.decompressedByPeers(compressed) {
                    #expect(bytes == content, "\(name): \(tool) decodes \(bytes.count) bytes, not \(content.count)")
                }
                #expect(try readFile(tree.path("d/\(name)")) == content, "\(name): -k must keep the original")
            }
        }

        /// At -6 the ~8 MB log comes out within 1% of `gzip -6` (and so of a serial stream).
        @Test func levelSixSizeIsWithinOnePercentOfGzip() throws {
            let tree = try TempTree("gzip-size")
            let log = try tree.file("app.log", GzipFixtures.logText(8_000_000, seed: 8))
            let gzip = try runProcess("gzip", ["-6", "-c", Arg(log)])
            try #require(gzip.status == .exited(0))
            let run = try runSweep(["gzip", "-6", Arg(log)])
            #expect(run.status == .exited(0), "\(run)")
            let ours = try GzipKit.info(tree.path("app.log.gz")).st_size
            #expect(abs(Double(ours) - Double(gzip.stdout.count)) <= Double(gzip.stdout.count) * 0.01,
                    "sweep \(ours) bytes, gzip -6 \(gzip.stdout.count)")
        }

        /// XFL as gzip writes it for the same level (2 at -9, 4 at -1, 0 otherwise), for a small file
        /// and one on the parallel path; OS is 3.
        @Test(arguments: [["-1"], ["--level", "1"], ["-2"], [], ["-6"], ["-8"], ["-9"], ["--level", "9"]])
        func extraFlagsFollowTheLevel(options: [String]) throws {
            let tree = try TempTree("gzip-xfl")
            let level = options.isEmpty ? 6 : Int(options.last!.filter(\.isNumber))!
            try tree.file("small", "small file\n")
            try tree.file("large", randomBytes((1 << 20) + 100, seed: 9))
            let reference = try runProcess("gzip", ["-\(level)", "-c", "small"], directory: tree.root)
            let gzipHeader = try #require(GzipFixtures.Header(reference.stdout))
            #expect(gzipHeader.extraFlags == (level == 9 ? 2 : level == 1 ? 4 : 0))

            let arguments: [Arg] = ["gzip"] + options.map { Arg($0) } + ["small", "large"]
            let run = try runSweep(arguments, directory: tree.root)
            #expect(run.status == .exited(0), "\(run)")
            for name in ["small", "large"] {
                let header = try #require(GzipFixtures.Header(try readFile(tree.path("\(name).gz"))))
                #expect(header.extraFlags == gzipHeader.extraFlags, "\(name) at \(options): \(header)")
                #expect(header.operatingSystem == 3)
            }
        }

        /// The .gz gets the original's permission bits, owner and mtime to the nanosecond, as gzip's
        /// does; the original is removed unless -k.
        @Test(arguments: [false, true])
        func gzGetsTheOriginalsModeOwnerAndTime(keep: Bool) throws {
            let twin = try GzipKit.Twin("gzip-meta") { directory in
                let file = joinPath(directory, utf8("report.csv"))
                try writeFile(file, GzipFixtures.logText(5_000, seed: 10))
                GzipKit.chmod(file, 0o640)
                if runningAsRoot { _ = withCPath(file) { chown($0, 65534, 65534) } }
                try GzipKit.touch("2020-01-02 03:04:05.123456789", file)
            }
            let before = try GzipKit.modificationTime(twin.s("report.csv"))
            #expect(before.nanoseconds == 123_456_789)
            let keepFlag: [Arg] = keep ? ["-k"] : []
            let (sweep, gzip) = try twin.run(sweep: ["gzip"] + keepFlag + ["report.csv"], gzip: keepFlag + ["report.csv"])
            #expect(sweep.status == .exited(0), "\(sweep)")
            #expect(gzip.status == .exited(0), "\(gzip)")

            let ours = try GzipKit.info(twin.s("report.csv.gz"))
            let theirs = try GzipKit.info(twin.g("report.csv.gz"))
            #expect(ours.st_mode & 0o7777 == 0o640)
            #expect(ours.st_mode & 0o7777 == theirs.st_mode & 0o7777)
            #expect(ours.st_mtim.tv_sec == before.seconds && ours.st_mtim.tv_nsec == before.nanoseconds,
                    "mtime \(ours.st_mtim.tv_sec).\(ours.st_mtim.tv_nsec), original \(before)")
            #expect(ours.st_mtim.tv_sec == theirs.st_mtim.tv_sec && ours.st_mtim.tv_nsec == theirs.st_mtim.tv_nsec)
            #expect(ours.st_uid == theirs.st_uid && ours.st_gid == theirs.st_gid)
            #expect(pathExists(twin.s("report.csv")) == keep)
            #expect(pathExists(twin.s("report.csv")) == pathExists(twin.g("report.csv")))
            #expect(try GzipKit.gunzipped(twin.s("report.csv.gz")) == GzipFixtures.logText(5_000, seed: 10))
        }

        /// FILE.gz exists, no -f: gzip's warning word for word, exit 2, both files untouched.
        @Test func existingGzIsNotOverwritten() throws {
            let twin = try GzipKit.Twin("gzip-exists") { directory in
                try writeFile(joinPath(directory, utf8("f")), utf8("new content\n"))
                try writeFile(joinPath(directory, utf8("f.gz")), utf8("old, not even gzip\n"))
            }
            let (sweep, gzip) = try twin.run(sweep: ["gzip", "f"], gzip: ["f"])
            #expect(gzip.status == .exited(2))
            #expect(sweep.status == gzip.status, "sweep: \(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == ["f.gz already exists;\tnot overwritten"])
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"))
            #expect(try readFile(twin.s("f")) == utf8("new content\n"))
            #expect(try readFile(twin.s("f.gz")) == utf8("old, not even gzip\n"))
            #expect(try GzipKit.temporaries(twin.sweepDirectory).isEmpty)
        }

        /// With -f the existing .gz is replaced and the original removed, as with gzip -f.
        @Test func forceOverwritesTheGz() throws {
            let twin = try GzipKit.Twin("gzip-force") { directory in
                try writeFile(joinPath(directory, utf8("f")), utf8("new content\n"))
                try writeFile(joinPath(directory, utf8("f.gz")), utf8("old\n"))
            }
            let (sweep, gzip) = try twin.run(sweep: ["gzip", "-f", "f"], gzip: ["-f", "f"])
            #expect(sweep.status == .exited(0), "\(sweep)")
            #expect(sweep.status == gzip.status)
            #expect(try GzipKit.gunzipped(twin.s("f.gz")) == utf8("new content\n"))
            #expect(!pathExists(twin.s("f")))
            #expect(pathExists(twin.g("f")) == pathExists(twin.s("f")))
        }

        /// An explicit x.gz: gzip's notice, exit 0, the file untouched.
        @Test func explicitGzArgumentIsLeftAlone() throws {
            let twin = try GzipKit.Twin("gzip-suffix") { directory in
                try writeFile(joinPath(directory, utf8("x.gz")), utf8("whatever\n"))
            }
            let (sweep, gzip) = try twin.run(sweep: ["gzip", "x.gz"], gzip: ["x.gz"])
            #expect(sweep.status == gzip.status, "sweep: \(sweep); gzip: \(gzip)")
            #expect(sweep.status == .exited(0))
            #expect(GzipKit.messages(sweep, program: "sweep") == ["x.gz already has .gz suffix -- unchanged"])
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"))
            #expect(try GzipKit.names(twin.sweepDirectory) == ["x.gz"])
            #expect(try readFile(twin.s("x.gz")) == utf8("whatever\n"))
        }

        /// Walking a directory, .gz files are passed over without a word, as by gzip -r.
        @Test func walkingSkipsGzFilesSilently() throws {
            let twin = try GzipKit.Twin("gzip-walk-gz") { directory in
                try makeDirectory(joinPath(directory, utf8("d")))
                try writeFile(joinPath(directory, utf8("d/a")), utf8("aaa\n"))
                try writeFile(joinPath(directory, utf8("d/b.gz")), utf8("not gzip\n"))
            }
            let (sweep, gzip) = try twin.run(sweep: ["gzip", "d"], gzip: ["-r", "d"])
            #expect(sweep.status == .exited(0), "\(sweep)")
            #expect(sweep.status == gzip.status)
            #expect(GzipKit.messages(sweep, program: "sweep").isEmpty, "\(sweep)")
            #expect(GzipKit.messages(gzip, program: "gzip").isEmpty)
            #expect(try GzipKit.names(twin.s("d")) == ["a.gz", "b.gz"])
            #expect(try GzipKit.names(twin.s("d")) == GzipKit.names(twin.g("d")))
            #expect(try readFile(twin.s("d/b.gz")) == utf8("not gzip\n"))
        }

        /// A file with another hard link: gzip's warning, exit 2, nothing written; -f compresses it.
        @Test func hardLinkedFileIsIgnoredUnlessForced() throws {
            let twin = try GzipKit.Twin("gzip-links") { directory in
                try writeFile(joinPath(directory, utf8("h")), utf8("linked\n"))
                _ = withCPath(joinPath(directory, utf8("h"))) { from in withCPath(joinPath(directory, utf8("h2"))) { link(from, $0) } }
            }
            let (sweep, gzip) = try twin.run(sweep: ["gzip", "h"], gzip: ["h"])
            #expect(gzip.status == .exited(2))
            #expect(sweep.status == gzip.status, "\(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == ["h has 1 other link -- file ignored"])
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"))
            #expect(try GzipKit.names(twin.sweepDirectory) == ["h", "h2"])

            let (forced, gzipForced) = try twin.run(sweep: ["gzip", "-f", "h"], gzip: ["-f", "h"])
            #expect(forced.status == .exited(0), "\(forced)")
            #expect(forced.status == gzipForced.status)
            #expect(try GzipKit.names(twin.sweepDirectory) == GzipKit.names(twin.gzipDirectory))
            #expect(try GzipKit.gunzipped(twin.s("h.gz")) == utf8("linked\n"))
            #expect(try readFile(twin.s("h2")) == utf8("linked\n"))
        }

        /// Set-user-ID, set-group-ID and sticky files: gzip leaves them alone without -f (exit 2), so
        /// that a privileged program is not replaced by a .gz that gunzip would restore with its bits.
        @Test(arguments: [mode_t(0o4755), 0o2755, 0o1644])
        func specialModeBitsAreIgnoredLikeGzip(mode: mode_t) throws {
            let twin = try GzipKit.Twin("gzip-setuid") { directory in
                let file = joinPath(directory, utf8("prog"))
                try writeFile(file, utf8("#!/bin/sh\necho hi\n"))
                GzipKit.chmod(file, mode)
            }
            let (sweep, gzip) = try twin.run(sweep: ["gzip", "prog"], gzip: ["prog"])
            #expect(gzip.status == .exited(2), "\(gzip)")
            #expect(sweep.status == gzip.status, "\(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"), "gzip: \(gzip)")
            #expect(try GzipKit.names(twin.sweepDirectory) == GzipKit.names(twin.gzipDirectory))
        }

        /// A symlink met while walking is not followed: the link stays, its target is not compressed.
        @Test func symlinkWhileWalkingIsNotFollowed() throws {
            let tree = try TempTree("gzip-walk-link")
            try tree.file("outside/target", "target content\n")
            try tree.file("d/a", "aaa\n")
            try tree.symlink("d/link", to: "../outside/target")
            let run = try runSweep(["gzip", "d"], directory: tree.root)
            #expect(run.status == .exited(0), "\(run)")
            #expect(try GzipKit.names(tree.path("d")) == ["a.gz", "link"])
            let link = try #require(GzipKit.linkInfo(tree.path("d/link")))
            #expect(link.st_mode & S_IFMT == S_IFLNK)
            #expect(try readFile(tree.path("outside/target")) == utf8("target content\n"))
            #expect(try GzipKit.names(tree.path("outside")) == ["target"])
        }

        /// A symlink named as an argument: gzip refuses it (it opens with O_NOFOLLOW), exit 1, and
        /// leaves the link; sweep must not replace the link with a link.gz of its target.
        @Test func symlinkArgumentIsRefusedLikeGzip() throws {
            let twin = try GzipKit.Twin("gzip-arg-link") { directory in
                try writeFile(joinPath(directory, utf8("target")), utf8("target content\n"))
                _ = withCPath(utf8("target")) { target in withCPath(joinPath(directory, utf8("link"))) { symlink(target, $0) } }
            }
            let (sweep, gzip) = try twin.run(sweep: ["gzip", "link"], gzip: ["link"])
            #expect(gzip.status == .exited(1))
            #expect(sweep.status == gzip.status, "\(sweep)")
            let gzipLeaves = try GzipKit.names(twin.gzipDirectory)
            #expect(try GzipKit.names(twin.sweepDirectory) == gzipLeaves, "gzip leaves: \(gzipLeaves)")
            #expect(GzipKit.linkInfo(twin.s("link")).map { $0.st_mode & S_IFMT == S_IFLNK } == true, "the link was removed")
        }

        /// --older-than 1d: only files whose mtime is more than a day ago.
        @Test func olderThanSelectsOnlyOlderFiles() throws {
            let tree = try TempTree("gzip-age")
            try tree.file("d/old", "old\n")
            try tree.file("d/week-old", "week\n")
            try tree.file("d/recent", "recent\n")
            try tree.file("d/almost-a-day", "almost\n")
            try GzipKit.touch("-2 days", tree.path("d/old"))
            try GzipKit.touch("-8 days", tree.path("d/week-old"))
            try GzipKit.touch("-23 hours", tree.path("d/almost-a-day"))
            let run = try runSweep(["gzip", "--older-than", "1d", "d"], directory: tree.root)
            #expect(run.status == .exited(0), "\(run)")
            #expect(try GzipKit.names(tree.path("d")) == ["almost-a-day", "old.gz", "recent", "week-old.gz"])
            #expect(try GzipKit.gunzipped(tree.path("d/old.gz")) == utf8("old\n"))
        }

        /// A malformed duration is a usage error (64), and nothing is compressed.
        @Test(arguments: ["5x", "1d5", "d", ""])
        func invalidOlderThanIsAUsageError(duration: String) throws {
            let tree = try TempTree("gzip-age-bad")
            try tree.file("d/f", "f\n")
            let run = try runSweep(["gzip", "--older-than", Arg(duration), "d"], directory: tree.root)
            #expect(run.status == .exited(64), "\(run)")
            #expect(run.stderrText.contains("older-than"), "\(run)")
            #expect(try GzipKit.names(tree.path("d")) == ["f"])
        }

        /// An mtime gzip cannot store: MTIME 0, and gzip's warning with exit 2.
        @Test func outOfRangeModificationTimeWarnsLikeGzip() throws {
            let twin = try GzipKit.Twin("gzip-mtime-range") { directory in
                let file = joinPath(directory, utf8("ancient"))
                try writeFile(file, utf8("from 1960\n"))
                try GzipKit.touch("1960-01-01 00:00:00", file)
            }
            let (sweep, gzip) = try twin.run(sweep: ["gzip", "ancient"], gzip: ["ancient"])
            let header = try #require(GzipFixtures.Header(try readFile(twin.s("ancient.gz"))))
            #expect(header.modificationTime == 0)
            #expect(gzip.status == .exited(2))
            #expect(sweep.status == gzip.status, "\(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"), "gzip: \(gzip)")
        }

        /// --manifest: exactly what sha256sum prints for the originals (same path strings, walk order),
        /// and sha256sum -c accepts it once sweep gunzip has restored them.
        @Test func manifestIsSha256sumOfTheOriginals() throws {
            let tree = try TempTree("gzip-manifest")
            try tree.file("d/.hidden", "hidden\n")
            try tree.file("d/a", "aaa\n")
            try tree.file("d/big.log", GzipFixtures.logText(1_500_000, seed: 12))
            try tree.file("d/sp ace", "x y\n")
            try tree.file("d/sub/b", "bb\n")
            try tree.file("d/sub/empty", [])
            // Whole paths sort like sweep's per-directory walk here, so sha256sum gets them in that order.
            let paths = ["d/.hidden", "d/a", "d/big.log", "d/sp ace", "d/sub/b", "d/sub/empty"]
            let expected = try runProcess("sha256sum", paths.map { Arg($0) }, directory: tree.root)
            try #require(expected.status == .exited(0))

            let run = try runSweep(["gzip", "--manifest", "SUMS", "d"], directory: tree.root)
            #expect(run.status == .exited(0), "\(run)")
            #expect(try readFile(tree.path("SUMS")) == expected.stdout)
            #expect(try GzipKit.names(tree.path("d")) == [".hidden.gz", "a.gz", "big.log.gz", "sp ace.gz", "sub"])

            let restore = try runSweep(["gunzip", "d"], directory: tree.root)
            #expect(restore.status == .exited(0), "\(restore)")
            let check = try runProcess("sha256sum", ["-c", "SUMS"], directory: tree.root)
            #expect(check.status == .exited(0), "\(check)")
            #expect(check.stdoutText == paths.map { "\($0): OK\n" }.joined())
        }

        /// --json: one object per file (path, size, status) and a summary whose gzip total is the
        /// sum of the .gz sizes.
        @Test func jsonHasEachFileAndASummary() throws {
            let tree = try TempTree("gzip-json")
            try tree.file("d/a", "aaa\n")
            try tree.file("d/b", GzipFixtures.logText(50_000, seed: 14))
            try tree.file("d/c.gz", "skipped\n")
            let run = try runSweep(["gzip", "--json", "d"], directory: tree.root)
            #expect(run.status == .exited(0), "\(run)")
            let objects = try run.stdoutText.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            try #require(objects.count == 3, "\(run.stdoutText)")
            let sizes = [Int(try GzipKit.info(tree.path("d/a.gz")).st_size), Int(try GzipKit.info(tree.path("d/b.gz")).st_size)]
            for (object, (name, size)) in zip(objects, [("d/a", 4), ("d/b", 50_000)]) {
                #expect(object["path"] as? String == name)
                #expect(object["size"] as? Int == size)
                #expect(object["status"] as? String == "ok")
                #expect(object["gzip"] != nil)
            }
            let summary = try #require(objects[2]["summary"] as? [String: Any])
            #expect(summary["files"] as? Int == 2)
            #expect(summary["failures"] as? Int == 0)
            #expect(summary["bytes"] as? Int == 50_004)
            #expect((summary["totals"] as? [String: Any])?["gzip"] as? Int == sizes.reduce(0, +))
        }

        /// --json's per-file gzip result is JSON a script can use (numbers, the .gz path), not Swift's
        /// debug description of the result struct.
        @Test func jsonGzipResultIsStructured() throws {
            let tree = try TempTree("gzip-json-result")
            try tree.file("d/a", "aaa\n")
            let run = try runSweep(["gzip", "--json", "d"], directory: tree.root)
            #expect(run.status == .exited(0), "\(run)")
            let line = try #require(run.stdoutText.split(separator: "\n").first)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let size = Int(try GzipKit.info(tree.path("d/a.gz")).st_size)
            let value = object["gzip"]
            let structured: Bool
            if let number = value as? Int {
                structured = number == size
            } else if let members = value as? [String: Any] {
                structured = members.values.contains { ($0 as? Int) == size }
            } else {
                structured = false
            }
            #expect(structured, "the gzip member is \(String(describing: value)); expected the .gz size (\(size)) as a number")
        }
    }
}

// MARK: - Permissions (as nobody, via setpriv)

extension EndToEndTests {
    @Suite(.timeLimit(.minutes(1 * testTimeScale)))
    struct GzipCLIPermissionTests {
        /// One unreadable file among readable ones: `Permission denied` for it (as gzip -r says),
        /// exit 1, the others compressed, it left alone.
        @Test func unreadableFileIsReportedOthersAreCompressed() throws {
            guard GzipKit.canDropPrivileges else { try Test.cancel("skipped: needs root, setpriv, and a sweep binary that user nobody can run") }
            let twin = try GzipKit.Twin("gzip-unreadable") { directory in
                let d = joinPath(directory, utf8("w"))
                try makeDirectory(d, mode: 0o777)
                GzipKit.chmod(d, 0o777)
                for name in ["a", "b", "c"] {
                    try writeFile(joinPath(d, utf8(name)), utf8("content of \(name)\n"))
                    GzipKit.chmod(joinPath(d, utf8(name)), name == "b" ? 0o000 : 0o644)
                }
            }
            try twin.tree.openToEveryone()
            GzipKit.chmod(twin.sweepDirectory, 0o755)
            GzipKit.chmod(twin.gzipDirectory, 0o755)
            let sweep = try GzipKit.asNobody(sweepExecutable, ["gzip", "w"], directory: twin.sweepDirectory)
            let gzip = try GzipKit.asNobody("gzip", ["-r", "w"], directory: twin.gzipDirectory)
            #expect(gzip.status == .exited(1), "\(gzip)")
            #expect(sweep.status == gzip.status, "\(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == ["w/b: Permission denied"])
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"))
            #expect(try GzipKit.names(twin.s("w")) == ["a.gz", "b", "c.gz"])
            #expect(try GzipKit.gunzipped(twin.s("w/a.gz")) == utf8("content of a\n"))
            #expect(try GzipKit.gunzipped(twin.s("w/c.gz")) == utf8("content of c\n"))
            #expect(try readFile(twin.s("w/b")) == utf8("content of b\n"))
        }

        /// The directory cannot be written: the .gz cannot be made; gzip's message naming it, exit 1,
        /// the original kept and nothing left behind.
        @Test(arguments: [false, true])
        func readOnlyDirectoryIsAClearError(largeFile: Bool) throws {
            guard GzipKit.canDropPrivileges else { try Test.cancel("skipped: needs root, setpriv, and a sweep binary that user nobody can run") }
            let content = largeFile ? GzipFixtures.logText(1_200_000, seed: 41) : utf8("read-only dir\n")
            let twin = try GzipKit.Twin("gzip-readonly") { directory in
                let d = joinPath(directory, utf8("ro"))
                try makeDirectory(d)
                try writeFile(joinPath(d, utf8("a")), content)
                GzipKit.chmod(joinPath(d, utf8("a")), 0o644)
                GzipKit.chmod(d, 0o555)
            }
            try twin.tree.openToEveryone()
            GzipKit.chmod(twin.sweepDirectory, 0o755)
            GzipKit.chmod(twin.gzipDirectory, 0o755)
            let sweep = try GzipKit.asNobody(sweepExecutable, ["gzip", "ro/a"], directory: twin.sweepDirectory)
            let gzip = try GzipKit.asNobody("gzip", ["ro/a"], directory: twin.gzipDirectory)
            #expect(gzip.status == .exited(1), "\(gzip)")
            #expect(sweep.status == gzip.status, "\(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == ["ro/a.gz: Permission denied"])
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"))
            #expect(try GzipKit.names(twin.s("ro")) == ["a"])
            #expect(try readFile(twin.s("ro/a")) == content)
        }
    }
}

// MARK: - Crash safety, forced for real

extension EndToEndTests {
    /// One at a time: these start long runs and interrupt them, and the machine has two cores.
    @Suite(.serialized, .timeLimit(.minutes(5 * testTimeScale)))
    struct GzipCLICrashSafetyTests {
        /// The .gz cannot fit on a 2 MiB tmpfs: gzip's `NAME.gz: No space left on device`, exit 1, the
        /// original byte-identical, no .gz and no temporary; the serial and the parallel path.
        @Test(arguments: [900_000, 1_500_000])
        func diskFullLeavesTheOriginal(size: Int) throws {
            guard runningAsRoot else { try Test.cancel("skipped: mounting a tmpfs needs root") }
            let tree = try TempTree("gzip-enospc")
            try tree.directory("s")
            try tree.directory("g")
            var mounted: [[UInt8]] = []
            defer {
                for point in mounted { _ = try? runProcess("umount", [Arg(point)]) }
                withExtendedLifetime(tree) {}
            }
            for point in [tree.path("s"), tree.path("g")] {
                let mount = try runProcess("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", Arg(point)])
                guard mount.status == .exited(0) else {
                    try Test.cancel(Comment(rawValue: "skipped: cannot mount a tmpfs here: \(mount)"))
                }
                mounted.append(point)
            }
            let content = randomBytes(size, seed: UInt64(size))
            for point in mounted {
                try writeFile(joinPath(point, utf8("data.bin")), content)
                // Leave about 300 KB free: far less than the incompressible .gz needs.
                let filler = max(0, 2 * 1024 * 1024 - size - 300_000)
                try writeFile(joinPath(point, utf8("filler.gz")), [UInt8](repeating: 0x55, count: filler))
            }
            let sweep = try runSweep(["gzip", "data.bin"], directory: tree.path("s"))
            let gzip = try runProcess("gzip", ["data.bin"], directory: tree.path("g"))
            #expect(gzip.status == .exited(1), "\(gzip)")
            #expect(sweep.status == .exited(1), "\(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == ["data.bin.gz: No space left on device"])
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"))
            #expect(try readFile(tree.path("s/data.bin")) == content)
            #expect(try GzipKit.names(tree.path("s")) == ["data.bin", "filler.gz"])
            #expect(try GzipKit.temporaries(tree.path("s")).isEmpty)
        }

        /// kill -9 while a 200 MB file is being compressed: the original intact, no FILE.gz and no
        /// temporary of any kind (the output was an unnamed file, gone with the process). A later run
        /// leaves alone files that merely look like sweep's temporaries, stale or fresh — a name proves
        /// nothing about who made a file — and compresses the file correctly.
        @Test func killNineMidWayThenRecover() throws {
            let tree = try TempTree("gzip-kill9")
            let big = tree.path("d/big.log")
            try tree.directory("d")
            try GzipKit.writeLargeLog(big, count: 200_000_000)
            let hash = try GzipKit.sha256(big)

            let child = try spawnProcess(sweepExecutable, ["gzip", "--level", "9", "-j", "1", Arg(big)])
            let writing = GzipKit.waitForOutputInProgress(in: tree.path("d"), minimumSize: 1, child: child, seconds: 60)
            kill(child.pid, SIGKILL)
            let killed = child.wait()
            try #require(writing, "no output in progress appeared before sweep ended: \(killed)")
            #expect(killed.status == .signalled(SIGKILL), "sweep ended before the kill: \(killed)")
            #expect(try GzipKit.sha256(big) == hash, "the original changed")
            #expect(try GzipKit.names(tree.path("d")) == ["big.log"])

            // Files named like temporaries, one untouched for 20 minutes, one fresh: neither is sweep's to delete.
            let stale = ".big.log.gz.sweep-tmp-Xy9876"
            try tree.file("d/\(stale)", "someone's notes")
            try GzipKit.touch("-20 minutes", tree.path("d/\(stale)"))
            let fresh = ".other.gz.sweep-tmp-AbC123"
            try tree.file("d/\(fresh)", "in progress")
            let again = try runSweep(["gzip", "-1", "d"], directory: tree.root)
            #expect(again.status == .exited(0), "\(again)")
            #expect(try GzipKit.names(tree.path("d")) == [fresh, stale, "big.log.gz"].sorted())
            #expect(try readFile(tree.path("d/\(stale)")) == utf8("someone's notes"))
            let check = try runProcess("sh", ["-c", "gzip -dc big.log.gz | sha256sum"], directory: tree.path("d"))
            #expect(check.stdoutText.hasPrefix(hash + " "), "\(check)")
        }

        /// Ctrl-C mid-way: exit 130, the original intact, no .gz and no temporary.
        @Test func interruptMidWay() throws {
            let tree = try TempTree("gzip-sigint")
            let file = tree.path("d/big.log")
            try tree.directory("d")
            try GzipKit.writeLargeLog(file, count: 32_000_000)
            let hash = try GzipKit.sha256(file)

            let child = try spawnProcess(sweepExecutable, ["gzip", "-9", "-j", "1", Arg(file)])
            let writing = GzipKit.waitForOutputInProgress(in: tree.path("d"), minimumSize: 1, child: child, seconds: 60)
            child.signal(SIGINT)
            let output = try #require(child.wait(atMost: 60), "sweep did not stop after SIGINT")
            try #require(writing, "no output in progress appeared before sweep ended: \(output)")
            #expect(output.status == .exited(130), "\(output)")
            #expect(try GzipKit.sha256(file) == hash)
            #expect(try GzipKit.names(tree.path("d")) == ["big.log"])
        }

        /// A log appended to while it is compressed: `file changed as we read it`, exit 1, the original
        /// kept (with what was appended), no .gz and no temporary.
        @Test func liveLogIsLeftAlone() throws {
            let tree = try TempTree("gzip-live")
            let file = tree.path("d/live.log")
            try tree.directory("d")
            try GzipKit.writeLargeLog(file, count: 50_000_000)
            let original = try readFile(file)

            let child = try spawnProcess(sweepExecutable, ["gzip", "-9", "-j", "1", Arg(file)])
            // Once the output is being written the file is open and being read: append until sweep ends.
            let writing = GzipKit.waitForOutputInProgress(in: tree.path("d"), minimumSize: 0, child: child, seconds: 60)
            var appended: [UInt8] = []
            while !child.poll() {
                let line = utf8("appended line \(appended.count)\n")
                try appendToFile(file, line)
                appended += line
                usleep(5_000)
            }
            let output = child.wait()
            try #require(writing, "sweep ended before its output appeared: \(output)")
            #expect(output.status == .exited(1), "\(output)")
            #expect(GzipKit.messages(output, program: "sweep") == ["\(String(decoding: file, as: UTF8.self)): file changed as we read it"])
            #expect(try readFile(file) == original + appended)
            #expect(try GzipKit.names(tree.path("d")) == ["live.log"])
        }
    }
}
