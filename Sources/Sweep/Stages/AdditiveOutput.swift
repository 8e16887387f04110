/// A result that adds up across files, such as a line count. A run's ``RunSummary/totals`` holds the
/// sum for each stage whose output conforms.
///
/// ```swift
/// extension MyCount: AdditiveOutput { var additiveValue: UInt64 { UInt64(count) } }
/// ```
public protocol AdditiveOutput: Sendable {
    /// This file's contribution to the stage's total.
    var additiveValue: UInt64 { get }
}
