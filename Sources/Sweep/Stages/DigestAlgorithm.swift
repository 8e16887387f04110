/// A checksum algorithm that `sweep sum` and `sweep check` understand.
///
/// The raw value is the name used on the command line (`sweep sum -a sha1`);
/// ``tag`` is the name in BSD-style (`--tag`) manifest lines.
///
/// ```swift
/// let algorithm = DigestAlgorithm(rawValue: "sha512")!
/// print(algorithm.tag, algorithm.digestByteCount) // SHA512 64
/// ```
public enum DigestAlgorithm: String, CaseIterable, Sendable, Hashable, Codable {
    case md5
    case sha1
    case sha224
    case sha256
    case sha384
    case sha512
    /// gzip's CRC-32 (zlib's `crc32`), printed as 8 lower-case hex digits, most significant first.
    case crc32

    /// The tag of BSD-style manifest lines, `SHA256 (NAME) = HEX`, as coreutils writes it.
    public var tag: String {
        switch self {
        case .md5: "MD5"
        case .sha1: "SHA1"
        case .sha224: "SHA224"
        case .sha256: "SHA256"
        case .sha384: "SHA384"
        case .sha512: "SHA512"
        case .crc32: "CRC32"
        }
    }

    /// The algorithm whose BSD tag is `tag` (exact, case-sensitive, as coreutils matches it).
    public init?(tag: some StringProtocol) {
        guard let match = Self.allCases.first(where: { $0.tag == tag }) else { return nil }
        self = match
    }

    /// The length of a digest in bytes (twice that in hex digits).
    public var digestByteCount: Int {
        switch self {
        case .md5: 16
        case .sha1: 20
        case .sha224: 28
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        case .crc32: 4
        }
    }

    /// The algorithms whose hex digests have `hexLength` digits; an untagged manifest line
    /// is matched by its length. (No two algorithms here share a length.)
    public static func matching(hexLength: Int) -> DigestAlgorithm? {
        allCases.first { $0.digestByteCount * 2 == hexLength }
    }
}
