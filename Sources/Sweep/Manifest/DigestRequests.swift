import SystemPackage

/// Read requests for files named by path, each hashed with its own algorithm (a manifest's lines,
/// a ledger's records): one consumer per algorithm serves the whole batch, where building one per
/// file cost a pipeline and its closures each.
enum DigestRequests {
    /// A request per `(path, algorithm)`, in order, for a reader run with `options`; with
    /// `deferIfLargerThan`, a file found larger once opened is left for a batch of its own.
    static func make(
        _ files: some Sequence<(path: [UInt8], algorithm: DigestAlgorithm)>, options: PipelineOptions,
        deferIfLargerThan: Int64? = nil
    ) -> [ReadRequest<DigestStage.Processor, Digest>] {
        var consumers: [DigestAlgorithm: ChunkConsumer<DigestStage.Processor, Digest>] = [:]
        return files.map { file in
            let consumer = consumers[file.algorithm] ?? Pipeline(stage: DigestStage(file.algorithm), options: options).makeConsumer()
            consumers[file.algorithm] = consumer
            return ReadRequest(FileEntry(path: FilePath(bytes: file.path)), into: consumer, deferIfLargerThan: deferIfLargerThan)
        }
    }
}
