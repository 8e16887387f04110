import ArgumentParser
import Sweep

struct SumCommand: ParsableCommand, ProcessingCommand {
    static let configuration = CommandConfiguration(
        commandName: "sum",
        abstract: "Print checksums, exactly as sha256sum (md5sum, sha1sum…) prints them, in parallel.",
        discussion: """
            Directories are walked; files are listed in byte order of their names, so the output is \
            the same whatever -j. The manifest verifies with `sha256sum -c` or `sweep check`.

            Examples:
              sweep sum . > SHA256SUMS
              sweep sum -a md5 --tag logs/
              sweep sum -o SUMS --exclude '*.gz' /var/log/app
              find . -name '*.log' -print0 | sweep sum --files-from - -0
            """)

    @Option(name: [.short, .long], help: "md5, sha1, sha224, sha256, sha384, sha512 or crc32 (gzip's CRC-32).")
    var algorithm: DigestAlgorithm = .sha256

    @Flag(help: "BSD-style lines: SHA256 (NAME) = HEX.")
    var tag = false

    @Flag(name: [.short, .long], help: "End each line with NUL instead of a newline, and do not escape names.")
    var zero = false

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write the manifest to FILE, atomically.", valueName: "FILE"))
    var output: String?

    @OptionGroup var common: CommonOptions

    @Argument(help: "Files and directories (default: .); - is standard input.")
    var paths: [String] = []

    func execute() async throws {
        let formatter = ChecksumLineFormatter(style: tag ? .bsd : .gnu, nulTerminated: zero)
        try await CommandRunner(
            stage: DigestStage(algorithm), common: common, paths: paths, outputFile: output,
            render: { digest, result, out in formatter.append(digest, path: result.path.bytes, to: &out) }
        ).run()
    }
}

extension DigestAlgorithm: ExpressibleByArgument {}
