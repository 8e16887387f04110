import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Processes with raw-byte arguments and captured output, and the built `sweep` binary.

// MARK: - Processes

/// One argument of a process: raw bytes, so paths that are not UTF-8 pass unchanged.
package struct Arg: ExpressibleByStringLiteral, ExpressibleByStringInterpolation, Sendable {
    package var bytes: [UInt8]
    package init(_ bytes: [UInt8]) { self.bytes = bytes }
    package init(_ text: String) { bytes = utf8(text) }
    package init(stringLiteral value: String) { bytes = utf8(value) }
}

/// How a process ended.
package enum Termination: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    package var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signalled(let signal): "signal \(signal)"
        }
    }
}

/// What a finished process printed and how it ended.
package struct ProcessOutput: Sendable, CustomStringConvertible {
    package var status: Termination
    package var stdout: [UInt8]
    package var stderr: [UInt8]
    package init(status: Termination, stdout: [UInt8], stderr: [UInt8]) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    package var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    package var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    package var description: String {
        "\(status); stdout: \(describeBytes(Array(stdout.prefix(2000)))); stderr: \(describeBytes(Array(stderr.prefix(2000))))"
    }
}

/// Where a process's standard input comes from.
package enum StandardInput: Sendable {
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
package final class ChildProcess: @unchecked Sendable {
    package let pid: pid_t
    private let stdoutDescriptor: CInt?
    private let stderrDescriptor: CInt
    /// The write end of the stdin pipe, with ``StandardInput/pipe``; close it with ``closeStdin()``.
    package private(set) var stdinWriter: CInt?
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

    package func closeStdin() {
        if let writer = stdinWriter { close(writer) }
        stdinWriter = nil
    }

    package func signal(_ number: Int32) { kill(pid, number) }

    /// Whether the process has exited (reaping it if so).
    package func poll() -> Bool {
        if finished != nil { return true }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return false }
        finished = collect(status)
        return true
    }

    /// Waits for the process to exit and returns its output.
    @discardableResult
    package func wait() -> ProcessOutput {
        if let finished { return finished }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = collect(status)
        finished = output
        return output
    }

    /// Waits at most `seconds`; kills the process and returns nil if it is still running then.
    package func wait(atMost seconds: Double) -> ProcessOutput? {
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
package func nulTerminated(_ paths: [[UInt8]]) -> [UInt8] {
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
/// `traced`: the process (or the one it runs) will be under ptrace (strace), where LeakSanitizer
/// cannot run and would fail the exit of an AddressSanitizer build; its leak check is turned off
/// (nothing changes for a build without the sanitizer).
package func spawnProcess(
    _ executable: String, _ arguments: [Arg], directory: [UInt8]? = nil, stdin: StandardInput = .null,
    stdoutFile: [UInt8]? = nil, traced: Bool = false
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
    if traced {
        environment["ASAN_OPTIONS"] = [environment["ASAN_OPTIONS"], "detect_leaks=0"].compactMap { $0 }.joined(separator: ":")
    }
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
package func runProcess(
    _ executable: String, _ arguments: [Arg], directory: [UInt8]? = nil, stdin: StandardInput = .null,
    stdoutFile: [UInt8]? = nil
) throws -> ProcessOutput {
    try spawnProcess(executable, arguments, directory: directory, stdin: stdin, stdoutFile: stdoutFile).wait()
}

// MARK: - The sweep binary

/// The root of the sweep package: the nearest folder above this source file that holds
/// `Package.swift` (found by walking up, so it does not depend on how deep this file sits).
package let packageRoot: String = {
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while directory.path != "/" {
        if access(directory.appendingPathComponent("Package.swift").path, F_OK) == 0 { return directory.path }
        directory = directory.deletingLastPathComponent()
    }
    // Tests/SweepTestSupport/FILE.swift: two folders down from the root.
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}()

/// The `sweep` executable built beside the test bundle (`swift build --build-tests` builds both,
/// whatever `--scratch-path` says), or else the newest `debug/sweep` under the package root's
/// `.build` or `.build-*` / `.build_*` scratch folders.
package let sweepExecutable: String = {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if length > 0 {
        let exe = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let candidate = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("sweep").path
        if access(candidate, X_OK) == 0 { return candidate }
    }
    let root = URL(fileURLWithPath: packageRoot)
    let scratchFolders = ((try? FileManager.default.contentsOfDirectory(atPath: packageRoot)) ?? [])
        .filter { $0 == ".build" || $0.hasPrefix(".build-") || $0.hasPrefix(".build_") }
    let candidates = scratchFolders.map { root.appendingPathComponent($0).appendingPathComponent("debug/sweep").path }
        .filter { access($0, X_OK) == 0 }
    func modified(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mtim.tv_sec : 0
    }
    return candidates.max { modified($0) < modified($1) } ?? root.appendingPathComponent(".build/debug/sweep").path
}()

/// Runs `sweep` with `arguments`.
@discardableResult
package func runSweep(
    _ arguments: [Arg], directory: [UInt8]? = nil, stdin: StandardInput = .null, stdoutFile: [UInt8]? = nil
) throws -> ProcessOutput {
    try runProcess(sweepExecutable, arguments, directory: directory, stdin: stdin, stdoutFile: stdoutFile)
}

// MARK: - Waiting off the cooperative pool

/// Runs blocking `work` (a child process run to its end) on a thread of its own and awaits it, so
/// that the waiting test holds none of the cooperative pool's threads: on a two-core machine there
/// are two, and every async test, every time limit and the test runner's own reporting need them.
package func awaitOffPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}

/// ``runProcess(_:_:directory:stdin:stdoutFile:)``, awaited off the cooperative pool.
@discardableResult
package func runProcessAsync(
    _ executable: String, _ arguments: [Arg], directory: [UInt8]? = nil, stdin: StandardInput = .null,
    stdoutFile: [UInt8]? = nil
) async throws -> ProcessOutput {
    try await awaitOffPool { try runProcess(executable, arguments, directory: directory, stdin: stdin, stdoutFile: stdoutFile) }
}

/// ``runSweep(_:directory:stdin:stdoutFile:)``, awaited off the cooperative pool.
@discardableResult
package func runSweepAsync(
    _ arguments: [Arg], directory: [UInt8]? = nil, stdin: StandardInput = .null, stdoutFile: [UInt8]? = nil
) async throws -> ProcessOutput {
    try await runProcessAsync(sweepExecutable, arguments, directory: directory, stdin: stdin, stdoutFile: stdoutFile)
}
