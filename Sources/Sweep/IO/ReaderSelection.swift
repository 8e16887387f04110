/// The reader the pipeline uses: the backend asked for, or under `auto` the one that measured faster
/// for the file at hand.
///
/// Measured here side by side (README, "I/O backends"): positional reads on dedicated threads beat
/// DispatchIO on small files (4.6× on 60 000 files of 0.5–8 KiB) and on large ones (2× on a 2 GiB
/// file), so `auto` reads with `pread` in both cases.
///
/// An enum rather than `any FileReader`: a generic method called on an existential runs
/// unspecialised, paying for runtime generic metadata on every file.
package struct ReaderSelection: Sendable {
    private enum Reader: Sendable {
        case pread(PositionalFileReader)
        case dispatch(DispatchFileReader)
    }

    private let reader: Reader
    /// Whether the reader itself bounds how many files are read at once (its threads do), so that
    /// the pool may queue work ahead for it without exceeding the concurrency.
    package let boundsConcurrency: Bool

    /// The reader for `backend`, reading up to `concurrency` files at once in chunks of `chunkSize`.
    package init(backend: IOBackend, concurrency: Int, chunkSize: Int) {
        switch backend {
        case .dispatch:
            reader = .dispatch(DispatchFileReader(chunkSize: chunkSize))
            boundsConcurrency = false
        case .pread, .auto:
            reader = .pread(PositionalFileReader(threadCount: max(1, concurrency), chunkSize: chunkSize))
            boundsConcurrency = true
        }
    }

    package func read<State, Output: Sendable>(
        _ batch: [ReadRequest<State, Output>],
        isCancelled: @escaping @Sendable () -> Bool
    ) async -> [Result<ReadOutcome<Output>, FileError>?] {
        switch reader {
        case .pread(let reader): await reader.read(batch, isCancelled: isCancelled)
        case .dispatch(let reader): await reader.read(batch, isCancelled: isCancelled)
        }
    }

    /// How many dedicated reading threads run, for a reader that has them (`nil` for DispatchIO).
    package var startedThreads: Int? {
        switch reader {
        case .pread(let reader): reader.startedThreads
        case .dispatch: nil
        }
    }

    package func shutdown() {
        switch reader {
        case .pread(let reader): reader.shutdown()
        case .dispatch(let reader): reader.shutdown()
        }
    }
}
