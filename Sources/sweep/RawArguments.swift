import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The command line as raw bytes. An argument that is not UTF-8 (a file name with byte 0xFF) would be
/// mangled into U+FFFD by `CommandLine.arguments`; here it is replaced, for the argument parser, by a
/// private-use placeholder that maps back to its exact bytes.
struct RawArguments: Sendable {
    static let shared = RawArguments()

    /// The arguments to parse, placeholders standing for the ones that are not UTF-8.
    let forParser: [String]
    private let rawByPlaceholder: [String: [UInt8]]

    private init() {
        var forParser: [String] = []
        var rawByPlaceholder: [String: [UInt8]] = [:]
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let bytes = Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer))).map { UInt8(bitPattern: $0) }
            if let text = String(validating: bytes, as: UTF8.self) {
                forParser.append(text)
                continue
            }
            let placeholder = "\u{F8FF}sweep-argument-\(index)\u{F8FF}"
            // Keep a long option's name parseable: only the value after `=` is replaced.
            if bytes.starts(with: Array("--".utf8)), let equals = bytes.firstIndex(of: UInt8(ascii: "=")),
               let name = String(validating: bytes[...equals], as: UTF8.self) {
                rawByPlaceholder[placeholder] = Array(bytes[(equals + 1)...])
                forParser.append(name + placeholder)
            } else {
                rawByPlaceholder[placeholder] = bytes
                forParser.append(placeholder)
            }
        }
        self.forParser = forParser
        self.rawByPlaceholder = rawByPlaceholder
    }

    /// The exact bytes of an argument the parser handed back.
    func bytes(of argument: String) -> [UInt8] {
        rawByPlaceholder[argument] ?? Array(argument.utf8)
    }

    /// The path an argument names, byte for byte.
    func path(_ argument: String) -> FilePath {
        FilePath(bytes: bytes(of: argument))
    }
}
