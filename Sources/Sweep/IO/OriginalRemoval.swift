import SystemPackage

/// Removes an original once its replacement is durable (gzip's `FILE` after `FILE.gz`, gunzip's
/// `FILE.gz` after `FILE`) — but only the file that was read, only if nothing changed it since, and
/// only if no other process has it open, so that no byte appended by a writer can be lost.
///
/// The steps, all through the directory the walk holds:
/// 1. the name must still refer to the open file, with the size, modification and change times it
///    had when it was read;
/// 2. a write lease is taken on the open file ( ``WriteLease``): refused if anyone else has it open;
///    once held, anyone who opens the file breaks it (and waits);
/// 3. the file is renamed to a hidden name and checked to be ours again (a swap of names between the
///    check and the rename is caught);
/// 4. if the lease is still intact, nobody opened the file since step 2: the hidden name is removed.
///    Otherwise the file is renamed back (or, if its name was taken meanwhile, kept under the hidden
///    name) and the caller is told.
///
/// Where a lease cannot be had (another user's file without `CAP_LEASE`, a file system without
/// leases), steps 1 and 3 still hold, and a writer that opens the file in the microseconds between
/// the last check and the removal is the one case not caught.
package enum OriginalRemoval {
    /// What happened to the original.
    package enum Outcome: Sendable, Equatable {
        /// Removed.
        case removed
        /// Left in place, for this reason.
        case kept(KeptReason)
    }

    /// Why an original was left in place.
    package enum KeptReason: Sendable, Equatable, CustomStringConvertible {
        /// It changed (or was replaced) after it was read.
        case changed
        /// Another process has it open.
        case openElsewhere
        /// Another process opened it while it was being removed; it is back under its name, or under
        /// the hidden name given when its own name was taken meanwhile.
        case openedDuringRemoval(keptAs: [UInt8]?)
        /// It is no longer there.
        case gone

        /// In words, after the file's name.
        package var description: String {
            switch self {
            case .changed: "changed after it was read; original kept"
            case .openElsewhere: "is open in another process; original kept"
            case .openedDuringRemoval(nil): "was opened by another process while being removed; original kept"
            case .openedDuringRemoval(let name?):
                "was opened by another process while being removed; original kept as \(String(decoding: name, as: UTF8.self))"
            case .gone: "vanished after it was read"
            }
        }
    }

    /// Removes `location` if it is still the file open as `descriptor`, unchanged since `status`
    /// (taken when it was opened), and open nowhere else.
    /// With `synchronizing` false the directory is not made durable after the removal: the caller
    /// does it once for many removals (``PendingPublication``).
    package static func remove(
        _ location: FileLocation, openAs descriptor: FileDescriptor, asRead status: FileStatus,
        synchronizing: Bool = true
    ) throws(Errno) -> Outcome {
        let directory = location.directory
        // After the rename the change time has moved (a rename sets it): there identity, size and
        // modification time are what can be compared.
        func unchanged(_ name: FileName, renamed: Bool = false) throws(Errno) -> Bool {
            let named: FileStatus
            do {
                named = try directory.status(of: name)
            } catch .noSuchFileOrDirectory {
                return false
            }
            var current = try descriptor.status()
            if renamed { current.changeTime = status.changeTime }
            return named.identity == status.identity && current.isUnchanged(comparedTo: status)
        }
        guard directory.contains(location.name) else { return .kept(.gone) }
        guard try unchanged(location.name) else { return .kept(.changed) }

        var lease: WriteLease?
        switch WriteLease.take(on: descriptor) {
        case .held(let held): lease = held
        case .fileIsOpenElsewhere: return .kept(.openElsewhere)
        case .unavailable: lease = nil
        }
        defer { lease?.release() }
        // A write between the first check and the lease shows here; none can follow unseen.
        guard try unchanged(location.name) else { return .kept(.changed) }

        var hidden = TemporaryName.make(for: location.name)
        while true {
            do {
                try directory.rename(location.name, to: hidden, replacing: false)
                break
            } catch .fileExists {
                hidden = TemporaryName.make(for: location.name)
            }
        }
        func putBack() -> Outcome {
            do {
                try directory.rename(hidden, to: location.name, replacing: false)
                return .kept(.openedDuringRemoval(keptAs: nil))
            } catch {
                return .kept(.openedDuringRemoval(keptAs: Array(hidden.bytes)))
            }
        }
        // The name could have been swapped for another file between the check and the rename.
        guard try unchanged(hidden, renamed: true) else {
            let outcome = putBack()
            return outcome == .kept(.openedDuringRemoval(keptAs: nil)) ? .kept(.changed) : outcome
        }
        if let lease, !lease.isIntact { return putBack() }
        try directory.remove(hidden)
        if synchronizing { try? directory.synchronize() }
        return .removed
    }
}
