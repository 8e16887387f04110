import Foundation
import SystemPackage
import SweepTestSupport
import Testing

@testable import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Unit tests of sweep's gzip building blocks (GzipFormat, Deflater, ParallelDeflate, GzipDecoder),
// with gzip, pigz and python3's zlib as the oracles. The end-to-end tests are in SweepEndToEndTests (GzipCommandTests.swift, GunzipCommandTests.swift);
// the shared fixtures (GzipFixtures) are in SweepTestSupport.

// MARK: - GzipFormat

@Suite(.offCooperativePool, .timeLimit(.minutes(5 * testTimeScale)))
struct GzipFormatTests {
    /// The header sweep builds is byte-for-byte the one gzip writes for the same file and level.
    @Test(arguments: [1, 2, 6, 8, 9])
    func headerEqualsGzipsHeader(level: Int) throws {
        let tree = try TempTree("gzip-header")
        let name = "hello-world.log"
        try tree.file(name, "hello, world\n")
        try setModificationTime(tree.path(name), seconds: 1_600_000_123, nanoseconds: 987_654_321)
        let output = try runProcess("gzip", ["-\(level)", "-c", Arg(name)], directory: tree.root)
        try #require(output.status == .exited(0), "\(output)")
        let gzipHeader = try #require(GzipFixtures.Header(output.stdout), "gzip wrote no header")

        let ours = GzipFormat.header(name: utf8(name), modificationTime: 1_600_000_123, level: level)
        #expect(ours == Array(output.stdout.prefix(gzipHeader.length)), "ours: \(describeBytes(ours))")
        let parsed = try #require(GzipFixtures.Header(ours))
        #expect(parsed.name == utf8(name))
        #expect(parsed.flags == 0x08)
        #expect(parsed.operatingSystem == 3)
        #expect(parsed.extraFlags == (level == 9 ? 2 : level == 1 ? 4 : 0))
    }

    /// No name: no FNAME flag, as gzip writes for standard input.
    @Test func headerWithoutNameEqualsGzipFromStandardInput() throws {
        // From a pipe (a regular file on standard input would lend gzip its mtime).
        let output = try runProcess("sh", ["-c", "printf 'data\\n' | gzip -6 -c"])
        try #require(output.status == .exited(0), "\(output)")
        let compressed = output.stdout
        let gzipHeader = try #require(GzipFixtures.Header(compressed))
        #expect(gzipHeader.name == nil)
        let ours = GzipFormat.header(name: nil, modificationTime: 0, level: 6)
        #expect(ours == Array(compressed.prefix(gzipHeader.length)))
    }

    /// MTIME is a u32: times gzip cannot store become 0 (unknown); the largest one is kept.
    static let times: [(Int64, UInt32)] = [(-1, 0), (1 << 32, 0), (Int64(UInt32.max), UInt32.max), (1_700_000_000, 1_700_000_000)]

    @Test(arguments: times)
    func modificationTimeRange(time: Int64, stored: UInt32) throws {
        let header = try #require(GzipFixtures.Header(GzipFormat.header(name: utf8("f"), modificationTime: time, level: 6)))
        #expect(header.modificationTime == stored)
    }

    /// FNAME ends at the first NUL, so a name never corrupts the header.
    @Test func nameIsCutAtNul() throws {
        let header = try #require(GzipFixtures.Header(GzipFormat.header(name: [0x61, 0x00, 0x62], modificationTime: 5, level: 6)))
        #expect(header.name == [0x61])
        #expect(header.length == 10 + 2)
    }

    /// CRC then ISIZE, little-endian, ISIZE mod 2^32 (python's struct as the oracle).
    static let trailers: [(UInt32, UInt64)] = [(0x1234_5678, 5), (0xCBF4_3926, (1 << 32) + 7), (0, 0), (UInt32.max, UInt64(UInt32.max))]

