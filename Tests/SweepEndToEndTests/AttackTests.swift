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

// Issue 11: sweep trusts path names. Its first users run `sweep gzip --older-than 7d /var/log/app`
// as root from cron over directories other users can write, so every finding of the review is
// tested here black-box, against the built binary, by outcome: nothing outside the tree changes,
// no byte is lost, nothing is replaced without -f, and the exit status and messages say what
// happened. How sweep achieves it (held directory descriptors, linkat, renameat2, O_TMPFILE...) is
// not looked at.
//
// The windows the attacks need are widened with strace: every fsync, fdatasync and syncfs is held
// on entry (any correct implementation makes its output durable between reading the original and
// publishing the result or removing the original), and the trace log, written as each call enters,
// says when sweep has reached its Nth sync. Each attack is made once per sync window, so that an
// implementation with more or fewer syncs than today's is attacked in each of its own windows.
// Attacks on the walk (a file swapped after the directory was listed, or after sweep first looked
// at it by name) attach strace only once sweep waits for its paths on standard input, then hold
// every call that names a file, and strike while the listing or the first look is held.
//
// The race versions run the attacker as user nobody (python3 calling renameat2(RENAME_EXCHANGE) in
// a loop) while root runs sweep, with every loop bounded in count and time.

// MARK: - Helpers

enum Attack {
    // MARK: Tools

    static func commandExists(_ name: String) -> Bool {
        (try? runProcess("sh", ["-c", "command -v \"$0\" >/dev/null 2>&1", Arg(name)]))?.status == .exited(0)
    }

    static let hasStrace = commandExists("strace")

    /// Whether strace can trace and hold calls here (a container may forbid ptrace): nil if so,
    /// else what it said.
    static let straceProblem: String? = {
        guard hasStrace else { return nil }
        guard let probe = try? runProcess("strace", ["-f", "-qq", "-o", "/dev/null", "-e", "inject=fsync:delay_enter=1000", "true"]) else {
            return "strace could not be started"
        }
        return probe.status == .exited(0) ? nil : "strace cannot trace here: \(probe)"
    }()

    /// strace widens the windows; without it these tests cannot test anything, and say so.
    static func requireStrace() -> Bool {
        if !hasStrace {
            Issue.record("strace is not installed, so the race windows of issue 11 cannot be widened and this test tested nothing (apt-get install strace; .ci/run installs it)")
            return false
        }
        if let straceProblem {
            Issue.record("\(straceProblem): this test tested nothing")
            return false
        }
        return true
    }

    /// A python3 that user nobody can run (pyenv's lives under /root, which is 0700).
    static let systemPython: String = {
        for candidate in ["/usr/bin/python3", "/usr/local/bin/python3"] where access(candidate, X_OK) == 0 {
            return candidate
        }
        return Oracle.python
    }()

    static let nobodyUser: uid_t = getpwnam("nobody")?.pointee.pw_uid ?? 65534
    static let nobodyGroup: gid_t = getgrnam("nogroup")?.pointee.gr_gid ?? getgrnam("nobody")?.pointee.gr_gid ?? 65534

    /// `setpriv` arguments that drop to nobody with no supplementary groups.
    static let asNobody: [Arg] = ["--reuid=\(nobodyUser)", "--regid=\(nobodyGroup)", "--clear-groups"]

    /// Whether an attacker can run as nobody here: root, setpriv, and a python3 nobody can execute.
    static let canRunAsNobody: Bool = {
        guard geteuid() == 0, commandExists("setpriv") else { return false }
        let probe = try? runProcess("setpriv", asNobody + [Arg(systemPython), "-I", "-c", "import ctypes, os"])
        return probe?.status == .exited(0)
    }()

    static func requireNobody() -> Bool {
        if canRunAsNobody { return true }
        Issue.record("the unprivileged attacker cannot run: needs root, setpriv (util-linux) and a python3 that user nobody can execute; this test tested nothing")
        return false
    }

    /// "N bytes, ends ..." or "nothing", for failure messages.
    static func summary(_ bytes: [UInt8]?) -> String {
        guard let bytes else { return "nothing" }
        return "\(bytes.count) bytes ending \(describeBytes(Array(bytes.suffix(12))))"
    }

    /// The first `count` lines of `text`, for failure messages.
    static func firstLines(_ text: String, _ count: Int = 4) -> String {
        let lines = text.split(separator: "\n")
        return lines.prefix(count).joined(separator: " | ") + (lines.count > count ? " | ... (\(lines.count) lines)" : "")
    }

    /// Strings as process arguments.
    static func args(_ strings: [String]) -> [Arg] { strings.map { Arg($0) } }

    // MARK: Files

    /// `gzip -c -n` of `content`.
    static func gzipBytes(_ content: [UInt8]) throws -> [UInt8] {
        let output = try runProcess("gzip", ["-c", "-n"], stdin: .bytes(content))
        guard output.status == .exited(0) else { throw OracleError(tool: "gzip -c", output: output) }
        return output.stdout
    }

    /// What `gzip -dc` makes of the file at `path`, or nil when it fails (or nothing is there).
    static func gunzipped(_ path: [UInt8]) -> [UInt8]? {
        guard pathExists(path), let output = try? runProcess("gzip", ["-dc", "--", Arg(path)]),
              output.status == .exited(0) else { return nil }
        return output.stdout
    }

    /// The content of the regular file at `path` (not following a link), or nil.
    static func contentIfRegular(_ path: [UInt8]) -> [UInt8]? {
        guard let info = linkStatus(path), info.st_mode & S_IFMT == S_IFREG else { return nil }
        return try? readFile(path)
    }

    static func linkStatus(_ path: [UInt8]) -> stat? {
        var info = stat()
        return withCPath(path) { lstat($0, &info) } == 0 ? info : nil
    }

    static func isSymbolicLink(_ path: [UInt8]) -> Bool { linkStatus(path).map { $0.st_mode & S_IFMT == S_IFLNK } ?? false }
    static func isFIFO(_ path: [UInt8]) -> Bool { linkStatus(path).map { $0.st_mode & S_IFMT == S_IFIFO } ?? false }

    static func rename(_ from: [UInt8], _ to: [UInt8]) throws {
        let result = withCPath(from) { source in withCPath(to) { Glibc.rename(source, $0) } }
        if result != 0 { throw SystemCallError(call: "rename", path: from, code: errno) }
    }

    static func symlink(_ target: [UInt8], at link: [UInt8]) throws {
        let result = withCPath(target) { target in withCPath(link) { Glibc.symlink(target, $0) } }
        if result != 0 { throw SystemCallError(call: "symlink", path: link, code: errno) }
    }

    static func mkfifo(_ path: [UInt8]) throws {
        if withCPath(path, { Glibc.mkfifo($0, 0o644) }) != 0 { throw SystemCallError(call: "mkfifo", path: path, code: errno) }
    }

    static func chown(_ path: [UInt8], _ user: uid_t, _ group: gid_t) throws {
        if withCPath(path, { lchown($0, user, group) }) != 0 { throw SystemCallError(call: "lchown", path: path, code: errno) }
    }

    static func chmod(_ path: [UInt8], _ mode: mode_t) throws {
        if withCPath(path, { Glibc.chmod($0, mode) }) != 0 { throw SystemCallError(call: "chmod", path: path, code: errno) }
    }

