import ArgumentParser
import Sweep
import SystemPackage

struct GzipCommand: ParsableCommand, ProcessingCommand {
    static let configuration = CommandConfiguration(
        commandName: "gzip",
        abstract: "Compress files to FILE.gz beside them, gzip-compatible and crash-safe, in parallel.",
        discussion: """
            Each .gz is written as an unnamed file beside the original, fsynced, and only then given \
            its name (never over an existing file without -f); the original is then removed only if it \
            is still the file that was read, unchanged and open in no other process. Everything is \
            done through the directories the walk opened, so a tree others can write is safe to \
            compress as root. Large files are compressed in parallel blocks (one gzip member), \
            small ones many at once.

            With no file (or -), standard input is compressed to standard output, as gzip does; -c \
            writes every file to standard output and keeps it. Nothing is printed unless something \
            goes wrong (-v: a summary at the end).

            Examples:
              sweep gzip --older-than 7d /var/log/app
              sweep gzip -9 -k --manifest SHA256SUMS logs/
              sweep gzip -d logs/            (or: sweep gunzip logs/)
              sweep gzip -t archive/
              tar cf - src | sweep gzip > src.tar.gz
              sweep gzip -dc app.log.gz | grep ERROR
            """)

    @Flag(name: [.short, .long], help: "Decompress FILE.gz to FILE.")
    var decompress = false

    @Flag(name: [.short, .long], help: "Test the integrity of .gz files; write nothing.")
    var test = false

    @Flag var levelFlag: CompressionLevel?

    @Option(help: ArgumentHelp("Compression level, 1 to 9.", valueName: "N"))
    var level: Int?

    @OptionGroup var age: AgeOption

    @Option(help: ArgumentHelp("While compressing, write a sha256sum manifest of the originals to FILE (atomically).", valueName: "FILE"))
    var manifest: String?

    @OptionGroup var options: GzipOptions

    var decompressing: Bool { decompress || test }

    mutating func validate() throws {
        if let level, !(1...9).contains(level) { throw ValidationError("--level must be 1 to 9") }
        if manifest != nil && decompressing { throw ValidationError("--manifest goes with compression") }
    }

    func execute() async throws {
        try checkBeforeReading(command: "gzip")
        try await process()
    }

    /// The checks made before anything is read: no terminal for compressed data, no JSON where
    /// compressed data goes.
    func checkBeforeReading(command: String) throws {
        if options.common.json && !test && (options.toStandardOutput || options.readsStandardInput) {
            throw ValidationError("--json writes to standard output, which -c (or standard input) fills with data")
        }
        try options.refuseTerminal(decompressing: decompressing, command: command)
    }

