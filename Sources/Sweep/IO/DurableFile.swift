import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file written so that its final name only ever holds complete, durable content.
///
/// The content goes into a file with no name (`O_TMPFILE`) in the destination's directory, held by
/// its descriptor; ``commit(replacing:)`` makes it durable (`fsync`), gives it its name with `linkat`
/// (which never replaces an existing name) and makes the directory durable too. A crash before that
/// leaves nothing at all: no temporary to clean up. Where the file system lacks `O_TMPFILE`, a hidden
/// temporary (`.NAME.sweep-tmp-XXXXXX`, created exclusively) stands in, renamed with
/// `RENAME_NOREPLACE`; it is removed only after checking it is still the file this writer created.
///
/// Every step goes through the directory's descriptor, never a path string.
///
/// Write one with ``write(to:replacing:permissions:isolation:_:)``, which commits the file when its
/// body returns and leaves nothing when it throws:
///
/// ```swift
/// try await DurableFile.write(to: "report.txt", replacing: true) { file in
///     try file.write(Array("every line or none\n".utf8))
/// }
/// ```
public final class DurableFile {
    /// The final path, as given; used in messages.
    public let destination: FilePath
    private let location: FileLocation
    /// The file being written.
    package let descriptor: FileDescriptor
    /// The hidden name of the fallback temporary; `nil` when the file has no name yet.
    private let temporaryName: FileName?
    private var finished = false
    /// The file's status once published under its name (the rename changed its ctime): what a
    /// later run compares with to know the file is still the one written.
    package private(set) var publishedStatus: FileStatus?

    /// Starts a file to be named `location`'s name, with `permissions` (by default those of a new
    /// file: 0666 less the umask). `destination` is the path used in messages.
    package init(at location: FileLocation, destination: FilePath, permissions: FilePermissions? = nil) throws(FileError) {
        self.destination = destination
        self.location = location
        let mode = permissions ?? FilePermissions(rawValue: 0o666 & ~SystemInfo.umask)
        do {
            if let unnamed = try location.directory.makeUnnamedFile(permissions: mode) {
                descriptor = unnamed
                temporaryName = nil
            } else {
                var created: (FileDescriptor, FileName)?
                while created == nil {
                    let name = TemporaryName.make(for: location.name)
                    do {
                        created = (try location.directory.createExclusively(name, permissions: mode), name)
                    } catch .fileExists {
                        continue
                    }
                }
                (descriptor, temporaryName) = created!
                // The umask applies at creation; the caller's permissions are meant exactly.
                _ = fchmod(descriptor.rawValue, mode.rawValue)
            }
        } catch {
            throw FileError(path: destination, reason: .system(error))
        }
    }

    /// Starts a file to be named `path`, through the directory holding it.
    package convenience init(path: FilePath, permissions: FilePermissions? = nil) throws(FileError) {
        let location: FileLocation
        do {
            let (directory, name) = try DirectoryHandle.openParent(of: path)
            location = FileLocation(directory: directory, name: name)
        } catch {
            throw FileError(path: path, reason: .system(error))
        }
        try self.init(at: location, destination: path, permissions: permissions)
    }

    deinit { discard() }

    /// Runs `body` with a new file to be named `path`, then makes its content durable and gives it
    /// that name, and makes the directory durable too: once this returns, the file survives a
    /// crash whole. If `body` throws (or the commit fails), nothing is left under any name and the
    /// error is rethrown; a name that exists is replaced atomically when `replacing` is true, and
    /// otherwise left alone, the call failing with `EEXIST`. `permissions` are exact; by default
    /// 0666 less the umask.
    ///
    /// ```swift
    /// let summary = try await DurableFile.write(to: "lines.txt", replacing: true) { file in
    ///     try await Pipeline(stage: LineCountStage()).run(walking: ["logs"]) { result in
    ///         if let count = result.output {
    ///             try file.write(Array("\(count.lines) ".utf8) + result.path.bytes + [0x0A])
    ///         }
    ///     }
    /// }
    /// ```
    @discardableResult
    public static func write<Result>(
        to path: FilePath, replacing: Bool = false, permissions: FilePermissions? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (DurableFile) async throws -> Result
    ) async throws -> Result {
        let file = try DurableFile(path: path, permissions: permissions)
        let result: Result
        do {
            result = try await body(file)
        } catch {
            file.discard()
            throw error
        }
        try file.commit(replacing: replacing)
        return result
    }

