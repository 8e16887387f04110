/// Two stages of one run share a name: their results would share one key in JSON output and one
/// total, so a ``StageList``, a ``CombinedStage`` or a ``StageRegistry`` refuses them.
///
/// ```swift
/// do {
///     _ = try StageList([DigestStage(.crc32), DigestStage(.crc32)])
/// } catch {
///     print(error) // stage 'crc32' is given twice
/// }
/// ```
public struct DuplicateStageNameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name given twice.
    public var name: String

    /// The error for `name`.
    public init(name: String) {
        self.name = name
    }

    public var description: String { "stage '\(name)' is given twice" }

    /// Throws for the first name of `names` that an earlier one repeats.
    static func check(_ names: some Sequence<String>) throws(DuplicateStageNameError) {
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw DuplicateStageNameError(name: name)
        }
    }
}
