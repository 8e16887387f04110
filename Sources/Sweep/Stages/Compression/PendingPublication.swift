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
    static func settle<Output: PublishedOutput>(_ outputs: [Output]) -> [Result<Output, FileError>] {
        var settled = settle(outputs.compactMap(\.pending)).makeIterator()
        return outputs.map { output in
            guard output.pending != nil, let outcome = settled.next() else { return .success(output) }
            var result = output
            result.pending = nil
            switch outcome {
            case .success(let removal):
                result.original = OriginalDisposition(removal)
                return .success(result)
            case .failure(let error):
                return .failure(error)
            }
        }
    }

    package static func == (a: PendingPublication, b: PendingPublication) -> Bool { a === b }
    package func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// A processor that can leave the publication of its output to the end of its batch.
package protocol DeferringPublication {
    /// Leave the output unpublished at `finish`, as a ``PendingPublication`` in the output.
    var defersPublication: Bool { get set }
}

/// An output that replaces its original: what became of the original, and, until its batch is
/// settled, the publication still to be done.
package protocol PublishedOutput {
    var pending: PendingPublication? { get set }
    var original: OriginalDisposition { get set }
}

/// ``GzipStage`` and ``GunzipStage``: processors that defer, outputs settled together.
extension BatchSettlingStage where Processor: DeferringPublication, Output: PublishedOutput {
    package func makeSettlingProcessor(for file: FileEntry) throws -> Processor {
        var processor = try makeProcessor(for: file)
        processor.defersPublication = true
        return processor
    }

    /// Publishes the batch's outputs together (``GroupCommit``), then removes each original whose
    /// output is durable under its name.
    package func settle(_ outputs: [Output]) -> [Result<Output, FileError>] {
        PendingPublication.settle(outputs)
    }
}
