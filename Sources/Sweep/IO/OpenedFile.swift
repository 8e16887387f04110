import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for reading, with the status it had when opened, so that a change during the read
/// (a writer appending, a truncation, a replacement) is caught instead of producing a wrong result.
package struct OpenedFile {
    package let descriptor: CInt
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
        var descriptor = entry.path.withPlatformString { Glibc.open($0, O_RDONLY | O_CLOEXEC) }
        if descriptor < 0 && errno == ENAMETOOLONG {
            // A walk can reach paths longer than PATH_MAX; open them a directory at a time.
            descriptor = openComponentwise(entry.path.bytes)
        }
        guard descriptor >= 0 else { return .failure(.lastSystemError(entry.path)) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let error = FileError.lastSystemError(entry.path)
            Glibc.close(descriptor)
            return .failure(error)
        }
        let status = FileStatus(info)
        if let expected = entry.status, expected.identity != status.identity {
            Glibc.close(descriptor)
            return .failure(FileError(path: entry.path, reason: .changedWhileReading))
        }
        if status.isDirectory {
            Glibc.close(descriptor)
            return .failure(FileError(path: entry.path, reason: .system(.isDirectory)))
        }
        var opened = entry
        opened.status = status
        if status.isRegularFile && status.size > 1 << 20 {
            _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
        }
        return .success(OpenedFile(descriptor: descriptor, entry: opened, isSeekable: status.isRegularFile, ownsDescriptor: true))
    }

    /// Opens `path` by `openat` from directory to directory, so that no single call sees more than
    /// one component: the way to reach a file whose path exceeds PATH_MAX. Returns -1 with `errno`
    /// set on failure.
    private static func openComponentwise(_ path: [UInt8]) -> CInt {
        var components = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        guard let last = components.popLast() else { return -1 }
        var directory = path.first == UInt8(ascii: "/") ? Glibc.open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : AT_FDCWD
        for component in components {
            let next = Array(component).withCString { openat(directory, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            let code = errno
            if directory != AT_FDCWD { Glibc.close(directory) }
            guard next >= 0 else {
                errno = code
                return -1
            }
            directory = next
        }
        let file = Array(last).withCString { openat(directory, $0, O_RDONLY | O_CLOEXEC) }
        let code = errno
        if directory != AT_FDCWD { Glibc.close(directory) }
        errno = code
        return file
    }

    /// Checks, after the last byte was read, that the file is still what it was when opened.
    package func verifyUnchanged(bytesRead: Int64) -> FileError? {
        guard isSeekable, let before = entry.status else { return nil }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .lastSystemError(entry.path) }
        let after = FileStatus(info)
        if after.size != before.size || bytesRead != before.size || after.modificationTime != before.modificationTime {
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
