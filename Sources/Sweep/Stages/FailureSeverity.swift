/// How serious a file's failure is, as gzip ranks them: an error makes the run exit 1, a warning 2
/// (unless an error also occurred), a notice leaves the exit status alone.
///
/// ```swift
/// if result.error?.severity == .warning { exitStatus = max(exitStatus, 2) }
/// ```
public enum FailureSeverity: Sendable, Comparable {
    /// Worth a word, not a failure (gzip's `already has .gz suffix -- unchanged`).
    case notice
    /// The file was left alone on purpose (gzip's `already exists; not overwritten`).
    case warning
    /// The file could not be processed.
    case error
}

extension FileError {
    /// How serious this failure is: what its cause says, if it is a ``RankedError``, else an error.
    public var severity: FailureSeverity {
        (cause as? any RankedError)?.severity ?? .error
    }
}
