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
