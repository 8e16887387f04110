import CSweepSupport

/// Counts newline bytes exactly as `wc -l` does: every `\n`, nothing else.
///
/// `a\nb\nc` has 2 lines (the last has no newline), CRLF counts once, a binary file counts its 0x0A bytes.
///
/// ```swift
/// let pipeline = Pipeline(stage: LineCountStage())
/// let summary = try await pipeline.run(walking: ["logs"]) { _ in }
/// print(summary.totals["lines"] ?? 0)
/// ```
public struct LineCountStage: Stage {
    /// A stage that counts lines.
    public init() {}

    public var name: String { "lines" }

    public func makeProcessor(for file: FileEntry) -> Processor { Processor() }

    /// The running count for one file.
    public struct Processor: StageProcessor {
        var count: UInt64 = 0

        public mutating func update(_ chunk: UnsafeRawBufferPointer) {
            count &+= LineCountStage.countNewlines(chunk)
        }

        public func finish() -> LineCount { LineCount(lines: count) }
    }

    /// The number of 0x0A bytes in `bytes`, counted by a vectorised C loop (see `sweep_count_byte`).
    static func countNewlines(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = bytes.baseAddress else { return 0 }
        return sweep_count_byte(base.assumingMemoryBound(to: UInt8.self), bytes.count, 0x0A)
    }
}