    @Test(arguments: trailers)
    func trailerLayout(crc: UInt32, length: UInt64) throws {
        let expected = try Oracle.runPython(
            "import sys, struct; sys.stdout.buffer.write(struct.pack('<II', int(sys.argv[1]), int(sys.argv[2]) & 0xffffffff))",
            arguments: [Arg(String(crc)), Arg(String(length))]).stdout
        #expect(GzipFormat.trailer(crc: crc, length: length) == expected)
    }

    /// Header + deflate + trailer made by hand from the parts is one member every peer reads.
    @Test func partsMakeAMemberThePeersRead() throws {
        let data = GzipFixtures.logText(50_000, seed: 1)
        let deflater = Deflater(level: 6)
        var member = GzipFormat.header(name: utf8("parts.log"), modificationTime: 1_234_567_890, level: 6)
        data.withUnsafeBytes { deflater.compress($0, flush: GzipFixtures.finish, into: &member) }
        member += GzipFormat.trailer(crc: try GzipFixtures.pythonCRC32(data), length: UInt64(data.count))
        for (tool, bytes) in try GzipFixtures.decompressedByPeers(member) {
            #expect(bytes == data, "\(tool)")
        }
        let first = try GzipFixtures.firstMember(member)
        #expect(first.ended && first.unusedBytes == 0)
    }
}

// MARK: - Deflater

@Suite(.offCooperativePool, .timeLimit(.minutes(5 * testTimeScale)))
struct GzipDeflaterTests {
    /// Fed in odd-sized pieces, the raw stream inflates to the input at every level, and is the
    /// size python's zlib makes at that level (the same library, one stream).
    @Test(arguments: 1...9)
    func rawStreamRoundTripsAtEveryLevel(level: Int) throws {
        let data = GzipFixtures.logText(300_000, seed: UInt64(level))
        let deflater = Deflater(level: Int32(level))
        var out: [UInt8] = []
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let end = min(offset + 7919, raw.count)
                deflater.compress(UnsafeRawBufferPointer(rebasing: raw[offset..<end]), flush: GzipFixtures.noFlush, into: &out)
                offset = end
            }
            deflater.compress(UnsafeRawBufferPointer(start: nil, count: 0), flush: GzipFixtures.finish, into: &out)
        }
        #expect(try GzipFixtures.pythonRawInflate(out) == data)
        let reference = try GzipFixtures.pythonRawDeflate(data, level: level)
        #expect(abs(out.count - reference.count) <= reference.count / 100, "ours \(out.count), python \(reference.count)")
    }

    /// An empty stream is still a valid (final, empty) deflate stream.
    @Test func emptyInput() throws {
        let deflater = Deflater(level: 6)
        var out: [UInt8] = []
        deflater.compress(UnsafeRawBufferPointer(start: nil, count: 0), flush: GzipFixtures.finish, into: &out)
        #expect(!out.isEmpty)
        #expect(try GzipFixtures.pythonRawInflate(out) == [])
    }

    /// pigz's block method: a block primed with the 32 KiB before it, ending in a sync flush
    /// (`00 00 FF FF`), inflates given that dictionary; incompressible data too.
    @Test(arguments: [false, true])
    func dictionaryAndSyncFlush(random: Bool) throws {
        let data = random ? randomBytes(200_000, seed: 3) : GzipFixtures.logText(200_000, seed: 3)
        let dictionary = Array(data[68_000..<100_000])
        let block = Array(data[100_000...])
        let deflater = Deflater(level: 6)
        dictionary.withUnsafeBytes { deflater.setDictionary($0) }
        var out: [UInt8] = []
        block.withUnsafeBytes { deflater.compress($0, flush: GzipFixtures.syncFlush, into: &out) }
        #expect(Array(out.suffix(4)) == [0x00, 0x00, 0xFF, 0xFF])
        // Not final: python sees the data, and the stream has not ended.
        #expect(try GzipFixtures.pythonRawInflate(out, dictionary: dictionary) == block)
        if !random {
            // The dictionary is used: priming makes the block smaller than compressing it alone.
            let alone = try GzipFixtures.pythonRawDeflate(block, level: 6)
            #expect(out.count < alone.count)
        }
    }
}

// MARK: - JoinableBlockDeflater

