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
    /// `sum --update`, `check --audit` and `scrub` end to end, on real trees: every manifest
    /// `--update` writes is checked by `sha256sum -c` and compared with a fresh `sweep sum`.
    @Suite(.timeLimit(.minutes(3 * testTimeScale)))
    struct LedgerTests {
        /// A tree `ROOT/data/{a,b,c,d}` (the manifest `ROOT/SUMS` sits outside the walked `data`).
        static func tree(_ label: String, files: [String: String] = ["a": "alpha\n", "b": "bravo\n", "c": "charlie\n", "d": "delta\n"]) throws -> TempTree {
            let tree = try TempTree(label)
            try tree.directory("data")
            for (name, content) in files { _ = try tree.file("data/\(name)", content) }
            return tree
        }

        /// `--update` wrote what a full `sweep sum data` writes now, and `sha256sum -c` accepts it.
        static func expectManifestIsCurrent(_ tree: TempTree, _ manifest: String = "SUMS", flags: [Arg] = []) throws {
            let fresh = try runSweep(["sum"] + flags + ["data"], directory: tree.root)
            #expect(fresh.status == .exited(0))
            #expect(try readFile(tree.path(manifest)) == fresh.stdout, "the updated manifest equals a fresh sweep sum")
            let peer = try runProcess("sha256sum", ["-c", "--quiet", Arg(manifest)], directory: tree.root)
            #expect(peer.status == .exited(0), "sha256sum -c accepts it: \(peer)")
        }

        /// The per-file states and the summary of `sum --update --json`.
        static func states(_ output: ProcessOutput) throws -> (files: [String: (state: String, hashed: Bool)], summary: [String: Any]) {
            var files: [String: (String, Bool)] = [:]
            var summary: [String: Any] = [:]
            for line in output.stdoutText.split(separator: "\n") {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                if let inner = object["summary"] as? [String: Any] { summary = inner; continue }
                files[try #require(object["path"] as? String)] = (try #require(object["state"] as? String), object["hashed"] as? Bool ?? false)
            }
            return (files, summary)
        }

        @Test func updateHashesOnlyWhatChangedAndStaysByteIdentical() throws {
            let tree = try Self.tree("update")
            let first = try runSweep(["sum", "--update", "SUMS", "data"], directory: tree.root)
            #expect(first.status == .exited(0), "\(first)")
            #expect(first.stderrText.contains("no manifest and no ledger yet"), "\(first)")
            #expect(pathExists(tree.path("SUMS.sweep-ledger")))
            try Self.expectManifestIsCurrent(tree)

            // An edit, a removal, a new file, a file touched without a change of content.
            try appendToFile(tree.path("data/b"), utf8("more\n"))
            #expect(unlink(tree.path("data/c").map { CChar(bitPattern: $0) } + [0]) == 0)
            _ = try tree.file("data/e", "echo\n")
            try setModificationTime(tree.path("data/d"), seconds: 1_000_000_000)
            // No paths: those of the last update.
            let second = try runSweep(["sum", "--update", "SUMS", "--json"], directory: tree.root)
            #expect(second.status == .exited(0), "\(second)")
            let (files, summary) = try Self.states(second)
            #expect(files["data/a"]?.state == "unchanged" && files["data/a"]?.hashed == false, "\(second)")
            #expect(files["data/b"]?.state == "changed" && files["data/b"]?.hashed == true)
            #expect(files["data/c"]?.state == "removed")
            #expect(files["data/d"]?.state == "unchanged" && files["data/d"]?.hashed == true, "a touched file is read again, its content unchanged")
            #expect(files["data/e"]?.state == "new")
            #expect(summary["hashed"] as? Int == 3 && summary["removed"] as? Int == 1, "\(summary)")
            try Self.expectManifestIsCurrent(tree)

            let third = try runSweep(["sum", "--update", "SUMS", "--json", "data"], directory: tree.root)
            #expect(third.status == .exited(0))
            #expect(try Self.states(third).summary["hashed"] as? Int == 0, "nothing changed, nothing read: \(third)")
            try Self.expectManifestIsCurrent(tree)
        }

        @Test func updateKeepsTheManifestFormat() throws {
            let tree = try Self.tree("format")
            for flags in [["--tag"], ["-a", "md5"]] as [[Arg]] {
                let run = try runSweep(["sum", "--update", "S"] + flags + ["data"], directory: tree.root)
                #expect(run.status == .exited(0), "\(run)")
                let fresh = try runSweep(["sum"] + flags + ["data"], directory: tree.root)
                #expect(try readFile(tree.path("S")) == fresh.stdout)
                #expect(unlink(tree.path("S.sweep-ledger").map { CChar(bitPattern: $0) } + [0]) == 0)
                #expect(unlink(tree.path("S").map { CChar(bitPattern: $0) } + [0]) == 0)
            }
        }

        @Test func auditTellsCorruptFromChangedMovedMissingAndNew() throws {
            let tree = try Self.tree("audit")
            #expect(try runSweep(["sum", "--update", "SUMS", "data"], directory: tree.root).status == .exited(0))
            let clean = try runSweep(["check", "--audit", "SUMS"], directory: tree.root)
            #expect(clean.status == .exited(0), "\(clean)")
            #expect(clean.stdout.isEmpty)

            // Bit rot: one bit flipped in place, the mtime put back as it was (touch -r).
            _ = try tree.file("reference", "")
            #expect(try runProcess("touch", ["-r", "data/a", "reference"], directory: tree.root).status == .exited(0))
            var bytes = try readFile(tree.path("data/a"))
            bytes[0] ^= 0x01
            let descriptor = open(tree.path("data/a").map { CChar(bitPattern: $0) } + [0], O_WRONLY)
            #expect(pwrite(descriptor, bytes, bytes.count, 0) == bytes.count)
            close(descriptor)
            #expect(try runProcess("touch", ["-r", "reference", "data/a"], directory: tree.root).status == .exited(0))
            // An edit, a move, a removal and a new file.
            try appendToFile(tree.path("data/b"), utf8("edited\n"))
            #expect(try runProcess("mv", ["data/c", "data/c2"], directory: tree.root).status == .exited(0))
            #expect(try runProcess("rm", ["data/d"], directory: tree.root).status == .exited(0))
            _ = try tree.file("data/e", "echo\n")

            let audit = try runSweep(["check", "--audit", "SUMS"], directory: tree.root)
            #expect(audit.status == .exited(3), "corrupt has its own exit status: \(audit)")
            let lines = Set(audit.stdoutText.split(separator: "\n").map(String.init))
            #expect(lines == ["data/a: CORRUPT", "data/b: CHANGED", "data/c2: MOVED from data/c", "data/d: MISSING", "data/e: NEW"], "\(audit)")
            #expect(audit.stderrText.contains("0 ok, 1 changed, 1 corrupt, 1 new, 1 missing, 1 moved"), "\(audit)")

            let json = try runSweep(["check", "--audit", "--json", "SUMS", "data"], directory: tree.root)
            #expect(json.status == .exited(3))
            #expect(json.stdoutText.contains(#""path":"data/a","verdict":"corrupt""#), "\(json)")

            // Without a ledger the same flip can only be called changed, and the run says why.
            let bare = try runSweep(["check", "--audit", "--ledger", "none", "SUMS", "data"], directory: tree.root)
            #expect(bare.status == .exited(1), "\(bare)")
            #expect(bare.stdoutText.contains("data/a: CHANGED"))
            #expect(bare.stderrText.contains("corrupt cannot be told from changed"), "\(bare)")
            // Nor does it know which paths the manifest covers, unless told.
            let unnamed = try runSweep(["check", "--audit", "--ledger", "none", "SUMS"], directory: tree.root)
            #expect(unnamed.status == .exited(1))
            #expect(unnamed.stderrText.contains("no ledger records which paths it covers"), "\(unnamed)")
        }

        /// A root and a manifest whose names are not UTF-8 are recorded as their bytes (sqlite3 reads
        /// them back exactly): the next update without paths walks the same root and reads nothing
        /// again, and the audit finds every file as it was.
        @Test func rootAndManifestNamesThatAreNotUTF8AreKeptAsBytes() throws {
            let tree = try TempTree("ledger-bytes")
            let root = utf8("d") + [0xFF]
            let manifest = utf8("S") + [0xFE]
            try tree.directory(root)
            _ = try tree.file(root + utf8("/a"), utf8("alpha\n"))
            _ = try tree.file(root + utf8("/b"), utf8("bravo\n"))
            let first = try runSweep(["sum", "--update", Arg(manifest), Arg(root)], directory: tree.root)
            #expect(first.status == .exited(0), "\(first)")
            let fresh = try runSweep(["sum", Arg(root)], directory: tree.root)
            #expect(try readFile(tree.root + utf8("/") + manifest) == fresh.stdout)

            let ledger = tree.root + utf8("/") + manifest + utf8(".sweep-ledger")
            let recorded = try runProcess("sqlite3", [Arg(ledger), "SELECT hex(value) FROM meta WHERE key = 'roots'"])
            #expect(recorded.stdoutText == "64FF\n", "\(recorded)")

            let again = try runSweep(["sum", "--update", Arg(manifest), "--json"], directory: tree.root)
            #expect(again.status == .exited(0), "\(again)")
            #expect(try Self.states(again).summary["hashed"] as? Int == 0, "the recorded root, nothing read again: \(again)")
            #expect(try readFile(tree.root + utf8("/") + manifest) == fresh.stdout)

            let audit = try runSweep(["check", "--audit", Arg(manifest)], directory: tree.root)
            #expect(audit.status == .exited(0), "\(audit)")
            #expect(audit.stdout.isEmpty, "\(audit)")
        }

        @Test func scrubVerifiesOldestFirstAndResumes() throws {
            let names = ["a", "b", "c", "d", "e", "f"]
            let tree = try Self.tree("scrub", files: Dictionary(uniqueKeysWithValues: names.map { ($0, String(repeating: $0, count: 1000)) }))
            #expect(try runSweep(["sum", "--update", "SUMS", "data"], directory: tree.root).status == .exited(0))
            func scrub(_ expectedStatus: Int32 = 0) throws -> (paths: [String], verdicts: [String], remaining: Int?) {
                let run = try runSweep(["scrub", "SUMS", "--max-bytes", "2000", "--json", "-j", "1"], directory: tree.root)
                #expect(run.status == .exited(expectedStatus), "\(run)")
                var paths: [String] = []
                var verdicts: [String] = []
                var remaining: Int?
                for line in run.stdoutText.split(separator: "\n") {
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                    if let summary = object["summary"] as? [String: Any] { remaining = summary["remaining_files"] as? Int; continue }
                    paths.append(try #require(object["path"] as? String))
                    verdicts.append(try #require(object["verdict"] as? String))
                }
                return (paths, verdicts, remaining)
            }
            let first = try scrub()
            #expect(first.paths == ["data/a", "data/b"], "never verified, in path order")
            #expect(first.remaining == 4)
            let second = try scrub()
            #expect(second.paths == ["data/c", "data/d"], "resumes where the last run stopped")

            // A flipped bit with its mtime restored, found by the run that reaches it.
            _ = try tree.file("reference", "")
            #expect(try runProcess("touch", ["-r", "data/e", "reference"], directory: tree.root).status == .exited(0))
            let descriptor = open(tree.path("data/e").map { CChar(bitPattern: $0) } + [0], O_WRONLY)
            #expect(pwrite(descriptor, "E", 1, 0) == 1)
            close(descriptor)
            #expect(try runProcess("touch", ["-r", "reference", "data/e"], directory: tree.root).status == .exited(0))
            let third = try scrub(3)
            #expect(third.paths == ["data/e", "data/f"])
            #expect(third.verdicts == ["corrupt", "ok"])
            #expect(third.remaining == 0, "the rotation is complete")
            let fourth = try scrub(0)
            #expect(fourth.paths == ["data/a", "data/b"], "the next rotation starts again with the oldest")
            #expect(fourth.remaining == 4)
        }

        @Test func killedUpdateResumesWithoutRehashingCommittedFiles() async throws {
            let count = 3000
            let tree = try TempTree("kill")
            try tree.directory("data")
            for index in 0..<count { _ = try tree.file("data/f\(index)", String(repeating: "x", count: index % 97) + "\(index)\n") }
            let child = try spawnProcess(sweepExecutable, ["sum", "--update", "SUMS", "-j", "1", "data"], directory: tree.root)
            // Kill once the write-ahead log holds more than the first commit: files were committed.
            let wal = tree.path("SUMS.sweep-ledger-wal")
            _ = await eventually(atMost: 60) { ((try? statusOf(wal))?.st_size ?? 0) > 5 * 4120 || child.poll() }
            child.signal(SIGKILL)
            let killed = child.wait()
            #expect(!pathExists(tree.path("SUMS")) || killed.status == .exited(0), "no half-written manifest")
            let committed = try runProcess("sqlite3", [Arg(tree.path("SUMS.sweep-ledger")), "SELECT count(*) FROM files"])
            let rows = Int(committed.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            #expect(rows >= 0, "the ledger is readable after the kill: \(committed)")
            #expect(rows < count, "killed before the end (\(killed.status))")

            let rerun = try runSweep(["sum", "--update", "SUMS", "--json", "data"], directory: tree.root)
            #expect(rerun.status == .exited(0), "\(rerun.stderrText)")
            let hashed = try Self.states(rerun).summary["hashed"] as? Int
            // Only files the killed run had not committed are read again (with no manifest yet,
            // the first run's ledger is trusted as far as it got).
            #expect(hashed == count - rows, "\(rows) committed before the kill; rehashed \(hashed ?? -1)")
            try Self.expectManifestIsCurrent(tree)
        }

        @Test func badLedgersAreRefusedAndLeftAlone() throws {
            let tree = try Self.tree("bad")
            #expect(try runSweep(["sum", "--update", "SUMS", "data"], directory: tree.root).status == .exited(0))
            let manifest = try readFile(tree.path("SUMS"))

            // Not SQLite at all.
            let junk = try tree.file("junk", "this is not a database, not even close to one\n" + String(repeating: "z", count: 200))
            let notSQLite = try runSweep(["sum", "--update", "SUMS", "--ledger", "junk", "data"], directory: tree.root)
            #expect(notSQLite.status == .exited(1))
            #expect(notSQLite.stderrText.contains("not a sweep ledger"), "\(notSQLite)")
            #expect(try readFile(junk).count == 246, "left untouched")
            #expect(try readFile(tree.path("SUMS")) == manifest)

            // The ledger of another manifest.
            let other = try runSweep(["sum", "--update", "OTHER", "--ledger", "SUMS.sweep-ledger", "data"], directory: tree.root)
            #expect(other.status == .exited(1))
            #expect(other.stderrText.contains("belongs to the manifest"), "\(other)")
            #expect(!pathExists(tree.path("OTHER")))

            // Other roots.
            try tree.directory("elsewhere")
            let roots = try runSweep(["sum", "--update", "SUMS", "elsewhere"], directory: tree.root)
            #expect(roots.status == .exited(1))
            #expect(roots.stderrText.contains("was built for data"), "\(roots)")
            #expect(try readFile(tree.path("SUMS")) == manifest)

            // Locked by another process: a brief wait, then a clear error.
            let marker = tree.path("locked")
            let locker = try spawnProcess("python3", ["-c", """
                import sqlite3, sys, time
                connection = sqlite3.connect(sys.argv[1], isolation_level=None)
                connection.execute('BEGIN EXCLUSIVE')
                open(sys.argv[2], 'w').close()
                time.sleep(60)
                """, Arg(tree.path("SUMS.sweep-ledger")), Arg(marker)])
            defer { locker.signal(SIGKILL); _ = locker.wait() }
            #expect(blockUntil(atMost: 30) { pathExists(marker) })
            let locked = try runSweep(["sum", "--update", "SUMS", "data"], directory: tree.root)
            #expect(locked.status == .exited(1))
            #expect(locked.stderrText.contains("in use by another sweep"), "\(locked)")
            #expect(try readFile(tree.path("SUMS")) == manifest)
        }

        /// A tree of one file per directory, under a limit of 256 descriptors (headroom for those
        /// a busy test runner lets its children inherit): the walk running ahead holds each walked
        /// file's directory until the file is consumed, so its lead must be bounded in directories,
        /// or a thousand would be held at once.
        @Test func manyDirectoriesFitALowDescriptorLimit() throws {
            let tree = try TempTree("ledger-fds")
            for index in 0..<1000 { _ = try tree.file("data/d\(index)/f", "\(index)") }
            let limited: [Arg] = ["--nofile=256", Arg(sweepExecutable)]
            let first = try runProcess("prlimit", limited + ["sum", "--update", "SUMS", "data"], directory: tree.root)
            #expect(first.status == .exited(0), "\(first)")
            let again = try runProcess("prlimit", limited + ["sum", "--update", "SUMS", "data"], directory: tree.root)
            #expect(again.status == .exited(0) && again.stderrText.contains("1000 unchanged"), "\(again)")
            let audit = try runProcess("prlimit", limited + ["check", "--audit", "SUMS", "data"], directory: tree.root)
            #expect(audit.status == .exited(0), "\(audit)")
            let oracle = try runProcess("sha256sum", ["-c", "--quiet", "SUMS"], directory: tree.root)
            let manifest = try readFile(tree.path("SUMS"))
            #expect(oracle.status == .exited(0) && manifest.count > 1000 * 64, "\(oracle)")
        }

        @Test func readOnlyLedgerDirectoryIsAClearError() throws {
            let tree = try Self.tree("readonly")
            try tree.openToEveryone()
            try tree.directory("ro")
            // Root writes anywhere: then the run drops to nobody, for whom `ro` is read-only.
            let asNobody: [Arg] = ["--reuid=65534", "--regid=65534", "--clear-groups", Arg(sweepExecutable)]
            let prefix: (String, [Arg])
            if geteuid() == 0 {
                guard (try? runProcess("setpriv", ["--version"]))?.status == .exited(0) else {
                    Issue.record("needs setpriv (util-linux) to drop root; this test tested nothing")
                    return
                }
                prefix = ("setpriv", asNobody)
            } else {
                #expect(chmod(tree.path("ro").map { CChar(bitPattern: $0) } + [0], 0o555) == 0)
                prefix = (sweepExecutable, [])
            }
            let run = try runProcess(prefix.0, prefix.1 + ["sum", "--update", "ro/SUMS", "data"], directory: tree.root)
            #expect(run.status == .exited(1), "\(run)")
            #expect(run.stderrText.contains("cannot open or write the ledger"), "\(run)")
            #expect(try directoryNames(tree.path("ro")).isEmpty, "nothing half-written")
        }

        /// The manifest as last written is trusted without being read again (its stamp: size,
        /// times, inode); an edit in place that keeps its size and restores its mtime still moves
        /// its ctime, so it is read, found edited, and nothing is trusted.
        @Test func anEditThatKeepsSizeAndMtimeIsStillCaught() throws {
            let tree = try Self.tree("edited-in-place")
            #expect(try runSweep(["sum", "--update", "SUMS", "data"], directory: tree.root).status == .exited(0))
            let again = try runSweep(["sum", "--update", "SUMS", "--json", "data"], directory: tree.root)
            #expect(try Self.states(again).summary["hashed"] as? Int == 0, "the manifest as written is trusted: \(again)")

            // One hex digit changed in place: same inode, same size, and the mtime put back.
            let edited = try runProcess("python3", ["-c", """
                import os, sys
                st = os.stat(sys.argv[1])
                with open(sys.argv[1], 'r+b') as f:
                    first = f.read(1)
                    f.seek(0)
                    f.write(b'0' if first != b'0' else b'1')
                os.utime(sys.argv[1], ns=(st.st_atime_ns, st.st_mtime_ns))
                after = os.stat(sys.argv[1])
                assert (after.st_size, after.st_mtime_ns, after.st_ino) == (st.st_size, st.st_mtime_ns, st.st_ino)
                """, Arg(tree.path("SUMS"))])
            #expect(edited.status == .exited(0), "\(edited)")
            let update = try runSweep(["sum", "--update", "SUMS", "--json", "data"], directory: tree.root)
            #expect(update.status == .exited(0))
            #expect(update.stderrText.contains("edited since the ledger was written"), "\(update)")
            #expect(try Self.states(update).summary["hashed"] as? Int == 4, "nothing trusted")
            try Self.expectManifestIsCurrent(tree)
        }

        @Test func editedManifestIsDistrustedAndDuplicatesRefused() throws {
            let tree = try Self.tree("edited")
            #expect(try runSweep(["sum", "--update", "SUMS", "data"], directory: tree.root).status == .exited(0))
            try appendToFile(tree.path("SUMS"), utf8("0000000000000000000000000000000000000000000000000000000000000000  data/ghost\n"))
            let update = try runSweep(["sum", "--update", "SUMS", "--json", "data"], directory: tree.root)
            #expect(update.status == .exited(0))
            #expect(update.stderrText.contains("edited since the ledger was written"), "\(update)")
            #expect(try Self.states(update).summary["hashed"] as? Int == 4, "nothing trusted")
            try Self.expectManifestIsCurrent(tree)

            let line = try readFile(tree.path("SUMS")).split(separator: 0x0A).first.map(Array.init) ?? []
            try appendToFile(tree.path("SUMS"), line + [0x0A])
            let duplicate = try runSweep(["check", "--audit", "SUMS"], directory: tree.root)
            #expect(duplicate.status == .exited(1))
            #expect(duplicate.stderrText.contains("is listed twice"), "\(duplicate)")
        }
    }
}