    /// Creates `path` with `content` only if nothing is there (O_EXCL); false if something was.
    static func createExclusively(_ path: [UInt8], _ content: [UInt8]) throws -> Bool {
        let descriptor = withCPath(path) { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        if descriptor < 0 {
            if errno == EEXIST { return false }
            throw SystemCallError(call: "open", path: path, code: errno)
        }
        close(descriptor)
        try appendToFile(path, content)
        return true
    }

    /// `echo TEXT >> path`: appends, creating the file if it is gone.
    static func appendCreating(_ path: [UInt8], _ content: [UInt8]) throws {
        let descriptor = withCPath(path) { open($0, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { throw SystemCallError(call: "open", path: path, code: errno) }
        close(descriptor)
        try appendToFile(path, content)
    }

    /// One directory entry as an attacker's victim would notice it changed.
    struct Entry: Equatable, CustomStringConvertible {
        var name: String
        var type: mode_t
        var mode: mode_t
        var owner: uid_t
        var group: gid_t
        var inode: ino_t
        var content: [UInt8]
        var description: String {
            "\(name) type=\(String(type, radix: 8)) mode=\(String(mode, radix: 8)) owner=\(owner):\(group) inode=\(inode) \(content.count) bytes"
        }
    }

    /// Every entry of `directory` (not recursive), sorted: names, types, modes, owners, inodes and
    /// contents (link targets for links).
    static func snapshot(_ directory: [UInt8]) throws -> [Entry] {
        try directoryNames(directory).sorted { $0.lexicographicallyPrecedes($1) }.map { name in
            let path = joinPath(directory, name)
            guard let info = linkStatus(path) else { throw SystemCallError(call: "lstat", path: path, code: errno) }
            var content: [UInt8] = []
            switch info.st_mode & S_IFMT {
            case S_IFREG: content = try readFile(path)
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: 4096)
                let count = withCPath(path) { readlink($0, &buffer, buffer.count) }
                content = buffer.prefix(max(0, count)).map { UInt8(bitPattern: $0) }
            default: break
            }
            return Entry(
                name: describeBytes(name), type: info.st_mode & S_IFMT, mode: info.st_mode & 0o7777,
                owner: info.st_uid, group: info.st_gid, inode: info.st_ino, content: content)
        }
    }

    /// What changed between two snapshots, for failure messages.
    static func difference(_ before: [Entry], _ after: [Entry]) -> String {
        let gone = before.filter { entry in !after.contains(entry) }.map { "before: \($0)" }
        let new = after.filter { entry in !before.contains(entry) }.map { "after: \($0)" }
        return (gone + new).joined(separator: "; ")
    }

    static func names(_ directory: [UInt8]) -> [String] {
        ((try? directoryNames(directory)) ?? []).map { String(decoding: $0, as: UTF8.self) }.sorted()
    }

    // MARK: Processes

    /// The process IDs descended from `pid` (children, grandchildren...), from /proc.
    static func descendants(of pid: pid_t) -> [pid_t] {
        var parents: [pid_t: [pid_t]] = [:]
        for name in (try? directoryNames(utf8("/proc"))) ?? [] {
            guard let child = pid_t(String(decoding: name, as: UTF8.self)),
                  let line = try? readFile(utf8("/proc/\(child)/stat")),
                  let commandEnd = line.lastIndex(of: UInt8(ascii: ")")), commandEnd + 2 < line.count else { continue }
            let fields = line[(commandEnd + 2)...].split(separator: UInt8(ascii: " "))
            if fields.count > 1, let parent = pid_t(String(decoding: fields[1], as: UTF8.self)) {
                parents[parent, default: []].append(child)
            }
        }
        var out: [pid_t] = []
        var queue = [pid]
        while let next = queue.popLast() {
            for child in parents[next] ?? [] {
                out.append(child)
                queue.append(child)
            }
        }
        return out
    }

    /// The thread IDs of `pid`.
    static func tasks(of pid: pid_t) -> [String] {
        ((try? directoryNames(utf8("/proc/\(pid)/task"))) ?? []).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether one of `pid`'s threads is in read(0, ...): waiting for standard input.
    static func isReadingStandardInput(_ pid: pid_t) -> Bool {
        tasks(of: pid).contains { task in
            let text = (try? readFile(utf8("/proc/\(pid)/task/\(task)/syscall"))).map { String(decoding: $0, as: UTF8.self) } ?? ""
            return text.hasPrefix("0 0x0 ")
        }
    }

    /// Whether every thread of `pid` is traced.
    static func isTraced(_ pid: pid_t) -> Bool {
        let tasks = tasks(of: pid)
        return !tasks.isEmpty && tasks.allSatisfy { task in
            let text = (try? readFile(utf8("/proc/\(pid)/task/\(task)/status"))).map { String(decoding: $0, as: UTF8.self) } ?? ""
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("TracerPid:") }) else { return false }
            return line.split(separator: "\t").last.map { $0 != "0" } ?? false
        }
    }

    /// Whether `pid` has a descriptor open on `path`.
    static func hasOpen(_ pid: pid_t, _ path: [UInt8]) -> Bool {
        let directory = utf8("/proc/\(pid)/fd")
        for name in (try? directoryNames(directory)) ?? [] {
            var buffer = [CChar](repeating: 0, count: 4096)
            let count = withCPath(joinPath(directory, name)) { readlink($0, &buffer, buffer.count) }
            if count > 0, buffer.prefix(count).map({ UInt8(bitPattern: $0) }) == path { return true }
        }
        return false
    }

    /// Waits for `child` at most `seconds` without killing it; nil if it is still running.
    static func waitWithoutKilling(_ child: ChildProcess, atMost seconds: Double) -> ProcessOutput? {
        _ = blockUntil(atMost: seconds) { child.poll() }
        return child.poll() ? child.wait() : nil
    }

    /// A run's output, or a note that it had to be killed.
    static func describe(_ output: ProcessOutput?) -> String { output.map { "\($0)" } ?? "did not end in time (killed)" }

    /// The strace log at `path`, one element per line.
    static func logLines(_ path: [UInt8]) -> [Substring] {
        guard let bytes = try? readFile(path) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n")
    }

    /// A line of the trace where a sync call enters (not the line where an interrupted one resumes).
    static func isSyncEntry(_ line: Substring) -> Bool {
        (line.contains("fsync(") || line.contains("fdatasync(") || line.contains("syncfs(")) && !line.contains("resumed>")
    }

    static let syncCalls = "fsync,fdatasync,syncfs"
    private static let logCounter = LockedValue(0)

    static func newLogPath(_ tree: TempTree) -> [UInt8] {
        let number = logCounter.withLock { value -> Int in
            value += 1
            return value
        }
        return tree.path("trace-\(number).log")
    }

    // MARK: sweep under strace, from exec

    /// sweep started under strace (`strace -f -o LOG -e inject=SET:...`): its exit status is strace's.
    final class TracedSweep {
        let strace: ChildProcess
        let log: [UInt8]

        init(_ arguments: [Arg], trace: String, inject: String, log: [UInt8], directory: [UInt8]? = nil) throws {
            self.log = log
            strace = try spawnProcess("strace", [
                "-f", "-qq", "-y", "-o", Arg(log), "-e", Arg("trace=\(trace)"), "-e", Arg("inject=\(trace):\(inject)"),
                "--", Arg(sweepExecutable),
            ] + arguments, directory: directory, traced: true)
        }

        var syncCount: Int { Attack.logLines(log).filter(Attack.isSyncEntry).count }

        /// Waits until `condition` holds on the log (true) or the run ends or `seconds` pass (false).
        func waitForLog(atMost seconds: Double, _ condition: ([Substring]) -> Bool) -> Bool {
            var held = false
            _ = blockUntil(atMost: seconds) {
                if condition(Attack.logLines(log)) {
                    held = true
                    return true
                }
                return strace.poll()
            }
            return held
        }

        /// SIGKILL to sweep (and anything it started), then to strace.
        func killAll() {
            for pid in Attack.descendants(of: strace.pid) { kill(pid, SIGKILL) }
            strace.signal(SIGKILL)
            strace.wait()
        }

        /// The run's output, or nil after killing it when it does not end within `seconds`.
        func finish(atMost seconds: Double) -> ProcessOutput? {
            if let output = Attack.waitWithoutKilling(strace, atMost: seconds) { return output }
            killAll()
            return nil
        }

        deinit {
            if !strace.poll() { killAll() }
        }
    }

    /// One run of a sync-window attack.
    struct WindowRun {
        /// Strike at sweep's Nth sync (1-based).
        var window: Int
        /// Whether sweep reached that sync, so the strike happened while it was running.
        var struck: Bool
        /// How many syncs sweep made in all.
        var syncs: Int
        /// The run's output, nil when it had to be killed.
        var output: ProcessOutput?
    }

    /// For each window N = 1, 2, ...: a fresh tree made by `setup`; sweep run with
    /// `arguments(tree)` under strace with every fsync, fdatasync and syncfs held `delay` µs on entry;
    /// `strike` runs as soon as the trace shows sweep entering its Nth sync (sweep is held there);
    /// then `verify` judges the outcome. It goes on until a run makes fewer than N syncs (today's
    /// sweep makes 3 per file; a fix may make more or fewer), at most `windows`. Returns the runs,
    /// so that the caller can insist that at least one strike landed.
    @discardableResult
    static func atEachSync(
        _ label: String, windows: Int = 6, delay: Int = 300_000,
        setup: (TempTree) throws -> Void,
        arguments: (TempTree) -> [Arg],
        strike: (TempTree, TracedSweep) throws -> Void,
        verify: (TempTree, WindowRun) throws -> Void
    ) throws -> [WindowRun] {
        let logs = try TempTree("\(label)-logs")
        var runs: [WindowRun] = []
        for window in 1...windows {
            let tree = try TempTree("\(label)-w\(window)")
            try setup(tree)
            let run = try TracedSweep(
                arguments(tree), trace: syncCalls, inject: "delay_enter=\(delay)", log: newLogPath(logs))
            let reached = run.waitForLog(atMost: 30) { lines in lines.filter(isSyncEntry).count >= window }
            if reached { try strike(tree, run) }
            let output = run.finish(atMost: 40)
            let result = WindowRun(window: window, struck: reached, syncs: run.syncCount, output: output)
            try verify(tree, result)
            runs.append(result)
            // A later window than the last sync cannot be struck: stop there.
            if !reached { break }
        }
        return runs
    }

    // MARK: sweep traced from the moment it waits for its paths

    /// sweep started with its paths (or manifest) to come on standard input; strace is attached
    /// once it waits there, so that the tracing (and every held call) starts after the runtime has
    /// loaded, then the input is written.
    final class AttachedSweep {
        let sweep: ChildProcess
        let strace: ChildProcess
        let log: [UInt8]
        /// Whether strace was attached to every thread before the input was written.
        let attached: Bool

        init(_ arguments: [Arg], input: [UInt8], trace: String, inject: String, log: [UInt8], directory: [UInt8]? = nil) throws {
            self.log = log
            let sweep = try spawnProcess(sweepExecutable, arguments, directory: directory, stdin: .pipe, traced: true)
            self.sweep = sweep
            _ = blockUntil(atMost: 20) { Attack.isReadingStandardInput(sweep.pid) || sweep.poll() }
            let strace = try spawnProcess("strace", [
                "-f", "-qq", "-y", "-p", Arg("\(sweep.pid)"), "-o", Arg(log),
                "-e", Arg("trace=\(trace)"), "-e", Arg("inject=\(trace):\(inject)"),
            ])
            self.strace = strace
            attached = blockUntil(atMost: 20) { Attack.isTraced(sweep.pid) || sweep.poll() || strace.poll() }
                && !sweep.poll() && !strace.poll()
            if let writer = sweep.stdinWriter {
                input.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let written = write(writer, raw.baseAddress! + offset, raw.count - offset)
                        if written < 0 && errno == EINTR { continue }
                        if written <= 0 { break }
                        offset += written
                    }
                }
            }
            sweep.closeStdin()
        }

