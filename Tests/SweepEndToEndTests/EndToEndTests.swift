import Testing

/// Every end-to-end suite runs the built binary and waits for it (and for the peers) by blocking.
/// Nested here, they run one test at a time (their memory and timing checks assume a machine not
/// crowded by their siblings), on threads of their own, so the unit tests keep the whole
/// cooperative pool beside them.
@Suite(.serialized, .offCooperativePool) enum EndToEndTests {}
