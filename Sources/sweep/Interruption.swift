import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Ctrl-C (SIGINT) and SIGTERM as structured cancellation: the work runs beside a task that waits for
/// a signal; the first signal cancels the work, which stops taking files and abandons those in flight
/// (removing partial output), then the process exits 130 as shells expect.
///
/// A watchdog bounds it: the signal handler also arms a one-second alarm whose handler calls
/// `_exit(130)`. Cancellation needs threads (a dispatch source, the cooperative pool); under a
/// process limit that refuses them, or with a reader stuck in the kernel, it could never finish.
/// Ending that way is what `kill -9` does, which the durability rules already make safe: no
/// original is removed before its replacement is durable, and outputs in progress are unnamed.
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

    /// SIGINT and SIGTERM, delivered through a self-pipe: the handler (async-signal-safe, whatever
    /// thread the kernel picks) writes the signal's number, and a dispatch read source turns it into
    /// an element of the stream. (A dispatch signal source on Linux blocks the signal in one thread
    /// only, so a signal delivered to another thread could be lost.)
    private nonisolated static func makeSignalStream() -> AsyncStream<CInt> {
        let (stream, continuation) = AsyncStream<CInt>.makeStream()
        let pipe = signalPipe
        let source = DispatchSource.makeReadSource(fileDescriptor: pipe.read, queue: DispatchQueue(label: "sweep.signals"))
        source.setEventHandler {
            var number: UInt8 = 0
            while read(pipe.read, &number, 1) == 1 { continuation.yield(CInt(number)) }
        }
        source.resume()
        var watchdog = sigaction()
        watchdog.__sigaction_handler.sa_handler = { _ in _exit(130) }
        sigemptyset(&watchdog.sa_mask)
        sigaction(SIGALRM, &watchdog, nil)
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipe.write, &byte, 1)
                // The first signal arms the watchdog; later ones leave its deadline where it is.
                let left = alarm(0)
                alarm(left == 0 ? 1 : left)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
        let handle = ReadSource(source: source)
        continuation.onTermination = { _ in handle.source.cancel() }
        return stream
    }
}

/// The self-pipe, made before any handler that writes to it is installed; non-blocking both ways.
private let signalPipe: (read: CInt, write: CInt) = {
    var descriptors: [CInt] = [0, 0]
    precondition(pipe(&descriptors) == 0, "pipe failed")
    for descriptor in descriptors {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    }
    return (descriptors[0], descriptors[1])
}()

/// Dispatch sources are thread-safe objects, but not marked `Sendable` on Linux.
private struct ReadSource: @unchecked Sendable {
    let source: any DispatchSourceRead
}
