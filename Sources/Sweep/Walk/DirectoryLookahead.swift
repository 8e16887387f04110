#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Opens and lists, on a thread of its own, the subdirectories the walk will enter next, while the
/// walk goes through the entries of the current one: a directory's system calls (`openat`, `fstat`,
/// `getdents64`) and its sort then overlap the walk's work per entry, and a tree of many small
/// directories is walked at the pace of the slower of the two instead of their sum.
///
/// Each directory is opened exactly as the walk in line opens it (relative to its parent's held
/// descriptor, `O_NOFOLLOW` unless links are followed), only earlier. Bounded: at most
/// ``finishedLimit`` listings wait untaken, so the lookahead holds at most that many descriptors
/// and listings beyond the walk's own. The walk takes a listing when it reaches its name; one not
/// yet started is taken back and done in line.
///
/// Scoped: the thread starts with the first directory that has subdirectories, and the owner's
/// release stops it, waits for it, and closes every directory it opened.
final class DirectoryLookahead {
    /// A directory opened and listed: what the walk needs to enter it.
    struct Listed: Sendable {
        let directory: DirectoryHandle
        let identity: FileIdentity
        let names: DirectoryListing

        /// Opens (with `opening`, an `openat` through the parent's held descriptor) and lists a
        /// directory: the walk's one way of entering one.
        static func make(_ opening: () throws(Errno) -> DirectoryHandle) throws(Errno) -> Listed {
            let directory = try opening()
            let identity = try directory.status().identity
            return Listed(directory: directory, identity: identity, names: try DirectoryListing.read(directory))
        }
    }

    /// One subdirectory to list ahead: its place in its parent's listing, and how to open it.
    final class Slot: @unchecked Sendable {
        /// The subdirectory's index in its parent's listing.
        let index: Int
        fileprivate let parent: DirectoryHandle
        fileprivate let name: FileName
        fileprivate let followsLinks: Bool
        // Guarded by the lookahead's lock.
        fileprivate var state = State.pending

        fileprivate enum State {
            case pending, running, taken
            /// Listed, or `nil` if that failed: the walk then lists it in line, where a failure
            /// that was only the moment's (out of descriptors) may not recur, and is reported if it does.
            case done(Listed?)
        }

        /// A slot for the subdirectory `name` at `index` of `parent`'s listing.
        init(index: Int, parent: DirectoryHandle, name: FileName, followsLinks: Bool) {
            self.index = index
            self.parent = parent
            self.name = name
            self.followsLinks = followsLinks
        }
    }

    /// The subdirectories of one directory on the walk's stack, in listing order.
    final class Level: @unchecked Sendable {
        let slots: [Slot]
        /// Slots before this one are no longer pending. Guarded by the lookahead's lock.
        fileprivate var firstPending = 0

        fileprivate init(slots: [Slot]) { self.slots = slots }
    }

    /// Listings done and not yet taken, at most.
    static let finishedLimit = 8

    private let shared: Shared
    private var thread: pthread_t?
    /// Whether the thread was started (or failed to start: then every slot is listed in line).
    private var started = false

    init() {
        shared = Shared()
    }

    deinit {
        shared.lock.withLock {
            shared.stopping = true
            shared.lock.broadcast()
        }
        if let thread { pthread_join(thread, nil) }
    }

    /// Registers the subdirectories of a directory the walk just entered (deepest last), starting
    /// the thread if need be. Every level entered is left with ``leave()``.
    func enter(_ slots: [Slot]) -> Level {
        let level = Level(slots: slots)
        shared.lock.withLock {
            shared.levels.append(level)
            if !slots.isEmpty && shared.threadWaits { shared.lock.broadcast() }
        }
        if !started && !slots.isEmpty { start() }
        return level
    }

    /// The walk left the deepest directory: listings of its subdirectories not taken are dropped.
    func leave() {
        shared.lock.withLock {
            guard let level = shared.levels.popLast() else { return }
            for slot in level.slots {
                // A slot the thread is at is let go too: it sees that and drops the listing.
                if case .done = slot.state { shared.finished -= 1 }
                slot.state = .taken
            }
            if shared.threadWaits { shared.lock.broadcast() }
        }
    }

