import Foundation
import SweepTestSupport
import SystemPackage
import Testing

@testable import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension EndToEndTests {
    /// `sweep run` end to end: several stages over one read, each value from its peer (sha256sum,
    /// md5sum, wc -l, python's zlib.crc32, gzip), and the NDJSON output.
    @Suite(.timeLimit(.minutes(2 * testTimeScale)))
    struct RunCommandTests: CommandLineFixtures {
        @Test func runGivesEveryStageItsValue() async throws {
            let tree = try Self.textTree("run")
            let order = await Self.walkOrder(tree)
            let sha = try Oracle.hexDigests(.sha256, of: order, directory: tree.root)
            let wc = try Oracle.lineCounts(of: order, directory: tree.root)
            let output = try runSweep(["run", "-s", "sha256", "-s", "lines", "."], directory: tree.root)
            #expect(output.status == .exited(0))
            let expected = zip(order, zip(sha, wc.counts)).map { path, values in
                "sha256=\(values.0) lines=\(values.1)  \(String(decoding: path, as: UTF8.self))"
            }
            #expect(output.stdoutText.split(separator: "\n").map(String.init) == expected)

            let crc = try Oracle.hexDigests(.crc32, of: order, directory: tree.root)
            let md5 = try Oracle.hexDigests(.md5, of: order, directory: tree.root)
            let second = try runSweep(["run", "-s", "crc32", "-s", "md5", "-j", "1", "."], directory: tree.root)
            #expect(second.stdoutText.split(separator: "\n").map(String.init)
                == zip(order, zip(crc, md5)).map { "crc32=\($1.0) md5=\($1.1)  \(String(decoding: $0, as: UTF8.self))" })
        }

        @Test func jsonLinesParseAndCarryExactPaths() async throws {
            let tree = try Self.hostileTree("json")
            let order = await Self.walkOrder(tree)
            let sha = try Oracle.hexDigests(.sha256, of: order, directory: tree.root)
            let wc = try Oracle.lineCounts(of: order, directory: tree.root)
            let output = try runSweep(["run", "-s", "sha256", "-s", "lines", "--json", ".", "absent"], directory: tree.root)
            #expect(output.status == .exited(1))
            let lines = splitRecords(output.stdout, delimiter: 0x0A)
            let objects = try lines.map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], "\(describeBytes(line))")
            }
            #expect(objects.count == order.count + 3, "files, the FIFO, the missing path, the summary")

            func exactPath(_ object: [String: Any]) -> [UInt8]? {
                if let base64 = object["path_base64"] as? String { return Data(base64Encoded: base64).map { Array($0) } }
                return (object["path"] as? String).map(utf8)
            }
            let processed = objects.filter { $0["status"] as? String == "ok" }
            #expect(processed.compactMap(exactPath) == order)
            #expect(processed.map { $0["sha256"] as? String } == sha)
            #expect(processed.map { ($0["lines"] as? NSNumber)?.uint64Value } == wc.counts)
            for (object, path) in zip(processed, order) {
                let size = try statusOf(tree.path(Array(path.dropFirst(2)))).st_size
                #expect((object["size"] as? NSNumber)?.int64Value == Int64(size))
            }
            // Only the name that is not UTF-8 needs base64, and it decodes to the exact bytes.
            let withBase64 = objects.filter { $0["path_base64"] != nil }
            #expect(withBase64.count == 1)
            #expect(withBase64.first.flatMap(exactPath) == utf8("./") + Self.badByteName)

            let skipped = objects.filter { $0["status"] as? String == "skipped" }
            #expect(skipped.map { $0["path"] as? String } == ["./fifo"])
            let failed = objects.filter { $0["status"] as? String == "error" }
            #expect(failed.map { $0["path"] as? String } == ["absent"])
            #expect(failed.first?["errno"] as? Int == Int(ENOENT))
            #expect(failed.first?["error"] as? String == "No such file or directory")

            let summary = try #require(objects.last?["summary"] as? [String: Any])
            #expect(summary["files"] as? Int == order.count)
            #expect(summary["failures"] as? Int == 1)
            #expect(summary["skipped"] as? Int == 1)
            #expect((summary["totals"] as? [String: Any])?["lines"] as? UInt64 == wc.total
                || ((summary["totals"] as? [String: Any])?["lines"] as? NSNumber)?.uint64Value == wc.total)
            #expect(objects.dropLast().allSatisfy { $0["summary"] == nil })
        }

        /// `sweep run -s sha256 -s gzip`: a .gz beside each file, originals kept, sha256sum's values.
        @Test func runStageListWritesGzAndKeepsOriginals() throws {
            let tree = try TempTree("gzip-run")
            let contents: [String: [UInt8]] = [
                "d/a": utf8("aaa\n"), "d/big": GzipFixtures.logText(1_200_000, seed: 13), "d/sub/c": randomBytes(5000, seed: 13),
            ]
            for (name, content) in contents { try tree.file(name, content) }
            let run = try runSweep(["run", "-s", "sha256", "-s", "gzip", "d"], directory: tree.root)
            #expect(run.status == .exited(0), "\(run)")
            let names = ["d/a", "d/big", "d/sub/c"]
            let digests = try Oracle.hexDigests(.sha256, of: names.map(utf8), directory: tree.root)
            var expected = ""
            for (name, digest) in zip(names, digests) {
                let size = try GzipKit.info(tree.path("\(name).gz")).st_size
                expected += "sha256=\(digest) gzip=\(size)  \(name)\n"
                #expect(try readFile(tree.path(name)) == contents[name]!, "\(name) must be kept")
                #expect(try GzipKit.gunzipped(tree.path("\(name).gz")) == contents[name]!)
            }
            #expect(run.stdoutText == expected)
        }

        @Test(arguments: [
            (["run", "."], "give at least one stage with -s"),
            (["run", "-s", "bogus", "."], "unknown stage 'bogus'"),
            // Two values under one name would be one JSON key twice and one total.
            (["run", "-s", "crc32", "-s", "lines", "-s", "crc32", "."], "stage 'crc32' is given twice"),
        ] as [([String], String)])
        func usageErrorsExitNonZeroWithAMessage(_ arguments: [String], _ message: String) throws {
            try Self.expectUsageError(arguments, message)
        }
    }
}
