import ArgumentParser
import Sweep

struct SumCommand: ParsableCommand, ProcessingCommand {
    static let configuration = CommandConfiguration(
        commandName: "sum",
        abstract: "Print checksums, exactly as sha256sum (md5sum, sha1sum…) prints them, in parallel.",
        discussion: """
            Directories are walked; files are listed in byte order of their names, so the output is \
            the same whatever -j. With no file, or -, standard input is read; a FIFO or device named \
            (`<(cmd)`, /dev/null) is read like a file. The manifest verifies with `sha256sum -c`, \
            `sweep check` or `sweep sum -c`.

            The xxHash digests (-a xxh32, xxh64, xxh128, xxh3) print exactly what xxhsum 0.8.1 \
            prints with -H0, -H1, -H2 and -H3: names unescaped, standard input named `stdin`, and \
            xxh3 always in the tagged form `XXH3 (NAME) = HEX`. The manifest verifies with \
            `xxhsum -c` or `sweep check` (untagged xxh32 and xxh128 lines need `-a`).

            Examples:
              sweep sum . > SHA256SUMS
              sweep sum -a md5 --tag logs/
              sweep sum -a xxh128 -j 8 /data > XXH128SUMS
              sweep sum -o SUMS --exclude '*.gz' /var/log/app
              find . -name '*.log' -print0 | sweep sum --files-from - -0
              sweep sum -c SHA256SUMS          (the same as sweep check SHA256SUMS)
            """)

    @Option(name: [.short, .long], help: "md5, sha1, sha224, sha256, sha384, sha512, crc32 (gzip's CRC-32), or xxh32, xxh64, xxh128, xxh3 (xxHash, as xxhsum); default sha256.")
    var algorithm: DigestAlgorithm?

    @Flag(help: "BSD-style lines: SHA256 (NAME) = HEX.")
    var tag = false

    @Flag(name: [.short, .long], help: "End each line with NUL instead of a newline, and do not escape names.")
    var zero = false

    @Flag(name: [.short, .long], help: "Mark names with * (binary mode), as sha256sum -b does.")
    var binary = false

    @Flag(name: [.short, .long], help: "Mark names with a space (text mode, the default).")
    var text = false

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write the manifest to FILE, atomically.", valueName: "FILE"))
    var output: String?

    @Flag(name: [.short, .long], help: "Verify the manifests named instead, as sweep check (and sha256sum -c) does.")
    var check = false

    @Flag(name: .customLong("ignore-missing"), help: "With -c: do not fail or report a missing file.")
    var ignoreMissing = false

    @Flag(name: .customLong("quiet"), help: "With -c: do not print OK for each verified file.")
    var quiet = false

    @Flag(help: "With -c: print nothing on standard output; the exit status tells.")
    var status = false

    @Flag(help: "With -c: exit non-zero for improperly formatted lines.")
    var strict = false

    @Flag(name: [.short, .long], help: "With -c: warn about each improperly formatted line.")
    var warn = false

    @Option(name: .customLong("update"), help: ArgumentHelp("Bring MANIFEST up to date with the paths (default: those of its last update): hash only new files and files whose size, times or inode changed, drop removed ones, and rewrite it atomically. Keeps a ledger beside it.", valueName: "MANIFEST"))
    var update: String?

    @OptionGroup var ledger: LedgerOptions

    @OptionGroup var common: CommonOptions

    @Argument(help: "Files and directories (default: standard input); - is standard input. With -c: manifests.")
    var paths: [String] = []

    mutating func validate() throws {
        try ChecksumUsage(verifying: check, tag: tag, ignoreMissing: ignoreMissing, strict: strict, command: "sum").validate()
        if update != nil {
            if check || output != nil { throw ValidationError("--update rewrites its manifest: it goes with neither --check nor -o") }
            if common.selection.filesFrom != nil || paths.contains("-") { throw ValidationError("--update walks paths: not --files-from or standard input") }
        } else if ledger.path != nil {
            throw ValidationError("--ledger goes with --update")
        }
        guard check else { return }
        let selection = common.selection
        if output != nil { throw ValidationError("-o/--output writes a manifest; --check reads them") }
        if selection.shardText != nil { throw ValidationError("--shard with --check: use sweep check --shard K/N MANIFEST") }
        if selection.filesFrom != nil || !selection.includes.isEmpty || !selection.excludes.isEmpty || selection.followSymlinks {
            throw ValidationError("--files-from, --include, --exclude and -L choose files to sum; --check reads manifests")
        }
    }

    func execute() async throws {
        if check {
            var verifier = try CheckCommand.parse([])
            verifier.algorithm = algorithm
            verifier.zero = zero
            verifier.ignoreMissing = ignoreMissing
            verifier.strict = strict
            verifier.quiet = quiet
            verifier.status = status
            verifier.warn = warn
            verifier.settleOutputFlags()
            verifier.execution = common.execution
            verifier.json = common.json
            verifier.manifests = paths
            try await verifier.execute()
            return
        }
        // sha256sum marks names with `*` after -b, unless a later -t (or --tag) says otherwise.
        let marked = !tag && ChecksumUsage.binaryMode == true
        let formatter = ChecksumLineFormatter(style: tag ? .bsd : .gnu, nulTerminated: zero, binaryMarker: marked)
        if let update {
            let manifest = RawArguments.shared.path(update)
            var updater = ManifestUpdater(
                manifest: manifest, ledger: ledger.ledgerPath(forManifest: manifest),
                roots: paths.isEmpty ? nil : paths.map { RawArguments.shared.path($0) }, algorithm: algorithm,
                makeWalker: { [common] roots, skipping in
                    common.walker(roots: roots, skipping: skipping) { options in
                        var options = options
                        // The ledger compares each file's metadata before deciding to read it.
                        options.statFiles = true
                        options.readsNamedStreams = false
                        return options
                    }
                })
            updater.formatter = formatter
            updater.options = common.pipelineOptions()
            try await LedgerReport(json: common.json, progress: common.progress).update(with: updater)
            return
        }
        let paths = common.selection.pathsDefaultingToStandardInput(paths)
        let shardHeader = try common.selection.shardHeader(
            command: "sum", format: (tag ? "bsd" : "gnu") + (zero ? "-z" : ""),
            settings: (algorithm ?? .sha256).rawValue + (marked ? " binary" : ""), paths: paths)
        var runner = CommandRunner(
            stage: DigestStage(algorithm ?? .sha256), common: common,
            paths: paths, outputFile: output,
            render: { digest, result, out in
                // coreutils names standard input `-`, xxhsum `stdin`.
                if result.entry.isStandardInput {
                    formatter.append(digest, path: Array(digest.algorithm.standardInputName.utf8), to: &out)
                } else {
                    result.path.withBytes { formatter.append(digest, path: $0, to: &out) }
                }
            }
        )
        runner.shardHeader = shardHeader
        try await runner.run()
    }
}

extension DigestAlgorithm: ExpressibleByArgument {}
