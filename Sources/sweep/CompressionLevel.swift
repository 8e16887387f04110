import ArgumentParser

/// `-1` … `-9`.
enum CompressionLevel: Int, EnumerableFlag {
    case one = 1, two, three, four, five, six, seven, eight, nine

    static func name(for value: CompressionLevel) -> NameSpecification {
        .customShort(Character(String(value.rawValue)))
    }

    /// One help line for the nine flags: -1 shows it, -2 … -9 are hidden.
    static func help(for value: CompressionLevel) -> ArgumentHelp? {
        value == .one
            ? ArgumentHelp("Compression level: -1 (fastest) … -9 (best); default -6.")
            : ArgumentHelp(visibility: .hidden)
    }
}
