import CSQLite
import SystemPackage

/// A thin owner of one SQLite connection: the ledger's only door to the database. Statements are
/// prepared once and reused; every failure becomes a ``LedgerError`` naming the database.
///
/// ```swift
/// let connection = try SQLiteConnection(path: "SHA256SUMS.sweep-ledger", create: true)
/// try connection.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
/// ```
package final class SQLiteConnection {
    package let path: FilePath
    private var handle: OpaquePointer?

    /// Opens (or, when `create`, creates) the database at `path`, waiting up to `busyTimeout`
    /// milliseconds for another process's lock before a statement fails as busy.
    package init(path: FilePath, create: Bool, busyTimeout: Int32 = 3000) throws(LedgerError) {
        self.path = path
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        if create { flags |= SQLITE_OPEN_CREATE }
        let status = path.withPlatformString { sqlite3_open_v2($0, &handle, flags, nil) }
        guard status == SQLITE_OK else {
            let error = LedgerError.sqlite(path: path, code: status, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open")
            sqlite3_close(handle)
            handle = nil
            throw error
        }
        sqlite3_extended_result_codes(handle, 0)
        sqlite3_busy_timeout(handle, busyTimeout)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs SQL that returns no rows (several statements allowed).
    package func execute(_ sql: String) throws(LedgerError) {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        guard status == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_free(message)
            throw .sqlite(path: path, code: status, message: text)
        }
    }

    /// A prepared statement for `sql`, to bind, step and reset many times.
    package func prepare(_ sql: String) throws(LedgerError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status) }
        return SQLiteStatement(statement, connection: self)
    }

    /// The error for `status`, with the connection's own message.
    package func failure(_ status: Int32) -> LedgerError {
        .sqlite(path: path, code: status, message: String(cString: sqlite3_errmsg(handle)))
    }

    /// Rows changed by the last statement.
    package var changes: Int { Int(sqlite3_changes(handle)) }
}
