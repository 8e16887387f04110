import Foundation
import SweepTestSupport
import SystemPackage
import Testing

@testable import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension EndToEndTests {
    /// `sweep lines` end to end against `wc -l` on the same files.
    @Suite(.timeLimit(.minutes(2 * testTimeScale)))
    struct LinesCommandTests: CommandLineFixtures {
        @Test func linesCountsEqualWc() async throws {
            let tree = try Self.textTree("lines")
            let order = await Self.walkOrder(tree)
            let wc = try Oracle.lineCounts(of: order, directory: tree.root)
            let output = try runSweep(["lines", "."], directory: tree.root)
            #expect(output.status == .exited(0))
            let rows = Self.parseLines(output.stdout)
            #expect(rows.map(\.1) == order.map { String(decoding: $0, as: UTF8.self) } + ["total"])
            #expect(rows.map(\.0) == wc.counts + [wc.total])

            // One file: no total line, as wc.
            let single = try runSweep(["lines", "abc"], directory: tree.root)
            #expect(Self.parseLines(single.stdout).map(\.0) == [2])
            #expect(Self.parseLines(single.stdout).map(\.1) == ["abc"])

            // Standard input.
            let stdin = try runSweep(["lines", "-"], directory: tree.root, stdin: .file(tree.path("dir/long.txt")))
            let wcStdin = try runProcess("wc", ["-l"], stdin: .file(tree.path("dir/long.txt")))
            #expect(Self.parseLines(stdin.stdout).map(\.0) == [UInt64(wcStdin.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))!])
        }

        @Test func linesQuotesANameWithANewlineAsWcDoes() throws {
            // wc -l prints a name containing LF shell-quoted ('./new'$'\n''line'), so each row stays one
            // line; other names are printed raw. Rows are compared without wc's input-dependent padding.
            let tree = try TempTree("lines-names")
            try tree.file("plain", "1\n")
            try tree.file(utf8("new\nline"), utf8("1\n2\n"))
            try tree.file("with space", "\n\n\n")
            try tree.file(utf8("back\\slash"), utf8("x\n"))
            let names: [Arg] = ["./plain", Arg(utf8("./new\nline")), "./with space", Arg(utf8("./back\\slash"))]
            let wc = try Self.peer("wc", ["-l", "--"] + names, in: tree.root)
            let output = try runSweep(["lines"] + names, directory: tree.root)
            #expect(output.status == .exited(0))
            let rows = Self.parseLines(output.stdout).map { "\($0.0) \($0.1)" }
            let expected = Self.parseLines(wc.stdout).map { "\($0.0) \($0.1)" }
            #expect(rows == expected, "sweep: \(describeBytes(output.stdout))\nwc: \(describeBytes(wc.stdout))")
        }

        @Test func linesReportsAMissingFile() throws {
            let tree = try Self.textTree("lines-missing")
            let output = try runSweep(["lines", "abc", "absent", "crlf"], directory: tree.root)
            #expect(output.status == .exited(1))
            #expect(output.stderrText == "sweep: absent: No such file or directory\n")
            #expect(Self.parseLines(output.stdout).map(\.0).prefix(2) == [2, 2])
        }

        @Test(arguments: [
            (["lines", "--jobs=-3"], "-j must be at least 1"),
        ] as [([String], String)])
        func usageErrorsExitNonZeroWithAMessage(_ arguments: [String], _ message: String) throws {
            try Self.expectUsageError(arguments, message)
        }
    }
}

// MARK: - wc's habits: standard input, named streams

extension EndToEndTests.LinesCommandTests {
    /// With no path, standard input is counted and printed as `wc -l` prints it (the count alone),
    /// from a pipe and from a file.
    @Test func noPathCountsStandardInputAsWcDoes() async throws {
        let tree = try Self.textTree("lines-stdin")
        for source in ["cat dir/long.txt |", "< dir/long.txt", "printf 'a\\nb' |", ": |"] {
            let sweep = try await runProcessAsync("sh", ["-c", Arg("\(source) \"$0\" lines"), Arg(sweepExecutable)], directory: tree.root)
            let wc = try await runProcessAsync("sh", ["-c", Arg("\(source) wc -l")], directory: tree.root)
            #expect(sweep.status == .exited(0) && sweep.stderr.isEmpty, "\(source): \(sweep)")
            #expect(sweep.stdout == wc.stdout, "\(source): \(sweep) / wc \(wc)")
        }
    }

    /// A process substitution and /dev/null named are counted as wc counts them.
    @Test func namedStreamsAreCounted() async throws {
        let tree = try Self.textTree("lines-streams")
        let script = "LINES <(printf 'one\\ntwo\\n') /dev/null abc"
        let sweep = try await runProcessAsync("bash", ["-c", Arg(script.replacingOccurrences(of: "LINES", with: "\"$0\" lines")), Arg(sweepExecutable)], directory: tree.root)
        let wc = try await runProcessAsync("bash", ["-c", Arg(script.replacingOccurrences(of: "LINES", with: "wc -l"))], directory: tree.root)
        #expect(sweep.status == .exited(0) && sweep.stderr.isEmpty, "\(sweep)")
        let rows = Self.parseLines(sweep.stdout).map { "\($0.0) \($0.1)" }
        #expect(rows == Self.parseLines(wc.stdout).map { "\($0.0) \($0.1)" }, "\(sweep) / \(wc)")
        #expect(rows.first == "2 /dev/fd/63", "\(rows)")
    }
}