        func waitForLog(atMost seconds: Double, _ condition: ([Substring]) -> Bool) -> Bool {
            var held = false
            _ = blockUntil(atMost: seconds) {
                if condition(Attack.logLines(log)) {
                    held = true
                    return true
                }
                return sweep.poll()
            }
            return held
        }

        /// sweep's output, or nil if it is still running after `seconds` (it is not killed).
        func finish(atMost seconds: Double) -> ProcessOutput? {
            guard let output = Attack.waitWithoutKilling(sweep, atMost: seconds) else { return nil }
            _ = Attack.waitWithoutKilling(strace, atMost: 5)
            return output
        }

        func killAll() {
            for pid in Attack.descendants(of: sweep.pid) { kill(pid, SIGKILL) }
            sweep.signal(SIGKILL)
            sweep.wait()
            if Attack.waitWithoutKilling(strace, atMost: 5) == nil {
                strace.signal(SIGKILL)
                strace.wait()
            }
        }

        deinit {
            if !sweep.poll() { killAll() }
        }
    }

    /// Where, in the walk, a file is swapped.
    enum WalkWindow: String, CaseIterable, CustomTestStringConvertible, Sendable {
        /// While the directory listing (getdents64) that found it is held on its way back.
        case afterListing
        /// While the first system call naming it (a stat, an open) is held on its way back.
        case afterFirstLook

        var testDescription: String { rawValue }

        /// Whether the trace shows the call of this window completed (its result printed: strace
        /// prints it as the held return begins). A call's entry is printed as it enters, and when
        /// another thread interleaves, its result comes later on a `<... resumed>` line.
        func reached(in lines: [Substring], name: String) -> Bool {
            switch self {
            case .afterListing:
                // A listing's entry count is printed with its result, on its line or its resumed line.
                return lines.contains { line in
                    guard line.contains("getdents64"), let range = line.range(of: " entries */") else { return false }
                    let count = line[..<range.lowerBound].split(separator: " ").last.flatMap { Int($0) } ?? 0
                    return count > 0
                }
            case .afterFirstLook:
                guard let index = lines.firstIndex(where: { $0.contains("\"\(name)\"") || $0.contains("/\(name)\"") }) else {
                    return false
                }
                let line = lines[index]
                if !line.contains("<unfinished ...>") { return line.contains(") = ") }
                let pid = line.prefix(while: { $0 != " " })
                return lines[(index + 1)...].contains { $0.hasPrefix(pid + " <... ") && $0.contains(") = ") }
            }
        }
    }

    /// Starts `command` on `input` (attached as above, every call naming a file and every directory
    /// listing held `delay` µs on its way back), and runs `strike` while the call of `window` for
    /// `name` is held. Returns whether the strike landed, and the run (still going, maybe hung).
    static func atWalkWindow(
        _ window: WalkWindow, command: [Arg], input: [UInt8], name: String, logs: TempTree, delay: Int = 150_000,
        directory: [UInt8]? = nil, strike: () throws -> Void
    ) throws -> (struck: Bool, run: AttachedSweep) {
        let run = try AttachedSweep(
            command, input: input, trace: "%file,getdents64", inject: "delay_exit=\(delay)", log: newLogPath(logs),
            directory: directory)
        guard run.attached else {
            Issue.record("strace could not attach to sweep: \(logLines(run.log).prefix(5))")
            return (false, run)
        }
        let reached = run.waitForLog(atMost: 30) { lines in window.reached(in: lines, name: name) }
        if reached { try strike() }
        return (reached, run)
    }

    // MARK: The attacker

    /// Exchanges each pair of paths with renameat2(RENAME_EXCHANGE) in a loop, as user nobody, until
    /// `seconds` pass or the file `stop` appears; then puts every pair back as it was and prints the
    /// number of exchanges made. Between exchanges it pauses a random time up to 0, 50 µs, 200 µs or
    /// 1 ms (changing every 500 exchanges): flat out, every path lookup is a coin toss and sweep's
    /// identity checks refuse nearly every file before the interesting moment; paced, some lookups
    /// see a stable tree and others a swapped one.
    static let exchanger = """
        import ctypes, os, random, sys, time
        libc = ctypes.CDLL(None, use_errno=True)
        libc.renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        AT_FDCWD, RENAME_EXCHANGE = -100, 2
        deadline = time.monotonic() + float(sys.argv[1])
        stop = sys.argv[2]
        pairs = [(sys.argv[i].encode(), sys.argv[i + 1].encode()) for i in range(3, len(sys.argv), 2)]
        flips = [0] * len(pairs)
        total = failed = 0
        while time.monotonic() < deadline and total < 50_000_000:
            for index, (a, b) in enumerate(pairs):
                if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0:
                    flips[index] += 1
                else:
                    failed += 1
                total += 1
                pause = (0, 0.00005, 0.0002, 0.001)[(total // 500) % 4]
                if pause:
                    time.sleep(random.random() * pause)
            if os.path.exists(stop):
                break
        for index, (a, b) in enumerate(pairs):
            if flips[index] % 2:
                libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
        print(total, failed, flush=True)
        """

    /// Starts the exchanger as nobody over `pairs`, for at most `seconds`.
    static func startAttacker(pairs: [([UInt8], [UInt8])], seconds: Double, stop: [UInt8]) throws -> ChildProcess {
        var arguments: [Arg] = asNobody + [Arg(systemPython), "-I", "-c", Arg(exchanger), Arg("\(seconds)"), Arg(stop)]
        for (a, b) in pairs { arguments += [Arg(a), Arg(b)] }
        return try spawnProcess("setpriv", arguments)
    }

    /// Stops the attacker (stop file, then SIGKILL after 5 s); its output.
    static func stopAttacker(_ attacker: ChildProcess, stop: [UInt8]) throws -> ProcessOutput {
        try writeFile(stop, [])
        if let output = waitWithoutKilling(attacker, atMost: 5) { return output }
        for pid in descendants(of: attacker.pid) { kill(pid, SIGKILL) }
        attacker.signal(SIGKILL)
        return attacker.wait()
    }

    // MARK: Leaks

    /// A secret outside the tree, readable by root only: 7919 lines, so that its line count and
    /// digest are recognisable in any output.
    struct Secret {
        let path: [UInt8]
        let hex: String
        static let lines = 7919

        init(in tree: TempTree) throws {
            try tree.directory("secret")
            var content: [UInt8] = []
            for index in 0..<Self.lines { content += utf8("secret line \(index)\n") }
            path = try tree.file("secret/shadow", content)
            try Attack.chmod(path, 0o600)
            hex = try Oracle.hexDigests(.sha256, of: [path])[0]
        }

        /// The lines of `output` that show the secret, for failure messages.
        func evidence(in output: ProcessOutput) -> String {
            let lines = (output.stdoutText + output.stderrText).split(separator: "\n")
            let shown = lines.filter { $0.contains(hex) || $0.contains("\(Self.lines)") }.prefix(3)
            return "\(output.status): " + shown.joined(separator: " | ")
        }

        /// Whether `output` shows the secret's digest or its line count as a file's.
        func leaked(in output: ProcessOutput) -> Bool {
            let text = output.stdoutText + output.stderrText
            if text.contains(hex) || text.contains("lines=\(Self.lines) ") || text.contains("\"lines\":\(Self.lines)") { return true }
            return output.stdoutText.split(separator: "\n").contains { line in
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                return fields.count >= 2 && fields[0] == "\(Self.lines)" && fields.last != "total"
            }
        }
    }

    /// A tree of `count` regular files and as many links to the secret, owned by nobody, with
    /// the exchange pairs (fNN, lNN).
    static func symlinkTrap(_ tree: TempTree, secret: Secret, count: Int) throws -> [([UInt8], [UInt8])] {
        try tree.directory("tree")
        var pairs: [([UInt8], [UInt8])] = []
        for index in 0..<count {
            let name = String(format: "%03d", index)
            let file = try tree.file("tree/f\(name)", "file \(name)\n")
            let link = tree.path("tree/l\(name)")
            try symlink(secret.path, at: link)
            try chown(file, nobodyUser, nobodyGroup)
            try chown(link, nobodyUser, nobodyGroup)
            pairs.append((file, link))
        }
        try chown(tree.path("tree"), nobodyUser, nobodyGroup)
        return pairs
    }
}

