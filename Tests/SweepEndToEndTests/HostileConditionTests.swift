import Foundation
import SweepTestSupport
import Testing
@testable import Sweep

#if canImport(Glibc)
import Glibc
#endif

extension EndToEndTests {
    /// Conditions a long-running bulk tool meets in the wild: a reader that goes away, too few file
    /// descriptors, names and paths at the limits, a tree that changes while it is walked.
    @Suite struct HostileConditionTests {
        @Test func stdoutClosedEarlyEndsQuietlyAsCoreutilsDoes() throws {
            let tree = try TempTree("head")
            for index in 0..<3000 { _ = try tree.file("f\(index)", "line \(index)\n") }
            let errors = tree.path("stderr.txt")
            // head exits after one line; sweep then writes into a closed pipe, as sha256sum would.
            let output = try runProcess("bash", [
                "-c", "\"$0\" sum \"$1\" 2>\"$2\" | head -1; echo \"${PIPESTATUS[0]}\"",
                Arg(utf8(sweepExecutable)), Arg(tree.root), Arg(errors),
            ])
            let lines = output.stdoutText.split(separator: "\n")
            #expect(lines.count == 2, "\(output)")
            #expect(lines.first?.hasSuffix("/f0") == true)
            // Killed by SIGPIPE (128 + 13) like coreutils, or done before noticing: never a crash.
            #expect(["141", "0"].contains(String(lines.last ?? "")), "\(output)")
            let messages = try readFile(errors)
            #expect(messages.isEmpty, "no message storm: \(String(decoding: messages, as: UTF8.self))")
        }

        @Test func tooFewFileDescriptorsIsGraceful() throws {
            let tree = try TempTree("fds")
            var names: [String] = []
            for directory in 0..<10 {
                for index in 0..<30 {
                    let name = "d\(directory)/f\(index)"
                    _ = try tree.file(name, "content \(directory) \(index)\n")
                    names.append(name)
                }
            }
            let output = try runProcess("bash", [
                "-c", "ulimit -n 32; exec \"$0\" sum -j 8 \"$1\"", Arg(utf8(sweepExecutable)), Arg(tree.root),
            ])
            #expect(output.status == .exited(0) || output.status == .exited(1), "\(output)")
            // Every file is either summed or reported by name: nothing silently lost.
            for name in names {
                let path = tree.rootString + "/" + name
                #expect(output.stdoutText.contains("  \(path)\n") || output.stderrText.contains(path), "\(name) lost: \(output)")
            }
            if output.status == .exited(0) {
                let expected = try runProcess("sha256sum", names.map { Arg(tree.rootString + "/" + $0) })
                #expect(Set(output.stdoutText.split(separator: "\n")) == Set(expected.stdoutText.split(separator: "\n")))
            }
        }

        /// Whether this run can become user nobody: RLIMIT_NPROC binds only an unprivileged user
        /// (root ignores it), and nobody must be able to run the binary.
        static let canDropPrivileges: Bool = {
            guard runningAsRoot else { return false }
            let probe = try? runProcess("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Arg(sweepExecutable), "--version"])
            return probe?.status == .exited(0)
        }()

        /// A process limit (`ulimit -u`, a container's pid limit) that refuses most of `-j 64`'s
        /// reading threads: sweep says how many it got and goes on with them (exit 0, sha256sum's
        /// output), where it once died of a precondition failure. Then no thread at all to spare.
        @Test(.enabled(if: canDropPrivileges, "needs root, setpriv and prlimit: RLIMIT_NPROC binds only an unprivileged user"))
        func refusedThreadsDegradeToFewerWithAMessage() async throws {
            let tree = try TempTree("nproc")
            try tree.openToEveryone()
            var names: [Arg] = []
            for index in 0..<300 {
                _ = try tree.file("f\(index)", "content \(index)\n")
                names.append("f\(index)")
            }
            let expected = try await runProcessAsync("sha256sum", names, directory: tree.root)
            // prlimit sets the limit and runs setpriv, which becomes nobody (whose threads count
            // against it) and runs sweep; the files are named so that the order is sha256sum's.
            for limit in [16, 10] {
                let output = try await runProcessAsync(
                    "prlimit", ["--nproc=\(limit)", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                Arg(sweepExecutable), "sum", "-j", "64"] + names,
                    directory: tree.root)
                #expect(output.status == .exited(0), "limit \(limit): \(output)")
                #expect(output.stdout == expected.stdout, "limit \(limit): \(output)")
                #expect(output.stderrText.hasPrefix("sweep: could "), "limit \(limit): \(output)")
                #expect(output.stderrText.contains("of 64 reading threads (a process or thread limit)"), "limit \(limit): \(output)")
            }
        }

        /// With so few threads to spare that neither the readers nor the runtime's own can start
        /// (`--nproc=3`, `--nproc=2`), sweep may stall; SIGTERM still ends it (status 130): the
        /// handler arms a one-second watchdog that needs no thread to act.
        @Test(.enabled(if: canDropPrivileges, "needs root, setpriv and prlimit: RLIMIT_NPROC binds only an unprivileged user"))
        func sigtermEndsARunStarvedOfThreads() async throws {
            let tree = try TempTree("nproc-term")
            try tree.openToEveryone()
            var names: [Arg] = []
            for index in 0..<300 {
                _ = try tree.file("f\(index)", "content \(index)\n")
                names.append("f\(index)")
            }
            for limit in [3, 2] {
                let child = try spawnProcess(
                    "/usr/bin/prlimit", ["--nproc=\(limit)", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                         Arg(sweepExecutable), "sum", "-j", "64"] + names,
                    directory: tree.root)
                try await Task.sleep(for: .seconds(1))
                child.signal(SIGTERM)
                let output = try await awaitOffPool { child.wait(atMost: 10 * Double(testTimeScale)) }
                let ended = try #require(output, "limit \(limit): still running 10 s after SIGTERM")
                // Finished before the signal (0), ended by it (130 once the handlers are installed;
                // the default action, signal 15, before that); never killed, never crashed.
                #expect(ended.status == .exited(130) || ended.status == .exited(0) || ended.status == .signalled(SIGTERM),
                        "limit \(limit): \(ended)")
            }
        }

