import SystemPackage

extension FilePath {
    /// A path from its raw bytes, which need not be UTF-8 (Linux paths are bytes).
    ///
    /// ```swift
    /// let path = FilePath(bytes: [0x66, 0xff]) // "f" followed by the byte 0xFF
    /// ```
    public init(bytes: some Collection<UInt8>) {
        let count = bytes.count
        let terminated = [CChar](unsafeUninitializedCapacity: count + 1) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            _ = raw.initializeMemory(as: UInt8.self, from: bytes)
            buffer[count] = 0
            initialized = count + 1
        }
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