// MARK: - Finding 1 (critical): a directory swapped for a symlink

extension EndToEndTests {
    @Suite(.serialized, .timeLimit(.minutes(3 * testTimeScale)))
    struct AttackSymlinkedDirectoryTests {
        /// The issue's deterministic repro, at every sync window: once sweep is inside `T/d`, `T/d` is
        /// renamed away and replaced by a link to a root-owned directory. Nothing in that directory may
        /// change (names, contents, modes, owners, inodes), and the tree's file is either intact or its
        /// complete counterpart exists in the real directory.
        @Test(arguments: [["gzip"], ["gunzip"], ["gunzip", "-f"]])
        func directorySwappedForALinkMidRunNeverReachesOutside(command: [String]) throws {
            guard Attack.requireStrace() else { return }
            let decompressing = command[0] == "gunzip"
            let content = utf8("the tree's own passwd\n")
            var victimBefore: [Attack.Entry] = []
            let runs = try Attack.atEachSync("f1-\(command.joined(separator: ""))", setup: { tree in
                try tree.directory("T/d")
                try tree.directory("victim")
                if decompressing {
                    try tree.file("T/d/passwd.gz", try Attack.gzipBytes(content))
                } else {
                    try tree.file("T/d/passwd", content)
                }
                try tree.file("victim/passwd", "root's passwd\n")
                try tree.file("victim/passwd.gz", try Attack.gzipBytes(utf8("root's archived passwd\n")))
                try tree.file("victim/other", "root's other file\n")
                victimBefore = try Attack.snapshot(tree.path("victim"))
            }, arguments: { tree in
                Attack.args(command) + ["--no-progress", "-j", "2", Arg(tree.path("T"))]
            }, strike: { tree, _ in
                try Attack.rename(tree.path("T/d"), tree.path("T/d.real"))
                try Attack.symlink(tree.path("victim"), at: tree.path("T/d"))
            }, verify: { tree, run in
                let after = try Attack.snapshot(tree.path("victim"))
                #expect(after == victimBefore,
                        "sweep \(command.joined(separator: " ")), T/d swapped at sync \(run.window): the directory outside the tree changed: \(Attack.difference(victimBefore, after)); \(Attack.describe(run.output))")
                let real = run.struck ? tree.path("T/d.real") : tree.path("T/d")
                let plain = Attack.contentIfRegular(joinPath(real, utf8("passwd")))
                let packed = Attack.gunzipped(joinPath(real, utf8("passwd.gz")))
                let kept = plain == content || packed == content
                #expect(kept,
                        "sync \(run.window): the tree's passwd is neither intact nor complete in its .gz: \(Attack.names(real)); \(Attack.describe(run.output))")
                #expect(run.output != nil, "sync \(run.window): sweep did not end")
            })
            #expect(runs.contains { $0.struck }, "sweep never reached a sync: nothing was tested (\(runs))")
        }

        /// The issue's race: user nobody owns `T` and exchanges `T/d` with a link to a root-owned
        /// directory in a loop while root runs gzip, gunzip, gzip, gunzip -f over `T` (bounded: 40 runs
        /// or 20 s). The root-owned directory must never change; each of the tree's files must be intact
        /// or complete in its .gz.
        @Test func unprivilegedExchangeLoopNeverReachesOutside() throws {
            guard Attack.requireNobody() else { return }
            let tree = try TempTree("f1-race")
            try tree.openToEveryone()
            try tree.directory("T/d")
            try tree.directory("victim")
            var originals: [String: [UInt8]] = [:]
            for index in 0..<60 {
                let name = String(format: "f%02d", index)
                let content = utf8(String(repeating: "line \(index) of the tree's file \(name)\n", count: 1 + index % 7))
                originals[name] = content
                try Attack.chown(try tree.file("T/d/\(name)", content), Attack.nobodyUser, Attack.nobodyGroup)
                try tree.file("victim/\(name)", "root's \(name)\n")
                try tree.file("victim/\(name).gz", try Attack.gzipBytes(utf8("root's archived \(name)\n")))
            }
            try Attack.symlink(tree.path("victim"), at: tree.path("T/x"))
            for path in [tree.path("T"), tree.path("T/d"), tree.path("T/x")] {
                try Attack.chown(path, Attack.nobodyUser, Attack.nobodyGroup)
            }
            let victimBefore = try Attack.snapshot(tree.path("victim"))
            let stop = tree.path("stop")

            let attacker = try Attack.startAttacker(pairs: [(tree.path("T/d"), tree.path("T/x"))], seconds: 25, stop: stop)
            let commands: [[Arg]] = [["gzip"], ["gunzip"], ["gzip"], ["gunzip", "-f"]]
            let started = monotonicSeconds()
            var runs: [String] = []
            var changed: String?
            for index in 0..<40 where monotonicSeconds() - started < 20 {
                let command = commands[index % commands.count]
                let child = try spawnProcess(sweepExecutable, command + ["--no-progress", "-j", "2", Arg(tree.path("T"))])
                let output = child.wait(atMost: 15)
                runs.append("\(command.map { String(decoding: $0.bytes, as: UTF8.self) }.joined(separator: " ")): \(output.map { "\($0.status)" } ?? "killed")")
                let after = try Attack.snapshot(tree.path("victim"))
                if after != victimBefore {
                    changed = "after run \(index + 1) (\(runs.last!)): \(Attack.difference(victimBefore, after)); stderr: \(output.map { Attack.firstLines($0.stderrText) } ?? "killed")"
                    break
                }
            }
            let attackerOutput = try Attack.stopAttacker(attacker, stop: stop)
            // The attacker puts the pair back; make sure, should it have been killed mid-way.
            if Attack.isSymbolicLink(tree.path("T/d")) {
                try Attack.rename(tree.path("T/d"), tree.path("T/tmp"))
                try Attack.rename(tree.path("T/x"), tree.path("T/d"))
                try Attack.rename(tree.path("T/tmp"), tree.path("T/x"))
            }
            #expect(changed == nil, "root acted outside the tree: \(changed ?? ""); exchanges made, failed: \(attackerOutput.stdoutText)")
            for (name, content) in originals.sorted(by: { $0.key < $1.key }) {
                let plain = Attack.contentIfRegular(tree.path("T/d/\(name)"))
                let packed = Attack.gunzipped(tree.path("T/d/\(name).gz"))
                let kept = plain == content || packed == content
                #expect(kept, "T/d/\(name) lost: neither intact nor complete in its .gz; runs: \(runs)")
            }
            #expect(!attackerOutput.stdoutText.hasPrefix("0 "), "the attacker made no exchange: \(attackerOutput)")
        }
    }
}

