/// The state of one stage over one file. It is created, fed and finished on one thread (which may be
/// a dedicated I/O thread, so blocking here is allowed), and need not be `Sendable`.
public protocol StageProcessor<Output> {
    /// The result for one file.
    associatedtype Output: Sendable

    /// Takes the next chunk of the file. The bytes are valid only during the call: copy what you keep.
    mutating func update(_ chunk: UnsafeRawBufferPointer) throws

    /// Called once after the last chunk, when the whole file was read and did not change meanwhile.
    /// If it throws, ``abandon()`` is not called: clean up before throwing.
    mutating func finish() throws -> Output

    /// Called instead of ``finish()`` when the read failed, the file changed or the run was cancelled:
    /// undo any side effect (remove partial output). The default does nothing.
    mutating func abandon()
}

extension StageProcessor {
    public mutating func abandon() {}
}
