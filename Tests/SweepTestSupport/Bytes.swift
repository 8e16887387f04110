import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Bytes: paths and names as raw bytes, readable renderings, reproducible random data.

// MARK: - Bytes

/// The UTF-8 bytes of `text`.
package func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

/// `parts` joined by `/`.
package func joinPath(_ parts: [UInt8]...) -> [UInt8] {
    var out: [UInt8] = []
    for part in parts where !part.isEmpty {
        if !out.isEmpty && out.last != UInt8(ascii: "/") { out.append(UInt8(ascii: "/")) }
        out += part
    }
    return out
}

/// A readable rendering of bytes for failure messages: printable ASCII as is, the rest as `\xNN`.
package func describeBytes(_ bytes: [UInt8]) -> String {
    var out = ""
    for byte in bytes {
        switch byte {
        case 0x20..<0x7F where byte != UInt8(ascii: "\\"): out.unicodeScalars.append(Unicode.Scalar(byte))
        case UInt8(ascii: "\\"): out += "\\\\"
        case UInt8(ascii: "\n"): out += "\\n"
        case UInt8(ascii: "\r"): out += "\\r"
        default: out += "\\x" + String(byte, radix: 16).leftPadded(to: 2)
        }
    }
    return out
}

extension String {
    package func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// Splits `data` into records ended by `delimiter`; a last record without one is kept.
package func splitRecords(_ data: [UInt8], delimiter: UInt8) -> [[UInt8]] {
    var records = data.split(separator: delimiter, omittingEmptySubsequences: false).map(Array.init)
    if data.last == delimiter || data.isEmpty { records.removeLast() }
    return records
}

/// Lower-case hex of `bytes`.
package func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
}

// MARK: - Deterministic random data

/// SplitMix64: reproducible pseudo-random data, so a failing case can be rebuilt from its seed.
package struct SplitMix64: RandomNumberGenerator {
    package var state: UInt64
    package init(seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `count` pseudo-random bytes from `seed`.
package func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    var out = [UInt8](repeating: 0, count: count)
    var index = 0
    while index < count {
        var word = generator.next()
        for _ in 0..<8 where index < count {
            out[index] = UInt8(truncatingIfNeeded: word)
            word >>= 8
            index += 1
        }
    }
    return out
}