// MARK: - Finding 8 (low-medium): sum, lines, run follow a link swapped in after the walk

extension EndToEndTests {
    @Suite(.serialized, .timeLimit(.minutes(3 * testTimeScale)))
    struct AttackSwappedLinkTests {
        static let commands: [[String]] = [["sum"], ["lines"], ["run", "-s", "sha256", "-s", "lines", "--json"]]

        /// `tree/prey` is replaced by a link to a root-only secret while the listing that found it, or
        /// the first call naming it, is held. The secret's digest or line count must never appear.
        @Test(arguments: commands)
        func linkSwappedInAfterTheListingIsNotFollowed(command: [String]) throws {
            try linkSwappedIn(.afterListing, command: command)
        }

        @Test(arguments: commands)
        func linkSwappedInAfterTheFirstLookIsNotFollowed(command: [String]) throws {
            try linkSwappedIn(.afterFirstLook, command: command)
        }

        func linkSwappedIn(_ window: Attack.WalkWindow, command: [String]) throws {
            guard Attack.requireStrace() else { return }
            let tree = try TempTree("f8")
            let logs = try TempTree("f8-logs")
            let secret = try Attack.Secret(in: tree)
            try tree.file("tree/other", "other\n")
            try tree.file("tree/prey", "prey\n")
            try tree.directory("moved")
            let (struck, run) = try Attack.atWalkWindow(
                window, command: Attack.args(command) + ["--files-from", "-", "-0"],
                input: nulTerminated([tree.path("tree")]), name: "prey", logs: logs
            ) {
                try Attack.rename(tree.path("tree/prey"), tree.path("moved/prey"))
                try Attack.symlink(secret.path, at: tree.path("tree/prey"))
            }
            let output = run.finish(atMost: 30)
            if output == nil { run.killAll() }
            #expect(struck, "sweep never reached the window \(window): nothing was tested; trace: \(Attack.logLines(run.log).suffix(5))")
            #expect(output != nil, "sweep \(command.joined(separator: " ")) did not end within 30 s")
            if let output {
                let leaked = secret.leaked(in: output)
                #expect(!leaked,
                        "sweep \(command.joined(separator: " ")) followed the link swapped in \(window) and read the root-only secret: \(secret.evidence(in: output))")
            }
        }

        /// The race: nobody exchanges each of 50 files with a link to the secret, in a loop, while root
        /// runs sum, lines and run over the tree (bounded: 15 runs or 15 s).
        @Test func unprivilegedExchangeLoopNeverLeaksTheSecret() throws {
            guard Attack.requireNobody() else { return }
            let tree = try TempTree("f8-race")
            try tree.openToEveryone()
            let secret = try Attack.Secret(in: tree)
            let pairs = try Attack.symlinkTrap(tree, secret: secret, count: 50)
            let stop = tree.path("stop")
            let attacker = try Attack.startAttacker(pairs: pairs, seconds: 20, stop: stop)
            let started = monotonicSeconds()
            var leak: String?
            var runs = 0
            for index in 0..<15 where monotonicSeconds() - started < 15 {
                let command = Self.commands[index % Self.commands.count]
                let child = try spawnProcess(sweepExecutable, Attack.args(command) + [Arg(tree.path("tree"))])
                runs += 1
                guard let output = child.wait(atMost: 15) else {
                    leak = "sweep \(command.joined(separator: " ")) did not end within 15 s"
                    break
                }
                if secret.leaked(in: output) {
                    leak = "sweep \(command.joined(separator: " ")) (run \(runs)) printed the root-only secret's digest or line count: \(secret.evidence(in: output))"
                    break
                }
            }
            let attackerOutput = try Attack.stopAttacker(attacker, stop: stop)
            #expect(leak == nil, "\(leak ?? ""); exchanges made, failed: \(attackerOutput.stdoutText)")
            #expect(!attackerOutput.stdoutText.hasPrefix("0 "), "the attacker made no exchange: \(attackerOutput)")
        }
    }
}

// MARK: - Findings 2, 3, 5, 11: what happens between reading and publishing

extension EndToEndTests {
    @Suite(.serialized, .timeLimit(.minutes(3 * testTimeScale)))
    struct AttackPublishWindowTests {
        /// Finding 2: a new file renamed over FILE while sweep compresses it (at each sync) is never
        /// deleted; if FILE.gz exists, it holds the original exactly.
        @Test func fileRenamedIntoPlaceDuringTheRunIsKept() throws {
            guard Attack.requireStrace() else { return }
            let original = randomBytes(3 << 20, seed: 2)
            let newcomer = utf8("NEW\n")
            let runs = try Attack.atEachSync("f2", setup: { tree in
                try tree.file("big", original)
            }, arguments: { tree in
                ["gzip", "--no-progress", Arg(tree.path("big"))]
            }, strike: { tree, _ in
                try writeFile(tree.path("big.new"), newcomer)
                try Attack.rename(tree.path("big.new"), tree.path("big"))
            }, verify: { tree, run in
                guard run.struck else { return }
                let newcomerKept = Attack.contentIfRegular(tree.path("big")) == newcomer
                #expect(newcomerKept,
                        "sync \(run.window): the file renamed into place was deleted or changed; left: \(Attack.names(tree.root)); \(Attack.describe(run.output))")
                if pathExists(tree.path("big.gz")) {
                    let complete = Attack.gunzipped(tree.path("big.gz")) == original
                    #expect(complete, "sync \(run.window): big.gz is not the complete original")
                }
            })
            #expect(runs.contains { $0.struck }, "sweep never reached a sync: nothing was tested")
        }

        /// Finding 3: a line appended (`echo late >> app.log`) at each sync is never lost: either the
        /// original is kept, with a message naming it and exit 2, or the line is in app.log.gz (or,
        /// appended after the original was removed, in a new app.log beside a complete app.log.gz).
        @Test func lineAppendedBeforeTheOriginalIsRemovedIsNeverLost() throws {
            guard Attack.requireStrace() else { return }
            var original: [UInt8] = []
            for line in 1...100_000 { original += utf8("\(line)\n") }
            let late = utf8("late\n")
            let runs = try Attack.atEachSync("f3", setup: { tree in
                try tree.file("app.log", original)
            }, arguments: { tree in
                ["gzip", "--no-progress", Arg(tree.path("app.log"))]
            }, strike: { tree, _ in
                try Attack.appendCreating(tree.path("app.log"), late)
            }, verify: { tree, run in
                guard run.struck else { return }
                guard let output = run.output else {
                    Issue.record("sync \(run.window): sweep did not end")
                    return
                }
                let plain = Attack.contentIfRegular(tree.path("app.log"))
                let packed = Attack.gunzipped(tree.path("app.log.gz"))
                let everything = original + late
                let kept = plain == everything && (packed == nil || packed == original || packed == everything)
                let inOutput = packed == everything && plain == nil
                let appendedAfterRemoval = packed == original && plain == late
                let state = "app.log: \(Attack.summary(plain)), app.log.gz decodes to: \(Attack.summary(packed))"
                #expect(kept || inOutput || appendedAfterRemoval, "sync \(run.window): the appended line was lost: \(state); \(output)")
                if kept {
                    #expect(output.status == .exited(2), "sync \(run.window): the original was kept, which must be said with exit 2: \(output)")
                    #expect(output.stderrText.contains("app.log"), "sync \(run.window): no message names app.log: \(output)")
                }
            })
            #expect(runs.contains { $0.struck }, "sweep never reached a sync: nothing was tested")
        }

