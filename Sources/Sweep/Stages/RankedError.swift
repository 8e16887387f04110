/// An error that says how serious it is; any other error counts as ``FailureSeverity/error``.
///
/// ```swift
/// struct Skipped: RankedError { var severity: FailureSeverity { .notice } }
/// ```
public protocol RankedError: Error, Sendable {
    /// How serious this failure is.
    var severity: FailureSeverity { get }
}
