/// Why gzip data could not be decoded, in gzip's own words.
/// Why compressed input could not be decoded, in gzip's words (`gzip -d` prints the same).
///
/// ```swift
/// if let error = result.error?.cause as? GzipDecodingError, error == .crcMismatch { … }
/// ```
public enum GzipDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input does not start with a gzip header.
    case notGzip
    /// The input ends inside a member.
    case unexpectedEnd
    /// A member's CRC-32 does not match its content.
    case crcMismatch
    /// A member's length does not match its content.
    case lengthMismatch
    /// The deflate data is invalid.
    case formatViolated

    /// gzip's message: `invalid compressed data--crc error`.
    public var description: String {
        switch self {
        case .notGzip: "not in gzip format"
        case .unexpectedEnd: "unexpected end of file"
        case .crcMismatch: "invalid compressed data--crc error"
        case .lengthMismatch: "invalid compressed data--length error"
        case .formatViolated: "invalid compressed data--format violated"
        }
    }
}
