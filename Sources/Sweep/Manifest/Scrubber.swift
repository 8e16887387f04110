import AsyncAlgorithms
import SystemPackage

/// `sweep scrub`: verifies the files of a ledger least recently verified first (never verified
/// before all), within a budget of time or bytes, recording each verdict, so that a nightly run
/// walks a whole archive in rotation and resumes where the last one stopped.
///
/// A file whose digest differs while its size and mtime are as recorded is ``AuditVerdict/Kind/corrupt``;
/// one whose metadata moved too is ``AuditVerdict/Kind/changed`` (edited since the last `sum --update`).
///
/// ```swift
/// var scrubber = Scrubber(manifest: "SHA256SUMS")
/// scrubber.maxBytes = 10 << 30
/// let summary = try await scrubber.run { verdict in print(verdict.kind) }
/// print(summary.remainingFiles, "files still to verify")
/// ```
package struct Scrubber: Sendable {
    package struct Summary: Sendable {
        package var counts = AuditCounts()
        /// Files (and bytes) not verified since the current rotation began: what the next runs will do.
        package var remainingFiles: Int64 = 0
        package var remainingBytes: Int64 = 0
        /// The oldest verification time left, nanoseconds since the epoch; nil when some file was
        /// never verified.
        package var oldestVerification: Int64?
        package var neverVerified: Int64 = 0
    }

    package var manifest: FilePath
    package var ledgerPath: FilePath
    package var maxSeconds: Double?
    package var maxBytes: Int64?
    package var options = PipelineOptions()

    package init(manifest: FilePath, ledger: FilePath? = nil) {
        self.manifest = manifest
        self.ledgerPath = ledger ?? Ledger.defaultPath(forManifest: manifest)
    }

    private struct Checked: Sendable {
        var record: LedgerRecord
        var result: Result<(FileStatus?, Digest), FileError>
    }

    package func run(isolation: isolated (any Actor)? = #isolation, _ body: (AuditVerdict) async throws -> Void) async throws -> Summary {
        guard (try? FileStatus(of: ledgerPath)) != nil else {
            throw LedgerError.notALedger(path: ledgerPath, reason: "there is none yet; sweep sum --update \(manifest) builds it")
        }
        let ledger = try Ledger(path: ledgerPath, create: false)
        let manifestName = ManifestFingerprint.absolute(manifest)
        guard !ledger.isNew, let recorded = try ledger.metaBytes("manifest") else {
            throw LedgerError.notALedger(path: ledgerPath, reason: "it records nothing yet; sweep sum --update \(manifest) fills it")
        }
        if recorded != manifestName {
            throw LedgerError.otherManifest(path: ledgerPath, recorded: FilePath(bytes: recorded), given: FilePath(bytes: manifestName))
        }

        var summary = Summary()
        let started = FileTime.now
        let startedAt = started.nanosecondsSinceEpoch
        // A rotation is due every file verified after it began; once none is left, the next
        // rotation begins now, again with the least recently verified.
        var rotation = try ledger.meta("scrub_rotation_started").flatMap(Int64.init) ?? startedAt
        if try ledger.verificationBacklog(before: rotation).files == 0 { rotation = startedAt }
        try ledger.begin()
        try ledger.setMeta("scrub_rotation_started", String(rotation))
        try ledger.commit()
        var key: (Int64, [UInt8])?
        var bytes: Int64 = 0
        let batchSize = max(8, options.concurrency * 8)
        try ledger.begin()
        do throws(any Error) {
            scrubbing: while true {
                if let maxSeconds, FileTime.now.seconds(since: started) >= maxSeconds { break }
                var batch = try ledger.leastRecentlyVerified(after: key, limit: batchSize)
                // Files verified by this very run come round again last: the rotation is complete.
                if let index = batch.firstIndex(where: { ($0.lastVerified ?? 0) >= startedAt }) { batch.removeSubrange(index...) }
                if let maxBytes {
                    var taken = 0
                    // At least one file per run, however large, so that a small budget still advances.
                    while taken < batch.count, bytes == 0 && taken == 0 || bytes + batch[taken].size <= maxBytes {
                        bytes += batch[taken].size
                        taken += 1
                    }
                    batch.removeSubrange(taken...)
                }
                guard let last = batch.last else { break }
                key = (last.lastVerified ?? 0, last.path)
                try await ReadScheduler(options: options).run(
                    batch.async, isolation: isolation,
                    immediate: { (_: LedgerRecord) -> Checked? in nil },
                    cost: { Int(clamping: $0.size) },
                    read: { records, reader, cancelled in
                        let requests = DigestRequests.make(records.lazy.map { ($0.path, $0.digest.algorithm) }, options: options)
                        let reads = await reader.read(requests, isCancelled: { cancelled.isSet })
                        return zip(records, reads).map { record, read -> WorkOutcome<Checked> in
                            switch read {
                            case nil: .retryAlone
                            case .success(let read)?: .done(Checked(record: record, result: .success((read.entry.status, read.output))))
                            case .failure(let error)?: .done(Checked(record: record, result: .failure(error)))
                            }
                        }
                    },
                    deliver: { (checked: Checked) in
                        options.progress?.fileDone()
                        let record = checked.record
                        let verdict: AuditVerdict
                        switch checked.result {
                        case .failure(let error) where error.errno == .noSuchFileOrDirectory:
                            verdict = AuditVerdict(path: record.path, kind: .missing)
                        case .failure(let error):
                            verdict = AuditVerdict(path: record.path, kind: .unreadable, error: error)
                        case .success(let (status, digest)):
                            if digest == record.digest {
                                verdict = AuditVerdict(path: record.path, kind: .ok)
                            } else if let status, record.keepsSizeAndModificationTime(status) {
                                verdict = AuditVerdict(path: record.path, kind: .corrupt,
                                                       changeTimeChanged: record.changeTime != status.changeTime.nanosecondsSinceEpoch)
                            } else {
                                verdict = AuditVerdict(path: record.path, kind: .changed)
                            }
                            summary.counts.bytes += status?.size ?? 0
                        }
                        summary.counts.record(verdict.kind)
                        try ledger.recordVerdict(verdict.kind.rawValue, for: record.path, at: FileTime.now.nanosecondsSinceEpoch)
                        try ledger.commitIfDue()
                        try await body(verdict)
                    })
                if let maxBytes, bytes >= maxBytes { break scrubbing }
            }
            try ledger.commit()
        } catch {
            try? ledger.commit()
            throw error
        }
        let backlog = try ledger.verificationBacklog(before: rotation)
        summary.remainingFiles = backlog.files
        summary.remainingBytes = backlog.bytes
        summary.oldestVerification = backlog.neverVerified > 0 ? nil : backlog.oldest
        summary.neverVerified = backlog.neverVerified
        return summary
    }
}
