import SystemPackage

/// What happened to one file (or one path the walker could not list).
///
/// ```swift
/// switch result.outcome {
/// case .processed(let digest): print(digest, result.path)
/// case .failed(let error): print("failed:", error)
/// case .skipped(let reason): print(result.path, reason)
/// }
/// ```
public struct FileResult<Output: Sendable>: Sendable {
    /// What became of the file.
    public enum Outcome: Sendable {
        /// Every byte was read, the file did not change meanwhile, and the stage finished.
        case processed(Output)
        /// The file could not be opened or read, changed while read, or the stage failed.
        case failed(FileError)
        /// The walker left it out on purpose (a FIFO, a socket, a device).
        case skipped(SkipReason)
    }

    /// The file, with its metadata as it was when opened (when it was).
    public var entry: FileEntry
    /// The bytes read.
    public var bytesRead: Int64
    /// What became of the file.
    public var outcome: Outcome

    /// The path as found or given.
    public var path: FilePath { entry.path }

    /// The stage's output, if the file was processed.
    public var output: Output? {
        if case .processed(let output) = outcome { return output }
        return nil
    }

    /// The error, if the file failed.
    public var error: FileError? {
        if case .failed(let error) = outcome { return error }
        return nil
    }
}
