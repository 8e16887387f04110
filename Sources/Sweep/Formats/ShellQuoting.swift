/// Quotes a file name for a message the way coreutils' `quotef` does (gnulib's shell-escape style
/// with `:` also quoted), in a UTF-8 locale: `'with space'`, `"it's"`, `'a'$'\n''b'`, `''$'\377'`.
/// A name that needs no quoting is returned as it is.
///
/// ```swift
/// ShellQuoting.quote(Array("with space".utf8)) // the bytes of 'with space'
/// ```
package enum ShellQuoting {
    /// Memory stays linear in the name (a few bytes per byte): the name is decoded one scalar at a
    /// time, never into an array of scalars.
    package static func quote(_ name: [UInt8]) -> [UInt8] {
        var needsQuoting = name.isEmpty
        var hasSingleQuote = false
        var hasUnprintable = false
        var hasDoubleQuoteSpecial = false
        var index = 0
        while index < name.count {
            let (value, length) = scalar(in: name, at: index)
            if let value {
                if isControl(value) {
                    needsQuoting = true
                    hasUnprintable = true
                } else if value < 0x80 {
                    let character = UInt8(value)
                    if character == UInt8(ascii: "#") || character == UInt8(ascii: "~") {
                        if index == 0 { needsQuoting = true }
                    } else if quotedCharacters[Int(character)] {
                        needsQuoting = true
                    }
                    if character == UInt8(ascii: "'") { hasSingleQuote = true }
                    if doubleQuoteSpecials[Int(character)] { hasDoubleQuoteSpecial = true }
                }
            } else {
                needsQuoting = true
                hasUnprintable = true
            }
            index += length
        }
        guard needsQuoting else { return name }

        // A single quote alone is neater inside double quotes, when nothing there would expand.
        if hasSingleQuote && !hasUnprintable && !hasDoubleQuoteSpecial {
            return [UInt8(ascii: "\"")] + name + [UInt8(ascii: "\"")]
        }

        var out: [UInt8] = [UInt8(ascii: "'")]
        out.reserveCapacity(name.count + 2)
        index = 0
        while index < name.count {
            var (value, length) = scalar(in: name, at: index)
            if let value, !isControl(value) {
                if length == 1 && name[index] == UInt8(ascii: "'") {
                    out += Array(#"'\''"#.utf8)
                } else {
                    out += name[index..<(index + length)]
                }
                index += length
                continue
            }
            // A run of unprintable bytes: close the quote, $'\ooo…', reopen.
            out += Array("'$'".utf8)
            while index < name.count {
                (value, length) = scalar(in: name, at: index)
                if let value, !isControl(value) { break }
                for byte in name[index..<(index + length)] { out += escape(byte) }
                index += length
            }
            out += Array("''".utf8)
        }
        out.append(UInt8(ascii: "'"))
        // gnulib leaves out an empty quoted segment at the end: 'a'$'\n''' is printed 'a'$'\n'.
        if out.count >= 3 && out.suffix(3).elementsEqual(Array("'''".utf8)) { out.removeLast(2) }
        return out
    }

    /// The name `quote` turned into `quoted`, or nil if `quoted` is not its output for any name
    /// that needed quoting (a name printed as it is, for instance).
    ///
    /// ```swift
    /// ShellQuoting.unquote(Array("'a'$'\\n''b'".utf8)) // the bytes of "a\nb"
    /// ```
    package static func unquote(_ quoted: [UInt8]) -> [UInt8]? {
        var name: [UInt8] = []
        var index = 0
        func take(until end: UInt8, escapes: Bool) -> Bool {
            while index < quoted.count {
                let byte = quoted[index]
                index += 1
                if byte == end { return true }
                guard escapes && byte == UInt8(ascii: "\\") else {
                    name.append(byte)
                    continue
                }
                guard index < quoted.count else { return false }
                let code = quoted[index]
                index += 1
                switch code {
                case UInt8(ascii: "a"): name.append(0x07)
                case UInt8(ascii: "b"): name.append(0x08)
                case UInt8(ascii: "f"): name.append(0x0c)
                case UInt8(ascii: "n"): name.append(0x0a)
                case UInt8(ascii: "r"): name.append(0x0d)
                case UInt8(ascii: "t"): name.append(0x09)
                case UInt8(ascii: "v"): name.append(0x0b)
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    guard index + 1 < quoted.count else { return false }
                    let digits = [code, quoted[index], quoted[index + 1]].map { Int($0) - 0x30 }
                    guard digits.allSatisfy({ (0...7).contains($0) }) else { return false }
                    let value = digits[0] * 64 + digits[1] * 8 + digits[2]
                    guard value < 256 else { return false }
                    name.append(UInt8(value))
                    index += 2
                default: return false
                }
            }
            return false
        }
        while index < quoted.count {
            let byte = quoted[index]
            index += 1
            switch byte {
            case UInt8(ascii: "'"):
                guard take(until: UInt8(ascii: "'"), escapes: false) else { return nil }
            case UInt8(ascii: "\""):
                guard take(until: UInt8(ascii: "\""), escapes: false) else { return nil }
            case UInt8(ascii: "$"):
                guard index < quoted.count, quoted[index] == UInt8(ascii: "'") else { return nil }
                index += 1
                guard take(until: UInt8(ascii: "'"), escapes: true) else { return nil }
            case UInt8(ascii: "\\"):
                guard index < quoted.count else { return nil }
                name.append(quoted[index])
                index += 1
            default:
                return nil
            }
        }
        return quote(name) == quoted ? name : nil
    }

    /// For each ASCII byte: whether it makes a name need quoting (a table, not a search per byte).
    private static let quotedCharacters = table(" !\"$&'()*;<=>?[\\^`|:\t")
    private static let doubleQuoteSpecials = table("\"$`\\!")

    private static func table(_ characters: String) -> [Bool] {
        var table = [Bool](repeating: false, count: 128)
        for byte in characters.utf8 { table[Int(byte)] = true }
        return table
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

    /// The UTF-8 scalar starting at `index`, with its length; an invalid byte is `nil`, length 1.
    private static func scalar(in name: [UInt8], at index: Int) -> (value: UInt32?, length: Int) {
        let lead = name[index]
        let length: Int
        switch lead {
        case 0..<0x80: return (UInt32(lead), 1)
        case 0xc2..<0xe0: length = 2
        case 0xe0..<0xf0: length = 3
        case 0xf0..<0xf5: length = 4
        default: return (nil, 1)
        }
        guard index + length <= name.count else { return (nil, 1) }
        var value = UInt32(lead) & (0xff >> (length + 1))
        for byte in name[(index + 1)..<(index + length)] {
            guard byte & 0xc0 == 0x80 else { return (nil, 1) }
            value = value << 6 | UInt32(byte & 0x3f)
        }
        // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
        let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        guard value >= minimum, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else { return (nil, 1) }
        return (value, length)
    }
}
