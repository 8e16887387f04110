import SystemPackage

/// Writes a checksum manifest that `sha256sum -c` (or `md5sum -c`, `b2sum -c`, …) reads, durably:
/// the manifest appears under its name whole, or not at all.
///
/// Lines are formatted by a ``ChecksumLineFormatter`` (GNU or BSD style, escaped names, NUL
/// terminators as coreutils writes them) and buffered; the file is committed as with
/// ``DurableFile/write(to:replacing:permissions:isolation:_:)`` when the body returns.
///
/// ```swift
/// try await ManifestWriter.write(to: "SHA256SUMS") { manifest in
///     try await Pipeline(stage: DigestStage(.sha256)).run(walking: ["data"]) { result in
///         if let digest = result.output { try manifest.append(digest, path: result.path) }
///     }
/// }
/// // sha256sum -c SHA256SUMS  →  data/…: OK
/// ```
public final class ManifestWriter {
    /// How each line is written.
    public let formatter: ChecksumLineFormatter
    private let file: DurableFile
    private var pending: [UInt8] = []
    /// The lines written so far.
    public private(set) var lineCount = 0

    private init(file: DurableFile, formatter: ChecksumLineFormatter) {
        self.file = file
        self.formatter = formatter
    }

    /// Runs `body` with a writer for the manifest `path`, then commits it: made durable and named
    /// `path`, replacing a manifest of that name when `replacing` is true (the default). If `body`
    /// throws, nothing is written and an existing manifest is left as it was.
    @discardableResult
    public static func write<Result>(
        to path: FilePath, formatter: ChecksumLineFormatter = ChecksumLineFormatter(), replacing: Bool = true,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ManifestWriter) async throws -> Result
    ) async throws -> Result {
        try await DurableFile.write(to: path, replacing: replacing) { file in
            let writer = ManifestWriter(file: file, formatter: formatter)
            let result = try await body(writer)
            try writer.flush()
            return result
        }
    }

    /// Appends the line for `digest` of the file named `path`, with the path's exact bytes.
    public func append(_ digest: Digest, path: FilePath) throws(FileError) {
        formatter.append(digest, path: path.bytes, to: &pending)
        lineCount += 1
        // Written in blocks of about 64 KiB: memory stays flat however many files the manifest lists.
        if pending.count >= 1 << 16 { try flush() }
    }

    private func flush() throws(FileError) {
        guard !pending.isEmpty else { return }
        try file.write(pending)
        pending.removeAll(keepingCapacity: true)
    }
}
