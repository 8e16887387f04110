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
        /// The output file exists and overwriting was not asked for (gzip's refusal).
        case alreadyExists
        /// The file has other hard links, which compressing would separate from it.
        case otherLinks(UInt64)
        /// The file is already compressed (its name ends in `.gz`).
        case alreadyCompressed
        /// The file's name lacks the `.gz` suffix, so decompressing has no name to give the result.
        case unknownSuffix
        /// Compressed data is corrupt, truncated or not gzip, in gzip's words.
        case invalidData(String)
        /// A file with the set-user-ID, set-group-ID or sticky bit, which gzip leaves alone.
        case specialModeBits(String)
    }

    /// How serious a failure is, as gzip ranks them: an error exits 1, a warning 2 (unless an error
    /// also occurred), a notice leaves the exit status alone.
    public enum Severity: Sendable, Comparable {
        case notice, warning, error
    }

    /// How serious this failure is.
    public var severity: Severity {
        switch reason {
        case .alreadyCompressed: .notice
        case .alreadyExists, .otherLinks, .unknownSuffix, .specialModeBits: .warning
        default: .error
        }
    }

    /// Whether the message follows the name after `: ` (most) or after a space, as in gzip's
    /// `f.gz already exists;` and `f has 1 other link -- file ignored`.
    public var separatesWithColon: Bool {
        switch reason {
        case .alreadyExists, .otherLinks, .alreadyCompressed, .specialModeBits: false
        default: true
        }
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
        case .alreadyExists: "already exists;\tnot overwritten"
        case .otherLinks(let count): "has \(count) other link\(count == 1 ? "" : "s") -- file ignored"
        case .alreadyCompressed: "already has .gz suffix -- unchanged"
        case .unknownSuffix: "unknown suffix -- ignored"
        case .invalidData(let message): message
        case .specialModeBits(let message): message
        }
    }

    /// `PATH: message`; a path that is not UTF-8 shows U+FFFD here, so print ``path``'s bytes where exactness matters.
    public var description: String {
        "\(String(decoding: path.bytes, as: UTF8.self))\(separatesWithColon ? ":" : "") \(message)"
    }
}
