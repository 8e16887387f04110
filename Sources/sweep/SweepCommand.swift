import ArgumentParser

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Bulk file processing in parallel: checksums, line counts, several stages over one read.",
        discussion: """
            Examples:
              sweep sum . > SHA256SUMS
              sweep lines /var/log/app
              sweep run -s sha256 -s lines logs/
            """,
        version: "0.1.0",
        subcommands: [SumCommand.self, CheckCommand.self, GzipCommand.self, GunzipCommand.self, LinesCommand.self, RunCommand.self, ListCommand.self])
}
