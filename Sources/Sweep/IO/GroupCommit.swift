import CSweepSupport
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Publishes many ``DurableFile``s together, so that a batch of small files pays for durability
/// about once instead of once per file (two `fsync`s per file were most of `gzip`'s time on small
/// files).
///
/// The order is the one ``DurableFile/commit(replacing:)`` keeps for one file, applied to the batch:
/// every file's content is made durable first, then each is given its name, then each directory
/// that got a name is made durable, once. Only after ``publish(_:)`` returns may the caller remove
/// the originals: a crash at any moment leaves each file either unnamed (nothing, since the
/// content lives in an `O_TMPFILE`) or named and whole.
///
/// The content is made durable by starting write-back on every file (`sync_file_range`), then one
/// `syncfs` per file system that holds two or more of them (a lone file is `fsync`ed). On a
/// journalled file system each `fsync` flushes the device's write cache even when the first one
/// already committed the journal for all of them: `gzip` of 60 000 small files on ext4 with a
/// journal spent most of its time in those flushes. `syncfs` writes back and flushes once; it also
/// writes back what other programs left dirty on that file system, which a batch waits for.
package enum GroupCommit {
    /// One file to publish, and whether it may replace a name that exists.
    package struct Item {
        package var file: DurableFile
        package var replacing: Bool

        package init(file: DurableFile, replacing: Bool) {
            self.file = file
            self.replacing = replacing
        }
    }

    /// Publishes `items`; returns, for each, `nil` once it is durable under its name, or the error
    /// that stopped it (then it has no name, or — when only its directory could not be made durable
    /// — a name that may not survive a crash; either way its original must stay).
    package static func publish(_ items: [Item]) -> [FileError?] {
        var errors = [FileError?](repeating: nil, count: items.count)
        for item in items {
            _ = sweep_start_write_back(item.file.descriptor.rawValue)
        }
        let directories = byDirectory(items)
        for members in byFileSystem(directories) {
            let descriptor = items[members[0]].file.descriptor.rawValue
            // syncfs reports a write-back error anywhere on the file system: it keeps every
            // original of the batch there, which is safe, if more than the one file needed.
            let synced = members.count == 1 ? fsync(descriptor) : sweep_sync_file_system(descriptor)
            guard synced != 0 else { continue }
            let code = Errno(rawValue: errno)
            for index in members {
                errors[index] = FileError(path: items[index].file.destination, reason: .system(code))
                items[index].file.discard()
            }
        }
        for (index, item) in items.enumerated() where errors[index] == nil {
            do throws(FileError) {
                try item.file.publish(replacing: item.replacing)
            } catch {
                errors[index] = error
            }
        }
        // Each directory is made durable once, after every name in it was given.
        for (handle, members) in directories {
            let named = members.filter { errors[$0] == nil }
            guard !named.isEmpty else { continue }
            do throws(Errno) {
                try handle.synchronize()
            } catch {
                for index in named { errors[index] = FileError(path: items[index].file.destination, reason: .system(error)) }
            }
        }
        return errors
    }

    /// The indices of `items`, grouped by the directory they are named in.
    private static func byDirectory(_ items: [Item]) -> [(handle: DirectoryHandle, members: [Int])] {
        var directories: [(handle: DirectoryHandle, members: [Int])] = []
        for (index, item) in items.enumerated() {
            if let known = directories.firstIndex(where: { $0.handle === item.file.directory }) {
                directories[known].members.append(index)
            } else {
                directories.append((item.file.directory, [index]))
            }
        }
        return directories
    }

    /// The indices of the items of `directories`, grouped by the file system that holds them (each
    /// directory asked once); the items of a directory that cannot say are each a group of their own.
    private static func byFileSystem(_ directories: [(handle: DirectoryHandle, members: [Int])]) -> [[Int]] {
        var groups: [(device: UInt64?, members: [Int])] = []
        for (handle, members) in directories {
            guard let device = try? handle.status().identity.device else {
                groups += members.map { (nil, [$0]) }
                continue
            }
            if let group = groups.firstIndex(where: { $0.device == device }) {
                groups[group].members += members
            } else {
                groups.append((device, members))
            }
        }
        return groups.map(\.members)
    }
}
