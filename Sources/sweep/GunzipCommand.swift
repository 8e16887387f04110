import ArgumentParser
import Sweep
import SystemPackage

struct GunzipCommand: ParsableCommand, ProcessingCommand {
    static let configuration = CommandConfiguration(
        commandName: "gunzip",
        abstract: "Decompress FILE.gz to FILE: the same as sweep gzip -d.",
        discussion: """
            FILE.tgz and FILE.taz become FILE.tar; .z, -gz, -z and _z are known too, in any case, and \
            -S adds a suffix. With no file (or -), standard input is decompressed to standard output.

            Examples:
              sweep gunzip logs/
              sweep gunzip -k archive/app.log.gz
              sweep gunzip -c app.log.gz | less
            """)

    @Flag(name: [.short, .long], help: "Test the integrity of .gz files; write nothing.")
    var test = false

    @OptionGroup var age: AgeOption

    @OptionGroup var options: GzipOptions

    func execute() async throws {
        var gzip = try GzipCommand.parse([])
        gzip.decompress = true
        gzip.test = test
        gzip.age = age
        gzip.options = options
        try gzip.checkBeforeReading(command: "gunzip")
        try await gzip.process()
    }
}
