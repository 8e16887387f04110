import CSQLite

/// One prepared SQLite statement: bind by 1-based index, step, read columns, reset.
///
/// ```swift
/// let select = try connection.prepare("SELECT size FROM files WHERE path = ?")
/// try select.bind(1, blob: Array("a.txt".utf8))
/// if try select.step() { print(select.int64(0)) }
/// select.reset()
/// ```
package final class SQLiteStatement {
    private let statement: OpaquePointer
    // Kept so that the connection outlives its statements.
    private let connection: SQLiteConnection

    init(_ statement: OpaquePointer, connection: SQLiteConnection) {
        self.statement = statement
        self.connection = connection
    }

    deinit { sqlite3_finalize(statement) }

    package func bind(_ index: Int32, blob: [UInt8]) throws(LedgerError) {
        // An empty array's base address may be nil, which SQLite would bind as NULL.
        let status = blob.isEmpty
            ? sqlite3_bind_zeroblob(statement, index, 0)
            : blob.withUnsafeBytes { sweep_sqlite3_bind_blob_copy(statement, index, $0.baseAddress, Int32($0.count)) }
        try check(status)
    }

    package func bind(_ index: Int32, text: String) throws(LedgerError) {
        var text = text
        let status = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { sweep_sqlite3_bind_text_copy(statement, index, $0.baseAddress, Int32($0.count)) }
        }
        try check(status)
    }

    package func bind(_ index: Int32, int64 value: Int64?) throws(LedgerError) {
        try check(value.map { sqlite3_bind_int64(statement, index, $0) } ?? sqlite3_bind_null(statement, index))
    }

    /// Advances to the next row: `true` with a row to read, `false` when done.
    package func step() throws(LedgerError) -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let status:
            sqlite3_reset(statement)
            throw connection.failure(status)
        }
    }

    /// Steps a statement that returns no rows, then resets it.
    package func run() throws(LedgerError) {
        defer { reset() }
        _ = try step()
    }

    package func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    package func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    package func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    package func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    package func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// Calls `body` with a blob or text column's bytes in place, valid only inside `body`: for rows
    /// read by the million, where an array per column would cost an allocation each.
    package func withBytes<Result>(_ column: Int32, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        // The pointer first, then its length, as SQLite asks.
        guard let bytes = sqlite3_column_blob(statement, column) else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return body(UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, column))))
    }

    package func text(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: text)
    }

    private func check(_ status: Int32) throws(LedgerError) {
        guard status == SQLITE_OK else { throw connection.failure(status) }
    }
}
