import Crypto
import SystemPackage

/// Restores `FILE` from `FILE.gz`, as `gzip -d` does: every member of a multi-member file (pigz's
/// output, concatenations), each checked against its CRC-32 and length. The restored file gets the
/// `.gz` file's permissions and times, is written durably under a name that never replaces an
/// existing file without ``Options/force``, and only then is the `.gz` removed (unless
/// ``Options/keepOriginal``), under the same checks as ``GzipStage``'s originals. Corrupt or truncated
/// input leaves no output and keeps the `.gz`. With ``Options/testOnly`` nothing is written (`gzip -t`).
///
/// ```swift
/// let gunzip = GunzipStage(options: .init(keepOriginal: true))
/// try await Pipeline(stage: gunzip).run(walking: ["archive"], walkOptions: GunzipStage.walkOptions()) { result in
///     if let error = result.error { print("corrupt:", error) }
/// }
/// ```
public struct GunzipStage: Stage {
    /// How to decompress.
    public struct Options: Sendable {
        /// Keep the `.gz` (`-k`).
        public var keepOriginal: Bool
        /// Overwrite an existing output file, decompress files with other links or set-id bits (`-f`).
        public var force: Bool
        /// Only check integrity; write nothing (`-t`).
        public var testOnly: Bool

        /// Options for keeping, forcing, testing.
        public init(keepOriginal: Bool = false, force: Bool = false, testOnly: Bool = false) {
            self.keepOriginal = keepOriginal
            self.force = force
            self.testOnly = testOnly
        }
    }

    /// How to decompress.
    public let options: Options

    /// A stage decompressing with `options`.
    public init(options: Options = Options()) {
        self.options = options
    }

    public var name: String { "gunzip" }

    /// What the walk should list for decompression: `.gz` files; a link named as an argument is
    /// refused, not followed; metadata is read while walking.
    public static func walkOptions(_ base: WalkOptions = WalkOptions()) -> WalkOptions {
        var options = base
        options.include.append(Glob("*.gz"))
        options.globsApplyToRoots = false
        options.followRootLinks = false
        options.statFiles = true
        return options
    }

    public func makeProcessor(for file: FileEntry) throws -> Processor {
        let bytes = file.path.bytes
        if options.testOnly { return Processor(source: file.path, replacement: nil, output: nil, verifying: nil) }
        guard !file.isStandardInput else {
            throw FileError(path: file.path, reason: .cause(StandardInputUnsupported(verb: "decompressing", alternative: "gzip -dc")))
        }
        guard bytes.hasSuffix(Array(".gz".utf8)), bytes.baseName.count > 3 else {
            throw FileError(path: file.path, reason: .cause(GzipRefusal.unknownSuffix))
        }
        if !options.force, let status = file.status {
            do { try GzipRefusal.check(status) } catch { throw FileError(path: file.path, reason: .cause(error)) }
        }
        let location = try file.resolvedLocation()
        let replacement = try Replacement(
            for: file, outputName: FileName(location.name.bytes.dropLast(3)), outputPath: FilePath(bytes: bytes.dropLast(3)),
            keepInput: options.keepOriginal, force: options.force)
        switch try replacement.plan() {
        case .write(let output): return Processor(source: file.path, replacement: replacement, output: output, verifying: nil)
        case .verifyExisting: return Processor(source: file.path, replacement: replacement, output: nil, verifying: SHA256())
        }
    }

    /// The decompression of one file.
    public struct Processor: StageProcessor {
        let source: FilePath
        let replacement: Replacement?
        let output: DurableFile?
        /// When the output exists: the hash of the decoded stream, to compare with it.
        var verifying: SHA256?
        let decoder = GzipDecoder()
        var compressedSize: UInt64 = 0

        init(source: FilePath, replacement: Replacement?, output: DurableFile?, verifying: SHA256?) {
            self.source = source
            self.replacement = replacement
            self.output = output
            self.verifying = verifying
        }

        public mutating func update(_ chunk: UnsafeRawBufferPointer) throws {
            compressedSize += UInt64(chunk.count)
            if var hash = verifying {
                verifying = nil
                try decoder.feed(chunk) { hash.update(bufferPointer: $0) }
                verifying = hash
            } else {
                try decoder.feed(chunk) { decoded in try output?.write(decoded) }
            }
        }

        public mutating func finish() throws -> GunzipResult {
            try decoder.finish()
            var result = GunzipResult(
                destination: replacement?.outputPath, compressedSize: compressedSize,
                decompressedSize: decoder.decodedLength, trailingGarbage: decoder.sawTrailingGarbage,
                original: .keptAsAsked, completedEarlierRun: false)
            guard let replacement else { return result }
            if let hash = verifying {
                let outcome = try replacement.finishInterrupted(
                    digest: hash.finalize(), length: decoder.decodedLength, outputIsCompressed: false)
                result.original = OriginalDisposition(outcome)
                result.completedEarlierRun = true
            } else if let output {
                result.original = OriginalDisposition(try replacement.commit(output))
            }
            return result
        }

        public mutating func abandon() {
            output?.discard()
        }
    }
}
