import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A live one-line report of a run on a terminal, drawn from a ``ReadProgress``: bytes read (those
/// of files still being read included), rate, files, the file being read and, once the total is
/// known (the walk is over, or a pre-walk sized the roots), the percentage and the time left.
///
/// Drawn by ``tick()`` from a timer, so that it moves while one large file is read and no result
/// arrives; at most as often as the timer fires, and only when its text changed, so it does not
/// flicker. ``clear(while:)`` erases it while another message is written to the terminal (the next tick
/// draws it again) and ``finish()`` at the end. It never says 100% before the run is over.
///
/// ```swift
/// let progress = ReadProgress()
/// if let line = ProgressLine(progress: progress, enabled: nil) {
///     line.tick()      // every 200 ms while the run goes on
///     line.finish()
/// }
/// ```
package final class ProgressLine: Sendable {
    private let descriptor: CInt
    private let progress: ReadProgress
    private let start = FileTime.now
    /// What is on the terminal now ("" when nothing is).
    private let shown = LockedValue<String>("")

    /// A progress line on `descriptor` fed by `progress`; `nil` when `enabled` is false, or is nil
    /// and the descriptor is not a terminal.
    package init?(progress: ReadProgress, descriptor: CInt = STDERR_FILENO, enabled: Bool?) {
        guard enabled ?? (isatty(descriptor) == 1) else { return nil }
        self.descriptor = descriptor
        self.progress = progress
    }

    /// Redraws the line if what it says has changed.
    package func tick() {
        let width = SystemInfo.terminalColumns(descriptor) ?? 80
        let text = Self.text(for: progress.snapshot(), elapsed: FileTime.now.seconds(since: start), width: width)
        shown.withLock { shown in
            guard text != shown else { return }
            draw("\r\u{1B}[K" + text)
            shown = text
        }
    }

    /// Erases the line and runs `body` (which writes a message to the terminal) before any tick
    /// can draw it again: the message starts on a clean line, whatever thread ticks.
    package func clear<Result>(while body: () throws -> Result) rethrows -> Result {
        try shown.withLock { shown in
            if !shown.isEmpty {
                draw("\r\u{1B}[K")
                shown = ""
            }
            return try body()
        }
    }

    /// Erases the line for good: the run is over.
    package func finish() {
        clear {}
    }

    /// Redraws every `interval` until the task is cancelled, then erases the line. The first
    /// draw waits one interval: a run shorter than that shows nothing, rather than a flash.
    package func run(every interval: Duration = .milliseconds(200)) async {
        while true {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { break }
            tick()
        }
        finish()
    }

    private func draw(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    // MARK: - What the line says

    /// The line for `snapshot` after `elapsed` seconds, at most `width - 1` characters (the last
    /// column stays free, so that the terminal never wraps it):
    /// `42% 1.3 GB of 3.1 GB, 120.5 MB/s, 0:15 left, 12/30 files: logs/app.log`.
    ///
    /// ```swift
    /// let snapshot = ReadProgress.Snapshot(bytesRead: 50, filesDone: 1, total: (2, 100), current: "b")
    /// ProgressLine.text(for: snapshot, elapsed: 1, width: 80)  // "50% 50 B of 100 B, 50 B/s, 0:01 left, 1/2 files: b"
    /// ```
    package static func text(for snapshot: ReadProgress.Snapshot, elapsed: Double, width: Int) -> String {
        let rate = elapsed > 0 ? Double(snapshot.bytesRead) / elapsed : 0
        var parts: [String] = []
        // A total the bytes read already passed (a file that grew, a stream of unknown size) says
        // nothing about what is left: no percentage then, nor time left.
        if let total = snapshot.total, total.bytes > 0, snapshot.bytesRead <= total.bytes {
            var amount = "\(byteCount(snapshot.bytesRead)) of \(byteCount(total.bytes))"
            if let percent = percentage(done: snapshot.bytesRead, total: total.bytes) { amount = "\(percent)% " + amount }
            parts.append(amount)
            parts.append("\(byteCount(Int64(rate)))/s")
            if let left = secondsLeft(done: snapshot.bytesRead, total: total.bytes, elapsed: elapsed) {
                parts.append("\(duration(left)) left")
            }
        } else {
            parts.append(byteCount(snapshot.bytesRead))
            parts.append("\(byteCount(Int64(rate)))/s")
        }
        parts.append(snapshot.total.map { "\(snapshot.filesDone)/\($0.files) files" } ?? "\(snapshot.filesDone) files")
        let head = parts.joined(separator: ", ")
        let room = width - 1 - head.count - 2
        guard let current = snapshot.current, room >= 8 else { return String(head.prefix(max(width - 1, 0))) }
        // Quoted as in every other message: a name's control characters never reach the terminal.
        let name = String(decoding: ShellQuoting.quote(current.bytes), as: UTF8.self)
        return head + ": " + (name.count <= room ? name : "…" + name.suffix(room - 1))
    }

    /// The share of `total` that `done` is, in whole percent: nil when the total is empty, and at
    /// most 99 (bytes read can only reach the total when the run ends, and a file that grew while
    /// read must not show more than everything).
    ///
    /// ```swift
    /// ProgressLine.percentage(done: 999, total: 1000)  // 99
    /// ```
    package static func percentage(done: Int64, total: Int64) -> Int? {
        guard total > 0 else { return nil }
        return Int(min(max(Double(done) / Double(total) * 100, 0), 99))
    }

    /// Seconds left at the average rate so far: nil before a second has passed or a byte was read
    /// (a guess from an instant would lie), or once `done` is past `total` (the total was wrong);
    /// 0 when `done` is `total`.
    ///
    /// ```swift
    /// ProgressLine.secondsLeft(done: 25, total: 100, elapsed: 10)  // 30
    /// ```
    package static func secondsLeft(done: Int64, total: Int64, elapsed: Double) -> Double? {
        guard elapsed >= 1, done > 0, done <= total else { return nil }
        return Double(total - done) / (Double(done) / elapsed)
    }

    /// `M:SS`, or `H:MM:SS` from an hour on, rounded up to the whole second.
    ///
    /// ```swift
    /// ProgressLine.duration(3_725)  // "1:02:05"
    /// ```
    package static func duration(_ seconds: Double) -> String {
        let whole = Int(min(seconds.rounded(.up), 359_999))
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(rest))" : "\(minutes):\(two(rest))"
    }

    /// Bytes in decimal units with one decimal: `512 B`, `1.5 kB`, `167.2 MB`, `3.3 GB`.
    ///
    /// ```swift
    /// ProgressLine.byteCount(167_249_000)  // "167.2 MB"
    /// ```
    package static func byteCount(_ bytes: Int64) -> String {
        if bytes < 1000 { return "\(bytes) B" }
        var value = Double(bytes)
        for unit in ["kB", "MB", "GB", "TB"] {
            value /= 1000
            if value < 999.95 || unit == "TB" {
                let tenths = Int((value * 10).rounded())
                return "\(tenths / 10).\(tenths % 10) \(unit)"
            }
        }
        return "\(bytes) B"
    }
}
