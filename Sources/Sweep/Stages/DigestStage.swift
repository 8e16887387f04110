import Crypto
import CZlib
// SHA-224 is not in swift-crypto's public API, but its BoringSSL, linked in already, implements it.
import CCryptoBoringSSL

/// Computes a checksum of each file: SHA-2, SHA-1, MD5 (swift-crypto) or gzip's CRC-32 (zlib).
///
/// ```swift
/// let pipeline = Pipeline(stage: DigestStage(.sha256))
/// try await pipeline.run(walking: ["."]) { result in
///     if let digest = result.output { print(digest.hex, result.path) }
/// }
/// ```
public struct DigestStage: Stage {
    /// The algorithm.
    public let algorithm: DigestAlgorithm

    /// A stage computing `algorithm`.
    public init(_ algorithm: DigestAlgorithm) {
        self.algorithm = algorithm
    }

    public var name: String { algorithm.rawValue }

    public func makeProcessor(for file: FileEntry) -> Processor { Processor(algorithm: algorithm) }

    /// The running checksum of one file.
    public struct Processor: StageProcessor {
        private let algorithm: DigestAlgorithm
        private var state: any ChecksumState

        init(algorithm: DigestAlgorithm) {
            self.algorithm = algorithm
            switch algorithm {
            case .md5: state = CryptoChecksum<Insecure.MD5>()
            case .sha1: state = CryptoChecksum<Insecure.SHA1>()
            case .sha224: state = SHA224Checksum()
            case .sha256: state = CryptoChecksum<SHA256>()
            case .sha384: state = CryptoChecksum<SHA384>()
            case .sha512: state = CryptoChecksum<SHA512>()
            case .crc32: state = CRC32Checksum()
            }
        }

        public mutating func update(_ chunk: UnsafeRawBufferPointer) {
            state.update(chunk)
        }

        public mutating func finish() -> Digest {
            Digest(algorithm: algorithm, bytes: state.finalize())
        }
    }
}

/// One running checksum, whatever computes it.
private protocol ChecksumState {
    mutating func update(_ bytes: UnsafeRawBufferPointer)
    mutating func finalize() -> [UInt8]
}

private struct CryptoChecksum<Function: HashFunction>: ChecksumState {
    var function = Function()

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        function.update(bufferPointer: bytes)
    }

    mutating func finalize() -> [UInt8] {
        function.finalize().withUnsafeBytes { Array($0) }
    }
}

private struct SHA224Checksum: ChecksumState {
    var context: SHA256_CTX

    init() {
        context = SHA256_CTX()
        CCryptoBoringSSL_SHA224_Init(&context)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        CCryptoBoringSSL_SHA224_Update(&context, bytes.baseAddress, bytes.count)
    }

    mutating func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 28)
        CCryptoBoringSSL_SHA224_Final(&digest, &context)
        return digest
    }
}

private struct CRC32Checksum: ChecksumState {
    var crc: UInt = 0

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        crc = crc32_z(crc, base.assumingMemoryBound(to: UInt8.self), bytes.count)
    }

    mutating func finalize() -> [UInt8] {
        let value = UInt32(truncatingIfNeeded: crc)
        return [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }
}
