

/// Parses manifest lines exactly as coreutils 9.1 `sha256sum -c` (or `cksum -a ALGO -c`) does,
/// for every algorithm in ``DigestAlgorithm`` at once.
///
/// A line's algorithm comes from its tag (`SHA1 (a) = …`, `XXH128 (a) = …`) or, untagged, from
/// the length of its hex (32 MD5, 40 SHA1, 56 SHA224, 64 SHA256, 96 SHA384, 128 SHA512, 8 CRC32,
/// 16 XXH64; see ``DigestAlgorithm/matching(hexLength:)``). With ``algorithm`` set, an untagged
/// line of that algorithm's length is read as that algorithm: `-a xxh32` reads 8 digits as XXH32,
/// `-a xxh128` 32 digits as XXH128, `-a xxh3` 16 digits as XXH3.
///
/// The parser has state: like coreutils, the first untagged line that gets as far as its
/// separator decides whether untagged lines are `HEX  NAME` or the "BSD reversed"
/// `HEX NAME`, and later lines are read that way. Feed it the lines in order.
///
/// ```swift
/// var parser = ChecksumManifestParser(algorithm: .sha256)
/// let line = parser.parse(Array("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  a".utf8))
/// // line == .entry(ManifestEntry(expected: …, path: [0x61], isTagged: false))
/// ```
public struct ChecksumManifestParser: Sendable {
    /// If set, lines of any other algorithm are improperly formatted, as with `sha256sum -c`
    /// for SHA256 or `cksum -a ALGO -c`.
    ///
    /// ```swift
    /// var parser = ChecksumManifestParser(algorithm: .md5) // like md5sum -c
    /// ```
    public var algorithm: DigestAlgorithm?

    /// Whether the manifest is standard input; then a line naming `-` is improperly formatted,
    /// since that file is the manifest itself.
    ///
    /// coreutils keeps the untagged layout decided by one manifest for the later manifests
    /// of the same run; to do the same, keep one parser and only change this property.
    ///
    /// ```swift
    /// parser.readingStandardInput = (manifestPath == "-")
    /// ```
    public var readingStandardInput: Bool

    /// Whether one trailing CR is dropped, as coreutils does for CRLF manifests. Entries that end
    /// in NUL (`-z`) are written unescaped, so there a trailing CR belongs to the name.
    public var stripsTrailingCarriageReturn = true

    /// The algorithm of the last line that began with a known tag (`SHA512 (…`), whether or not it
    /// was well formed: what `cksum -c --warn` names in its message about an improperly formatted
    /// line, its own tag's or, for a line with none, the last one seen.
    public private(set) var lastTag: DigestAlgorithm?

    /// The untagged layout, decided by the first untagged line that reaches its separator.
    private var layout: UntaggedLayout?

    private enum UntaggedLayout {
        /// `HEX  NAME` or `HEX *NAME`: a mode character between the separator and the name.
        case standard
        /// `HEX NAME`: the name follows a single separator.
        case reversed
    }

    /// A parser for one manifest (or, like coreutils, for all manifests of one run).
    ///
    /// ```swift
    /// var parser = ChecksumManifestParser(algorithm: nil, readingStandardInput: true)
    /// ```
    public init(algorithm: DigestAlgorithm? = nil, readingStandardInput: Bool = false) {
        self.algorithm = algorithm
        self.readingStandardInput = readingStandardInput
    }

    /// Classifies one line, given without its terminator (a trailing CR is allowed and dropped).
    ///
    /// ```swift
    /// var parser = ChecksumManifestParser()
    /// parser.parse(Array("".utf8))          // .empty
    /// parser.parse(Array("  ".utf8))        // .improperlyFormatted
    /// parser.parse(Array("#x".utf8))        // .comment
    /// parser.parse(Array("CRC32 (a) = cbf43926".utf8)) // .entry(…, isTagged: true)
    /// ```
    public mutating func parse(_ line: some Collection<UInt8>) -> ManifestLine {
        // Contiguous input ([UInt8], slices of it) is parsed in place; the rest is copied once.
        if let result = line.withContiguousStorageIfAvailable({ parseBytes($0) }) {
            return result
        }
        return Array(line).withUnsafeBufferPointer { parseBytes($0) }
    }

