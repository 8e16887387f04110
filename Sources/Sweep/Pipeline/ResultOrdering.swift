/// The order in which a ``Pipeline`` delivers results.
public enum ResultOrdering: Sendable {
    /// The order of the input (the walk order): output is identical whatever the concurrency.
    case input
    /// As files finish: lowest latency, order varies between runs.
    case completion
}
