/// The names sweep gives the files it creates before they are complete or while it moves an original
/// aside: `.NAME.sweep-tmp-XXXXXX`, hidden, in the same directory. The walk never lists them.
///
/// A name alone proves nothing about who made a file, so sweep never deletes a file for its name:
/// it removes only what it still holds open and has just checked is the file it created.
///
/// ```swift
/// let name = TemporaryName.make(for: FileName(Array("app.log.gz".utf8)))
/// TemporaryName.matches(name.bytes) // true
/// ```
package enum TemporaryName {
    /// The marker in temporary names.
    package static let marker = Array(".sweep-tmp-".utf8)

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    /// A fresh random temporary name for `name`, within `NAME_MAX` (the copied name is shortened, never the marker).
    package static func make(for name: FileName) -> FileName {
        var generator = SystemRandomNumberGenerator()
        let suffix = (0..<6).map { _ in alphabet.randomElement(using: &generator)! }
        var base = Array(name.bytes)
        let excess = 1 + base.count + marker.count + suffix.count - 255
        if excess > 0 { base.removeLast(min(excess, base.count)) }
        return FileName([UInt8(ascii: ".")] + base + marker + suffix)
    }

    /// Whether `name` (a base name) has the form of one of sweep's temporaries.
    /// Called for every name a walk meets: no allocation, and most names fail on the first byte.
    package static func matches<Name: RandomAccessCollection<UInt8>>(_ name: Name) -> Bool {
        guard name.first == UInt8(ascii: "."), name.count >= marker.count + 7 else { return false }
        let end = name.index(name.endIndex, offsetBy: -6)
        return name[name.index(end, offsetBy: -marker.count)..<end].elementsEqual(marker)
    }
}
