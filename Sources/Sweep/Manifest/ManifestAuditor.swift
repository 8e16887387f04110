import SystemPackage

/// `sweep check --audit`: re-hashes every file under the roots and classifies each path against the
/// manifest and its ``Ledger``: ok, changed, corrupt, new, missing or moved (see ``AuditVerdict``).
///
/// Corrupt needs the ledger: the size and modification time recorded when the file was hashed.
/// Without one, a differing digest is reported as changed, and ``Summary/hasLedger`` says so.
/// Verdicts are recorded in the ledger (when there is one), as `scrub` records them.
///
/// ```swift
/// let auditor = ManifestAuditor(manifest: "SHA256SUMS", roots: ["data"])
/// let summary = try await auditor.run { verdict in
///     if verdict.kind != .ok { print(String(decoding: verdict.path, as: UTF8.self), verdict.kind.label) }
/// }
/// print(summary.counts.exitStatus)
/// ```
package struct ManifestAuditor: Sendable {
    package struct Summary: Sendable {
        package var counts = AuditCounts()
        package var hasLedger = false
    }

    package var manifest: FilePath
    package var ledgerPath: FilePath
    /// nil for the roots of the ledger's last update (an error without a ledger).
    package var roots: [FilePath]?
    package var algorithm: DigestAlgorithm?
    package var nulSeparated = false
    package var options = PipelineOptions()
    package var makeWalker: @Sendable ([FilePath], Set<FileIdentity>) -> Walker

    package init(manifest: FilePath, ledger: FilePath? = nil, roots: [FilePath]?, algorithm: DigestAlgorithm? = nil,
                 makeWalker: (@Sendable ([FilePath], Set<FileIdentity>) -> Walker)? = nil) {
        self.manifest = manifest
        self.ledgerPath = ledger ?? Ledger.defaultPath(forManifest: manifest)
        self.roots = roots
        self.algorithm = algorithm
        self.makeWalker = makeWalker ?? { roots, skipping in
            var options = WalkOptions()
            options.skipping = skipping
            return Walker(roots: roots, options: options)
        }
    }

    private enum Item: Sendable {
        case hashed(FileEntry, Digest)
        case failed(FileError)
        case skipped
    }

    package func run(isolation: isolated (any Actor)? = #isolation, _ body: (AuditVerdict) async throws -> Void) async throws -> Summary {
        var summary = Summary()
        let ledgerExists = (try? FileStatus(of: ledgerPath)) != nil
        let ledger: Ledger? = ledgerExists ? try Ledger(path: ledgerPath, create: false) : nil
        if let ledger, !ledger.isNew {
            let manifestName = ManifestFingerprint.absolute(manifest)
            if let recorded = try ledger.metaBytes("manifest"), recorded != manifestName {
                throw LedgerError.otherManifest(path: ledgerPath, recorded: FilePath(bytes: recorded), given: FilePath(bytes: manifestName))
            }
            summary.hasLedger = true
        }
        let index = try await ManifestIndex(manifest: manifest, algorithm: algorithm, nulSeparated: nulSeparated)
        let recordedRoots = summary.hasLedger ? try ledger?.metaBytes("roots") : nil
        guard let roots = self.roots ?? recordedRoots.map(ManifestFingerprint.roots) else {
            throw LedgerError.rootsUnknown(manifest: manifest)
        }
        let algorithm = self.algorithm ?? index.firstAlgorithm ?? .sha256

        var skipping = Set<FileIdentity>()
        for path in [manifest, ledgerPath, FilePath(bytes: ledgerPath.bytes + Array("-wal".utf8))] {
            if let status = try? FileStatus(of: path) { skipping.insert(status.identity) }
        }
        let now = FileTime.now.nanosecondsSinceEpoch
        let trusted = summary.hasLedger ? ledger : nil
        func report(_ verdict: AuditVerdict) async throws {
            summary.counts.record(verdict.kind)
            if let trusted, verdict.kind != .new, verdict.kind != .unreadable {
                let path = verdict.kind == .moved ? verdict.movedFrom ?? verdict.path : verdict.path
                try trusted.recordVerdict(verdict.kind.rawValue, for: path, at: now)
                try trusted.commitIfDue()
            }
            try await body(verdict)
        }

        try trusted?.begin()
        do throws(any Error) {
            // The walk runs ahead on a thread of its own, beside the lookups and the reads.
            try await WalkAhead.withEvents(of: makeWalker(roots, skipping), isolation: isolation) { events in
                try await ReadScheduler(options: options).run(
                    events, isolation: isolation,
                    immediate: { event -> Item? in
                        switch event {
                        case .file: nil
                        case .failure(let error): .failed(error)
                        case .skipped: .skipped
                        }
                    },
                    cost: { WalkedFileHashing.cost(of: $0, options: options) },
                    read: { events, reader, cancelled in
                        await WalkedFileHashing.outcomes(events, algorithm: algorithm, options: options, reader: reader, cancelled: cancelled) {
                            switch $0 {
                            case .success(let read): .hashed(read.entry.detached, read.output)
                            case .failure(let error): .failed(error)
                            }
                        }
                    },
                    deliver: { (item: Item) in
                        switch item {
                        case .skipped:
                            return
                        case .failed(let error):
                            try await report(AuditVerdict(path: error.path.bytes, kind: .unreadable, error: error))
                        case .hashed(let entry, let digest):
                            summary.counts.bytes += entry.status?.size ?? 0
                            let path = entry.path.bytes
                            guard let expected = try index.lookUp(path) else {
                                try index.addNew(path, digest: digest, size: entry.status?.size ?? -1)
                                return
                            }
                            if expected == digest {
                                try await report(AuditVerdict(path: path, kind: .ok))
                                return
                            }
                            // Corrupt only when the ledger hashed this very content (its digest is the
                            // manifest's) and the size and mtime are still what it saw then.
                            if let record = try trusted?.record(for: path), record.digest == expected,
                               let status = entry.status, record.keepsSizeAndModificationTime(status) {
                                let ctimeChanged = record.changeTime != status.changeTime.nanosecondsSinceEpoch
                                try await report(AuditVerdict(path: path, kind: .corrupt, changeTimeChanged: ctimeChanged))
                            } else {
                                try await report(AuditVerdict(path: path, kind: .changed))
                            }
                        }
                    })
            }
            // Listed but never met: missing, or moved to a new path with the same content.
            var afterLine = 0
            while true {
                let unmet = try index.unmet(afterLine: afterLine, limit: 256)
                guard let last = unmet.last else { break }
                afterLine = last.line
                for (_, path, digest) in unmet {
                    let size = try trusted?.record(for: path)?.size
                    if let destination = try index.claimMoved(digest: digest, size: size) {
                        try await report(AuditVerdict(path: destination, kind: .moved, movedFrom: path))
                    } else {
                        try await report(AuditVerdict(path: path, kind: .missing))
                    }
                }
            }
            var afterNew: [UInt8]?
            while true {
                let news = try index.remainingNew(after: afterNew, limit: 256)
                guard let last = news.last else { break }
                afterNew = last
                for path in news { try await report(AuditVerdict(path: path, kind: .new)) }
            }
            try trusted?.commit()
        } catch {
            try? trusted?.commit()
            throw error
        }
        return summary
    }
}
