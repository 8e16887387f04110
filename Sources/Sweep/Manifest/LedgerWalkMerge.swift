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
    /// What the ledger recorded of a walked file: enough to tell whether it is unchanged, and its
    /// digest.
    package struct Recorded: Sendable, Equatable {
        package var digest: Digest
        package var size: Int64
        package var modificationTime: Int64
        package var changeTime: Int64
        package var device: UInt64
        package var inode: UInt64

        /// What `record` holds of these.
        package init(_ record: LedgerRecord) {
            self.init(digest: record.digest, size: record.size, modificationTime: record.modificationTime,
                      changeTime: record.changeTime, device: record.device, inode: record.inode)
        }

        package init(digest: Digest, size: Int64, modificationTime: Int64, changeTime: Int64, device: UInt64, inode: UInt64) {
            self.digest = digest
            self.size = size
            self.modificationTime = modificationTime
            self.changeTime = changeTime
            self.device = device
            self.inode = inode
        }

        /// Whether `status` shows the file as it was hashed (``LedgerRecord/matches(_:)``).
        package func matches(_ status: FileStatus) -> Bool {
            LedgerRecord.matches(status, size: size, modificationTime: modificationTime, changeTime: changeTime, device: device, inode: inode)
        }
    }

    private let ledger: Ledger
    private let order: WalkOrder
    private let run: Int64
    private var rows = LedgerWalkRows()
    private var next = 0
    private var exhausted = false
    /// The key of the last file walked in order (empty before the first: no key is), and the one
    /// being looked up: two buffers swapped rather than a key allocated per walked file.
    private var lastWalked: [UInt8] = []
    private var key: [UInt8] = []

    /// Rows read per batch: enough to amortize a query, few enough to keep memory flat.
    private static let batch = 512

    package init(ledger: Ledger, order: WalkOrder, run: Int64) {
        self.ledger = ledger
        self.order = order
        self.run = run
    }

    /// What the ledger recorded of the walked file `path`, if anything; rows before it in walk
    /// order that the walk did not meet are marked gone.
    ///
    /// Rows this run saves lie at or before the last walked key, and a batch is read only once the
    /// walk has passed every row read before it, so a batch never holds a row saved by this run.
    package mutating func record(forWalked path: [UInt8]) throws(LedgerError) -> Recorded? {
        key.removeAll(keepingCapacity: true)
        Ledger.appendWalkKey(of: path, in: order, to: &key)
        guard lastWalked.isEmpty || lastWalked.lexicographicallyPrecedes(key) else {
            guard let record = try ledger.record(for: path) else { return nil }
            try ledger.markGone(walkKey: key, run: 0)
            return Recorded(record)
        }
        swap(&lastWalked, &key)
        // A row's key equal to the walked file's means the same path: the key is a one-to-one
        // function of the path for the ledger's roots.
        while try hasRow() {
            let order = rows.compareKey(next, to: lastWalked)
            if order < 0 {
                try ledger.markGone(walkKey: rows.key(next), run: run)
                next += 1
            } else {
                guard order == 0 else { return nil }
                next += 1
                return rows.recorded(next - 1)
            }
        }
        return nil
    }

    /// Marks every row after the last walked file gone: the walk has ended.
    package mutating func finish() throws(LedgerError) {
        while try hasRow() {
            try ledger.markGone(walkKey: rows.key(next), run: run)
            next += 1
        }
    }

    /// Whether row `next` is a row, reading the next batch when the last one is used up.
    private mutating func hasRow() throws(LedgerError) -> Bool {
        while next == rows.count {
            guard !exhausted else { return false }
            let after = rows.lastKey
            try ledger.readWalkOrder(after: after, limit: Self.batch, into: &rows)
            next = 0
            exhausted = rows.rowsRead < Self.batch
        }
        return true
    }
}
