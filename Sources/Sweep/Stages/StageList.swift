/// Several stages, chosen at run time, over one read of each file: each chunk goes to every stage
/// in turn, and each file's outputs come as ``StageOutputs``, under the stages' names. When the
/// stages are known as you write the code, ``CombinedStage`` gives typed outputs instead.
///
/// ```swift
/// let stages = try StageList([DigestStage(.sha256), LineCountStage()])
/// try await Pipeline(stage: stages).run(walking: ["logs"]) { result in
///     guard let outputs = result.output else { return }
///     print(outputs["sha256"] as? Digest as Any, outputs["lines"] as? LineCount as Any)
/// }
/// ```
public struct StageList: Stage {
    /// The stages, in the order they see each chunk and appear in the outputs.
    public let stages: [any Stage]

    /// The stages to run together; two with one name are refused, since their outputs, totals and
    /// JSON members would be told apart by name.
    public init(_ stages: [any Stage]) throws(DuplicateStageNameError) {
        try DuplicateStageNameError.check(stages.map(\.name))
        self.stages = stages
    }

    /// The stages' names joined by `+`.
    public var name: String { stages.map(\.name).joined(separator: "+") }

    public func makeProcessor(for file: FileEntry) throws -> Processor {
        try makeProcessor(for: file, settling: false)
    }

    /// The members' processors; with `settling`, those of members that settle in batches leave
    /// that to ``settle(_:)``.
    private func makeProcessor(for file: FileEntry, settling: Bool) throws -> Processor {
        var processors: [any StageProcessor] = []
        processors.reserveCapacity(stages.count)
        do {
            for stage in stages {
                if settling, let settlingStage = stage as? any BatchSettlingStage {
                    processors.append(try settlingStage.makeSettlingProcessor(for: file))
                } else {
                    processors.append(try stage.makeProcessor(for: file))
                }
            }
        } catch {
            for index in processors.indices { processors[index].abandon() }
            throw error
        }
        return Processor(names: stages.map(\.name), processors: processors)
    }

    /// The per-file state of every stage.
    public struct Processor: StageProcessor {
        let names: [String]
        var processors: [any StageProcessor]

        public mutating func update(_ chunk: UnsafeRawBufferPointer) throws {
            for index in processors.indices { try processors[index].update(chunk) }
        }

        public mutating func finish() throws -> StageOutputs {
            var values: [any Sendable] = []
            values.reserveCapacity(processors.count)
            for index in processors.indices {
                do {
                    values.append(try processors[index].finish())
                } catch {
                    for later in processors.indices where later > index { processors[later].abandon() }
                    throw error
                }
            }
            return StageOutputs(names: names, values: values)
        }

        public mutating func abandon() {
            for index in processors.indices { processors[index].abandon() }
        }
    }
}

/// `gzip --manifest` is a list of a digest and ``GzipStage``: its `.gz` files are published in
/// batches as ``GzipStage``'s alone are.
extension StageList: BatchSettlingStage {
    package func makeSettlingProcessor(for file: FileEntry) throws -> Processor {
        try makeProcessor(for: file, settling: true)
    }

    /// Each member that settles in batches settles its outputs of the batch; a file fails if any
    /// member's settling failed it.
    package func settle(_ outputs: [StageOutputs]) -> [Result<StageOutputs, FileError>] {
        var results = outputs.map { Result<StageOutputs, FileError>.success($0) }
        for (index, stage) in stages.enumerated() {
            guard let settlingStage = stage as? any BatchSettlingStage else { continue }
            results = Self.settle(settlingStage, at: index, results)
        }
        return results
    }

    private static func settle<Member: BatchSettlingStage>(
        _ member: Member, at index: Int, _ results: [Result<StageOutputs, FileError>]
    ) -> [Result<StageOutputs, FileError>] {
        var positions: [Int] = []
        var values: [Member.Output] = []
        for (position, result) in results.enumerated() {
            if case .success(let outputs) = result, let value = outputs.values[index] as? Member.Output {
                positions.append(position)
                values.append(value)
            }
        }
        var settled = results
        for (position, outcome) in zip(positions, member.settle(values)) {
            guard case .success(let outputs) = settled[position] else { continue }
            switch outcome {
            case .success(let value):
                var changed = outputs.values
                changed[index] = value
                settled[position] = .success(StageOutputs(names: outputs.names, values: changed))
            case .failure(let error):
                settled[position] = .failure(error)
            }
        }
        return settled
    }
}
