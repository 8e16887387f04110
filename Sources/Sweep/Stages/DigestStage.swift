import CXXHash

/// Computes a checksum of each file: SHA-2, SHA-1, MD5 (the system's libcrypto), gzip's CRC-32 (zlib) or
/// xxHash's XXH32, XXH64, XXH3 and XXH128 (the system libxxhash).
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
            case .md5: state = LibcryptoChecksum(.md5)
            case .sha1: state = LibcryptoChecksum(.sha1)
            case .sha224: state = LibcryptoChecksum(.sha224)
            case .sha256: state = LibcryptoChecksum(.sha256)
            case .sha384: state = LibcryptoChecksum(.sha384)
            case .sha512: state = LibcryptoChecksum(.sha512)
            case .crc32: state = CRC32Checksum()
            case .xxh32: state = XXH32Checksum()
            case .xxh64: state = XXH64Checksum()
            case .xxh128: state = XXH3Checksum(wide: true)
            case .xxh3: state = XXH3Checksum(wide: false)
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

private struct LibcryptoChecksum: ChecksumState {
    var hash: LibcryptoHash

    init(_ algorithm: LibcryptoHash.Algorithm) {
        hash = LibcryptoHash(algorithm)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hash.update(bufferPointer: bytes)
    }

    mutating func finalize() -> [UInt8] {
        hash.finalize()
    }
}

private struct CRC32Checksum: ChecksumState {
    var crc: UInt32 = 0

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        crc = crc32(crc, bytes)
    }

    mutating func finalize() -> [UInt8] {
        let value = crc
        return [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }
}

// xxHash's streaming states are opaque here (the library allocates them, aligned as XXH3 needs),
// so each is a class that frees its state. A processor lives in one task, never shared.

private final class XXH32Checksum: ChecksumState {
    let state: OpaquePointer

    init() {
        state = XXH32_createState()
        XXH32_reset(state, 0)
    }

    deinit { XXH32_freeState(state) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        XXH32_update(state, bytes.baseAddress, bytes.count)
    }

    func finalize() -> [UInt8] {
        var canonical = XXH32_canonical_t()
        XXH32_canonicalFromHash(&canonical, XXH32_digest(state))
        return withUnsafeBytes(of: canonical) { Array($0) }
    }
}

private final class XXH64Checksum: ChecksumState {
    let state: OpaquePointer

    init() {
        state = XXH64_createState()
        XXH64_reset(state, 0)
    }

    deinit { XXH64_freeState(state) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        XXH64_update(state, bytes.baseAddress, bytes.count)
    }

    func finalize() -> [UInt8] {
        var canonical = XXH64_canonical_t()
        XXH64_canonicalFromHash(&canonical, XXH64_digest(state))
        return withUnsafeBytes(of: canonical) { Array($0) }
    }
}

/// XXH3, 64-bit (`xxh3`) or 128-bit (`xxh128`): one state type, two digests.
private final class XXH3Checksum: ChecksumState {
    let state: OpaquePointer
    let wide: Bool

    init(wide: Bool) {
        self.wide = wide
        state = XXH3_createState()
        if wide {
            XXH3_128bits_reset(state)
        } else {
            XXH3_64bits_reset(state)
        }
    }

    deinit { XXH3_freeState(state) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        if wide {
            sweep_XXH3_128bits_update(state, bytes.baseAddress, bytes.count)
        } else {
            sweep_XXH3_64bits_update(state, bytes.baseAddress, bytes.count)
        }
    }

    func finalize() -> [UInt8] {
        if wide {
            var canonical = XXH128_canonical_t()
            XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state))
            return withUnsafeBytes(of: canonical) { Array($0) }
        }
        var canonical = XXH64_canonical_t()
        XXH64_canonicalFromHash(&canonical, XXH3_64bits_digest(state))
        return withUnsafeBytes(of: canonical) { Array($0) }
    }
}
