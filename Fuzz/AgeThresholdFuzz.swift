// libFuzzer target: parsing any text as --older-than must not crash or overflow, and what parses
// is non-negative and survives a round trip through its own description.
@_cdecl("LLVMFuzzerTestOneInput")
public func ageThresholdFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let age = AgeThreshold(text) {
        precondition(age.seconds >= 0)
        precondition(AgeThreshold(age.description)?.seconds == age.seconds)
    }
    return 0
}
