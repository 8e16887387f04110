import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A manifest's lines, numbered and parsed, read lazily as the verification pulls them.
final class ManifestLines: @unchecked Sendable {
    struct Item: Sendable {
        var number: Int
        var line: ManifestLine
        /// For an improperly formatted line: the last tag the parser had seen (see ``ChecksumManifestParser/lastTag``).
        var lastTag: DigestAlgorithm?
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
            let line = parser.parse(record)
            return Item(number: number, line: line, lastTag: line == .improperlyFormatted ? parser.lastTag : nil)
        } catch {
            readError = FileError(path: FilePath(bytes: source.displayName), reason: .system(error))
            return nil
        }
    }
}
