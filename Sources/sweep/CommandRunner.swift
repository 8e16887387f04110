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
    /// Renders one processed file as text; `nil` prints nothing for it.
    var render: (@Sendable (_ output: S.Output, _ result: FileResult<S.Output>, _ out: inout [UInt8]) -> Void)?
    /// Called after the last result, for text that sums up (a `total` line).
    var finish: @Sendable (_ summary: RunSummary, _ out: inout [UInt8]) -> Void = { _, _ in }
    /// A warning about a file that was processed all the same (gzip's trailing garbage): exit 2.
    var warning: @Sendable (_ output: S.Output) -> String? = { _ in nil }
    /// A remark about a processed file that leaves the exit status alone.
    var notice: @Sendable (_ output: S.Output) -> String? = { _ in nil }
    /// Whether a FIFO, socket or device named as an argument is a warning (exit 2), as gzip has it.
    var warnsOfNamedSpecialFiles = false
    /// Adjusts what the walk lists (gzip leaves `.gz` files out).
    var adjustWalk: @Sendable (_ options: WalkOptions) -> WalkOptions = { $0 }
    /// Reports the run on standard error at the end (gzip's summary), given the elapsed seconds.
    var report: @Sendable (_ summary: RunSummary, _ seconds: Double) -> Void = { _, _ in }
    /// How the pipeline runs, when not as `-j` and `--io` say (one file at a time for `gzip -c`).
    var pipelineOptions: PipelineOptions?
    /// Standard input's name in messages, when not `-` (gzip calls it `stdin`).
    var standardInputName: FilePath?
    /// gzip's `-q`: warnings and notes go unsaid (the exit status still tells), errors are printed.
    var quiet = false
    /// The stage writes to standard output too (`gzip -c`): a regular file there is not walked
    /// into, even when `-o`/`--manifest` names another output.
    var writesToStandardOutput = false
    /// The stream the stage writes to, if any: once a write to it fails, the run stops, as gzip
    /// stops at `stdout: No space left on device`.
    var stream: StreamOutput?
    /// With `--shard`: the output is a part for `sweep merge`, opened by this header and closed by
    /// an end line that counts its records and carries the totals (instead of a total line or the
    /// JSON summary, which merge recomputes). A command that prints nothing prints no part.
    var shardHeader: ShardPart.Header?

    func run() async throws {
        let runner = self
        let status = try await Interruption.run { try await runner.execute() }
        if status != 0 { throw ExitCode(status) }
    }

    /// The exit status: 1 if any file failed, 2 if one only warned (as gzip ranks them), else 0.
    private func execute() async throws -> Int32 {
        var destination: DurableFile?
        var descriptor = STDOUT_FILENO
        if let outputFile {
            do {
                destination = try DurableFile(path: RawArguments.shared.path(outputFile))
                descriptor = destination!.descriptor.rawValue
            } catch {
                Console.error(error)
                return 1
            }
        }
        // Never hash the file our output is going to (`sweep sum . > SHA256SUMS`): it is being written.
        var skipping = Set<FileIdentity>()
        for output in writesToStandardOutput ? [descriptor, STDOUT_FILENO] : [descriptor] {
            var info = stat()
            if fstat(output, &info) == 0, FileStatus(info).isRegularFile { skipping.insert(FileStatus(info).identity) }
        }

        // The progress line: counters the readers update chunk by chunk, drawn by a timer task so
        // that it moves while one large file is read.
        let counters = ReadProgress()
        let progress = ProgressLine(progress: counters, enabled: common.progress)
        let adjustWalk = self.adjustWalk
        let adjust: @Sendable (WalkOptions) -> WalkOptions = { [progressing = progress != nil] options in
            var options = adjustWalk(options)
            // Sizes while walking, for the total the percentage and time left are reckoned from.
            if progressing { options.statFiles = true }
            return options
        }
        let walker = common.walker(paths: paths, skipping: skipping, adjust: adjust)
        var options = pipelineOptions ?? common.pipelineOptions()
        if progress != nil { options.progress = counters }
        let pipeline = Pipeline(stage: stage, options: options)
        let ticker = progress.map { line in Task { await line.run() } }
        // The streamed walk ends only when the pipeline asks for more than there is, near the end
        // of the run: a walk of its own sizes the roots ahead of it, for a percentage from the
        // start. Always when the roots are only files (a stat each); over directories only when
        // the line was asked for by name (it costs a second walk). Never over standard input or a
        // list read from it, which cannot be read twice.
        let sizeable = progress != nil && common.selection.filesFrom == nil && !paths.contains("-") && !paths.isEmpty
        // A task of its own beside `pipeline.run` (which holds this scope's structured children),
        // cancelled and awaited by `endProgress`, so it never outlives the run.
        let preWalk: Task<Void, Never>? =
            sizeable && (common.progress == true || Self.noneIsADirectory(paths))
            ? Task(priority: .utility) { [common, paths, skipping] in
                var files = 0
                var bytes: Int64 = 0
                for await event in common.walker(paths: paths, skipping: skipping, adjust: adjust).events() {
                    if Task.isCancelled { return }
                    if case .file(let entry) = event { files += 1; bytes += entry.status?.size ?? 0 }
                }
                counters.preWalkFinished(files: files, bytes: bytes)
            }
            : nil
        /// Ends the progress line before anything final is written: the timer stops, the line is erased.
        func endProgress() async {
            preWalk?.cancel()
            ticker?.cancel()
            await preWalk?.value
            await ticker?.value
        }
        let quiet = self.quiet
        let stream = self.stream
        let standardInputName = self.standardInputName
        func named(_ path: FilePath) -> FilePath {
            guard let standardInputName, path == "-" else { return path }
            return standardInputName
        }
        var output = OutputBuffer(descriptor: descriptor)
        let json = common.json
        let stageName = stage.name
        let started = FileTime.now
        var worst: FailureSeverity?
        let warnsOfNamedSpecialFiles = self.warnsOfNamedSpecialFiles
        let shardHeader = render != nil || json ? self.shardHeader : nil
        let terminator: UInt8 = shardHeader?.format.hasSuffix("-z") == true ? 0 : 0x0A
        var records = 0

        // What goes to the terminal the progress line is on is written on a clean line (the next
        // tick draws the progress line again below it); results meant for a terminal are not held
        // back in the buffer meanwhile.
        let outputIsTerminal = progress != nil && isatty(descriptor) == 1
        func say(_ message: () -> Void) {
            if let progress { progress.clear(while: message) } else { message() }
        }
        func deliver(_ result: FileResult<S.Output>) throws {
            if json {
                try output.append { result.jsonValue(stageName: stageName).appendLine(to: &$0) }
                records += 1
            }
            switch result.outcome {
            case .processed(let value):
                if !json, let render {
                    // A shard part's end line counts the records it holds.
                    try output.append { out in
                        let before = out.count
                        render(value, result, &out)
                        if out.count > before { records += 1 }
                    }
                }
                if let text = warning(value) {
                    if !quiet { say { Console.message(path: named(result.path), text) } }
                    worst = max(worst ?? .warning, .warning)
                }
                if !quiet, let text = notice(value) { say { Console.message(path: named(result.path), text) } }
            case .failed(var error):
                if error.path == "-" { error.path = named(error.path) }
                guard let severity = Self.severity(of: error, quiet: quiet) else { break }
                if !quiet || severity == .error || Self.isSaidEvenWhenQuiet(error) { say { Console.error(error) } }
                worst = max(worst ?? severity, severity)
                if stream?.failure != nil { throw StreamFailed() }
            case .skipped(.namedSpecialFile) where warnsOfNamedSpecialFiles:
                if !quiet { say { Console.error(FileError(path: result.path, reason: .cause(GzipRefusal.notARegularFile))) } }
                worst = max(worst ?? .warning, .warning)
            case .skipped(let reason):
                if !quiet { say { Console.message(path: result.path, reason.description) } }
            }
            if outputIsTerminal {
                try progress?.clear { try output.flush() }
            }
        }

        let summary: RunSummary
        do {
            if let shardHeader { try output.append { $0 += shardHeader.record(terminator: terminator) } }
            if progress != nil {
                summary = try await pipeline.run(counters.counting(walker.events())) { try deliver($0) }
            } else {
                summary = try await pipeline.run(walker.events()) { try deliver($0) }
            }
            await endProgress()
            let seconds = FileTime.now.seconds(since: started)
            report(summary, seconds)
            if let shardHeader {
                let footer = ShardPart.Footer(shard: shardHeader.shard, records: records, summary: summary, seconds: seconds)
                try output.append { $0 += footer.record(format: shardHeader.format, terminator: terminator) }
            } else if json {
                try output.append { summary.jsonValue(seconds: seconds).appendLine(to: &$0) }
            } else {
                try output.append { finish(summary, &$0) }
            }
            try output.flush()
            try destination?.commit(replacing: true)
        } catch let error as WriteError {
            await endProgress()
            destination?.discard()
            let name = outputFile.map { RawArguments.shared.path($0) } ?? "standard output"
            Console.error(FileError(path: name, reason: .system(error.errno)))
            return 1
        } catch is StreamFailed {
            // Already reported with the file it cut short.
            await endProgress()
            destination?.discard()
            return 1
        } catch let error as FileError {
            await endProgress()
            destination?.discard()
            Console.error(error)
            return 1
        } catch {
            // Interrupted: the line is erased before the run ends.
            await endProgress()
            throw error
        }
        switch worst {
        case .error: return 1
        case .warning: return 2
        case .notice, nil: return 0
        }
    }

    /// Whether none of `paths` is a directory (or a link to one): sizing them is a stat each.
    private static func noneIsADirectory(_ paths: [String]) -> Bool {
        paths.allSatisfy { argument in
            var info = stat()
            let found = RawArguments.shared.path(argument).withPlatformString { stat($0, &info) } == 0
            return !found || !FileStatus(info).isDirectory
        }
    }

    /// A failure's weight in the exit status; nil for none. gzip -q does not count an unknown
    /// suffix (without -q, a warning), as it does not mention it.
    private static func severity(of error: FileError, quiet: Bool) -> FailureSeverity? {
        if quiet, let refusal = error.cause as? GzipRefusal, refusal == .unknownSuffix { return nil }
        return error.severity
    }

    /// gzip -q still says that an output exists and was not overwritten.
    private static func isSaidEvenWhenQuiet(_ error: FileError) -> Bool {
        (error.cause as? GzipRefusal) == .alreadyExists
    }
}

/// Ends a run whose output stream can take no more.
private struct StreamFailed: Error {}
