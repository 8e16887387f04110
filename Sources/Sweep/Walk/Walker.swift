import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists the regular files under some roots as ``WalkEvents``, an async sequence of
/// ``WalkEvent``s pulled on demand.
///
/// The walk is produced only as fast as it is consumed, so it never runs more than a step ahead of
/// the workers, whatever the size of the tree. Within a directory, entries come in byte order of
/// their names and each subdirectory is walked at its own place in that order.
///
/// ```swift
/// let walker = Walker(roots: ["/var/log/app"])
/// for await event in walker.events() {
///     if case .file(let entry) = event { print(entry.path) }
/// }
/// ```
public struct Walker: Sendable {
    /// Where the roots come from.
    public enum Roots: Sendable {
        /// These paths, in this order.
        case paths([FilePath])
        /// One path per record of a list file (`--files-from`), `nil` meaning standard input; records end in
        /// NUL when `nulSeparated` (as `find -print0` writes them), else in a newline.
        case listFile(FilePath?, nulSeparated: Bool)
    }

    /// Where the roots come from.
    public var roots: Roots
    /// Filters and link handling.
    public var options: WalkOptions

    /// A walker over `roots`.
    public init(roots: [FilePath], options: WalkOptions = WalkOptions()) {
        self.roots = .paths(roots)
        self.options = options
    }

    /// A walker over the roots of `source`.
    public init(_ source: Roots, options: WalkOptions = WalkOptions()) {
        self.roots = source
        self.options = options
    }

    /// The walk, one event at a time; each iteration starts a new walk.
    public func events() -> WalkEvents {
        WalkEvents(walker: self)
    }

    package func makeDirectoryWalker() -> DirectoryWalker {
        switch roots {
        case .paths(let paths):
            return DirectoryWalker(paths: paths, options: options)
        case .listFile(let file, let nulSeparated):
            return DirectoryWalker(roots: ListedRoots(file: file, nulSeparated: nulSeparated), options: options)
        }
    }
}
