/// One of N independent shares of a walk (`--shard K/N`): the same command run N times, on N
/// machines or as N tasks of a Slurm job array or Kubernetes Indexed Job, each reading only the files
/// of its share, so that together they read every file exactly once.
///
/// A file's shard is decided by its path below the root alone, so it is the same on every machine,
/// in every run and in every version of sweep:
///
///     shard(path) = fmix64(FNV-1a-64(path below the root)) mod N + 1
///
/// FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3) runs over the bytes of the path
/// below the root as the walk builds it (`dir/sub/name`, no leading `./`), and MurmurHash3's 64-bit
/// finaliser mixes its low bits, which FNV alone leaves weak for paths that differ only at the end.
/// A file named as a root (`sweep sum a.log`, or a `--files-from` line) is hashed by the path as
/// given; standard input belongs to shard 1. Files are shared by count, not by bytes: with many files
/// per shard the hash spreads sizes evenly too (the README measures the imbalance).
///
/// Every shard still lists every directory: the walk's metadata is read N times, the data once.
/// With a shard depth D (``WalkOptions/shardDepth``, `--shard-depth D`), a file more than D levels
/// below the root goes by the path of its directory D levels down instead, so each of those
/// directories belongs wholly to one shard and the others never open it: the metadata above depth
/// D is read N times, the rest once. A directory (or root) that cannot be opened is reported by one
/// shard only, the one its own path belongs to, so that the parts of an NDJSON run merge without a
/// duplicate.
///
/// ```swift
/// let shard = try Shard(parsing: "2/4")
/// var options = WalkOptions()
/// options.shard = shard
/// print(Shard.number(of: Array("logs/a.log".utf8), count: 4)) // 1…4, the same everywhere
/// ```
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// This shard's number, from 1 to ``count`` (as `split -n K/N` counts).
    public let index: Int
    /// How many shards share the walk.
    public let count: Int

    /// The variables ``init(parsing:environment:)`` reads for `auto`.
    public static let environmentVariables = [
        "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX",
        "JOB_COMPLETION_INDEX",
    ]

    /// Shard `index` of `count`.
    ///
    /// ```swift
    /// let last = try Shard(index: 4, count: 4)
    /// ```
    public init(index: Int, count: Int) throws(ShardError) {
        guard count >= 1 else { throw ShardError("\(index)/\(count): N must be at least 1") }
        guard (1...count).contains(index) else { throw ShardError("\(index)/\(count): K must be from 1 to \(count)") }
        self.index = index
        self.count = count
    }

    /// Parses `K/N`, or `auto` (`auto/N`) from a job engine's environment:
    ///
    /// - Slurm job arrays: `SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN` + 1 of
    ///   `SLURM_ARRAY_TASK_COUNT` (the array must be contiguous, `--array=0-7` or `1-8`); with
    ///   `auto/N`, the task ID alone decides, `ID mod N + 1` of N, so that one failed task can be
    ///   submitted again by itself (`sbatch --array=5`) and still be the same shard;
    /// - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` + 1 of N, which Kubernetes does not
    ///   export, so it is given as `auto/N` (the Job's `completions`).
    ///
    /// ```swift
    /// let shard = try Shard(parsing: "auto/8", environment: ["JOB_COMPLETION_INDEX": "3"]) // 4/8
    /// ```
    public init(parsing text: String, environment: [String: String] = [:]) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let first = parts.first else { throw Self.malformed(text) }
        let total: Int?
        if parts.count == 2 {
            guard let value = Self.number(parts[1]) else { throw Self.malformed(text) }
            total = value
        } else {
            total = nil
        }
        if first == "auto" {
            self = try Self.fromEnvironment(environment, count: total, text: text)
            return
        }
        guard let index = Self.number(first), let total else { throw Self.malformed(text) }
        try self.init(index: index, count: total)
    }

    /// This shard's consecutive share of `count` numbered items (from 1): `check --shard` takes a
    /// manifest's lines so, and the shares' outputs, concatenated in shard order, are one run's.
    ///
    /// ```swift
    /// try Shard(index: 2, count: 4).consecutiveShare(of: 10) // 3..<6
    /// ```
    public func consecutiveShare(of count: Int) -> Range<Int> {
        ((index - 1) * count / self.count + 1)..<(index * count / self.count + 1)
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// Whether the file at `path` (below its root) belongs to this shard.
    ///
    /// ```swift
    /// let mine = shard.contains(Array("a/b.log".utf8))
    /// ```
    public func contains(_ path: some Sequence<UInt8>) -> Bool {
        Self.number(of: path, count: count) == index
    }

    /// The shard (1…`count`) that `path`, below its root, belongs to.
    ///
    /// ```swift
    /// let owner = Shard.number(of: Array("a/b.log".utf8), count: 64)
    /// ```
    public static func number(of path: some Sequence<UInt8>, count: Int) -> Int {
        var hash = PathHash()
        hash.combine(path)
        return hash.shard(count: count)
    }

    private static func number(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text)
    }

    private static func malformed(_ text: String) -> ShardError {
        ShardError("'\(text)': expected K/N (such as 2/8, K from 1 to N), auto (a Slurm job array) or auto/N (a Kubernetes Indexed Job)")
    }

    private static func fromEnvironment(_ environment: [String: String], count: Int?, text: String) throws(ShardError) -> Shard {
        func value(_ name: String) throws(ShardError) -> Int? {
            guard let raw = environment[name] else { return nil }
            guard let number = number(raw) else { throw ShardError("\(text): \(name)='\(raw)' is not a number") }
            return number
        }
        if let task = try value("SLURM_ARRAY_TASK_ID") {
            if let count {
                guard count >= 1 else { throw ShardError("\(text): N must be at least 1") }
                return try Shard(index: task % count + 1, count: count)
            }
            guard let tasks = try value("SLURM_ARRAY_TASK_COUNT") else {
                throw ShardError("\(text): SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")
            }
            let minimum = try value("SLURM_ARRAY_TASK_MIN") ?? 0
            if let maximum = try value("SLURM_ARRAY_TASK_MAX"), maximum - minimum + 1 != tasks {
                throw ShardError("\(text): the Slurm array \(minimum)-\(maximum) has \(tasks) tasks; give it contiguous indices (--array=0-\(tasks - 1)) or use --shard K/N")
            }
            return try Shard(index: task - minimum + 1, count: tasks)
        }
        if let completion = try value("JOB_COMPLETION_INDEX") {
            guard let count else {
                throw ShardError("\(text): Kubernetes does not export the number of completions; give it as --shard auto/N")
            }
            return try Shard(index: completion + 1, count: count)
        }
        throw ShardError("\(text): neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give --shard K/N")
    }
}

/// Why a `--shard` value was refused.
///
/// ```swift
/// do { _ = try Shard(parsing: "5/4") } catch { print(error) } // 5/4: K must be from 1 to 4
/// ```
public struct ShardError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the value.
    public let description: String

    init(_ description: String) { self.description = description }
}

/// FNV-1a 64 over a path's bytes, fed a piece at a time: the walker keeps each directory's state and
/// goes on with `/name`, so a file's shard costs no path to be built.
package struct PathHash: Sendable, Hashable {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    package init() {}

    package mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            state ^= UInt64(byte)
            state &*= 0x0000_0100_0000_01b3
        }
    }

    package mutating func combine(_ byte: UInt8) {
        state ^= UInt64(byte)
        state &*= 0x0000_0100_0000_01b3
    }

    /// The shard (1…`count`) of the bytes combined so far.
    package func shard(count: Int) -> Int {
        // MurmurHash3's fmix64.
        var mixed = state
        mixed ^= mixed >> 33
        mixed &*= 0xff51_afd7_ed55_8ccd
        mixed ^= mixed >> 33
        mixed &*= 0xc4ce_b9fe_1a85_ec53
        mixed ^= mixed >> 33
        return Int(mixed % UInt64(count)) + 1
    }
}
