/// The reader the pipeline uses: the backend asked for, or under `auto` the one that measured faster
/// for the file at hand.
///
/// Measured here side by side (README, "I/O backends"): positional reads on dedicated threads beat
/// DispatchIO on small files and on large ones, so `auto` reads with `pread`.
package struct ReaderSelection: Sendable {
    private let reader: any FileReader

    package init(_ options: PipelineOptions) {
        let threads = max(1, options.concurrency)
        switch options.io {
        case .dispatch:
            reader = DispatchFileReader(chunkSize: options.chunkSize)
        case .pread, .auto:
            reader = PositionalFileReader(threadCount: threads, chunkSize: options.chunkSize)
        }
    }

    package func read<State, Output: Sendable>(
        _ entry: FileEntry,
        into consumer: ChunkConsumer<State, Output>,
        isCancelled: @escaping @Sendable () -> Bool
    ) async -> Result<ReadOutcome<Output>, FileError> {
        await reader.read(entry, into: consumer, isCancelled: isCancelled)
    }

    package func shutdown() { reader.shutdown() }
}
