/// One checksum listed in a manifest.
///
/// ```swift
/// let entry = ManifestEntry(
///     expected: Digest(algorithm: .crc32, bytes: [0xcb, 0xf4, 0x39, 0x26]),
///     path: Array("a.txt".utf8),
///     isTagged: false
/// )
/// ```
public struct ManifestEntry: Sendable, Equatable {
    /// The checksum the file should have; its algorithm is the one to compute.
    ///
    /// ```swift
    /// let algorithm = entry.expected.algorithm // .sha256 for a 64-digit line
    /// ```
    public var expected: Digest
    /// The file's name as raw bytes, unescaped; it may be invalid UTF-8.
    ///
    /// ```swift
    /// let path = FilePath(bytes: entry.path) // never through String
    /// ```
    public var path: [UInt8]
    /// Whether the line was BSD style, `TAG (NAME) = HEX`.
    ///
    /// ```swift
    /// if entry.isTagged { /* SHA256 (NAME) = HEX */ }
    /// ```
    public var isTagged: Bool

    /// An entry expecting `expected` for the file named `path`.
    ///
    /// ```swift
    /// let entry = ManifestEntry(expected: digest, path: Array("-".utf8), isTagged: true)
    /// ```
    public init(expected: Digest, path: [UInt8], isTagged: Bool) {
        self.expected = expected
        self.path = path
        self.isTagged = isTagged
    }
}
