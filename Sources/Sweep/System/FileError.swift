import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why one file (or directory) could not be processed: the path, and a reason that keeps its cause
/// (the `Errno` of the system call, or the error a stage threw), as NIO's `FileSystemError` keeps a
/// code and a cause.
///
/// Its ``message`` uses the C library's wording for system errors, as coreutils prints it:
///
/// ```swift
/// let error = FileError(path: "missing.log", reason: .system(.noSuchFileOrDirectory))
/// print(error) // missing.log: No such file or directory
/// ```
public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// A system call failed with this errno.
        case system(Errno)
        /// The file's size, modification time or identity changed while it was read: the result would be wrong.
        case changedWhileReading
        /// Following symbolic links led back to a directory already being walked.
        case fileSystemLoop
        /// The name no longer refers to a regular file (a FIFO, a device, a socket put in its place
        /// after the walk): it was not read.
        case notARegularFile(kind: String)
        /// A stage (or another layer above the file system) failed with this error, kept as thrown.
        case cause(any Error & Sendable)

        /// The reason alone, in the C library's words for system errors: `No such file or directory`.
        public var description: String {
            switch self {
            case .system(let code): String(cString: strerror(code.rawValue))
            case .changedWhileReading: "file changed as we read it"
            case .fileSystemLoop: "File system loop detected"
            case .notARegularFile(let kind): "not a regular file (\(kind))"
            case .cause(let error): (error as? any CustomStringConvertible)?.description ?? String(describing: error)
            }
        }

        /// Causes are equal when they are of one type and say the same: an error need not be
        /// `Equatable` to be thrown.
        public static func == (lhs: Reason, rhs: Reason) -> Bool {
            switch (lhs, rhs) {
            case (.system(let a), .system(let b)): a == b
            case (.changedWhileReading, .changedWhileReading), (.fileSystemLoop, .fileSystemLoop): true
            case (.notARegularFile(let a), .notARegularFile(let b)): a == b
            case (.cause(let a), .cause(let b)): type(of: a) == type(of: b) && lhs.description == rhs.description
            default: false
            }
        }

        public func hash(into hasher: inout Hasher) {
            switch self {
            case .system(let code): hasher.combine(0); hasher.combine(code)
            case .changedWhileReading: hasher.combine(1)
            case .fileSystemLoop: hasher.combine(2)
            case .notARegularFile(let kind): hasher.combine(3); hasher.combine(kind)
            case .cause(let error): hasher.combine(4); hasher.combine(ObjectIdentifier(type(of: error))); hasher.combine(description)
            }
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

    /// Wraps whatever a layer above threw, keeping a `FileError` (which names its own path) as it is
    /// and an `Errno` as a system error.
    package static func from(_ error: any Error, path: FilePath) -> FileError {
        if let error = error as? FileError { return error }
        if let error = error as? Errno { return FileError(path: path, reason: .system(error)) }
        return FileError(path: path, reason: .cause(error))
    }

    /// The errno, when a system call failed.
    public var errno: Errno? {
        if case .system(let code) = reason { return code }
        return nil
    }

    /// The error a stage threw, when one did.
    public var cause: (any Error & Sendable)? {
        if case .cause(let error) = reason { return error }
        return nil
    }

    /// Whether the work was cancelled rather than failed.
    public var isCancellation: Bool { errno == .canceled }

    /// The reason alone: `No such file or directory`.
    public var message: String { reason.description }

    /// `PATH: message`; a path that is not UTF-8 shows U+FFFD here, so print ``path``'s bytes where exactness matters.
    public var description: String {
        "\(String(decoding: path.bytes, as: UTF8.self)): \(message)"
    }
}
