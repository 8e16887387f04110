import SystemPackage

/// How a file's bytes are read: through DispatchIO, or by positional reads on dedicated threads.
///
/// `auto` picks, per file, the backend that measured faster on this kind of file (see the README).
public enum IOBackend: String, Sendable, CaseIterable {
    /// Choose per file by what measured faster.
    case auto
    /// A `DispatchIO` channel per file, chunks pulled a bounded number at a time.
    case dispatch
    /// `pread` into one reused buffer per worker thread.
    case pread
}

/// What a consumer of a file's bytes is told to do: start with the opened file, take each chunk in
/// order, and finish once the whole file was read and found unchanged, or abandon on any failure.
///
/// The functions run where the backend reads (a dedicated thread for `pread`), so they may block.
package struct ChunkConsumer<State, Output: Sendable>: Sendable {
    package var start: @Sendable (FileEntry) throws -> State
    package var consume: @Sendable (inout State, UnsafeRawBufferPointer) throws -> Void
    package var finish: @Sendable (inout State) throws -> Output
    package var abandon: @Sendable (inout State) -> Void

    package init(
        start: @escaping @Sendable (FileEntry) throws -> State,
        consume: @escaping @Sendable (inout State, UnsafeRawBufferPointer) throws -> Void,
        finish: @escaping @Sendable (inout State) throws -> Output,
        abandon: @escaping @Sendable (inout State) -> Void
    ) {
        self.start = start
        self.consume = consume
        self.finish = finish
        self.abandon = abandon
    }
}

/// The result of reading one file: the consumer's output and the file as it was read.
package struct ReadOutcome<Output: Sendable>: Sendable {
    package var entry: FileEntry
    package var bytesRead: Int64
    package var output: Output
}

/// One file to read and the consumer of its bytes.
package struct ReadRequest<State, Output: Sendable>: Sendable {
    package var entry: FileEntry
    package var consumer: ChunkConsumer<State, Output>
    /// A file found, once open, to be larger than this is handed back unread (`nil` in the results)
    /// unless it is first in its batch: sizes unknown before opening must not chain large files.
    package var deferIfLargerThan: Int64?

    package init(_ entry: FileEntry, into consumer: ChunkConsumer<State, Output>, deferIfLargerThan: Int64? = nil) {
        self.entry = entry
        self.consumer = consumer
        self.deferIfLargerThan = deferIfLargerThan
    }
}

/// The seam between the pipeline and the I/O backends: stream files' bytes into consumers.
package protocol FileReader: Sendable {
    /// For each request in turn: opens the file, feeds every byte to its consumer in order, checks
    /// the file did not change while read, and finishes the consumer. Checks `isCancelled` between
    /// chunks. A batch of small files costs one hand-off to the reading thread, not one per file.
    /// A `nil` result is a file deferred by its request's `deferIfLargerThan`, left unread.
    func read<State, Output: Sendable>(
        _ batch: [ReadRequest<State, Output>],
        isCancelled: @escaping @Sendable () -> Bool
    ) async -> [Result<ReadOutcome<Output>, FileError>?]

    /// Releases threads and queues; no read may start afterwards.
    func shutdown()
}

extension FileError {
    /// Wraps whatever a consumer threw, keeping a `FileError` (which names its own path) as it is.
    package static func from(_ error: any Error, path: FilePath) -> FileError {
        if let error = error as? FileError { return error }
        if let error = error as? Errno { return FileError(path: path, reason: .system(error)) }
        return FileError(path: path, reason: .stageFailed(String(describing: error)))
    }
}
