/// The suffixes by which gzip knows a compressed file, as gzip 1.12 matches them: the `-S` suffix
/// (`.gz` unless another is given), then `.gz`, `.z`, `.taz`, `.tgz`, `-gz`, `-z` and `_z`, compared
/// without regard to case. A name must be longer than the suffix it ends in.
///
/// ```swift
/// let suffixes = GzipSuffixes()
/// suffixes.decompressedName(Array("logs.tgz".utf8))   // "logs.tar"
/// suffixes.decompressedName(Array("app.log.GZ".utf8)) // "app.log"
/// ```
public struct GzipSuffixes: Sendable, Hashable {
    /// The suffix compression appends (`-S`/`--suffix`), as given; `.gz` by default.
    public let suffix: [UInt8]

    static let builtIn = [".gz", ".z", ".taz", ".tgz", "-gz", "-z", "_z"].map { Array($0.utf8) }

    /// gzip's suffixes with `suffix` (not empty, no `/`) as the one compression appends.
    public init?(suffix: [UInt8] = Array(".gz".utf8)) {
        guard !suffix.isEmpty, !suffix.contains(UInt8(ascii: "/")), !suffix.contains(0) else { return nil }
        self.suffix = suffix
    }

    /// Every suffix, lower-cased, in the order gzip tries them: the `-S` one first, unless it ends
    /// one of the built-in ones (then it is tried last, so that `.tgz` still wins over `-S gz`).
    var candidates: [[UInt8]] {
        let custom = Self.lowercased(suffix)
        let endsBuiltIn = Self.builtIn.contains { $0.count > custom.count && $0.hasSuffix(custom) }
        return endsBuiltIn ? Self.builtIn + [custom] : [custom] + Self.builtIn
    }

    /// The suffix that `name` (a base name) ends in, lower-cased, if any.
    public func matchedSuffix(_ name: [UInt8]) -> [UInt8]? {
        let lowered = Self.lowercased(name)
        return candidates.first { lowered.count > $0.count && lowered.hasSuffix($0) }
    }

    /// The name a file decompresses to: without its suffix, or with `.tar` for `.tgz` and `.taz`;
    /// nil when the name ends in no known suffix.
    public func decompressedName(_ name: [UInt8]) -> [UInt8]? {
        guard let matched = matchedSuffix(name) else { return nil }
        let stem = Array(name.dropLast(matched.count))
        return matched == Array(".tgz".utf8) || matched == Array(".taz".utf8) ? stem + Array(".tar".utf8) : stem
    }

    /// The name a file compresses to: `name` with ``suffix``.
    public func compressedName(_ name: [UInt8]) -> [UInt8] {
        name + suffix
    }

    /// Globs matching every name with a known suffix, case-insensitively: what a walk for
    /// decompression lists, and one for compression leaves out.
    public var globs: [Glob] {
        var seen = Set<[UInt8]>()
        return candidates.filter { seen.insert($0).inserted }.map { Glob(bytes: Self.caseInsensitivePattern(endingIn: $0)) }
    }

    /// `*` then each byte of `suffix`: a letter as `[xX]`, a byte special to `fnmatch` escaped.
    static func caseInsensitivePattern(endingIn suffix: [UInt8]) -> [UInt8] {
        var pattern: [UInt8] = [UInt8(ascii: "*")]
        for byte in suffix {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                pattern += [UInt8(ascii: "["), byte | 0x20, byte & ~0x20, UInt8(ascii: "]")]
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "\\"):
                pattern += [UInt8(ascii: "\\"), byte]
            default:
                pattern.append(byte)
            }
        }
        return pattern
    }

    static func lowercased(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
    }
}
