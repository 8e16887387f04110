import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Verifies checksum manifests as `sha256sum -c` does, with the files read in parallel and the
/// verdicts delivered in manifest order. The manifest is streamed: a million lines cost no more
/// memory than a hundred.
///
/// Every line form coreutils reads is accepted (see ``ChecksumManifestParser``); the algorithm of
/// each line comes from its tag or the length of its hex, so one manifest may mix algorithms.
///
/// ```swift
/// let verifier = ManifestVerifier()
/// let summary = try await verifier.verify(.file("SHA256SUMS")) { verdict in
///     if case .mismatched(let entry, _) = verdict.outcome { print("changed:", entry.path) }
/// }
/// print(summary.succeeded(strict: false, ignoreMissing: false))
/// ```
public struct ManifestVerifier: Sendable {
    /// Where a manifest is read from.
    public enum Source: Sendable, Hashable {
        /// A manifest file.
        case file(FilePath)
        /// Standard input (`-`), named `standard input` in messages (which quote it as coreutils
        /// quotes any name with a space: `'standard input'`).
        case standardInput

        /// The name used in messages, as coreutils names it.
        public var displayName: [UInt8] {
            switch self {
            case .file(let path): path.bytes
            case .standardInput: Array("standard input".utf8)
            }
        }
    }

    /// Concurrency, ordering, I/O backend for reading the listed files.
    public var options: PipelineOptions
    /// Only lines of this algorithm are valid (`-a`); `nil` accepts every algorithm.
    public var algorithm: DigestAlgorithm?
    /// Entries end in NUL instead of a newline (`-z`, as `sweep sum -z` writes them).
    public var nulSeparated: Bool
    /// A listed file that does not exist is skipped silently (`--ignore-missing`).
    public var ignoreMissing: Bool
    /// When a listed `FILE` is absent but `FILE.gz` exists, verify the decompressed stream of
    /// `FILE.gz` instead (`--decompress`): a compressed archive audited against its originals'
    /// checksums, with no temporary files.
    public var decompressMissing = false
    /// Only these lines (numbered from 1, as in messages) are read and judged; the others are
    /// passed over and counted nowhere (`check --shard`, with ``Shard/consecutiveShare(of:)``).
    public var lines: Range<Int>?

    /// A verifier with the given settings.
    public init(
        options: PipelineOptions = PipelineOptions(), algorithm: DigestAlgorithm? = nil,
        nulSeparated: Bool = false, ignoreMissing: Bool = false
    ) {
        self.options = options
        self.algorithm = algorithm
        self.nulSeparated = nulSeparated
        self.ignoreMissing = ignoreMissing
    }

    /// Verifies one manifest, calling `body` with each verdict in manifest order (comments and
    /// empty lines give none). Throws a ``FileError`` if the manifest itself cannot be opened or
    /// read, after delivering the verdicts of the lines read before the failure.
    public func verify(
        _ source: Source, isolation: isolated (any Actor)? = #isolation, _ body: (CheckVerdict) async throws -> Void
    ) async throws -> CheckSummary {
        let lines = try ManifestLines(source: source, algorithm: algorithm, nulSeparated: nulSeparated)
        let ignoreMissing = self.ignoreMissing
        let decompressMissing = self.decompressMissing
        let share = self.lines
        let options = self.options
        var summary = CheckSummary()
        try await ReadScheduler(options: options).run(
            lines.stream(), isolation: isolation,
            immediate: { item -> CheckVerdict?? in
                if let share, !share.contains(item.number) { return .some(nil) }
                switch item.line {
                case .entry: return nil
                case .comment, .empty: return .some(nil)
                case .improperlyFormatted:
                    return .some(CheckVerdict(lineNumber: item.number, outcome: .improperlyFormatted, lastTag: item.lastTag))
                }
            },
            // Sizes are unknown until opened.
            cost: { _ in options.unknownSizeCost },
            read: { items, reader, cancelled in
                await Self.check(
                    items, reader: reader, options: options, ignoreMissing: ignoreMissing, decompressMissing: decompressMissing,
                    cancelled: cancelled)
            },
            deliver: { verdict in
                guard let verdict else { return }
                if verdict.isRead { options.progress?.fileDone() }
                summary.record(verdict)
                try await body(verdict)
            })
        if let error = lines.readError { throw error }
        return summary
    }

    /// How many lines (records, with `nulSeparated`) a manifest file has: what a shard's share is
    /// taken from.
    ///
    /// ```swift
    /// let share = shard.consecutiveShare(of: try ManifestVerifier.lineCount(of: "SHA256SUMS", nulSeparated: false))
    /// ```
    public static func lineCount(of path: FilePath, nulSeparated: Bool) throws(FileError) -> Int {
        let descriptor = path.withPlatformString { open($0, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw FileError.lastSystemError(path) }
        defer { close(descriptor) }
        var reader = DelimitedRecordReader(fileDescriptor: descriptor, delimiter: nulSeparated ? 0 : UInt8(ascii: "\n"))
        var count = 0
        do {
            while try reader.next() != nil { count += 1 }
        } catch {
            throw FileError(path: path, reason: .system(error))
        }
        return count
    }

    private static func check(
        _ items: [ManifestLines.Item], reader: ReaderSelection, options: PipelineOptions, ignoreMissing: Bool,
        decompressMissing: Bool, cancelled: CancellationFlag
    ) async -> [WorkOutcome<CheckVerdict?>] {
        let entries = items.map { item -> ManifestEntry in
            guard case .entry(let entry) = item.line else { preconditionFailure("only entries are checked") }
            return entry
        }
        let requests = DigestRequests.make(
            entries.lazy.map { ($0.path, $0.expected.algorithm) }, options: options, deferIfLargerThan: Int64(options.batchBytes))
        // A nil read is a large file deferred to a batch of its own.
        var reads = await reader.read(requests, isCancelled: { cancelled.isSet })
        if decompressMissing {
            // Only the files found missing are retried, as FILE.gz through the decoder.
            let missing = reads.indices.filter { if case .failure(let error)? = reads[$0] { error.errno == .noSuchFileOrDirectory } else { false } }
            if !missing.isEmpty {
                let retries = missing.map { index in
                    ReadRequest(FileEntry(path: FilePath(bytes: entries[index].path + Array(".gz".utf8))),
                                into: Pipeline(stage: DecompressedStage(DigestStage(entries[index].expected.algorithm)), options: options).makeConsumer())
                }
                let retried = await reader.read(retries, isCancelled: { cancelled.isSet }).map { $0! }
                for (index, result) in zip(missing, retried) {
                    // A missing FILE.gz too is reported as FILE missing, as without --decompress.
                    if case .failure(let error) = result, error.errno == .noSuchFileOrDirectory { continue }
                    reads[index] = result
                }
            }
        }
        return zip(zip(items, entries), reads).map { pair, read in
            let (item, entry) = pair
            switch read {
            case nil:
                return .retryAlone
            case .success(let read)?:
                let outcome: CheckVerdict.Outcome = read.output == entry.expected ? .matched(entry) : .mismatched(entry, actual: read.output)
                return .done(CheckVerdict(lineNumber: item.number, outcome: outcome))
            case .failure(let error)?:
                if ignoreMissing && error.errno == .noSuchFileOrDirectory {
                    return .done(CheckVerdict(lineNumber: item.number, outcome: .missingIgnored(entry)))
                }
                return .done(CheckVerdict(lineNumber: item.number, outcome: .unreadable(entry, error)))
            }
        }
    }
}
