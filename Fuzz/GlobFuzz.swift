// libFuzzer target: a pattern and a name split from the input; matching must not crash, and a
// pattern without wildcards or escapes matches exactly itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func globFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size)).filter { $0 != 0 }
    let parts = bytes.split(separator: 0x0A, maxSplits: 1, omittingEmptySubsequences: false)
    let pattern = Array(parts[0])
    let name = parts.count > 1 ? Array(parts[1]) : []
    let glob = Glob(bytes: pattern)
    _ = glob.matches(name)
    if !pattern.contains(where: { "*?[\\".utf8.contains($0) }) {
        precondition(glob.matches(pattern))
    }
    return 0
}
