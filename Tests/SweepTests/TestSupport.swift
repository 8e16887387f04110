import Foundation
import Synchronization
import SystemPackage
import Testing

@testable import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Shared helpers for the SweepTests target: byte paths, temporary trees made with raw-byte names,
// running processes with raw-byte arguments, the peers used as oracles, and the built `sweep` binary.

// MARK: - Bytes

/// The UTF-8 bytes of `text`.
func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

/// `parts` joined by `/`.
func joinPath(_ parts: [UInt8]...) -> [UInt8] {
    var out: [UInt8] = []
    for part in parts where !part.isEmpty {
        if !out.isEmpty && out.last != UInt8(ascii: "/") { out.append(UInt8(ascii: "/")) }
        out += part
    }
    return out
}

/// A readable rendering of bytes for failure messages: printable ASCII as is, the rest as `\xNN`.
func describeBytes(_ bytes: [UInt8]) -> String {
    var out = ""
    for byte in bytes {
        switch byte {
        case 0x20..<0x7F where byte != UInt8(ascii: "\\"): out.unicodeScalars.append(Unicode.Scalar(byte))
        case UInt8(ascii: "\\"): out += "\\\\"
        case UInt8(ascii: "\n"): out += "\\n"
        case UInt8(ascii: "\r"): out += "\\r"
        default: out += "\\x" + String(byte, radix: 16).leftPadded(to: 2)
        }
    }
    return out
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// Splits `data` into records ended by `delimiter`; a last record without one is kept.
func splitRecords(_ data: [UInt8], delimiter: UInt8) -> [[UInt8]] {
    var records = data.split(separator: delimiter, omittingEmptySubsequences: false).map(Array.init)
    if data.last == delimiter || data.isEmpty { records.removeLast() }
    return records
}

/// Lower-case hex of `bytes`.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
}

// MARK: - Deterministic random data

/// SplitMix64: reproducible pseudo-random data, so a failing case can be rebuilt from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `count` pseudo-random bytes from `seed`.
func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    var out = [UInt8](repeating: 0, count: count)
    var index = 0
    while index < count {
        var word = generator.next()
        for _ in 0..<8 where index < count {
            out[index] = UInt8(truncatingIfNeeded: word)
            word >>= 8
            index += 1
        }
    }
    return out
}

// MARK: - System calls on byte paths

/// A failed system call in a test helper.
struct SystemCallError: Error, CustomStringConvertible {
    var call: String
    var path: [UInt8]
    var code: Int32
    var description: String { "\(call)(\(describeBytes(path))): \(String(cString: strerror(code)))" }
}

/// Calls `body` with `bytes` as a NUL-terminated C string.
func withCPath<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
    var cString = bytes.map { CChar(bitPattern: $0) }
    cString.append(0)
    return try cString.withUnsafeBufferPointer { try body($0.baseAddress!) }
}

private func check(_ result: Int32, _ call: String, _ path: [UInt8]) throws {
    if result != 0 { throw SystemCallError(call: call, path: path, code: errno) }
}

/// Creates (or truncates) the file at `path` with `content`.
func writeFile(_ path: [UInt8], _ content: [UInt8], mode: mode_t = 0o644) throws {
    let descriptor = withCPath(path) { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) }
    guard descriptor >= 0 else { throw SystemCallError(call: "open", path: path, code: errno) }
    defer { close(descriptor) }
    try writeAll(descriptor, content, path: path)
}

/// Appends `content` to the existing file at `path`.
func appendToFile(_ path: [UInt8], _ content: [UInt8]) throws {
    let descriptor = withCPath(path) { open($0, O_WRONLY | O_APPEND | O_CLOEXEC) }
    guard descriptor >= 0 else { throw SystemCallError(call: "open", path: path, code: errno) }
    defer { close(descriptor) }
    try writeAll(descriptor, content, path: path)
}

