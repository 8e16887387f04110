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
        line(name: error.path.bytes, separator: error.separatesWithColon ? ": " : " ", error.message)
    }

    static func message(path: FilePath, _ text: String) {
        message(name: path.bytes, text)
    }

    static func message(name: [UInt8], _ text: String) {
        line(name: name, separator: ": ", text)
    }

    private static func line(name: [UInt8], separator: String, _ text: String) {
        write(Array("sweep: ".utf8) + ShellQuoting.quote(name) + Array("\(separator)\(text)\n".utf8))
    }

    static func message(_ text: String) {
        write(Array("sweep: \(text)\n".utf8))
    }

    private static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