        /// Finding 5: an output that appears during the run (at each sync before sweep publishes its
        /// own) is not overwritten without -f: the newcomer is kept, the input too, exit 2 with gzip's
        /// "already exists".
        @Test(arguments: [false, true])
        func outputAppearingDuringTheRunIsNotOverwritten(decompressing: Bool) throws {
            guard Attack.requireStrace() else { return }
            let content = randomBytes(300_000, seed: 5)
            let input = decompressing ? "data.gz" : "data"
            let output = decompressing ? "data" : "data.gz"
            let newcomer = utf8("other\n")
            var inputBytes: [UInt8] = []
            var window = 0
            var created: Set<Int> = []
            try Attack.atEachSync("f5-\(decompressing)", setup: { tree in
                window += 1
                inputBytes = decompressing ? try Attack.gzipBytes(content) : content
                try tree.file(input, inputBytes)
            }, arguments: { tree in
                [decompressing ? "gunzip" : "gzip", "--no-progress", Arg(tree.path(input))]
            }, strike: { tree, _ in
                // Only an output that does not exist yet is a newcomer; sweep's own is not touched.
                if try Attack.createExclusively(tree.path(output), newcomer) { created.insert(window) }
            }, verify: { tree, run in
                guard created.contains(run.window) else { return }
                guard let result = run.output else {
                    Issue.record("sync \(run.window): sweep did not end")
                    return
                }
                let newcomerKept = Attack.contentIfRegular(tree.path(output)) == newcomer
                let inputKept = Attack.contentIfRegular(tree.path(input)) == inputBytes
                #expect(newcomerKept,
                        "sync \(run.window): \(output), created during the run, was overwritten or removed without -f: \(result)")
                #expect(inputKept,
                        "sync \(run.window): \(input) was not kept although its output could not be written: \(Attack.names(tree.root)); \(result)")
                #expect(result.status == .exited(2), "sync \(run.window): expected gzip's exit 2 for an existing output: \(result)")
                #expect(result.stderrText.contains(output) && result.stderrText.contains("already exists"),
                        "sync \(run.window): no \"\(output) already exists\" message: \(result)")
            })
            #expect(!created.isEmpty, "the output was already there at the first sync: nothing was tested")
        }

        /// Finding 11: killed at each sync, then run again: the second run must finish the job (exit 0,
        /// FILE gone, FILE.gz complete), including when the kill left FILE and a complete FILE.gz.
        @Test func killedAtEachSyncTheNextRunFinishesTheJob() throws {
            guard Attack.requireStrace() else { return }
            let content = randomBytes(200_000, seed: 11)
            let runs = try Attack.atEachSync("f11-kill", setup: { tree in
                try tree.file("d/app.log", content)
            }, arguments: { tree in
                ["gzip", "--no-progress", Arg(tree.path("d/app.log"))]
            }, strike: { _, run in
                for pid in Attack.descendants(of: run.strace.pid) { kill(pid, SIGKILL) }
            }, verify: { tree, run in
                guard run.struck else { return }
                let bothLeft = pathExists(tree.path("d/app.log")) && pathExists(tree.path("d/app.log.gz"))
                // The directory, not the file: after a kill past the unlink there is no app.log to name.
                let again = try runSweep(["gzip", "--no-progress", Arg(tree.path("d"))])
                #expect(again.status == .exited(0), "killed at sync \(run.window) (FILE and FILE.gz both left: \(bothLeft)), the next run did not finish the job: \(again)")
                #expect(!pathExists(tree.path("d/app.log")), "killed at sync \(run.window): app.log still there after the next run: \(again)")
                let complete = Attack.gunzipped(tree.path("d/app.log.gz")) == content
                #expect(complete, "killed at sync \(run.window): app.log.gz is not the complete original")
                if bothLeft {
                    #expect(again.stderrText.contains("app.log"), "the next run removed app.log without saying so: \(again)")
                }
            })
            #expect(runs.contains { $0.struck }, "sweep never reached a sync: nothing was tested")
        }

        /// Finding 11 by hand: FILE and a FILE.gz that decodes exactly to it (a kill between rename and
        /// unlink). The next run removes FILE and says so, exit 0; a FILE.gz that differs (or is
        /// corrupt) is still refused with "already exists", exit 2, both kept.
        @Test(arguments: ["same", "different", "corrupt"], [false, true])
        func leftoverPairFromAKillIsResolvedOnlyWhenIdentical(gz: String, walking: Bool) throws {
            let tree = try TempTree("f11")
            let content = randomBytes(100_000, seed: 111)
            try tree.file("d/app.log", content)
            var packed: [UInt8]
            switch gz {
            case "same": packed = try Attack.gzipBytes(content)
            case "different": packed = try Attack.gzipBytes(content + utf8("more\n"))
            default:
                packed = try Attack.gzipBytes(content)
                packed[packed.count / 2] ^= 0x55
            }
            try tree.file("d/app.log.gz", packed)
            let output = try runSweep(["gzip", "--no-progress", walking ? Arg(tree.path("d")) : Arg(tree.path("d/app.log"))])
            if gz == "same" {
                #expect(output.status == .exited(0), "\(output)")
                #expect(!pathExists(tree.path("d/app.log")), "app.log not removed although app.log.gz holds it exactly: \(output)")
                let unchanged = try readFile(tree.path("d/app.log.gz")) == packed
                #expect(unchanged, "app.log.gz was rewritten")
                #expect(output.stderrText.contains("app.log"), "app.log removed without a message: \(output)")
            } else {
                #expect(output.status == .exited(2), "\(output)")
                #expect(output.stderrText.contains("app.log.gz") && output.stderrText.contains("already exists"), "\(output)")
                let bothKept = Attack.contentIfRegular(tree.path("d/app.log")) == content
                    && Attack.contentIfRegular(tree.path("d/app.log.gz")) == packed
                #expect(bothKept, "app.log or app.log.gz changed: \(Attack.names(tree.path("d")))")
            }
            #expect(Attack.names(tree.path("d")) == ["app.log", "app.log.gz"].filter { gz != "same" || $0 == "app.log.gz" })
        }
    }
}

// MARK: - Finding 4 (medium): FIFOs and signals

