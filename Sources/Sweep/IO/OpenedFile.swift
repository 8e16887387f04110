import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file opened for reading, with the status it had when opened, so that a change during the read
/// (a writer appending, a truncation, a replacement) is caught instead of producing a wrong result.
///
/// A file the walk found is opened through the directory the walk holds, with `O_NOFOLLOW` and
/// `O_NONBLOCK`, and read only if `fstat` says it is a regular file and still the one the walk saw:
/// a link or a FIFO swapped in after the walk is refused, never followed or waited on.
package struct OpenedFile {
    package let descriptor: CInt
    /// The entry with the status `fstat` gave at open.
    package let entry: FileEntry
    /// Whether positional reads work (a regular file); standard input may be a pipe.
    package let isSeekable: Bool
    package let ownsDescriptor: Bool

    /// Opens `entry`, refusing a file that is no longer the one the walker found.
    package static func open(_ entry: FileEntry) -> Result<OpenedFile, FileError> {
        if entry.isStandardInput {
            var info = stat()
            var updated = entry
            let seekable = fstat(STDIN_FILENO, &info) == 0 && FileStatus(info).isRegularFile
                && lseek(STDIN_FILENO, 0, SEEK_CUR) == 0
            if seekable { updated.status = FileStatus(info) }
            return .success(OpenedFile(descriptor: STDIN_FILENO, entry: updated, isSeekable: seekable, ownsDescriptor: false))
        }
        let file: FileDescriptor
        let status: FileStatus
        do {
            if let location = entry.location {
                file = try location.directory.openForReading(location.name, followingLinks: entry.followsLink)
            } else {
                file = try openNamed(entry.path)
            }
            status = try file.status()
        } catch {
            return .failure(FileError(path: entry.path, reason: .system(error)))
        }
        func refuse(_ reason: FileError.Reason) -> Result<OpenedFile, FileError> {
            try? file.close()
            return .failure(FileError(path: entry.path, reason: reason))
        }
        if status.isDirectory { return refuse(.system(.isDirectory)) }
        // A file the walk listed must still be a regular file; a path named directly (a manifest
        // line) may also be a character device such as /dev/null, as sha256sum reads it, and a FIFO
        // or device named as a root (`sweep sum <(cmd)`) is read as the stream it is.
        let isCharacterDevice = status.mode & UInt32(S_IFMT) == UInt32(S_IFCHR)
        let namedStream = entry.location == nil && (isCharacterDevice || (entry.isNamedStream && status.isStream))
        if !status.isRegularFile && !namedStream {
            return refuse(.notARegularFile(kind: status.kindDescription))
        }
        if let expected = entry.status, expected.identity != status.identity {
            return refuse(.changedWhileReading)
        }
        var opened = entry
        opened.status = status
        opened.openDescriptor = file
        if status.isRegularFile && status.size > 1 << 20 {
            _ = posix_fadvise(file.rawValue, 0, 0, POSIX_FADV_SEQUENTIAL)
        }
        return .success(OpenedFile(descriptor: file.rawValue, entry: opened, isSeekable: status.isRegularFile, ownsDescriptor: true))
    }

    /// Opens a path given directly (not found by a walk), following links as a root is followed;
    /// a path beyond `PATH_MAX` through its directory, opened a component at a time.
    private static func openNamed(_ path: FilePath) throws(Errno) -> FileDescriptor {
        let descriptor = path.withPlatformString { Glibc.open($0, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) }
        if descriptor >= 0 { return FileDescriptor(rawValue: descriptor) }
        let code = Errno(rawValue: errno)
        // A component longer than NAME_MAX can never be opened: say so without copying the path.
        guard code == .fileNameTooLong, !path.hasOverlongComponent else { throw code }
        let (directory, name) = try DirectoryHandle.openParent(of: path)
        return try directory.openForReading(name, followingLinks: true)
    }

    /// The entry as a stage sees it: with its status and the open descriptor, so that the stage acts
    /// on the very file that is read. (Kept in ``entry`` from the open on: a copy per file was
    /// measurable; results drop the descriptor with ``FileEntry/detached``.)
    package var entryForStage: FileEntry { entry }

    /// The size the read should stop at, or `nil` to read to the end: a file that says it is empty
    /// (procfs) or one page long (sysfs) may hold something else, so those are read until `read`
    /// says there is no more.
    package var expectedSize: Int64? {
        guard isSeekable, let size = entry.status?.size, size != 0, size != 4096 else { return nil }
        return size
    }

    /// Checks, after the last byte was read, that the file is still what it was when opened.
    package func verifyUnchanged(bytesRead: Int64) -> FileError? {
        guard isSeekable, let before = entry.status else { return nil }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .lastSystemError(entry.path) }
        let after = FileStatus(info)
        if after.identity != before.identity || after.size != before.size || after.modificationTime != before.modificationTime {
            return FileError(path: entry.path, reason: .changedWhileReading)
        }
        // The same size and time, yet a different length read: a pseudo file (procfs, sysfs) whose
        // size is a placeholder, read to its end; on a real file system, a truncation and regrowth.
        if bytesRead != before.size && !SystemInfo.isPseudoFileSystem(descriptor) {
            return FileError(path: entry.path, reason: .changedWhileReading)
        }
        return nil
    }

    /// The same file, no longer closed by ``close()``: for a reader whose channel closes it instead.
    package func handingOverDescriptor() -> OpenedFile {
        OpenedFile(descriptor: descriptor, entry: entry, isSeekable: isSeekable, ownsDescriptor: false)
    }

    package func close() {
        if ownsDescriptor { Glibc.close(descriptor) }
    }
}