    /// Writes every byte of `bytes` at the end of the file.
    public func write(_ bytes: [UInt8]) throws(FileError) {
        var failure: FileError?
        bytes.withUnsafeBytes { raw in
            do throws(FileError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Writes every byte of `raw`.
    package func write(_ raw: UnsafeRawBufferPointer) throws(FileError) {
        do {
            _ = try descriptor.writeAll(raw)
        } catch {
            throw FileError.from(error, path: destination)
        }
    }

    /// Gives the file `status`'s permission bits, access and modification times (to the nanosecond)
    /// and, when running as root, its owner and group, as gzip does for its outputs.
    package func copyMetadata(from status: FileStatus) throws(FileError) {
        if geteuid() == 0 {
            // Ownership first: chown clears set-id bits, which the chmod then restores.
            _ = fchown(descriptor.rawValue, status.userID, status.groupID)
        }
        if fchmod(descriptor.rawValue, status.permissions.rawValue) != 0 { throw FileError.lastSystemError(destination) }
        var times = [status.accessTime.cTimespec, status.modificationTime.cTimespec]
        if futimens(descriptor.rawValue, &times) != 0 { throw FileError.lastSystemError(destination) }
    }

    /// Makes the content durable and gives it the final name. Without `replacing`, a name that
    /// exists (even one that appeared while this file was written) is left as it is and the commit
    /// fails with `EEXIST`; with it, the name is replaced atomically. On failure nothing is left.
    package func commit(replacing: Bool) throws(FileError) {
        do throws(Errno) {
            if fsync(descriptor.rawValue) != 0 { throw Errno(rawValue: errno) }
        } catch {
            discard()
            throw FileError(path: destination, reason: .system(error))
        }
        try publish(replacing: replacing)
        do throws(Errno) {
            try location.directory.synchronize()
        } catch {
            throw FileError(path: destination, reason: .system(error))
        }
    }

    /// The directory the file is named in.
    package var directory: DirectoryHandle { location.directory }

    /// Gives the file its final name, as ``commit(replacing:)`` does, but without making anything
    /// durable: for ``GroupCommit``, which has made the content durable before (for many files at
    /// once) and makes the directory durable after. On failure nothing is left.
    package func publish(replacing: Bool) throws(FileError) {
        precondition(!finished, "DurableFile committed twice")
        do throws(Errno) {
            let directory = location.directory
            if let temporaryName {
                try directory.rename(temporaryName, to: location.name, replacing: replacing)
            } else if !replacing {
                try directory.link(descriptor, as: location.name)
            } else {
                // linkat cannot replace: link under a fresh hidden name, then rename over the target.
                var hidden = TemporaryName.make(for: location.name)
                while true {
                    do {
                        try directory.link(descriptor, as: hidden)
                        break
                    } catch .fileExists {
                        hidden = TemporaryName.make(for: location.name)
                    }
                }
                do throws(Errno) {
                    try directory.rename(hidden, to: location.name, replacing: true)
                } catch {
                    removeIfStillOurs(hidden)
                    throw error
                }
            }
            finished = true
            publishedStatus = try? descriptor.status()
            try? descriptor.close()
        } catch {
            discard()
            throw FileError(path: destination, reason: .system(error))
        }
    }

    /// Abandons the file: an unnamed one simply vanishes; a fallback temporary is removed if it is
    /// still the file this writer created.
    package func discard() {
        guard !finished else { return }
        finished = true
        if let temporaryName { removeIfStillOurs(temporaryName) }
        try? descriptor.close()
    }

    /// Removes `name` only if it still names the file open here: never a file someone else put there.
    private func removeIfStillOurs(_ name: FileName) {
        guard let ours = try? descriptor.status(), let named = try? location.directory.status(of: name),
              ours.identity == named.identity else { return }
        try? location.directory.remove(name)
    }
}
