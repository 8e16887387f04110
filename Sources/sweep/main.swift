import ArgumentParser

import Sweep

SystemInfo.returnLargeBuffersToTheSystem()

// The arguments come from RawArguments, not CommandLine.arguments, so that non-UTF-8 paths survive;
// ArgumentParser's async `main(_:)` and `run()` lose to their synchronous overloads when called
// on an existential here, so the commands' async work is reached through a protocol of our own.
do {
    var command = try SweepCommand.parseAsRoot(RawArguments.shared.forParser)
    if let processing = command as? any ProcessingCommand {
        try await processing.execute()
    } else {
        try command.run()
    }
} catch {
    SweepCommand.exit(withError: error)
}

/// A command whose work is asynchronous.
protocol ProcessingCommand {
    func execute() async throws
}
