/// How the ledger commands (`sum --update`, `check --audit`) read what their walk finds: one rule
/// for what a walk event costs the scheduler and one for hashing a batch, so that both count the
/// progress line's bytes the same way.
enum WalkedFileHashing {
    /// The scheduling cost of `event`: the file's size when the walk stat'ed it (as these commands'
    /// walks do), else a share of a batch.
    static func cost(of event: WalkEvent, options: PipelineOptions) -> Int {
        guard case .file(let entry) = event else { return 0 }
        return entry.status.map { Int(clamping: $0.size) } ?? options.unknownSizeCost
    }

    /// Each file of `events` (walked files only) with the digest of its bytes under `algorithm`, or
    /// nil where the reader asks for it to be read again alone. A file read (or failed) counts as
    /// done on the progress line; one not read at all (unchanged since the ledger saw it) does not.
    static func hash(
        _ events: [WalkEvent], algorithm: DigestAlgorithm, options: PipelineOptions, reader: ReaderSelection,
        cancelled: CancellationFlag
    ) async -> [Result<ReadOutcome<Digest>, FileError>?] {
        // Built with the run's options, so that a progress line counts these reads as they happen.
        let consumer = Pipeline(stage: DigestStage(algorithm), options: options).makeConsumer()
        // Each entry copied once, straight into its request, as Pipeline batches walked files.
        let requests = events.map { event in
            guard case .file(let entry) = event else { preconditionFailure("only files are read") }
            return ReadRequest(entry, into: consumer)
        }
        let reads = await reader.read(requests, isCancelled: { cancelled.isSet })
        if let progress = options.progress {
            for read in reads where read != nil { progress.fileDone() }
        }
        return reads
    }

    /// ``hash(_:algorithm:options:reader:cancelled:)`` as the scheduler's outcomes: a file to read
    /// again alone, or the command's item made by `item` of what was read, or of why it was not.
    static func outcomes<Item>(
        _ events: [WalkEvent], algorithm: DigestAlgorithm, options: PipelineOptions, reader: ReaderSelection,
        cancelled: CancellationFlag, item: (Result<ReadOutcome<Digest>, FileError>) -> Item
    ) async -> [WorkOutcome<Item>] {
        await hash(events, algorithm: algorithm, options: options, reader: reader, cancelled: cancelled).map { read in
            read.map { .done(item($0)) } ?? .retryAlone
        }
    }
}