    /// The listing of `slot` (of `level`); `nil` if the thread has not made it or it no longer holds,
    /// in which case the walk lists it in line. While the thread is at it, the walk lists the
    /// level's next pending slots itself rather than wait, so both cores list when listing is what
    /// limits the walk.
    func take(_ slot: Slot, of level: Level) -> Listed? {
        /// What the walk does next: help with another slot, or go on with what `slot` gave.
        enum Step {
            case help(Slot)
            case taken(Listed?)
        }
        while true {
            let step = shared.lock.withLock(when: {
                if case .running = slot.state {
                    let canHelp = shared.finished < Self.finishedLimit && shared.pendingSlot(in: level) != nil
                    shared.walkWaits = !canHelp
                    return canHelp
                }
                return true
            }) { () -> Step in
                shared.walkWaits = false
                if case .running = slot.state {
                    let other = shared.pendingSlot(in: level)!
                    other.state = .running
                    return .help(other)
                }
                defer { slot.state = .taken }
                guard case .done(let listed) = slot.state else { return .taken(nil) }
                shared.finished -= 1
                // The thread, once full, is woken only when half the listings are taken: it then lists
                // several in a row instead of being woken (a futex call each way) for every one.
                if shared.threadWaits && shared.finished <= Self.finishedLimit / 2 { shared.lock.broadcast() }
                return .taken(listed)
            }
            switch step {
            case .help(let other):
                shared.list(other)
            case .taken(let listed):
                // The walk enters the directory its name holds now, as it would in line: a listing
                // made early counts only if that name still leads to the same directory. One removed
                // or replaced since is listed again in line.
                guard let listed, let now = try? slot.parent.status(of: slot.name, followingLinks: slot.followsLinks),
                      now.identity == listed.identity else { return nil }
                return listed
            }
        }
    }

    private func start() {
        started = true
        var created = pthread_t()
        let context = Unmanaged.passRetained(shared).toOpaque()
        let result = pthread_create(&created, nil, { context in
            Unmanaged<Shared>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        if result == 0 {
            thread = created
        } else {
            // No thread: every slot stays pending, and the walk lists each in line.
            Unmanaged<Shared>.fromOpaque(context).release()
        }
    }

    /// What the walk and the thread share, under `lock`.
    private final class Shared: @unchecked Sendable {
        let lock = ConditionLock()
        var levels: [Level] = []
        var finished = 0
        var stopping = false
        /// Who sleeps on the condition, so that the other wakes it only then.
        var threadWaits = false
        var walkWaits = false

        /// The deepest level's first pending slot: the directory the walk will want soonest.
        private func nextPending() -> Slot? {
            for level in levels.reversed() {
                if let slot = pendingSlot(in: level) { return slot }
            }
            return nil
        }

        /// The first pending slot of `level`.
        func pendingSlot(in level: Level) -> Slot? {
            while level.firstPending < level.slots.count {
                let slot = level.slots[level.firstPending]
                if case .pending = slot.state { return slot }
                level.firstPending += 1
            }
            return nil
        }

        /// Lists `slot`, which the caller marked running, and hands the result over.
        func list(_ slot: Slot) {
            let listed = try? Listed.make { () throws(Errno) in
                try slot.parent.openDirectory(slot.name, followingLinks: slot.followsLinks)
            }
            lock.withLock {
                // The walk may have left the parent meanwhile; the listing is then dropped.
                guard case .running = slot.state else { return }
                slot.state = .done(listed)
                finished += 1
                if walkWaits { lock.broadcast() }
            }
        }

        func run() {
            while true {
                let slot: Slot? = lock.withLock(when: {
                    let ready = self.stopping || (self.finished < finishedLimit && self.nextPending() != nil)
                    self.threadWaits = !ready
                    return ready
                }) {
                    guard !stopping, let slot = nextPending() else { return nil }
                    slot.state = .running
                    return slot
                }
                guard let slot else { return }
                list(slot)
            }
        }
    }
}
