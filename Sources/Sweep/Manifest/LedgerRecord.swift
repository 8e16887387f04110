/// What the ledger knows of one file: its metadata when last hashed, its digest, and its history.
/// Times are nanoseconds since the epoch.
///
/// ```swift
/// if let record = try ledger.record(for: Array("logs/a.log".utf8)) {
///     print(record.size, record.lastVerdict ?? "never verified")
/// }
/// ```
package struct LedgerRecord: Sendable, Equatable {
    /// The path as the manifest names it, raw bytes.
    package var path: [UInt8]
    package var size: Int64
    package var modificationTime: Int64
    package var changeTime: Int64
    package var device: UInt64
    package var inode: UInt64
    package var digest: Digest
    package var firstSeen: Int64
    package var lastHashed: Int64
    package var lastVerified: Int64?
    package var lastVerdict: String?

    /// A record of `path` as `status` describes it, hashed to `digest` at `now`.
    package init(path: [UInt8], status: FileStatus, digest: Digest, firstSeen: Int64, now: Int64, verdict: String?) {
        self.path = path
        size = status.size
        modificationTime = status.modificationTime.nanosecondsSinceEpoch
        changeTime = status.changeTime.nanosecondsSinceEpoch
        device = status.identity.device
        inode = status.identity.inode
        self.digest = digest
        self.firstSeen = firstSeen
        lastHashed = now
        lastVerified = verdict == nil ? nil : now
        lastVerdict = verdict
    }

    package init(
        path: [UInt8], size: Int64, modificationTime: Int64, changeTime: Int64, device: UInt64, inode: UInt64,
        digest: Digest, firstSeen: Int64, lastHashed: Int64, lastVerified: Int64?, lastVerdict: String?
    ) {
        self.path = path
        self.size = size
        self.modificationTime = modificationTime
        self.changeTime = changeTime
        self.device = device
        self.inode = inode
        self.digest = digest
        self.firstSeen = firstSeen
        self.lastHashed = lastHashed
        self.lastVerified = lastVerified
        self.lastVerdict = lastVerdict
    }

    /// Whether `status` shows the file as it was hashed: same size, times to the nanosecond, and
    /// inode. Anything else (an edit, a `touch`, a replacement by rename) means hashing it again.
    package func matches(_ status: FileStatus) -> Bool {
        Self.matches(status, size: size, modificationTime: modificationTime, changeTime: changeTime, device: device, inode: inode)
    }

    /// The rule of ``matches(_:)``, for a row read without its whole record (``LedgerWalkRows``).
    static func matches(_ status: FileStatus, size: Int64, modificationTime: Int64, changeTime: Int64, device: UInt64, inode: UInt64) -> Bool {
        size == status.size && modificationTime == status.modificationTime.nanosecondsSinceEpoch
            && changeTime == status.changeTime.nanosecondsSinceEpoch
            && device == status.identity.device && inode == status.identity.inode
    }

    /// Whether `status` keeps the size and modification time recorded: a different digest then is
    /// bit rot (or tampering that restored the mtime), as cshatag decides.
    package func keepsSizeAndModificationTime(_ status: FileStatus) -> Bool {
        size == status.size && modificationTime == status.modificationTime.nanosecondsSinceEpoch
    }
}

extension FileTime {
    /// Nanoseconds since the epoch, as the ledger stores times.
    package var nanosecondsSinceEpoch: Int64 { seconds &* 1_000_000_000 &+ nanoseconds }
}
