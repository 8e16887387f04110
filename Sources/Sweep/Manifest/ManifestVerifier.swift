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
        /// Standard input (`-`), named `'standard input'` in messages.
        case standardInput

        /// The name used in messages, as coreutils names it.
        public var displayName: [UInt8] {
            switch self {
            case .file(let path): path.bytes
            case .standardInput: Array("'standard input'".utf8)
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
        _ source: Source, _ body: (CheckVerdict) async throws -> Void
    ) async throws -> CheckSummary {
        let lines = try ManifestLines(source: source, algorithm: algorithm, nulSeparated: nulSeparated)
        let reader = ReaderSelection(options)
        defer { reader.shutdown() }
        let cancelled = CancellationFlag()
        let ignoreMissing = self.ignoreMissing
        let decompressMissing = self.decompressMissing
        var summary = CheckSummary()
        try await withTaskCancellationHandler {
            try await OrderedWorkPool(options, reader: reader).run(
                lines.stream(),
                immediate: { item -> CheckVerdict?? in
                    switch item.line {
                    case .entry: return nil
                    case .comment, .empty: return .some(nil)
                    case .improperlyFormatted:
                        return .some(CheckVerdict(lineNumber: item.number, outcome: .improperlyFormatted))
                    }
                },
                // Sizes are unknown until opened: a few files per batch still saves most hand-offs,
                // while one large file delays only a few neighbours.
                cost: { _ in max(1, options.batchBytes / 8) },
                work: { items in
                    await Self.check(items, reader: reader, ignoreMissing: ignoreMissing, decompressMissing: decompressMissing, cancelled: cancelled)
                        .map { .done($0) }
                },
                stop: { cancelled.isSet },
                deliver: { verdict in
                    guard let verdict else { return }
                    summary.record(verdict)
                    try await body(verdict)
                })
        } onCancel: {
            cancelled.set()
        }
        if cancelled.isSet { throw CancellationError() }
        if let error = lines.readError { throw error }
        return summary
    }

    private static func check(
        _ items: [ManifestLines.Item], reader: ReaderSelection, ignoreMissing: Bool, decompressMissing: Bool,
        cancelled: CancellationFlag
    ) async -> [CheckVerdict?] {
        let entries = items.map { item -> ManifestEntry in
            guard case .entry(let entry) = item.line else { preconditionFailure("only entries are checked") }
            return entry
        }
        let requests = entries.map {
            ReadRequest(FileEntry(path: FilePath(bytes: $0.path)), into: Pipeline(stage: DigestStage($0.expected.algorithm)).makeConsumer())
        }
        // Nothing is deferred here (no request asks), so every read has a result.
        var reads = await reader.read(requests, isCancelled: { cancelled.isSet }).map { $0! }
        if decompressMissing {
            // Only the files found missing are retried, as FILE.gz through the decoder.
            let missing = reads.indices.filter { if case .failure(let error) = reads[$0] { error.errno == .noSuchFileOrDirectory } else { false } }
            if !missing.isEmpty {
                let retries = missing.map { index in
                    ReadRequest(FileEntry(path: FilePath(bytes: entries[index].path + Array(".gz".utf8))),
                                into: Self.decompressingConsumer(entries[index].expected.algorithm))
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
            case .success(let read):
                let outcome: CheckVerdict.Outcome = read.output == entry.expected ? .matched(entry) : .mismatched(entry, actual: read.output)
                return CheckVerdict(lineNumber: item.number, outcome: outcome)
            case .failure(let error):
                if ignoreMissing && error.errno == .noSuchFileOrDirectory {
                    return CheckVerdict(lineNumber: item.number, outcome: .missingIgnored(entry))
                }
                return CheckVerdict(lineNumber: item.number, outcome: .unreadable(entry, error))
            }
        }
    }
}

extension ManifestVerifier {
    /// Decodes gzip chunks straight into a checksum: nothing decompressed touches the disk.
    static func decompressingConsumer(_ algorithm: DigestAlgorithm) -> ChunkConsumer<(GzipDecoder, DigestStage.Processor), Digest> {
        ChunkConsumer(
            start: { _ in (GzipDecoder(), DigestStage(algorithm).makeProcessor(for: .standardInput)) },
            consume: { state, chunk in
                do {
                    try state.0.feed(chunk) { state.1.update($0) }
                } catch let error as GzipDecodingError {
                    throw FileError(path: "-", reason: .invalidData(error.description))
                }
            },
            finish: { state in
                do {
                    try state.0.finish()
                } catch let error as GzipDecodingError {
                    throw FileError(path: "-", reason: .invalidData(error.description))
                }
                return state.1.finish()
            },
            abandon: { _ in })
    }
}

/// The verdict on one manifest line.
public struct CheckVerdict: Sendable {
    /// What was found.
    public enum Outcome: Sendable {
        /// The file's checksum matched.
        case matched(ManifestEntry)
        /// The file's checksum differs.
        case mismatched(ManifestEntry, actual: Digest)
        /// The file could not be opened or read (missing, a directory, no permission).
        case unreadable(ManifestEntry, FileError)
        /// The file is missing and `ignoreMissing` was set.
        case missingIgnored(ManifestEntry)
        /// The line is not a checksum line coreutils would accept.
        case improperlyFormatted
    }

    /// The line's number in the manifest, from 1.
    public var lineNumber: Int
    /// What was found.
    public var outcome: Outcome
}

/// The counts `sha256sum -c` reports at the end of a manifest, and the exit status they imply.
public struct CheckSummary: Sendable, Hashable {
    /// Lines that were valid checksum lines.
    public var properlyFormatted = 0
    /// Lines that were not.
    public var improperlyFormatted = 0
    /// Files whose checksum matched.
    public var matched = 0
    /// Files whose checksum differed.
    public var mismatched = 0
    /// Files that could not be read.
    public var unreadable = 0
    /// Missing files skipped under `ignoreMissing`.
    public var missingIgnored = 0

    /// Empty counts.
    public init() {}

    /// Counts one verdict.
    public mutating func record(_ verdict: CheckVerdict) {
        switch verdict.outcome {
        case .matched: properlyFormatted += 1; matched += 1
        case .mismatched: properlyFormatted += 1; mismatched += 1
        case .unreadable: properlyFormatted += 1; unreadable += 1
        case .missingIgnored: properlyFormatted += 1; missingIgnored += 1
        case .improperlyFormatted: improperlyFormatted += 1
        }
    }

    /// Whether `sha256sum -c` would exit 0 for this manifest.
    public func succeeded(strict: Bool, ignoreMissing: Bool) -> Bool {
        properlyFormatted > 0 && mismatched == 0 && unreadable == 0
            && (!strict || improperlyFormatted == 0) && (!ignoreMissing || matched + mismatched > 0)
    }
}

/// A manifest's lines, numbered and parsed, read lazily as the verification pulls them.
final class ManifestLines: @unchecked Sendable {
    struct Item: Sendable {
        var number: Int
        var line: ManifestLine
    }

    private let source: ManifestVerifier.Source
    private let descriptor: CInt
    private var reader: DelimitedRecordReader
    private var parser: ChecksumManifestParser
    private var number = 0
    /// Set if reading the manifest failed part-way; the lines before it are still verified.
    private(set) var readError: FileError?

    init(source: ManifestVerifier.Source, algorithm: DigestAlgorithm?, nulSeparated: Bool) throws(FileError) {
        self.source = source
        switch source {
        case .standardInput:
            descriptor = STDIN_FILENO
        case .file(let path):
            descriptor = path.withPlatformString { open($0, O_RDONLY | O_CLOEXEC) }
            guard descriptor >= 0 else { throw FileError.lastSystemError(path) }
        }
        reader = DelimitedRecordReader(fileDescriptor: descriptor, delimiter: nulSeparated ? 0 : UInt8(ascii: "\n"))
        parser = ChecksumManifestParser(algorithm: algorithm, readingStandardInput: source == .standardInput)
        parser.stripsTrailingCarriageReturn = !nulSeparated
    }

    deinit {
        if source != .standardInput { close(descriptor) }
    }

    /// `AsyncStream(unfolding:)` awaits each call before the next, so the state is never shared.
    func stream() -> AsyncStream<Item> {
        AsyncStream(unfolding: { self.next() })
    }

    private func next() -> Item? {
        guard readError == nil else { return nil }
        do {
            guard let record = try reader.next() else { return nil }
            number += 1
            return Item(number: number, line: parser.parse(record))
        } catch {
            readError = FileError(path: FilePath(bytes: source.displayName), reason: .system(Errno(rawValue: error.errno)))
            return nil
        }
    }
}
