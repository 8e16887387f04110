/// An output made of several stages' outputs, each under its stage's name: what the run's totals
/// and the JSON lines look inside, for ``StageOutputs`` and ``CombinedOutput`` alike.
package protocol StageOutputCollection {
    /// Each stage's name and output, in the order of the stages.
    var namedValues: [(name: String, value: any Sendable)] { get }
}
