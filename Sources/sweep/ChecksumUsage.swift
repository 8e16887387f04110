import ArgumentParser

/// coreutils' usage errors for `sha256sum` and its siblings, checked in coreutils' order and printed
/// in its words (`the --tag option is meaningless when verifying checksums`), then
/// `Try 'sweep CMD --help' for more information.` and exit 1, as coreutils exits.
struct ChecksumUsage {
    /// Verifying (`check`, `sum -c`) rather than computing.
    var verifying: Bool
    var tag = false
    var ignoreMissing = false
    var strict = false
    /// The command, for the `Try 'sweep CMD --help'` line.
    var command: String

    /// The last of `--tag`, `-b`/`--binary`, `-t`/`--text` given: coreutils' binary mode, set
    /// by `--tag` and `-b`, cleared by `-t`; nil when none was given.
    static var binaryMode: Bool? {
        RawArguments.shared.lastFlag(among: ["--tag", "--binary", "--text"], shorts: ["b", "t"], valueLetters: valueLetters)
            .map { $0 != "--text" && $0 != "-t" }
    }

    /// The last of `--status`, `--quiet` (`-q`) and `--warn` (`-w`) given: in coreutils each turns
    /// the other two off.
    static var outputFlag: String? {
        switch RawArguments.shared.lastFlag(among: ["--status", "--quiet", "--warn"], shorts: ["q", "w"], valueLetters: valueLetters) {
        case "--status": "status"
        case "--quiet", "-q": "quiet"
        case "--warn", "-w": "warn"
        default: nil
        }
    }

    /// Short options of `sum` and `check` that take a value, which may follow in the same cluster.
    static let valueLetters: Set<Character> = ["a", "j", "p", "o"]

    /// Throws `ExitCode(1)` after coreutils' message if the flags conflict.
    func validate() throws {
        guard let message = problem else { return }
        Console.message(message)
        Console.plain("Try 'sweep \(command) --help' for more information.\n")
        throw ExitCode(1)
    }

    /// The first conflict, in the order coreutils 9.1 checks them.
    var problem: String? {
        let binary = Self.binaryMode
        if tag && binary == false { return "--tag does not support --text mode" }
        if verifying && tag { return "the --tag option is meaningless when verifying checksums" }
        if verifying && binary != nil { return "the --binary and --text options are meaningless when verifying checksums" }
        if verifying { return nil }
        let output = Self.outputFlag
        for (given, name) in [(ignoreMissing, "ignore-missing"), (output == "status", "status"), (output == "warn", "warn"),
                              (output == "quiet", "quiet"), (strict, "strict")] where given {
            return "the --\(name) option is meaningful only when verifying checksums"
        }
        return nil
    }
}
