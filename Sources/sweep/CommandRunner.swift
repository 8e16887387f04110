import ArgumentParser
import Sweep
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs one pipeline for a command: results rendered in order to standard output (or atomically to
/// `-o FILE`), errors and notes on standard error, an optional progress line and JSON summary, and
/// the exit status coreutils would give (1 when any file failed).
struct CommandRunner<S: Stage>: Sendable {
    var stage: S
    var common: CommonOptions
    var paths: [String]
    /// `-o FILE`: written to a temporary beside it and renamed into place only when complete.
    var outputFile: String?
    /// Renders one processed file as text.
    var render: @Sendable (_ output: S.Output, _ result: FileResult<S.Output>, _ out: inout [UInt8]) -> Void
    /// Called after the last result, for text that sums up (a `total` line).
    var finish: @Sendable (_ summary: RunSummary, _ out: inout [UInt8]) -> Void = { _, _ in }

    func run() async throws {
        let runner = self
        let succeeded = try await Interruption.run { try await runner.execute() }
        if !succeeded { throw ExitCode(1) }
    }

    private func execute() async throws -> Bool {
        var destination: AtomicFileWriter?
        var descriptor = STDOUT_FILENO
        if let outputFile {
            do {
                destination = try AtomicFileWriter(destination: RawArguments.shared.path(outputFile))
                descriptor = destination!.descriptor
            } catch {
                Console.error(error)
                return false
            }
        }
        // Never hash the file our output is going to (`sweep sum . > SHA256SUMS`): it is being written.
        var skipping = Set<FileIdentity>()
        var info = stat()
        if fstat(descriptor, &info) == 0, FileStatus(info).isRegularFile { skipping.insert(FileStatus(info).identity) }

        let walker = common.walker(paths: paths, skipping: skipping)
        let pipeline = Pipeline(stage: stage, options: common.pipelineOptions())
        var output = OutputBuffer(descriptor: descriptor)
        var progress = ProgressLine(enabled: common.progress)
        let json = common.json
        let stageName = stage.name
        let started = FileTime.now

        let summary: RunSummary
        do {
            summary = try await pipeline.run(walker.events()) { result in
                switch result.outcome {
                case .processed(let value):
                    if json {
                        try output.append { result.jsonValue(stageName: stageName).append(to: &$0); $0.append(0x0A) }
                    } else {
                        try output.append { render(value, result, &$0) }
                    }
                case .failed(let error):
                    if json { try output.append { result.jsonValue(stageName: stageName).append(to: &$0); $0.append(0x0A) } }
                    Console.error(error)
                case .skipped(let reason):
                    if json { try output.append { result.jsonValue(stageName: stageName).append(to: &$0); $0.append(0x0A) } }
                    Console.message(path: result.path, reason.description)
                }
                progress?.advance(bytes: result.bytesRead)
            }
            progress?.finish()
            if json {
                let seconds = Double(FileTime.now.seconds - started.seconds) + Double(FileTime.now.nanoseconds - started.nanoseconds) / 1e9
                try output.append { summary.jsonValue(seconds: seconds).append(to: &$0); $0.append(0x0A) }
            } else {
                try output.append { finish(summary, &$0) }
            }
            try output.flush()
            try destination?.commit()
        } catch let error as WriteError {
            progress?.finish()
            destination?.discard()
            let name = outputFile.map { RawArguments.shared.path($0) } ?? "standard output"
            Console.error(FileError(path: name, reason: .system(Errno(rawValue: error.errno))))
            return false
        } catch let error as FileError {
            progress?.finish()
            destination?.discard()
            Console.error(error)
            return false
        }
        return summary.succeeded
    }
}
