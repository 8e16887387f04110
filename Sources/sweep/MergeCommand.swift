import ArgumentParser
import Sweep
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct MergeCommand: ParsableCommand, ProcessingCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the parts of a sharded run (--shard K/N) into exactly what one run would print.",
        discussion: """
            Each part begins with a '# sweep shard K/N' line and ends with its end line; both are \
            comments to sha256sum -c, so a part verifies alone too. Parts may be named in any order. \
            merge refuses parts of different runs (command, format, settings or roots), a missing or \
            duplicate shard, a part cut short (no end line), and a file in two parts. The merge \
            streams: its memory is one record per part, whatever the number of files.

            lines gets its total line back, --json its summary (files, bytes, totals added up; \
            seconds: the longest shard's).

            Examples:
              for k in 1 2 3 4; do sweep sum --shard $k/4 /data > sums.$k & done; wait
              sweep merge sums.* -o SHA256SUMS
              sbatch --array=0-63 Examples/shards/slurm-array.sbatch && sweep merge parts/* -o SUMS
            """)

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write the merged output to FILE, atomically.", valueName: "FILE"))
    var output: String?

    @Argument(help: "The parts, one per shard, in any order.")
    var parts: [String] = []

    mutating func validate() throws {
        if parts.isEmpty { throw ValidationError("name the parts to merge") }
    }

    func execute() async throws {
        var destination: DurableFile?
        var descriptor = STDOUT_FILENO
        do {
            var merger = try ShardMerger(parts: parts.map { RawArguments.shared.path($0) })
            if let output {
                destination = try DurableFile(path: RawArguments.shared.path(output))
                descriptor = destination!.descriptor.rawValue
            }
            var out = OutputBuffer(descriptor: descriptor)
            try merger.merge { record in try out.write(record) }
            let summary = merger.summary
            switch merger.header.format {
            case "json" where merger.header.command != "list":
                let seconds = merger.seconds
                try out.append { summary.jsonValue(seconds: seconds).appendLine(to: &$0) }
            case "lines" where summary.files > 1:
                // As wc, and as one run of sweep lines: a total when more than one file was counted.
                try out.append { LinesCommand.appendRow(count: summary.totals["lines"] ?? 0, name: Array("total".utf8), to: &$0) }
            default:
                break
            }
            try out.flush()
            try destination?.commit(replacing: true)
        } catch let error as ShardMergeError {
            destination?.discard()
            Console.message(error.description)
            throw ExitCode(1)
        } catch let error as FileError {
            destination?.discard()
            Console.error(error)
            throw ExitCode(1)
        } catch let error as WriteError {
            destination?.discard()
            let name = output.map { RawArguments.shared.path($0) } ?? "standard output"
            Console.error(FileError(path: name, reason: .system(error.errno)))
            throw ExitCode(1)
        }
    }
}
