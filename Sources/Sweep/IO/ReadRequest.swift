
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