    private mutating func parseBytes(_ line: UnsafeBufferPointer<UInt8>) -> ManifestLine {
        // coreutils tests for `#` before it strips anything, so ` #x` is not a comment.
        if line.first == UInt8(ascii: "#") {
            return .comment
        }
        var end = line.count
        if stripsTrailingCarriageReturn, end > 0, line[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        if end == 0 {
            return .empty
        }
        let bytes = UnsafeBufferPointer(rebasing: line[0..<end])
        guard let entry = split(bytes) else {
            return .improperlyFormatted
        }
        // Checking the manifest's own stream against itself cannot work.
        if readingStandardInput, entry.path == [UInt8(ascii: "-")] {
            return .improperlyFormatted
        }
        return .entry(entry)
    }

    /// coreutils' `split_3`: the entry, or nil for an improperly formatted line.
    private mutating func split(_ s: UnsafeBufferPointer<UInt8>) -> ManifestEntry? {
        var i = 0
        while i < s.count, Self.isBlank(s[i]) {
            i += 1
        }
        let escaped = i < s.count && s[i] == UInt8(ascii: "\\")
        if escaped {
            i += 1
        }
        if let tagged = Self.algorithm(taggedAt: i, in: s) {
            lastTag = tagged
            // Any line that starts with a known tag is tagged or nothing: its first
            // letters are not hex, so it could never be read as untagged.
            guard isAccepted(tagged) else { return nil }
            i += tagged.tag.utf8.count
            // coreutils allows exactly one optional space between tag and `(`.
            if i < s.count, s[i] == UInt8(ascii: " ") {
                i += 1
            }
            guard i < s.count, s[i] == UInt8(ascii: "(") else { return nil }
            return splitTagged(UnsafeBufferPointer(rebasing: s[(i + 1)...]), algorithm: tagged, escaped: escaped)
        }
        return splitUntagged(s, from: i, escaped: escaped)
    }

    /// coreutils' `bsd_split_3`, on the bytes after `(`.
    private func splitTagged(
        _ s: UnsafeBufferPointer<UInt8>, algorithm: DigestAlgorithm, escaped: Bool
    ) -> ManifestEntry? {
        // The name runs to the LAST `)`, so a name may itself contain `) = `.
        guard let close = s.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        guard let path = Self.name(UnsafeBufferPointer(rebasing: s[..<close]), escaped: escaped) else { return nil }
        var i = close + 1
        while i < s.count, Self.isBlank(s[i]) {
            i += 1
        }
        guard i < s.count, s[i] == UInt8(ascii: "=") else { return nil }
        i += 1
        while i < s.count, Self.isBlank(s[i]) {
            i += 1
        }
        // coreutils reads the hex as a C string, so a NUL ends it and anything after is ignored;
        // trailing blanks, by contrast, make the line improper.
        let hexEnd = s[i...].firstIndex(of: 0) ?? s.count
        guard let expected = Digest(algorithm: algorithm, hex: s[i..<hexEnd]) else { return nil }
        return ManifestEntry(expected: expected, path: path, isTagged: true)
    }

    /// The untagged half of coreutils' `split_3`, from the first hex digit at `start`.
    private mutating func splitUntagged(
        _ s: UnsafeBufferPointer<UInt8>, from start: Int, escaped: Bool
    ) -> ManifestEntry? {
        var hexEnd = start
        while hexEnd < s.count, Self.isHexDigit(s[hexEnd]) {
            hexEnd += 1
        }
        // Per algorithm coreutils demands exactly its number of hex digits and then a blank,
        // so the run's length picks the algorithm: the one asked for, else the length's default.
        guard let algorithm = untaggedAlgorithm(hexLength: hexEnd - start),
              s.count - start >= hexEnd - start + 2,  // the hex, a blank and at least one more byte
              Self.isBlank(s[hexEnd])
        else { return nil }
        let rest = hexEnd + 1
        var nameStart = rest
        if s.count - rest == 1 || (s[rest] != UInt8(ascii: " ") && s[rest] != UInt8(ascii: "*")) {
            // Only the first such line may choose the single-space form, so that an attacker
            // cannot smuggle a name with a leading space or `*` in among two-space lines.
            if layout == .standard { return nil }
            layout = .reversed
        } else if layout != .reversed {
            layout = .standard
            nameStart += 1
        }
        // In the reversed layout a `HEX  NAME` line stays valid: its name starts with the space
        // (or `*`). The layout is settled even if the name below turns out badly escaped,
        // because coreutils decides it first.
        guard let path = Self.name(UnsafeBufferPointer(rebasing: s[nameStart...]), escaped: escaped),
              let expected = Digest(algorithm: algorithm, hex: s[start..<hexEnd])
        else { return nil }
        return ManifestEntry(expected: expected, path: path, isTagged: false)
    }

    private func isAccepted(_ candidate: DigestAlgorithm) -> Bool {
        algorithm.map { $0 == candidate } ?? true
    }

    /// The algorithm of an untagged line with `hexLength` digits: the one asked for if the length
    /// is its own (several share 8, 16 and 32 digits), else none; without one, the default.
    private func untaggedAlgorithm(hexLength: Int) -> DigestAlgorithm? {
        guard let algorithm else { return DigestAlgorithm.matching(hexLength: hexLength) }
        return algorithm.digestByteCount * 2 == hexLength ? algorithm : nil
    }

    /// The known algorithm whose tag starts at `i`, if any: the longest that matches, since
    /// `XXH3` is a prefix of `XXH32` (and no other tag of another).
    private static func algorithm(taggedAt i: Int, in s: UnsafeBufferPointer<UInt8>) -> DigestAlgorithm? {
        var found: DigestAlgorithm?
        for candidate in DigestAlgorithm.allCases {
            let tag = candidate.tag.utf8
            if s.count - i >= tag.count, s[i..<(i + tag.count)].elementsEqual(tag),
               tag.count > found?.tag.utf8.count ?? 0 {
                found = candidate
            }
        }
        return found
    }

    /// The file name: unescaped per coreutils' `filename_unescape` when the line began with
    /// `\`; otherwise cut at the first NUL, as coreutils hands the name to `open` as a C string.
    private static func name(_ s: UnsafeBufferPointer<UInt8>, escaped: Bool) -> [UInt8]? {
        guard escaped else {
            return Array(s[..<(s.firstIndex(of: 0) ?? s.count)])
        }
        var name: [UInt8] = []
        name.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            switch s[i] {
            case UInt8(ascii: "\\"):
                guard i + 1 < s.count else { return nil }
                i += 1
                switch s[i] {
                case UInt8(ascii: "\\"): name.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "n"): name.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "r"): name.append(UInt8(ascii: "\r"))
                default: return nil
                }
            case 0:
                return nil
            case let byte:
                name.append(byte)
            }
            i += 1
        }
        return name
    }

    /// coreutils' `ISWHITE`: space and tab only.
    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
             UInt8(ascii: "A")...UInt8(ascii: "F"):
            true
        default:
            false
        }
    }
}