private func writeAll(_ descriptor: CInt, _ content: [UInt8], path: [UInt8]) throws {
    try content.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw SystemCallError(call: "write", path: path, code: errno)
            }
            offset += written
        }
    }
}

/// The whole content of the file at `path`.
func readFile(_ path: [UInt8]) throws -> [UInt8] {
    let descriptor = withCPath(path) { open($0, O_RDONLY | O_CLOEXEC) }
    guard descriptor >= 0 else { throw SystemCallError(call: "open", path: path, code: errno) }
    defer { close(descriptor) }
    return try readAll(descriptor, path: path)
}

private func readAll(_ descriptor: CInt, path: [UInt8]) throws -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            throw SystemCallError(call: "read", path: path, code: errno)
        }
        if count == 0 { return out }
        out += buffer[..<count]
    }
}

/// Creates the directory at `path` (its parent must exist).
func makeDirectory(_ path: [UInt8], mode: mode_t = 0o755) throws {
    try check(withCPath(path) { mkdir($0, mode) }, "mkdir", path)
}

/// Whether anything (even a dangling link) is at `path`.
func pathExists(_ path: [UInt8]) -> Bool {
    var info = stat()
    return withCPath(path) { lstat($0, &info) } == 0
}

/// The names in the directory at `path`, without `.` and `..`, in no particular order.
func directoryNames(_ path: [UInt8]) throws -> [[UInt8]] {
    guard let directory = withCPath(path, { opendir($0) }) else {
        throw SystemCallError(call: "opendir", path: path, code: errno)
    }
    defer { closedir(directory) }
    var names: [[UInt8]] = []
    while let entry = readdir(directory) {
        let name: [UInt8] = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            Array(raw.prefix(while: { $0 != 0 }))
        }
        if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
    }
    return names
}

/// Sets the modification (and access) time of `path`.
func setModificationTime(_ path: [UInt8], seconds: Int, nanoseconds: Int = 0) throws {
    var times = [timespec(tv_sec: seconds, tv_nsec: nanoseconds), timespec(tv_sec: seconds, tv_nsec: nanoseconds)]
    try check(withCPath(path) { utimensat(AT_FDCWD, $0, &times, 0) }, "utimensat", path)
}

/// `stat` of `path`, following links.
func statusOf(_ path: [UInt8]) throws -> stat {
    var info = stat()
    try check(withCPath(path) { stat($0, &info) }, "stat", path)
    return info
}

/// Whether the tests run as root, for whom permission bits do not stop reads.
var runningAsRoot: Bool { geteuid() == 0 }

// MARK: - Temporary trees

/// A temporary directory under /tmp, removed with everything in it when released.
/// Paths are bytes: names may be anything but `/` and NUL.
final class TempTree: Sendable {
    /// The absolute path of the directory (ASCII).
    let root: [UInt8]

    init(_ label: String = "tree") throws {
        var template = Array("/tmp/sweep-test-\(label)-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw SystemCallError(call: "mkdtemp", path: utf8(label), code: errno)
        }
        root = template.dropLast().map { UInt8(bitPattern: $0) }
    }

    deinit {
        // Children made unreadable by a test must be opened up again before they can be removed.
        var result = try? runProcess("rm", ["-rf", Arg(root)])
        if result?.status != .exited(0) || pathExists(root) {
            _ = try? runProcess("chmod", ["-R", "u+rwx", Arg(root)])
            result = try? runProcess("rm", ["-rf", Arg(root)])
        }
    }

    /// The root as text.
    var rootString: String { String(decoding: root, as: UTF8.self) }
    /// The root as a `FilePath`.
    var rootPath: FilePath { FilePath(bytes: root) }

    /// The absolute path of `relative`, or the root for an empty path.
    func path(_ relative: [UInt8]) -> [UInt8] { joinPath(root, relative) }
    func path(_ relative: String) -> [UInt8] { path(utf8(relative)) }

