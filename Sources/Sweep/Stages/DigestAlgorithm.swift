/// A checksum algorithm that `sweep sum` and `sweep check` understand.
///
/// The raw value is the name used on the command line (`sweep sum -a sha1`);
/// ``tag`` is the name in BSD-style (`--tag`) manifest lines.
///
/// The first seven are written as coreutils writes them (`sha256sum`, `md5sum`…); the xxHash
/// family (``isXXHash``) as `xxhsum` 0.8.1 writes it (see ``ChecksumLineFormatter``).
///
/// ```swift
/// let algorithm = DigestAlgorithm(rawValue: "sha512")!
/// print(algorithm.tag, algorithm.digestByteCount) // SHA512 64
/// ```
public enum DigestAlgorithm: String, CaseIterable, Sendable, Hashable, Codable {
    /// MD5, as `md5sum` computes it.
    ///
    /// ```swift
    /// DigestStage(.md5)
    /// ```
    case md5
    /// SHA-1, as `sha1sum` computes it.
    ///
    /// ```swift
    /// DigestStage(.sha1)
    /// ```
    case sha1
    /// SHA-224, as `sha224sum` computes it.
    ///
    /// ```swift
    /// DigestStage(.sha224)
    /// ```
    case sha224
    /// SHA-256, as `sha256sum` computes it (sweep's default).
    ///
    /// ```swift
    /// DigestStage(.sha256)
    /// ```
    case sha256
    /// SHA-384, as `sha384sum` computes it.
    ///
    /// ```swift
    /// DigestStage(.sha384)
    /// ```
    case sha384
    /// SHA-512, as `sha512sum` computes it.
    ///
    /// ```swift
    /// DigestStage(.sha512)
    /// ```
    case sha512
    /// gzip's CRC-32 (zlib's `crc32`), printed as 8 lower-case hex digits, most significant first.
    ///
    /// ```swift
    /// DigestStage(.crc32)
    /// ```
    case crc32
    /// xxHash's XXH32 (seed 0), 8 hex digits in canonical (big-endian) order, as `xxhsum -H0`.
    ///
    /// ```swift
    /// DigestStage(.xxh32)
    /// ```
    case xxh32
    /// xxHash's XXH64 (seed 0), 16 hex digits in canonical order, as `xxhsum -H1`.
    ///
    /// ```swift
    /// DigestStage(.xxh64)
    /// ```
    case xxh64
    /// xxHash's XXH3 128-bit variant (seed 0), 32 hex digits in canonical order, as `xxhsum -H2`.
    ///
    /// ```swift
    /// DigestStage(.xxh128)
    /// ```
    case xxh128
    /// xxHash's XXH3 64-bit variant (seed 0), 16 hex digits in canonical order, as `xxhsum -H3`.
    ///
    /// ```swift
    /// DigestStage(.xxh3)
    /// ```
    case xxh3

    /// The tag of BSD-style manifest lines, `SHA256 (NAME) = HEX`, as coreutils writes it
    /// (`XXH64 (NAME) = HEX` and so on, as `xxhsum --tag` writes it, for the xxHash family).
    ///
    /// ```swift
    /// DigestAlgorithm.xxh128.tag // "XXH128"
    /// ```
    public var tag: String {
        switch self {
        case .md5: "MD5"
        case .sha1: "SHA1"
        case .sha224: "SHA224"
        case .sha256: "SHA256"
        case .sha384: "SHA384"
        case .sha512: "SHA512"
        case .crc32: "CRC32"
        case .xxh32: "XXH32"
        case .xxh64: "XXH64"
        case .xxh128: "XXH128"
        case .xxh3: "XXH3"
        }
    }

    /// The algorithm whose BSD tag is `tag` (exact, case-sensitive, as coreutils matches it).
    ///
    /// ```swift
    /// DigestAlgorithm(tag: "XXH3") // .xxh3
    /// ```
    public init?(tag: some StringProtocol) {
        guard let match = Self.allCases.first(where: { $0.tag == tag }) else { return nil }
        self = match
    }

    /// The length of a digest in bytes (twice that in hex digits).
    ///
    /// ```swift
    /// DigestAlgorithm.xxh64.digestByteCount // 8
    /// ```
    public var digestByteCount: Int {
        switch self {
        case .md5: 16
        case .sha1: 20
        case .sha224: 28
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        case .crc32: 4
        case .xxh32: 4
        case .xxh64: 8
        case .xxh128: 16
        case .xxh3: 8
        }
    }

    /// Whether this is one of xxHash's digests, whose manifests follow `xxhsum` 0.8.1 rather than
    /// coreutils: names are never escaped, standard input is named `stdin`, and XXH3 lines are
    /// always tagged.
    ///
    /// ```swift
    /// DigestAlgorithm.xxh64.isXXHash // true
    /// DigestAlgorithm.crc32.isXXHash // false
    /// ```
    public var isXXHash: Bool {
        switch self {
        case .xxh32, .xxh64, .xxh128, .xxh3: true
        default: false
        }
    }

    /// The name a manifest line gives standard input: `-` as coreutils prints it, `stdin` as
    /// `xxhsum` 0.8.1 prints it for the xxHash family.
    ///
    /// ```swift
    /// DigestAlgorithm.sha256.standardInputName // "-"
    /// DigestAlgorithm.xxh3.standardInputName   // "stdin"
    /// ```
    public var standardInputName: String {
        isXXHash ? "stdin" : "-"
    }

    /// The algorithm of an untagged manifest line whose hex has `hexLength` digits, when no
    /// algorithm was asked for (`sweep check` without `-a`).
    ///
    /// Three lengths are shared, and each keeps the meaning it had before xxHash arrived, so that
    /// coreutils manifests read as they always did: 8 digits are CRC-32 (not XXH32), 32 are MD5
    /// (not XXH128). 16 digits, which only xxHash uses, are XXH64 (as `xxhsum -c` reads them; it
    /// never writes XXH3 untagged). `-a xxh32`, `-a xxh128` or `-a xxh3` reads those lengths as
    /// that algorithm instead; tagged lines are never ambiguous.
    ///
    /// ```swift
    /// DigestAlgorithm.matching(hexLength: 64) // .sha256
    /// DigestAlgorithm.matching(hexLength: 16) // .xxh64
    /// DigestAlgorithm.matching(hexLength: 8)  // .crc32
    /// ```
    public static func matching(hexLength: Int) -> DigestAlgorithm? {
        // allCases lists the coreutils algorithms (and CRC-32) before xxHash, and XXH64 before XXH3.
        allCases.first { $0.digestByteCount * 2 == hexLength }
    }
}
