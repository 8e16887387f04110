import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads LF- or NUL-delimited records (manifest lines, `find -print0` lists) from a file
/// descriptor in bounded memory: the current record plus one 64 KiB chunk.
///
/// Records come without their delimiter. A last record without a delimiter is still returned;
/// an empty input has no records. The descriptor is neither closed nor seeked.
///
/// ```swift
/// var reader = DelimitedRecordReader(fileDescriptor: STDIN_FILENO, delimiter: 0)
/// while let record = try reader.next() {
///     paths.append(record)
/// }
/// ```
package struct DelimitedRecordReader: Sendable {
    private static let chunkSize = 64 * 1024

    private let fileDescriptor: CInt
    private let delimiter: UInt8
    /// The last chunk read; bytes before `start` and from `end` on are spent.
    private var chunk: [UInt8] = []
    private var start = 0
    private var end = 0
    /// The head of a record that ran past the end of an earlier chunk.
    private var partial: [UInt8] = []
    private var reachedEnd = false

    /// A reader of `fileDescriptor`'s records, each ended by `delimiter` (LF, or 0 for `-z`).
    ///
    /// ```swift
    /// var reader = DelimitedRecordReader(fileDescriptor: descriptor)
    /// ```
    package init(fileDescriptor: CInt, delimiter: UInt8 = UInt8(ascii: "\n")) {
        self.fileDescriptor = fileDescriptor
        self.delimiter = delimiter
    }

    /// The next record without its delimiter, or nil once the input is exhausted.
    ///
    /// ```swift
    /// // input "a\n\nb": "a", "", "b", then nil
    /// while let line = try reader.next() { … }
    /// ```
    package mutating func next() throws(Errno) -> [UInt8]? {
        while true {
            if start < end, let found = findDelimiter() {
                let record: [UInt8]
                if partial.isEmpty {
                    record = Array(chunk[start..<found])
                } else {
                    appendToPartial(chunk[start..<found])
                    record = partial
                    partial = []
                }
                start = found + 1
                return record
            }
            appendToPartial(chunk[start..<end])
            start = 0
            end = 0
            if !reachedEnd, try fill() {
                continue
            }
            reachedEnd = true
            // A final record without a delimiter still counts; nothing at all is no record.
            guard !partial.isEmpty else { return nil }
            let record = partial
            partial = []
            return record
        }
    }

    /// The index in `chunk` of the first delimiter in `start..<end`.
    private func findDelimiter() -> Int? {
        chunk.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress,
                  let hit = memchr(base + start, CInt(delimiter), end - start)
            else { return nil }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
        }
    }

    /// Reads the next chunk into `chunk`; false at end of input.
    private mutating func fill() throws(Errno) -> Bool {
        if chunk.isEmpty {
            // Allocated on first use, so a reader that is never read costs nothing.
            chunk = [UInt8](repeating: 0, count: Self.chunkSize)
        }
        let descriptor = fileDescriptor
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress, buffer.count)
            }
            if count > 0 {
                end = count
                return true
            }
            if count == 0 {
                return false
            }
            let code = errno
            // A signal that interrupts the read has consumed nothing: try again.
            if code != EINTR {
                throw Errno(rawValue: code)
            }
        }
    }

    /// Grows the partial record by a quarter at a time rather than doubling, so that a record of
    /// 100 MB holds at most 125 MB while it is read (memory linear in the record, small factor).
    private mutating func appendToPartial(_ bytes: ArraySlice<UInt8>) {
        let needed = partial.count + bytes.count
        if needed > partial.capacity {
            partial.reserveCapacity(max(needed, partial.count + partial.count / 4))
        }
        partial.append(contentsOf: bytes)
    }
}
