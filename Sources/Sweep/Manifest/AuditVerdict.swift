/// How `check --audit` and `scrub` classify one path.
///
/// ```swift
/// let verdict = AuditVerdict(path: Array("a.txt".utf8), kind: .corrupt)
/// print(verdict.kind.label)   // CORRUPT
/// ```
package struct AuditVerdict: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable {
        /// The content is as the manifest says.
        case ok
        /// The content differs and the size or modification time changed too: an edit.
        case changed
        /// The content differs while the size and modification time are as the ledger recorded
        /// them: bit rot, or tampering that restored the mtime (as cshatag decides).
        case corrupt
        /// A file the manifest does not list.
        case new
        /// A listed file that is gone.
        case missing
        /// A new path whose digest (and size, when the ledger knows it) equal a missing path's.
        case moved
        /// A file that could not be read.
        case unreadable

        /// The word printed after the path: `PATH: CORRUPT`.
        package var label: String { rawValue.uppercased() }
    }

    /// The path as the manifest names it (for `moved`, the new one).
    package var path: [UInt8]
    package var kind: Kind
    /// For `moved`: where the file was.
    package var movedFrom: [UInt8]?
    /// For `corrupt`: whether the change time moved (reported, not required: only the clock sets it).
    package var changeTimeChanged: Bool?
    /// For `unreadable`: why.
    package var error: FileError?

    package init(path: [UInt8], kind: Kind, movedFrom: [UInt8]? = nil, changeTimeChanged: Bool? = nil, error: FileError? = nil) {
        self.path = path
        self.kind = kind
        self.movedFrom = movedFrom
        self.changeTimeChanged = changeTimeChanged
        self.error = error
    }
}
