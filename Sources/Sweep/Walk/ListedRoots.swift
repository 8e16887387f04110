import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Roots read lazily from a list file, one record at a time: the list is never held whole.
struct ListedRoots: IteratorProtocol {
    private let name: FilePath
    private var reader: DelimitedRecordReader?
    private var openError: FileError?
    private let descriptor: CInt
    private let ownsDescriptor: Bool

    init(file: FilePath?, nulSeparated: Bool) {
        name = file ?? "-"
        if let file {
            descriptor = file.withPlatformString { open($0, O_RDONLY | O_CLOEXEC) }
            ownsDescriptor = descriptor >= 0
            if descriptor < 0 { openError = .lastSystemError(file) }
        } else {
            descriptor = STDIN_FILENO
            ownsDescriptor = false
        }
        if descriptor >= 0 {
            reader = DelimitedRecordReader(
                fileDescriptor: descriptor, delimiter: nulSeparated ? 0 : UInt8(ascii: "\n"))
        }
    }

    mutating func next() -> DirectoryWalker.RootPath? {
        if let error = openError {
            openError = nil
            return .unreadable(error)
        }
        guard reader != nil else { return nil }
        do {
            // A blank line names no file (find never prints one): passed over, not an error.
            while let record = try reader!.next() {
                if !record.isEmpty { return .path(record) }
            }
        } catch {
            reader = nil
            finish()
            return .unreadable(FileError(path: name, reason: .system(error)))
        }
        reader = nil
        finish()
        return nil
    }

    private func finish() {
        if ownsDescriptor { close(descriptor) }
    }
}