@Suite(.offCooperativePool, .timeLimit(.minutes(5 * testTimeScale)))
struct JoinableBlockDeflaterTests {
    /// Blocks of every kind libdeflate writes (log text, random bytes in stored blocks, runs of one
    /// byte), of sizes that leave every bit position free at the end: each, alone, inflates to its
    /// input without ending the stream, and all of them joined with a final empty block inflate to
    /// the whole input — python's zlib as the oracle.
    @Test func joinedBlocksFormOneDeflateStream() throws {
        var inputs: [[UInt8]] = []
        for index in 0..<96 {
            let size = 1 + (index * 7_919) % 24_000
            switch index % 4 {
            case 0, 1: inputs.append(GzipFixtures.logText(size, seed: UInt64(index)))
            case 2: inputs.append(randomBytes(size, seed: UInt64(index)))
            default: inputs.append([UInt8](repeating: UInt8(index), count: size))
            }
        }
        var blocks: [[UInt8]] = []
        for (index, input) in inputs.enumerated() {
            let deflater = JoinableBlockDeflater(level: Int32([1, 6, 9][index % 3]))
            var out: [UInt8] = [0xAB]  // appended after what was there, which stays
            #expect(input.withUnsafeBytes { deflater.compress($0, appendingTo: &out) })
            #expect(out.first == 0xAB)
            blocks.append(Array(out.dropFirst()))
        }
        // Both ends are seen: blocks that ended on a byte boundary, and blocks given an empty stored one.
        let padded = blocks.filter { $0.suffix(4) == [0x00, 0x00, 0xFF, 0xFF] }.count
        #expect(padded > 0 && padded < blocks.count, "\(padded) of \(blocks.count) padded")

        let script = """
            import sys, struct, zlib
            raw = sys.stdin.buffer.read()
            offset, out = 0, []
            while offset < len(raw):
                (n,) = struct.unpack_from('<I', raw, offset); offset += 4
                d = zlib.decompressobj(-15)
                data = d.decompress(raw[offset:offset + n]); offset += n
                out.append('%d %d' % (len(data), 1 if d.eof else 0))
            print(' '.join(out))
            """
        var framed: [UInt8] = []
        for block in blocks { framed += withUnsafeBytes(of: UInt32(block.count).littleEndian, Array.init) + block }
        let verdicts = String(decoding: try Oracle.runPython(script, input: framed).stdout, as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).map(String.init)
        #expect(verdicts.count == 2 * blocks.count)
        for (index, input) in inputs.enumerated() where 2 * index + 1 < verdicts.count {
            #expect(verdicts[2 * index] == String(input.count), "block \(index) alone")
            #expect(verdicts[2 * index + 1] == "0", "block \(index) ends the stream")
        }
        let joined = blocks.joined() + GzipFormat.finalEmptyBlock
        #expect(try GzipFixtures.pythonRawInflate(Array(joined)) == Array(inputs.joined()))
    }
}

// MARK: - ParallelDeflate

@Suite(.offCooperativePool, .timeLimit(.minutes(5 * testTimeScale)))
struct GzipParallelDeflateTests {
    static let zlibBlock = ParallelDeflate.blockSize(.zlib)
    static let libdeflateBlock = ParallelDeflate.blockSize(.fastest)

