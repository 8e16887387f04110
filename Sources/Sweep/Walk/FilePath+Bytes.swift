import SystemPackage

extension FilePath {
    /// A path from its raw bytes, which need not be UTF-8 (Linux paths are bytes).
    ///
    /// ```swift
    /// let path = FilePath(bytes: [0x66, 0xff]) // "f" followed by the byte 0xFF
    /// ```
    public init(bytes: some Collection<UInt8>) {
        var terminated = [CChar]()
        terminated.reserveCapacity(bytes.count + 1)
        for byte in bytes { terminated.append(CChar(bitPattern: byte)) }
        terminated.append(0)
        self = terminated.withUnsafeBufferPointer { FilePath(platformString: $0.baseAddress!) }
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

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
