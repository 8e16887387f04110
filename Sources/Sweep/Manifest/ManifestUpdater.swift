import SystemPackage

/// `sweep sum --update`: brings a manifest up to date with its tree, re-hashing only the files whose
/// size, times or inode differ from what its ``Ledger`` recorded, dropping the files that are gone,
/// and rewriting the manifest atomically, byte for byte what a full `sweep sum` of the same paths
/// would write now.
///
/// The walk is streamed against the ledger in walk order (``LedgerWalkMerge``): the ledger's rows
/// are read in the same order a batch at a time, so memory stays flat for millions of files and a
/// file costs no search; only files hashed and files gone are written. Hashed files are committed to the
/// ledger in batches (see ``Ledger/commitIfDue()``); a killed run resumes, re-hashing only what it
/// had not committed. With no ledger yet, or a manifest edited since the ledger was written,
/// nothing is trusted: every file is hashed once.
///
/// ```swift
/// let updater = ManifestUpdater(manifest: "SHA256SUMS", roots: ["data"], algorithm: .sha256)
/// let summary = try await updater.run { event in print(event) }
/// print(summary.changed, "changed")
/// ```
package struct ManifestUpdater: Sendable {
    /// What became of one path.
    package enum State: String, Sendable {
        case unchanged, changed, new, removed
    }

    /// One path reported as the update goes (in walk order; removed paths at the end).
    package enum Event: Sendable {
        /// A file listed in the new manifest; `hashed` tells whether it was read.
        case file(path: [UInt8], state: State, digest: Digest, hashed: Bool)
        /// A file dropped from the manifest: gone since the last update.
        case removed(path: [UInt8], digest: Digest)
        /// A file that could not be read: left out of the manifest, as `sweep sum` leaves it out.
        case failed(FileError)
        /// A path the walk left out (a FIFO, a socket).
        case skipped(FilePath, SkipReason)
    }

    /// The counts `--update` reports.
    package struct Summary: Sendable, Equatable {
        package var unchanged = 0
        package var changed = 0
        package var new = 0
        package var removed = 0
        package var failed = 0
        /// Files read and hashed (changed, new, and those whose metadata alone changed).
        package var hashed = 0
        package var hashedBytes: Int64 = 0
        /// Why nothing in the ledger was trusted, if it was not.
        package var distrust: String?
    }

    package var manifest: FilePath
    package var ledgerPath: FilePath
    /// The roots as given, recorded in the ledger so that a later run over other roots is refused;
    /// nil for the roots the ledger recorded (`.` for a new one).
    package var roots: [FilePath]?
    /// nil for the algorithm the ledger recorded (SHA-256 for a new one).
    package var algorithm: DigestAlgorithm?
    package var formatter = ChecksumLineFormatter()
    package var options = PipelineOptions()
    /// The walk of the roots, given the identities to leave out (the manifest and the ledger).
    package var makeWalker: @Sendable ([FilePath], Set<FileIdentity>) -> Walker

    package init(manifest: FilePath, ledger: FilePath? = nil, roots: [FilePath]?, algorithm: DigestAlgorithm?,
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
        case unchanged(path: [UInt8], digest: Digest)
        case hashed(FileEntry, Digest, bytes: Int64)
        case failed(FileError)
        case skipped(FilePath, SkipReason)
    }

    /// Runs the update, calling `body` with each path's event; throws a ``LedgerError`` (before
    /// anything is written) when the ledger cannot be used, a `FileError` when the manifest cannot.
    package func run(isolation: isolated (any Actor)? = #isolation, _ body: (Event) async throws -> Void) async throws -> Summary {
        let ledger = try Ledger(path: ledgerPath)
        var summary = Summary()
        let manifestName = ManifestFingerprint.absolute(manifest)
        let recordedRoots = try ledger.metaBytes("roots")
        let roots = self.roots ?? recordedRoots.map(ManifestFingerprint.roots) ?? ["."]
        let rootsBytes = ManifestFingerprint.joined(roots)
        let workingDirectory = ManifestFingerprint.workingDirectory
        // The manifest as this sweep last wrote it (same stamp) has the fingerprint recorded then,
        // without reading it again: 83 MB for a million files.
        let current: ManifestFingerprint?
        if let recorded = try ledger.meta("manifest_stamp"), let status = try? FileStatus(of: manifest),
           recorded == ManifestFingerprint.stamp(status), let hex = try ledger.meta("manifest_sha256") {
            current = ManifestFingerprint(hex: hex)
        } else {
            do { current = try ManifestFingerprint.of(manifest) } catch { throw LedgerError.manifest(error) }
        }

        if let recorded = try ledger.metaBytes("manifest"), recorded != manifestName {
            throw LedgerError.otherManifest(path: ledgerPath, recorded: FilePath(bytes: recorded), given: FilePath(bytes: manifestName))
        }
        if let recorded = recordedRoots, let directory = try ledger.metaBytes("working_directory"),
           recorded != rootsBytes || directory != workingDirectory {
            func describe(_ roots: [UInt8], in directory: [UInt8]) -> String {
                ManifestFingerprint.roots(roots).map(\.description).joined(separator: " ") + " in \(FilePath(bytes: directory))"
            }
            throw LedgerError.otherRoots(
                path: ledgerPath, recorded: describe(recorded, in: directory), given: describe(rootsBytes, in: workingDirectory))
        }
        let known = [try ledger.meta("manifest_sha256"), try ledger.meta("pending_manifest_sha256")].compactMap { $0 }
        if known.isEmpty {
            // No update has finished: a new ledger trusts nothing; one whose first update was
            // killed holds only what that run hashed itself, and resumes from it.
            if try ledger.count() == 0 { summary.distrust = current == nil ? "no manifest and no ledger yet" : "no ledger yet" }
        } else if let current {
            if !known.contains(current.hex) { summary.distrust = "the manifest was edited since the ledger was written" }
        } else {
            summary.distrust = "the manifest is missing"
        }
        let trusted = summary.distrust == nil

        // Claim this run's number before any row is marked with it: rows a killed run found gone
        // must not count as gone in its rerun, which may find them again.
        let run = (try ledger.meta("run").flatMap(Int64.init) ?? 0) + 1
        let order = WalkOrder(roots: roots.map(\.bytes))
        try ledger.begin()
        try ledger.setMeta("run", String(run))
        try ledger.setMeta("manifest", bytes: manifestName)
        try ledger.setMeta("roots", bytes: rootsBytes)
        try ledger.setMeta("working_directory", bytes: workingDirectory)
        try ledger.commit()
        var merge = LedgerWalkMerge(ledger: ledger, order: order, run: run)

        // Never hash the manifest or the ledger (and its write-ahead log) if they lie in the tree.
        var skipping = Set<FileIdentity>()
        for path in [manifest, ledgerPath, FilePath(bytes: ledgerPath.bytes + Array("-wal".utf8))] {
            if let status = try? FileStatus(of: path) { skipping.insert(status.identity) }
        }
        let destination = try DurableFile(path: manifest)
        if let status = try? destination.descriptor.status() { skipping.insert(status.identity) }

        var output = OutputBuffer(descriptor: destination.descriptor.rawValue)
        var fingerprint = ManifestFingerprint.Builder()
        let algorithm = try self.algorithm ?? ledger.meta("algorithm").flatMap(DigestAlgorithm.init(rawValue:)) ?? .sha256
        let formatter = self.formatter
        let now = FileTime.now.nanosecondsSinceEpoch
        var lookupFailure: LedgerError?
        var line: [UInt8] = []

        do throws(any Error) {
            try ledger.begin()
            // The walk runs ahead on a thread of its own: unchanged files cost the consumer as
            // little as the walk, so the two take a core each.
            try await WalkAhead.withEvents(of: makeWalker(roots, skipping), isolation: isolation) { events in
                try await ReadScheduler(options: options).run(
                    events, isolation: isolation,
                    immediate: { event -> Item? in
                        switch event {
                        case .failure(let error): return .failed(error)
                        case .skipped(let path, let reason): return .skipped(path, reason)
                        case .file(let entry):
                            guard lookupFailure == nil else { return nil }
                            do throws(LedgerError) {
                                // Met here, so a file that then fails to read keeps its row, and is
                                // listed again once readable if its metadata has not moved.
                                let path = entry.path.bytes
                                guard let record = try merge.record(forWalked: path), trusted, let status = entry.status,
                                      record.digest.algorithm == algorithm, record.matches(status) else { return nil }
                                return .unchanged(path: path, digest: record.digest)
                            } catch {
                                lookupFailure = error
                                return nil
                            }
                        }
                    },
                    cost: { WalkedFileHashing.cost(of: $0, options: options) },
                    read: { events, reader, cancelled in
                        await WalkedFileHashing.outcomes(events, algorithm: algorithm, options: options, reader: reader, cancelled: cancelled) {
                            switch $0 {
                            case .success(let read): .hashed(read.entry.detached, read.output, bytes: read.bytesRead)
                            case .failure(let error): .failed(error)
                            }
                        }
                    },
                    deliver: { (item: Item) in
                        if let lookupFailure { throw lookupFailure }
                        let event: Event
                        switch item {
                        case .unchanged(let path, let digest):
                            summary.unchanged += 1
                            event = .file(path: path, state: .unchanged, digest: digest, hashed: false)
                            formatter.append(digest, path: path, to: &line)
                        case .hashed(let entry, let digest, let bytes):
                            let path = entry.path.bytes
                            let previous = try ledger.record(for: path)
                            let state: State = previous.map { $0.digest == digest ? .unchanged : .changed } ?? .new
                            switch state {
                            case .unchanged: summary.unchanged += 1
                            case .changed: summary.changed += 1
                            case .new, .removed: summary.new += 1
                            }
                            summary.hashed += 1
                            summary.hashedBytes += bytes
                            if let status = entry.status {
                                try ledger.save(LedgerRecord(path: path, status: status, digest: digest, firstSeen: previous?.firstSeen ?? now,
                                                             now: FileTime.now.nanosecondsSinceEpoch, verdict: nil),
                                                walkKey: Ledger.walkKey(of: path, in: order))
                            }
                            event = .file(path: path, state: state, digest: digest, hashed: true)
                            formatter.append(digest, path: path, to: &line)
                        case .failed(let error):
                            summary.failed += 1
                            try await body(.failed(error))
                            return
                        case .skipped(let path, let reason):
                            try await body(.skipped(path, reason))
                            return
                        }
                        fingerprint.update(line)
                        try output.write(line)
                        line.removeAll(keepingCapacity: true)
                        try ledger.commitIfDue()
                        try await body(event)
                    })
            }
            if let lookupFailure { throw lookupFailure }
            try merge.finish()
            try output.flush()
            // Whatever the walk did not meet is gone: dropped in chunks, each reported.
            var after: [UInt8]?
            while true {
                let gone = try ledger.gone(run: run, after: after, limit: 256)
                guard let last = gone.last else { break }
                after = last.path
                try ledger.delete(gone.map(\.path))
                for record in gone {
                    summary.removed += 1
                    try await body(.removed(path: record.path, digest: record.digest))
                }
                try ledger.commitIfDue()
            }
            // The new manifest's fingerprint is recorded before the rename and confirmed after it,
            // so that a kill between the two does not make the next run distrust the ledger.
            let written = fingerprint.finish()
            try ledger.setMeta("pending_manifest_sha256", written.hex)
            try ledger.commit()
            try destination.commit(replacing: true)
            try ledger.begin()
            try ledger.setMeta("manifest_sha256", written.hex)
            try ledger.setMeta("manifest_stamp", destination.publishedStatus.map(ManifestFingerprint.stamp) ?? "")
            try ledger.setMeta("algorithm", algorithm.rawValue)
            try ledger.commit()
        } catch {
            destination.discard()
            // What was hashed stays committed: the rerun resumes from it.
            try? ledger.commit()
            throw error
        }
        return summary
    }
}
