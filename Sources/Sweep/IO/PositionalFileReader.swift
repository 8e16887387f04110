import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads with `pread` into one reused buffer per worker, on dedicated threads: no allocation per chunk,
/// no hop per chunk, and no blocking call on Swift's cooperative pool.
///
/// A batch whose consumer settles (makes its outputs durable and removes their originals, see
/// ``ChunkConsumer/settle``) is settled on other threads, as many as read, so that the reading
/// threads go on compressing the next batches while the disk makes this one durable (`gzip` of
/// 60 000 small files on ext4 with a journal: BENCHMARKS.md, "Small files on a file system with a
/// journal").
package struct PositionalFileReader: FileReader {
    private let pool: BlockingThreadPool
    private let settlers: OnDemandThreads

    /// `threadCount` threads, each reading `chunkSize` bytes at a time.
    package init(threadCount: Int, chunkSize: Int) {
        pool = BlockingThreadPool(threadCount: threadCount, bufferSize: chunkSize)
        settlers = OnDemandThreads(count: threadCount)
    }

    package func read<State, Output: Sendable>(
        _ batch: [ReadRequest<State, Output>],
        isCancelled: @escaping @Sendable () -> Bool
    ) async -> [Result<ReadOutcome<Output>, FileError>?] {
        let reads = await pool.run { buffer in
            // By index, not enumerated(): the requests are read in place, never copied.
            var reads: [Result<ReadOutcome<Output>, FileError>?] = []
            reads.reserveCapacity(batch.count)
            for index in batch.indices {
                reads.append(Self.readBlocking(
                    batch[index].entry, into: batch[index].consumer, buffer: buffer,
                    deferIfLargerThan: index > 0 ? batch[index].deferIfLargerThan : nil, isCancelled: isCancelled))
            }
            return reads
        }
        guard let consumer = batch.first?.consumer, consumer.settle != nil else { return reads }
        return await settlers.run { consumer.settled(reads) }
    }

    package func shutdown() {
        pool.shutdown()
        settlers.shutdown()
    }

    /// How many reading threads the system let the pool start (0: reads run on the caller).
    package var startedThreads: Int { pool.startedThreads }

    /// The whole read on the calling thread; used by the pool's threads.
    package static func readBlocking<State, Output: Sendable>(
        _ entry: FileEntry,
        into consumer: ChunkConsumer<State, Output>,
        buffer: UnsafeMutableRawBufferPointer,
        deferIfLargerThan: Int64? = nil,
        isCancelled: () -> Bool
    ) -> Result<ReadOutcome<Output>, FileError>? {
        // A run cancelled while this file waited in the queue does not open it at all.
        if isCancelled() { return .failure(FileError(path: entry.path, reason: .system(.canceled))) }
        let file: OpenedFile
        switch OpenedFile.open(entry) {
        case .success(let opened): file = opened
        case .failure(let error): return .failure(error)
        }
        if let limit = deferIfLargerThan, let size = file.entry.status?.size, size > limit {
            file.close()
            return nil
        }
        var run: ConsumerRun<State, Output>
        switch ConsumerRun.start(consumer, on: file) {
        case .success(let started): run = started
        case .failure(let error): return .failure(error)
        }
        // The size at open is where the read stops: the fstat in complete() then catches a file that
        // grew meanwhile, and a small file costs one pread instead of two.
        let expectedSize = file.expectedSize
        while run.bytesRead != expectedSize {
            if isCancelled() { return .failure(run.fail(FileError(path: entry.path, reason: .system(.canceled)))) }
            // A pipe or terminal may block for ever: wait for it in short polls, so that Ctrl-C is
            // noticed while nothing arrives.
            if !file.isSeekable && !Self.waitUntilReadable(file.descriptor, isCancelled: isCancelled) {
                return .failure(run.fail(FileError(path: entry.path, reason: .system(.canceled))))
            }
            let count = file.isSeekable
                ? pread(file.descriptor, buffer.baseAddress, buffer.count, off_t(run.bytesRead))
                : Glibc.read(file.descriptor, buffer.baseAddress, buffer.count)
            if count < 0 {
                // A stream opened non-blocking may have nothing after all: poll again.
                if errno == EINTR || (errno == EAGAIN && !file.isSeekable) { continue }
                return .failure(run.fail(.lastSystemError(entry.path)))
            }
            if count == 0 { break }
            if let error = run.consume(UnsafeRawBufferPointer(rebasing: buffer[..<count])) { return .failure(error) }
        }
        return run.complete()
    }

    /// Polls `descriptor` every 100 ms until it is readable (or at end of file); false if cancelled first.
    private static func waitUntilReadable(_ descriptor: CInt, isCancelled: () -> Bool) -> Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&request, 1, 100)
            if ready != 0 { return true }  // readable, hung up, or an error the read will report
            if isCancelled() { return false }
        }
    }
}
