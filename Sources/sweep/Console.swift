import Sweep
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Messages on standard error, prefixed `sweep: ` as coreutils prefixes its own, with names quoted
/// as coreutils quotes them (`'with space'`), byte-exact otherwise.
enum Console {
    static func error(_ error: FileError) {
        line(name: error.path.bytes, separator: separator(for: error), error.message)
    }

    /// gzip puts most refusals right after the name (`f.gz already exists; not overwritten`), one
    /// after a colon (`f: unknown suffix -- ignored`); everything else is `NAME: reason`.
    private static func separator(for error: FileError) -> String {
        guard let refusal = error.cause as? GzipRefusal else { return ": " }
        return refusal == .unknownSuffix ? ": " : " "
    }

    static func message(path: FilePath, _ text: String) {
        message(name: path.bytes, text)
    }

    static func message(name: [UInt8], _ text: String) {
        line(name: name, separator: ": ", text)
    }

    private static func line(name: [UInt8], separator: String, _ text: String) {
        // One writev of three parts: one line however the writes interleave with others, and a name
        // of megabytes is not copied into a buffer first.
        let parts = [Array("sweep: ".utf8), ShellQuoting.quote(name), Array("\(separator)\(text)\n".utf8)]
        writeParts(parts)
    }

    private static func writeParts(_ parts: [[UInt8]]) {
        var remaining = parts.reduce(0) { $0 + $1.count }
        var skip = 0
        while remaining > 0 {
            // Rebuild the vector past what was written: writev may write part of it.
            var left = skip
            var pieces: [[UInt8]] = []
            for part in parts {
                if left >= part.count { left -= part.count; continue }
                pieces.append(left > 0 ? Array(part[left...]) : part)
                left = 0
            }
            let written = withIOVectors(pieces) { writev(STDERR_FILENO, $0, Int32($1)) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            remaining -= written
            skip += written
        }
    }

    private static func withIOVectors(_ pieces: [[UInt8]], _ body: (UnsafePointer<iovec>, Int) -> Int) -> Int {
        func build(_ index: Int, _ vectors: inout [iovec]) -> Int {
            guard index < pieces.count else { return vectors.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) } }
            return pieces[index].withUnsafeBytes { raw in
                vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress), iov_len: raw.count))
                return build(index + 1, &vectors)
            }
        }
        var vectors: [iovec] = []
        return build(0, &vectors)
    }

    static func message(_ text: String) {
        write(Array("sweep: \(text)\n".utf8))
    }

    /// `text` as it is, with no program name: a continuation line.
    static func plain(_ text: String) {
        write(Array(text.utf8))
    }

    private static func write(_ bytes: [UInt8]) {
        // A closed or full standard error leaves nothing better to do than carry on.
        _ = try? FileDescriptor.standardError.writeAll(bytes)
    }
}
