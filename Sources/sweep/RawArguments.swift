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

    /// Of the flags named here (long names with `--`, short letters), the one given last, for
    /// flags that turn each other off as coreutils' do (`--status`/`--quiet`/`--warn`,
    /// `-b`/`-t`/`--tag`); nil when none was given. `valueLetters` are short options whose value
    /// may follow in the same cluster (`-a5`), which ends the scan of that cluster.
    func lastFlag(among longNames: Set<String>, shorts: Set<Character>, valueLetters: Set<Character>) -> String? {
        var last: String?
        for argument in forParser {
            if argument == "--" { break }
            if argument.hasPrefix("--") {
                let name = String(argument.prefix { $0 != "=" })
                if longNames.contains(name) { last = name }
                continue
            }
            guard argument.hasPrefix("-"), argument.count > 1 else { continue }
            for letter in argument.dropFirst() {
                if shorts.contains(letter) { last = "-\(letter)" }
                if valueLetters.contains(letter) { break }
            }
        }
        return last
    }

    /// The path an argument names, byte for byte.
    func path(_ argument: String) -> FilePath {
        FilePath(bytes: bytes(of: argument))
    }
}
