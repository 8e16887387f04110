import SystemPackage

/// An output written and given its metadata, waiting to be made durable and named with the rest of
/// its batch (``GroupCommit``), after which its input is removed. Made by a processor's `finish` on
/// the reading thread and settled on the same thread at the end of the batch, never shared between
/// threads at once, hence `@unchecked Sendable`. Equal only to itself.
package final class PendingPublication: @unchecked Sendable, Hashable {
    private let replacement: Replacement
    private let output: DurableFile

    init(replacement: Replacement, output: DurableFile) {
        self.replacement = replacement
        self.output = output
    }

    deinit {
        // The duplicate made for the removal; the output closes itself (and vanishes if unnamed).
        try? replacement.inputDescriptor.close()
    }

    /// Publishes every one of `pending` together, then removes each input whose output is durable
    /// under its name: for each, what became of the input, or why its output was not published.
    static func settle(_ pending: [PendingPublication]) -> [Result<OriginalRemoval.Outcome?, FileError>] {
        let errors = GroupCommit.publish(pending.map { GroupCommit.Item(file: $0.output, replacing: $0.replacement.force) })
        var touched: [DirectoryHandle] = []
        let outcomes = zip(pending, errors).map { publication, error -> Result<OriginalRemoval.Outcome?, FileError> in
            if let error { return .failure(Replacement.publishingError(error, outputPath: publication.replacement.outputPath)) }
            do {
                let outcome = try publication.replacement.removeInputUnlessKept()
                let directory = publication.replacement.inputLocation.directory
                if outcome == .removed && !touched.contains(where: { $0 === directory }) { touched.append(directory) }
                return .success(outcome)
            } catch {
                return .failure(.from(error, path: publication.replacement.input.path))
            }
        }
        // The removals made durable once per directory, as a lone removal makes its own: the
        // originals are gone for good, though a crash before this would only have kept them.
        for directory in touched { try? directory.synchronize() }
        return outcomes
    }

    /// `outputs`, those with a pending publication published together (``settle(_:)``): each gets
    /// what became of its original, or becomes the failure that kept its output unpublished.
    static func settle<Output>(
        _ outputs: [Output], pending: WritableKeyPath<Output, PendingPublication?>,
        original: WritableKeyPath<Output, OriginalDisposition>
    ) -> [Result<Output, FileError>] {
        var settled = settle(outputs.compactMap { $0[keyPath: pending] }).makeIterator()
        return outputs.map { output in
            guard output[keyPath: pending] != nil, let outcome = settled.next() else { return .success(output) }
            var result = output
            result[keyPath: pending] = nil
            switch outcome {
            case .success(let removal):
                result[keyPath: original] = OriginalDisposition(removal)
                return .success(result)
            case .failure(let error):
                return .failure(error)
            }
        }
    }

    package static func == (a: PendingPublication, b: PendingPublication) -> Bool { a === b }
    package func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
