import Dispatch
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads through a `DispatchIO` channel per file, as sweep's design first had it.
///
/// One chunk is requested at a time and consumed before the next is asked for, so a slow consumer
/// never makes the channel buffer the whole file. Cancellation stops the channel; the descriptor is
/// closed only by the channel's cleanup handler, as DispatchIO requires.
package struct DispatchFileReader: FileReader {
    private let queue = DispatchQueue(label: "sweep.dispatch-io", attributes: .concurrent)
    private let chunkSize: Int

    package init(chunkSize: Int) {
        self.chunkSize = chunkSize
    }

    package func read<State, Output: Sendable>(
        _ batch: [ReadRequest<State, Output>],
        isCancelled: @escaping @Sendable () -> Bool
    ) async -> [Result<ReadOutcome<Output>, FileError>?] {
        var results: [Result<ReadOutcome<Output>, FileError>?] = []
        results.reserveCapacity(batch.count)
        for request in batch {
            results.append(await read(request.entry, into: request.consumer, isCancelled: isCancelled))
        }
        guard let consumer = batch.first?.consumer, consumer.settle != nil else { return results }
        // Settling makes files durable (fsync): blocking work, done on the channel's queue.
        let reads = UncheckedBox(results)
        return await onQueue { consumer.settled(reads.value) }
    }

    private func read<State, Output: Sendable>(
        _ entry: FileEntry,
        into consumer: ChunkConsumer<State, Output>,
        isCancelled: @escaping @Sendable () -> Bool
    ) async -> Result<ReadOutcome<Output>, FileError> {
        let opened: OpenedFile
        switch await onQueue({ UncheckedBox(OpenedFile.open(entry)) }).value {
        case .success(let file): opened = file
        case .failure(let error): return .failure(error)
        }
        // From here the channel owns the descriptor.
        let file = opened.handingOverDescriptor()
        let descriptor = file.descriptor
        let ownsDescriptor = opened.ownsDescriptor
        let channel = DispatchIO(
            type: file.isSeekable ? .random : .stream, fileDescriptor: descriptor, queue: queue,
            cleanupHandler: { _ in if ownsDescriptor { close(descriptor) } })
        defer { channel.close() }

        // The consumer's steps (a stage's start, its work on each chunk, its finish) may block or
        // take long — compressing, writing, fsync — so they run on the channel's queue, never on
        // the cooperative pool; one step at a time, so the run needs no lock.
        let run: UncheckedBox<ConsumerRun<State, Output>>
        switch await onQueue({ UncheckedBox(ConsumerRun.start(consumer, on: file)) }).value {
        case .success(let started): run = UncheckedBox(started)
        case .failure(let error): return .failure(error)
        }
        func fail(_ error: FileError) async -> Result<ReadOutcome<Output>, FileError> {
            .failure(await onQueue { run.value.fail(error) })
        }
        while true {
            if isCancelled() {
                channel.close(flags: .stop)
                return await fail(FileError(path: entry.path, reason: .system(.canceled)))
            }
            // Closing the channel with .stop ends a read that waits on a pipe, so a cancel is prompt.
            let chunk = await withTaskCancellationHandler {
                await readChunk(channel, offset: file.isSeekable ? run.value.bytesRead : 0)
            } onCancel: {
                channel.close(flags: .stop)
            }
            if isCancelled() {
                return await fail(FileError(path: entry.path, reason: .system(.canceled)))
            }
            if chunk.error != 0 {
                return await fail(FileError(path: entry.path, reason: .system(Errno(rawValue: chunk.error))))
            }
            if chunk.data.data.isEmpty { break }
            let failure: FileError? = await onQueue {
                var failure: FileError?
                chunk.data.data.enumerateBytes { bytes, _, stop in
                    failure = run.value.consume(UnsafeRawBufferPointer(bytes))
                    if failure != nil { stop = true }
                }
                return failure
            }
            if let failure { return .failure(failure) }
        }
        return await onQueue { UncheckedBox(run.value.complete()) }.value
    }

    /// Runs `work` on the channel's queue and waits for it without holding a thread.
    private func onQueue<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await handedOver { deliver in queue.async { deliver(work()) } }
    }

    package func shutdown() {}

    private func readChunk(_ channel: DispatchIO, offset: Int64) async -> (data: SendableData, error: CInt) {
        await handedOver { deliver in
            let collected = Collected()
            channel.read(offset: off_t(offset), length: chunkSize, queue: queue) { done, data, error in
                if let data, !data.isEmpty { collected.data.append(data) }
                if done { deliver((SendableData(data: collected.data), error)) }
            }
        }
    }
}

/// Waits without holding a thread for the one value that `start`'s callback delivers from another
/// thread.
///
/// The value (and everything the delivering thread wrote before it: a run's state, a chunk) passes
/// through a pthread mutex as well as the continuation. ThreadSanitizer does not always see the
/// continuation's resume as ordering the two threads — its CI pass reported the task's next read
/// of a run's byte count racing with the queue's write just before the resume — and it does see a
/// mutex.
private func handedOver<T: Sendable>(
    _ start: (_ deliver: @escaping @Sendable (T) -> Void) -> Void
) async -> T {
    let slot = LockedValue<T?>(nil)
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        start { value in
            slot.withLock { $0 = value }
            continuation.resume()
        }
    }
    return slot.withLock { $0.take()! }
}

/// A value handed between the awaiting task and the queue, one side at a time (each hand-off is
/// awaited), though its type is not `Sendable`: a consumer's state, an outcome holding it.
private final class UncheckedBox<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// `DispatchData` is immutable and safe to pass between threads, but not marked `Sendable` on Linux.
private struct SendableData: @unchecked Sendable {
    var data: DispatchData
}

/// The parts of one chunk, appended by the channel's handler, which DispatchIO calls serially.
private final class Collected: @unchecked Sendable {
    var data = DispatchData.empty
}
