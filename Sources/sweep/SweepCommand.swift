import ArgumentParser

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Bulk file processing in parallel: checksums, gzip compression, line counts, several stages over one read.",
        discussion: """
            sum and check write and verify manifests as sha256sum and sha256sum -c do; gzip and gunzip \
            compress and restore as gzip does (crash-safe, safe as root; standard input to standard \
            output when no file is named); lines counts as wc -l; run combines stages; list shows \
            what would be processed. With --shard K/N each command does one share of the files (one \
            task of a Slurm array or Kubernetes Indexed Job), and merge joins the parts into exactly \
            what one run would print.

            Examples:
              sweep sum . > SHA256SUMS
              sweep check SHA256SUMS
              sweep gzip --older-than 7d /var/log/app
              sweep gunzip -k archive/app.log.gz
              sweep lines /var/log/app
              sweep run -s sha256 -s lines logs/
              sweep sum --shard auto/64 -o parts/sums.$SLURM_ARRAY_TASK_ID /data   (each array task)
              sweep merge parts/sums.* -o SHA256SUMS                                (then once)
            """,
        version: "0.1.0",
        subcommands: [SumCommand.self, CheckCommand.self, ScrubCommand.self, GzipCommand.self, GunzipCommand.self, LinesCommand.self, RunCommand.self, ListCommand.self, MergeCommand.self])

    /// No subcommand: the help, on standard error as for any usage error, and exit 64 (EX_USAGE).
    mutating func run() throws {
        Console.plain(Self.helpMessage() + "\n")
        throw ExitCode(64)
    }
}
