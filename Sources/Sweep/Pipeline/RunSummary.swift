/// The totals of a run: files, bytes, failures, and each additive stage's total (such as lines).
///
/// ```swift
/// let summary = try await pipeline.run(walking: ["logs"]) { _ in }
/// print(summary.files, summary.bytes, summary.failures, summary.totals["lines"] ?? 0)
/// ```
public struct RunSummary: Sendable, Hashable {
    /// Files processed successfully.
    public var files = 0
    /// Files and paths that failed.
    public var failures = 0
    /// Paths left out on purpose.
    public var skipped = 0
    /// Bytes read from successfully processed files.
    public var bytes: Int64 = 0
    /// For each stage (by name) whose output is an ``AdditiveOutput``: the sum over processed files.
    public var totals: [String: UInt64] = [:]

    /// An empty summary.
    public init() {}

    /// Whether every file was processed.
    public var succeeded: Bool { failures == 0 }

    /// Adds one result, crediting its output to `stageName`'s total.
    public mutating func record<Output>(_ result: FileResult<Output>, stageName: String) {
        record(result, stageName: stageName, tally: OutputTally(Output.self))
    }

    /// ``record(_:stageName:)`` with what the output adds to the totals found once for the run:
    /// two dynamic casts per file were 2% of `sum` over small files, whose digests add nothing.
    package mutating func record<Output>(_ result: FileResult<Output>, stageName: String, tally: OutputTally) {
        switch result.outcome {
        case .processed(let output):
            files += 1
            bytes += result.bytesRead
            guard tally != .nothing else { break }
            if let outputs = output as? any StageOutputCollection {
                for (name, value) in outputs.namedValues {
                    if let additive = value as? any AdditiveOutput { totals[name, default: 0] &+= additive.additiveValue }
                }
            } else if let additive = output as? any AdditiveOutput {
                totals[stageName, default: 0] &+= additive.additiveValue
            }
        case .failed:
            failures += 1
        case .skipped:
            skipped += 1
        }
    }

    /// What a stage's output type adds to a summary's totals.
    package enum OutputTally: Sendable {
        /// Nothing, whatever the file: a digest.
        case nothing
        /// Whatever each output turns out to be (an additive value, several stages' outputs): a
        /// type that may be erased (`any Sendable`) is known only by its values.
        case perOutput

        package init<Output>(_ type: Output.Type) {
            // Only a type known never to add is skipped: an existential output may hold one that does.
            self = type == Digest.self ? .nothing : .perOutput
        }
    }
}