    /// One member from `data`: header, the blocks fed in `chunk`-byte pieces, final block, trailer.
    static func member(
        _ data: [UInt8], level: Int = 6, engine: CompressionEngine, chunk: Int, threads: Int = 2
    ) throws -> (member: [UInt8], crc: UInt32, length: UInt64) {
        var parallel = ParallelDeflate(level: level, engine: engine, threads: CompressionThreads(count: threads), maxPending: 4)
        var out = GzipFormat.header(name: utf8("blocks"), modificationTime: 1_700_000_000, level: level)
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let end = min(offset + chunk, raw.count)
                parallel.add(UnsafeRawBufferPointer(rebasing: raw[offset..<end])) { out += $0 }
                offset = end
            }
            parallel.finish { out += $0 }
        }
        out += GzipFormat.trailer(crc: parallel.crc, length: parallel.length)
        return (out, parallel.crc, parallel.length)
    }

    static let cases: [(String, Int, Int)] = [
        ("empty", 0, 4096),
        ("one byte", 1, 4096),
        ("zlib block - 1", zlibBlock - 1, 65_536),
        ("one zlib block", zlibBlock, 65_536),
        ("zlib block + 1", zlibBlock + 1, 1_000),
        ("libdeflate block - 1", libdeflateBlock - 1, 100_003),
        ("one libdeflate block", libdeflateBlock, 262_144),
        ("libdeflate block + 1", libdeflateBlock + 1, 131_072),
        ("10 zlib blocks", 10 * zlibBlock, 300_001),
        ("2.5 MB", 2_500_000, 65_536),
        ("random, 3 libdeflate blocks + 1", 3 * libdeflateBlock + 1, 262_144),
    ]

    /// Any size, any feeding, either engine: exactly one member, which gzip, zcat, pigz and python
    /// read back byte-exactly; the CRC and length are python's.
    @Test(arguments: cases, CompressionEngine.allCases)
    func oneMemberThePeersRead(size: (label: String, bytes: Int, chunk: Int), engine: CompressionEngine) throws {
        let data = size.bytes > 1_000_000 && !size.label.hasPrefix("random")
            ? GzipFixtures.logText(size.bytes, seed: UInt64(size.bytes)) : randomBytes(size.bytes, seed: UInt64(size.bytes))
        let (member, crc, length) = try Self.member(data, engine: engine, chunk: size.chunk)
        #expect(length == UInt64(size.bytes))
        #expect(crc == (try GzipFixtures.pythonCRC32(data)))
        let first = try GzipFixtures.firstMember(member)
        #expect(first.ended, "the member does not end")
        #expect(first.unusedBytes == 0, "more than one member or trailing bytes")
        #expect(first.decoded == data)
        for (tool, bytes) in try GzipFixtures.decompressedByPeers(member) {
            #expect(bytes == data, "\(tool) decoded \(bytes.count) bytes, not \(data.count)")
        }
    }

    /// zlib's blocks primed with the previous 32 KiB cost well under 1% against one serial stream
    /// (python's zlib at the same level), at -1, -6 and -9; libdeflate's 2 MiB blocks, without a
    /// dictionary, are no larger than that serial stream at -6 and -9 (gzip's size rule).
    @Test(arguments: [1, 6, 9], CompressionEngine.allCases)
    func sizeAgainstASerialStream(level: Int, engine: CompressionEngine) throws {
        let data = GzipFixtures.logText(3_000_000, seed: 11)
        let (member, _, _) = try Self.member(data, level: level, engine: engine, chunk: 1 << 16)
        let header = try #require(GzipFixtures.Header(member))
        let deflateSize = member.count - header.length - 8
        let serial = try GzipFixtures.pythonRawDeflate(data, level: level).count
        switch engine {
        case .zlib:
            #expect(Double(abs(deflateSize - serial)) <= Double(serial) * 0.01, "parallel \(deflateSize), serial \(serial)")
        case .fastest where level > 1:
            #expect(deflateSize <= serial, "parallel \(deflateSize), serial \(serial)")
        case .fastest:
            #expect(Double(deflateSize) <= Double(serial) * 1.1, "parallel \(deflateSize), serial \(serial)")
        }
    }

    /// One thread or several, the bytes are the same: blocks are written in order.
    @Test(arguments: CompressionEngine.allCases)
    func outputDoesNotDependOnThreadCount(engine: CompressionEngine) throws {
        let data = GzipFixtures.logText(3_500_000, seed: 5)
        let one = try Self.member(data, engine: engine, chunk: 50_000, threads: 1).member
        let four = try Self.member(data, engine: engine, chunk: 50_000, threads: 4).member
        #expect(one == four)
    }
}

// MARK: - GzipDecoder

