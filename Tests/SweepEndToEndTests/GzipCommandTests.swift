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

        /// At -6 the ~8 MB log (four libdeflate blocks) is no larger than `gzip -6` makes it with the
        /// fastest engine, and within 1% of it through zlib (pigz's blocks).
        @Test(arguments: ["fastest", "zlib"])
        func levelSixSizeKeepsToGzips(engine: String) throws {
            let tree = try TempTree("gzip-size")
            let log = try tree.file("app.log", GzipFixtures.logText(8_000_000, seed: 8))
            let gzip = try runProcess("gzip", ["-6", "-c", Arg(log)])
            try #require(gzip.status == .exited(0))
            let run = try runSweep(["gzip", "-6", "--engine", Arg(engine), Arg(log)])
            #expect(run.status == .exited(0), "\(run)")
            let ours = Double(try GzipKit.info(tree.path("app.log.gz")).st_size)
            let theirs = Double(gzip.stdout.count)
            if engine == "fastest" {
                #expect(ours <= theirs, "sweep \(ours) bytes, gzip -6 \(theirs)")
            } else {
                #expect(abs(ours - theirs) <= theirs * 0.01, "sweep \(ours) bytes, gzip -6 \(theirs)")
            }
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

// MARK: - Standard input, standard output (-c), and gzip's other habits

// Serialized, and waiting off the cooperative pool: the machine has two cores, which the library's
// async tests need too.
extension EndToEndTests {
    @Suite(.serialized, .timeLimit(.minutes(3 * testTimeScale)))
    struct GzipCLIStreamTests {
        /// `sh -c SCRIPT` with `$0` the sweep binary and `$1`… `arguments`, in `directory`.
        static func shell(_ script: String, _ arguments: [Arg] = [], in directory: [UInt8]? = nil, stdoutFile: [UInt8]? = nil) async throws -> ProcessOutput {
            try await runProcessAsync("sh", ["-c", Arg(script), Arg(sweepExecutable)] + arguments, directory: directory, stdoutFile: stdoutFile)
        }

        /// With no path, standard input is compressed to standard output, as gzip does: from a pipe
        /// and from a regular file, empty, small and over the parallel threshold. gzip -d restores it,
        /// it is one member, nothing is written beside, and nothing is said on success.
        @Test(arguments: [0, 5_000, 3_000_000])
        func noPathCompressesStandardInputToStandardOutput(size: Int) async throws {
            let tree = try TempTree("gzip-stdin")
            let data = GzipFixtures.logText(size, seed: 51)
            let input = try tree.file("input", data)
            let fromFile = try await runSweepAsync(["gzip"], directory: tree.root, stdin: .file(input))
            let fromPipe = try await Self.shell("cat input | \"$0\" gzip", in: tree.root)
            let dash = try await Self.shell("cat input | \"$0\" gzip -", in: tree.root)
            for (label, run) in [("file", fromFile), ("pipe", fromPipe), ("-", dash)] {
                #expect(run.status == .exited(0), "\(label): \(run)")
                #expect(run.stderr.isEmpty, "\(label): quiet by default: \(run)")
                #expect(try GzipFixtures.peer("gzip", ["-dc"], input: run.stdout) == data, "\(label)")
                let first = try GzipFixtures.firstMember(run.stdout)
                #expect(first.ended && first.unusedBytes == 0, "\(label): one member")
            }
            #expect(try GzipKit.names(tree.root) == ["input"], "nothing written beside")
        }

        /// The header of standard input as gzip writes it: no name; MTIME 0 from a pipe, the file's
        /// mtime when standard input is a regular file (and 0 again with -n).
        @Test func standardInputHeaderIsGzips() async throws {
            let tree = try TempTree("gzip-stdin-header")
            let input = try tree.file("input", utf8("header test\n"))
            try GzipKit.touch("2020-01-02 03:04:05", input)
            for (script, label) in [("cat input | \"$0\" gzip", "pipe"), ("\"$0\" gzip < input", "file"), ("\"$0\" gzip -n < input", "file -n")] {
                let ours = try await Self.shell(script, in: tree.root)
                let theirs = try await runProcessAsync("sh", ["-c", Arg(script.replacingOccurrences(of: "\"$0\" gzip", with: "gzip"))], directory: tree.root)
                let ourHeader = try #require(GzipFixtures.Header(ours.stdout), "\(label): \(ours)")
                let gzipHeader = try #require(GzipFixtures.Header(theirs.stdout), "\(label): \(theirs)")
                #expect(ourHeader.name == nil && ourHeader.flags == gzipHeader.flags, "\(label): \(ourHeader) vs gzip \(gzipHeader)")
                #expect(ourHeader.modificationTime == gzipHeader.modificationTime, "\(label): \(ourHeader) vs gzip \(gzipHeader)")
            }
            let pipe = try #require(GzipFixtures.Header(try await Self.shell("cat input | \"$0\" gzip", in: tree.root).stdout))
            #expect(pipe.modificationTime == 0 && pipe.flags == 0)
        }

        /// Memory stays flat whatever the length of a piped stream, both ways: 64 MiB through
        /// `sweep gzip` and back through `sweep gunzip` peak (python's rusage of its only child)
        /// within 16 MiB of a 2 MiB stream's peak, and the bytes come back intact (CRC-32 by python).
        /// Measured against the short stream rather than a fixed figure, so that a sanitizer build's
        /// own overhead (its quarantine is turned off for the run) does not count as the stream's.
        @Test func streamsInBoundedMemory() async throws {
            let tree = try TempTree("gzip-stream-memory")
            let script = """
                import os, resource, subprocess, sys, zlib
                exe, mode, out, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
                env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0")
                block = bytearray()
                i = 0
                while len(block) < 1 << 20:
                    block += b"2024-05-01T00:00:%02d line %08d worker-%d status=200 latency_ms=%d\\n" % (i % 60, i, i % 7, (i * 7919) % 1000)
                    i += 1
                block = bytes(block[:1 << 20])
                crc = 0
                for n in range(count):
                    crc = zlib.crc32(block[:8] + n.to_bytes(4, "little") + block[12:], crc)
                with open(out, "wb") as sink:
                    if mode == "gzip":
                        p = subprocess.Popen([exe, "gzip"], stdin=subprocess.PIPE, stdout=sink, env=env)
                        for n in range(count):
                            p.stdin.write(block[:8] + n.to_bytes(4, "little") + block[12:])
                    else:
                        p = subprocess.Popen([exe, "gunzip"], stdin=subprocess.PIPE, stdout=sink, env=env)
                        c = zlib.compressobj(6, zlib.DEFLATED, 31)
                        for n in range(count):
                            p.stdin.write(c.compress(block[:8] + n.to_bytes(4, "little") + block[12:]))
                        p.stdin.write(c.flush())
                    p.stdin.close()
                    status = p.wait()
                got = 0
                with open(out, "rb") as f:
                    d = zlib.decompressobj(31) if mode == "gzip" else None
                    while True:
                        chunk = f.read(1 << 20)
                        if not chunk:
                            break
                        got = zlib.crc32(d.decompress(chunk) if d else chunk, got)
                rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                print(status, rss, 1 if got == crc else 0)
                """
            for mode in ["gzip", "gunzip"] {
                var peakKiB: [Int: Int] = [:]
                for mebibytes in [2, 64] {
                    let output = try await runProcessAsync(
                        Oracle.python, ["-c", Arg(script), Arg(sweepExecutable), Arg(mode), Arg(tree.path("out-\(mode)")), Arg("\(mebibytes)")])
                    let fields = output.stdoutText.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
                    try #require(fields.count == 3, "\(mode) of \(mebibytes) MiB: \(output)")
                    #expect(fields[0] == 0, "\(mode) of \(mebibytes) MiB, exit status: \(output)")
                    #expect(fields[2] == 1, "\(mode) of \(mebibytes) MiB: the bytes came back different")
                    peakKiB[mebibytes] = fields[1]
                }
                let short = try #require(peakKiB[2]), long = try #require(peakKiB[64])
                #expect(long < short + 16 * 1024, "\(mode): peak RSS \(long) KiB for 64 MiB, \(short) KiB for 2 MiB")
            }
        }

        /// -c: every named file compressed to standard output, one member each in order, as gzip -c
        /// writes them (header name and mtime included); the originals stay, nothing is written
        /// beside; -dc restores the concatenation, as gzip -dc does.
        @Test func dashCWritesMembersInOrderAndKeepsTheFiles() async throws {
            let tree = try TempTree("gzip-c")
            let a = try tree.file("a.log", GzipFixtures.logText(2_500_000, seed: 52))
            let b = try tree.file("b.log", utf8("second\n"))
            try GzipKit.touch("2021-06-07 08:09:10", a)
            let ours = try await runSweepAsync(["gzip", "-c", "a.log", "b.log"], directory: tree.root)
            let theirs = try await runProcessAsync("gzip", ["-c", "a.log", "b.log"], directory: tree.root)
            #expect(ours.status == .exited(0) && ours.stderr.isEmpty, "\(ours)")
            #expect(try GzipFixtures.peer("gzip", ["-dc"], input: ours.stdout) == (try readFile(a)) + (try readFile(b)))
            let header = try #require(GzipFixtures.Header(ours.stdout))
            let gzipHeader = try #require(GzipFixtures.Header(theirs.stdout))
            #expect(header.name == gzipHeader.name && header.modificationTime == gzipHeader.modificationTime, "\(header) vs \(gzipHeader)")
            #expect(try GzipKit.names(tree.root) == ["a.log", "b.log"])

            // Back: gunzip -c of two .gz files is the concatenation, the .gz files kept.
            try tree.file("a.log.gz", try GzipFixtures.peer("gzip", ["-c"], input: try readFile(a)))
            try tree.file("b.log.gz", try GzipFixtures.peer("gzip", ["-c"], input: try readFile(b)))
            for command in [["gunzip", "-c"], ["gzip", "-dc"], ["gzip", "-d", "--stdout"]] {
                let restored = try await runSweepAsync(command.map { Arg($0) } + ["a.log.gz", "b.log.gz"], directory: tree.root)
                #expect(restored.status == .exited(0), "\(command): \(restored)")
                #expect(restored.stdout == (try readFile(a)) + (try readFile(b)), "\(command)")
            }
            #expect(try GzipKit.names(tree.root) == ["a.log", "a.log.gz", "b.log", "b.log.gz"])
        }

        /// -c goes on past a missing file as gzip -c does: its message, exit 1, the others written.
        /// -dc decompresses a file whatever its name, as gzip -dc does.
        @Test func dashCReportsAMissingFileAndGoesOn() async throws {
            let twin = try GzipKit.Twin("gzip-c-missing") { directory in
                try writeFile(joinPath(directory, utf8("here")), utf8("still here\n"))
                try writeFile(joinPath(directory, utf8("noext")), try GzipFixtures.peer("gzip", ["-c"], input: utf8("no suffix\n")))
            }
            let (sweep, gzip) = try await twin.runAsync(sweep: ["gzip", "-c", "missing", "here"], gzip: ["-c", "missing", "here"])
            #expect(gzip.status == .exited(1))
            #expect(sweep.status == gzip.status, "\(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"))
            #expect(try GzipFixtures.peer("gzip", ["-dc"], input: sweep.stdout) == utf8("still here\n"))
            let (dc, gzipDc) = try await twin.runAsync(sweep: ["gzip", "-dc", "noext"], gzip: ["-dc", "noext"])
            #expect(gzipDc.status == .exited(0) && dc.status == .exited(0), "\(dc)")
            #expect(dc.stdout == gzipDc.stdout && dc.stdout == utf8("no suffix\n"))
        }

        /// A FIFO and a character device named with -c are read, as gzip -c reads them (the header
        /// names them, with MTIME 0); named without -c, a FIFO is gzip's warning, exit 2.
        @Test func dashCReadsAFifoAndADevice() async throws {
            let tree = try TempTree("gzip-c-fifo")
            let fifo = try tree.fifo("pipe")
            let writer = try spawnProcess("sh", ["-c", "printf 'through a fifo\\n' > pipe"], directory: tree.root)
            let ours = try await runSweepAsync(["gzip", "-c", "pipe"], directory: tree.root)
            #expect(writer.wait(atMost: 10) != nil, "the writer was never read from")
            #expect(ours.status == .exited(0), "\(ours)")
            #expect(try GzipFixtures.peer("gzip", ["-dc"], input: ours.stdout) == utf8("through a fifo\n"))
            #expect(GzipFixtures.Header(ours.stdout)?.name == utf8("pipe"))

            let null = try await runSweepAsync(["gzip", "-c", "/dev/null"])
            let gzipNull = try await runProcessAsync("gzip", ["-c", "/dev/null"])
            #expect(null.status == .exited(0), "\(null)")
            #expect(try GzipFixtures.peer("gzip", ["-dc"], input: null.stdout).isEmpty)
            #expect(GzipFixtures.Header(null.stdout)?.name == GzipFixtures.Header(gzipNull.stdout)?.name)
            #expect(GzipFixtures.Header(null.stdout)?.modificationTime == GzipFixtures.Header(gzipNull.stdout)?.modificationTime)

            // Without -c: gzip's warning (exit 2), nothing opened, nothing written.
            let inPlace = try await runSweepAsync(["gzip", "pipe"], directory: tree.root)
            let gzipInPlace = try await runProcessAsync("gzip", ["pipe"], directory: tree.root)
            #expect(gzipInPlace.status == .exited(2))
            #expect(inPlace.status == gzipInPlace.status, "\(inPlace)")
            #expect(GzipKit.messages(inPlace, program: "sweep") == GzipKit.messages(gzipInPlace, program: "gzip"))
            #expect(try GzipKit.names(tree.root) == ["pipe"])
            _ = fifo
        }

        /// Compressed data is never written to a terminal nor read from one, in gzip's words and with
        /// its exit status (run under `script`, which gives both programs a terminal); -q says nothing,
        /// -f goes ahead.
        @Test(arguments: [
            ("gzip", "gzip"), ("gzip -d", "gzip -d"), ("gunzip", "gzip -d"), ("gzip -t", "gzip -t"),
            ("gzip -q", "gzip -q"), ("gzip -f < /dev/null", "gzip -f < /dev/null"),
        ])
        func aTerminalIsRefusedAsGzipRefusesIt(_ ours: String, _ theirs: String) async throws {
            let tree = try TempTree("gzip-tty")
            func inTerminal(_ command: String) async throws -> String {
                let output = try await runProcessAsync("script", ["-qec", Arg("\(command); echo \"exit $?\""), "/dev/null"], directory: tree.root)
                return output.stdoutText.replacingOccurrences(of: "\r\n", with: "\n")
            }
            let sweep = try await inTerminal("'\(sweepExecutable)' \(ours)")
            let gzip = try await inTerminal(theirs)
            if theirs.contains("-f") {
                // Forced: both write the compressed data to the terminal.
                #expect(gzip.hasSuffix("exit 0\n"), "\(gzip)")
                #expect(sweep.hasSuffix("exit 0\n"), "\(sweep)")
                #expect(!sweep.contains("terminal"), "\(sweep)")
                return
            }
            #expect(gzip.hasSuffix("exit 1\n"), "\(gzip)")
            // sweep names itself and the subcommand its help belongs to.
            let normalized = sweep.replacingOccurrences(of: "sweep: ", with: "gzip: ")
                .replacingOccurrences(of: "sweep gzip -h", with: "gzip -h").replacingOccurrences(of: "sweep gunzip -h", with: "gzip -h")
            #expect(normalized == gzip, "sweep: \(sweep)")
            #expect(try GzipKit.names(tree.root).isEmpty)
        }

        /// Writing to a full standard output: gzip's `stdout: No space left on device`, exit 1.
        @Test func aFullStandardOutputIsAnError() async throws {
            let twin = try GzipKit.Twin("gzip-full") { directory in
                try writeFile(joinPath(directory, utf8("f")), GzipFixtures.logText(400_000, seed: 53))
            }
            let sweep = try await runSweepAsync(["gzip", "-c", "f", "f"], directory: twin.sweepDirectory, stdoutFile: utf8("/dev/full"))
            let gzip = try await runProcessAsync("gzip", ["-c", "f", "f"], directory: twin.gzipDirectory, stdoutFile: utf8("/dev/full"))
            #expect(gzip.status == .exited(1))
            #expect(sweep.status == gzip.status, "\(sweep)")
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"))
            #expect(try GzipKit.names(twin.sweepDirectory) == ["f"])
        }

        /// Standard input is `stdin` in messages, as gzip names it; a corrupt stream is exit 1,
        /// trailing garbage a warning (exit 2) with the data written; -t tests standard input.
        @Test func standardInputMessagesAreGzips() async throws {
            let tree = try TempTree("gzip-stdin-messages")
            let good = try GzipFixtures.peer("gzip", ["-c"], input: utf8("payload\n"))
            var corrupt = good
            corrupt[corrupt.count - 6] ^= 0xFF  // the CRC
            let inputs: [(String, [UInt8])] = [
                ("not gzip", utf8("plain text\n")), ("trailing garbage", good + utf8("junk")), ("crc", corrupt), ("empty", []),
            ]
            for (label, input) in inputs {
                for arguments in [["-d"], ["-t"], ["-dq"]] as [[String]] {
                    let sweep = try await runSweepAsync(["gzip"] + arguments.map { Arg($0) }, directory: tree.root, stdin: .bytes(input))
                    let gzip = try await runProcessAsync("gzip", arguments.map { Arg($0) }, directory: tree.root, stdin: .bytes(input))
                    #expect(sweep.status == gzip.status, "\(label) \(arguments): \(sweep) / gzip \(gzip)")
                    #expect(sweep.stdout == gzip.stdout, "\(label) \(arguments)")
                    #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"), "\(label) \(arguments)")
                }
            }
        }

        /// --json cannot share standard output with compressed data (a usage error); on files it is
        /// the only thing on standard output, and nothing is said on standard error.
        @Test func jsonIsAloneOnStandardOutput() async throws {
            let tree = try TempTree("gzip-json-alone")
            try tree.file("a", "a\n")
            for arguments in [["gzip", "--json"], ["gzip", "-c", "--json", "a"], ["gunzip", "--json", "-"]] as [[String]] {
                let run = try await runSweepAsync(arguments.map { Arg($0) }, directory: tree.root)
                #expect(run.status == .exited(64), "\(arguments): \(run)")
                #expect(run.stdout.isEmpty && run.stderrText.contains("--json"), "\(arguments): \(run)")
            }
            let run = try await runSweepAsync(["gzip", "--json", "-k", "a"], directory: tree.root)
            #expect(run.status == .exited(0) && run.stderr.isEmpty, "\(run)")
            let lines = run.stdoutText.split(separator: "\n")
            #expect(lines.count == 2 && lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, "\(run)")
        }
    }
}

extension EndToEndTests {
    @Suite(.serialized, .timeLimit(.minutes(3 * testTimeScale)))
    struct GzipCLIFlagTests {
        /// gzip's compression of `x\n`, made once: every .gz of the warnings fixture (their content
        /// does not matter to the warnings).
        static let smallMember: [UInt8] = (try? GzipFixtures.peer("gzip", ["-c"], input: utf8("x\n"))) ?? []

        /// One of everything gzip warns about or refuses, made the same way for sweep and for gzip.
        static func warningsFixture(_ directory: [UInt8]) throws {
            func path(_ name: String) -> [UInt8] { joinPath(directory, utf8(name)) }
            try #require(!smallMember.isEmpty, "gzip -c failed")
            try writeFile(path("e"), utf8("exists\n"))
            try writeFile(path("e.gz"), smallMember)
            try writeFile(path("x.gz"), smallMember)
            try writeFile(path("a.tgz"), smallMember)
            try writeFile(path("g"), utf8("linked\n"))
            _ = withCPath(path("g")) { source in withCPath(path("g-link")) { link(source, $0) } }
            _ = withCPath(path("p")) { mkfifo($0, 0o644) }
            try writeFile(path("old"), utf8("from 1960\n"))
            try GzipKit.touch("1960-01-01 00:00:00", path("old"))
            try writeFile(path("u"), utf8("unknown suffix\n"))
            try writeFile(path("t.gz"), smallMember + utf8("garbage"))
        }

        /// -q as gzip -q: warnings go unsaid with the same exit status (an unknown suffix is then no
        /// warning at all), an existing output is still reported; -v and -q, the last one wins.
        @Test(arguments: [
            ["-kq", "e"], ["-k", "e"], ["-q", "x.gz"], ["x.gz"], ["-q", "a.tgz"], ["a.tgz"], ["-q", "p"], ["p"],
            ["-q", "g"], ["g"], ["-dq", "u"], ["-d", "u"], ["-dkq", "t.gz"], ["-dk", "t.gz"], ["-kq", "old"], ["-k", "old"],
            ["-qv", "x.gz"], ["-vq", "x.gz"], ["--quiet", "p"],
        ] as [[String]])
        func quietIsGzipsQuiet(_ arguments: [String]) async throws {
            let twin = try GzipKit.Twin("gzip-quiet") { try Self.warningsFixture($0) }
            let (sweep, gzip) = try await twin.runAsync(sweep: ["gzip"] + arguments.map { Arg($0) }, gzip: arguments.map { Arg($0) })
            #expect(sweep.status == gzip.status, "\(arguments): \(sweep) / gzip \(gzip)")
            #expect(GzipKit.messages(sweep, program: "sweep") == GzipKit.messages(gzip, program: "gzip"), "\(arguments)")
            #expect(try GzipKit.names(twin.sweepDirectory) == GzipKit.names(twin.gzipDirectory), "\(arguments)")
        }

        /// Nothing is said on success unless -v asks for the summary, for gzip, gunzip and -t.
        @Test func summaryOnlyWithVerbose() async throws {
            let tree = try TempTree("gzip-verbose")
            try tree.file("f", GzipFixtures.logText(10_000, seed: 54))
            let quiet = try await runSweepAsync(["gzip", "-k", "f"], directory: tree.root)
            #expect(quiet.status == .exited(0) && quiet.stderr.isEmpty, "\(quiet)")
            for arguments in [["gzip", "-t", "-v", "f.gz"], ["gunzip", "-v", "-c", "f.gz"], ["gzip", "-q", "-v", "-f", "-k", "f"]] as [[String]] {
                let run = try await runSweepAsync(arguments.map { Arg($0) }, directory: tree.root)
                #expect(run.status == .exited(0), "\(arguments): \(run)")
                let lines = run.stderrText.split(separator: "\n")
                #expect(lines.count == 1 && GzipKit.isReport(String(lines[0].dropFirst("sweep: ".count))), "\(arguments): \(run)")
            }
            let silent = try await runSweepAsync(["gunzip", "-k", "-f", "f.gz"], directory: tree.root)
            #expect(silent.status == .exited(0) && silent.stderr.isEmpty, "\(silent)")
        }

        /// -n stores neither name nor time, -N both (the default), the last of them wins: the header
        /// as gzip writes it with the same flags, for a file and for -c.
        @Test(arguments: [["-n"], ["-N"], [], ["-n", "-N"], ["-N", "-n"], ["--no-name"], ["-nc"]] as [[String]])
        func nameAndTimeInTheHeaderFollowDashN(_ flags: [String]) async throws {
            let twin = try GzipKit.Twin("gzip-n") { directory in
                let file = joinPath(directory, utf8("named.txt"))
                try writeFile(file, utf8("name and time\n"))
                try GzipKit.touch("2022-02-03 04:05:06", file)
            }
            let toStdout = flags.contains("-nc")
            let (sweep, gzip) = try await twin.runAsync(sweep: ["gzip", "-k"] + flags.map { Arg($0) } + ["named.txt"], gzip: ["-k"] + flags.map { Arg($0) } + ["named.txt"])
            #expect(sweep.status == .exited(0) && gzip.status == .exited(0), "\(sweep)")
            let ours = try #require(GzipFixtures.Header(toStdout ? sweep.stdout : try readFile(twin.s("named.txt.gz"))))
            let theirs = try #require(GzipFixtures.Header(toStdout ? gzip.stdout : try readFile(twin.g("named.txt.gz"))))
            #expect(ours.flags == theirs.flags && ours.name == theirs.name && ours.modificationTime == theirs.modificationTime,
                    "\(flags): \(ours) vs gzip \(theirs)")
        }

        /// -S/--suffix: FILE.SUF is written, and read back with -d -S, as gzip does; an empty suffix
        /// is a usage error.
        @Test(arguments: [["-S", ".z"], ["-S", "z"], ["--suffix", "_x"], ["--suffix=.Zip"]] as [[String]])
        func suffixOptionIsGzips(_ flags: [String]) async throws {
            let twin = try GzipKit.Twin("gzip-suffix") { directory in
                try writeFile(joinPath(directory, utf8("a")), utf8("suffix test\n"))
            }
            let flagArgs = flags.map { Arg($0) }
            let (sweep, gzip) = try await twin.runAsync(sweep: ["gzip"] + flagArgs + ["a"], gzip: flagArgs + ["a"])
            #expect(sweep.status == gzip.status && sweep.stderr.isEmpty, "\(flags): \(sweep)")
            #expect(try GzipKit.names(twin.sweepDirectory) == GzipKit.names(twin.gzipDirectory), "\(flags)")
            #expect(try GzipKit.names(twin.sweepDirectory) != ["a"])
            let compressed = try GzipKit.names(twin.sweepDirectory)[0]
            let (back, gzipBack) = try await twin.runAsync(sweep: ["gunzip"] + flagArgs + [Arg(compressed)], gzip: ["-d"] + flagArgs + [Arg(compressed)])
            #expect(back.status == gzipBack.status && back.status == .exited(0), "\(flags): \(back)")
            #expect(try GzipKit.names(twin.sweepDirectory) == ["a"])
            #expect(try readFile(twin.s("a")) == utf8("suffix test\n"))

            let empty = try await runSweepAsync(["gzip", "-S", "", "a"], directory: twin.sweepDirectory)
            #expect(empty.status == .exited(64) && empty.stderrText.contains("invalid suffix ''"), "\(empty)")
        }

        /// -r is accepted (walking is implicit) and does what gzip -r does; -p N is pigz's -j N.
        @Test(arguments: [["-r"], ["--recursive"], ["-p", "2"], ["-p2"], ["-r", "-p", "1"]] as [[String]])
        func recursiveAndPigzThreadsAreAccepted(_ flags: [String]) async throws {
            let twin = try GzipKit.Twin("gzip-r") { directory in
                try makeDirectory(joinPath(directory, utf8("d")))
                try makeDirectory(joinPath(directory, utf8("d/sub")))
                try writeFile(joinPath(directory, utf8("d/one")), GzipFixtures.logText(1_500_000, seed: 55))
                try writeFile(joinPath(directory, utf8("d/sub/two")), utf8("two\n"))
                try writeFile(joinPath(directory, utf8("d/sub/done.gz")), try GzipFixtures.peer("gzip", ["-c"], input: utf8("done\n")))
            }
            let (sweep, gzip) = try await twin.runAsync(sweep: ["gzip"] + flags.map { Arg($0) } + ["d"], gzip: ["-r", "d"])
            #expect(sweep.status == .exited(0) && gzip.status == .exited(0), "\(flags): \(sweep)")
            #expect(sweep.stderr.isEmpty, "\(sweep)")
            #expect(try GzipKit.names(twin.s("d")) == GzipKit.names(twin.g("d")))
            #expect(try GzipKit.names(twin.s("d/sub")) == GzipKit.names(twin.g("d/sub")))
            #expect(try GzipKit.gunzipped(twin.s("d/one.gz")) == GzipFixtures.logText(1_500_000, seed: 55))
        }
    }
}
