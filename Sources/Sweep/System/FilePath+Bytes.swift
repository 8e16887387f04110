import SystemPackage

extension FilePath {
    /// A path from its raw bytes, which need not be UTF-8 (Linux paths are bytes).
    ///
    /// ```swift
    /// let path = FilePath(bytes: [0x66, 0xff]) // "f" followed by the byte 0xFF
    /// ```
    public init(bytes: some Collection<UInt8>) {
        let count = bytes.count
        // The C string is only read by FilePath, which copies it: a temporary buffer (on the stack
        // when small) spares an allocation per path.
        self = withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            // One memcpy for contiguous bytes (the usual case): a name of megabytes is copied at
            // memory speed even in a debug build.
            let copied: Void? = bytes.withContiguousStorageIfAvailable { source in
                raw.copyMemory(from: UnsafeRawBufferPointer(source))
            }
            if copied == nil { _ = UnsafeMutableRawBufferPointer(rebasing: raw[..<count]).initializeMemory(as: UInt8.self, from: bytes) }
            buffer[count] = 0
            return FilePath(platformString: buffer.baseAddress!)
        }
    }

    /// `parent/name` from raw bytes, the `/` added unless `parent` ends with one: the walk's path for
    /// each entry, built in one buffer rather than by appending to a copy of the parent.
    package init(joining parent: [UInt8], _ name: some Collection<UInt8>) {
        let separator = parent.last == UInt8(ascii: "/") ? 0 : 1
        let count = parent.count + separator + name.count
        self = withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            parent.withUnsafeBytes { raw.copyMemory(from: $0) }
            if separator == 1 { raw[parent.count] = UInt8(ascii: "/") }
            let tail = UnsafeMutableRawBufferPointer(rebasing: raw[(parent.count + separator)..<count])
            let copied: Void? = name.withContiguousStorageIfAvailable { tail.copyMemory(from: UnsafeRawBufferPointer($0)) }
            if copied == nil { _ = tail.initializeMemory(as: UInt8.self, from: name) }
            buffer[count] = 0
            return FilePath(platformString: buffer.baseAddress!)
        }
    }

    /// The path's raw bytes, exactly as the operating system sees them.
    public var bytes: [UInt8] {
        withPlatformString { cString in
            let length = strlen(cString)
            return cString.withMemoryRebound(to: UInt8.self, capacity: length) {
                Array(UnsafeBufferPointer(start: $0, count: length))
            }
        }
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
