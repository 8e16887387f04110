import ArgumentParser
import Sweep
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Prints what `sum --update`, `check --audit` and `scrub` report: one line (or JSON object) per
/// path worth mentioning, a summary on standard error, and the exit status.
struct LedgerReport: Sendable {
    var json: Bool
    var progress: Bool?

    /// `sum --update`: the manifest is the output, so standard output stays quiet unless --json.
    func update(with updater: ManifestUpdater) async throws {
        let json = self.json
        let (counters, progress) = Self.progressLine(enabled: progress)
        var updater = updater
        if progress != nil { updater.options.progress = counters }
        let runner = updater
        let status = try await Interruption.run { () async throws -> Int32 in
            var output = OutputBuffer(descriptor: STDOUT_FILENO)
            let ticker = progress.map { line in Task { await line.run() } }
            do {
                let summary = try await runner.run { event in
                    switch event {
                    case .file(let path, let state, let digest, let hashed):
                        if json {
                            try output.append {
                                JSONValue.object(FilePath(bytes: path).jsonMembers() + [
                                    ("state", .string(state.rawValue)), ("hashed", .bool(hashed)),
                                    (digest.algorithm.rawValue, .string(digest.hex)),
                                ]).appendLine(to: &$0)
                            }
                        }
                        case .removed(let path, let digest):
                        if json {
                            try output.append {
                                JSONValue.object(FilePath(bytes: path).jsonMembers() + [
                                    ("state", .string("removed")), (digest.algorithm.rawValue, .string(digest.hex)),
                                ]).appendLine(to: &$0)
                            }
                        }
                    case .failed(let error):
                        try output.flush()
                        Console.error(error)
                    case .skipped(let path, let reason):
                        Console.message(path: path, reason.description)
                    }
                }
                await Self.endProgress(ticker)
                if let distrust = summary.distrust {
                    Console.message("\(runner.manifest): \(distrust): nothing was trusted, every file was hashed")
                }
                Console.message("\(runner.manifest): \(summary.unchanged) unchanged, \(summary.changed) changed, \(summary.new) new, \(summary.removed) removed; hashed \(summary.hashed) files (\(summary.hashedBytes) bytes)"
                    + (summary.failed > 0 ? "; \(summary.failed) could not be read (left out)" : ""))
                if json {
                    try output.append {
                        JSONValue.object([("summary", .object([
                            ("unchanged", .integer(Int64(summary.unchanged))), ("changed", .integer(Int64(summary.changed))),
                            ("new", .integer(Int64(summary.new))), ("removed", .integer(Int64(summary.removed))),
                            ("failed", .integer(Int64(summary.failed))), ("hashed", .integer(Int64(summary.hashed))),
                            ("hashed_bytes", .integer(summary.hashedBytes)),
                            ("trusted_ledger", .bool(summary.distrust == nil)),
                        ]))]).appendLine(to: &$0)
                    }
                }
                try output.flush()
                return summary.failed > 0 ? 1 : 0
            } catch {
                await Self.endProgress(ticker)
                if error is CancellationError { throw error }
                try? output.flush()
                Self.say(error, manifest: runner.manifest)
                return 1
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// `check --audit`: `PATH: KIND` for each path that is not ok (none with `--status`), counts on
    /// standard error.
    func audit(with auditor: ManifestAuditor, silent: Bool) async throws {
        let json = self.json
        let (counters, progress) = Self.progressLine(enabled: progress)
        var auditor = auditor
        if progress != nil { auditor.options.progress = counters }
        let runner = auditor
        let status = try await Interruption.run { () async throws -> Int32 in
            var output = OutputBuffer(descriptor: STDOUT_FILENO)
            let ticker = progress.map { line in Task { await line.run() } }
            do {
                let summary = try await runner.run { verdict in
                    if let error = verdict.error {
                        try output.flush()
                        Console.error(error)
                    }
                    if json {
                        try output.append { Self.jsonValue(of: verdict).appendLine(to: &$0) }
                    } else if verdict.kind != .ok && !silent {
                        try output.append { Self.appendLine(verdict, to: &$0) }
                    }
                }
                await Self.endProgress(ticker)
                try output.flush()
                if !summary.hasLedger {
                    Console.message("\(runner.ledgerPath): no ledger: corrupt cannot be told from changed (sweep sum --update \(runner.manifest) builds one)")
                }
                Console.message("\(runner.manifest): " + Self.describe(summary.counts))
                if json {
                    try output.append { Self.summaryJSON(summary.counts, extra: [("ledger", .bool(summary.hasLedger))]).appendLine(to: &$0) }
                    try output.flush()
                }
                return summary.counts.exitStatus
            } catch {
                await Self.endProgress(ticker)
                if error is CancellationError { throw error }
                try? output.flush()
                Self.say(error, manifest: runner.manifest)
                return 1
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// `scrub`: `PATH: KIND` for each file that is not ok; what was done and what remains on standard error.
    func scrub(with scrubber: Scrubber) async throws {
        let json = self.json
        let (counters, progress) = Self.progressLine(enabled: progress)
        var scrubber = scrubber
        if progress != nil { scrubber.options.progress = counters }
        let runner = scrubber
        let status = try await Interruption.run { () async throws -> Int32 in
            var output = OutputBuffer(descriptor: STDOUT_FILENO)
            let ticker = progress.map { line in Task { await line.run() } }
            let started = FileTime.now
            do {
                let summary = try await runner.run { verdict in
                    if let error = verdict.error {
                        try output.flush()
                        Console.error(error)
                    }
                    if json {
                        try output.append { Self.jsonValue(of: verdict).appendLine(to: &$0) }
                    } else if verdict.kind != .ok {
                        try output.append { Self.appendLine(verdict, to: &$0) }
                    }
                }
                await Self.endProgress(ticker)
                try output.flush()
                let seconds = FileTime.now.seconds(since: started)
                let oldest = summary.oldestVerification.map { Self.date($0) } ?? "never (\(summary.neverVerified) files not yet verified)"
                Console.message("\(runner.manifest): verified \(AuditVerdict.Kind.allCases.reduce(0) { $0 + summary.counts[$1] }) files (\(summary.counts.bytes) bytes) in \((seconds * 10).rounded() / 10) s: "
                    + Self.describe(summary.counts))
                Console.message("\(runner.manifest): \(summary.remainingFiles) files (\(summary.remainingBytes) bytes) remain to verify; oldest verification: \(oldest)")
                if json {
                    try output.append {
                        Self.summaryJSON(summary.counts, extra: [
                            ("remaining_files", .integer(summary.remainingFiles)), ("remaining_bytes", .integer(summary.remainingBytes)),
                            ("oldest_verification", summary.oldestVerification.map { .string(Self.date($0)) } ?? .null),
                            ("never_verified", .integer(summary.neverVerified)),
                        ]).appendLine(to: &$0)
                    }
                    try output.flush()
                }
                return summary.counts.exitStatus
            } catch {
                await Self.endProgress(ticker)
                if error is CancellationError { throw error }
                try? output.flush()
                Self.say(error, manifest: runner.manifest)
                return 1
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// `2026-12-02T12:34:56Z` for nanoseconds since the epoch.
    static func date(_ nanoseconds: Int64) -> String {
        var seconds = time_t(nanoseconds / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func appendLine(_ verdict: AuditVerdict, to out: inout [UInt8]) {
        out += verdict.path
        out += Array(": \(verdict.kind.label)".utf8)
        if let from = verdict.movedFrom {
            out += Array(" from ".utf8)
            out += from
        }
        out.append(UInt8(ascii: "\n"))
    }

    static func jsonValue(of verdict: AuditVerdict) -> JSONValue {
        var members = FilePath(bytes: verdict.path).jsonMembers() + [("verdict", .string(verdict.kind.rawValue))]
        if let from = verdict.movedFrom { members += FilePath(bytes: from).jsonMembers(key: "from") }
        if let changed = verdict.changeTimeChanged { members.append(("ctime_changed", .bool(changed))) }
        if let error = verdict.error { members.append(("error", .string(error.message))) }
        return .object(members)
    }

    static func describe(_ counts: AuditCounts) -> String {
        AuditVerdict.Kind.allCases.filter { $0 == .ok || counts[$0] > 0 }.map { "\(counts[$0]) \($0.rawValue)" }.joined(separator: ", ")
    }

    static func summaryJSON(_ counts: AuditCounts, extra: [(String, JSONValue)]) -> JSONValue {
        .object([("summary", .object(AuditVerdict.Kind.allCases.map { ($0.rawValue, JSONValue.integer(Int64(counts[$0]))) } + extra))])
    }

    /// A failure that ends the run, said once, with what was left as it was.
    static func say(_ error: any Error, manifest: FilePath) {
        switch error {
        case let error as LedgerError: Console.message(error.description + "; \(manifest) was not changed")
        case let error as FileError: Console.error(error)
        case let error as WriteError: Console.error(FileError(path: manifest, reason: .system(error.errno)))
        default: Console.message("\(manifest): \(error)")
        }
    }

    /// The progress line of a ledger command, with the counters its readers update (nil when off).
    private static func progressLine(enabled: Bool?) -> (ReadProgress, ProgressLine?) {
        let counters = ReadProgress()
        return (counters, ProgressLine(progress: counters, enabled: enabled))
    }

    /// Stops the progress line's timer and waits for it, so the line is erased (by the timer task
    /// itself) before anything final is written, as `CommandRunner` does.
    private static func endProgress(_ ticker: Task<Void, Never>?) async {
        ticker?.cancel()
        await ticker?.value
    }
}
