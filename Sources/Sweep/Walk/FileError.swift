import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why one file (or directory) could not be processed. It names the path and carries the errno where there is one.
///
/// Its ``message`` uses the C library's wording, as coreutils prints it:
///
/// ```swift
/// let error = FileError(path: "missing.log", reason: .system(.noSuchFileOrDirectory))
/// print(error) // missing.log: No such file or directory
/// ```
public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Hashable {
        /// A system call failed with this errno.
        case system(Errno)
        /// The file's size, modification time or identity changed while it was read: the result would be wrong.
        case changedWhileReading
        /// Following symbolic links led back to a directory already being walked.
        case fileSystemLoop
        /// A stage refused the file or failed while processing it.
        case stageFailed(String)
    }

    /// The path as it was found or given.
    public var path: FilePath
    /// What went wrong.
    public var reason: Reason

    /// An error for `path`.
    public init(path: FilePath, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// An error for `path` from the current `errno`.
    package static func lastSystemError(_ path: FilePath) -> FileError {
        FileError(path: path, reason: .system(Errno(rawValue: Glibc.errno)))
    }

    /// The errno, when a system call failed.
    public var errno: Errno? {
        if case .system(let code) = reason { return code }
        return nil
    }

    /// The reason alone, in the C library's words: `No such file or directory`.
    public var message: String {
        switch reason {
        case .system(let code): String(cString: strerror(code.rawValue))
        case .changedWhileReading: "file changed as we read it"
        case .fileSystemLoop: "File system loop detected"
        case .stageFailed(let message): message
        }
    }

    /// `PATH: message`; a path that is not UTF-8 shows U+FFFD here, so print ``path``'s bytes where exactness matters.
    public var description: String {
        "\(String(decoding: path.bytes, as: UTF8.self)): \(message)"
    }
}
