#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A live one-line progress report on a terminal: files, bytes, rate. Redrawn at most ten times a
/// second, from the results as they arrive (no timer, no extra task), and erased at the end.
package struct ProgressLine {
    private let descriptor: CInt
    private let start = FileTime.now
    private var lastDraw: FileTime?
    private var files = 0
    private var bytes: Int64 = 0
    private var drawn = false

    /// A progress line on `descriptor`, or `nil` when it is not a terminal.
    package init?(descriptor: CInt = STDERR_FILENO, enabled: Bool?) {
        guard enabled ?? (isatty(descriptor) == 1) else { return nil }
        self.descriptor = descriptor
    }

    /// Counts one more file of `size` bytes, redrawing when 100 ms have passed.
    package mutating func advance(bytes size: Int64) {
        files += 1
        bytes += size
        let now = FileTime.now
        if let last = lastDraw, now.seconds(since: last) < 0.1 { return }
        lastDraw = now
        let elapsed = max(now.seconds(since: start), 0.001)
        let megabytes = Double(bytes) / 1_000_000
        let line = "\r\u{1B}[K\(files) files, \(Self.format(megabytes)) MB, \(Self.format(megabytes / elapsed)) MB/s"
        drawn = true
        _ = line.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
    }

    /// Erases the line, so that what follows starts on a clean line.
    package func finish() {
        guard drawn else { return }
        let erase = "\r\u{1B}[K"
        _ = erase.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
    }

    private static func format(_ value: Double) -> String {
        String(Double(Int(value * 10)) / 10)
    }
}
