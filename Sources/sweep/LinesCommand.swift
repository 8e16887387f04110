import ArgumentParser
import Sweep

struct LinesCommand: ParsableCommand, ProcessingCommand {
    static let configuration = CommandConfiguration(
        commandName: "lines",
        abstract: "Count lines (newline bytes) of every file, as wc -l does, in parallel.",
        discussion: """
            Examples:
              sweep lines /var/log/app
              sweep lines --include '*.swift' Sources
              sweep lines --json logs | jq .lines
              git ls-files -z | sweep lines --files-from - -0
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: "Files and directories (default: standard input); - is standard input.")
    var paths: [String] = []

    func execute() async throws {
        // As wc with no file: standard input, its count printed alone.
        let unnamed = paths.isEmpty && common.selection.filesFrom == nil
        var runner = CommandRunner(
            stage: LineCountStage(), common: common, paths: common.selection.pathsDefaultingToStandardInput(paths),
            render: { count, result, out in
                if unnamed {
                    out += Array("\(count.lines)\n".utf8)
                } else {
                    result.path.withBytes { LinesCommand.appendRow(count: count.lines, name: $0, to: &out) }
                }
            },
            finish: { summary, out in
                // As wc: a total only when more than one file was counted.
                if summary.files > 1 {
                    LinesCommand.appendRow(count: summary.totals["lines"] ?? 0, name: Array("total".utf8), to: &out)
                }
            }
        )
        runner.shardHeader = try common.selection.shardHeader(
            command: "lines", format: "lines", settings: "", paths: common.selection.pathsDefaultingToStandardInput(paths))
        try await runner.run()
    }

    /// `COUNT NAME`, the count right-aligned in 7 columns as wc aligns it when it cannot size them first.
    static func appendRow(count: UInt64, name: some Collection<UInt8>, to out: inout [UInt8]) {
        // Digits written in place, right-aligned in 7 columns as wc does: no string per row.
        var digitCount = 1
        var rest = count / 10
        while rest > 0 { digitCount += 1; rest /= 10 }
        if digitCount < 7 { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 7 - digitCount)) }
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digitCount))
        var value = count
        for index in stride(from: start + digitCount - 1, through: start, by: -1) {
            out[index] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
        out.append(UInt8(ascii: " "))
        // As wc 9.1: a name with a newline is shell-quoted, so that a row stays one line.
        if name.contains(0x0A) { out += ShellQuoting.quote(Array(name)) } else { out.append(contentsOf: name) }
        out.append(UInt8(ascii: "\n"))
    }
}
