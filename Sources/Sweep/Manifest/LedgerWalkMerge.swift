/// The ledger read beside a walk, in the walk's own order: `sum --update` finds each walked file's
/// record by stepping forward through rows read a batch at a time, not by a search per file, and
/// learns which rows the walk passed by without meeting (files gone since the last update), which
/// it marks for ``Ledger/gone(run:after:limit:)`` — the only rows a run writes besides those it
/// hashes.
///
/// Rows come in order of their keys (``Ledger/walkKey(of:in:)``), which is the walk's order of the
/// same paths, so the two meet as a merge join. A path the walk gives out of order (a root
/// named twice, say) is looked up by path instead, and taken back from the gone if a merge step
/// had marked it.
///
/// ```swift
/// var merge = LedgerWalkMerge(ledger: ledger, order: WalkOrder(roots: [Array("data".utf8)]), run: 7)
/// let record = try merge.record(forWalked: Array("data/a.log".utf8))
/// try merge.finish()   // every row after the last walked file is gone
/// ```
package struct LedgerWalkMerge {
    private let ledger: Ledger
    private let order: WalkOrder
    private let run: Int64
    private var rows: [(walkKey: [UInt8], record: LedgerRecord)] = []
    private var next = 0
    /// The key of the last row read: the next batch starts after it.
    private var lastRead: [UInt8]?
    private var exhausted = false
    /// The key of the last file walked in order.
    private var lastWalked: [UInt8]?

    /// Rows read per batch: enough to amortize a query, few enough to keep memory flat.
    private static let batch = 512

    package init(ledger: Ledger, order: WalkOrder, run: Int64) {
        self.ledger = ledger
        self.order = order
        self.run = run
    }

    /// The record of the walked file `path`, if the ledger has one; rows before it in walk order
    /// that the walk did not meet are marked gone.
    ///
    /// Rows this run saves lie at or before the last walked key, and a batch is read only once the
    /// walk has passed every row read before it, so a batch never holds a row saved by this run.
    package mutating func record(forWalked path: [UInt8]) throws(LedgerError) -> LedgerRecord? {
        let key = Ledger.walkKey(of: path, in: order)
        guard lastWalked.map({ $0.lexicographicallyPrecedes(key) }) ?? true else {
            let record = try ledger.record(for: path)
            if record != nil { try ledger.markGone(path, run: 0) }
            return record
        }
        lastWalked = key
        // Rows are looked at in place (`rows[next]`): copying each row out cost a reference count
        // per field for every walked file.
        while try hasRow() {
            if rows[next].walkKey.lexicographicallyPrecedes(key) {
                try ledger.markGone(rows[next].record.path, run: run)
                next += 1
            } else {
                guard rows[next].walkKey == key, rows[next].record.path == path else { return nil }
                next += 1
                return rows[next - 1].record
            }
        }
        return nil
    }

    /// Marks every row after the last walked file gone: the walk has ended.
    package mutating func finish() throws(LedgerError) {
        while try hasRow() {
            try ledger.markGone(rows[next].record.path, run: run)
            next += 1
        }
    }

    /// Whether `rows[next]` is a row, reading the next batch when the last one is used up.
    private mutating func hasRow() throws(LedgerError) -> Bool {
        if next == rows.count {
            guard !exhausted else { return false }
            rows = try ledger.recordsInWalkOrder(after: lastRead, limit: Self.batch)
            next = 0
            exhausted = rows.count < Self.batch
            guard let last = rows.last else { return false }
            lastRead = last.walkKey
        }
        return true
    }
}
