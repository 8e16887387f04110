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
