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
