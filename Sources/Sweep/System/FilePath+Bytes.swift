import SystemPackage

extension FilePath {
    /// A path from its raw bytes, which need not be UTF-8 (Linux paths are bytes).
    ///
    /// ```swift
    /// let path = FilePath(bytes: [0x66, 0xff]) // "f" followed by the byte 0xFF
    /// ```
    public init(bytes: some Collection<UInt8>) {
        self.init(cStringOfLength: bytes.count) { Self.copy(bytes, into: $0) }
    }

    /// `parent/name` from raw bytes, the `/` added unless `parent` ends with one: the walk's path for
    /// each entry, built in one buffer rather than by appending to a copy of the parent.
    package init(joining parent: [UInt8], _ name: some Collection<UInt8>) {
        let separator = parent.last == UInt8(ascii: "/") ? 0 : 1
        self.init(cStringOfLength: parent.count + separator + name.count) { raw in
            Self.copy(parent, into: raw)
            if separator == 1 { raw[parent.count] = UInt8(ascii: "/") }
            Self.copy(name, into: UnsafeMutableRawBufferPointer(rebasing: raw[(parent.count + separator)...]))
        }
    }

    /// A path of `count` bytes written by `fill`. The C string is only read by FilePath, which
    /// copies it: a temporary buffer (on the stack when small) spares an allocation per path.
    private init(cStringOfLength count: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Void) {
        self = withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            fill(UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[..<count]))
            buffer[count] = 0
            return FilePath(platformString: buffer.baseAddress!)
        }
    }

    /// Copies `bytes` to the start of `destination`: one memcpy for contiguous bytes (the usual
    /// case), so a name of megabytes is copied at memory speed even in a debug build.
    private static func copy(_ bytes: some Collection<UInt8>, into destination: UnsafeMutableRawBufferPointer) {
        let copied: Void? = bytes.withContiguousStorageIfAvailable { destination.copyMemory(from: UnsafeRawBufferPointer($0)) }
        if copied == nil { _ = destination.initializeMemory(as: UInt8.self, from: bytes) }
    }

    /// The path's raw bytes, exactly as the operating system sees them.
    public var bytes: [UInt8] {
        withBytes { Array($0) }
    }
}

extension FilePath {
    /// Calls `body` with the path's raw bytes where the path keeps them: what ``bytes`` gives,
    /// without an array per call (printing a line per file).
    ///
    /// ```swift
    /// FilePath("logs/a.log").withBytes { print($0.count) } // 10
    /// ```
    package func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try withPlatformString { cString in
            try cString.withMemoryRebound(to: UInt8.self, capacity: 1) {
                try body(UnsafeBufferPointer(start: $0, count: strlen(cString)))
            }
        }
    }
}

extension FilePath {
    /// Whether one of the path's components is longer than `NAME_MAX` (255 bytes), which no file
    /// system accepts: checked in place, without copying the path.
    package var hasOverlongComponent: Bool {
        withPlatformString { cString in
            var run = 0
            var pointer = cString
            while pointer.pointee != 0 {
                run = pointer.pointee == CChar(UInt8(ascii: "/")) ? 0 : run + 1
                if run > 255 { return true }
                pointer += 1
            }
            return false
        }
    }
}

extension Array where Element == UInt8 {
    /// Whether the bytes end with `suffix`.
    func hasSuffix(_ suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }

    /// The last path component, trailing slashes ignored.
    var baseName: [UInt8] {
        var end = endIndex
        while end > startIndex && self[end - 1] == UInt8(ascii: "/") { end -= 1 }
        let start = self[..<end].lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? startIndex
        return Array(self[start..<end])
    }

    /// Calls `body` with the bytes as a NUL-terminated C string.
    func withCString<Result>(_ body: (UnsafePointer<CChar>) -> Result) -> Result {
        (self + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
