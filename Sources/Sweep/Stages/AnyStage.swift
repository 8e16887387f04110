/// A stage whose type is known only at run time, such as one looked up by name in a
/// ``StageRegistry``, made usable where a concrete ``Stage`` is needed: `Pipeline(stage:)`.
///
/// Its output is the wrapped stage's, as `any Sendable`: cast it to the type you expect. The run's
/// totals and the JSON lines look through it, as they would at the stage itself.
///
/// ```swift
/// let stage = try StageRegistry.builtin.stage(named: "sha256")
/// try await Pipeline(stage: stage).run(walking: ["logs"]) { result in
///     if let digest = result.output as? Digest { print(digest.hex, result.path) }
/// }
/// ```
public struct AnyStage: Stage {
    /// The stage wrapped.
    public let base: any Stage

    /// Wraps `base`; an `AnyStage` is not wrapped twice.
    public init(_ base: any Stage) {
        self.base = (base as? AnyStage)?.base ?? base
    }

    /// The wrapped stage's name.
    public var name: String { base.name }

    public func makeProcessor(for file: FileEntry) throws -> Processor {
        Processor(base: try base.makeProcessor(for: file))
    }

    /// The wrapped stage's per-file state.
    public struct Processor: StageProcessor {
        var base: any StageProcessor

        public mutating func update(_ chunk: UnsafeRawBufferPointer) throws {
            try base.update(chunk)
        }

        public mutating func finish() throws -> any Sendable {
            try base.finish()
        }

        public mutating func abandon() {
            base.abandon()
        }
    }
}
