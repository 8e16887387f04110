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

/// Helpers for the end-to-end tests of `sweep gzip`, `sweep gunzip` and the gzip stage of `sweep run`.
enum GzipKit {
    /// The stat of `path` (following links).
    static func info(_ path: [UInt8]) throws -> stat { try statusOf(path) }

    /// lstat of `path`, or nil when nothing is there.
    static func linkInfo(_ path: [UInt8]) -> stat? {
        var info = stat()
        return withCPath(path) { lstat($0, &info) } == 0 ? info : nil
    }

    static func permissions(_ path: [UInt8]) throws -> mode_t { try info(path).st_mode & 0o7777 }

    static func modificationTime(_ path: [UInt8]) throws -> (seconds: Int, nanoseconds: Int) {
        let status = try info(path)
        return (status.st_mtim.tv_sec, status.st_mtim.tv_nsec)
    }

    /// Names in `directory` that are sweep temporaries.
    static func temporaries(_ directory: [UInt8]) throws -> [String] {
        try directoryNames(directory).map { String(decoding: $0, as: UTF8.self) }.filter { $0.contains(".sweep-tmp-") }
    }

    /// Names in `directory` ending in `.gz`.
    static func gzNames(_ directory: [UInt8]) throws -> [String] {
        try directoryNames(directory).map { String(decoding: $0, as: UTF8.self) }.filter { $0.hasSuffix(".gz") }.sorted()
    }

    /// All names in `directory`, sorted.
    static func names(_ directory: [UInt8]) throws -> [String] {
        try directoryNames(directory).map { String(decoding: $0, as: UTF8.self) }.sorted()
    }

    /// `touch -d DATE path...` (GNU date syntax, as the brief's fixtures are described).
    static func touch(_ date: String, _ paths: [UInt8]...) throws {
        let output = try runProcess("touch", ["-d", Arg(date)] + paths.map(Arg.init))
        guard output.status == .exited(0) else { throw OracleError(tool: "touch", output: output) }
    }

    static func chmod(_ path: [UInt8], _ mode: mode_t) {
        _ = withCPath(path) { Glibc.chmod($0, mode) }
    }

