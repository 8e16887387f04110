import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Files and temporary trees on byte paths: system calls without String conversions, so names may be anything but `/` and NUL.

// MARK: - System calls on byte paths

/// A failed system call in a test helper.
package struct SystemCallError: Error, CustomStringConvertible {
    package var call: String
    package var path: [UInt8]
    package var code: Int32
    package init(call: String, path: [UInt8], code: Int32) {
        self.call = call
        self.path = path
        self.code = code
    }
    package var description: String { "\(call)(\(describeBytes(path))): \(String(cString: strerror(code)))" }
}

/// Calls `body` with `bytes` as a NUL-terminated C string.
package func withCPath<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
    var cString = bytes.map { CChar(bitPattern: $0) }
    cString.append(0)
    return try cString.withUnsafeBufferPointer { try body($0.baseAddress!) }
}

func check(_ result: Int32, _ call: String, _ path: [UInt8]) throws {
    if result != 0 { throw SystemCallError(call: call, path: path, code: errno) }
}

/// Creates (or truncates) the file at `path` with `content`.
package func writeFile(_ path: [UInt8], _ content: [UInt8], mode: mode_t = 0o644) throws {
    let descriptor = withCPath(path) { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) }
    guard descriptor >= 0 else { throw SystemCallError(call: "open", path: path, code: errno) }
    defer { close(descriptor) }
    try writeAll(descriptor, content, path: path)
}

/// Appends `content` to the existing file at `path`.
package func appendToFile(_ path: [UInt8], _ content: [UInt8]) throws {
    let descriptor = withCPath(path) { open($0, O_WRONLY | O_APPEND | O_CLOEXEC) }
    guard descriptor >= 0 else { throw SystemCallError(call: "open", path: path, code: errno) }
    defer { close(descriptor) }
    try writeAll(descriptor, content, path: path)
}

