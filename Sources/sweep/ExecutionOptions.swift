import ArgumentParser
import Sweep

/// How many files at once and how they are read: every command that reads files.
struct ExecutionOptions: ParsableArguments {
    /// More would only cost memory and threads: a machine runs out of cores long before.
    static let maximumJobs = 512

    // `-j8` and `-p8` as make, xz and pigz users type them.
    @Option(
        name: [.customShort("j", allowingJoined: true), .customShort("p", allowingJoined: true), .customLong("jobs")],
        help: ArgumentHelp("Files processed at once (-p as pigz spells it).", valueName: "N"))
    var jobs: Int = PipelineOptions.processorCount

    @Option(help: "How files are read: auto, dispatch or pread.")
    var io: IOBackend = .auto

    mutating func validate() throws {
        guard jobs >= 1 else { throw ValidationError("-j must be at least 1") }
        if jobs > Self.maximumJobs {
            Console.message("-j \(jobs) is more than \(Self.maximumJobs); using \(Self.maximumJobs)")
            jobs = Self.maximumJobs
        }
    }

    func pipelineOptions() -> PipelineOptions {
        var options = PipelineOptions()
        options.concurrency = jobs
        options.io = io
        options.threadShortfall = { requested, started in
            Console.message(
                started == 0
                    ? "could not start any of \(requested) reading threads (a process or thread limit); reading on the main threads"
                    : "could start only \(started) of \(requested) reading threads (a process or thread limit); continuing with \(started)")
        }
        return options
    }
}