    /// The lines a program wrote on standard error, without its `NAME: ` prefix, empty lines and
    /// (for sweep) its closing `N files compressed, …` report: what is left is comparable with gzip.
    static func messages(_ output: ProcessOutput, program: String) -> [String] {
        output.stderrText.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line -> String? in
            guard line.hasPrefix(program + ": ") else { return String(line) }
            let rest = String(line.dropFirst(program.count + 2))
            if program == "sweep", isReport(rest) { return nil }
            return rest
        }
    }

    /// `12 files compressed, …` / `1 file decompressed, …` / `3 files tested, …`.
    static func isReport(_ text: String) -> Bool {
        let words = text.split(separator: " ")
        return words.count > 3 && Int(words[0]) != nil && (words[1] == "file" || words[1] == "files")
            && ["compressed,", "decompressed,", "tested,"].contains(String(words[2]))
    }

    /// sha256sum of `path`.
    static func sha256(_ path: [UInt8]) throws -> String {
        try Oracle.hexDigests(.sha256, of: [path])[0]
    }

    /// `gzip -dc` of the file at `path`.
    static func gunzipped(_ path: [UInt8]) throws -> [UInt8] {
        let output = try runProcess("gzip", ["-dc", Arg(path)])
        guard output.status == .exited(0) else { throw OracleError(tool: "gzip -dc", output: output) }
        return output.stdout
    }

    /// Runs `executable arguments` as user and group 65534 (nobody), with no supplementary groups.
    static func asNobody(_ executable: String, _ arguments: [Arg], directory: [UInt8]) throws -> ProcessOutput {
        try runProcess("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Arg(executable)] + arguments, directory: directory)
    }

    /// Whether sweep can be run as nobody here: root, setpriv installed, and the built binary
    /// reachable by nobody (a checkout under a private home directory is not).
    static let canDropPrivileges: Bool = {
        guard geteuid() == 0 else { return false }
        let probe = try? runProcess("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Arg(sweepExecutable), "--version"])
        return probe?.status == .exited(0)
    }()

    /// The same setup made twice, `s/` for sweep and `g/` for the real gzip, so that outcomes can be
    /// compared. Commands run inside each directory with relative names, so messages match.
    final class Twin {
        let tree: TempTree
        var sweepDirectory: [UInt8] { tree.path("s") }
        var gzipDirectory: [UInt8] { tree.path("g") }

        init(_ label: String, setup: (_ directory: [UInt8]) throws -> Void) throws {
            tree = try TempTree(label)
            try tree.directory("s")
            try tree.directory("g")
            try setup(sweepDirectory)
            try setup(gzipDirectory)
        }

        func run(sweep: [Arg], gzip: [Arg], gzipTool: String = "gzip") throws -> (sweep: ProcessOutput, gzip: ProcessOutput) {
            (try runSweep(sweep, directory: sweepDirectory), try runProcess(gzipTool, gzip, directory: gzipDirectory))
        }

        /// ``run(sweep:gzip:gzipTool:)`` with both processes awaited off the cooperative pool.
        func runAsync(sweep: [Arg], gzip: [Arg], gzipTool: String = "gzip") async throws -> (sweep: ProcessOutput, gzip: ProcessOutput) {
            let (sweepDirectory, gzipDirectory) = (self.sweepDirectory, self.gzipDirectory)
            return (try await runSweepAsync(sweep, directory: sweepDirectory), try await runProcessAsync(gzipTool, gzip, directory: gzipDirectory))
        }

        func s(_ name: String) -> [UInt8] { joinPath(sweepDirectory, utf8(name)) }
        func g(_ name: String) -> [UInt8] { joinPath(gzipDirectory, utf8(name)) }
    }

    /// Waits until `child` holds open an output in progress in `directory` — sweep writes each
    /// output as an unnamed file (O_TMPFILE), which /proc shows as `DIR/#INODE (deleted)` — of at
    /// least `minimumSize` bytes; true once seen, false if the child ended or time ran out first.
    static func waitForOutputInProgress(in directory: [UInt8], minimumSize: Int, child: ChildProcess, seconds: Double) -> Bool {
        let absolute = withCPath(directory) { path -> [UInt8] in
            guard let resolved = realpath(path, nil) else { return directory }
            defer { free(resolved) }
            return Array(UnsafeBufferPointer(start: resolved, count: strlen(resolved))).map { UInt8(bitPattern: $0) }
        }
        let prefix = absolute + utf8("/#")
        var found = false
        _ = blockUntil(atMost: seconds) {
            if child.poll() { return true }
            let fds = utf8("/proc/\(child.pid)/fd")
            guard let names = try? directoryNames(fds) else { return false }
            for name in names {
                let link = joinPath(fds, name)
                var target = [CChar](repeating: 0, count: 4096)
                let length = withCPath(link) { readlink($0, &target, target.count) }
                guard length > 0 else { continue }
                let bytes = target[..<length].map { UInt8(bitPattern: $0) }
                guard bytes.starts(with: prefix), bytes.hasSuffix(utf8(" (deleted)")) else { continue }
                if let status = try? statusOf(link), Int(status.st_size) >= minimumSize {
                    found = true
                    return true
                }
            }
            return false
        }
        return found
    }

    /// Writes `count` bytes of log-like text to `path` in 1 MiB slices stamped with their index
    /// (so no two slices are equal), without holding it all in memory.
    static func writeLargeLog(_ path: [UInt8], count: Int) throws {
        let slice = GzipFixtures.logText(1 << 20, seed: 77)
        try writeFile(path, [])
        var written = 0
        var index = 0
        while written < count {
            var piece = utf8(String(format: "slice %08d\n", index))
            piece += slice.prefix(min(slice.count, count - written - piece.count))
            try appendToFile(path, piece)
            written += piece.count
            index += 1
        }
    }
}
