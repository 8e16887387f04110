// libFuzzer target: inflating arbitrary bytes, fed in two uneven pieces, must either decode or
// throw one of gzip's errors; never crash, hang or write past a buffer.
@_cdecl("LLVMFuzzerTestOneInput")
public func gzipDecoderFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let split = size > 0 ? Int(bytes[0]) % (size + 1) : 0
    let decoder = GzipDecoder()
    var produced: UInt64 = 0
    do {
        try decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[..<split])) { produced += UInt64($0.count) }
        try decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[split...])) { produced += UInt64($0.count) }
        try decoder.finish()
        precondition(produced == decoder.decodedLength)
    } catch is GzipDecodingError {
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
    return 0
}
