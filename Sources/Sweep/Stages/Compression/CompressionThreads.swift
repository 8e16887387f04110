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
        Self.borrow(from: idleDeflaters, level: level, keep: 64) { deflater, reused in
            if reused { deflater.reset() }
            return body(deflater)
        }
    }

    /// Runs `body` with a libdeflate compressor at `level`, from the pool when one is idle.
    package func withWholeDeflater<Value>(level: Int32, _ body: (WholeDeflater) -> Value) -> Value {
        Self.borrow(from: idleWholeDeflaters, level: level, keep: 16) { deflater, _ in body(deflater) }
    }

    /// Runs `body` with a compressor of joinable libdeflate blocks at `level`, from the pool when
    /// one is idle.
    package func withJoinableBlockDeflater<Value>(level: Int32, _ body: (JoinableBlockDeflater) -> Value) -> Value {
        Self.borrow(from: idleJoinableDeflaters, level: level, keep: 16) { deflater, _ in body(deflater) }
    }

    /// Runs `body` with an idle compressor at `level` taken from `idle` (or a new one, and then
    /// `reused` is false), and gives it back while `idle` holds fewer than `keep`.
    private static func borrow<Compressor: ReusableCompressor, Value>(
        from idle: LockedValue<[Compressor]>, level: Int32, keep: Int, _ body: (Compressor, _ reused: Bool) -> Value
    ) -> Value {
        let reused = idle.withLock { idle -> Compressor? in
            guard let index = idle.lastIndex(where: { $0.level == level }) else { return nil }
            return idle.remove(at: index)
        }
        let compressor = reused ?? Compressor(level: level)
        defer { idle.withLock { if $0.count < keep { $0.append(compressor) } } }
        return body(compressor, reused != nil)
    }

    /// Runs `work` on a compression thread; the returned value can be waited for from any thread.
    package func submit<Value: Sendable>(_ work: @escaping @Sendable () -> Value) -> BlockingFuture<Value> {
        let future = BlockingFuture<Value>()
        pool.submitDetached { _ in future.fulfil(work()) }
        return future
    }
}

/// A compressor at one level that ``CompressionThreads`` keeps for reuse.
package protocol ReusableCompressor: AnyObject {
    var level: Int32 { get }
    init(level: Int32)
}

extension Deflater: ReusableCompressor {}
extension WholeDeflater: ReusableCompressor {}
extension JoinableBlockDeflater: ReusableCompressor {}
