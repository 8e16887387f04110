import SweepTestSupport
import Testing

@testable import Sweep

// GzipEncoder over every engine: the member it writes is one member that gzip, zcat, pigz and
// python read whole, whatever the size, the feeding, and whether the size was known beforehand
// (a file) or not (a pipe); the size rules of the -1…-9 levels hold against gzip's.

@Suite(.offCooperativePool, .timeLimit(.minutes(5 * testTimeScale)))
struct GzipEncoderTests {
    /// A member of `data` through `engine`, fed in `chunk`-byte pieces, with its size told or not.
    static func member(
        _ data: [UInt8], level: Int = 6, engine: CompressionEngine, chunk: Int, sizeKnown: Bool
    ) throws -> (member: [UInt8], crc: UInt32, length: UInt64) {
        var encoder = GzipEncoder(
            header: GzipFormat.header(name: utf8("file"), modificationTime: 1_700_000_000, level: level),
            level: level, engine: engine, threads: CompressionThreads(count: 2),
            expectedSize: sizeKnown ? Int64(data.count) : nil)
        var out: [UInt8] = []
        let (crc, length) = try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let end = min(offset + chunk, raw.count)
                try encoder.update(UnsafeRawBufferPointer(rebasing: raw[offset..<end])) { out += $0 }
                offset = end
            }
            return try encoder.finish { out += $0 }
        }
        return (out, crc, length)
    }

    static let whole = GzipEncoder.wholeLimit
    static let sizes: [(String, Int)] = [
        ("empty", 0), ("one byte", 1), ("1000 bytes", 1000),
        ("1 MiB - 1", (1 << 20) - 1), ("1 MiB", 1 << 20),
        ("4 MiB - 1", whole - 1), ("4 MiB", whole), ("4 MiB + 1", whole + 1),
    ]

    /// Every engine, size and way of telling the size: exactly one member, which the peers decode
    /// to the input, with python's CRC-32 and the length in the trailer.
    @Test(arguments: CompressionEngine.allCases, sizes)
    func oneMemberThePeersRead(engine: CompressionEngine, size: (label: String, bytes: Int)) throws {
        let data = GzipFixtures.logText(size.bytes, seed: UInt64(size.bytes))
        let crc = try GzipFixtures.pythonCRC32(data)
        for sizeKnown in [true, false] {
            let (member, memberCRC, length) = try Self.member(data, engine: engine, chunk: 100_003, sizeKnown: sizeKnown)
            let context = "\(engine), \(size.label), size known: \(sizeKnown)"
            #expect(length == UInt64(size.bytes) && memberCRC == crc, "\(context)")
            let first = try GzipFixtures.firstMember(member)
            #expect(first.ended && first.unusedBytes == 0, "one member, nothing after it: \(context)")
            #expect(first.decoded == data, "\(context)")
            for (tool, bytes) in try GzipFixtures.decompressedByPeers(member) {
                #expect(bytes == data, "\(tool) decoded \(bytes.count) bytes, not \(data.count): \(context)")
            }
        }
    }

    /// A file that grows past the whole-buffer limit while read (its size was told smaller) still
    /// makes one member: the held input goes on in parallel blocks.
    @Test(arguments: CompressionEngine.allCases)
    func aFileThatGrowsWhileReadStaysOneMember(engine: CompressionEngine) throws {
        let data = GzipFixtures.logText(GzipEncoder.wholeLimit + 300_000, seed: 8)
        var encoder = GzipEncoder(
            header: GzipFormat.header(name: nil, modificationTime: 0, level: 6), level: 6, engine: engine,
            threads: CompressionThreads(count: 2), expectedSize: 1000)
        var out: [UInt8] = []
        try data.withUnsafeBytes { raw in
            try encoder.update(raw) { out += $0 }
            _ = try encoder.finish { out += $0 }
        }
        let first = try GzipFixtures.firstMember(out)
        #expect(first.ended && first.unusedBytes == 0 && first.decoded == data)
    }

    /// On log text, the fastest engine at -6 is no larger than gzip -6 (the size rule), and
    /// every engine's sizes fall as the level rises: -1 ≥ -6 ≥ -9.
    @Test(arguments: CompressionEngine.allCases)
    func levelsKeepTheirMeaning(engine: CompressionEngine) throws {
        let data = GzipFixtures.logText(2_000_000, seed: 12)
        let gzip6 = try GzipFixtures.peer("gzip", ["-6", "-c"], input: data).count
        var sizes: [Int: Int] = [:]
        for level in [1, 6, 9] {
            sizes[level] = try Self.member(data, level: level, engine: engine, chunk: 1 << 16, sizeKnown: true).member.count
        }
        #expect(sizes[1]! >= sizes[6]! && sizes[6]! >= sizes[9]!, "\(engine): \(sizes)")
        // The header differs from gzip's by the stored name only ("file" here, none from stdin).
        if engine == .fastest { #expect(sizes[6]! <= gzip6 + 5, "fastest -6 \(sizes[6]!), gzip -6 \(gzip6)") }
    }
}