func writeAll(_ descriptor: CInt, _ content: [UInt8], path: [UInt8]) throws {
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
package func readFile(_ path: [UInt8]) throws -> [UInt8] {
    let descriptor = withCPath(path) { open($0, O_RDONLY | O_CLOEXEC) }
    guard descriptor >= 0 else { throw SystemCallError(call: "open", path: path, code: errno) }
    defer { close(descriptor) }
    return try readAll(descriptor, path: path)
}

func readAll(_ descriptor: CInt, path: [UInt8]) throws -> [UInt8] {
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
package func makeDirectory(_ path: [UInt8], mode: mode_t = 0o755) throws {
    try check(withCPath(path) { mkdir($0, mode) }, "mkdir", path)
}

/// Whether anything (even a dangling link) is at `path`.
package func pathExists(_ path: [UInt8]) -> Bool {
    var info = stat()
    return withCPath(path) { lstat($0, &info) } == 0
}

/// The names in the directory at `path`, without `.` and `..`, in no particular order.
package func directoryNames(_ path: [UInt8]) throws -> [[UInt8]] {
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
package func setModificationTime(_ path: [UInt8], seconds: Int, nanoseconds: Int = 0) throws {
    var times = [timespec(tv_sec: seconds, tv_nsec: nanoseconds), timespec(tv_sec: seconds, tv_nsec: nanoseconds)]
    try check(withCPath(path) { utimensat(AT_FDCWD, $0, &times, 0) }, "utimensat", path)
}

/// `stat` of `path`, following links.
package func statusOf(_ path: [UInt8]) throws -> stat {
    var info = stat()
    try check(withCPath(path) { stat($0, &info) }, "stat", path)
    return info
}

/// Whether the tests run as root, for whom permission bits do not stop reads.
package var runningAsRoot: Bool { geteuid() == 0 }

// MARK: - Temporary trees

/// A temporary directory under /tmp, removed with everything in it when released.
/// Paths are bytes: names may be anything but `/` and NUL.
package final class TempTree: Sendable {
    /// The absolute path of the directory (ASCII).
    package let root: [UInt8]

    package init(_ label: String = "tree") throws {
        var template = Array("/tmp/sweep-test-\(label)-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw SystemCallError(call: "mkdtemp", path: utf8(label), code: errno)
        }
        root = template.dropLast().map { UInt8(bitPattern: $0) }
    }

    deinit {
        // Tests keep outputs beside the tree (`root-NAME`, outside it so no walk lists them); the
        // root's random suffix makes that prefix the tree's own, so they go with it.
        let doomed = [Arg(root)] + Self.siblings(of: root).map(Arg.init)
        // Children made unreadable by a test must be opened up again before they can be removed.
        var result = try? runProcess("rm", ["-rf"] + doomed)
        if result?.status != .exited(0) || pathExists(root) {
            _ = try? runProcess("chmod", ["-R", "u+rwx"] + doomed)
            result = try? runProcess("rm", ["-rf"] + doomed)
        }
    }

    /// The paths `root-…` next to `root`.
    private static func siblings(of root: [UInt8]) -> [[UInt8]] {
        guard let slash = root.lastIndex(of: UInt8(ascii: "/")) else { return [] }
        let parent = Array(root[..<slash])
        let prefix = Array(root[(slash + 1)...]) + [UInt8(ascii: "-")]
        guard let names = try? directoryNames(parent) else { return [] }
        return names.filter { $0.starts(with: prefix) }.map { joinPath(parent, $0) }
    }

    /// The root as text.
    package var rootString: String { String(decoding: root, as: UTF8.self) }
    /// The root as a `FilePath`.
    package var rootPath: FilePath { FilePath(bytes: root) }

    /// The absolute path of `relative`, or the root for an empty path.
    package func path(_ relative: [UInt8]) -> [UInt8] { joinPath(root, relative) }
    package func path(_ relative: String) -> [UInt8] { path(utf8(relative)) }

    /// Creates every missing directory along `relative`.
    package func directory(_ relative: [UInt8]) throws {
        var current: [UInt8] = []
        for component in relative.split(separator: UInt8(ascii: "/")) {
            current = joinPath(current, Array(component))
            if !pathExists(path(current)) { try makeDirectory(path(current)) }
        }
    }
    package func directory(_ relative: String) throws { try directory(utf8(relative)) }

    /// Creates the file `relative` (and its parent directories) with `content`; returns its absolute path.
    @discardableResult
    package func file(_ relative: [UInt8], _ content: [UInt8] = []) throws -> [UInt8] {
        if let slash = relative.lastIndex(of: UInt8(ascii: "/")) { try directory(Array(relative[..<slash])) }
        try writeFile(path(relative), content)
        return path(relative)
    }
    @discardableResult
    package func file(_ relative: String, _ content: [UInt8] = []) throws -> [UInt8] { try file(utf8(relative), content) }
    @discardableResult
    package func file(_ relative: String, _ content: String) throws -> [UInt8] { try file(utf8(relative), utf8(content)) }

    /// Creates a symbolic link at `relative` pointing to `target` (as given, possibly relative).
    package func symlink(_ relative: String, to target: String) throws {
        let link = path(relative)
        try check(withCPath(utf8(target)) { target in withCPath(link) { Glibc.symlink(target, $0) } }, "symlink", link)
    }

    /// Creates a FIFO at `relative`.
    @discardableResult
    package func fifo(_ relative: String) throws -> [UInt8] {
        let fifo = path(relative)
        try check(withCPath(fifo) { mkfifo($0, 0o644) }, "mkfifo", fifo)
        return fifo
    }

    /// Creates `depth` nested directories named `name` under `relative`, returning the innermost (relative).
    package func nested(_ relative: [UInt8], depth: Int, name: [UInt8] = utf8("d")) throws -> [UInt8] {
        var current = relative
        for _ in 0..<depth {
            current = joinPath(current, name)
            try makeDirectory(path(current))
        }
        return current
    }

    /// Makes the tree traversable by other users (mkdtemp makes it 0700), for tests that drop privileges.
    package func openToEveryone() throws {
        try check(withCPath(root) { chmod($0, 0o755) }, "chmod", root)
    }
}
