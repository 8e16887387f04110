/// The checksum of one file: the algorithm and the digest's bytes.
///
/// ```swift
/// let digest = Digest(algorithm: .crc32, bytes: [0xcb, 0xf4, 0x39, 0x26])
/// print(digest.hex) // cbf43926
/// ```
public struct Digest: Sendable, Hashable, CustomStringConvertible {
    /// The algorithm that computed it.
    public let algorithm: DigestAlgorithm
    /// The digest's bytes, most significant first (for CRC-32 too, as its hex is printed).
    public let bytes: [UInt8]

    /// A digest of `bytes`, computed by `algorithm`.
    public init(algorithm: DigestAlgorithm, bytes: [UInt8]) {
        self.algorithm = algorithm
        self.bytes = bytes
    }

    /// Parses lower- or upper-case hex of the right length for `algorithm`; `nil` otherwise.
    public init?(algorithm: DigestAlgorithm, hex: some Collection<UInt8>) {
        guard hex.count == algorithm.digestByteCount * 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(algorithm.digestByteCount)
        var high: UInt8?
        for character in hex {
            guard let nibble = Self.nibble(character) else { return nil }
            if let pending = high {
                bytes.append(pending << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        self.init(algorithm: algorithm, bytes: bytes)
    }

    /// The digest as lower-case hex, as coreutils prints it.
    public var hex: String {
        String(decoding: hexBytes, as: UTF8.self)
    }

    /// The digest as lower-case hex ASCII bytes.
    public var hexBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        appendHex(to: &out)
        return out
    }

    /// Appends the lowercase hex digits to `output`, building no array of their own: a manifest
    /// line per file is the hot path of `sum` and `sum --update`.
    package func appendHex(to output: inout [UInt8]) {
        @inline(__always) func digit(_ value: UInt8) -> UInt8 { value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") - 10 + value }
        for byte in bytes {
            output.append(digit(byte >> 4))
            output.append(digit(byte & 0x0f))
        }
    }

    public var description: String { hex }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