    /// Creates every missing directory along `relative`.
    func directory(_ relative: [UInt8]) throws {
        var current: [UInt8] = []
        for component in relative.split(separator: UInt8(ascii: "/")) {
            current = joinPath(current, Array(component))
            if !pathExists(path(current)) { try makeDirectory(path(current)) }
        }
    }
    func directory(_ relative: String) throws { try directory(utf8(relative)) }

    /// Creates the file `relative` (and its parent directories) with `content`; returns its absolute path.
    @discardableResult
    func file(_ relative: [UInt8], _ content: [UInt8] = []) throws -> [UInt8] {
        if let slash = relative.lastIndex(of: UInt8(ascii: "/")) { try directory(Array(relative[..<slash])) }
        try writeFile(path(relative), content)
        return path(relative)
    }
    @discardableResult
    func file(_ relative: String, _ content: [UInt8] = []) throws -> [UInt8] { try file(utf8(relative), content) }
    @discardableResult
    func file(_ relative: String, _ content: String) throws -> [UInt8] { try file(utf8(relative), utf8(content)) }

    /// Creates a symbolic link at `relative` pointing to `target` (as given, possibly relative).
    func symlink(_ relative: String, to target: String) throws {
        let link = path(relative)
        try check(withCPath(utf8(target)) { target in withCPath(link) { Glibc.symlink(target, $0) } }, "symlink", link)
    }

    /// Creates a FIFO at `relative`.
    @discardableResult
    func fifo(_ relative: String) throws -> [UInt8] {
        let fifo = path(relative)
        try check(withCPath(fifo) { mkfifo($0, 0o644) }, "mkfifo", fifo)
        return fifo
    }

    /// Creates `depth` nested directories named `name` under `relative`, returning the innermost (relative).
    func nested(_ relative: [UInt8], depth: Int, name: [UInt8] = utf8("d")) throws -> [UInt8] {
        var current = relative
        for _ in 0..<depth {
            current = joinPath(current, name)
            try makeDirectory(path(current))
        }
        return current
    }

    /// Makes the tree traversable by other users (mkdtemp makes it 0700), for tests that drop privileges.
    func openToEveryone() throws {
        try check(withCPath(root) { chmod($0, 0o755) }, "chmod", root)
    }
}

// MARK: - Processes

/// One argument of a process: raw bytes, so paths that are not UTF-8 pass unchanged.
struct Arg: ExpressibleByStringLiteral, ExpressibleByStringInterpolation, Sendable {
    var bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(_ text: String) { bytes = utf8(text) }
    init(stringLiteral value: String) { bytes = utf8(value) }
}

/// How a process ended.
enum Termination: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signalled(let signal): "signal \(signal)"
        }
    }
}

/// What a finished process printed and how it ended.
struct ProcessOutput: Sendable, CustomStringConvertible {
    var status: Termination
    var stdout: [UInt8]
    var stderr: [UInt8]

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    var description: String {
        "\(status); stdout: \(describeBytes(Array(stdout.prefix(2000)))); stderr: \(describeBytes(Array(stderr.prefix(2000))))"
    }
}

/// Where a process's standard input comes from.
enum StandardInput: Sendable {
    /// `/dev/null`.
    case null
    /// These bytes, from a regular (unlinked temporary) file.
    case bytes([UInt8])
    /// The file at this path.
    case file([UInt8])
    /// A pipe whose write end the caller holds (``ChildProcess/stdinWriter``).
    case pipe
}

