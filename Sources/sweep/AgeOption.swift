import ArgumentParser
import Sweep

/// `--older-than DUR`, for the commands that select old files.
struct AgeOption: ParsableArguments {
    @Option(name: .customLong("older-than"), help: ArgumentHelp("Only files last modified longer ago than DUR: 7d, 12h, 30m, 90s, 1d12h.", valueName: "DUR"))
    var olderThan: String?

    mutating func validate() throws {
        if let olderThan, AgeThreshold(olderThan) == nil {
            throw ValidationError("--older-than takes a duration such as 7d, 12h, 30m, 90s or 1d12h, not '\(olderThan)'")
        }
    }

    /// The modification time before which files are old enough, measured from now.
    var cutoff: FileTime? { olderThan.flatMap(AgeThreshold.init)?.cutoff(from: .now) }
}
