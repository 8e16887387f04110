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

/// The fixtures the end-to-end suites of `sum`, `lines` and `run` share (they were the statics of
/// one CLITests suite): a suite conforms to this protocol and uses them as `Self.hostileTree(…)`.
///
/// The walk order that the expected output follows comes from the library's walker (whose order
/// WalkerTests pins down literally), and the set of files from `find`; the content of every line
/// comes from the peer.
protocol CommandLineFixtures {}

extension CommandLineFixtures {
    static var badByteName: [UInt8] { utf8("bad") + [0xFF] + utf8("name") }

    /// A tree with hostile names: spaces, a leading dash, LF, CR, backslash, a 0xFF byte, an empty
    /// file, a FIFO, 200 levels of directories, and a multi-chunk file.
    static func hostileTree(_ label: String = "cli") throws -> TempTree {
        let tree = try TempTree(label)
        try tree.file("plain.txt", "hello\n")
        try tree.file("with space.txt", randomBytes(3000, seed: 1))
        try tree.file("-leading-dash", "dash\n")
        try tree.file(utf8("new\nline"), utf8("newline\n"))
        try tree.file(utf8("carriage\rreturn"), utf8("cr\r\n"))
        try tree.file(utf8("back\\slash"), utf8("backslash"))
        try tree.file(utf8("all \\ of\n them\r"), utf8("everything"))
        try tree.file(badByteName, randomBytes(100, seed: 2))
        try tree.file("empty", [])
        try tree.file(".hidden", "hidden\n")
        try tree.file("sub/inner.log", "one\ntwo\n")
        try tree.file("sub/-dash dir/x", "x")
        try tree.file("big.bin", randomBytes(1_300_000, seed: 3))
        try tree.directory("deep")
        let deep = try tree.nested(utf8("deep"), depth: 200)
        try writeFile(tree.path(joinPath(deep, utf8("leaf"))), utf8("at the bottom\n"))
        try tree.fifo("fifo")
        return tree
    }

    /// The files sweep lists under `tree`, spelled as when walking `.` from inside it, in walk order.
    static func walkOrder(_ tree: TempTree, _ options: WalkOptions = WalkOptions()) async -> [[UInt8]] {
        await walkedFiles([tree.root], options).map { utf8(".") + $0.dropFirst(tree.root.count) }
    }

    /// The regular files `find` lists under `tree` (run inside it), as a set.
    static func findFiles(_ tree: TempTree, _ expression: [Arg] = ["-type", "f", "-print0"], follow: Bool = false) throws -> Set<[UInt8]> {
        let output = try runProcess("find", (follow ? ["-L"] : []) + ["."] + expression, directory: tree.root)
        return Set(splitRecords(output.stdout, delimiter: 0))
    }

    /// Runs a peer inside `directory`, requiring success.
    static func peer(_ tool: String, _ arguments: [Arg], in directory: [UInt8], stdin: StandardInput = .null) throws -> ProcessOutput {
        let output = try runProcess(tool, arguments, directory: directory, stdin: stdin)
        guard output.status == .exited(0) else { throw OracleError(tool: tool, output: output) }
        return output
    }

    /// `tool` over `paths` as `--`-protected arguments.
    static func peerSums(_ tool: String, _ flags: [Arg], _ paths: [[UInt8]], in directory: [UInt8]) throws -> [UInt8] {
        try peer(tool, flags + ["--"] + paths.map(Arg.init), in: directory).stdout
    }

    static var fifoNote: String { "sweep: ./fifo: skipped: FIFO, not a regular file\n" }

    /// A tree of text-ish files with plain names, for commands whose output is parsed.
    static func textTree(_ label: String) throws -> TempTree {
        let tree = try TempTree(label)
        try tree.file("abc", "a\nb\nc")
        try tree.file("crs", "\r\r\r")
        try tree.file("crlf", "x\r\ny\r\n")
        try tree.file("empty", "")
        try tree.file("binary", randomBytes(300_000, seed: 6))
        var long: [UInt8] = []
        var generator = SplitMix64(seed: 8)
        for _ in 0..<20_000 { long += [UInt8](repeating: 0x61, count: Int(generator.next() % 120)) + [0x0A] }
        try tree.file("dir/long.txt", long)
        try tree.file("dir/deeper/one", "one\n")
        try tree.file("with space", "s\n\n")
        return tree
    }

    /// `(count, name)` per line of `sweep lines` output.
    static func parseLines(_ stdout: [UInt8]) -> [(UInt64, String)] {
        String(decoding: stdout, as: UTF8.self).split(separator: "\n").map { line in
            let trimmed = line.drop(while: { $0 == " " })
            let digits = trimmed.prefix(while: { $0.isNumber })
            return (UInt64(digits) ?? .max, String(trimmed.dropFirst(digits.count + 1)))
        }
    }

    /// A usage error: a non-zero exit that is not a file failure (1), nothing on stdout, `message` on stderr.
    static func expectUsageError(_ arguments: [String], _ message: String) throws {
        let tree = try TempTree("usage")
        try tree.file("f", "f")
        let output = try runSweep(arguments.map { Arg($0) }, directory: tree.root)
        #expect(output.status != .exited(0), "\(output)")
        #expect(output.status != .exited(1), "a usage error is not a file failure: \(output)")
        #expect(output.stdout.isEmpty)
        #expect(output.stderrText.contains(message), "\(output)")
    }
}