/// A spawned process whose output goes to unlinked temporary files (no pipes to drain, no deadlock).
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    private let stdoutDescriptor: CInt?
    private let stderrDescriptor: CInt
    /// The write end of the stdin pipe, with ``StandardInput/pipe``; close it with ``closeStdin()``.
    private(set) var stdinWriter: CInt?
    private var finished: ProcessOutput?

    fileprivate init(pid: pid_t, stdout: CInt?, stderr: CInt, stdinWriter: CInt?) {
        self.pid = pid
        stdoutDescriptor = stdout
        stderrDescriptor = stderr
        self.stdinWriter = stdinWriter
    }

    deinit {
        if finished == nil {
            kill(pid, SIGKILL)
            _ = wait()
        }
        closeStdin()
    }

    func closeStdin() {
        if let writer = stdinWriter { close(writer) }
        stdinWriter = nil
    }

    func signal(_ number: Int32) { kill(pid, number) }

    /// Whether the process has exited (reaping it if so).
    func poll() -> Bool {
        if finished != nil { return true }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return false }
        finished = collect(status)
        return true
    }

    /// Waits for the process to exit and returns its output.
    @discardableResult
    func wait() -> ProcessOutput {
        if let finished { return finished }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = collect(status)
        finished = output
        return output
    }

    /// Waits at most `seconds`; kills the process and returns nil if it is still running then.
    func wait(atMost seconds: Double) -> ProcessOutput? {
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            if poll() { return finished }
            usleep(2_000)
        }
        if poll() { return finished }
        kill(pid, SIGKILL)
        wait()
        return nil
    }

    private func collect(_ status: Int32) -> ProcessOutput {
        let termination: Termination = status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signalled(status & 0x7F)
        let stdout = stdoutDescriptor.map(Self.drain) ?? []
        let stderr = Self.drain(stderrDescriptor)
        return ProcessOutput(status: termination, stdout: stdout, stderr: stderr)
    }

    private static func drain(_ descriptor: CInt) -> [UInt8] {
        defer { close(descriptor) }
        lseek(descriptor, 0, SEEK_SET)
        return (try? readAll(descriptor, path: utf8("<output>"))) ?? []
    }
}

