import CSQLite
import SystemPackage

/// Why a ledger could not be used. Every case leaves the manifest and the ledger as they were.
///
/// ```swift
/// do { _ = try Ledger(path: "SHA256SUMS.sweep-ledger") } catch { print(error.description) }
/// ```
package enum LedgerError: Error, Sendable, CustomStringConvertible {
    /// SQLite refused: the code (SQLITE_BUSY, SQLITE_NOTADB…) and its message.
    case sqlite(path: FilePath, code: Int32, message: String)
    /// The ledger records another manifest than the one named.
    case otherManifest(path: FilePath, recorded: FilePath, given: FilePath)
    /// The ledger records other roots (or another working directory) than this run walks.
    case otherRoots(path: FilePath, recorded: String, given: String)
    /// A database, but not a ledger this sweep can read (no meta table, or a newer schema).
    case notALedger(path: FilePath, reason: String)
    /// The manifest names one path twice: which entry would the ledger keep?
    case duplicatePath(manifest: FilePath, path: [UInt8], line: Int)
    /// The manifest could not be read.
    case manifest(FileError)
    /// No paths were named and no ledger records which the manifest covers.
    case rootsUnknown(manifest: FilePath)

    package var description: String {
        switch self {
        case .sqlite(let path, let code, let message):
            switch code {
            case SQLITE_BUSY, SQLITE_LOCKED:
                "\(path): the ledger is in use by another sweep (waited 3 s); try again when it is done"
            case SQLITE_NOTADB, SQLITE_CORRUPT:
                "\(path): not a sweep ledger, or a damaged one (\(message)); it was left untouched: move it away to rebuild it, or name another with --ledger"
            case SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM, SQLITE_IOERR:
                "\(path): cannot open or write the ledger (\(message)); is its directory writable? --ledger names another place"
            default:
                "\(path): ledger error: \(message)"
            }
        case .otherManifest(let path, let recorded, let given):
            "\(path): this ledger belongs to the manifest \(recorded), not \(given); name another with --ledger"
        case .otherRoots(let path, let recorded, let given):
            "\(path): this ledger was built for \(recorded), not \(given); run with the same paths from the same directory, or name another ledger with --ledger"
        case .notALedger(let path, let reason):
            "\(path): not a sweep ledger (\(reason)); it was left untouched: move it away, or name another with --ledger"
        case .duplicatePath(let manifest, let path, let line):
            "\(manifest):\(line): \(String(decoding: path, as: UTF8.self)) is listed twice; remove one of the lines"
        case .manifest(let error):
            error.description
        case .rootsUnknown(let manifest):
            "\(manifest): no ledger records which paths it covers: name them after the manifest"
        }
    }
}
