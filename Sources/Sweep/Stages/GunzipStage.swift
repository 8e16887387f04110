import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Restores `FILE` from `FILE.gz`, as `gzip -d` does: every member of a multi-member file (pigz's
/// output, concatenations), each checked against its CRC-32 and length. The restored file gets the
/// `.gz` file's permissions and times, and is written crash-safely (temporary, `fsync`, `rename`)
/// before the `.gz` is removed (unless ``Options/keepOriginal``). Corrupt or truncated input leaves
/// no output and keeps the `.gz`. With ``Options/testOnly`` nothing is written (`gzip -t`).
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
        /// Overwrite an existing output file (`-f`).
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

    /// What the walk should list for decompression: `.gz` files, and not sweep's temporaries.
    public static func walkOptions(_ base: WalkOptions = WalkOptions()) -> WalkOptions {
        var options = base
        options.include.append(Glob("*.gz"))
        options.removeStaleTemporaries = true
        options.globsApplyToRoots = false
        return options
    }

    public func makeProcessor(for file: FileEntry) throws -> Processor {
        let bytes = file.path.bytes
        if options.testOnly { return Processor(source: file, destination: nil, keepOriginal: true) }
        guard !file.isStandardInput else {
            throw FileError(path: file.path, reason: .stageFailed("decompressing standard input is not supported; use gzip -dc"))
        }
        guard bytes.hasSuffix(Array(".gz".utf8)), bytes.baseName.count > 3 else {
            throw FileError(path: file.path, reason: .unknownSuffix)
        }
        if !options.force, let status = file.status { try GzipStage.refuseLinks(file, status: status) }
        let target = FilePath(bytes: bytes.dropLast(3))
        if !options.force && target.exists { throw FileError(path: target, reason: .alreadyExists) }
        return Processor(source: file, destination: try AtomicFileWriter(destination: target, permissions: 0o600), keepOriginal: options.keepOriginal)
    }

    /// The decompression of one file.
    public struct Processor: StageProcessor {
        let source: FileEntry
        let destination: AtomicFileWriter?
        let keepOriginal: Bool
        let decoder = GzipDecoder()
        var compressedSize: UInt64 = 0

        init(source: FileEntry, destination: AtomicFileWriter?, keepOriginal: Bool) {
            self.source = source
            self.destination = destination
            self.keepOriginal = keepOriginal
        }

        public mutating func update(_ chunk: UnsafeRawBufferPointer) throws {
            compressedSize += UInt64(chunk.count)
            do {
                try decoder.feed(chunk) { decoded in try destination?.write(decoded) }
            } catch let error as GzipDecodingError {
                throw FileError(path: source.path, reason: .invalidData(error.description))
            }
        }

        public mutating func finish() throws -> GunzipResult {
            do {
                try decoder.finish()
            } catch let error as GzipDecodingError {
                throw FileError(path: source.path, reason: .invalidData(error.description))
            }
            if let destination {
                if let status = source.status { try destination.copyMetadata(from: status) }
                try destination.commit()
                if !keepOriginal {
                    if source.path.withPlatformString({ unlink($0) }) != 0 { throw FileError.lastSystemError(source.path) }
                    AtomicFileWriter.syncDirectory(of: source.path)
                }
            }
            return GunzipResult(
                destination: destination?.destination, compressedSize: compressedSize,
                decompressedSize: decoder.decodedLength, trailingGarbage: decoder.sawTrailingGarbage)
        }

        public mutating func abandon() {
            destination?.discard()
        }
    }
}

/// One file decompressed (or tested).
public struct GunzipResult: AdditiveOutput, Hashable {
    /// The file written, or `nil` when only testing.
    public var destination: FilePath?
    /// The `.gz`'s size in bytes.
    public var compressedSize: UInt64
    /// The decompressed size in bytes (exact, beyond gzip's 2^32 trailer limit).
    public var decompressedSize: UInt64
    /// Whether bytes other than zeros followed the last member; they were ignored, as gzip does
    /// with the warning "decompression OK, trailing garbage ignored".
    public var trailingGarbage: Bool

    /// Decompressed bytes add up to the run's output size.
    public var additiveValue: UInt64 { decompressedSize }
}