/// Seconds on the monotonic clock (for bounded waits only, never for assertions).
func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// An unlinked temporary file, close-on-exec from the start (another test may be spawning at the same time).
private func anonymousFile() throws -> CInt {
    let counter = anonymousFileCounter.add(1, ordering: .relaxed).newValue
    while true {
        let name = utf8("/tmp/.sweep-test-io-\(getpid())-\(counter)-\(UInt64.random(in: 0...UInt64.max))")
        let descriptor = withCPath(name) { open($0, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
        if descriptor < 0 && errno == EEXIST { continue }
        guard descriptor >= 0 else { throw SystemCallError(call: "open", path: name, code: errno) }
        withCPath(name) { _ = unlink($0) }
        return descriptor
    }
}

private let anonymousFileCounter = Atomic<Int>(0)

/// glibc functions that Swift's Glibc module does not import (they need _GNU_SOURCE).
private enum GNU {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<CInt>, CInt) -> CInt
    typealias AddChdir = @convention(c) (UnsafeMutableRawPointer, UnsafePointer<CChar>) -> CInt

    static let pipe2: Pipe2 = unsafeBitCast(dlsym(dlopen(nil, RTLD_NOW), "pipe2")!, to: Pipe2.self)
    static let addChdir: AddChdir = unsafeBitCast(dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np")!, to: AddChdir.self)
}

/// `paths` as NUL-terminated records, as `find -print0` writes them.
func nulTerminated(_ paths: [[UInt8]]) -> [UInt8] {
    var out: [UInt8] = []
    for path in paths {
        out += path
        out.append(0)
    }
    return out
}

/// Starts `executable` (looked up in PATH unless it contains `/`) with raw-byte `arguments`.
/// The environment is the test's with `LC_ALL=C`, so every tool prints the C library's English messages.
/// `stdoutFile`, when given, receives standard output instead of a captured temporary.
func spawnProcess(
    _ executable: String, _ arguments: [Arg], directory: [UInt8]? = nil, stdin: StandardInput = .null,
    stdoutFile: [UInt8]? = nil
) throws -> ChildProcess {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }

    // Children start with default signal handling and nothing blocked, whatever the test runner set.
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for number in [SIGINT, SIGTERM, SIGPIPE, SIGCHLD, SIGQUIT, SIGHUP] { sigaddset(&defaults, number) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    if let directory {
        withCPath(directory) { path in _ = withUnsafeMutablePointer(to: &actions) { GNU.addChdir(UnsafeMutableRawPointer($0), path) } }
    }

    var toClose: [CInt] = []
    defer { for descriptor in toClose { close(descriptor) } }
    var stdinWriter: CInt?
    switch stdin {
    case .null:
        _ = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    case .bytes(let content):
        let descriptor = try anonymousFile()
        toClose.append(descriptor)
        try writeAll(descriptor, content, path: utf8("<stdin>"))
        lseek(descriptor, 0, SEEK_SET)
        posix_spawn_file_actions_adddup2(&actions, descriptor, 0)
    case .file(let path):
        let descriptor = withCPath(path) { open($0, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw SystemCallError(call: "open", path: path, code: errno) }
        toClose.append(descriptor)
        posix_spawn_file_actions_adddup2(&actions, descriptor, 0)
    case .pipe:
        var ends: [CInt] = [0, 0]
        guard GNU.pipe2(&ends, O_CLOEXEC) == 0 else { throw SystemCallError(call: "pipe2", path: [], code: errno) }
        toClose.append(ends[0])
        stdinWriter = ends[1]
        posix_spawn_file_actions_adddup2(&actions, ends[0], 0)
    }

    var stdoutDescriptor: CInt?
    if let stdoutFile {
        let descriptor = withCPath(stdoutFile) { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { throw SystemCallError(call: "open", path: stdoutFile, code: errno) }
        toClose.append(descriptor)
        posix_spawn_file_actions_adddup2(&actions, descriptor, 1)
    } else {
        let descriptor = try anonymousFile()
        stdoutDescriptor = descriptor
        posix_spawn_file_actions_adddup2(&actions, descriptor, 1)
    }
    let stderrDescriptor = try anonymousFile()
    posix_spawn_file_actions_adddup2(&actions, stderrDescriptor, 2)

    let argv = ([Arg(executable)] + arguments).map { argument -> UnsafeMutablePointer<CChar>? in
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: argument.bytes.count + 1)
        for (index, byte) in argument.bytes.enumerated() { pointer[index] = CChar(bitPattern: byte) }
        pointer[argument.bytes.count] = 0
        return pointer
    } + [nil]
    defer { for pointer in argv { pointer?.deallocate() } }

    var environment = ProcessInfo.processInfo.environment
    environment["LC_ALL"] = "C"
    environment["LANG"] = "C"
    environment["LANGUAGE"] = nil
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in envp { free(pointer) } }

    var pid: pid_t = 0
    let result = executable.contains("/")
        ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
    guard result == 0 else {
        if let stdoutDescriptor { close(stdoutDescriptor) }
        close(stderrDescriptor)
        if let stdinWriter { close(stdinWriter) }
        throw SystemCallError(call: "posix_spawn", path: utf8(executable), code: result)
    }
    return ChildProcess(pid: pid, stdout: stdoutDescriptor, stderr: stderrDescriptor, stdinWriter: stdinWriter)
}

/// Runs `executable` to completion (see ``spawnProcess(_:_:directory:stdin:stdoutFile:)``).
@discardableResult
func runProcess(
    _ executable: String, _ arguments: [Arg], directory: [UInt8]? = nil, stdin: StandardInput = .null,
    stdoutFile: [UInt8]? = nil
) throws -> ProcessOutput {
    try spawnProcess(executable, arguments, directory: directory, stdin: stdin, stdoutFile: stdoutFile).wait()
}

// MARK: - The sweep binary

/// The `sweep` executable built beside the test bundle (`swift build --build-tests` builds both),
/// or else `.build/debug/sweep` found from this file's path.
let sweepExecutable: String = {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if length > 0 {
        let exe = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let candidate = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("sweep").path
        if access(candidate, X_OK) == 0 { return candidate }
    }
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return packageRoot.appendingPathComponent(".build/debug/sweep").path
}()

/// Runs `sweep` with `arguments`.
@discardableResult
func runSweep(
    _ arguments: [Arg], directory: [UInt8]? = nil, stdin: StandardInput = .null, stdoutFile: [UInt8]? = nil
) throws -> ProcessOutput {
    try runProcess(sweepExecutable, arguments, directory: directory, stdin: stdin, stdoutFile: stdoutFile)
}

// MARK: - Oracles: the peers

enum Oracle {
    /// The real python3 interpreter (resolved once: the pyenv shim costs a shell per call).
    static let python: String = {
        if let output = try? runProcess("python3", ["-c", "import sys; sys.stdout.write(sys.executable)"]),
           output.status == .exited(0), !output.stdout.isEmpty {
            return output.stdoutText
        }
        return "python3"
    }()

    /// Runs a python3 script with `input` on standard input.
    static func runPython(_ script: String, input: [UInt8] = [], arguments: [Arg] = []) throws -> ProcessOutput {
        let output = try runProcess(python, ["-c", Arg(script)] + arguments, stdin: .bytes(input))
        guard output.status == .exited(0) else { throw OracleError(tool: "python3", output: output) }
        return output
    }

    /// The coreutils tool for `algorithm`, or nil for CRC-32, which coreutils 9.1 lacks.
    static func tool(_ algorithm: DigestAlgorithm) -> String? {
        algorithm == .crc32 ? nil : "\(algorithm.rawValue)sum"
    }

    /// The hex digest of each file in `paths` (absolute, or relative to `directory`), in order:
    /// coreutils for the SHA family and MD5, python's `zlib.crc32` for CRC-32.
    static func hexDigests(_ algorithm: DigestAlgorithm, of paths: [[UInt8]], directory: [UInt8]? = nil) throws -> [String] {
        guard !paths.isEmpty else { return [] }
        guard let tool = tool(algorithm) else {
            let resolved = paths.map { path in
                if let directory, path.first != UInt8(ascii: "/") { return joinPath(directory, path) }
                return path
            }
            return try crc32(of: resolved)
        }
        // -z: NUL-terminated and never escaped, so each record is `HEX  NAME`.
        let output = try runProcess(tool, ["-z", "--"] + paths.map(Arg.init), directory: directory)
        guard output.status == .exited(0) else { throw OracleError(tool: tool, output: output) }
        let records = splitRecords(output.stdout, delimiter: 0)
        guard records.count == paths.count else { throw OracleError(tool: tool, output: output) }
        return records.map { String(decoding: $0.prefix(while: { $0 != UInt8(ascii: " ") }), as: UTF8.self) }
    }

    /// python3's `zlib.crc32` of each file, as 8 lower-case hex digits.
    static func crc32(of paths: [[UInt8]]) throws -> [String] {
        let script = """
            import sys, zlib
            for p in sys.stdin.buffer.read().split(b'\\0')[:-1]:
                with open(p, 'rb') as f:
                    print('%08x' % (zlib.crc32(f.read()) & 0xffffffff))
            """
        let input = nulTerminated(paths)
        return try runPython(script, input: input).stdoutText.split(separator: "\n").map(String.init)
    }

    /// python3's `hashlib` digest of each file.
    static func hashlib(_ name: String, of paths: [[UInt8]]) throws -> [String] {
        let script = """
            import sys, hashlib
            for p in sys.stdin.buffer.read().split(b'\\0')[:-1]:
                with open(p, 'rb') as f:
                    print(hashlib.new(sys.argv[1], f.read()).hexdigest())
            """
        return try runPython(script, input: nulTerminated(paths), arguments: [Arg(name)])
            .stdoutText.split(separator: "\n").map(String.init)
    }

    /// `wc -l` of each file (in order) and the total, via `wc -l --files0-from=-`.
    static func lineCounts(of paths: [[UInt8]], directory: [UInt8]? = nil) throws -> (counts: [UInt64], total: UInt64) {
        guard !paths.isEmpty else { return ([], 0) }
        let output = try runProcess("wc", ["-l", "--files0-from=-"], directory: directory, stdin: .bytes(nulTerminated(paths)))
        guard output.status == .exited(0) else { throw OracleError(tool: "wc", output: output) }
        // Names with LF are shell-quoted by wc 9.1, so each line starts with the count.
        let counts = output.stdoutText.split(separator: "\n").map { line in
            UInt64(line.drop(while: { $0 == " " }).prefix(while: { $0.isNumber }))!
        }
        if paths.count == 1 { return (counts, counts[0]) }
        guard counts.count == paths.count + 1 else { throw OracleError(tool: "wc", output: output) }
        return (Array(counts.dropLast()), counts.last!)
    }
}

struct OracleError: Error, CustomStringConvertible {
    var tool: String
    var output: ProcessOutput
    var description: String { "\(tool) failed: \(output)" }
}

// MARK: - Walking

/// One walk event with its path as bytes, comparable in `#expect`.
enum Seen: Equatable, CustomStringConvertible {
    case file([UInt8])
    case failure([UInt8], FileError.Reason)
    case skipped([UInt8], SkipReason)

    init(_ event: WalkEvent) {
        switch event {
        case .file(let entry): self = .file(entry.path.bytes)
        case .failure(let error): self = .failure(error.path.bytes, error.reason)
        case .skipped(let path, let reason): self = .skipped(path.bytes, reason)
        }
    }

    var path: [UInt8] {
        switch self {
        case .file(let path), .failure(let path, _), .skipped(let path, _): path
        }
    }

    var description: String {
        switch self {
        case .file(let path): "file(\(describeBytes(path)))"
        case .failure(let path, let reason): "failure(\(describeBytes(path)), \(reason))"
        case .skipped(let path, let reason): "skipped(\(describeBytes(path)), \(reason))"
        }
    }
}

/// Every event of a walk.
func walkEvents(_ walker: Walker) async -> [WalkEvent] {
    var events: [WalkEvent] = []
    for await event in walker.events() { events.append(event) }
    return events
}

/// Every event of walking `roots` with `options`, as ``Seen``.
func walk(_ roots: [[UInt8]], _ options: WalkOptions = WalkOptions()) async -> [Seen] {
    await walkEvents(Walker(roots: roots.map { FilePath(bytes: $0) }, options: options)).map(Seen.init)
}

/// The file paths of a walk of `roots`, in walk order.
func walkedFiles(_ roots: [[UInt8]], _ options: WalkOptions = WalkOptions()) async -> [[UInt8]] {
    await walk(roots, options).compactMap { if case .file(let path) = $0 { path } else { nil } }
}

// MARK: - Concurrency helpers

/// A thread-safe value.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: LockedValue<Value>
    init(_ value: Value) { mutex = LockedValue(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}

/// A thread-safe counter that remembers the highest value it reached.
final class PeakCounter: Sendable {
    private let state = LockedValue<(current: Int, peak: Int)>((0, 0))
    @discardableResult
    func increment() -> Int {
        state.withLock { state in
            state.current += 1
            state.peak = max(state.peak, state.current)
            return state.current
        }
    }
    func decrement() { state.withLock { $0.current -= 1 } }
    var current: Int { state.withLock { $0.current } }
    var peak: Int { state.withLock { $0.peak } }
}

/// Polls `condition` from a blocking thread (never the cooperative pool) until it holds or `seconds` pass.
func blockUntil(atMost seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = monotonicSeconds() + seconds
    while !condition() {
        if monotonicSeconds() > deadline { return false }
        usleep(1_000)
    }
    return true
}

/// Polls `condition` from async code until it holds or `seconds` pass.
func eventually(atMost seconds: Double, _ condition: () -> Bool) async -> Bool {
    let deadline = monotonicSeconds() + seconds
    while !condition() {
        if monotonicSeconds() > deadline { return false }
        try? await Task.sleep(nanoseconds: 2_000_000)
    }
    return true
}