    /// Compresses, decompresses or tests, as the flags say.
    func process() async throws {
        let cutoff = age.cutoff
        let paths = options.common.selection.pathsDefaultingToStandardInput(options.paths)
        let stream = StreamOutput(descriptor: .standardOutput, name: "stdout")
        let toStream = options.toStandardOutput && !test
        // A stream takes one file's output at a time: in order, never interleaved.
        let oneAtATime = toStream || paths.filter { $0 == "-" }.count > 1
        let pipelineOptions = oneAtATime ? PipelineOptions.oneFileAtATime(options.common.pipelineOptions()) : nil
        // Files named explicitly reach the stage whatever their suffix, so that it can say what gzip
        // says of them (`already has .gz suffix`, `unknown suffix`); walked ones are filtered.
        let report: @Sendable (RunSummary, Double) -> Void = { [decompressing, test, verbose = options.verbose] summary, seconds in
            guard verbose else { return }
            let stage = decompressing ? "gunzip" : "gzip"
            GzipCommand.report(
                summary, seconds: seconds, input: summary.bytes, output: Int64(summary.totals[stage] ?? 0),
                verb: test ? "tested" : decompressing ? "decompressed" : "compressed")
        }
        // gzip -c and -t read what they are named (a FIFO, /dev/null) and follow a named link.
        let readsNamed = toStream || test
        // With --shard, only --manifest and --json print a part: compressing itself needs no merge.
        let shardHeader = try options.common.selection.shardHeader(
            command: decompressing ? "gunzip" : "gzip", format: "gnu",
            settings: [test ? "test" : "", options.keep ? "keep" : "", cutoff == nil ? "" : "older-than:\(age.olderThan ?? "")"]
                .filter { !$0.isEmpty }.joined(separator: " "),
            paths: paths)
        if decompressing {
            let gunzip = GunzipStage.Options(
                keepOriginal: options.keep, force: options.force, testOnly: test, suffixes: options.suffixes,
                restoresNameAndTime: options.naming == .name, stream: stream, everyFileToStream: toStream,
                engine: options.engine)
            try await CommandRunner(
                stage: GunzipStage(options: gunzip),
                common: options.common, paths: paths,
                warning: { result in
                    if result.trailingGarbage { return "decompression OK, trailing garbage ignored" }
                    if case .keptForSafety(let reason) = result.original { return reason }
                    return nil
                },
                notice: { $0.completedEarlierRun ? GzipCommand.completedNotice(verb: "decompressed") : nil },
                warnsOfNamedSpecialFiles: true,
                adjustWalk: { base in
                    var walk = gunzip.walkOptions(base)
                    walk.modifiedBefore = cutoff
                    walk.readsNamedStreams = readsNamed
                    walk.followRootLinks = readsNamed
                    return walk
                },
                report: report, pipelineOptions: pipelineOptions, standardInputName: "stdin",
                quiet: options.quiet, writesToStandardOutput: true, stream: stream, shardHeader: shardHeader
            ).run()
            return
        }
        let gzipOptions = GzipStage.Options(
            level: level ?? levelFlag?.rawValue ?? 6, keepOriginal: options.keep, force: options.force,
            storesNameAndTime: options.naming != .noName, suffixes: options.suffixes,
            stream: stream, everyFileToStream: toStream, engine: options.engine)
        let gzip = GzipStage(options: gzipOptions, threadCount: options.common.jobs)
        let adjust: @Sendable (WalkOptions) -> WalkOptions = { base in
            var walk = gzipOptions.walkOptions(base)
            walk.modifiedBefore = cutoff
            walk.readsNamedStreams = readsNamed
            return walk
        }
        let warning: @Sendable (GzipResult) -> String? = { result in
            if case .keptForSafety(let reason) = result.original { return reason }
            return result.timestampOutOfRange ? GzipCommand.timestampWarning : nil
        }
        let notice: @Sendable (GzipResult) -> String? = { $0.completedEarlierRun ? GzipCommand.completedNotice(verb: "compressed") : nil }
        if let manifest {
            // One read of each original feeds both the checksum and the compressor.
            let formatter = ChecksumLineFormatter()
            try await CommandRunner(
                stage: try StageList([DigestStage(.sha256), gzip]), common: options.common, paths: paths, outputFile: manifest,
                render: { outputs, result, out in
                    if let digest = outputs.values.first as? Digest { formatter.append(digest, path: result.path.bytes, to: &out) }
                },
                warning: { outputs in (outputs.values.last as? GzipResult).flatMap(warning) },
                notice: { outputs in (outputs.values.last as? GzipResult).flatMap(notice) },
                warnsOfNamedSpecialFiles: true,
                adjustWalk: adjust,
                report: report, pipelineOptions: pipelineOptions, standardInputName: "stdin",
                quiet: options.quiet, writesToStandardOutput: true, stream: stream, shardHeader: shardHeader
            ).run()
        } else {
            try await CommandRunner(
                stage: gzip, common: options.common, paths: paths, warning: warning, notice: notice,
                warnsOfNamedSpecialFiles: true, adjustWalk: adjust, report: report,
                pipelineOptions: pipelineOptions, standardInputName: "stdin",
                quiet: options.quiet, writesToStandardOutput: true, stream: stream, shardHeader: shardHeader
            ).run()
        }
    }

    /// Said of a file whose output an interrupted run had already written in full.
    static func completedNotice(verb: String) -> String {
        "already \(verb) by an interrupted run (the output holds exactly its content); finished: original removed"
    }

    static let timestampWarning = "warning: file timestamp out of range for gzip format"

    /// `sweep: 12 files compressed, 1.07 GB -> 170 MB (6.29x), 2.10 s, 510 MB/s read` on standard error.
    static func report(_ summary: RunSummary, seconds: Double, input: Int64, output: Int64, verb: String) {
        guard summary.files > 0 else { return }
        func megabytes(_ bytes: Int64) -> String { String(format2(Double(bytes) / 1_000_000)) + " MB" }
        let ratio = output > 0 && verb == "compressed" ? " (\(format2(Double(input) / Double(output)))x)" : ""
        let rate = seconds > 0 ? format2(Double(input) / 1_000_000 / seconds) : "-"
        let arrow = verb == "tested" ? "" : " -> \(megabytes(output))"
        Console.message("\(summary.files) file\(summary.files == 1 ? "" : "s") \(verb), \(megabytes(input))\(arrow)\(ratio), \(format2(seconds)) s, \(rate) MB/s read")
    }

    private static func format2(_ value: Double) -> String {
        let scaled = (value * 100).rounded() / 100
        return String(scaled)
    }
}
