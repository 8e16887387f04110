import ArgumentParser
import Sweep

struct SumCommand: ParsableCommand, ProcessingCommand {
    static let configuration = CommandConfiguration(
        commandName: "sum",
        abstract: "Print checksums, exactly as sha256sum (md5sum, sha1sum…) prints them, in parallel.",
        discussion: """
            Directories are walked; files are listed in byte order of their names, so the output is \
            the same whatever -j. The manifest verifies with `sha256sum -c` or `sweep check`.

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
            """)

    @Option(name: [.short, .long], help: "md5, sha1, sha224, sha256, sha384, sha512, crc32 (gzip's CRC-32), or xxh32, xxh64, xxh128, xxh3 (xxHash, as xxhsum).")
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
            render: { digest, result, out in
                // coreutils names standard input `-`, xxhsum `stdin`.
                let name = result.entry.isStandardInput ? Array(digest.algorithm.standardInputName.utf8) : result.path.bytes
                formatter.append(digest, path: name, to: &out)
            }
        ).run()
    }
}

extension DigestAlgorithm: ExpressibleByArgument {}
