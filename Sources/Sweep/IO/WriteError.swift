import Glibc

/// A failed write: the errno (EPIPE, ENOSPC, EIO…).
package struct WriteError: Error, Sendable {
    package var errno: CInt
    package var message: String { String(cString: strerror(errno)) }
}
