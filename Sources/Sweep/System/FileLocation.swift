/// A file's place as the walk found it: the directory it holds open and the name within it. Every
/// later operation on the file (open, check, rename, remove) goes through these two, never through
/// the path string, which another user could redirect meanwhile.
///
/// ```swift
/// let (directory, name) = try DirectoryHandle.openParent(of: "logs/app.log")
/// let location = FileLocation(directory: directory, name: name)
/// ```
package struct FileLocation: Sendable, Hashable {
    /// The directory holding the file, open.
    package var directory: DirectoryHandle
    /// The file's name in it.
    package var name: FileName

    package init(directory: DirectoryHandle, name: FileName) {
        self.directory = directory
        self.name = name
    }

    package static func == (lhs: FileLocation, rhs: FileLocation) -> Bool {
        lhs.directory === rhs.directory && lhs.name == rhs.name
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(directory))
        hasher.combine(name)
    }

    /// The same directory, another name in it (`app.log` → `app.log.gz`).
    package func sibling(_ name: FileName) -> FileLocation {
        FileLocation(directory: directory, name: name)
    }
}
