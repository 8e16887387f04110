#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A batch of the ledger's rows in walk order, as ``LedgerWalkMerge`` reads them: each row's key and
/// what tells an unchanged file (size, times, identity, digest), without the path and the history
/// a whole ``LedgerRecord`` carries.
///
/// `sum --update` reads every row of the ledger on each run, so the keys and digests of a batch
/// share one buffer, reused from batch to batch: a row costs no allocation until its digest is
/// asked for.
///
/// ```swift
/// var rows = LedgerWalkRows()
/// try ledger.readWalkOrder(after: nil, limit: 512, into: &rows)
/// if rows.count > 0, rows.compareKey(0, to: key) == 0 { print(rows.recorded(0).digest) }
/// ```
package struct LedgerWalkRows {
    /// A row's fields; its key and digest are ranges of ``bytes``.
    private struct Row {
        var key: Range<Int>
        var digest: Range<Int>
        var algorithm: DigestAlgorithm
        var size: Int64
        var modificationTime: Int64
        var changeTime: Int64
        var device: UInt64
        var inode: UInt64
    }

    private var rows: [Row] = []
    private var bytes: [UInt8] = []
    /// The key of the last row read if it was left out (an algorithm this sweep does not know).
    private var lastLeftOut: [UInt8]?
    /// How many rows the query returned, those left out included: fewer than asked means the end.
    package private(set) var rowsRead = 0

    package init() {}

    /// The rows kept.
    package var count: Int { rows.count }

    /// Empties the batch, keeping its storage.
    mutating func removeAll() {
        rows.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        rowsRead = 0
        lastLeftOut = nil
    }

    /// Appends the row `statement` is on, whose columns are `walk_key, size, mtime_ns, ctime_ns,
    /// dev, inode, algorithm, digest`.
    mutating func append(from statement: SQLiteStatement) {
        rowsRead += 1
        let keyStart = bytes.count
        statement.withBytes(0) { bytes.append(contentsOf: $0) }
        let key = keyStart..<bytes.count
        guard let algorithm = statement.withBytes(6, Self.algorithm(named:)) else {
            lastLeftOut = Array(bytes[key])
            bytes.removeSubrange(key)
            return
        }
        lastLeftOut = nil
        statement.withBytes(7) { bytes.append(contentsOf: $0) }
        rows.append(Row(
            key: key, digest: key.upperBound..<bytes.count, algorithm: algorithm,
            size: statement.int64(1), modificationTime: statement.int64(2), changeTime: statement.int64(3),
            device: UInt64(bitPattern: statement.int64(4)), inode: UInt64(bitPattern: statement.int64(5))))
    }

    /// The key of the last row read, left out or not: the next batch starts after it.
    package var lastKey: [UInt8]? {
        lastLeftOut ?? rows.last.map { Array(bytes[$0.key]) }
    }

    /// The key of row `index`.
    package func key(_ index: Int) -> [UInt8] {
        Array(bytes[rows[index].key])
    }

    /// How row `index`'s key compares with `key`, in `memcmp` order (SQLite's order of blobs):
    /// negative before, zero equal, positive after.
    package func compareKey(_ index: Int, to key: [UInt8]) -> Int {
        Self.compare(bytes[rows[index].key], key[...])
    }

    /// What the ledger recorded of row `index`.
    package func recorded(_ index: Int) -> LedgerWalkMerge.Recorded {
        let row = rows[index]
        return LedgerWalkMerge.Recorded(
            digest: Digest(algorithm: row.algorithm, bytes: Array(bytes[row.digest])),
            size: row.size, modificationTime: row.modificationTime, changeTime: row.changeTime,
            device: row.device, inode: row.inode)
    }

    private static func compare(_ lhs: ArraySlice<UInt8>, _ rhs: ArraySlice<UInt8>) -> Int {
        lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                let common = min(left.count, right.count)
                if common > 0, let a = left.baseAddress, let b = right.baseAddress {
                    let order = memcmp(a, b, common)
                    if order != 0 { return Int(order) }
                }
                return left.count - right.count
            }
        }
    }

    /// The algorithm a row names, matched on its bytes: a `String` per row would cost an allocation.
    private static func algorithm(named name: UnsafeRawBufferPointer) -> DigestAlgorithm? {
        DigestAlgorithm.allCases.first { $0.rawValue.utf8.elementsEqual(name) }
    }
}
