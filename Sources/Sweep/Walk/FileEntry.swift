import SystemPackage

/// A file to process: its path as raw bytes, and what `stat` said of it when it was found.
///
/// The walker fills in ``status`` when it needs it (age filters, compression); otherwise the reader's
/// `fstat` after opening supplies it. A path handed to the pipeline directly gets it when opened.
///
/// ```swift
/// let entry = FileEntry(path: "logs/app.log")
/// print(entry.path, entry.status?.size as Any)
/// ```
public struct FileEntry: Sendable, Hashable {
    /// The path exactly as it was found or given: bytes, not a lossy `String`. It is what is printed;
    /// the file itself is reached through the directory the walk holds open.
    public var path: FilePath
    /// The file's metadata, when known.
    public var status: FileStatus?
    /// Whether this entry stands for standard input (`-` on the command line).
    public var isStandardInput: Bool

    /// The directory the walk holds open and the file's name in it; `nil` for a path given directly,
    /// which is then opened as a root is.
    package var location: FileLocation?
    /// Whether a symbolic link in the entry's own name is followed: roots named by the user (as
    /// `sha256sum` follows them) and links met under `-L`; never otherwise.
    package var followsLink = true
    /// A FIFO or device named as a root under ``WalkOptions/readsNamedStreams``: read like standard
    /// input, to its end, though it is no regular file.
    package var isNamedStream = false
    /// While a stage processes the file: the descriptor the reader opened, so that the stage acts on
    /// the very file that was read (a lease, a last check before removing it).
    package var openDescriptor: FileDescriptor?

    /// An entry for `path`, optionally with metadata already known.
    public init(path: FilePath, status: FileStatus? = nil) {
        self.path = path
        self.status = status
        self.isStandardInput = false
    }

    package init(path: FilePath, status: FileStatus?, location: FileLocation?, followsLink: Bool) {
        self.init(path: path, status: status)
        self.location = location
        self.followsLink = followsLink
    }

    /// Standard input, named `-` as coreutils names it.
    public static var standardInput: FileEntry {
        var entry = FileEntry(path: "-")
        entry.isStandardInput = true
        return entry
    }

    /// The entry as a result carries it: without the held directory, so that results kept by a
    /// caller (a million of them, say) hold no descriptors open.
    package var detached: FileEntry {
        var entry = self
        entry.location = nil
        entry.openDescriptor = nil
        return entry
    }

    /// Where the file is, opening the directory of a path given directly if need be.
    package func resolvedLocation() throws(Errno) -> FileLocation {
        if let location { return location }
        let (directory, name) = try DirectoryHandle.openParent(of: path)
        return FileLocation(directory: directory, name: name)
    }
}
