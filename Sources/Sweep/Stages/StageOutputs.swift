/// The outputs of a ``StageList`` for one file, in the order of its stages.
public struct StageOutputs: Sendable {
    /// Each stage's name.
    public let names: [String]
    /// Each stage's output, in the same order.
    public let values: [any Sendable]

    /// The output of the stage named `name`; nil for a name no stage has. For outputs of known
    /// types without casts, run a ``CombinedStage`` instead.
    public subscript(name: String) -> (any Sendable)? {
        names.firstIndex(of: name).map { values[$0] }
    }
}

extension StageOutputs: StageOutputCollection {
    package var namedValues: [(name: String, value: any Sendable)] {
        zip(names, values).map { (name: $0, value: $1) }
    }
}
