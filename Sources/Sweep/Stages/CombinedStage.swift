/// Several stages over one read of each file, with each stage's output keeping its type: the
/// typed counterpart of ``StageList``, for stages known as you write the code.
///
/// Each chunk goes to every stage in turn; a file's output is a ``CombinedOutput`` whose
/// ``CombinedOutput/values`` is a tuple with one member per stage, in order. The run's totals and
/// the JSON lines see each stage under its own name, as with a ``StageList``, and two stages with
/// one name are refused.
///
/// ```swift
/// let stage = try CombinedStage(DigestStage(.sha256), GzipStage(options: .init(keepOriginal: true)))
/// try await Pipeline(stage: stage).run(walking: ["/var/log/app"]) { result in
///     guard let (digest, gzip) = result.output?.values else { return }
///     print(digest.hex, gzip.compressedSize, result.path)
/// }
/// ```
public struct CombinedStage<each S: Stage>: Stage {
    /// The stages, erased to run as one list; their types are kept by the generic parameters.
    private let list: StageList

    /// The stages to run together, in the order they see each chunk.
    public init(_ stages: repeat each S) throws(DuplicateStageNameError) {
        var erased: [any Stage] = []
        for stage in repeat each stages { erased.append(stage) }
        list = try StageList(erased)
    }

    /// The stages' names joined by `+`.
    public var name: String { list.name }

    public func makeProcessor(for file: FileEntry) throws -> Processor {
        Processor(list: try list.makeProcessor(for: file))
    }

    /// The per-file state of every stage.
    public struct Processor: StageProcessor {
        var list: StageList.Processor

        public mutating func update(_ chunk: UnsafeRawBufferPointer) throws {
            try list.update(chunk)
        }

        public mutating func finish() throws -> CombinedOutput<repeat (each S).Output> {
            CombinedOutput(typing: try list.finish())
        }

        public mutating func abandon() {
            list.abandon()
        }
    }
}

/// The outputs of a ``CombinedStage`` for one file: one typed value per stage.
///
/// ```swift
/// if let (digest, lines) = result.output?.values { print(digest.hex, lines.lines) }
/// ```
public struct CombinedOutput<each Value: Sendable>: Sendable {
    /// Each stage's name, in the order of the stages.
    public let names: [String]
    /// Each stage's output, in the order of the stages.
    public let values: (repeat each Value)

    init(names: [String], values: (repeat each Value)) {
        self.names = names
        self.values = values
    }

    /// The outputs of a list of stages whose output types are `Value…`, in order, typed again.
    init(typing outputs: StageOutputs) {
        var index = 0
        // Each value was made by the stage at its index, so each cast holds.
        func take<Typed>(_: Typed.Type) -> Typed {
            defer { index += 1 }
            return outputs.values[index] as! Typed
        }
        self.init(names: outputs.names, values: (repeat take((each Value).self)))
    }

    /// The same outputs untyped, as a ``StageList`` gives them.
    var untyped: StageOutputs {
        StageOutputs(names: names, values: namedValues.map { $0.value })
    }
}

extension CombinedOutput: StageOutputCollection {
    package var namedValues: [(name: String, value: any Sendable)] {
        var erased: [any Sendable] = []
        for value in repeat each values { erased.append(value) }
        return zip(names, erased).map { (name: $0, value: $1) }
    }
}

/// A combination that includes ``GzipStage`` or ``GunzipStage`` publishes their files in batches,
/// as those stages alone and ``StageList`` do: durability paid about once per file, not twice.
extension CombinedStage: BatchSettlingStage {
    package func makeSettlingProcessor(for file: FileEntry) throws -> Processor {
        Processor(list: try list.makeSettlingProcessor(for: file))
    }

    package func settle(_ outputs: [CombinedOutput<repeat (each S).Output>]) -> [Result<CombinedOutput<repeat (each S).Output>, FileError>] {
        // Closures, not key paths: a key path formed in a context generic over a parameter pack
        // stops the runtime ("Pack expansion count type should be a pack", Swift 6.3).
        list.settle(outputs.map { $0.untyped }).map { result in result.map { CombinedOutput(typing: $0) } }
    }
}
