/// A file age such as `7d`, `12h`, `30m`, `90s` or `1d12h` (`--older-than`): a sum of whole numbers,
/// each followed by a unit of weeks (`w`), days (`d`), hours (`h`), minutes (`m`) or seconds (`s`).
///
/// ```swift
/// let age = AgeThreshold("1d12h")!
/// print(age.seconds) // 129600
/// var options = WalkOptions()
/// options.modifiedBefore = age.cutoff(from: .now)
/// ```
public struct AgeThreshold: Sendable, Hashable, CustomStringConvertible {
    /// The age in seconds.
    public let seconds: Int64
    private let text: String

    /// Parses `text`; `nil` if it is not numbers with units, or overflows.
    public init?(_ text: String) {
        var total: Int64 = 0
        var number: Int64?
        for character in text.utf8 {
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (shifted, overflow1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (next, overflow2) = shifted.addingReportingOverflow(Int64(character - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                number = next
            default:
                guard let value = number, let unit = Self.unitSeconds(character) else { return nil }
                let (scaled, overflow1) = value.multipliedReportingOverflow(by: unit)
                let (sum, overflow2) = total.addingReportingOverflow(scaled)
                guard !overflow1, !overflow2 else { return nil }
                total = sum
                number = nil
            }
        }
        // Every number needs its unit, and there must be at least one.
        guard number == nil, !text.isEmpty else { return nil }
        seconds = total
        self.text = text
    }

    /// The modification time a file must be older than, counted back from `now`.
    public func cutoff(from now: FileTime) -> FileTime {
        FileTime(seconds: now.seconds - seconds, nanoseconds: now.nanoseconds)
    }

    public var description: String { text }

    private static func unitSeconds(_ unit: UInt8) -> Int64? {
        switch unit {
        case UInt8(ascii: "s"): 1
        case UInt8(ascii: "m"): 60
        case UInt8(ascii: "h"): 3600
        case UInt8(ascii: "d"): 86400
        case UInt8(ascii: "w"): 604_800
        default: nil
        }
    }
}
