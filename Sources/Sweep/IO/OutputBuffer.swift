import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writes of raw bytes to a file descriptor: names are printed byte-exactly, and output is
/// written in large blocks instead of a system call per line.
package struct OutputBuffer: ~Copyable {
    package let descriptor: CInt
    private var bytes: [UInt8] = []
    private let capacity: Int

    package init(descriptor: CInt, capacity: Int = 64 * 1024) {
        self.descriptor = descriptor
        self.capacity = capacity
        bytes.reserveCapacity(capacity)
    }

    /// Appends bytes, writing the buffer out when it fills.
    package mutating func write(_ data: some Sequence<UInt8>) throws(WriteError) {
        bytes.append(contentsOf: data)
        if bytes.count >= capacity { try flush() }
    }

    /// Appends a string's UTF-8.
    package mutating func write(_ text: String) throws(WriteError) {
        try write(text.utf8)
    }

    /// Lets the caller append in place (no intermediate array), writing out when the buffer fills.
    package mutating func append(_ body: (inout [UInt8]) -> Void) throws(WriteError) {
        body(&bytes)
        if bytes.count >= capacity { try flush() }
    }

    /// Writes out everything buffered, retrying short writes and EINTR.
    package mutating func flush() throws(WriteError) {
        defer {
            // One very long line (a name of megabytes) must not keep its memory for the rest of the run.
            bytes.removeAll(keepingCapacity: bytes.capacity <= 4 * capacity)
            if bytes.capacity < capacity { bytes.reserveCapacity(capacity) }
        }
        do {
            _ = try FileDescriptor(rawValue: descriptor).writeAll(bytes)
        } catch {
            throw WriteError(errno: (error as? Errno) ?? .ioError)
        }
    }
}
