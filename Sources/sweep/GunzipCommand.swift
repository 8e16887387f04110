import ArgumentParser
import Sweep
import SystemPackage

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