        @Test func nameOf255BytesAndPathBeyondPathMax() throws {
            let tree = try TempTree("long")
            let longName = [UInt8](repeating: UInt8(ascii: "n"), count: 255)
            _ = try tree.file(longName, utf8("long name\n"))
            // 25 directories of 200 bytes: 5 000+ bytes, past PATH_MAX (4096); built a level at a time.
            var directory = open(String(decoding: tree.root, as: UTF8.self), O_RDONLY | O_DIRECTORY)
            try #require(directory >= 0)
            let component = String(repeating: "d", count: 200)
            for _ in 0..<25 {
                #expect(mkdirat(directory, component, 0o755) == 0)
                let next = openat(directory, component, O_RDONLY | O_DIRECTORY)
                close(directory)
                try #require(next >= 0)
                directory = next
            }
            let content = utf8("deep down\n")
            let file = openat(directory, "deep.txt", O_WRONLY | O_CREAT, 0o644)
            try #require(file >= 0)
            #expect(write(file, content, content.count) == content.count)
            close(file)
            close(directory)

            let output = try runSweep(["sum", Arg(tree.root)])
            #expect(output.status == .exited(0), "\(output)")
            let expectedDeep = try Oracle.runPython(
                "import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())", input: content)
            let expectedLong = try Oracle.runPython(
                "import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())", input: utf8("long name\n"))
            let lines = output.stdout.split(separator: UInt8(ascii: "\n")).map { Array($0) }
            let deepLine = lines.first { $0.count > 4096 && $0.suffix(8).elementsEqual(utf8("deep.txt")) }
            #expect(deepLine.map { Array($0.prefix(64)) } == utf8(expectedDeep.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)))
            let longLine = lines.first { $0.suffix(255).elementsEqual(longName) }
            #expect(longLine.map { Array($0.prefix(64)) } == utf8(expectedLong.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)))
        }

        @Test func directoryRemovedMidWalkIsReportedAndTheWalkGoesOn() async throws {
            let tree = try TempTree("vanish")
            for directory in ["a", "m", "z"] {
                for index in 0..<5 { _ = try tree.file("\(directory)/f\(index)", "x") }
            }
            var files: [String] = []
            var failures: [FileError] = []
            var removed = false
            for await event in Walker(roots: [tree.rootPath]).events() {
                switch event {
                case .file(let entry):
                    files.append(String(decoding: entry.path.bytes, as: UTF8.self))
                    if !removed {
                        removed = true
                        _ = try runProcess("rm", ["-rf", Arg(tree.path("z"))])
                    }
                case .failure(let error): failures.append(error)
                case .skipped: break
                }
            }
            #expect(files.filter { $0.contains("/a/") }.count == 5)
            #expect(files.filter { $0.contains("/m/") }.count == 5)
            #expect(!files.contains { $0.contains("/z/") })
            #expect(failures.count == 1)
            #expect(failures.first?.errno == .noSuchFileOrDirectory)
            #expect(failures.first.map { String(decoding: $0.path.bytes, as: UTF8.self).hasSuffix("/z") } == true)
        }

        /// Directories are listed ahead of the walk, but the walk enters the directory a name holds
        /// when it gets there: one replaced after the walk began is walked as it is now.
        @Test func directoryReplacedMidWalkIsWalkedAsItIsNow() async throws {
            let tree = try TempTree("replace")
            for directory in ["a", "b", "c", "d"] {
                for index in 0..<5 { _ = try tree.file("\(directory)/old\(index)", "x") }
            }
            var files: [String] = []
            var replaced = false
            for await event in Walker(roots: [tree.rootPath]).events() {
                guard case .file(let entry) = event else { continue }
                files.append(String(decoding: entry.path.bytes, as: UTF8.self))
                if !replaced {
                    replaced = true
                    for directory in ["b", "c", "d"] {
                        try FileManager.default.moveItem(atPath: tree.rootString + "/" + directory, toPath: tree.rootString + "/gone-" + directory)
                        _ = try tree.file("\(directory)/new", "y")
                    }
                }
            }
            let root = tree.rootString
            #expect(files.filter { $0.hasPrefix(root + "/a/") }.count == 5)
            for directory in ["b", "c", "d"] {
                #expect(files.filter { $0.hasPrefix(root + "/\(directory)/") } == [root + "/\(directory)/new"], "\(files)")
            }
        }
    }
}
