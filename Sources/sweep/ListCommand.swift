import ArgumentParser
import Sweep
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct ListCommand: ParsableCommand, ProcessingCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the files the other commands would process, in walk order; read nothing.",
        discussion: """
            A dry run for filters: what `sweep gzip --older-than 7d` would compress, or what \
            `--include`/`--exclude` select. Names are printed byte-exact, one per line (NUL with -z).

            Examples:
              sweep list --older-than 7d --exclude '*.gz' /var/log/app
              sweep list -z src | xargs -0 grep -l TODO
            """)

    @Flag(name: [.short, .customLong("zero")], help: "End each name with NUL instead of a newline.")
    var zero = false

    @OptionGroup var age: AgeOption

    @OptionGroup var selection: SelectionOptions

    @Argument(help: "Files and directories (default: .).")
    var paths: [String] = []

    /// Bytes of paths gathered before they are handed to the output.
    private static let pathsPerWrite = 64 * 1024

    func execute() async throws {
        let cutoff = age.cutoff
        let walker = selection.walker(paths: paths) { options in
            var options = options
            options.statFiles = false
            options.modifiedBefore = cutoff
            // Listing is no reading: a named FIFO or device is reported as the walk met it.
            options.readsNamedStreams = false
            return options
        }
        var output = OutputBuffer(descriptor: STDOUT_FILENO)
        var failed = false
        // ArgumentParser's property wrappers are slow to read; read them once, not per file.
        let json = selection.json
        let terminator: UInt8 = zero ? 0 : 0x0A
        let shardHeader = try selection.shardHeader(
            command: "list", format: zero ? "list-z" : "list", settings: age.olderThan.map { "older-than:\($0)" } ?? "", paths: paths)
        if let shardHeader { try output.append { $0 += shardHeader.record(terminator: terminator) } }
        var records = 0
        var walk = walker.makeDirectoryWalker()
        // Plain files' paths come from the walker in bulk, with no entry per file; the rest as events.
        var paths: [UInt8] = []
        paths.reserveCapacity(Self.pathsPerWrite + 8192)
        walking: while true {
            let step = json
                ? walk.next().map(DirectoryWalker.ListingStep.event) ?? .end
                : walk.next(listingPathsInto: &paths, terminator: terminator, upTo: Self.pathsPerWrite, listed: &records)
            if !paths.isEmpty {
                try output.append { $0 += paths }
                paths.removeAll(keepingCapacity: true)
            }
            switch step {
            case .full: continue
            case .end: break walking
            case .event(.file(let entry)):
                records += 1
                if json {
                    try output.append { JSONValue.object(entry.path.jsonMembers()).appendLine(to: &$0) }
                } else {
                    try output.append { out in
                        out += entry.path.bytes
                        out.append(terminator)
                    }
                }
            case .event(.failure(let error)):
                Console.error(error)
                failed = true
            case .event(.skipped(let path, let reason)):
                Console.message(path: path, reason.description)
            }
        }
        if let shardHeader {
            var summary = RunSummary()
            summary.files = records
            let footer = ShardPart.Footer(shard: shardHeader.shard, records: records, summary: summary)
            try output.append { $0 += footer.record(format: shardHeader.format, terminator: terminator) }
        }
        try output.flush()
        if failed { throw ExitCode(1) }
    }
}
