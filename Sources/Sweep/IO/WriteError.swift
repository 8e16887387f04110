import SystemPackage

/// A failed write of the command's output (`EPIPE`, `ENOSPC`, `EIO`…), told apart from the failures
/// of the files being processed.
package struct WriteError: Error, Sendable {
    /// Why the write failed.
    package var errno: Errno
    /// The C library's wording: `No space left on device`.
    package var message: String { errno.description }
}
