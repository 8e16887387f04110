/// Counts per ``AuditVerdict/Kind``, and the exit status they call for.
///
/// ```swift
/// var counts = AuditCounts()
/// counts.record(.corrupt)
/// print(counts.exitStatus)   // 3
/// ```
package struct AuditCounts: Sendable, Equatable {
    package var counts: [AuditVerdict.Kind: Int] = [:]
    package var bytes: Int64 = 0

    package init() {}

    package mutating func record(_ kind: AuditVerdict.Kind) { counts[kind, default: 0] += 1 }

    package subscript(kind: AuditVerdict.Kind) -> Int { counts[kind] ?? 0 }

    /// 3 when anything is corrupt; 1 when anything changed, appeared, vanished, moved or could not
    /// be read; 0 when all is ok.
    package var exitStatus: Int32 {
        if self[.corrupt] > 0 { return 3 }
        return AuditVerdict.Kind.allCases.contains { $0 != .ok && self[$0] > 0 } ? 1 : 0
    }
}
