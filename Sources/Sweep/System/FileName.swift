/// A name within a directory, as raw bytes kept NUL-terminated, ready for the `*at` system calls
/// without a copy per call.
///
/// ```swift
/// let name = FileName(Array("app.log".utf8))
/// name.withCString { print(strlen($0)) } // 7
/// ```
package struct FileName: Sendable, Hashable {
    /// The bytes followed by a NUL: a slice, so that the names of one directory listing share its
    /// buffer instead of taking an allocation each.
    private let terminated: ArraySlice<UInt8>

    /// A name of `bytes` (no `/`, no NUL).
    package init(_ bytes: some Collection<UInt8>) {
        var terminated: [UInt8] = []
        terminated.reserveCapacity(bytes.count + 1)
        terminated.append(contentsOf: bytes)
        terminated.append(0)
        self.terminated = terminated[...]
    }

    /// A name from bytes that already end in a NUL (a part of a larger buffer, which it keeps).
    package init(terminated: ArraySlice<UInt8>) {
        precondition(terminated.last == 0, "a terminated name ends in NUL")
        self.terminated = terminated
    }

    /// The name's bytes, without the NUL.
    package var bytes: ArraySlice<UInt8> { terminated.dropLast() }

    /// Calls `body` with the name as a C string.
    package func withCString<Result>(_ body: (UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        try terminated.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }

    /// This name with `suffix` appended (`app.log` → `app.log.gz`).
    package func appending(_ suffix: some Collection<UInt8>) -> FileName {
        FileName(bytes + suffix)
    }
}
