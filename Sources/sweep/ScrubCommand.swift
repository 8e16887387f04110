import ArgumentParser
import Sweep
import SystemPackage

/// `sweep scrub`: verify a manifest's files a part at a time, least recently verified first.
struct ScrubCommand: ParsableCommand, ProcessingCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrub",
        abstract: "Verify the files of a manifest least recently verified first, within a time or byte budget.",
        discussion: """
            Reads the ledger `sweep sum --update` keeps beside MANIFEST, verifies the files not \
            verified for longest (never verified first) until the budget is spent, and records each \
            verdict, so that a nightly run walks the whole archive in rotation. Prints `PATH: KIND` \
            for each file that is not ok (CORRUPT: content differs while size and mtime are as \
            recorded; CHANGED: edited since the last update; MISSING; UNREADABLE), then on standard \
            error what was verified, what remains, and the oldest verification date.
            Exit 0 all ok, 1 changed, missing or unreadable, 3 corrupt.

            Examples:
              sweep scrub SHA256SUMS --max-duration 1h
              sweep scrub SHA256SUMS --max-bytes 100G -j 4
            """)

    @Option(name: .customLong("max-duration"), help: ArgumentHelp("Stop starting new files after this long: 90s, 30m, 1h, 2d (or seconds).", valueName: "DURATION"))
    var maxDuration: String?

    @Option(name: .customLong("max-bytes"), help: ArgumentHelp("Verify at most this many bytes (suffixes K, M, G, T: powers of 1024).", valueName: "N"))
    var maxBytes: String?

    @Option(name: [.short, .long], help: "Accepted for symmetry with sum and check: each file is verified with the algorithm its ledger entry records.")
    var algorithm: DigestAlgorithm?

    @OptionGroup var ledger: LedgerOptions

    @OptionGroup var execution: ExecutionOptions

    @Flag(help: "Print one JSON object per verified file, then a summary object.")
    var json = false

    @Flag(inversion: .prefixedNo, help: "Show a live progress line on standard error.")
    var progress: Bool?

    @Argument(help: "The manifest whose ledger to scrub.")
    var manifest: String

    mutating func validate() throws {
        if let maxDuration, Self.seconds(maxDuration) == nil { throw ValidationError("--max-duration: \(maxDuration) is not a duration (90s, 30m, 1h, 2d)") }
        if let maxBytes, Self.bytes(maxBytes) == nil { throw ValidationError("--max-bytes: \(maxBytes) is not a size (100G, 512M, 1000)") }
    }

    func execute() async throws {
        let path = RawArguments.shared.path(manifest)
        var scrubber = Scrubber(manifest: path, ledger: ledger.ledgerPath(forManifest: path))
        scrubber.maxSeconds = maxDuration.flatMap(Self.seconds)
        scrubber.maxBytes = maxBytes.flatMap(Self.bytes)
        scrubber.options = execution.pipelineOptions()
        try await LedgerReport(json: json, progress: progress).scrub(with: scrubber)
    }

    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last.flatMap({ units[$0] }) { return Double(text.dropLast()).map { $0 * unit }.flatMap { $0 >= 0 ? $0 : nil } }
        return Double(text).flatMap { $0 >= 0 ? $0 : nil }
    }

    static func bytes(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let unit = text.last.flatMap({ units[Character($0.uppercased())] }) { return Int64(text.dropLast()).map { $0 * unit }.flatMap { $0 >= 0 ? $0 : nil } }
        return Int64(text).flatMap { $0 >= 0 ? $0 : nil }
    }
}
