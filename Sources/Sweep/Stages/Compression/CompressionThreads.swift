/// Threads shared by every file being compressed, so that one large file's blocks and many small
/// files' whole streams all run within one `-j` budget. Freed when the last stage using it is gone.
package final class CompressionThreads: Sendable {
    private let pool: BlockingThreadPool
    /// Deflaters kept for reuse: a fresh one per 128 KiB block would cost an allocation and a
    /// table clear each time.
    private let idleDeflaters = LockedValue<[Deflater]>([])
    /// libdeflate's compressors kept for reuse, for the same reason.
    private let idleWholeDeflaters = LockedValue<[WholeDeflater]>([])
    /// libdeflate's compressors for blocks, with their inflate scanners, kept for reuse.
    private let idleJoinableDeflaters = LockedValue<[JoinableBlockDeflater]>([])

    /// How many threads compress.
    package let count: Int

    package init(count: Int) {
        self.count = count
        pool = BlockingThreadPool(threadCount: count, bufferSize: 0)
    }

    deinit {
        pool.shutdown()
    }

    /// Runs `body` with a reset deflater at `level`, from the pool when one is idle.
    package func withDeflater<Value>(level: Int32, _ body: (Deflater) -> Value) -> Value {
        let reused = idleDeflaters.withLock { idle -> Deflater? in
            guard let index = idle.lastIndex(where: { $0.level == level }) else { return nil }
            return idle.remove(at: index)
        }
        let deflater = reused ?? Deflater(level: level)
        if reused != nil { deflater.reset() }
        defer { idleDeflaters.withLock { if $0.count < 64 { $0.append(deflater) } } }
        return body(deflater)
    }

    /// Runs `body` with a libdeflate compressor at `level`, from the pool when one is idle.
    package func withWholeDeflater<Value>(level: Int32, _ body: (WholeDeflater) -> Value) -> Value {
        let reused = idleWholeDeflaters.withLock { idle -> WholeDeflater? in
            guard let index = idle.lastIndex(where: { $0.level == level }) else { return nil }
            return idle.remove(at: index)
        }
        let deflater = reused ?? WholeDeflater(level: level)
        defer { idleWholeDeflaters.withLock { if $0.count < 16 { $0.append(deflater) } } }
        return body(deflater)
    }

    /// Runs `body` with a compressor of joinable libdeflate blocks at `level`, from the pool when
    /// one is idle.
    package func withJoinableBlockDeflater<Value>(level: Int32, _ body: (JoinableBlockDeflater) -> Value) -> Value {
        let reused = idleJoinableDeflaters.withLock { idle -> JoinableBlockDeflater? in
            guard let index = idle.lastIndex(where: { $0.level == level }) else { return nil }
            return idle.remove(at: index)
        }
        let deflater = reused ?? JoinableBlockDeflater(level: level)
        defer { idleJoinableDeflaters.withLock { if $0.count < 16 { $0.append(deflater) } } }
        return body(deflater)
    }

    /// Runs `work` on a compression thread; the returned value can be waited for from any thread.
    package func submit<Value: Sendable>(_ work: @escaping @Sendable () -> Value) -> BlockingFuture<Value> {
        let future = BlockingFuture<Value>()
        pool.submitDetached { _ in future.fulfil(work()) }
        return future
    }
}

