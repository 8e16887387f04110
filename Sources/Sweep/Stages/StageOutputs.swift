/// The outputs of a ``StageList`` for one file, in the order of its stages.
public struct StageOutputs: Sendable {
    /// Each stage's name.
    public let names: [String]
    /// Each stage's output, in the same order.
    public let values: [any Sendable]

    /// The output of the first stage named `name`.
    public subscript(name: String) -> (any Sendable)? {
        names.firstIndex(of: name).map { values[$0] }
    }
}
