/// A stage whose last step for each file — making an output durable and giving it its name — is
/// cheaper done for a whole batch of files at once (group commit): ``GzipStage``, ``GunzipStage``,
/// and the lists and combinations holding them.
///
/// The pipeline reads small files in batches on one thread; for such a stage it makes processors
/// with ``makeSettlingProcessor(for:)``, whose `finish` leaves that step undone, and calls
/// ``settle(_:)`` with the batch's outputs on the same thread once the batch's last file finished.
/// Where a processor is used on its own (a stage driven by hand, outside a pipeline),
/// ``Stage/makeProcessor(for:)`` gives one that does everything in `finish`.
package protocol BatchSettlingStage: Stage {
    /// A processor for `file` whose `finish` leaves the publication of its output to ``settle(_:)``.
    func makeSettlingProcessor(for file: FileEntry) throws -> Processor

    /// Finishes a batch's outputs together; one result per output, in order: the output as it
    /// is to be delivered, or why its file failed after all.
    func settle(_ outputs: [Output]) -> [Result<Output, FileError>]
}
