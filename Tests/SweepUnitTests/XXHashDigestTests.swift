import SweepTestSupport
import SystemPackage
import Testing

@testable import Sweep

/// ``DigestStage`` for the xxHash family against `xxhsum` 0.8.1 (`-H0` … `-H3`) on real files:
/// sizes on both sides of every internal boundary of the library, fed in chunks of many sizes so
/// that the streaming states carry partial stripes and blocks across updates.
///
/// Without `xxhsum` on PATH these tests fail (spawning it throws); they never pass by skipping.
@Suite(.offCooperativePool, .timeLimit(.minutes(5 * testTimeScale)))
struct XXHashDigestTests {
    static let algorithms: [DigestAlgorithm] = [.xxh32, .xxh64, .xxh128, .xxh3]

    /// XXH32 and XXH64 work in 16- and 32-byte stripes; XXH3 changes method at 4, 9, 17, 129 and
    /// 241 bytes, buffers 256 bytes while streaming, and works in 64-byte stripes grouped into
    /// 1024-byte blocks (with the default secret). Each boundary, one either side, and a few MB.
    static let sizes: [Int] = [
        0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129,
        239, 240, 241, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 2047, 2048, 2049,
        4095, 4096, 4097, 65_535, 65_536, 65_537, 1_048_576 + 7, 3 * 1_048_576 + 5,
    ]

    static let chunkSizes = [1, 3, 16, 63, 64, 65, 255, 256, 257, 1000, 1024, 4096, 100_000, Int.max]

    /// A tree of random files, one per size, with their contents.
    static func corpus(_ label: String) throws -> (tree: TempTree, paths: [[UInt8]], contents: [[UInt8]]) {
        let tree = try TempTree("xxhash-\(label)")
        var paths: [[UInt8]] = []
        var contents: [[UInt8]] = []
        for (index, size) in sizes.enumerated() {
            let content = randomBytes(size, seed: UInt64(5000 + index))
            paths.append(try tree.file("f\(index)-\(size)", content))
            contents.append(content)
        }
        return (tree, paths, contents)
    }

    @Test func xxhsumIsThe081Oracle() throws {
        // The expectations below come from this binary; say so loudly if it is missing or another.
        let version = try runProcess("xxhsum", ["-V"])
        #expect(version.status == .exited(0), "xxhsum -V: \(version)")
        #expect((version.stdoutText + version.stderrText).contains("xxhsum 0.8."), "\(version)")
    }

    @Test(arguments: algorithms)
    func wholeFilesMatchXxhsum(_ algorithm: DigestAlgorithm) async throws {
        let (tree, paths, _) = try Self.corpus(algorithm.rawValue)
        defer { withExtendedLifetime(tree) {} }
        let expected = try Oracle.xxhsum(algorithm, of: paths)
        #expect(expected.count == paths.count)
        #expect(expected.allSatisfy { $0.count == algorithm.digestByteCount * 2 })
        // The pipeline, with its default chunk size and with a small odd one.
        let outputs = try await StageTests.outputs(DigestStage(algorithm), paths).outputs
        #expect(outputs.map(\.hex) == expected)
        #expect(outputs.allSatisfy { $0.algorithm == algorithm && $0.bytes.count == algorithm.digestByteCount })
        var small = PipelineOptions()
        small.chunkSize = 777
        #expect(try await StageTests.outputs(DigestStage(algorithm), paths, options: small).outputs.map(\.hex) == expected)
    }

    @Test(arguments: algorithms)
    func chunkBoundariesDoNotMatter(_ algorithm: DigestAlgorithm) throws {
        let (tree, paths, contents) = try Self.corpus("chunks-\(algorithm.rawValue)")
        defer { withExtendedLifetime(tree) {} }
        let expected = try Oracle.xxhsum(algorithm, of: paths)
        for chunkSize in Self.chunkSizes {
            for (index, content) in contents.enumerated() {
                // Tiny chunks over the multi-megabyte files would only cost time.
                if chunkSize < 64 && content.count > 70_000 { continue }
                let digest = try StageTests.process(DigestStage(algorithm), content, chunkSize: chunkSize)
                #expect(digest.hex == expected[index], "\(algorithm) size \(content.count) chunk \(chunkSize)")
            }
        }
    }

    @Test func emptyChunksChangeNothing() throws {
        let content = randomBytes(5000, seed: 9)
        for algorithm in Self.algorithms {
            var processor = DigestStage(algorithm).makeProcessor(for: FileEntry(path: "x"))
            var plain = DigestStage(algorithm).makeProcessor(for: FileEntry(path: "x"))
            content.withUnsafeBytes { raw in
                processor.update(UnsafeRawBufferPointer(start: nil, count: 0))
                processor.update(UnsafeRawBufferPointer(rebasing: raw[0..<100]))
                processor.update(UnsafeRawBufferPointer(rebasing: raw[100..<100]))
                processor.update(UnsafeRawBufferPointer(rebasing: raw[100...]))
                plain.update(raw)
            }
            #expect(processor.finish() == plain.finish(), "\(algorithm)")
        }
    }

    @Test func knownValuesInCanonicalOrder() throws {
        // "hello" as xxhsum prints it: the canonical, big-endian form of each hash value.
        let expected: [DigestAlgorithm: String] = [
            .xxh32: "fb0077f9", .xxh64: "26c7827d889f6da3",
            .xxh128: "b5e9c1ad071b3e7fc779cfaa5e523818", .xxh3: "9555e8555c62dcfd",
        ]
        for algorithm in Self.algorithms {
            let digest = try StageTests.process(DigestStage(algorithm), utf8("hello"), chunkSize: 2)
            #expect(digest.hex == expected[algorithm], "\(algorithm)")
        }
        // The well-known XXH64 and XXH32 of no bytes, most significant byte first.
        #expect(try StageTests.process(DigestStage(.xxh64), [], chunkSize: 1).hex == "ef46db3751d8e999")
        #expect(try StageTests.process(DigestStage(.xxh32), [], chunkSize: 1).hex == "02cc5d05")
    }

    @Test func algorithmsByNameAndTag() throws {
        for algorithm in Self.algorithms {
            #expect(DigestAlgorithm(rawValue: algorithm.rawValue) == algorithm)
            #expect(DigestAlgorithm(tag: algorithm.tag) == algorithm)
            #expect(algorithm.isXXHash)
            #expect(try StageRegistry.builtin.stage(named: algorithm.rawValue).name == algorithm.rawValue)
        }
        #expect(Self.algorithms.map(\.tag) == ["XXH32", "XXH64", "XXH128", "XXH3"])
        let others = DigestAlgorithm.allCases.filter { !Self.algorithms.contains($0) }
        #expect(others.allSatisfy { !$0.isXXHash })
    }
}
