import Testing

/// Every end-to-end suite runs the built binary and waits for it (and for the peers) by blocking:
/// run side by side they would hold every thread of the pool that the unit tests, running in
/// parallel, need. Nested here, they run one test at a time while the unit tests run beside them.
@Suite(.serialized) enum EndToEndTests {}
