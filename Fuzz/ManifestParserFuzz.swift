// libFuzzer target: any bytes, as manifest lines, must parse without crashing, and an entry's
// hex must match its algorithm's length.
@_cdecl("LLVMFuzzerTestOneInput")
public func manifestParserFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    for algorithm in [nil, DigestAlgorithm.sha256] as [DigestAlgorithm?] {
        var parser = ChecksumManifestParser(algorithm: algorithm)
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if case .entry(let entry) = parser.parse(line) {
                precondition(entry.expected.bytes.count == entry.expected.algorithm.digestByteCount)
                if let algorithm { precondition(entry.expected.algorithm == algorithm) }
                // What sweep sum writes for the entry must parse back to the same entry.
                var written: [UInt8] = []
                ChecksumLineFormatter().append(entry.expected, path: entry.path, to: &written)
                var reader = ChecksumManifestParser()
                // A name cut to nothing at a NUL has no line form (coreutils reads it as "" too).
                if !entry.path.isEmpty && !entry.path.contains(0) {
                    precondition(reader.parse(written.dropLast()) == .entry(ManifestEntry(expected: entry.expected, path: entry.path, isTagged: false)))
                }
            }
        }
    }
    return 0
}
