#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A shell wildcard pattern (`*.log`, `app-?/**`, `[0-9]*`), matched by the C library's `fnmatch`.
///
/// Patterns and names are bytes, so a pattern can match names that are not UTF-8.
///
/// ```swift
/// let glob = Glob("*.log")
/// glob.matches(Array("app.log".utf8)) // true
/// ```
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    private let pattern: [CChar]

    /// A glob of `pattern`'s UTF-8 bytes.
    public init(_ pattern: String) {
        self.init(bytes: Array(pattern.utf8))
    }

    /// A glob of raw pattern bytes.
    public init(bytes: [UInt8]) {
        pattern = bytes.map { CChar(bitPattern: $0) } + [0]
    }

    /// Whether `name` matches. `*` and `?` also match `/`, so `*.log` matches `a/b.log` too.
    public func matches(_ name: some Collection<UInt8>) -> Bool {
        var terminated = [CChar]()
        terminated.reserveCapacity(name.count + 1)
        for byte in name { terminated.append(CChar(bitPattern: byte)) }
        terminated.append(0)
        return fnmatch(pattern, terminated, 0) == 0
    }

    public var description: String {
        String(decoding: pattern.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
