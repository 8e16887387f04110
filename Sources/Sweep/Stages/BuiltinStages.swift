/// The stages sweep ships, by the names the command line uses (`sweep run -s sha256 -s lines`).
///
/// ```swift
/// let stages = try ["sha256", "lines"].map { try BuiltinStages.stage(named: $0) }
/// let pipeline = Pipeline(stage: StageList(stages))
/// ```
public enum BuiltinStages {
    /// Every name ``stage(named:concurrency:)`` accepts.
    public static var names: [String] { ["lines", "gzip"] + DigestAlgorithm.allCases.map(\.rawValue) }

    /// The built-in stage called `name`. `gzip` keeps the originals here (it writes `FILE.gz` beside
    /// each); ``GzipStage`` itself can replace them.
    public static func stage(named name: String, concurrency: Int? = nil) throws(UnknownStageError) -> any Stage {
        if name == "lines" { return LineCountStage() }
        if name == "gzip" { return GzipStage(options: .init(keepOriginal: true), threadCount: concurrency) }
        if let algorithm = DigestAlgorithm(rawValue: name) { return DigestStage(algorithm) }
        throw UnknownStageError(name: name)
    }
}
