import Foundation
import SweepTestSupport
import SystemPackage
import Testing

@testable import Sweep

/// The ``Ledger`` through its API, read back with python's sqlite3 module as the oracle: rows keyed
/// by raw-byte paths, batched commits that survive reopening, removal of unseen rows, the
/// least-recently-verified order, and refusal of files that are not ledgers.
@Suite(.timeLimit(.minutes(5 * testTimeScale)))
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
            try ledger.save(Self.record(odd, digestByte: 7), run: 1)
            try ledger.save(Self.record(Array("plain".utf8), digestByte: 8), run: 1)
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
            try ledger.save(Self.record([0x66, 0xFF], digestByte: 1), run: 1)
            try ledger.commit()
        }
        let python = try Oracle.runPython("""
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            for path, size, inode, digest in c.execute('SELECT path, size, inode, digest FROM files'):
                print(path.hex(), size, inode, digest.hex())
            print(dict(c.execute('SELECT key, value FROM meta'))['schema_version'])
            """, arguments: [Arg(path.bytes)])
        #expect(python.stdoutText == "66ff 10 42 \(String(repeating: "01", count: 32))\n1\n", "\(python)")
    }

    @Test func unseenRowsAreFoundAndDeleted() throws {
        let tree = try TempTree("ledger-unseen")
        let ledger = try Ledger(path: FilePath(bytes: tree.path("L")))
        try ledger.begin()
        for name in ["a", "b", "c"] { try ledger.save(Self.record(Array(name.utf8), digestByte: 1), run: 1) }
        try ledger.markSeen(Array("b".utf8), run: 2)
        let gone = try ledger.unseen(run: 2, limit: 10).map(\.path)
        #expect(gone == [Array("a".utf8), Array("c".utf8)])
        try ledger.delete(gone)
        try ledger.commit()
        #expect(try ledger.count() == 1)
    }

    @Test func leastRecentlyVerifiedComeFirstNeverVerifiedBeforeAll() throws {
        let tree = try TempTree("ledger-order")
        let ledger = try Ledger(path: FilePath(bytes: tree.path("L")))
        try ledger.begin()
        try ledger.save(Self.record(Array("new".utf8), digestByte: 1), run: 1)
        try ledger.save(Self.record(Array("old".utf8), digestByte: 1, verified: 100), run: 1)
        try ledger.save(Self.record(Array("older".utf8), digestByte: 1, verified: 50), run: 1)
        try ledger.save(Self.record(Array("recent".utf8), digestByte: 1, verified: 900), run: 1)
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
