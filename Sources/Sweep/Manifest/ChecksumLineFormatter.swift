
/// Formats manifest lines byte for byte as coreutils' `sha256sum` (and its siblings) print them,
/// and the xxHash family's as `xxhsum` 0.8.1 prints them.
///
/// Names are raw bytes: a name that is not valid UTF-8 is written unchanged, as coreutils
/// writes it. Standard input is named `-` (the caller passes the name; see
/// ``DigestAlgorithm/standardInputName``).
///
/// For the xxHash family (``DigestAlgorithm/isXXHash``) the lines are `xxhsum`'s: the same
/// `HEX  NAME` and `XXH64 (NAME) = HEX` shapes, but names are never escaped (`xxhsum` 0.8.1 prints
/// `\`, LF and CR raw, and `xxhsum -c` would not read an escaped line), and XXH3 is always
/// written tagged, `XXH3 (NAME) = HEX`, because `xxhsum -H3` writes it so with or without
/// `--tag` (untagged, its 16 digits would read as XXH64).
///
/// ```swift
/// let formatter = ChecksumLineFormatter(style: .gnu)
/// var output: [UInt8] = []
/// let digest = Digest(algorithm: .crc32, bytes: [0xcb, 0xf4, 0x39, 0x26])
/// formatter.append(digest, path: Array("a\\b".utf8), to: &output)
/// // output is the bytes of `\cbf43926  a\\b` followed by LF
/// ```
public struct ChecksumLineFormatter: Sendable, Hashable {
    /// The layout of each line.
    ///
    /// ```swift
    /// ChecksumLineFormatter(style: .bsd).style // .bsd
    /// ```
    public var style: ManifestStyle
    /// Whether lines end in NUL instead of LF (`-z`); then no name is escaped.
    ///
    /// ```swift
    /// ChecksumLineFormatter(nulTerminated: true).nulTerminated // true
    /// ```
    public var nulTerminated: Bool
    /// Whether `.gnu` lines mark the name with `*` for binary mode, as `sha256sum -b` prints
    /// `HEX *NAME` (coreutils reads both marks alike on GNU systems). `.bsd` lines have no mark.
    ///
    /// ```swift
    /// ChecksumLineFormatter(binaryMarker: true).binaryMarker // true
    /// ```
    public var binaryMarker: Bool

    /// A formatter writing `style` lines, ended by LF, or by NUL when `nulTerminated`, names
    /// marked `*` when `binaryMarker`.
    ///
    /// ```swift
    /// let formatter = ChecksumLineFormatter(style: .bsd, nulTerminated: true) // sha256sum --tag -z
    /// ```
    public init(style: ManifestStyle = .gnu, nulTerminated: Bool = false, binaryMarker: Bool = false) {
        self.style = style
        self.nulTerminated = nulTerminated
        self.binaryMarker = binaryMarker
    }

    /// Appends the whole line for `digest` of the file named `path`, including its terminator
    /// (LF, or NUL with `nulTerminated`).
    ///
    /// ```swift
    /// var output: [UInt8] = []
    /// let digest = Digest(algorithm: .crc32, bytes: [0xcb, 0xf4, 0x39, 0x26])
    /// ChecksumLineFormatter(style: .bsd).append(digest, path: Array("-".utf8), to: &output)
    /// // output is the bytes of `CRC32 (-) = cbf43926` followed by LF
    /// ```
    public func append(_ digest: Digest, path: some Collection<UInt8>, to output: inout [UInt8]) {
        // Generic collections from another module would be walked through witness tables;
        // contiguous storage (the common case: [UInt8]) takes the fast non-generic path.
        let handled: Void? = path.withContiguousStorageIfAvailable { name in
            appendLine(digest, name: name, to: &output)
        }
        if handled == nil {
            Array(path).withUnsafeBufferPointer { name in
                appendLine(digest, name: name, to: &output)
            }
        }
    }

    private func appendLine(_ digest: Digest, name: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        // With -z a name cannot break a line, so coreutils prints every name raw; xxhsum 0.8.1
        // prints every name raw in any case.
        let escaped = !nulTerminated && !digest.algorithm.isXXHash && ManifestEscaping.containsEscapable(name)
        output.reserveCapacity(output.count + name.count + digest.bytes.count * 2 + 16)
        if escaped {
            // The leading backslash tells a reader that the name that follows is escaped.
            output.append(UInt8(ascii: "\\"))
        }
        // xxhsum -H3 writes only the tagged form.
        switch digest.algorithm == .xxh3 ? .bsd : style {
        case .gnu:
            digest.appendHex(to: &output)
            // The second character is `*` only with `-b`, which GNU never needs.
            output.append(UInt8(ascii: " "))
            output.append(binaryMarker ? UInt8(ascii: "*") : UInt8(ascii: " "))
            ManifestEscaping.appendName(name, escaped: escaped, to: &output)
        case .bsd:
            output.append(contentsOf: digest.algorithm.tag.utf8)
            output.append(UInt8(ascii: " "))
            output.append(UInt8(ascii: "("))
            ManifestEscaping.appendName(name, escaped: escaped, to: &output)
            output.append(contentsOf: ") = ".utf8)
            digest.appendHex(to: &output)
        }
        output.append(nulTerminated ? 0 : UInt8(ascii: "\n"))
    }
}

/// The escaping coreutils applies to names in manifest and status lines: `\` → `\\`,
/// LF → `\n`, CR → `\r`, every other byte raw.
///
/// ```swift
/// var output: [UInt8] = []
/// Array("a\nb".utf8).withUnsafeBufferPointer {
///     ManifestEscaping.appendName($0, escaped: true, to: &output) // a\nb (backslash, n)
/// }
/// ```
package enum ManifestEscaping {
    /// Whether `name` holds a byte that `sha256sum` escapes (`\`, LF or CR).
    ///
    /// ```swift
    /// Array("a\\b".utf8).withUnsafeBufferPointer { ManifestEscaping.containsEscapable($0) } // true
    /// ```
    package static func containsEscapable(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        name.contains { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
    }

    /// Appends `name`, escaped if `escaped`, else raw.
    ///
    /// ```swift
    /// var output: [UInt8] = []
    /// Array("c\r".utf8).withUnsafeBufferPointer {
    ///     ManifestEscaping.appendName($0, escaped: true, to: &output) // c\r (backslash, r)
    /// }
    /// ```
    package static func appendName(_ name: UnsafeBufferPointer<UInt8>, escaped: Bool, to output: inout [UInt8]) {
        guard escaped else {
            output.append(contentsOf: name)
            return
        }
        for byte in name {
            switch byte {
            case UInt8(ascii: "\\"):
                output.append(UInt8(ascii: "\\"))
                output.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\n"):
                output.append(UInt8(ascii: "\\"))
                output.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"):
                output.append(UInt8(ascii: "\\"))
                output.append(UInt8(ascii: "r"))
            default:
                output.append(byte)
            }
        }
    }
}
