import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A write lease (`fcntl(F_SETLEASE, F_WRLCK)`) on an open file: the kernel grants it only while no
/// other process has the file open, and breaks it when one tries to open it (the opener waits until
/// the lease is released). Held across the last check and the removal of an original, it proves that
/// no writer had the file open and none opened it meanwhile, so no byte appended can be lost.
///
/// The owner of the file, and root (`CAP_LEASE`), may take one; where it is refused for lack of
/// permission or support, ``take(on:)`` says so and the caller falls back to metadata checks alone.
///
/// ```swift
/// switch WriteLease.take(on: descriptor) {
/// case .held(let lease): defer { lease.release() }; …
/// case .fileIsOpenElsewhere: print("a writer has it open")
/// case .unavailable: …
/// }
/// ```
package struct WriteLease {
    private static let setLease: CInt = 1024   // F_SETLEASE
    private static let getLease: CInt = 1025   // F_GETLEASE

    /// What asking for a lease gave.
    package enum Outcome {
        /// Granted: nobody else has the file open.
        case held(WriteLease)
        /// Another process has the file open (`EAGAIN`).
        case fileIsOpenElsewhere
        /// Not permitted (not the owner, no `CAP_LEASE`) or not supported by the file system.
        case unavailable(Errno)
    }

    private let descriptor: CInt

    /// Asks for a write lease on `descriptor` (open for reading, by this process alone).
    package static func take(on descriptor: FileDescriptor) -> Outcome {
        ignoreLeaseBreakSignal
        if fcntl(descriptor.rawValue, setLease, CInt(F_WRLCK)) == 0 {
            return .held(WriteLease(descriptor: descriptor.rawValue))
        }
        let code = Errno(rawValue: errno)
        return code == .resourceTemporarilyUnavailable ? .fileIsOpenElsewhere : .unavailable(code)
    }

    /// Whether the lease is still whole: false once another process has tried to open the file.
    package var isIntact: Bool {
        fcntl(descriptor, Self.getLease) == CInt(F_WRLCK)
    }

    /// Gives the lease up; an opener waiting for it proceeds.
    package func release() {
        _ = fcntl(descriptor, Self.setLease, CInt(F_UNLCK))
    }

    /// A broken lease is announced with SIGIO, whose default action ends the process; the break is
    /// read with `F_GETLEASE` instead, so the signal is ignored (unless someone installed a handler).
    private static let ignoreLeaseBreakSignal: Void = {
        var current = sigaction()
        sigaction(SIGIO, nil, &current)
        if current.__sigaction_handler.sa_handler == nil {  // SIG_DFL
            signal(SIGIO, SIG_IGN)
        }
    }()
}