extension EndToEndTests {
    @Suite(.serialized, .timeLimit(.minutes(3 * testTimeScale)))
    struct AttackFIFOTests {
        /// A manifest naming a FIFO: `check` must not block on it (no writer ever comes), and while it
        /// runs SIGTERM or SIGINT must end it within a second.
        @Test(arguments: [SIGTERM, SIGINT])
        func manifestNamingAFIFONeverBlocks(signal: Int32) throws {
            let tree = try TempTree("f4-check")
            try tree.fifo("fifo")
            try tree.file("other", "other\n")
            let otherHex = try Oracle.hexDigests(.sha256, of: [tree.path("other")])[0]
            try tree.file("SUMS", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  fifo\n\(otherHex)  other\n")
            let child = try spawnProcess(sweepExecutable, ["check", "SUMS"], directory: tree.root)
            if let output = Attack.waitWithoutKilling(child, atMost: 5) {
                #expect(output.status == .exited(1), "\(output)")
                #expect(output.stdoutText.contains("fifo: FAILED") || output.stderrText.contains("fifo"), "the FIFO is not reported: \(output)")
                #expect(!output.stdoutText.contains("fifo: OK"), "\(output)")
                #expect(output.stdoutText.contains("other: OK"), "\(output)")
                return
            }
            Issue.record("sweep check blocked on a FIFO named in the manifest (still running after 5 s)")
            child.signal(signal)
            let started = monotonicSeconds()
            let output = Attack.waitWithoutKilling(child, atMost: 1)
            #expect(output != nil, "…and ignored \(signal == SIGTERM ? "SIGTERM" : "SIGINT") for a second")
            if output == nil {
                child.signal(SIGKILL)
                child.wait()
            } else {
                #expect(output?.status == .exited(130), "\(Attack.describe(output)) after \(monotonicSeconds() - started) s")
            }
        }

        /// A regular file swapped for a FIFO after the listing, or after the first look at it: sum,
        /// lines, gzip must not block on it (nobody ever writes to it), must not treat it as an empty
        /// file, and must leave it alone; if one blocks, SIGTERM must still end it within a second.
        @Test(arguments: [["sum"], ["lines"], ["gzip", "--no-progress"]])
        func fileSwappedForAFIFOAfterTheListingNeverBlocks(command: [String]) throws {
            try fifoSwappedIn(.afterListing, command: command)
        }

        @Test(arguments: [["sum"], ["lines"], ["gzip", "--no-progress"]])
        func fileSwappedForAFIFOAfterTheFirstLookNeverBlocks(command: [String]) throws {
            try fifoSwappedIn(.afterFirstLook, command: command)
        }

        func fifoSwappedIn(_ window: Attack.WalkWindow, command: [String]) throws {
            guard Attack.requireStrace() else { return }
            let tree = try TempTree("f4-swap")
            let logs = try TempTree("f4-swap-logs")
            try tree.file("tree/other", "other\n")
            try tree.file("tree/prey", "prey\n")
            try tree.directory("moved")
            let (struck, run) = try Attack.atWalkWindow(
                window, command: Attack.args(command) + ["--files-from", "-", "-0"],
                input: nulTerminated([tree.path("tree")]), name: "prey", logs: logs
            ) {
                try Attack.rename(tree.path("tree/prey"), tree.path("moved/prey"))
                try Attack.mkfifo(tree.path("tree/prey"))
            }
            #expect(struck, "sweep never reached the window \(window): nothing was tested; trace: \(Attack.logLines(run.log).suffix(5))")
            let name = command.joined(separator: " ")
            var output = run.finish(atMost: 10)
            if output == nil {
                Issue.record("sweep \(name) blocked on the FIFO swapped in \(window) (still running after 10 s)")
                run.sweep.signal(SIGTERM)
                output = run.finish(atMost: 1)
                if output == nil {
                    Issue.record("…and ignored SIGTERM for a second")
                    run.killAll()
                }
            }
            #expect(Attack.isFIFO(tree.path("tree/prey")), "the FIFO was removed or replaced")
            #expect(!pathExists(tree.path("tree/prey.gz")), "a .gz was made of the FIFO")
            if let output, output.status != Termination.signalled(SIGKILL) {
                let emptyHex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                #expect(!output.stdoutText.contains("\(emptyHex)  \(tree.rootString)/tree/prey"), "the FIFO was summed as an empty file: \(output)")
            }
        }

        /// SIGINT and SIGTERM end any command within a second while it works through a large file
        /// (sparse, 6 GiB): exit 130, and gzip leaves no output behind.
        @Test(arguments: [["sum"], ["lines"], ["gzip", "-1", "--no-progress"], ["check"]], [SIGTERM, SIGINT])
        func signalEndsALongRunWithinASecond(command: [String], signal: Int32) throws {
            let tree = try TempTree("f4-signal")
            let big = try tree.file("big", [])
            guard truncate(String(decoding: big, as: UTF8.self), 6 << 30) == 0 else {
                throw SystemCallError(call: "truncate", path: big, code: errno)
            }
            try tree.file("SUMS", "\(String(repeating: "0", count: 64))  big\n")
            let arguments = Attack.args(command + [command == ["check"] ? "SUMS" : "big"])
            let child = try spawnProcess(sweepExecutable, arguments, directory: tree.root)
            let reading = blockUntil(atMost: 20) { child.poll() || Attack.hasOpen(child.pid, big) }
            try #require(reading && !child.poll(), "sweep \(command) never opened the file: \(Attack.describe(child.poll() ? child.wait() : nil))")
            usleep(200_000)
            child.signal(signal)
            let started = monotonicSeconds()
            let output = Attack.waitWithoutKilling(child, atMost: 1)
            if output == nil {
                child.signal(SIGKILL)
                child.wait()
            }
            #expect(output != nil, "sweep \(command) still running 1 s after signal \(signal)")
            #expect(output?.status == .exited(130), "\(Attack.describe(output)) after \(monotonicSeconds() - started) s")
            #expect(Attack.names(tree.root) == ["SUMS", "big"], "output left behind")
        }
    }
}

// MARK: - Finding 6 (medium): user files that look like temporaries

extension EndToEndTests {
    @Suite(.timeLimit(.minutes(1 * testTimeScale)))
    struct AttackTemporaryLookalikeTests {
        /// `.notes.sweep-tmp-draft1`, an hour old, is a user's file: no command deletes it (gzip may
        /// compress it as it would any file, keeping every byte in its .gz).
        @Test(arguments: [["gzip", "-t", "."], ["gzip", "-d", "-t", "."], ["gunzip", "."], ["gzip", "."]])
        func userFileNamedLikeATemporaryIsNotDeleted(command: [String]) throws {
            let tree = try TempTree("f6")
            let notes = utf8("notes\n")
            let lookalike = try tree.file(".notes.sweep-tmp-draft1", notes)
            try tree.file("keep.gz", try Attack.gzipBytes(utf8("an archive\n")))
            let hourAgo = Int(Date().timeIntervalSince1970) - 3600
            try setModificationTime(lookalike, seconds: hourAgo)
            let output = try runSweep(Attack.args(command) + ["--no-progress"], directory: tree.root)
            let compressed = command == ["gzip", "."] && Attack.gunzipped(tree.path(".notes.sweep-tmp-draft1.gz")) == notes
            let kept = Attack.contentIfRegular(lookalike) == notes || compressed
            #expect(kept,
                    "sweep \(command.joined(separator: " ")) deleted a user's file that looks like its temporary: \(Attack.names(tree.root)); \(output)")
        }
    }
}

// MARK: - Finding 7 (medium): files whose size says 0 or 4096 but whose content differs

extension EndToEndTests {
    @Suite(.timeLimit(.minutes(1 * testTimeScale)))
    struct AttackPseudoFileTests {
        /// /proc/version says size 0: the digest must be sha256sum's, not the empty digest.
        @Test func procFileDigestIsSha256sums() throws {
            let sweep = try runSweep(["sum", "/proc/version"])
            let coreutils = try runProcess("sha256sum", ["/proc/version"])
            #expect(sweep.status == .exited(0), "\(sweep)")
            #expect(sweep.stdoutText == coreutils.stdoutText, "sweep: \(sweep.stdoutText) sha256sum: \(coreutils.stdoutText)")
        }

        /// /proc/cpuinfo says size 0: its line count must be wc -l's.
        @Test func procFileLineCountIsWcs() throws {
            let sweep = try runSweep(["lines", "/proc/cpuinfo"])
            let wc = try runProcess("sh", ["-c", "wc -l < /proc/cpuinfo"])
            let count = sweep.stdoutText.split(separator: " ", omittingEmptySubsequences: true).first.map(String.init)
            #expect(sweep.status == .exited(0), "\(sweep)")
            #expect(count == wc.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), "sweep: \(sweep.stdoutText) wc: \(wc.stdoutText)")
        }

        /// A sysfs file whose size says 4096: the digest must be sha256sum's, or a clear message naming
        /// it; never "file changed as we read it", which it did not.
        @Test func sysfsFileIsSummedOrClearlyRefused() throws {
            let candidates = [
                "/sys/kernel/mm/transparent_hugepage/enabled", "/sys/kernel/mm/transparent_hugepage/defrag",
                "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "/sys/kernel/profiling", "/sys/kernel/kexec_loaded",
            ]
            let path = candidates.first { path in
                var info = stat()
                return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_size == 4096
                    && (try? runProcess("sha256sum", [Arg(path)]))?.status == .exited(0)
            }
            guard let path else {
                Issue.record("no readable sysfs file of size 4096 here (\(candidates)): nothing was tested")
                return
            }
            let sweep = try runSweep(["sum", Arg(path)])
            let coreutils = try runProcess("sha256sum", [Arg(path)])
            if sweep.status == .exited(0) {
                #expect(sweep.stdoutText == coreutils.stdoutText, "sweep: \(sweep.stdoutText) sha256sum: \(coreutils.stdoutText)")
            } else {
                #expect(sweep.stderrText.contains(path) && !sweep.stderrText.contains("changed as we read"),
                        "neither sha256sum's digest nor a clear message: \(sweep)")
            }
        }
    }
}

// MARK: - Finding 9 (low): memory proportional to a name's length

