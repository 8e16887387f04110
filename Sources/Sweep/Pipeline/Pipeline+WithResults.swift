import AsyncAlgorithms
import SystemPackage

extension Pipeline {
    /// Runs `body` with the results of walking `roots`, and returns only once the work is over:
    /// whatever `body` left unread is cancelled, every file in flight is finished or abandoned (a
    /// stage's temporary files removed), and every reading thread is joined. Leaving the loop early,
    /// by `break`, `return` or a throw, is safe; nothing outlives the call.
    ///
    /// ```swift
    /// let firstFailure = try await Pipeline(stage: GzipStage()).withResults(walking: ["/var/log/app"]) { results -> FilePath? in
    ///     for await result in results where result.error != nil { return result.path }
    ///     return nil
    /// }
    /// // No `.gz` in the making is left on disk here, whatever the loop did.
    /// ```
    public func withResults<Result>(
        walking roots: [FilePath], walkOptions: WalkOptions = WalkOptions(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (FileResults<S.Output, Never>) async throws -> Result
    ) async throws -> Result {
        let pipeline = self
        return try await withResults(isolation: isolation, body) { send in
            try await pipeline.run(walking: roots, walkOptions: walkOptions) { try await send($0) }
        }
    }

    /// ``withResults(walking:walkOptions:isolation:_:)`` over any async sequence of paths; what the
    /// sequence throws, the loop over the results rethrows after the results that came before it.
    ///
    /// ```swift
    /// let paths = AsyncStream<FilePath> { $0.yield("a.log"); $0.finish() }
    /// let lines = try await Pipeline(stage: LineCountStage()).withResults(for: paths) { results in
    ///     await results.reduce(0) { $0 + ($1.output?.lines ?? 0) }
    /// }
    /// ```
    public func withResults<Paths: AsyncSequence & Sendable, Result>(
        for paths: Paths, isolation: isolated (any Actor)? = #isolation,
        _ body: (FileResults<S.Output, Paths.Failure>) async throws -> Result
    ) async throws -> Result where Paths.Element == FilePath {
        let pipeline = self
        return try await withResults(isolation: isolation, body) { send in
            try await pipeline.run(for: paths) { try await send($0) }
        }
    }

    /// ``withResults(walking:walkOptions:isolation:_:)`` over a walk's events (see
    /// ``Walker/events()``), or any sequence of ``WalkEvent``s: entries whose metadata is known keep it.
    ///
    /// ```swift
    /// let walk = Walker(roots: ["logs"], options: WalkOptions()).events()
    /// let failed = try await Pipeline(stage: DigestStage(.sha256)).withResults(walk) { results in
    ///     await results.reduce(0) { $0 + ($1.error == nil ? 0 : 1) }
    /// }
    /// ```
    public func withResults<Events: AsyncSequence & Sendable, Result>(
        _ events: Events, isolation: isolated (any Actor)? = #isolation,
        _ body: (FileResults<S.Output, Events.Failure>) async throws -> Result
    ) async throws -> Result where Events.Element == WalkEvent {
        let pipeline = self
        return try await withResults(isolation: isolation, body) { send in
            try await pipeline.run(events) { try await send($0) }
        }
    }

    /// Runs `produce` as a child task feeding the sequence `body` reads, then cancels it and waits
    /// for it: the pipeline's own cleanup (abandoning files in flight, joining its threads) is over
    /// before this returns.
    private func withResults<Result, Failure: Error>(
        isolation: isolated (any Actor)?, _ body: (FileResults<S.Output, Failure>) async throws -> Result,
        produce: @escaping @Sendable (@escaping @Sendable (FileResult<S.Output>) async throws -> Void) async throws -> Void
    ) async throws -> Result {
        let channel = AsyncThrowingChannel<FileResult<S.Output>, any Error>()
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self, isolation: isolation) { group in
            group.addTask {
                do {
                    try await produce { await channel.send($0) }
                    channel.finish()
                } catch {
                    channel.fail(error)
                }
            }
            let outcome: Swift.Result<Result, any Error>
            do {
                outcome = .success(try await body(FileResults(scopedBy: channel)))
            } catch {
                outcome = .failure(error)
            }
            // A producer waiting in `send` for a reader that left returns when cancelled.
            group.cancelAll()
            while let _ = try? await group.next() {}
            return try outcome.get()
        }
    }
}