@Suite(.offCooperativePool, .timeLimit(.minutes(5 * testTimeScale)))
struct GzipDecoderTests {
    /// Decodes `input` fed in `chunk`-byte pieces with every engine, which must agree (on the error
    /// and trailing garbage always; on the output when there is no error); returns the output, or the
    /// error gzip would print. So every test of this suite holds for every engine.
    static func decode(_ input: [UInt8], chunk: Int) -> (output: [UInt8], error: String?, garbage: Bool, length: UInt64) {
        let results = CompressionEngine.allCases.map { decode(input, chunk: chunk, engine: $0) }
        for (engine, result) in zip(CompressionEngine.allCases, results).dropFirst() {
            #expect(result.error == results[0].error, "\(engine) and \(CompressionEngine.allCases[0]) disagree, chunk \(chunk)")
            #expect(result.garbage == results[0].garbage, "\(engine): trailing garbage, chunk \(chunk)")
            if results[0].error == nil {
                #expect(result.output == results[0].output && result.length == results[0].length, "\(engine): output, chunk \(chunk)")
            }
        }
        return results[0]
    }

    /// Decodes `input` fed in `chunk`-byte pieces with `engine`.
    static func decode(_ input: [UInt8], chunk: Int, engine: CompressionEngine) -> (output: [UInt8], error: String?, garbage: Bool, length: UInt64) {
        let decoder = GzipDecoder(engine: engine)
        var output: [UInt8] = []
        do {
            try input.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let end = min(offset + chunk, raw.count)
                    try decoder.feed(UnsafeRawBufferPointer(rebasing: raw[offset..<end])) { output += $0 }
                    offset = end
                }
            }
            try decoder.finish()
        } catch let error as GzipDecodingError {
            return (output, error.description, decoder.sawTrailingGarbage, decoder.decodedLength)
        } catch {
            return (output, "\(error)", decoder.sawTrailingGarbage, decoder.decodedLength)
        }
        return (output, nil, decoder.sawTrailingGarbage, decoder.decodedLength)
    }

    static let data = GzipFixtures.logText(3_000_000, seed: 21)

    /// gzip's, pigz's and pigz -b 32's output (many blocks; pigz also appends empty stored blocks),
    /// in every feeding, decode to the original.
    @Test(arguments: ["gzip", "pigz", "pigz -b 32", "pigz -1 -b 32 -p 2"])
    func decodesPeersOutput(command: String) throws {
        let parts = command.split(separator: " ").map(String.init)
        let arguments: [Arg] = parts.dropFirst().map { Arg($0) } + ["-c"]
        let compressed = try GzipFixtures.peer(parts[0], arguments, input: Self.data)
        for chunk in [3, 4093, 65_536, compressed.count] {
            let result = Self.decode(compressed, chunk: chunk)
            #expect(result.error == nil, "chunk \(chunk)")
            #expect(result.output == Self.data, "chunk \(chunk)")
            #expect(result.length == UInt64(Self.data.count))
            #expect(!result.garbage)
        }
    }

    /// Concatenated members (`cat a.gz b.gz`), one empty, fed a byte at a time and in small odd
    /// pieces, so that member boundaries split the magic number.
    @Test func concatenatedMembersInEveryFeeding() throws {
        let a = utf8("first member\n")
        let b = GzipFixtures.logText(20_000, seed: 2)
        let joined = try GzipFixtures.peer("gzip", ["-c"], input: a)
            + GzipFixtures.peer("gzip", ["-c"], input: [])
            + GzipFixtures.peer("pigz", ["-c"], input: b)
        // gzip itself decodes it to the concatenation.
        #expect(try GzipFixtures.peer("gzip", ["-dc"], input: joined) == a + b)
        for chunk in [1, 2, 3, 5, 7, 11, 4096] {
            let result = Self.decode(joined, chunk: chunk)
            #expect(result.error == nil, "chunk \(chunk): \(result.error ?? "")")
            #expect(result.output == a + b, "chunk \(chunk)")
            #expect(!result.garbage, "chunk \(chunk)")
        }
    }

    /// Trailing bytes, judged as `gzip -t` judges them: NULs are silent (exit 0), other bytes are
    /// ignored with a warning (exit 2).
    @Test(arguments: [
        ("NULs", [UInt8](repeating: 0, count: 1000)),
        ("one NUL", [0]),
        ("text", utf8("garbage!")),
        ("NULs then text", [0, 0, 0, 0] + utf8("junk")),
        ("NULs then a member", [0, 0, 0, 0, 0x1f, 0x8b, 8, 0]),
    ])
    func trailingBytes(label: String, tail: [UInt8]) throws {
        let member = try GzipFixtures.peer("gzip", ["-c"], input: utf8("payload\n"))
        let input = member + tail
        let verdict = try GzipFixtures.gzipTestVerdict(input)
        for chunk in [1, 3, input.count] {
            let result = Self.decode(input, chunk: chunk)
            #expect(result.error == nil, "chunk \(chunk)")
            #expect(result.output == utf8("payload\n"))
            #expect(result.garbage == (verdict.status == .exited(2)), "chunk \(chunk); gzip: \(verdict)")
        }
    }

    /// Corrupt input throws gzip's own message (`gzip -t` on the same bytes is the oracle).
    @Test(arguments: ["not gzip", "empty", "truncated", "header only", "crc flipped", "length flipped",
                      "second member truncated", "second member crc flipped", "second member length flipped",
                      "magic only", "crc and length flipped", "deflate data flipped"])
    func corruptInputUsesGzipsWords(label: String) throws {
        let member = try GzipFixtures.peer("gzip", ["-c"], input: GzipFixtures.logText(100_000, seed: 9))
        let flipped = { (bytes: [UInt8], index: Int) -> [UInt8] in
            var copy = bytes
            copy[index] ^= 0x01
            return copy
        }
        let input: [UInt8] = switch label {
        case "not gzip": utf8("hello, this is not gzip at all\n")
        case "empty": []
        case "truncated": Array(member.prefix(member.count / 2))
        case "header only": Array(member.prefix(10))
        case "crc flipped": flipped(member, member.count - 8)
        case "length flipped": flipped(member, member.count - 4)
        case "second member truncated": member + member.prefix(40)
        case "second member crc flipped": member + flipped(member, member.count - 6)
        case "second member length flipped": member + flipped(member, member.count - 2)
        case "crc and length flipped": flipped(flipped(member, member.count - 8), member.count - 4)
        case "deflate data flipped": flipped(member, member.count / 2)
        default: [0x1f, 0x8b]
        }
        let verdict = try GzipFixtures.gzipTestVerdict(input)
        #expect(verdict.status == .exited(1), "gzip -t: \(verdict)")
        let expected = try #require(verdict.message)
        for chunk in [1, 4096, max(1, input.count)] {
            let result = Self.decode(input, chunk: chunk)
            #expect(result.error == expected, "chunk \(chunk)")
        }
    }

    /// Every engine reaches the same verdict on damage anywhere: 300 single-byte changes across a
    /// multi-block pigz member (header, deflate data, trailer), and headers gzip refuses (a header
    /// CRC that is absent, a reserved flag, a method other than deflate). `decode` holds them to
    /// agreeing; an undamaged byte must decode to the original.
    @Test func enginesAgreeOnDamageAnywhere() throws {
        let data = GzipFixtures.logText(400_000, seed: 4)
        let member = try GzipFixtures.peer("pigz", ["-b", "32", "-c"], input: data)
        var generator = SplitMix64(seed: 17)
        var damaged: [[UInt8]] = (0..<300).map { _ in
            var copy = member
            let index = Int(generator.next() % UInt64(copy.count))
            copy[index] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            return copy
        }
        for (index, value) in [(3, UInt8(0x02)), (3, 0x20), (2, 0x01)] {
            var copy = member
            copy[index] ^= value
            damaged.append(copy)
        }
        var errors = 0
        for input in damaged {
            let result = Self.decode(input, chunk: 65_536)
            if result.error == nil { #expect(result.output == data) } else { errors += 1 }
        }
        #expect(errors > 250, "most damage is caught: \(errors) of \(damaged.count)")
    }
}
