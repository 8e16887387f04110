import ArgumentParser
import Sweep
import SystemPackage

struct GzipCommand: ParsableCommand, ProcessingCommand {
    static let configuration = CommandConfiguration(
        commandName: "gzip",
        abstract: "Compress files to FILE.gz beside them, gzip-compatible and crash-safe, in parallel.",
        discussion: """
            Each .gz is written to a temporary file, fsynced and renamed into place before the \
            original is removed; a file that changes while it is read is left alone. Large files are \
            compressed in parallel blocks (one gzip member), small ones many at once.

            Examples:
              sweep gzip --older-than 7d /var/log/app
              sweep gzip -9 -k --manifest SHA256SUMS logs/
              sweep gzip -d logs/            (or: sweep gunzip logs/)
              sweep gzip -t archive/
            """)

    @Flag(name: [.short, .long], help: "Decompress FILE.gz to FILE.")
    var decompress = false

    @Flag(name: [.short, .long], help: "Test the integrity of .gz files; write nothing.")
    var test = false

    @Flag(help: "Compression level 1..9 (-1 fastest, -9 best; default -6).")
    var levelFlag: CompressionLevel?

    @Option(help: ArgumentHelp("Compression level, 1 to 9.", valueName: "N"))
    var level: Int?

    @Flag(name: [.short, .long], help: "Keep the original files.")
    var keep = false

    @Flag(name: [.short, .long], help: "Overwrite existing outputs; compress files with other hard links.")
    var force = false

    @Option(name: .customLong("older-than"), help: ArgumentHelp("Only files last modified longer ago than DUR: 7d, 12h, 30m, 90s, 1d12h.", valueName: "DUR"))
    var olderThan: String?

    @Option(help: ArgumentHelp("While compressing, write a sha256sum manifest of the originals to FILE (atomically).", valueName: "FILE"))
    var manifest: String?

    @OptionGroup var common: CommonOptions

    @Argument(help: "Files and directories (default: .).")
    var paths: [String] = []

    var decompressing: Bool { decompress || test }

    mutating func validate() throws {
        if let level, !(1...9).contains(level) { throw ValidationError("--level must be 1 to 9") }
        if let olderThan, AgeThreshold(olderThan) == nil {
            throw ValidationError("--older-than takes a duration such as 7d, 12h, 30m, 90s or 1d12h, not '\(olderThan)'")
        }
        if manifest != nil && decompressing { throw ValidationError("--manifest goes with compression") }
    }

    func execute() async throws {
        let cutoff = olderThan.flatMap(AgeThreshold.init)?.cutoff(from: .now)
        // Files named explicitly reach the stage whatever their suffix, so that it can say what gzip
        // says of them (`already has .gz suffix`, `unknown suffix`); walked ones are filtered.
        let roots = paths
        if decompressing {
            let stage = GunzipStage(options: .init(keepOriginal: keep, force: force, testOnly: test))
            try await CommandRunner(
                stage: stage, common: common, paths: roots,
                warning: { $0.trailingGarbage ? "decompression OK, trailing garbage ignored" : nil },
                adjustWalk: { options in
                    var options = GunzipStage.walkOptions(options)
                    options.modifiedBefore = cutoff
                    // Compression is CPU-bound: a stat per file is cheap, and sizes known while walking
                    // balance the work better than sizes found on opening.
                    options.statFiles = true
                    return options
                },
                report: { summary, seconds in
                    GzipCommand.report(summary, seconds: seconds, input: summary.bytes, output: Int64(summary.totals["gunzip"] ?? 0), verb: test ? "tested" : "decompressed")
                }
            ).run()
            return
        }
        let gzip = GzipStage(
            options: .init(level: level ?? levelFlag?.rawValue ?? 6, keepOriginal: keep, force: force),
            threadCount: common.jobs)
        let adjust: @Sendable (WalkOptions) -> WalkOptions = { options in
            var options = GzipStage.walkOptions(options)
            options.modifiedBefore = cutoff
            options.statFiles = true
            return options
        }
        let report: @Sendable (RunSummary, Double) -> Void = { summary, seconds in
            GzipCommand.report(summary, seconds: seconds, input: summary.bytes, output: Int64(summary.totals["gzip"] ?? 0), verb: "compressed")
        }
        if let manifest {
            // One read of each original feeds both the checksum and the compressor.
            let formatter = ChecksumLineFormatter()
            try await CommandRunner(
                stage: StageList([DigestStage(.sha256), gzip]), common: common, paths: roots, outputFile: manifest,
                render: { outputs, result, out in
                    if let digest = outputs.values.first as? Digest { formatter.append(digest, path: result.path.bytes, to: &out) }
                },
                warning: { outputs in
                    (outputs.values.last as? GzipResult)?.timestampOutOfRange == true ? GzipCommand.timestampWarning : nil
                },
                adjustWalk: adjust,
                report: report
            ).run()
        } else {
            try await CommandRunner(
            stage: gzip, common: common, paths: roots,
            warning: { $0.timestampOutOfRange ? GzipCommand.timestampWarning : nil },
            adjustWalk: adjust, report: report
        ).run()
        }
    }

