import SystemPackage

/// A manifest's entries in a private temporary SQLite database (on disk, deleted on close), so that
/// `check --audit` can look each walked path up, find the entries never met, and match new files to
/// missing ones by digest, for millions of entries without holding them in memory. Which entries
/// were met is one bit per manifest line in memory (125 KB for a million lines), not a write per
/// file.
///
/// ```swift
/// let index = try await ManifestIndex(manifest: "SHA256SUMS", algorithm: nil)
/// if let expected = try index.lookUp(Array("a.txt".utf8)) { print(expected) }
/// ```
package final class ManifestIndex {
    private let connection: SQLiteConnection
    private let select: SQLiteStatement
    /// Bit `n` set: the entry on line `n` was met.
    private var met: [UInt64] = []
    private let insertNew: SQLiteStatement
    /// The algorithm of the first entry: the one new files are hashed with.
    package private(set) var firstAlgorithm: DigestAlgorithm?
    package private(set) var entries = 0

    /// Reads every entry of `manifest` (lines ending in NUL when `nulSeparated`); throws
    /// ``LedgerError/duplicatePath(manifest:path:line:)`` for a path listed twice.
    package init(manifest: FilePath, algorithm: DigestAlgorithm?, nulSeparated: Bool) async throws {
        // An empty name: SQLite's private temporary database, removed when closed.
        connection = try SQLiteConnection(path: "", create: true)
        try connection.execute("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE entries (line INTEGER PRIMARY KEY, path BLOB NOT NULL UNIQUE, algorithm TEXT NOT NULL, digest BLOB NOT NULL);
            CREATE TABLE news (path BLOB PRIMARY KEY, digest BLOB NOT NULL, size INTEGER NOT NULL) WITHOUT ROWID;
            CREATE INDEX news_by_digest ON news (digest, size);
            BEGIN;
            """)
        select = try connection.prepare("SELECT line, algorithm, digest FROM entries WHERE path = ?")
        insertNew = try connection.prepare("INSERT OR REPLACE INTO news (path, digest, size) VALUES (?, ?, ?)")
        let insert = try connection.prepare("INSERT INTO entries (path, algorithm, digest, line) VALUES (?, ?, ?, ?) ON CONFLICT (path) DO NOTHING")
        let lines: ManifestLines
        do {
            lines = try ManifestLines(source: .file(manifest), algorithm: algorithm, nulSeparated: nulSeparated)
        } catch {
            throw LedgerError.manifest(error)
        }
        for await item in lines.stream() {
            guard case .entry(let entry) = item.line else { continue }
            firstAlgorithm = firstAlgorithm ?? entry.expected.algorithm
            try insert.bind(1, blob: entry.path)
            try insert.bind(2, text: entry.expected.algorithm.rawValue)
            try insert.bind(3, blob: entry.expected.bytes)
            try insert.bind(4, int64: Int64(item.number))
            try insert.run()
            if connection.changes == 0 { throw LedgerError.duplicatePath(manifest: manifest, path: entry.path, line: item.number) }
            entries += 1
        }
        if let error = lines.readError { throw LedgerError.manifest(error) }
    }

    /// The manifest's digest for `path`, marking the entry as met.
    package func lookUp(_ path: [UInt8]) throws(LedgerError) -> Digest? {
        defer { select.reset() }
        try select.bind(1, blob: path)
        guard try select.step(), let name = select.text(1), let algorithm = DigestAlgorithm(rawValue: name) else { return nil }
        let line = Int(select.int64(0))
        if line / 64 >= met.count { met += Array(repeating: 0, count: line / 64 + 1 - met.count) }
        met[line / 64] |= 1 << UInt64(line % 64)
        return Digest(algorithm: algorithm, bytes: select.blob(2))
    }

    /// Remembers a file the manifest does not list, for ``claimMoved(digest:size:)``.
    package func addNew(_ path: [UInt8], digest: Digest, size: Int64) throws(LedgerError) {
        defer { insertNew.reset() }
        try insertNew.bind(1, blob: path)
        try insertNew.bind(2, blob: digest.bytes)
        try insertNew.bind(3, int64: size)
        try insertNew.run()
    }

    /// Up to `limit` entries never met, in manifest order after the entry on line `line`, with
    /// the line each is on.
    package func unmet(afterLine line: Int, limit: Int) throws(LedgerError) -> [(line: Int, path: [UInt8], digest: Digest)] {
        let query = try connection.prepare("SELECT line, path, algorithm, digest FROM entries WHERE line > ? ORDER BY line")
        try query.bind(1, int64: Int64(line))
        var found: [(line: Int, path: [UInt8], digest: Digest)] = []
        while found.count < limit, try query.step() {
            let line = Int(query.int64(0))
            if line / 64 < met.count, met[line / 64] & (1 << UInt64(line % 64)) != 0 { continue }
            guard let name = query.text(2), let algorithm = DigestAlgorithm(rawValue: name) else { continue }
            found.append((line, query.blob(1), Digest(algorithm: algorithm, bytes: query.blob(3))))
        }
        return found
    }

    /// A new file with `digest` (and `size`, when known), removed from the new files: the place a
    /// missing file moved to.
    package func claimMoved(digest: Digest, size: Int64?) throws(LedgerError) -> [UInt8]? {
        let query = try connection.prepare("SELECT path FROM news WHERE digest = ?1 AND (?2 IS NULL OR size = ?2) ORDER BY path LIMIT 1")
        try query.bind(1, blob: digest.bytes)
        try query.bind(2, int64: size)
        guard try query.step() else { return nil }
        let path = query.blob(0)
        let delete = try connection.prepare("DELETE FROM news WHERE path = ?")
        try delete.bind(1, blob: path)
        try delete.run()
        return path
    }

    /// Up to `limit` new files left, in path order after `path`.
    package func remainingNew(after path: [UInt8]?, limit: Int) throws(LedgerError) -> [[UInt8]] {
        let query = try connection.prepare("SELECT path FROM news WHERE path > ? ORDER BY path LIMIT ?")
        try query.bind(1, blob: path ?? [])
        try query.bind(2, int64: Int64(limit))
        var found: [[UInt8]] = []
        while try query.step() { found.append(query.blob(0)) }
        return found
    }
}
