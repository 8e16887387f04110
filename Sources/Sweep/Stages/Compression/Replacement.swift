import SystemPackage

/// The file-system side of `gzip` and `gunzip`: an output written durably beside the input, then the
/// input removed — all through the directory the walk holds, on the very file that was read.
///
/// When the output already exists without `-f`, the run before may have been interrupted between
/// publishing it and removing the input; if the existing output holds exactly the input's content
/// (SHA-256 of the uncompressed streams, compared), the input is removed now instead of being
/// refused for ever.
struct Replacement {
    /// The input, open, as it was when opened.
    let input: FileEntry
    let inputLocation: FileLocation
    private(set) var inputDescriptor: FileDescriptor
    let inputStatus: FileStatus
    /// Where the output goes.
    let outputLocation: FileLocation
    let outputPath: FilePath
    let keepInput: Bool
    let force: Bool
    /// The output's mtime when it is not to be the input's (`gunzip -N`: the time stored in the header).
    var restoredModificationTime: FileTime?

    /// What to do with the file.
    enum Plan {
        /// Write the output here.
        case write(DurableFile)
        /// The output exists: check it holds the input's content, then remove the input.
        case verifyExisting
    }

    init(for file: FileEntry, outputName: FileName, outputPath: FilePath, keepInput: Bool, force: Bool) throws {
        guard let status = file.status, let descriptor = file.openDescriptor else {
            throw FileError(path: file.path, reason: .system(.noSuchFileOrDirectory))
        }
        input = file
        inputLocation = try file.resolvedLocation()
        inputDescriptor = descriptor
        inputStatus = status
        outputLocation = inputLocation.sibling(outputName)
        self.outputPath = outputPath
        self.keepInput = keepInput
        self.force = force
    }

    /// Starts the output, or decides to verify the one that exists.
    func plan() throws -> Plan {
        if !force && inputLocation.directory.contains(outputLocation.name) {
            // Only a run that would remove the input can be finishing an interrupted one.
            if keepInput { throw FileError(path: outputPath, reason: .cause(GzipRefusal.alreadyExists)) }
            return .verifyExisting
        }
        return .write(try DurableFile(at: outputLocation, destination: outputPath, permissions: [.ownerRead, .ownerWrite]))
    }

    /// Publishes `output` with the input's metadata, then removes the input unless it is kept.
    func commit(_ output: DurableFile) throws -> OriginalRemoval.Outcome? {
        try output.copyMetadata(from: outputMetadata)
        do {
            try output.commit(replacing: force)
        } catch {
            throw Self.publishingError(error, outputPath: outputPath)
        }
        return keepInput ? nil : try removeInput()
    }

    /// `output`, with the input's metadata, to be published with others by ``PendingPublication``.
    /// The input's descriptor is duplicated: the reader closes its own once the file is read, and the
    /// removal needs the very open file (its identity, its lease).
    func deferred(_ output: DurableFile) throws -> PendingPublication {
        try output.copyMetadata(from: outputMetadata)
        let duplicate: FileDescriptor
        do {
            duplicate = try inputDescriptor.duplicate()
        } catch {
            throw FileError.from(error, path: input.path)
        }
        var replacement = self
        replacement.inputDescriptor = duplicate
        return PendingPublication(replacement: replacement, output: output)
    }

    /// What a failed publication means: a name that appeared while the output was written is
    /// someone else's, kept.
    static func publishingError(_ error: FileError, outputPath: FilePath) -> FileError {
        error.errno == .fileExists ? FileError(path: outputPath, reason: .cause(GzipRefusal.alreadyExists)) : error
    }

    /// After the output is durable under its name: removes the input unless it is kept, leaving
    /// its directory for the caller to make durable.
    func removeInputUnlessKept() throws -> OriginalRemoval.Outcome? {
        keepInput ? nil : try removeInput(synchronizing: false)
    }

    /// What the output gets of the input's metadata: all of it, but for a restored mtime.
    private var outputMetadata: FileStatus {
        var status = inputStatus
        if let restoredModificationTime { status.modificationTime = restoredModificationTime }
        return status
    }

    /// After ``Plan/verifyExisting``: removes the input if the existing output's uncompressed content
    /// (decoded when `outputIsCompressed`) has `digest` and `length`, as the input's does.
    func finishInterrupted(digest: [UInt8], length: UInt64, outputIsCompressed: Bool) throws -> OriginalRemoval.Outcome {
        let existing = try? Self.contentDigest(of: outputLocation, decoding: outputIsCompressed)
        guard let existing, existing.digest == digest, existing.length == length else {
            throw FileError(path: outputPath, reason: .cause(GzipRefusal.alreadyExists))
        }
        return try removeInput()
    }

    private func removeInput(synchronizing: Bool = true) throws -> OriginalRemoval.Outcome {
        do {
            return try OriginalRemoval.remove(
                inputLocation, openAs: inputDescriptor, asRead: inputStatus, synchronizing: synchronizing)
        } catch {
            throw FileError(path: input.path, reason: .system(error))
        }
    }

    /// SHA-256 and length of a regular file's content (decoded from gzip when `decoding`), read
    /// through its directory without following links and in bounded memory.
    private static func contentDigest(of location: FileLocation, decoding: Bool) throws -> (digest: [UInt8], length: UInt64) {
        let file = try location.directory.openForReading(location.name)
        defer { try? file.close() }
        guard try file.status().isRegularFile else { throw Errno.invalidArgument }
        var hash = LibcryptoHash(.sha256)
        var length: UInt64 = 0
        let decoder = decoding ? GzipDecoder() : nil
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try file.read(into: buffer)
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            if let decoder {
                try decoder.feed(chunk) { decoded in
                    hash.update(bufferPointer: decoded)
                    length += UInt64(decoded.count)
                }
            } else {
                hash.update(bufferPointer: chunk)
                length += UInt64(count)
            }
        }
        try decoder?.finish()
        return (hash.finalize(), length)
    }
}
