/// The order in which ``Walker`` lists files, as a comparison of their printed paths: what
/// `sweep merge` needs to interleave the parts of a sharded run exactly as one run would have
/// listed them.
///
/// Within a root, the walk takes each directory's names in byte order and walks a subdirectory at
/// its name's place, so `a/z` comes before `a-b` and `a.txt`. That is the byte order of the paths
/// below the root with `/` ranked before every other byte (no name contains `/` or NUL). Roots come
/// in the order they were given.
///
/// ```swift
/// let order = WalkOrder(roots: [Array("logs".utf8)])
/// var position = WalkOrder.Position()
/// let key = order.key(of: Array("logs/a/z".utf8), from: &position)
/// ```
public struct WalkOrder: Sendable {
    /// A file's place in the walk: its root's number, and its path below that root.
    public struct Key: Sendable, Comparable {
        /// The root it was found under, in command-line order.
        public var root: Int
        /// The path below the root (the root's own path for a file named as a root).
        public var relative: ArraySlice<UInt8>

        /// Whether `lhs` is walked before `rhs`.
        public static func < (lhs: Key, rhs: Key) -> Bool {
            if lhs.root != rhs.root { return lhs.root < rhs.root }
            return WalkOrder.precedes(lhs.relative, rhs.relative)
        }

        /// Whether both name the same file of the same root.
        public static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.root == rhs.root && lhs.relative.elementsEqual(rhs.relative)
        }
    }

    /// Where a part's reading has got to among the roots: a part lists its roots in order, so a
    /// path is looked for under the current root first.
    public struct Position: Sendable {
        var root = 0

        /// The first root.
        public init() {}
    }

    /// The roots as given on the command line, in order.
    public let roots: [[UInt8]]

    /// The order of a walk over `roots`.
    public init(roots: [[UInt8]]) {
        self.roots = roots
    }

    /// The key of a printed `path`, or nil if it lies under none of the roots from `position` on.
    public func key(of path: [UInt8], from position: inout Position) -> Key? {
        var index = position.root
        while index < roots.count {
            if let relative = Self.relative(path, below: roots[index]) {
                position.root = index
                return Key(root: index, relative: relative)
            }
            index += 1
        }
        return nil
    }

    /// The key of a printed `path` as bytes whose plain byte order (`memcmp`, SQLite's order of
    /// blobs) is the walk order, or nil if it lies under none of the roots from `position` on: the
    /// root's number in four big-endian bytes, then the path below it with each `/` as a NUL, the
    /// one byte no name holds, so that it sorts before every other byte as ``precedes(_:_:)`` ranks
    /// it. A file named as a root has nothing after its root's number, so that no two paths share
    /// a key (root `a` a file once, a directory holding `a/a` later).
    package func sortKey(of path: [UInt8], from position: inout Position) -> [UInt8]? {
        var bytes: [UInt8] = []
        return appendSortKey(of: path, from: &position, to: &bytes) ? bytes : nil
    }

    /// Appends ``sortKey(of:from:)`` to `bytes`, without allocating a key per path: false (and
    /// nothing appended) for a path under none of the roots from `position` on.
    package func appendSortKey(of path: [UInt8], from position: inout Position, to bytes: inout [UInt8]) -> Bool {
        guard let key = key(of: path, from: &position) else { return false }
        bytes.reserveCapacity(bytes.count + 4 + key.relative.count)
        withUnsafeBytes(of: UInt32(clamping: key.root).bigEndian) { bytes.append(contentsOf: $0) }
        guard path != roots[key.root] else { return true }
        for byte in key.relative { bytes.append(byte == UInt8(ascii: "/") ? 0 : byte) }
        return true
    }

    /// The path below `root` as the walk prints it: `root/…` (`root…` when the root ends in `/`),
    /// or the root itself for a file named as one.
    static func relative(_ path: [UInt8], below root: [UInt8]) -> ArraySlice<UInt8>? {
        if path == root { return path[...] }
        guard path.count > root.count, path.starts(with: root) else { return nil }
        if root.last == UInt8(ascii: "/") { return path[root.count...] }
        guard path[root.count] == UInt8(ascii: "/") else { return nil }
        return path[(root.count + 1)...]
    }

    /// Byte order with `/` first: a directory's whole subtree sorts at its name's place.
    static func precedes(_ lhs: ArraySlice<UInt8>, _ rhs: ArraySlice<UInt8>) -> Bool {
        var left = lhs.startIndex
        var right = rhs.startIndex
        while left < lhs.endIndex && right < rhs.endIndex {
            let a = lhs[left], b = rhs[right]
            if a != b {
                if a == UInt8(ascii: "/") { return true }
                if b == UInt8(ascii: "/") { return false }
                return a < b
            }
            left += 1
            right += 1
        }
        return left == lhs.endIndex && right < rhs.endIndex
    }
}
