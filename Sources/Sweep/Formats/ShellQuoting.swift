/// Quotes a file name for a message the way coreutils' `quotef` does (gnulib's shell-escape style
/// with `:` also quoted), in a UTF-8 locale: `'with space'`, `"it's"`, `'a'$'\n''b'`, `''$'\377'`.
/// A name that needs no quoting is returned as it is.
///
/// ```swift
/// ShellQuoting.quote(Array("with space".utf8)) // the bytes of 'with space'
/// ```
package enum ShellQuoting {
    package static func quote(_ name: [UInt8]) -> [UInt8] {
        let scalars = decode(name)
        let needsQuoting = name.isEmpty || scalars.enumerated().contains { index, scalar in
            guard case .valid(let value, _) = scalar else { return true }
            if isControl(value) { return true }
            guard value < 0x80 else { return false }
            let character = UInt8(value)
            if character == UInt8(ascii: "#") || character == UInt8(ascii: "~") { return index == 0 }
            return Array(" !\"$&'()*;<=>?[\\^`|:\t".utf8).contains(character)
        }
        guard needsQuoting else { return name }

        let hasSingleQuote = name.contains(UInt8(ascii: "'"))
        let hasUnprintable = scalars.contains { !isPrintable($0) }
        // A single quote alone is neater inside double quotes, when nothing there would expand.
        if hasSingleQuote && !hasUnprintable && !name.contains(where: { Array("\"$`\\!".utf8).contains($0) }) {
            return [UInt8(ascii: "\"")] + name + [UInt8(ascii: "\"")]
        }

        var out: [UInt8] = [UInt8(ascii: "'")]
        var index = 0
        while index < scalars.count {
            if isPrintable(scalars[index]) {
                let bytes = scalars[index].bytes
                out += bytes == [UInt8(ascii: "'")] ? Array("'\\''".utf8) : bytes
                index += 1
                continue
            }
            // A run of unprintable bytes: close the quote, $'\ooo…', reopen.
            out += Array("'$'".utf8)
            while index < scalars.count && !isPrintable(scalars[index]) {
                for byte in scalars[index].bytes { out += escape(byte) }
                index += 1
            }
            out += Array("''".utf8)
        }
        out.append(UInt8(ascii: "'"))
        // gnulib leaves out an empty quoted segment at the end: 'a'$'\n''' is printed 'a'$'\n'.
        if out.count >= 3 && out.suffix(3).elementsEqual(Array("'''".utf8)) { out.removeLast(2) }
        return out
    }

    private enum Scalar {
        case valid(UInt32, [UInt8])
        case invalid(UInt8)

        var bytes: [UInt8] {
            switch self {
            case .valid(_, let bytes): bytes
            case .invalid(let byte): [byte]
            }
        }
    }

    private static func isPrintable(_ scalar: Scalar) -> Bool {
        guard case .valid(let value, _) = scalar else { return false }
        return !isControl(value)
    }

    private static func isControl(_ value: UInt32) -> Bool {
        value < 0x20 || value == 0x7f || (0x80..<0xa0).contains(value)
    }

    private static func escape(_ byte: UInt8) -> [UInt8] {
        switch byte {
        case 0x07: return Array("\\a".utf8)
        case 0x08: return Array("\\b".utf8)
        case 0x0c: return Array("\\f".utf8)
        case 0x0a: return Array("\\n".utf8)
        case 0x0d: return Array("\\r".utf8)
        case 0x09: return Array("\\t".utf8)
        case 0x0b: return Array("\\v".utf8)
        default:
            let octal = String(byte, radix: 8)
            return [UInt8(ascii: "\\")] + Array((String(repeating: "0", count: 3 - octal.count) + octal).utf8)
        }
    }

    /// The name as UTF-8 scalars, each invalid byte on its own.
    private static func decode(_ name: [UInt8]) -> [Scalar] {
        var scalars: [Scalar] = []
        var index = 0
        while index < name.count {
            let lead = name[index]
            let length: Int
            switch lead {
            case 0..<0x80: length = 1
            case 0xc2..<0xe0: length = 2
            case 0xe0..<0xf0: length = 3
            case 0xf0..<0xf5: length = 4
            default: length = 0
            }
            if length > 0, index + length <= name.count,
               let text = String(validating: name[index..<(index + length)], as: UTF8.self),
               let scalar = text.unicodeScalars.first, text.unicodeScalars.count == 1 {
                scalars.append(.valid(scalar.value, Array(name[index..<(index + length)])))
                index += length
            } else {
                scalars.append(.invalid(lead))
                index += 1
            }
        }
        return scalars
    }
}
