import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that its final name only ever holds complete content: a temporary file in the same
/// directory, `fsync`ed, then renamed into place, and the directory `fsync`ed so the rename survives a
/// crash. Until ``commit()`` nothing exists under the final name; ``discard()`` removes the temporary.
///
/// Temporaries are named `.NAME.sweep-tmp-XXXXXX`, recognisable for clean-up after a crash.
package final class AtomicFileWriter {
    /// The final path.
    package let destination: FilePath
    /// The temporary path, in the destination's directory.
    package let temporaryPath: FilePath
    /// The temporary's descriptor, open for writing.
    package let descriptor: CInt
    private var finished = false

    /// The marker in temporary names.
    package static let temporaryMarker = Array(".sweep-tmp-".utf8)

    /// Creates the temporary file beside `destination`, with `permissions`, or by default those of a
    /// new file (0666 less the umask).
    package init(destination: FilePath, permissions: mode_t? = nil) throws(FileError) {
        self.destination = destination
        let bytes = destination.bytes
        let slash = bytes.lastIndex(of: UInt8(ascii: "/"))
        let directory = slash.map { Array(bytes[...$0]) } ?? []
        let name = slash.map { Array(bytes[($0 + 1)...]) } ?? bytes
        var template = directory + [UInt8(ascii: ".")] + name + Self.temporaryMarker + Array("XXXXXX".utf8)
        // Keep the name within NAME_MAX: shorten the copied base name, never the directory.
        let excess = template.count - directory.count - 255
        if excess > 0 {
            template.removeSubrange((directory.count + 1)..<(directory.count + 1 + min(excess, name.count)))
        }
        var cTemplate = template.map { CChar(bitPattern: $0) } + [0]
        let descriptor = mkstemp(&cTemplate)
        guard descriptor >= 0 else { throw FileError.lastSystemError(destination) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        temporaryPath = FilePath(bytes: cTemplate.dropLast().map { UInt8(bitPattern: $0) })
        fchmod(descriptor, permissions ?? (0o666 & ~processUmask))
        self.descriptor = descriptor
    }

    /// Writes every byte of `raw` to the temporary file.
    package func write(_ raw: UnsafeRawBufferPointer) throws(FileError) {
        do {
            try OutputBuffer.writeAll(descriptor, raw)
        } catch {
            throw FileError(path: destination, reason: .system(Errno(rawValue: error.errno)))
        }
    }

    /// Gives the temporary file `status`'s permission bits, access and modification times (to the
    /// nanosecond) and, when running as root, its owner and group, as gzip does for its outputs.
    package func copyMetadata(from status: FileStatus) throws(FileError) {
        if geteuid() == 0 {
            // Ownership first: chown clears set-id bits, which the chmod then restores.
            _ = fchown(descriptor, status.userID, status.groupID)
        }
        if fchmod(descriptor, mode_t(status.permissions)) != 0 { throw FileError.lastSystemError(destination) }
        var times = [
            timespec(tv_sec: Int(status.accessTime.seconds), tv_nsec: Int(status.accessTime.nanoseconds)),
            timespec(tv_sec: Int(status.modificationTime.seconds), tv_nsec: Int(status.modificationTime.nanoseconds)),
        ]
        if futimens(descriptor, &times) != 0 { throw FileError.lastSystemError(destination) }
    }

    /// Makes the content durable and gives it the final name.
    package func commit() throws(FileError) {
        if fsync(descriptor) != 0 { throw FileError.lastSystemError(destination) }
        if close(descriptor) != 0 {
            finished = true
            let error = FileError.lastSystemError(destination)
            _ = temporaryPath.withPlatformString { unlink($0) }
            throw error
        }
        finished = true
        let renamed = temporaryPath.withPlatformString { from in
            destination.withPlatformString { to in rename(from, to) }
        }
        guard renamed == 0 else {
            let error = FileError.lastSystemError(destination)
            _ = temporaryPath.withPlatformString { unlink($0) }
            throw error
        }
        Self.syncDirectory(of: destination)
    }

    /// Whether `name` (a base name) is one of sweep's temporaries.
    package static func isTemporaryName(_ name: [UInt8]) -> Bool {
        name.first == UInt8(ascii: ".") && name.count >= temporaryMarker.count + 7
            && name[name.count - 6 - temporaryMarker.count ..< name.count - 6].elementsEqual(temporaryMarker)
    }

    /// Removes the temporary file; nothing is left under either name.
    package func discard() {
        guard !finished else { return }
        finished = true
        close(descriptor)
        _ = temporaryPath.withPlatformString { unlink($0) }
    }

    deinit {
        if !finished {
            close(descriptor)
            _ = temporaryPath.withPlatformString { unlink($0) }
        }
    }

    /// `fsync`s the directory holding `path`, so that a rename or unlink in it is durable.
    package static func syncDirectory(of path: FilePath) {
        let bytes = path.bytes
        let directory = bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 == 0 ? [UInt8(ascii: "/")] : Array(bytes[..<$0]) }
            ?? [UInt8(ascii: ".")]
        let descriptor = FilePath(bytes: directory).withPlatformString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

}

/// The process's umask, read from /proc rather than by `umask(0)` and back, which would race with
/// other threads creating files; 022 where /proc is not there.
private let processUmask: mode_t = {
    let descriptor = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return 0o022 }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = read(descriptor, &buffer, buffer.count)
    guard count > 0 else { return 0o022 }
    let text = String(decoding: buffer[..<count], as: UTF8.self)
    for line in text.split(separator: "\n") where line.hasPrefix("Umask:") {
        if let mask = mode_t(line.dropFirst("Umask:".count).trimmingPrefix(while: { $0 == "\t" || $0 == " " }), radix: 8) {
            return mask
        }
    }
    return 0o022
}()
