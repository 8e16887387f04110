/// The layout of a manifest line that `sweep sum` writes.
///
/// ```swift
/// let gnu = ChecksumLineFormatter(style: .gnu) // 2cf2…9824  a.txt
/// let bsd = ChecksumLineFormatter(style: .bsd) // SHA256 (a.txt) = 2cf2…9824
/// ```
public enum ManifestStyle: Sendable, Hashable {
    /// `HEX  NAME`, what `sha256sum` prints by default.
    case gnu
    /// `TAG (NAME) = HEX`, what `sha256sum --tag` prints.
    case bsd
}
