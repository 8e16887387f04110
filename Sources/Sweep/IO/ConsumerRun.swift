/// One consumer running over one opened file: the steps both backends share, so that starting,
/// checking for changes, finishing and abandoning behave identically whichever backend reads.
package struct ConsumerRun<State, Output: Sendable> {
    private let consumer: ChunkConsumer<State, Output>
    package let file: OpenedFile
    private var state: State
    package private(set) var bytesRead: Int64 = 0

    /// Starts `consumer` on `file`; on failure the file is closed.
    package static func start(
        _ consumer: ChunkConsumer<State, Output>, on file: OpenedFile
    ) -> Result<ConsumerRun, FileError> {
        do {
            let state = try consumer.start(file.entryForStage)
            return .success(ConsumerRun(consumer: consumer, file: file, state: state))
        } catch {
            file.close()
            return .failure(.from(error, path: file.entry.path))
        }
    }

    /// Hands one chunk to the consumer; on failure the run is abandoned and the file closed.
    package mutating func consume(_ chunk: UnsafeRawBufferPointer) -> FileError? {
        bytesRead += Int64(chunk.count)
        do {
            try consumer.consume(&state, chunk)
            return nil
        } catch {
            return fail(.from(error, path: file.entry.path))
        }
    }

    /// After the last chunk: checks the file did not change, finishes the consumer, closes the file.
    /// Consuming: the run ends here, and its entry moves into the outcome instead of being copied.
    package consuming func complete() -> Result<ReadOutcome<Output>, FileError> {
        if let changed = file.verifyUnchanged(bytesRead: bytesRead) { return .failure(fail(changed)) }
        do {
            let output = try consumer.finish(&state)
            file.close()
            return .success(ReadOutcome(entry: file.entry, bytesRead: bytesRead, output: output))
        } catch {
            file.close()
            return .failure(.from(error, path: file.entry.path))
        }
    }

    /// Abandons the consumer (it removes any partial output) and closes the file.
    package mutating func fail(_ error: FileError) -> FileError {
        consumer.abandon(&state)
        file.close()
        return error
    }
}
