import Glibc

/// A `read(2)` that failed while reading records; ``errno`` says why.
///
/// ```swift
/// do { _ = try reader.next() } catch { print(error) } // Is a directory
/// ```
package struct RecordReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The errno `read` failed with.
    ///
    /// ```swift
    /// let code = Errno(rawValue: error.errno) // SystemPackage's wrapper
    /// ```
    package var errno: CInt

    /// The error for a failed `read` that set `errno`.
    ///
    /// ```swift
    /// let error = RecordReadError(errno: EISDIR)
    /// ```
    package init(errno: CInt) {
        self.errno = errno
    }

    /// The C library's wording, as coreutils prints it (`Is a directory`).
    ///
    /// ```swift
    /// RecordReadError(errno: EIO).description // "Input/output error"
    /// ```
    package var description: String {
        String(cString: strerror(errno))
    }
}
