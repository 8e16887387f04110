/// A per-file processor: fed each file's bytes as they are read, then finished into a typed result.
///
/// Several stages share one read of each file (see ``StageList``). A stage is a `Sendable` value that
/// describes the work; for each file it makes a fresh ``StageProcessor`` that holds the per-file state.
///
/// Writing one takes a type or two and only public API. This one counts the bytes equal to a given value:
///
/// ```swift
/// struct ByteCount: Stage {
///     var byte: UInt8
///     var name: String { "count-\(byte)" }
///
///     func makeProcessor(for file: FileEntry) -> Processor { Processor(byte: byte) }
///
///     struct Processor: StageProcessor {
///         let byte: UInt8
///         var count = 0
///         mutating func update(_ chunk: UnsafeRawBufferPointer) {
///             for value in chunk where value == byte { count += 1 }
///         }
///         func finish() -> Int { count }
///     }
/// }
///
/// let pipeline = Pipeline(stage: ByteCount(byte: 0x0A))
/// let summary = try await pipeline.run(walking: ["logs"]) { result in
///     if let count = result.output { print(result.path, count) }
/// }
/// ```
public protocol Stage<Output>: Sendable {
    /// The result for one file.
    associatedtype Output: Sendable
    /// The per-file state.
    associatedtype Processor: StageProcessor where Processor.Output == Output

    /// A short name: the key of this stage's result in JSON output and in the summary's totals.
    var name: String { get }

    /// A fresh processor for `file`, which is open and whose ``FileEntry/status`` is filled in.
    /// Throwing makes that file a failure, not the run.
    func makeProcessor(for file: FileEntry) throws -> Processor
}

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

/// A result that adds up across files, such as a line count. A run's ``RunSummary/totals`` holds the
/// sum for each stage whose output conforms.
///
/// ```swift
/// extension MyCount: AdditiveOutput { var additiveValue: UInt64 { UInt64(count) } }
/// ```
public protocol AdditiveOutput: Sendable {
    /// This file's contribution to the stage's total.
    var additiveValue: UInt64 { get }
}
