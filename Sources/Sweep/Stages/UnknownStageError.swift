/// A stage name that no built-in stage has.
public struct UnknownStageError: Error, Sendable, CustomStringConvertible {
    /// The name asked for.
    public var name: String

    public var description: String {
        "unknown stage '\(name)'; choose from: \(BuiltinStages.names.joined(separator: ", "))"
    }
}
