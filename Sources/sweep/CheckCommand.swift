import ArgumentParser
import Sweep
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct CheckCommand: ParsableCommand, ProcessingCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify checksum manifests exactly as sha256sum -c does, reading the files in parallel.",
        discussion: """
            Reads every form coreutils writes: `HEX  NAME`, `HEX *NAME`, escaped names, BSD tags \
            `SHA256 (NAME) = HEX`, comments, CRLF. The algorithm of a line comes from its tag or the \
            length of its hex, so one manifest may mix algorithms; -a narrows it to one. \
            xxhsum's manifests read too: tagged lines (XXH32, XXH64, XXH128, XXH3) always; untagged, \
            16 digits are XXH64, while 8 digits are CRC-32 and 32 are MD5 unless -a xxh32 or -a \
            xxh128 says otherwise (-a xxh3 reads 16 digits as XXH3).

            Examples:
              sweep check SHA256SUMS
              sweep check --quiet --ignore-missing SUMS other.md5
              sweep check -a xxh128 XXH128SUMS   (untagged xxhsum -H2 output)
              sweep sum -z . | sweep check -z -
              sweep check --decompress SHA256SUMS   (after sweep gzip --manifest SHA256SUMS)
            """)

    @Flag(name: [.short, .long], help: "Do not print OK for each verified file.")
    var quiet = false

    @Flag(help: "Print nothing on standard output; the exit status tells.")
    var status = false

    @Flag(name: .customLong("ignore-missing"), help: "Do not fail or report a missing file.")
    var ignoreMissing = false

    @Flag(help: "Exit non-zero for improperly formatted lines.")
    var strict = false

    @Flag(name: [.short, .long], help: "Warn about each improperly formatted line.")
    var warn = false

    @Flag(name: [.short, .long], help: "Manifest entries end in NUL, as sweep sum -z writes them.")
    var zero = false

    @Option(name: [.short, .long], help: "Accept only lines of this algorithm (and read untagged lines of its length as it).")
    var algorithm: DigestAlgorithm?

    @OptionGroup var execution: ExecutionOptions

    @Flag(help: "When FILE is missing but FILE.gz exists, verify FILE.gz's decompressed content.")
    var decompress = false

    @Flag(help: "Print one JSON object per entry, then a summary object per manifest.")
    var json = false

    @Flag(help: "Audit MANIFEST against the tree: re-hash the files under PATHS (default: those of its last sum --update) and classify each as ok, changed, corrupt (content differs, size and mtime as the ledger recorded: bit rot), new, missing or moved. Exit 0 all ok, 1 changed/new/missing/moved/unreadable, 3 corrupt.")
    var audit = false

    @OptionGroup var ledger: LedgerOptions

    @Option(name: .customLong("include"), help: ArgumentHelp("With --audit: only files whose path or base name matches GLOB.", valueName: "GLOB"))
    var includes: [String] = []

    @Option(name: .customLong("exclude"), help: ArgumentHelp("With --audit: leave out files and directories matching GLOB.", valueName: "GLOB"))
    var excludes: [String] = []

    @Flag(name: [.customShort("L"), .customLong("follow-symlinks")], help: "With --audit: follow symbolic links while walking.")
    var followSymlinks = false

    @Flag(inversion: .prefixedNo, help: "Show a live progress line on standard error (default: when it is a terminal).")
    var progress: Bool?

    @Option(name: .customLong("shard"), help: ArgumentHelp(
        "Verify only share K of N of the manifest's lines (consecutive ranges), the output a part for sweep merge; auto and auto/N as for sum.",
        valueName: "K/N"))
    var shardText: String?

    @Argument(help: "Manifests to verify (default: standard input, also -). With --audit: MANIFEST [PATHS…].")
    var manifests: [String] = []

    // Accepted only to be refused in coreutils' words, as `sha256sum -c --tag` is.
    @Flag(help: .hidden) var tag = false
    @Flag(name: [.customShort("b"), .customLong("binary")], help: .hidden) var binary = false
    @Flag(name: [.customShort("t"), .customLong("text")], help: .hidden) var text = false

    mutating func validate() throws {
        if audit {
            guard let first = manifests.first, first != "-" else { throw ValidationError("--audit needs a manifest file") }
            if ignoreMissing || decompress { throw ValidationError("--audit reports missing files itself; --ignore-missing and --decompress do not apply") }
        } else if ledger.path != nil || !includes.isEmpty || !excludes.isEmpty || followSymlinks {
            throw ValidationError("--ledger, --include, --exclude and -L go with --audit")
        }
        try ChecksumUsage(verifying: true, tag: tag, command: "check").validate()
        settleOutputFlags()
        if let shardText {
            if audit { throw ValidationError("--shard does not go with --audit: the ledger is one file") }
            _ = try ShardOption.parse(shardText)
            if manifests.count != 1 || manifests == ["-"] {
                throw ValidationError("--shard shares the lines of one manifest file (not standard input)")
            }
            if json { throw ValidationError("--shard with --json is not supported yet: merge takes check's text output") }
        }
    }

    /// coreutils lets the last of --status, --quiet and --warn win: each turns the other two off.
    mutating func settleOutputFlags() {
        guard let last = ChecksumUsage.outputFlag else { return }
        status = last == "status"
        quiet = last == "quiet"
        warn = last == "warn"
    }

    func execute() async throws {
        if audit {
            let manifest = RawArguments.shared.path(manifests[0])
            var selection = try SelectionOptions.parse([])
            selection.includes = includes
            selection.excludes = excludes
            selection.followSymlinks = followSymlinks
            var auditor = ManifestAuditor(
                manifest: manifest, ledger: ledger.ledgerPath(forManifest: manifest),
                roots: manifests.count > 1 ? manifests.dropFirst().map { RawArguments.shared.path($0) } : nil, algorithm: algorithm,
                makeWalker: { [selection] roots, skipping in
                    selection.walker(roots: roots, skipping: skipping) { options in
                        var options = options
                        // The size and mtime decide corrupt from changed; a stat while walking gives them.
                        options.statFiles = true
                        options.readsNamedStreams = false
                        return options
                    }
                })
            auditor.nulSeparated = zero
            auditor.options = execution.pipelineOptions()
            try await LedgerReport(json: json, progress: progress).audit(with: auditor, silent: status)
            return
        }
        let command = self
        let succeeded = try await Interruption.run { await command.verifyAll() }
        if !succeeded { throw ExitCode(1) }
    }

    private func verifyAll() async -> Bool {
        var verifier = ManifestVerifier(options: execution.pipelineOptions(), algorithm: algorithm, nulSeparated: zero, ignoreMissing: ignoreMissing)
        verifier.decompressMissing = decompress
        var output = OutputBuffer(descriptor: STDOUT_FILENO)
        var allSucceeded = true
        if let shardText {
            do {
                return try await verifyShard(ShardOption.parse(shardText), verifier: verifier, output: &output)
            } catch let error as WriteError {
                Console.message(name: Array("standard output".utf8), error.message)
            } catch let error as FileError {
                Console.error(error)
            } catch {
                Console.message("\(error)")
            }
            return false
        }
        for name in manifests.isEmpty ? ["-"] : manifests {
            let source: ManifestVerifier.Source = name == "-" ? .standardInput : .file(RawArguments.shared.path(name))
            do {
                allSucceeded = try await verify(source, with: verifier, output: &output) && allSucceeded
            } catch let error as WriteError {
                Console.message(name: Array("standard output".utf8), error.message)
                return false
            } catch {
                return false
            }
        }
        do { try output.flush() } catch { return false }
        return allSucceeded
    }

    /// One shard's consecutive share of the manifest's lines, between a part's header and end line.
    private func verifyShard(_ shard: Shard, verifier: ManifestVerifier, output: inout OutputBuffer) async throws -> Bool {
        let path = RawArguments.shared.path(manifests[0])
        var verifier = verifier
        verifier.lines = shard.consecutiveShare(of: try ManifestVerifier.lineCount(of: path, nulSeparated: zero))
        let settings = [algorithm?.rawValue ?? "", quiet ? "quiet" : "", status ? "status" : "", ignoreMissing ? "ignore-missing" : "",
                        zero ? "zero" : "", decompress ? "decompress" : ""].filter { !$0.isEmpty }.joined(separator: " ")
        let header = ShardPart.Header(shard: shard, command: "check", format: "check", settings: settings, roots: [path.bytes])
        try output.append { $0 += header.record(terminator: 0x0A) }
        var records = 0
        let succeeded = try await verify(.file(path), with: verifier, output: &output, records: &records)
        try output.append { $0 += ShardPart.Footer(shard: shard, records: records).record(format: "check", terminator: 0x0A) }
        try output.flush()
        return succeeded
    }

    private func verify(_ source: ManifestVerifier.Source, with verifier: ManifestVerifier, output: inout OutputBuffer) async throws -> Bool {
        var records = 0
        return try await verify(source, with: verifier, output: &output, records: &records)
    }

    private func verify(
        _ source: ManifestVerifier.Source, with verifier: ManifestVerifier, output: inout OutputBuffer, records: inout Int
    ) async throws -> Bool {
        // The progress line: bytes of the listed files read so far (of those in flight too), files
        // done and the file being read; erased before any message and before the final warnings.
        let counters = ReadProgress()
        let line = ProgressLine(progress: counters, enabled: progress)
        var verifier = verifier
        if line != nil { verifier.options.progress = counters }
        let ticker = line.map { line in Task { await line.run() } }
        let outputIsTerminal = line != nil && isatty(STDOUT_FILENO) == 1
        func endProgress() async {
            ticker?.cancel()
            await ticker?.value
        }
        let summary: CheckSummary
        do {
            summary = try await verifier.verify(source) { verdict in
                guard let line, outputIsTerminal || Self.writesToStandardError(verdict) else {
                    records += try report(verdict, source: source, output: &output)
                    return
                }
                try line.clear {
                    records += try report(verdict, source: source, output: &output)
                    if outputIsTerminal { try output.flush() }
                }
            }
            await endProgress()
        } catch let error as FileError {
            await endProgress()
            try output.flush()
            // coreutils says "read error" for a manifest it opened but could not read (a directory).
            if case .file = source, error.errno != nil, error.errno != .noSuchFileOrDirectory, error.errno != .permissionDenied {
                Console.message(name: source.displayName, "read error")
            } else {
                Console.message(name: source.displayName, error.message)
            }
            return false
        } catch {
            await endProgress()
            throw error
        }
        try output.flush()
        if json {
            try output.append { summary.jsonValue(manifest: source.displayName).appendLine(to: &$0) }
        }
        if summary.properlyFormatted == 0 {
            Console.message(name: source.displayName, "no properly formatted checksum lines found")
        } else if !status {
            if summary.improperlyFormatted > 0 {
                Console.message(summary.improperlyFormatted == 1
                    ? "WARNING: 1 line is improperly formatted"
                    : "WARNING: \(summary.improperlyFormatted) lines are improperly formatted")
            }
            if summary.unreadable > 0 {
                Console.message(summary.unreadable == 1
                    ? "WARNING: 1 listed file could not be read"
                    : "WARNING: \(summary.unreadable) listed files could not be read")
            }
            if summary.mismatched > 0 {
                Console.message(summary.mismatched == 1
                    ? "WARNING: 1 computed checksum did NOT match"
                    : "WARNING: \(summary.mismatched) computed checksums did NOT match")
            }
            // As coreutils: "verified" means a checksum matched; a manifest whose only present
            // file mismatched also says it (coreutils' tests/cksum/md5sum.pl, ignore-missing).
            if ignoreMissing && summary.matched == 0 {
                Console.message(name: source.displayName, "no file was verified")
            }
        }
        return summary.succeeded(strict: strict, ignoreMissing: ignoreMissing)
    }

    /// Whether ``report(_:source:output:)`` may write a message to standard error for `verdict`.
    private static func writesToStandardError(_ verdict: CheckVerdict) -> Bool {
        switch verdict.outcome {
        case .unreadable, .improperlyFormatted: true
        case .matched, .mismatched, .missingIgnored: false
        }
    }

    /// Prints one verdict; returns how many lines it put on standard output (0 or 1).
    private func report(_ verdict: CheckVerdict, source: ManifestVerifier.Source, output: inout OutputBuffer) throws -> Int {
        if json {
            try output.append { verdict.jsonValue.appendLine(to: &$0) }
            if case .unreadable(let entry, let error) = verdict.outcome {
                Console.message(name: entry.path, error.message)
            }
            return 1
        }
        switch verdict.outcome {
        case .matched(let entry):
            if !quiet && !status {
                try output.append { CheckStatusLine.append(path: entry.path, status: .ok, to: &$0) }
                return 1
            }
        case .mismatched(let entry, _):
            if !status {
                try output.append { CheckStatusLine.append(path: entry.path, status: .failed, to: &$0) }
                return 1
            }
        case .unreadable(let entry, let error):
            // The error goes to stderr before its status line, as coreutils interleaves them.
            try output.flush()
            Console.message(name: entry.path, error.message)
            if !status {
                try output.append { CheckStatusLine.append(path: entry.path, status: .unreadable, to: &$0) }
                return 1
            }
        case .missingIgnored:
            break
        case .improperlyFormatted:
            if warn {
                // cksum's choice: the -a algorithm, else the line's own tag or the last one before it.
                let tag = (algorithm ?? verdict.lastTag ?? .sha256).tag
                // coreutils flushes its status lines before a warning, so the two stay in line order.
                try output.flush()
                Console.message(name: source.displayName, "\(verdict.lineNumber): improperly formatted \(tag) checksum line")
            }
        }
        return 0
    }
}
