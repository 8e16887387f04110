import Foundation
import SweepTestSupport
import SystemPackage
import Testing

@testable import Sweep

/// The ``Ledger`` through its API, read back with python's sqlite3 module as the oracle: rows keyed
/// by raw-byte paths, batched commits that survive reopening, the walk-order merge and its gone rows, the upgrade from version 1, the
/// least-recently-verified order, and refusal of files that are not ledgers.
@Suite(.offCooperativePool, .timeLimit(.minutes(5 * testTimeScale)))
struct LedgerUnitTests {
    static func record(_ path: [UInt8], digestByte: UInt8, size: Int64 = 10, verified: Int64? = nil) -> LedgerRecord {
        LedgerRecord(path: path, size: size, modificationTime: 1_700_000_000_123_456_789, changeTime: 1_700_000_000_987_654_321,
                     device: UInt64.max - 1, inode: 42, digest: Digest(algorithm: .sha256, bytes: Array(repeating: digestByte, count: 32)),
                     firstSeen: 1, lastHashed: 2, lastVerified: verified, lastVerdict: verified == nil ? nil : "ok")
    }

    @Test func recordsRoundTripAndSurviveReopening() throws {
        let tree = try TempTree("ledger")
        let path = FilePath(bytes: tree.path("L"))
        let odd: [UInt8] = [0x66, 0xFF, 0x0A, 0x5C]   // not UTF-8, a newline and a backslash
        do {
            let ledger = try Ledger(path: path)
            #expect(ledger.isNew)
            try ledger.begin()
            try ledger.save(Self.record(odd, digestByte: 7), walkKey: odd)
            try ledger.save(Self.record(Array("plain".utf8), digestByte: 8), walkKey: Array("plain".utf8))
            try ledger.commit()
        }
        let ledger = try Ledger(path: path)
        #expect(!ledger.isNew)
        #expect(try ledger.record(for: odd) == Self.record(odd, digestByte: 7), "every field, the unsigned device included")
        #expect(try ledger.record(for: Array("missing".utf8)) == nil)
        #expect(try ledger.count() == 2)
    }

    @Test func pythonReadsTheRowsOnceClosed() throws {
        let tree = try TempTree("ledger-python")
        let path = FilePath(bytes: tree.path("L"))
        do {
            let ledger = try Ledger(path: path)
            try ledger.begin()
            try ledger.save(Self.record([0x66, 0xFF], digestByte: 1), walkKey: [0x66, 0xFF])
            try ledger.commit()
        }
        let python = try Oracle.runPython("""
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            for path, size, inode, digest in c.execute('SELECT path, size, inode, digest FROM files'):
                print(path.hex(), size, inode, digest.hex())
            print(dict(c.execute('SELECT key, value FROM meta'))['schema_version'])
            """, arguments: [Arg(path.bytes)])
        #expect(python.stdoutText == "66ff 10 42 \(String(repeating: "01", count: 32))\n2\n", "\(python)")
    }

    /// The walk-order merge finds each walked file's row, marks the rows passed by as gone (and
    /// nothing else), falls back to a lookup for a path walked out of order, taking it back from
    /// the gone, and never mistakes a row saved during the merge for one passed by.
    @Test func walkMergeFindsRowsAndMarksOnlyThoseGone() throws {
        let tree = try TempTree("ledger-merge")
        let ledger = try Ledger(path: FilePath(bytes: tree.path("L")))
        let order = WalkOrder(roots: [Array("r".utf8)])
        func key(_ path: [UInt8]) -> [UInt8] { Ledger.walkKey(of: path, in: order) }
        // 1 200 rows, more than two batches; every third is gone from the walk.
        let names = (0..<1200).map { Array(String(format: "r/d%02d/f%04d", $0 / 100, $0).utf8) }
        try ledger.begin()
        // Each row's size is its number, so that a row found is known to be that path's.
        func row(_ index: Int) -> LedgerRecord { Self.record(names[index], digestByte: 1, size: Int64(index)) }
        for index in names.indices { try ledger.save(row(index), walkKey: key(names[index])) }
        try ledger.commit()

        try ledger.begin()
        var merge = LedgerWalkMerge(ledger: ledger, order: order, run: 5)
        var found = 0
        for (index, name) in names.enumerated() where index % 3 != 0 {
            #expect(try merge.record(forWalked: name) == LedgerWalkMerge.Recorded(row(index)))
            found += 1
            // A new file just after it, saved as the run would save it once hashed.
            let new = name + Array("-new".utf8)
            #expect(try merge.record(forWalked: new) == nil)
            try ledger.save(Self.record(new, digestByte: 2), walkKey: key(new))
        }
        // Walked again out of order: found by path, and no longer gone.
        #expect(try merge.record(forWalked: names[0]) == LedgerWalkMerge.Recorded(row(0)))
        try merge.finish()
        try ledger.commit()

        var gone: [[UInt8]] = []
        var after: [UInt8]?
        while true {
            let page = try ledger.gone(run: 5, after: after, limit: 100)
            guard let last = page.last else { break }
            after = last.path
            gone += page.map(\.path)
        }
        let expected = names.enumerated().filter { $0.offset % 3 == 0 && $0.offset != 0 }.map(\.element)
        #expect(found == 800)
        #expect(gone == expected, "\(gone.count) gone, \(expected.count) expected")
        #expect(try ledger.gone(run: 4, after: nil, limit: 10).isEmpty, "marks belong to their run")
        try ledger.begin()
        try ledger.delete(gone)
        try ledger.commit()
        #expect(try ledger.count() == Int64(1200 + 800 - expected.count))
    }

