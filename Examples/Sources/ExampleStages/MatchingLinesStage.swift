// A stage of the examples' own, in a library of their own so that both programs use it: the
// shape a team's shared stages would take.
import Sweep

/// The number of lines of one file that contain the pattern.
///
/// It conforms to ``AdditiveOutput``, so a run's `RunSummary.totals["matching-lines"]` holds the
/// total over all files, and to ``JSONRepresentable``, so `FileResult.jsonValue(stageName:)`
/// shows it as a number rather than as its description.
public struct MatchingLineCount: AdditiveOutput, JSONRepresentable, Hashable, CustomStringConvertible {
    /// Lines that contain the pattern at least once.
    public var lines: UInt64

    public var additiveValue: UInt64 { lines }
    public var jsonValue: JSONValue { .unsigned(lines) }
    public var description: String { String(lines) }
}

/// Counts the lines of each file that contain a fixed byte pattern, as `grep -c -F PATTERN` does in
/// the C locale: a line is the bytes up to a `\n` (a `\r` before it is part of the line), a last line
/// without a newline counts too, and the empty pattern matches every line.
///
/// The pattern may straddle two chunks: the search is Knuth–Morris–Pratt, one byte at a time, so the
/// processor carries only how much of the pattern the current line ends with — never a copy of the
/// chunk, whose bytes are valid only during `update(_:)`.
public struct MatchingLinesStage: Stage {
    /// The bytes to look for; never contains `\n`.
    public let pattern: [UInt8]
    /// For each prefix `pattern[...i]`, the length of its longest proper prefix that is also its suffix.
    private let fallback: [Int]

    /// A stage counting the lines that contain `pattern`; `nil` if it contains a newline (grep would
    /// read that as several patterns).
    public init?(pattern: some Sequence<UInt8>) {
        let pattern = Array(pattern)
        guard !pattern.contains(0x0A) else { return nil }
        self.pattern = pattern
        var fallback = [Int](repeating: 0, count: pattern.count)
        var length = 0
        for index in pattern.indices.dropFirst() {
            while length > 0 && pattern[index] != pattern[length] { length = fallback[length - 1] }
            if pattern[index] == pattern[length] { length += 1 }
            fallback[index] = length
        }
        self.fallback = fallback
    }

    /// The key of this stage's output in `RunSummary.totals` and in JSON.
    public var name: String { "matching-lines" }

    public func makeProcessor(for file: FileEntry) -> Processor {
        Processor(pattern: pattern, fallback: fallback)
    }

    /// The search state within one file.
    public struct Processor: StageProcessor {
        let pattern: [UInt8]
        let fallback: [Int]
        /// How many bytes of the pattern the current line ends with.
        var matched = 0
        /// Whether the current line already matched (the rest of it is skipped).
        var lineMatched = false
        /// Whether the current line has any byte yet (for a last line without a newline).
        var lineStarted = false
        var count: UInt64 = 0

        public mutating func update(_ chunk: UnsafeRawBufferPointer) {
            var index = chunk.startIndex
            while index < chunk.endIndex {
                let byte = chunk[index]
                index += 1
                if byte == 0x0A {
                    // The empty pattern matches every line, even an empty one.
                    if pattern.isEmpty { count += 1 }
                    matched = 0
                    lineMatched = false
                    lineStarted = false
                    continue
                }
                lineStarted = true
                if lineMatched || pattern.isEmpty { continue }
                while matched > 0 && byte != pattern[matched] { matched = fallback[matched - 1] }
                if byte == pattern[matched] { matched += 1 }
                if matched == pattern.count {
                    count += 1
                    lineMatched = true
                    matched = 0
                }
            }
        }

        public func finish() -> MatchingLineCount {
            // A last line without a newline is a line too: for the empty pattern it has not been counted.
            let unterminated: UInt64 = pattern.isEmpty && lineStarted ? 1 : 0
            return MatchingLineCount(lines: count + unterminated)
        }
    }
}
