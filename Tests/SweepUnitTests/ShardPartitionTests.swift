import SystemPackage
import SweepTestSupport
import Testing

@testable import Sweep

/// `Shard`: parsing and the job engines' environments, the partition (pinned values, so that it
/// never changes between versions), the walker's filter, `WalkOrder` against the walker's own
/// order, and the part header and end line round trip.
@Suite(.timeLimit(.minutes(5 * testTimeScale)))
struct ShardPartitionTests {
    @Test func parsesKOfNAndRefusesEverythingElse() throws {
        #expect(try Shard(parsing: "2/8") == (try Shard(index: 2, count: 8)))
        #expect(try Shard(parsing: "1/1").description == "1/1")
        for bad in ["0/4", "5/4", "1/0", "x/y", "1/", "/4", "2", "", "-1/4", "1/4/2", " 1/4", "1.0/4", "auto/x"] {
            #expect(throws: ShardError.self, "\(bad)") { try Shard(parsing: bad) }
        }
    }

    @Test func autoReadsSlurmArraysAndKubernetesIndexedJobs() throws {
        let slurm = ["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_MAX": "8"]
        #expect(try Shard(parsing: "auto", environment: slurm) == (try Shard(index: 3, count: 4)))
        // auto/N: the task ID alone, so that a rerun of one task (--array=7) is the same shard.
        #expect(try Shard(parsing: "auto/4", environment: ["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_COUNT": "1"]) == (try Shard(index: 4, count: 4)))
        #expect(try Shard(parsing: "auto/8", environment: ["JOB_COMPLETION_INDEX": "0"]) == (try Shard(index: 1, count: 8)))
        #expect(try Shard(parsing: "auto/8", environment: ["JOB_COMPLETION_INDEX": "7"]) == (try Shard(index: 8, count: 8)))
        #expect(throws: ShardError.self) { try Shard(parsing: "auto/8", environment: ["JOB_COMPLETION_INDEX": "8"]) }
        #expect(throws: ShardError.self) { try Shard(parsing: "auto", environment: ["JOB_COMPLETION_INDEX": "1"]) }
        #expect(throws: ShardError.self) { try Shard(parsing: "auto", environment: [:]) }
        #expect(throws: ShardError.self) {
            try Shard(parsing: "auto", environment: ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "4"])
        }
    }

    /// The partition is part of the format: these values must never change (parts written by one
    /// version are merged by another). They were computed independently, by Python, from the
    /// definition in Shard's documentation.
    @Test func partitionIsPinned() {
        let paths = ["a", "b", "logs/2024/app.log", "x/y/z", "ÿ"]
        let pinned = paths.map { Shard.number(of: Array($0.utf8), count: 1000) }
        #expect(pinned == Self.pinnedValues, "\(pinned)")
        // Fed in pieces as the walker feeds it: the same.
        var pieces = PathHash()
        pieces.combine(Array("logs".utf8))
        pieces.combine(UInt8(ascii: "/"))
        pieces.combine(Array("2024/app.log".utf8))
        #expect(pieces.shard(count: 1000) == pinned[2])
    }

    static let pinnedValues = [316, 705, 42, 988, 787]

    /// Spread: 100 000 paths over 64 shards (1 562 each on average, σ ≈ 40), each within 12% (4.7σ) of the mean.
    @Test func partitionIsEven() {
        var counts = [Int](repeating: 0, count: 64)
        for index in 0..<100_000 { counts[Shard.number(of: Array("data/run\(index % 100)/file\(index).dat".utf8), count: 64) - 1] += 1 }
        let mean = 100_000.0 / 64
        #expect(counts.allSatisfy { abs(Double($0) - mean) < mean * 0.12 }, "\(counts)")
    }

    /// With a shard depth D, a file more than D levels down goes by its directory D levels down,
    /// one above or at D by its own path; the shards together list every file once.
    @Test func shardDepthDecidesByTheDirectoryAtThatDepth() async throws {
        let tree = try TempTree("shard-depth-unit")
        for a in 0..<6 {
            _ = try tree.file("f\(a)", "x")
            for b in 0..<4 {
                _ = try tree.file("d\(a)/g\(b)", "x")
                _ = try tree.file("d\(a)/e\(b)/h", "x")
            }
        }
        let everything = await walkedFiles([tree.root])
        let rootLength = tree.root.count + 1
        for depth in [1, 2] {
            var union: [[UInt8]] = []
            for index in 1...4 {
                var options = WalkOptions()
                options.shard = try Shard(index: index, count: 4)
                options.shardDepth = depth
                let files = await walkedFiles([tree.root], options)
                for file in files {
                    let below = Array(file[rootLength...])
                    let components = below.split(separator: UInt8(ascii: "/"))
                    let decider = components.count > depth ? Array(components.prefix(depth).joined(separator: [UInt8(ascii: "/")])) : below
                    #expect(Shard.number(of: decider, count: 4) == index, "depth \(depth): \(String(decoding: below, as: UTF8.self))")
                }
                union += files
            }
            #expect(union.sorted { $0.lexicographicallyPrecedes($1) } == everything.sorted { $0.lexicographicallyPrecedes($1) }, "depth \(depth)")
        }
    }

    @Test func consecutiveSharesCoverEveryLineOnce() throws {
        for lines in [0, 1, 7, 100] {
            for count in [1, 3, 8] {
                let shares = try (1...count).map { try Shard(index: $0, count: count).consecutiveShare(of: lines) }
                #expect(shares.flatMap { Array($0) } == Array(1..<(lines + 1)))
            }
        }
    }

    /// The shards' walks are disjoint and together the whole walk, in its order; WalkOrder sorts
    /// paths exactly as the walker lists them, and so do its byte sort keys.
    @Test func shardsPartitionTheWalkAndWalkOrderIsTheWalkersOrder() async throws {
        let tree = try TempTree("shard-walk")
        for name in ["a/z", "a-b", "a.txt", "a/y/x", "B", "1", "10", "9", "dir/sub/f", "dir.x", "dir/sub-a", ".h"] {
            try tree.file(name, name)
        }
        try tree.file([0xFF, 0x78], utf8("ff"))
        for index in 0..<50 { try tree.file("many/f\(index)", "\(index)") }
        let all = await walkedFiles([tree.root])
        var union: [[UInt8]] = []
        for index in 1...5 {
            var options = WalkOptions()
            options.shard = try Shard(index: index, count: 5)
            let part = await walkedFiles([tree.root], options)
            #expect(part == all.filter { part.contains($0) }, "each shard in walk order")
            #expect(!part.isEmpty)
            union += part
        }
        #expect(union.count == all.count)
        #expect(Set(union) == Set(all))

        let order = WalkOrder(roots: [tree.root])
        let shuffled = all.shuffled()
        let sorted = shuffled.sorted { lhs, rhs in
            var left = WalkOrder.Position(), right = WalkOrder.Position()
            return order.key(of: lhs, from: &left)! < order.key(of: rhs, from: &right)!
        }
        #expect(sorted == all)
        // The ledger's sort keys, compared as plain bytes (as SQLite orders blobs), agree.
        let byKey = shuffled.sorted { lhs, rhs in
            var left = WalkOrder.Position(), right = WalkOrder.Position()
            return order.sortKey(of: lhs, from: &left)!.lexicographicallyPrecedes(order.sortKey(of: rhs, from: &right)!)
        }
        #expect(byKey == all)
    }

    @Test func headerAndEndLineRoundTrip() throws {
        let header = ShardPart.Header(shard: try Shard(parsing: "3/7"), command: "sum", format: "gnu-z",
                                      settings: "sha256 include:*.log", roots: [utf8("a b"), [0xFF, 0x2C, 0x25], utf8(".")])
        for terminator: UInt8 in [0x0A, 0] {
            let record = header.record(terminator: terminator)
            #expect(record.last == terminator)
            #expect(!record.dropLast().contains(0x0A) && !record.dropLast().contains(0))
            #expect(ShardPart.Header(record: Array(record.dropLast())) == header)
        }
        var summary = RunSummary()
        summary.files = 3
        summary.bytes = 1234
        summary.totals = ["lines": 42, "gzip": 7]
        let footer = ShardPart.Footer(shard: header.shard, records: 5, summary: summary, seconds: 1.25)
        for format in ["gnu", "json"] {
            let record = footer.record(format: format, terminator: 0x0A)
            #expect(ShardPart.Footer(record: Array(record.dropLast())) == footer, "\(format)")
        }
        var json = header
        json.format = "json"
        #expect(ShardPart.Header(record: Array(json.record(terminator: 0x0A).dropLast())) == json)
    }

    @Test func base64AndShellQuotingRoundTrip() {
        for bytes in [[], [0xFF], [1, 2], [0, 1, 2], Array("bad\u{FF}name".utf8), [0xFF, 0x78, 0x0A]] as [[UInt8]] {
            #expect(Base64.decode(Array(Base64.encode(bytes).utf8)) == bytes)
        }
        for name in ["new\nline", "a'b\nc", "\n", "x\n\u{7}\u{FF}", "tab\there\n"] {
            let bytes = Array(name.utf8)
            #expect(ShellQuoting.unquote(ShellQuoting.quote(bytes)) == bytes, "\(name)")
        }
        #expect(ShellQuoting.unquote(Array("plain".utf8)) == nil)
    }
}