    static let timestampWarning = "warning: file timestamp out of range for gzip format"

    /// `sweep: 12 files compressed, 1.07 GB -> 170 MB (6.29x), 2.10 s, 510 MB/s` on standard error.
    static func report(_ summary: RunSummary, seconds: Double, input: Int64, output: Int64, verb: String) {
        guard summary.files > 0 else { return }
        func megabytes(_ bytes: Int64) -> String { String(format2(Double(bytes) / 1_000_000)) + " MB" }
        let ratio = output > 0 && verb == "compressed" ? " (\(format2(Double(input) / Double(output)))x)" : ""
        let rate = seconds > 0 ? format2(Double(input) / 1_000_000 / seconds) : "-"
        let arrow = verb == "tested" ? "" : " -> \(megabytes(output))"
        Console.message("\(summary.files) file\(summary.files == 1 ? "" : "s") \(verb), \(megabytes(input))\(arrow)\(ratio), \(format2(seconds)) s, \(rate) MB/s")
    }

    private static func format2(_ value: Double) -> String {
        let scaled = (value * 100).rounded() / 100
        return String(scaled)
    }
}

/// `-1` … `-9`.
enum CompressionLevel: Int, EnumerableFlag {
    case one = 1, two, three, four, five, six, seven, eight, nine

    static func name(for value: CompressionLevel) -> NameSpecification {
        .customShort(Character(String(value.rawValue)))
    }

    static func help(for value: CompressionLevel) -> ArgumentHelp? {
        value == .one ? "Compression level 1 (fastest) to 9 (best); default 6." : nil
    }
}

struct GunzipCommand: ParsableCommand, ProcessingCommand {
    static let configuration = CommandConfiguration(
        commandName: "gunzip",
        abstract: "Decompress FILE.gz to FILE: the same as sweep gzip -d.",
        discussion: """
            Examples:
              sweep gunzip logs/
              sweep gunzip -k archive/app.log.gz
            """)

    @Flag(name: [.short, .long], help: "Test the integrity of .gz files; write nothing.")
    var test = false

    @Flag(name: [.short, .long], help: "Keep the .gz files.")
    var keep = false

    @Flag(name: [.short, .long], help: "Overwrite existing outputs.")
    var force = false

    @OptionGroup var common: CommonOptions

    @Argument(help: "Files and directories (default: .).")
    var paths: [String] = []

    func execute() async throws {
        var gzip = try GzipCommand.parse([])
        gzip.decompress = true
        gzip.test = test
        gzip.keep = keep
        gzip.force = force
        gzip.common = common
        gzip.paths = paths
        try await gzip.execute()
    }
}
