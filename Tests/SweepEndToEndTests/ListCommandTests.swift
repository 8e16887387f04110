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
    /// `sweep list`: the walk the other commands make, printed byte-exact and read-free. The set of
    /// files comes from `find`; the order from `find | tr '/' '\001' | sort -z` in the C locale (with
    /// `/` as the smallest byte a sort of whole paths is the per-directory byte order, each
    /// subdirectory at its own place), and a few orders are written out literally.
    @Suite(.timeLimit(.minutes(2 * testTimeScale)))
    struct ListCommandTests: CommandLineFixtures {
        /// Names whose order is easy to get wrong (see PEER-BEHAVIOUR.md), hidden files, odd bytes.
        static func orderTree() throws -> TempTree {
            let tree = try TempTree("list")
            for name in ["a/x", "a-b", "a.txt", "B", "1", "10", "9", ".hidden", ".hdir/f", "sub/y", "sub dir/z", "-dash"] {
                try tree.file(name, "content of \(name)\n")
            }
            try tree.file(utf8("e") + [0xCC, 0x81], utf8("NFD e-acute\n"))
            try tree.file([0xC3, 0xA9], utf8("NFC e-acute\n"))
            try tree.file([0xEF, 0xBD, 0xA1], utf8("U+FF61\n"))
            try tree.file([0xF0, 0x9F, 0x98, 0x80], utf8("U+1F600\n"))
            try tree.file(Self.badByteName, utf8("not UTF-8\n"))
            try tree.file(utf8("new\nline"), utf8("newline\n"))
            try tree.file(utf8("sub/back\\slash"), utf8("backslash\n"))
            try tree.file("empty-dir/.keep", [])
            try tree.directory("really-empty")
            return tree
        }

        /// The regular files under `tree` (walked as `.` from inside it) in sweep's walk order, by
        /// find, tr and sort; `expression` replaces `-type f`.
        static func findInWalkOrder(_ tree: TempTree, _ expression: String = "-type f", follow: Bool = false) throws -> [[UInt8]] {
            let script = "find \(follow ? "-L " : ""). \(expression) -print0 | tr '/' '\\001' | LC_ALL=C sort -z | tr '\\001' '/'"
            let output = try Self.peer("sh", ["-c", Arg(script)], in: tree.root)
            return splitRecords(output.stdout, delimiter: 0)
        }

        /// `records` each ended by `terminator`.
        static func joined(_ records: [[UInt8]], _ terminator: UInt8) -> [UInt8] {
            records.flatMap { $0 + [terminator] }
        }

        @Test func orderIsBytesWithinEachDirectoryWithSubdirectoriesInPlace() throws {
            let tree = try Self.orderTree()
            let expected = try Self.findInWalkOrder(tree)
            #expect(Set(expected) == (try Self.findFiles(tree)))
            #expect(expected.count == 20)

            let output = try runSweep(["list"], directory: tree.root)
            #expect(output.status == .exited(0), "\(output)")
            #expect(output.stderr.isEmpty, "\(output)")
            #expect(output.stdout == Self.joined(expected, 0x0A), "sweep: \(describeBytes(output.stdout))")
            // The same for `.` given.
            #expect(try runSweep(["list", "."], directory: tree.root).stdout == output.stdout)

            // Literally: the directory a/ before a-b and a.txt; B before a; 1, 10, 9; hidden first.
            let lines = splitRecords(output.stdout, delimiter: 0x0A).map { String(decoding: $0, as: UTF8.self) }
            func index(_ name: String) -> Int { lines.firstIndex(of: name) ?? -1 }
            #expect(Array(lines.prefix(2)) == ["./-dash", "./.hdir/f"])
            #expect(lines.contains("./.hidden"))
            let plain = ["./1", "./10", "./9", "./B", "./a/x", "./a-b", "./a.txt"]
            #expect(plain.map(index) == plain.map(index).sorted() && !plain.map(index).contains(-1), "\(lines)")
            // `sub` before `sub dir` (a prefix first), though "./sub dir/z" sorts first as a whole path.
            #expect(index("./sub/back\\slash") >= 0 && index("./sub/back\\slash") < index("./sub/y") && index("./sub/y") < index("./sub dir/z"))
            let bytes = splitRecords(output.stdout, delimiter: 0x0A)
            func byteIndex(_ name: [UInt8]) -> Int { bytes.firstIndex(of: utf8("./") + name) ?? -1 }
            #expect(byteIndex(utf8("e") + [0xCC, 0x81]) < byteIndex([0xC3, 0xA9]), "NFD before NFC")
            #expect(byteIndex([0xEF, 0xBD, 0xA1]) < byteIndex([0xF0, 0x9F, 0x98, 0x80]), "UTF-8 order, not UTF-16")
            #expect(byteIndex(Self.badByteName) >= 0, "a name that is not UTF-8 is printed with its bytes")
        }

        /// Many directories, several levels deep: listed ahead on a thread of their own, entered in
        /// order all the same. Long names push the output past one 64 KiB hand-over, and names that
        /// share their first eight bytes (or differ only past them, or above 0x7F) test the sort's key.
        @Test func manyDirectoriesListedAheadKeepTheOrder() throws {
            let tree = try TempTree("list-ahead")
            let long = String(repeating: "n", count: 180)
            let prefixes = ["prefix00", "prefix00a", "prefix00b", "prefix0", "prefix01", "p", "prefix0\u{7F}"]
            for top in 0..<32 {
                for sub in 0..<3 {
                    for file in 0..<4 { try tree.file("d\(top)/s\(sub)/\(long)-\(file)", "x") }
                }
                for name in prefixes { try tree.file("d\(top)/\(name)", "y") }
                try tree.file(utf8("d\(top)/prefix0") + [0x80, 0x41], utf8("z"))
                try tree.file(utf8("d\(top)/prefix00") + [0xFF], utf8("z"))
            }
            let expected = try Self.findInWalkOrder(tree)
            #expect(expected.count == 32 * (12 + 7 + 2))
            for (flag, terminator) in [(nil, UInt8(0x0A)), (Arg("-z"), UInt8(0))] as [(Arg?, UInt8)] {
                let output = try runSweep(["list"] + (flag.map { [$0] } ?? []) + ["."], directory: tree.root)
                #expect(output.status == .exited(0), "\(output)")
                #expect(output.stdout.count > 64 * 1024)
                #expect(output.stdout == Self.joined(expected, terminator), "sweep: \(describeBytes(output.stdout))")
            }
            // `sum` walks the same order (a walk with entries, not the listing's bulk path).
            let sums = try runSweep(["sum", "."], directory: tree.root)
            let summed = splitRecords(sums.stdout, delimiter: 0x0A).map { Array($0.dropFirst(66)) }
            #expect(summed == expected)
        }

        @Test func nulTerminatedOutputIsByteExact() throws {
            let tree = try Self.orderTree()
            let expected = try Self.findInWalkOrder(tree)
            for flag in ["-z", "--zero"] as [Arg] {
                let output = try runSweep(["list", flag, "."], directory: tree.root)
                #expect(output.status == .exited(0), "\(output)")
                #expect(output.stdout == Self.joined(expected, 0), "sweep: \(describeBytes(output.stdout))")
                #expect(splitRecords(output.stdout, delimiter: 0).contains(utf8("./new\nline")))
            }
        }

        /// FIFOs and sockets are skipped with a note (and never opened: a FIFO would block); symbolic
        /// links are skipped silently unless -L, which follows them as `find -L` does (a dangling link
        /// is no regular file for either).
        @Test func specialFilesAndLinksAreSkippedUnlessFollowed() throws {
            let tree = try TempTree("list-special")
            try tree.file("a.txt", "a\n")
            try tree.file("sub/y", "y\n")
            try tree.fifo("fifo")
            _ = try Oracle.runPython("import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", arguments: [Arg(tree.path("sock"))])
            try tree.symlink("link", to: "a.txt")
            try tree.symlink("linkdir", to: "sub")
            try tree.symlink("dangling", to: "nowhere")
            // The peer's view of what is there: one FIFO, one socket, three links.
            #expect(try Self.findFiles(tree, ["-type", "p", "-print0"]) == [utf8("./fifo")])
            #expect(try Self.findFiles(tree, ["-type", "s", "-print0"]) == [utf8("./sock")])
            #expect(try Self.findFiles(tree, ["-type", "l", "-print0"]).count == 3)

            let plain = try runSweep(["list", "."], directory: tree.root)
            #expect(plain.status == .exited(0), "\(plain)")
            #expect(plain.stdout == Self.joined(try Self.findInWalkOrder(tree), 0x0A), "\(plain)")
            #expect(plain.stdoutText == "./a.txt\n./sub/y\n")
            #expect(plain.stderrText == "sweep: ./fifo: skipped: FIFO, not a regular file\nsweep: ./sock: skipped: socket, not a regular file\n")

            for flag in ["-L", "--follow-symlinks"] as [Arg] {
                let followed = try runSweep(["list", flag, "."], directory: tree.root)
                #expect(followed.status == .exited(0), "\(followed)")
                let expected = try Self.findInWalkOrder(tree, follow: true)
                #expect(Set(expected) == (try Self.findFiles(tree, follow: true)))
                #expect(followed.stdout == Self.joined(expected, 0x0A), "\(followed)")
                #expect(followed.stdoutText == "./a.txt\n./link\n./linkdir/y\n./sub/y\n")
                #expect(followed.stderrText == plain.stderrText)
            }
        }

        @Test func includeAndExcludeAgreeWithFind() throws {
            let tree = try Self.orderTree()
            try tree.file("logs/a.log", "a\n")
            try tree.file("logs/b.txt", "b\n")
            try tree.file("logs/sub/c.log", "c\n")
            try tree.file("sub/more.log", "m\n")
            let cases: [([Arg], String)] = [
                (["--include", "*.log"], "-type f -name '*.log'"),
                (["--include", "logs/*"], "-type f -path './logs/*'"),
                (["--exclude", "sub"], "-name sub -prune -o -type f"),
                (["--exclude", "*.txt", "--exclude", "a"], "\\( -name a -prune \\) -o -type f ! -name '*.txt'"),
                (["--include", "*.log", "--exclude", "sub"], "-name sub -prune -o -type f -name '*.log'"),
                (["--include", ".*"], "-type f \\( -name '.*' -o -path './.*' \\)"),
            ]
            for (filters, expression) in cases {
                let label = filters.map { String(decoding: $0.bytes, as: UTF8.self) }.joined(separator: " ")
                let expected = try Self.findInWalkOrder(tree, expression)
                #expect(!expected.isEmpty, "\(label)")
                let output = try runSweep(["list"] + filters + ["."], directory: tree.root)
                #expect(output.status == .exited(0), "\(label): \(output)")
                #expect(output.stdout == Self.joined(expected, 0x0A), "\(label): \(describeBytes(output.stdout))")
            }
        }

        /// A root that does not exist: sha256sum's words on stderr (after the program name), exit 1,
        /// and the other roots still listed.
        @Test func missingRootIsReportedAndTheRestListed() throws {
            let tree = try Self.orderTree()
            let peer = try runProcess("sha256sum", ["nosuch"], directory: tree.root)
            #expect(peer.status == .exited(1))
            let output = try runSweep(["list", "nosuch", "a", "a.txt"], directory: tree.root)
            #expect(output.status == .exited(1), "\(output)")
            #expect(output.stdoutText == "a/x\na.txt\n")
            #expect(output.stderrText == "sweep: nosuch: No such file or directory\n")
            #expect(output.stderrText == peer.stderrText.replacingOccurrences(of: "sha256sum: ", with: "sweep: "))

            let alone = try runSweep(["list", "nosuch"], directory: tree.root)
            #expect(alone.status == .exited(1), "\(alone)")
            #expect(alone.stdout.isEmpty)
            #expect(alone.stderrText == output.stderrText)
        }

        /// Listing reads nothing: as nobody, a file nobody may read is listed as find lists it, while
        /// `sweep sum` on the same tree reports it.
        @Test(.enabled(if: SumCommandTests.canDropPrivileges, "needs root, setpriv and a sweep binary that nobody can run"))
        func unreadableFilesAreListedNotOpened() throws {
            let tree = try TempTree("list-unread")
            try tree.openToEveryone()
            try tree.file("a", "a\n")
            try tree.file("secret", "s\n")
            try tree.file("z", "z\n")
            #expect(withCPath(tree.path("secret")) { chmod($0, 0o600) } == 0)
            let nobody: [Arg] = ["--reuid=65534", "--regid=65534", "--clear-groups"]
            let find = try runProcess("setpriv", nobody + ["find", ".", "-type", "f"], directory: tree.root)
            let listed = try runProcess("setpriv", nobody + [Arg(sweepExecutable), "list", "."], directory: tree.root)
            #expect(listed.status == .exited(0), "\(listed)")
            #expect(listed.stdoutText == "./a\n./secret\n./z\n")
            #expect(Set(listed.stdoutText.split(separator: "\n")) == Set(find.stdoutText.split(separator: "\n")))
            let summed = try runProcess("setpriv", nobody + [Arg(sweepExecutable), "sum", "."], directory: tree.root)
            #expect(summed.status == .exited(1))
            #expect(summed.stderrText == "sweep: ./secret: Permission denied\n", "\(summed)")
        }
    }
}

// MARK: - Options

extension EndToEndTests.ListCommandTests {
    /// list reads nothing: its help offers no -j, --io or --progress, and they are refused.
    @Test func listOffersNoReadingOptions() throws {
        let help = try runSweep(["list", "--help"])
        #expect(help.status == .exited(0))
        for option in ["--jobs", "--io", "--progress", "-j,", "-p,"] {
            #expect(!help.stdoutText.contains(option), "\(option) in: \(help.stdoutText)")
        }
        #expect(help.stdoutText.contains("--include") && help.stdoutText.contains("--files-from"))
        for arguments in [["list", "-j", "2", "."], ["list", "--io", "pread", "."], ["list", "--progress", "."]] {
            try Self.expectUsageError(arguments, "Unknown option")
        }
    }
}
