/// The per-file lines `sha256sum -c` prints on standard output: `NAME: OK`, `NAME: FAILED`
/// and `NAME: FAILED open or read`.
///
/// ```swift
/// var output: [UInt8] = []
/// CheckStatusLine.append(path: Array("a.txt".utf8), status: .ok, to: &output)
/// // output is the bytes of `a.txt: OK` followed by LF
/// ```
package enum CheckStatusLine {
    /// The verdict on one listed file.
    ///
    /// ```swift
    /// let status: CheckStatusLine.Status = digestsMatch ? .ok : .failed
    /// ```
    package enum Status: Sendable, Hashable {
        /// The computed checksum matched: `NAME: OK`.
        case ok
        /// The computed checksum did not match: `NAME: FAILED`.
        case failed
        /// The file was missing, unreadable or a directory: `NAME: FAILED open or read`.
        case unreadable

        /// The text after `NAME: `.
        ///
        /// ```swift
        /// CheckStatusLine.Status.unreadable.text // "FAILED open or read"
        /// ```
        package var text: String {
            switch self {
            case .ok: "OK"
            case .failed: "FAILED"
            case .unreadable: "FAILED open or read"
            }
        }
    }

    /// Appends the status line for `path`, LF included.
    ///
    /// This is coreutils 9.1's rule, which differs from `sha256sum`'s own manifest lines: the
    /// name is escaped (a leading `\`, then `\`, LF and CR escaped) only when it contains LF;
    /// a name with only `\` or CR is printed raw. (coreutils 9.4 and later also escape those.)
    ///
    /// ```swift
    /// var output: [UInt8] = []
    /// CheckStatusLine.append(path: Array("back\\slash".utf8), status: .ok, to: &output)
    /// // output is the bytes of `back\slash: OK` followed by LF
    /// ```
    package static func append(path: some Collection<UInt8>, status: Status, to output: inout [UInt8]) {
        let handled: Void? = path.withContiguousStorageIfAvailable { name in
            appendLine(name: name, status: status, to: &output)
        }
        if handled == nil {
            Array(path).withUnsafeBufferPointer { name in
                appendLine(name: name, status: status, to: &output)
            }
        }
    }

    private static func appendLine(name: UnsafeBufferPointer<UInt8>, status: Status, to output: inout [UInt8]) {
        // 9.1 only guards against a name that would split the line; see the doc comment.
        let escaped = name.contains(UInt8(ascii: "\n"))
        if escaped {
            output.append(UInt8(ascii: "\\"))
        }
        ManifestEscaping.appendName(name, escaped: escaped, to: &output)
        output.append(UInt8(ascii: ":"))
        output.append(UInt8(ascii: " "))
        output.append(contentsOf: status.text.utf8)
        output.append(UInt8(ascii: "\n"))
    }
}