    /// A version 1 ledger (rows in path order, each marked seen per run) is upgraded in place when
    /// opened: every row and its history kept, in walk order under keys made from its roots.
    @Test func versionOneLedgersAreUpgradedInPlace() throws {
        let tree = try TempTree("ledger-v1")
        let path = tree.path("L")
        let made = try Oracle.runPython("""
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.executescript('''
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE files (
                    path BLOB PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
                    dev INTEGER NOT NULL, inode INTEGER NOT NULL, algorithm TEXT NOT NULL, digest BLOB NOT NULL,
                    first_seen INTEGER NOT NULL, last_hashed INTEGER NOT NULL, last_verified INTEGER, last_verdict TEXT,
                    run INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                CREATE INDEX files_by_verification ON files (coalesce(last_verified, 0), path);
                INSERT INTO meta (key, value) VALUES ('schema_version', '1');
                INSERT INTO meta (key, value) VALUES ('run', '9');
                INSERT INTO meta (key, value) VALUES ('roots', CAST('r' AS BLOB));
            ''')
            for name in (b'r/a', b'r/b', b'elsewhere', b'r/a.x', b'r/a/z'):
                c.execute('INSERT INTO files VALUES (?, 10, 1, 2, 3, 4, ?, ?, 1, 2, 77, ?, 9)', (name, 'sha256', bytes(32), 'ok'))
            c.commit()
            """, arguments: [Arg(path)])
        #expect(made.status == .exited(0), "\(made)")

        let ledger = try Ledger(path: FilePath(bytes: path))
        #expect(try ledger.meta("schema_version") == "2")
        #expect(try ledger.record(for: Array("r/a".utf8))?.lastVerified == 77, "history kept")
        let order = WalkOrder(roots: [Array("r".utf8)])
        var rows = LedgerWalkRows()
        try ledger.readWalkOrder(after: nil, limit: 10, into: &rows)
        #expect((0..<rows.count).map(rows.key) == ["r/a", "r/a/z", "r/a.x", "r/b", "elsewhere"].map { Ledger.walkKey(of: Array($0.utf8), in: order) },
                "walk order, the path under no root last")
        try ledger.begin()
        var merge = LedgerWalkMerge(ledger: ledger, order: order, run: 10)
        #expect(try merge.record(forWalked: Array("r/b".utf8)) == LedgerWalkMerge.Recorded(
            digest: Digest(algorithm: .sha256, bytes: Array(repeating: 0, count: 32)), size: 10, modificationTime: 1, changeTime: 2, device: 3, inode: 4))
        #expect(try ledger.record(for: Array("r/b".utf8))?.lastVerdict == "ok", "history kept")
        try merge.finish()
        try ledger.commit()
        // The walk met only r/b: the rest is gone, the path under no root included.
        #expect(try ledger.gone(run: 10, after: nil, limit: 10).map { String(decoding: $0.path, as: UTF8.self) }
                == ["elsewhere", "r/a", "r/a.x", "r/a/z"])
    }

    @Test func leastRecentlyVerifiedComeFirstNeverVerifiedBeforeAll() throws {
        let tree = try TempTree("ledger-order")
        let ledger = try Ledger(path: FilePath(bytes: tree.path("L")))
        try ledger.begin()
        try ledger.save(Self.record(Array("new".utf8), digestByte: 1), walkKey: Array("new".utf8))
        try ledger.save(Self.record(Array("old".utf8), digestByte: 1, verified: 100), walkKey: Array("old".utf8))
        try ledger.save(Self.record(Array("older".utf8), digestByte: 1, verified: 50), walkKey: Array("older".utf8))
        try ledger.save(Self.record(Array("recent".utf8), digestByte: 1, verified: 900), walkKey: Array("recent".utf8))
        try ledger.commit()
        let first = try ledger.leastRecentlyVerified(after: nil, limit: 2)
        #expect(first.map { String(decoding: $0.path, as: UTF8.self) } == ["new", "older"])
        let next = try ledger.leastRecentlyVerified(after: (first.last!.lastVerified ?? 0, first.last!.path), limit: 5)
        #expect(next.map { String(decoding: $0.path, as: UTF8.self) } == ["old", "recent"])
        let backlog = try ledger.verificationBacklog(before: 200)
        #expect(backlog.files == 3 && backlog.neverVerified == 1 && backlog.oldest == 50)
    }

    @Test func filesThatAreNotLedgersAreRefusedUntouched() throws {
        let tree = try TempTree("ledger-junk")
        let content = Array(String(repeating: "not a database ", count: 40).utf8)
        let junk = try tree.file("junk", content)
        #expect(throws: LedgerError.self) { _ = try Ledger(path: FilePath(bytes: junk)) }
        #expect(try readFile(junk) == content)

        // A real SQLite database, but someone else's.
        let foreign = tree.path("foreign.db")
        let made = try Oracle.runPython("import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('CREATE TABLE t (x)')", arguments: [Arg(foreign)])
        #expect(made.status == .exited(0))
        do {
            _ = try Ledger(path: FilePath(bytes: foreign))
            Issue.record("a foreign database was accepted")
        } catch {
            #expect(String(describing: error).contains("not a sweep ledger"), "\(error)")
        }
    }
}
