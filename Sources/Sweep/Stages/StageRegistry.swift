/// Stages by name: the built-in ones, and any a client registers, looked up the same way. The
/// `sweep run -s NAME` command line takes its stages from ``builtin``.
///
/// A registry is a value: copy ``builtin`` (or start empty), register your own stages, and hand it
/// to the code that turns names into stages. Nothing is global, so two parts of a program can hold
/// different registries.
///
/// ```swift
/// var registry = StageRegistry.builtin
/// try registry.register("errors") { _ in MatchingLinesStage(pattern: "ERROR") }
/// let stages = try registry.stages(named: ["sha256", "errors"])
/// try await Pipeline(stage: stages).run(walking: ["logs"]) { result in
///     print(result.output?["errors"] as Any, result.path)
/// }
/// ```
public struct StageRegistry: Sendable {
    /// What a factory is told when it makes its stage.
    public struct Settings: Sendable, Hashable {
        /// The number of threads the run uses (the command line's `-j`), for stages with threads of
        /// their own; nil for the default.
        public var concurrency: Int?

        /// Settings with `concurrency`.
        public init(concurrency: Int? = nil) {
            self.concurrency = concurrency
        }
    }

    /// Makes a fresh stage for a run.
    public typealias Factory = @Sendable (Settings) throws -> any Stage

    private var factories: [String: Factory] = [:]
    /// The names in the order they were registered.
    public private(set) var names: [String] = []

    /// An empty registry.
    public init() {}

    /// The stages sweep ships: `lines`, `gzip` (which keeps the originals here and writes `FILE.gz`
    /// beside each; ``GzipStage`` itself can replace them) and every ``DigestAlgorithm`` by its
    /// raw value (`sha256`, `md5`, `xxh64`, …).
    public static let builtin: StageRegistry = {
        var registry = StageRegistry()
        // Built-in names are distinct by construction: a clash here is a programming error.
        try! registry.register("lines") { _ in LineCountStage() }
        try! registry.register("gzip") { GzipStage(options: .init(keepOriginal: true), threadCount: $0.concurrency) }
        for algorithm in DigestAlgorithm.allCases {
            try! registry.register(algorithm.rawValue) { _ in DigestStage(algorithm) }
        }
        return registry
    }()

    /// Registers `factory` under `name`, which should be the name of the stage it makes (the key of
    /// its results in JSON output and totals). A name already registered is refused.
    public mutating func register(_ name: String, _ factory: @escaping Factory) throws(DuplicateStageNameError) {
        guard factories[name] == nil else { throw DuplicateStageNameError(name: name) }
        factories[name] = factory
        names.append(name)
    }

    /// Whether a stage is registered under `name`.
    public func contains(_ name: String) -> Bool {
        factories[name] != nil
    }

    /// A fresh stage registered under `name`, ready for `Pipeline(stage:)`. Throws
    /// ``UnknownStageError`` for a name not registered, or what the factory throws.
    public func stage(named name: String, settings: Settings = Settings()) throws -> AnyStage {
        guard let factory = factories[name] else { throw UnknownStageError(name: name, known: names) }
        return AnyStage(try factory(settings))
    }

    /// The stages registered under `names`, in that order, over one read of each file. Throws
    /// ``UnknownStageError``, ``DuplicateStageNameError`` for a name given twice, or what a factory
    /// throws.
    public func stages(named names: [String], settings: Settings = Settings()) throws -> StageList {
        try DuplicateStageNameError.check(names)
        return try StageList(names.map { try stage(named: $0, settings: settings).base })
    }
}
