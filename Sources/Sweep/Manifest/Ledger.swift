import SystemPackage

/// The SQLite database beside a manifest that `sum --update`, `check --audit` and `scrub` keep:
/// per file, its metadata when last hashed, its digest and its verification history.
///
/// The manifest stays the plain coreutils text; the ledger is the cache and the history, never the
/// only copy of a digest. It is opened in WAL mode with an exclusive lock held for the whole run
/// (a second sweep waits 3 s, then gives up with a clear message), and written in transactions
/// committed in batches: a run killed at any moment leaves it consistent, losing at most the files
/// hashed since the last commit. Rows are stored in walk order, keyed by their path's walk-order
/// key (``walkKey(of:in:)``), so that `sum --update` reads them in the order its walk meets the
/// files, a batch at a time (``LedgerWalkMerge``): memory stays flat however many files there are,
/// and the walk costs no search per file. Paths are unique, and looked up through their own index.
///
/// ```swift
/// let ledger = try Ledger(path: Ledger.defaultPath(forManifest: "SHA256SUMS"))
/// try ledger.begin()
/// if let record = try ledger.record(for: Array("a.txt".utf8)) { print(record.digest) }
/// try ledger.commit()
/// ```
package final class Ledger {
    /// The schema this sweep writes; a ledger with a higher one is refused, not damaged.
    package static let schemaVersion = 2
    /// The suffix of the default ledger's name: `SHA256SUMS` → `SHA256SUMS.sweep-ledger`.
    package static let defaultSuffix = ".sweep-ledger"

    package let path: FilePath
    /// Whether the ledger was created by this open: it records nothing yet.
    package private(set) var isNew = false
    private let connection: SQLiteConnection
    private var inTransaction = false
    private var pendingChanges = 0
    private var lastCommit = FileTime.now

    private lazy var selectRecord = try? connection.prepare("""
        SELECT size, mtime_ns, ctime_ns, dev, inode, algorithm, digest, first_seen, last_hashed, last_verified, last_verdict
        FROM files WHERE path = ?
        """)
    private lazy var upsertRecord = try? connection.prepare("""
        INSERT INTO files (path, size, mtime_ns, ctime_ns, dev, inode, algorithm, digest, first_seen, last_hashed, last_verified, last_verdict, walk_key)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
        ON CONFLICT (path) DO UPDATE SET size = ?2, mtime_ns = ?3, ctime_ns = ?4, dev = ?5, inode = ?6, algorithm = ?7,
            digest = ?8, last_hashed = ?10, last_verified = coalesce(?11, last_verified), last_verdict = coalesce(?12, last_verdict),
            walk_key = ?13, gone_in_run = 0
        """)
    private static let recordColumns = "path, size, mtime_ns, ctime_ns, dev, inode, algorithm, digest, first_seen, last_hashed, last_verified, last_verdict"
    /// The columns ``LedgerWalkRows`` reads.
    private static let walkColumns = "walk_key, size, mtime_ns, ctime_ns, dev, inode, algorithm, digest"
    private lazy var firstInWalkOrder = try? connection.prepare(
        "SELECT \(Self.walkColumns) FROM files ORDER BY walk_key LIMIT ?1")
    private lazy var nextInWalkOrder = try? connection.prepare(
        "SELECT \(Self.walkColumns) FROM files WHERE walk_key > ?2 ORDER BY walk_key LIMIT ?1")
    private lazy var updateGone = try? connection.prepare("UPDATE files SET gone_in_run = ?2 WHERE walk_key = ?1")
    private lazy var updateVerdict = try? connection.prepare("UPDATE files SET last_verified = ?2, last_verdict = ?3 WHERE path = ?1")

    /// The files table and its indexes: rows in walk order, paths unique, the rows in order of
    /// verification for `scrub`, and the few rows a run found gone, by run and path.
    private static let filesTable = """
        CREATE TABLE files (
            walk_key BLOB PRIMARY KEY, path BLOB NOT NULL UNIQUE,
            size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
            dev INTEGER NOT NULL, inode INTEGER NOT NULL, algorithm TEXT NOT NULL, digest BLOB NOT NULL,
            first_seen INTEGER NOT NULL, last_hashed INTEGER NOT NULL, last_verified INTEGER, last_verdict TEXT,
            gone_in_run INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE INDEX files_by_verification ON files (coalesce(last_verified, 0), path);
        CREATE INDEX files_gone ON files (gone_in_run, path) WHERE gone_in_run != 0;
        """

    /// The key a row of `path` is stored under for a walk in `order`: its
    /// ``WalkOrder/sortKey(of:from:)``, or for a path under none of the roots, a key after every
    /// root's (four 0xFF bytes, then the path), so that the next walk finds it gone.
    package static func walkKey(of path: [UInt8], in order: WalkOrder) -> [UInt8] {
        var key: [UInt8] = []
        appendWalkKey(of: path, in: order, to: &key)
        return key
    }

    /// Appends ``walkKey(of:in:)`` to `key`: for a key per walked file without an array each.
    package static func appendWalkKey(of path: [UInt8], in order: WalkOrder, to key: inout [UInt8]) {
        var position = WalkOrder.Position()
        if !order.appendSortKey(of: path, from: &position, to: &key) {
            key.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF])
            key.append(contentsOf: path)
        }
    }

    /// Version 1 kept rows in path order and marked each one seen in every run (a write per walked
    /// file); version 2 keeps them in walk order, under keys made from the roots the ledger
    /// recorded, and marks only the rows a run finds gone. History and digests are kept.
    private func upgradeFromVersionOne() throws(LedgerError) {
        let roots = try metaBytes("roots").map(ManifestFingerprint.roots) ?? []
        let order = WalkOrder(roots: roots.map(\.bytes))
        try connection.execute("""
            ALTER TABLE files RENAME TO files_v1;
            DROP INDEX files_by_verification;
            \(Self.filesTable)
            """)
        let paths = try connection.prepare("SELECT path FROM files_v1")
        let copy = try connection.prepare("""
            INSERT INTO files (walk_key, \(Self.recordColumns))
            SELECT ?1, \(Self.recordColumns) FROM files_v1 WHERE path = ?2
            """)
        while try paths.step() {
            let path = paths.blob(0)
            try copy.bind(1, blob: Self.walkKey(of: path, in: order))
            try copy.bind(2, blob: path)
            try copy.run()
        }
        try connection.execute("""
            DROP TABLE files_v1;
            UPDATE meta SET value = '\(Self.schemaVersion)' WHERE key = 'schema_version';
            """)
    }

    /// The default ledger of `manifest`: a sibling named after it.
    package static func defaultPath(forManifest manifest: FilePath) -> FilePath {
        FilePath(bytes: manifest.bytes + Array(defaultSuffix.utf8))
    }

    /// Opens the ledger at `path`, creating it if absent (unless `create` is false), and takes its
    /// lock for as long as this object lives.
    package init(path: FilePath, create: Bool = true) throws(LedgerError) {
        self.path = path
        connection = try SQLiteConnection(path: path, create: create)
        // Exclusive locking: the write lock, once taken below, is held until close, so two sweeps
        // never interleave their batches; WAL with it needs no shared-memory file. NORMAL sync in
        // WAL mode loses nothing to a killed process, only (at worst) the last commits to a power cut.
        try connection.execute("PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
        try connection.execute("BEGIN IMMEDIATE")
        do throws(LedgerError) {
            let tables = try connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            var names: Set<String> = []
            while try tables.step() { if let name = tables.text(0) { names.insert(name) } }
            if !names.isEmpty && !names.contains("meta") {
                throw LedgerError.notALedger(path: path, reason: "a database with other tables: \(names.sorted().joined(separator: ", "))")
            }
            isNew = names.isEmpty
            if isNew {
                try connection.execute("""
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                    \(Self.filesTable)
                    INSERT INTO meta (key, value) VALUES ('schema_version', '\(Self.schemaVersion)');
                    """)
            }
            inTransaction = true
            let version = try meta("schema_version").flatMap(Int.init) ?? 0
            guard version >= 1, version <= Self.schemaVersion else {
                throw LedgerError.notALedger(path: path, reason: "schema version \(version); this sweep reads version \(Self.schemaVersion)")
            }
            if version == 1 { try upgradeFromVersionOne() }
            try commit()
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    // MARK: Transactions

    /// Starts a transaction (if none is open) that ``commitIfDue()`` and ``commit()`` end.
    package func begin() throws(LedgerError) {
        guard !inTransaction else { return }
        try connection.execute("BEGIN IMMEDIATE")
        inTransaction = true
        pendingChanges = 0
        lastCommit = FileTime.now
    }

    /// Commits when 64 changes are pending, or some are and a quarter second has passed since the
    /// last commit, then starts the next transaction: a kill loses at most that much work, and a
    /// run that changes nothing commits nothing.
    package func commitIfDue() throws(LedgerError) {
        guard pendingChanges >= 64 || (pendingChanges > 0 && FileTime.now.seconds(since: lastCommit) >= 0.25) else { return }
        try commit()
        try begin()
    }

    /// Commits the open transaction, if any.
    package func commit() throws(LedgerError) {
        guard inTransaction else { return }
        try connection.execute("COMMIT")
        inTransaction = false
        pendingChanges = 0
        lastCommit = FileTime.now
    }

    // MARK: Meta

    /// The meta value for `key` (`manifest`, `roots`, `algorithm`, …).
    package func meta(_ key: String) throws(LedgerError) -> String? {
        let select = try connection.prepare("SELECT value FROM meta WHERE key = ?")
        try select.bind(1, text: key)
        return try select.step() ? select.text(0) : nil
    }

    /// The meta value for `key` as the exact bytes stored: paths (`manifest`, `roots`,
    /// `working_directory`) are kept as blobs, since a name need not be UTF-8.
    package func metaBytes(_ key: String) throws(LedgerError) -> [UInt8]? {
        let select = try connection.prepare("SELECT value FROM meta WHERE key = ?")
        try select.bind(1, text: key)
        return try select.step() ? select.blob(0) : nil
    }

    /// Stores `bytes` under `key` as a blob (see ``metaBytes(_:)``).
    package func setMeta(_ key: String, bytes: [UInt8]) throws(LedgerError) {
        let insert = try connection.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        try insert.bind(1, text: key)
        try insert.bind(2, blob: bytes)
        try insert.run()
    }

    package func setMeta(_ key: String, _ value: String) throws(LedgerError) {
        let insert = try connection.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        try insert.bind(1, text: key)
        try insert.bind(2, text: value)
        try insert.run()
    }

    // MARK: Files

    /// The record of `path`, if the ledger has one (an indexed lookup).
    package func record(for path: [UInt8]) throws(LedgerError) -> LedgerRecord? {
        let select = try statement(selectRecord)
        defer { select.reset() }
        try select.bind(1, blob: path)
        guard try select.step() else { return nil }
        return Self.record(path: path, from: select, offset: 0)
    }

    /// Replaces `rows` with up to `limit` rows in walk order: the first ones, or those after the
    /// key `after`.
    package func readWalkOrder(after key: [UInt8]?, limit: Int, into rows: inout LedgerWalkRows) throws(LedgerError) {
        let select = try statement(key == nil ? firstInWalkOrder : nextInWalkOrder)
        defer { select.reset() }
        try select.bind(1, int64: Int64(limit))
        if let key { try select.bind(2, blob: key) }
        rows.removeAll()
        while try select.step() { rows.append(from: select) }
    }

    /// Saves `record` (inserting or replacing the row of its path) under its walk-order key
    /// (``walkKey(of:in:)``), as present. A nil verdict keeps the verification history the row had.
    package func save(_ record: LedgerRecord, walkKey: [UInt8]) throws(LedgerError) {
        let upsert = try statement(upsertRecord)
        defer { upsert.reset() }
        try upsert.bind(1, blob: record.path)
        try upsert.bind(2, int64: record.size)
        try upsert.bind(3, int64: record.modificationTime)
        try upsert.bind(4, int64: record.changeTime)
        try upsert.bind(5, int64: Int64(bitPattern: record.device))
        try upsert.bind(6, int64: Int64(bitPattern: record.inode))
        try upsert.bind(7, text: record.digest.algorithm.rawValue)
        try upsert.bind(8, blob: record.digest.bytes)
        try upsert.bind(9, int64: record.firstSeen)
        try upsert.bind(10, int64: record.lastHashed)
        try upsert.bind(11, int64: record.lastVerified)
        if let verdict = record.lastVerdict { try upsert.bind(12, text: verdict) }
        try upsert.bind(13, blob: walkKey)
        _ = try upsert.step()
        pendingChanges += 1
    }

    /// Marks the row under `walkKey` as found gone by run `run` (for ``gone(run:after:limit:)``),
    /// or, with run 0, as present again: a walk that met it out of order after all.
    package func markGone(walkKey: [UInt8], run: Int64) throws(LedgerError) {
        let update = try statement(updateGone)
        defer { update.reset() }
        try update.bind(1, blob: walkKey)
        try update.bind(2, int64: run)
        _ = try update.step()
        pendingChanges += 1
    }

    /// Records a verification verdict (`ok`, `corrupt`, `changed`, `missing`) for `path` at `time`.
    package func recordVerdict(_ verdict: String, for path: [UInt8], at time: Int64) throws(LedgerError) {
        let update = try statement(updateVerdict)
        defer { update.reset() }
        try update.bind(1, blob: path)
        try update.bind(2, int64: time)
        try update.bind(3, text: verdict)
        _ = try update.step()
        pendingChanges += 1
    }

    /// Up to `limit` records that run `run` found gone, in path order after `path`.
    package func gone(run: Int64, after path: [UInt8]?, limit: Int) throws(LedgerError) -> [LedgerRecord] {
        let select = try connection.prepare("""
            SELECT \(Self.recordColumns) FROM files
            WHERE gone_in_run = ?1 AND gone_in_run != 0 AND path > ?2 ORDER BY path LIMIT ?3
            """)
        try select.bind(1, int64: run)
        try select.bind(2, blob: path ?? [])
        try select.bind(3, int64: Int64(limit))
        var records: [LedgerRecord] = []
        while try select.step() {
            if let record = Self.record(path: select.blob(0), from: select, offset: 1) { records.append(record) }
        }
        return records
    }

    /// Deletes the records of `paths`.
    package func delete(_ paths: [[UInt8]]) throws(LedgerError) {
        let delete = try connection.prepare("DELETE FROM files WHERE path = ?")
        for path in paths {
            try delete.bind(1, blob: path)
            try delete.run()
            pendingChanges += 1
        }
    }

    /// Up to `limit` records in order of least recent verification (never verified first), after
    /// the key `(verified, path)` of the last one returned before.
    package func leastRecentlyVerified(after key: (Int64, [UInt8])?, limit: Int) throws(LedgerError) -> [LedgerRecord] {
        let select = try connection.prepare("""
            SELECT \(Self.recordColumns)
            FROM files WHERE (coalesce(last_verified, 0), path) > (?1, ?2)
            ORDER BY coalesce(last_verified, 0), path LIMIT ?3
            """)
        try select.bind(1, int64: key?.0 ?? -1)
        try select.bind(2, blob: key?.1 ?? [])
        try select.bind(3, int64: Int64(limit))
        var records: [LedgerRecord] = []
        while try select.step() {
            if let record = Self.record(path: select.blob(0), from: select, offset: 1) { records.append(record) }
        }
        return records
    }

    /// How many files, and bytes, were last verified before `time` (or never), and the oldest
    /// verification time among all files (nil when some file was never verified, or there are none).
    package func verificationBacklog(before time: Int64) throws(LedgerError) -> (files: Int64, bytes: Int64, oldest: Int64?, neverVerified: Int64) {
        let select = try connection.prepare("""
            SELECT count(*), coalesce(sum(size), 0),
                (SELECT min(last_verified) FROM files), (SELECT count(*) FROM files WHERE last_verified IS NULL)
            FROM files WHERE coalesce(last_verified, 0) < ?
            """)
        try select.bind(1, int64: time)
        _ = try select.step()
        return (select.int64(0), select.int64(1), select.optionalInt64(2), select.int64(3))
    }

    /// The number of files recorded.
    package func count() throws(LedgerError) -> Int64 {
        let select = try connection.prepare("SELECT count(*) FROM files")
        _ = try select.step()
        return select.int64(0)
    }

    // MARK: Helpers

    private func statement(_ cached: SQLiteStatement?) throws(LedgerError) -> SQLiteStatement {
        guard let cached else { throw LedgerError.notALedger(path: path, reason: "its files table cannot be read") }
        return cached
    }

    private static func record(path: [UInt8], from row: SQLiteStatement, offset: Int32) -> LedgerRecord? {
        guard let name = row.text(offset + 5), let algorithm = DigestAlgorithm(rawValue: name) else { return nil }
        return LedgerRecord(
            path: path, size: row.int64(offset), modificationTime: row.int64(offset + 1), changeTime: row.int64(offset + 2),
            device: UInt64(bitPattern: row.int64(offset + 3)), inode: UInt64(bitPattern: row.int64(offset + 4)),
            digest: Digest(algorithm: algorithm, bytes: row.blob(offset + 6)),
            firstSeen: row.int64(offset + 7), lastHashed: row.int64(offset + 8),
            lastVerified: row.optionalInt64(offset + 9), lastVerdict: row.text(offset + 10))
    }
}