extension EndToEndTests {
    @Suite(.serialized, .timeLimit(.minutes(2 * testTimeScale)))
    struct AttackMemoryTests {
        /// Runs sweep with `arguments` (output discarded) from a python3 parent that polls its peak RSS
        /// and kills it past `limitKiB` or after `seconds`; the peak (the larger of the polled VmHWM and
        /// ru_maxrss from wait4), and why it was killed, if it was.
        static func peakResidentKiB(
            _ arguments: [Arg], limitKiB: Int, seconds: Int, directory: [UInt8]
        ) throws -> (peak: Int, killed: String?, status: Int) {
            let script = """
                import json, os, sys, time
                limit, seconds = int(sys.argv[1]), float(sys.argv[2]); argv = sys.argv[3:]
                # Under AddressSanitizer, freed blocks stay resident in its quarantine (256 MiB by
                # default): turned off, so that the peak measures sweep's memory, not the sanitizer's.
                os.environ['ASAN_OPTIONS'] = os.environ.get('ASAN_OPTIONS', '') + ':quarantine_size_mb=0:thread_local_quarantine_size_kb=0'
                pid = os.fork()
                if pid == 0:
                    null = os.open('/dev/null', os.O_RDWR)
                    for fd in (0, 1, 2): os.dup2(null, fd)
                    os.execv(argv[0], argv)
                peak, killed, deadline = 0, None, time.monotonic() + seconds
                while True:
                    done, status, usage = os.wait4(pid, os.WNOHANG)
                    if done == pid: break
                    try:
                        for line in open('/proc/%d/status' % pid):
                            if line.startswith('VmHWM:'): peak = max(peak, int(line.split()[1]))
                    except OSError: pass
                    if killed is None and peak > limit: killed = 'limit'
                    if killed is None and time.monotonic() > deadline: killed = 'time'
                    if killed is not None:
                        os.kill(pid, 9)
                    time.sleep(0.005)
                print(json.dumps({'peak': max(peak, usage.ru_maxrss), 'killed': killed, 'status': status}))
                """
            let output = try runProcess(
                Oracle.python, ["-c", Arg(script), Arg("\(limitKiB)"), Arg("\(seconds)"), Arg(sweepExecutable)] + arguments,
                directory: directory)
            guard output.status == .exited(0),
                  let object = try JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any],
                  let peak = object["peak"] as? Int, let status = object["status"] as? Int
            else { throw OracleError(tool: "python3 rss probe", output: output) }
            return (peak, object["killed"] as? String, status)
        }

        /// A manifest line (`check`) with a long name: peak RSS at most 3x the name above the same
        /// command's with a one-byte name (the runtime: about 19 MiB for the debug build, far more
        /// under AddressSanitizer), plus 8 MiB. The issue measured 65x. 8 MiB keeps the
        /// allowance from hiding a factor of 4 and ends in about 16 s with the debug build, whose
        /// swift-system normalises a path at about 2 µs a byte (the release build takes 0.9 s for the
        /// issue's 30 MiB, at 104 MB peak: 2.9x).
        @Test(arguments: [1 << 20, 8 << 20])
        func longNameInAManifestCostsAtMostThreeTimesItsLength(nameLength: Int) throws {
            let tree = try TempTree("f9-check")
            let name = [UInt8](repeating: UInt8(ascii: "a"), count: nameLength)
            try tree.file("SUMS", utf8(String(repeating: "0", count: 64) + "  ") + name + utf8("\n"))
            let small = try TempTree("f9-check-small")
            try small.file("SUMS", utf8(String(repeating: "0", count: 64) + "  a\n"))
            try Self.expectBoundedMemory(
                ["check", "SUMS"], label: "check", nameLength: nameLength, directory: tree.root, baselineDirectory: small.root)
        }

        /// The same for a `sum --files-from` list entry.
        @Test(arguments: [1 << 20, 8 << 20])
        func longNameInAListCostsAtMostThreeTimesItsLength(nameLength: Int) throws {
            let tree = try TempTree("f9-list")
            let name = [UInt8](repeating: UInt8(ascii: "a"), count: nameLength)
            try tree.file("LIST", name + utf8("\n"))
            let small = try TempTree("f9-list-small")
            try small.file("LIST", utf8("a\n"))
            try Self.expectBoundedMemory(
                ["sum", "--files-from", "LIST"], label: "sum --files-from", nameLength: nameLength, directory: tree.root,
                baselineDirectory: small.root)
        }

        /// Runs `arguments` in `baselineDirectory` (a one-byte name) for the runtime's own peak, then
        /// in `directory`, killed once past that peak plus 3x the name plus 8 MiB.
        static func expectBoundedMemory(
            _ arguments: [Arg], label: String, nameLength: Int, directory: [UInt8], baselineDirectory: [UInt8]
        ) throws {
            // A guard against a hang, not a speed test: the debug build on a loaded machine needs it.
            let seconds = 120 * testTimeScale
            let baseline = try peakResidentKiB(arguments, limitKiB: 4 << 20, seconds: seconds, directory: baselineDirectory)
            try #require(baseline.killed == nil, "sweep \(label) with a one-byte name: \(baseline)")
            let limitKiB = baseline.peak + (3 * nameLength + (8 << 20)) / 1024
            let result = try peakResidentKiB(arguments, limitKiB: limitKiB, seconds: seconds, directory: directory)
            let what = "sweep \(label) with a \(nameLength >> 20) MiB name"
            #expect(result.killed != "limit" && result.peak <= limitKiB,
                    "\(what): peak RSS past \(result.peak / 1024) MiB (killed there), allowed \(limitKiB / 1024) MiB")
            #expect(result.killed != "time",
                    "\(what): still running after \(seconds) s (peak RSS so far \(result.peak / 1024) MiB, allowed \(limitKiB / 1024) MiB)")
        }
    }
}

// MARK: - Finding 10 (low): what gzip refuses

extension EndToEndTests {
    @Suite(.timeLimit(.minutes(1 * testTimeScale)))
    struct AttackGzipRefusalTests {
        /// `gzip -d` leaves a set-user-ID, set-group-ID or sticky .gz alone (exit 2); so must sweep,
        /// or root's gunzip of a user's .gz hands out a setuid file.
        @Test(arguments: [mode_t(0o4755), 0o2755, 0o1644], [["gunzip"], ["gzip", "-d"]])
        func specialModeGzIsNotDecompressed(mode: mode_t, command: [String]) throws {
            let tree = try TempTree("f10")
            let packed = try Attack.gzipBytes(utf8("#!/bin/sh\nid\n"))
            for side in ["s", "g"] {
                let path = try tree.file("\(side)/f.gz", packed)
                try Attack.chmod(path, mode)
            }
            let sweep = try runSweep(Attack.args(command) + ["--no-progress", "f.gz"], directory: tree.path("s"))
            let gzip = try runProcess("gzip", ["-d", "f.gz"], directory: tree.path("g"))
            #expect(gzip.status == .exited(2), "\(gzip)")
            #expect(sweep.status == gzip.status, "sweep: \(sweep) gzip: \(gzip)")
            #expect(Attack.names(tree.path("s")) == Attack.names(tree.path("g")), "sweep left \(Attack.names(tree.path("s"))), gzip \(Attack.names(tree.path("g")))")
            if let info = Attack.linkStatus(tree.path("s/f")) {
                #expect(info.st_mode & 0o7000 == 0, "sweep made a file with mode \(String(info.st_mode & 0o7777, radix: 8))")
            }
        }

        /// A FIFO named on the command line: gzip says "is not a directory or a regular file - ignored"
        /// and exits 2; sweep must exit 2 too, name it, and never open it.
        @Test func fifoArgumentExitsTwoAsGzipDoes() throws {
            let tree = try TempTree("f10-fifo")
            try tree.directory("s")
            try tree.directory("g")
            try Attack.mkfifo(tree.path("s/p"))
            try Attack.mkfifo(tree.path("g/p"))
            let child = try spawnProcess(sweepExecutable, ["gzip", "--no-progress", "p"], directory: tree.path("s"))
            let sweep = child.wait(atMost: 10)
            let gzip = try runProcess("gzip", ["p"], directory: tree.path("g"))
            #expect(gzip.status == .exited(2), "\(gzip)")
            #expect(sweep?.status == gzip.status, "sweep: \(Attack.describe(sweep)) gzip: \(gzip)")
            #expect(sweep.map { $0.stderrText.contains("sweep: p ") || $0.stderrText.contains("sweep: p:") } == true, "the FIFO is not named: \(Attack.describe(sweep))")
            #expect(Attack.names(tree.path("s")) == ["p"] && Attack.isFIFO(tree.path("s/p")))
        }
    }
}
