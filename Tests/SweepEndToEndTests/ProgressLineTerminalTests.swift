import Foundation
import SweepTestSupport
import Testing

extension EndToEndTests {
    /// The progress line on a real terminal (util-linux `script` runs sweep on a pseudo-terminal and
    /// copies what it shows): it appears on a terminal, says what is read while a file is still in
    /// flight, and is erased before the results; it never appears on a pipe or with `--no-progress`.
    ///
    /// A FIFO named first holds the run while the line is looked at; the regular file after it is
    /// read once the FIFO is closed.
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

        /// Runs `sweep ARGUMENTS` on a terminal in `tree` (where `slow` is a FIFO) with the test as
        /// the FIFO's writer: it sends 1000 bytes, then keeps the FIFO open until the screen shows
        /// every one of `expected` (however slow the machine), and only then lets the run end.
        /// Returns the run's status, what the terminal showed, and whether `expected` was shown.
        static func runHoldingTheFIFO(
            _ arguments: String, in tree: TempTree, until expected: [String]
        ) throws -> (output: ProcessOutput, screen: String, shown: Bool) {
            let screenFile = tree.root + utf8("/screen")
            let child = try spawnProcess(
                "script", ["-qfec", Arg("\(sweepExecutable) \(arguments)"), "/dev/null"],
                directory: tree.root, stdoutFile: screenFile)
            // Blocks until sweep opens the FIFO for reading: these tests run off the cooperative pool.
            let writer = open(tree.rootString + "/slow", O_WRONLY)
            guard writer >= 0 else {
                child.signal(SIGKILL)
                return (child.wait(), "", false)
            }
            let zeros = [UInt8](repeating: 0, count: 1000)
            _ = zeros.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
            let shown = blockUntil(atMost: 60) {
                let screen = String(decoding: (try? readFile(screenFile)) ?? [], as: UTF8.self)
                return expected.allSatisfy(screen.contains)
            }
            close(writer)
            let output = child.wait()
            return (output, String(decoding: (try? readFile(screenFile)) ?? [], as: UTF8.self), shown)
        }

        @Test func onATerminalTheLineShowsTheFileInFlightThenIsErased() async throws {
            let tree = try TempTree("progress-terminal")
            try tree.file("big", [UInt8](repeating: 0x62, count: 10_000_000))
            _ = try tree.fifo("slow")
            // The walk of the two roots is over at once: the total is known, and the FIFO's 1000
            // bytes are counted while it is still open, as the current file. `big` may be read
            // meanwhile (its batch is queued too), and then its 10 MB count as well.
            let (output, screen, shown) = try Self.runHoldingTheFIFO(
                "sum -j 1 slow big", in: tree, until: [Self.erase, "/2 files: slow"])
            #expect(shown, "the line while the FIFO was open: \(screen.debugDescription)")
            #expect(screen.contains(Self.erase + "0% 1.0 kB of 10.0 MB, ") || screen.contains(Self.erase + "10.0 MB, "),
                    "the FIFO's bytes counted before big's, or with them: \(screen.debugDescription)")
            #expect(output.status == .exited(0), "\(output)")
            // Erased before the results are written, and never drawn after the last one.
            let results = try Self.expectedSums(tree).replacingOccurrences(of: "\n", with: "\r\n")
            #expect(screen.hasSuffix(results), "\(screen.debugDescription)")
            let afterLastErase = screen.components(separatedBy: "\u{1B}[K").last ?? ""
            #expect(!afterLastErase.contains("B/s"), "\(screen.debugDescription)")
            #expect(screen.replacingOccurrences(of: Self.erase, with: "").contains("B/s") && screen.hasPrefix(Self.erase))
        }

        /// Runs `sweep ARGUMENTS` in `tree` on a terminal, with strace delaying its second `pread64`
        /// by 3 seconds (fifteen ticks of the line): the first 512 KiB chunk of a file stays in
        /// flight that long. Returns the run's status and what the terminal showed.
        static func runWithTheSecondReadDelayed(_ arguments: String, in tree: TempTree) async throws -> (output: ProcessOutput, screen: String) {
            try #require(Attack.hasStrace, "strace (scripts/install-packages.sh test) holds the file in flight")
            let delay = 3_000_000 * testTimeScale
            let command = "strace -f -qq -o /dev/null -e trace=pread64 -e inject=pread64:delay_enter=\(delay):when=2 \(sweepExecutable) \(arguments)"
            let output = try await awaitOffPool {
                try spawnProcess("script", ["-qfec", Arg(command), "/dev/null"], directory: tree.root, traced: true).wait()
            }
            return (output, output.stdoutText)
        }

        /// The line while the first chunk of `big` is in flight: its 512 KiB counted, `big` named.
        static func expectTheFirstChunkOfBigShown(_ screen: String, _ label: String) {
            #expect(screen.contains(Self.erase) && screen.contains("524.3 kB") && screen.contains(": big"),
                    "\(label): the line while big was read: \(screen.debugDescription)")
            let afterLastErase = screen.components(separatedBy: "\u{1B}[K").last ?? ""
            #expect(!afterLastErase.contains("B/s"), "\(label): erased at the end: \(screen.debugDescription)")
        }

        /// `check` draws the same line while it reads the files its manifest lists (no total: the
        /// manifest is not sized ahead), and erases it before the status lines. (It never opens a
        /// FIFO its manifest names: strace holds the file in flight instead.)
        @Test func checkShowsTheLineWhileAListedFileIsRead() async throws {
            let tree = try TempTree("progress-check")
            try tree.file("big", [UInt8](repeating: 0x62, count: 10_000_000))
            try tree.file("SUMS", try runProcess("sha256sum", ["big"], directory: tree.root).stdoutText)
            let (output, screen) = try await Self.runWithTheSecondReadDelayed("check -j 1 SUMS", in: tree)
            #expect(output.status == .exited(0), "\(output)")
            Self.expectTheFirstChunkOfBigShown(screen, "check")
            #expect(screen.contains(", 0 files: big"), "no file done yet: \(screen.debugDescription)")
            // The status line comes on a line of its own, erased first; a tick may draw the line
            // again after it, and then the end erases that too.
            #expect(screen.contains(Self.erase + "big: OK\r\n"), "\(screen.debugDescription)")
            #expect(screen.hasSuffix(Self.erase + "big: OK\r\n") || screen.hasSuffix(Self.erase), "\(screen.debugDescription)")
        }

        /// The ledger commands count their reads on the same line: `sum --update` hashing a new
        /// file, then `check --audit` reading it again.
        @Test func ledgerCommandsShowTheLineWhileAFileIsRead() async throws {
            let tree = try TempTree("progress-ledger")
            try tree.file("big", [UInt8](repeating: 0x62, count: 10_000_000))
            let update = try await Self.runWithTheSecondReadDelayed("sum --update SUMS -j 1 big", in: tree)
            #expect(update.output.status == .exited(0), "\(update.output)")
            Self.expectTheFirstChunkOfBigShown(update.screen, "sum --update")
            #expect(try readFile(tree.path("SUMS")) == (try runProcess("sha256sum", ["big"], directory: tree.root).stdout))
            let audit = try await Self.runWithTheSecondReadDelayed("check --audit -j 1 SUMS", in: tree)
            #expect(audit.output.status == .exited(0), "\(audit.output)")
            Self.expectTheFirstChunkOfBigShown(audit.screen, "check --audit")
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
