/// How a ``Pipeline`` runs: how many files at once, in what order results come, how bytes are read.
///
/// ```swift
/// var options = PipelineOptions()
/// options.concurrency = 8
/// options.ordering = .completion
/// ```
public struct PipelineOptions: Sendable {
    /// The most files processed at once (`-j`); by default the number of online processors.
    public var concurrency: Int = PipelineOptions.processorCount
    /// The order of results.
    public var ordering: ResultOrdering = .input
    /// How files are read.
    public var io: IOBackend = .auto
    /// The size of each read.
    public var chunkSize: Int = 512 * 1024
    /// How many results may wait for a slow file ahead of them before the pipeline stops taking new
    /// files: this bounds memory when one huge file holds the head of the line.
    public var reorderWindow: Int?
    /// Small files are handed to a reading thread in batches of up to this many bytes (and at most
    /// 64 files), so that a tree of tiny files is not dominated by thread hand-offs. A batch waits
    /// for the input to fill it: set 0 to hand over every file alone, for the lowest latency.
    public var batchBytes: Int = 256 * 1024
    /// Counters the readers update chunk by chunk and the pipeline file by file, for a live display.
    package var progress: ReadProgress?
    /// Told when the system started fewer reading threads than ``concurrency`` asks for (a
    /// process or thread limit): the run goes on with those it got, and the caller may say so.
    package var threadShortfall: (@Sendable (_ requested: Int, _ started: Int) -> Void)?

    /// The defaults: one file per processor, input order, backend chosen by measurement.
    public init() {}

    /// The number of processors online.
    public static var processorCount: Int { SystemInfo.processorCount }

    /// The reorder window when none is set. Batching readers need room for a few full batches each
    /// (two queued per reader, and as many delivered but held behind a slower one), or they wait
    /// for delivery: 60 000 small files in 64-file batches took 0.99 s with room for 80 results,
    /// 0.585 s with this. A result waiting its turn is a few hundred bytes; but a walked file not
    /// yet delivered holds its directory open, so the window takes at most a quarter of the
    /// process's descriptors (a tree of one file per directory under `ulimit -n 1024`).
    package var effectiveReorderWindow: Int {
        let batched = batchBytes > 0 ? concurrency * 4 * OrderedWorkPool.defaultMaxBatchCount : 0
        var window = max(concurrency * 8, batched) + 64
        if let limit = SystemInfo.openFileLimit { window = min(window, limit / 4) }
        return max(reorderWindow ?? window, concurrency)
    }

    /// What a file of unknown size (a bare path, a manifest line, a walk without stat) weighs in a
    /// batch: a full batch's share, so that small files share hand-offs as fully as they can. One
    /// found larger than ``batchBytes`` once opened is put back and read in a batch of its own.
    package var unknownSizeCost: Int { max(1, batchBytes / OrderedWorkPool.defaultMaxBatchCount) }
}
