import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Ctrl-C (SIGINT) and SIGTERM as structured cancellation: the work runs beside a task that waits for
/// a signal; the first signal cancels the work, which stops taking files and abandons those in flight
/// (removing partial output), then the process exits 130 as shells expect.
enum Interruption {
    struct Interrupted: Error {}

    /// Runs `work`, exiting 130 if a signal interrupts it.
    static func run<Result: Sendable>(_ work: @escaping @Sendable () async throws -> Result) async throws -> Result {
        let signals = makeSignalStream()
        do {
            return try await withThrowingTaskGroup(of: Result?.self) { group in
                group.addTask { try await work() }
                group.addTask {
                    for await _ in signals { throw Interrupted() }
                    return nil
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let result { return result }
                }
                throw CancellationError()
            }
        } catch is Interrupted {
            exit(130)
        } catch is CancellationError {
            exit(130)
        }
    }

    /// Dispatch sources for SIGINT and SIGTERM feeding one stream. Made outside any actor: libdispatch
    /// runs the handlers on its own queue.
    private nonisolated static func makeSignalStream() -> AsyncStream<CInt> {
        let (stream, continuation) = AsyncStream<CInt>.makeStream()
        let queue = DispatchQueue(label: "sweep.signals")
        let sources = SignalSources([SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        })
        continuation.onTermination = { _ in
            for source in sources.sources { source.cancel() }
        }
        return stream
    }
}

/// Dispatch sources are thread-safe objects, but not marked `Sendable` on Linux.
private struct SignalSources: @unchecked Sendable {
    let sources: [any DispatchSourceSignal]
    init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
}
