/// A stage name that no stage of a ``StageRegistry`` has.
///
/// ```swift
/// do {
///     _ = try StageRegistry.builtin.stage(named: "sha3")
/// } catch {
///     print(error) // unknown stage 'sha3'; choose from: lines, gzip, sha256, …
/// }
/// ```
public struct UnknownStageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name asked for.
    public var name: String
    /// The names the registry knows, in the order they were registered.
    public var known: [String]

    /// The error for `name`, among `known`.
    public init(name: String, known: [String]) {
        self.name = name
        self.known = known
    }

    public var description: String {
        "unknown stage '\(name)'; choose from: \(known.joined(separator: ", "))"
    }
}
