import ArgumentParser
import Sweep
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What `sweep gzip` and `sweep gunzip` share, spelled as gzip spells it.
struct GzipOptions: ParsableArguments {
    @Flag(name: [.customShort("c"), .customLong("stdout"), .customLong("to-stdout")],
          help: "Write to standard output and keep the input files; several files give several members, in order.")
    var toStandardOutput = false

    @Flag(name: [.short, .long], help: "Keep the input files.")
    var keep = false

    @Flag(name: [.short, .long], help: "Overwrite existing outputs; take files with other hard links; read from or write to a terminal.")
    var force = false

    @Flag(exclusivity: .chooseLast, help: nil)
    var verbosity: GzipVerbosity?

    @Flag(exclusivity: .chooseLast, help: nil)
    var naming: GzipNaming?

    @Option(name: [.customShort("S"), .long], help: ArgumentHelp("Use the suffix SUF instead of .gz.", valueName: "SUF"))
    var suffix: String?

    @Flag(name: [.short, .long], help: "Accepted as gzip has it: directories are always walked.")
    var recursive = false

    @Option(name: .customLong("engine"), help: ArgumentHelp(
        "The library that does the work: fastest (libdeflate compresses files up to 4 MiB, zlib larger ones in parallel blocks, ISA-L decompresses) or zlib (everything, as pigz). Default: $SWEEP_ENGINE, else fastest.",
        valueName: "fastest|zlib"))
    var engineChoice: CompressionEngine?

    @OptionGroup var common: CommonOptions

    @Argument(help: "Files and directories (default: standard input to standard output); - is standard input.")
    var paths: [String] = []

    var quiet: Bool { verbosity == .quiet }
    var verbose: Bool { verbosity == .verbose }

    /// gzip's suffixes with `-S`, once validated.
    var suffixes: GzipSuffixes { GzipSuffixes(suffix: suffix.map { RawArguments.shared.bytes(of: $0) } ?? Array(".gz".utf8))! }

    /// `--engine`, else the `SWEEP_ENGINE` environment variable (as gzip reads `GZIP`), else fastest.
    var engine: CompressionEngine {
        engineChoice ?? Self.environmentEngine ?? .fastest
    }

    private static var environmentEngine: CompressionEngine? {
        getenv("SWEEP_ENGINE").flatMap { CompressionEngine(rawValue: String(cString: $0)) }
    }

    mutating func validate() throws {
        if let value = getenv("SWEEP_ENGINE"), CompressionEngine(rawValue: String(cString: value)) == nil {
            throw ValidationError("SWEEP_ENGINE: unknown engine '\(String(cString: value))' (fastest or zlib)")
        }
        if let suffix, GzipSuffixes(suffix: RawArguments.shared.bytes(of: suffix)) == nil {
            throw ValidationError("invalid suffix '\(suffix)'")
        }
    }

    /// Whether standard input is among the inputs: no path at all, or `-`.
    var readsStandardInput: Bool {
        common.selection.filesFrom == nil && (paths.isEmpty || paths.contains("-"))
    }

    /// gzip's refusal to write compressed data to a terminal, or read it from one, when it works on
    /// standard input (`-f` overrides): its words, then exit 1.
    func refuseTerminal(decompressing: Bool, command: String) throws {
        guard readsStandardInput, !force, isatty(decompressing ? STDIN_FILENO : STDOUT_FILENO) != 0 else { return }
        if !quiet {
            Console.message(decompressing
                ? "compressed data not read from a terminal. Use -f to force decompression."
                : "compressed data not written to a terminal. Use -f to force compression.")
            Console.plain("For help, type: sweep \(command) -h\n")
        }
        throw ExitCode(1)
    }
}

/// `-q` and `-v`: the last given wins, as in gzip.
enum GzipVerbosity: EnumerableFlag {
    case quiet, verbose

    static func name(for value: GzipVerbosity) -> NameSpecification { [.short, .long] }

    static func help(for value: GzipVerbosity) -> ArgumentHelp? {
        switch value {
        case .quiet: "Suppress warnings (the exit status still tells); errors are still printed."
        case .verbose: "Print a summary at the end: files, sizes, ratio, time."
        }
    }
}

/// `-n` and `-N`: the last given wins, as in gzip.
enum GzipNaming: EnumerableFlag {
    case noName, name

    static func name(for value: GzipNaming) -> NameSpecification {
        switch value {
        case .noName: [.customShort("n"), .customLong("no-name")]
        case .name: [.customShort("N"), .customLong("name")]
        }
    }

    static func help(for value: GzipNaming) -> ArgumentHelp? {
        switch value {
        case .noName: "Compressing, store no name or time in the header; decompressing, ignore them (the default)."
        case .name: "Compressing, store the name and time (the default); decompressing, restore them."
        }
    }
}

extension CompressionEngine: ExpressibleByArgument {}
