import ArgumentParser
import Sweep

struct RunCommand: ParsableCommand, ProcessingCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run several stages over one read of each file.",
        discussion: """
            Each line holds NAME=VALUE for every stage, then two spaces and the path.

            Examples:
              sweep run -s sha256 -s lines logs/
              sweep run -s crc32 -s md5 --json big.iso
            """)

    @Option(name: [.short, .customLong("stage")], help: ArgumentHelp("A stage: \(StageRegistry.builtin.names.joined(separator: ", ")) (repeatable).", valueName: "STAGE"))
    var stages: [String] = []

    @OptionGroup var common: CommonOptions

    @Argument(help: "Files and directories (default: .); - is standard input.")
    var paths: [String] = []

    mutating func validate() throws {
        guard !stages.isEmpty else { throw ValidationError("give at least one stage with -s") }
        do {
            _ = try StageRegistry.builtin.stages(named: stages)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func execute() async throws {
        let list = try StageRegistry.builtin.stages(named: stages, settings: .init(concurrency: common.jobs))
        var runner = CommandRunner(
            stage: list, common: common, paths: paths,
            render: { outputs, result, out in
                for (name, value) in zip(outputs.names, outputs.values) {
                    let text = (value as? GzipResult).map { String($0.compressedSize) } ?? "\(value)"
                    out += Array("\(name)=\(text) ".utf8)
                }
                out.append(UInt8(ascii: " "))
                out += result.path.bytes
                out.append(UInt8(ascii: "\n"))
            },
            adjustWalk: { [stages] in stages.contains("gzip") ? GzipStage.walkOptions($0) : $0 }
        )
        runner.shardHeader = try common.selection.shardHeader(
            command: "run", format: "run", settings: stages.joined(separator: ","), paths: paths)
        try await runner.run()
    }
}
