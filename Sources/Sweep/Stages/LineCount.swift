/// The number of newline bytes in one file.
public struct LineCount: AdditiveOutput, Hashable, CustomStringConvertible {
    /// The count of `\n` bytes.
    public var lines: UInt64

    /// A count of `lines`.
    public init(lines: UInt64) { self.lines = lines }

    public var additiveValue: UInt64 { lines }
    public var description: String { String(lines) }
}
