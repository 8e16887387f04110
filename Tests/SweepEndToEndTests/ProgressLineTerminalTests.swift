import Foundation
import SweepTestSupport
import Testing

extension EndToEndTests {
    /// The progress line on a real terminal (util-linux `script` runs sweep on a pseudo-terminal and
    /// copies what it shows): it appears on a terminal, says what is read while a file is still in
    /// flight, and is erased before the results; it never appears on a pipe or with `--no-progress`.
    ///
    /// A FIFO named first holds the run: its writer sends 1000 bytes and waits two seconds (ten
    /// ticks of the line) before closing, and the regular file after it is read once it has.
    @Suite(.timeLimit(.minutes(2 * testTimeScale)))
    struct ProgressLineTerminalTests {
        static let erase = "\r\u{1B}[K"

        /// A directory with `big` (10 MB) and a FIFO `slow`; runs `sweep ARGUMENTS slow big` (through
        /// `script` when `terminal`) while a writer feeds `slow`. Returns what the run printed.
        static func run(_ arguments: String, terminal: Bool) async throws -> (output: ProcessOutput, tree: TempTree) {
            let tree = try TempTree("progress")
            try tree.file("big", [UInt8](repeating: 0x62, count: 10_000_000))
            _ = try tree.fifo("slow")
            let command = "\"$0\" \(arguments) slow big"
            let script = terminal
                ? "(head -c 1000 /dev/zero; sleep \(2 * testTimeScale)) > slow & exec script -qfec '\(command.replacingOccurrences(of: "\"$0\"", with: sweepExecutable))' /dev/null"
                : "(head -c 1000 /dev/zero; sleep \(2 * testTimeScale)) > slow & exec \(command)"
            let output = try await runProcessAsync("bash", ["-c", Arg(script), Arg(sweepExecutable)], directory: tree.root)
            return (output, tree)
        }

        /// What sha256sum prints for the same two inputs.
        static func expectedSums(_ tree: TempTree) throws -> String {
            let fifo = try runProcess("sha256sum", [], stdin: .bytes([UInt8](repeating: 0, count: 1000))).stdoutText
            let big = try runProcess("sha256sum", ["big"], directory: tree.root).stdoutText
            return fifo.replacingOccurrences(of: "  -\n", with: "  slow\n") + big
        }

        @Test(.disabled("timing-dependent on a loaded machine (read-ahead before the first tick); to be made deterministic"))
        func onATerminalTheLineShowsTheFileInFlightThenIsErased() async throws {
            let (output, tree) = try await Self.run("sum -j 1", terminal: true)
            #expect(output.status == .exited(0), "\(output)")
            let screen = output.stdoutText
            // The walk of the two roots is over at once: the total is known, and the FIFO's
            // 1000 bytes are counted while it is still open (no file is done yet).
            // Intermittent on a loaded machine: if `big` is read ahead before the first tick, more
            // is read than the walk saw (the FIFO's size is 0), and by design no percentage is drawn.
            withKnownIssue("big read ahead before the first tick", isIntermittent: true) {
                #expect(screen.contains(Self.erase + "0% 1.0 kB of 10.0 MB, "), "\(screen.debugDescription)")
            }
            #expect(screen.contains(", 0/2 files: slow"), "the current file: \(screen.debugDescription)")
            // Erased before the results are written, and never drawn after the last one.
            let results = try Self.expectedSums(tree).replacingOccurrences(of: "\n", with: "\r\n")
            #expect(screen.hasSuffix(results), "\(screen.debugDescription)")
            let afterLastErase = screen.components(separatedBy: "\u{1B}[K").last ?? ""
            #expect(!afterLastErase.contains("B/s"), "\(screen.debugDescription)")
            #expect(screen.replacingOccurrences(of: Self.erase, with: "").contains("B/s") && screen.hasPrefix(Self.erase))
        }

        @Test func onAPipeOrWithNoProgressThereIsNoLine() async throws {
            let (piped, tree) = try await Self.run("sum -j 1", terminal: false)
            #expect(piped.status == .exited(0), "\(piped)")
            #expect(piped.stderr.isEmpty, "nothing on a pipe: \(piped)")
            #expect(piped.stdoutText == (try Self.expectedSums(tree)))

            let (quiet, quietTree) = try await Self.run("sum -j 1 --no-progress", terminal: true)
            #expect(quiet.status == .exited(0), "\(quiet)")
            #expect(!quiet.stdoutText.contains("\u{1B}"), "\(quiet.stdoutText.debugDescription)")
            #expect(quiet.stdoutText == (try Self.expectedSums(quietTree)).replacingOccurrences(of: "\n", with: "\r\n"))
        }
    }
}
