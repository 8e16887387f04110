import ArgumentParser
import Sweep
import SystemPackage

/// The options every processing command shares: what to walk, how many at once, how to report.
struct CommonOptions: ParsableArguments {
    @OptionGroup var execution: ExecutionOptions

    @OptionGroup var selection: SelectionOptions

    @Flag(inversion: .prefixedNo, help: "Show a live progress line on standard error (default: when it is a terminal).")
    var progress: Bool?

    var jobs: Int { execution.jobs }
    var json: Bool { selection.json }

    func pipelineOptions() -> PipelineOptions { execution.pipelineOptions() }

    func walker(paths: [String], skipping: Set<FileIdentity> = [], adjust: (WalkOptions) -> WalkOptions = { $0 }) -> Walker {
        selection.walker(paths: paths, skipping: skipping, adjust: adjust)
    }

    func walker(roots: [FilePath], skipping: Set<FileIdentity> = [], adjust: (WalkOptions) -> WalkOptions = { $0 }) -> Walker {
        selection.walker(roots: roots, skipping: skipping, adjust: adjust)
    }
}

/// What to walk and how to print it: the options of every command that walks, `list` included
/// (which reads nothing, so has no use for `-j`, `--io` or `--progress`).
struct SelectionOptions: ParsableArguments {
    @Flag(help: "Print one JSON object per file, then a summary object (NDJSON).")
    var json = false

    @Option(name: .customLong("include"), help: ArgumentHelp("Only files whose path below the root or base name matches GLOB (repeatable).", valueName: "GLOB"))
    var includes: [String] = []

    @Option(name: .customLong("exclude"), help: ArgumentHelp("Leave out files and directories matching GLOB (repeatable).", valueName: "GLOB"))
    var excludes: [String] = []

    @Option(name: .customLong("files-from"), help: ArgumentHelp("Read the paths from FILE, one per line (- for standard input).", valueName: "FILE"))
    var filesFrom: String?

    @Flag(name: [.customShort("0"), .customLong("null")], help: "With --files-from: paths end in NUL, as find -print0 writes them.")
    var nulSeparated = false

    @Flag(name: [.customShort("L"), .customLong("follow-symlinks")], help: "Follow symbolic links while walking (loops are detected).")
    var followSymlinks = false

    @Option(name: .customLong("shard"), help: ArgumentHelp(
        "Process only share K of N of the files (1 ≤ K ≤ N), the output a part for sweep merge; auto: the Slurm array task, auto/N: the Kubernetes Indexed Job completion index.",
        valueName: "K/N"))
    var shardText: String?

    @Option(name: .customLong("shard-depth"), help: ArgumentHelp(
        "With --shard: whole directories D levels below each root go to one shard each, so a shard never lists another's (1: the root's subdirectories).",
        valueName: "D"))
    var shardDepth: Int?

    mutating func validate() throws {
        if nulSeparated && filesFrom == nil { throw ValidationError("-0/--null goes with --files-from") }
        _ = try shard()
        if shardText != nil && filesFrom != nil {
            throw ValidationError("--shard splits a walk of named roots; --files-from is not supported with it yet")
        }
        if let shardDepth {
            if shardText == nil { throw ValidationError("--shard-depth goes with --shard") }
            if shardDepth < 1 { throw ValidationError("--shard-depth \(shardDepth): D must be at least 1 (1: the root's subdirectories)") }
        }
    }

    /// `--shard`, read (for `auto`) from the job engine's environment.
    func shard() throws -> Shard? {
        guard let shardText else { return nil }
        return try ShardOption.parse(shardText)
    }

    /// The header of this run's part, or nil without `--shard`. `settings` names what else changes
    /// the output (the algorithm, the stages); the filters are added here.
    func shardHeader(command: String, format: String, settings: String, paths: [String]) throws -> ShardPart.Header? {
        guard let shard = try shard() else { return nil }
        if paths.contains("-") { throw ValidationError("--shard splits a walk; standard input cannot be shared") }
        var words = [settings]
        words += includes.map { "include:\($0)" }
        words += excludes.map { "exclude:\($0)" }
        if followSymlinks { words.append("-L") }
        // Parts split at different depths hold different files: merge must refuse to mix them.
        if let shardDepth { words.append("shard-depth:\(shardDepth)") }
        let roots = (paths.isEmpty ? ["."] : paths).map { RawArguments.shared.bytes(of: $0) }
        return ShardPart.Header(shard: shard, command: command, format: json ? "json" : format,
                                settings: words.joined(separator: " "), roots: roots)
    }

    /// Paths as a command that reads standard input when given none takes them (`sha256sum`,
    /// `wc`, `gzip`): no path and no `--files-from` means `-`.
    func pathsDefaultingToStandardInput(_ paths: [String]) -> [String] {
        paths.isEmpty && filesFrom == nil ? ["-"] : paths
    }

    /// The walk of `paths` as given on the command line (`.` when none).
    func walker(paths: [String], skipping: Set<FileIdentity> = [], adjust: (WalkOptions) -> WalkOptions = { $0 }) -> Walker {
        walker(roots: paths.isEmpty ? [FilePath(".")] : paths.map { RawArguments.shared.path($0) }, skipping: skipping, adjust: adjust)
    }

    /// The walk of `roots`, exact bytes (those a ledger recorded, say).
    func walker(roots: [FilePath], skipping: Set<FileIdentity> = [], adjust: (WalkOptions) -> WalkOptions = { $0 }) -> Walker {
        var options = WalkOptions()
        options.followSymlinks = followSymlinks
        options.include = includes.map { Glob(bytes: RawArguments.shared.bytes(of: $0)) }
        options.exclude = excludes.map { Glob(bytes: RawArguments.shared.bytes(of: $0)) }
        options.dashMeansStandardInput = true
        options.skipping = skipping
        // A FIFO or device named on the command line (`sweep sum <(cmd)`) is read, as sha256sum
        // reads it; commands that must not read one (gzip in place) turn this off.
        options.readsNamedStreams = true
        // The reader's fstat after open gives each file's metadata; a stat while walking would be a
        // second system call per file for nothing (age filters turn it back on).
        options.statFiles = false
        options.shard = try? shard()
        options.shardDepth = shardDepth
        options = adjust(options)
        if let filesFrom {
            let list = filesFrom == "-" ? nil : RawArguments.shared.path(filesFrom)
            return Walker(.listFile(list, nulSeparated: nulSeparated), options: options)
        }
        return Walker(roots: roots, options: options)
    }
}

extension IOBackend: ExpressibleByArgument {}
