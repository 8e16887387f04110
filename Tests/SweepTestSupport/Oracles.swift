import Foundation
import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The peers used as oracles: coreutils, xxhsum, python3's hashlib and zlib, wc.

// MARK: - Oracles: the peers

package enum Oracle {
    /// The real python3 interpreter (resolved once: the pyenv shim costs a shell per call).
    package static let python: String = {
        if let output = try? runProcess("python3", ["-c", "import sys; sys.stdout.write(sys.executable)"]),
           output.status == .exited(0), !output.stdout.isEmpty {
            return output.stdoutText
        }
        return "python3"
    }()

    /// Runs a python3 script with `input` on standard input.
    package static func runPython(_ script: String, input: [UInt8] = [], arguments: [Arg] = []) throws -> ProcessOutput {
        let output = try runProcess(python, ["-c", Arg(script)] + arguments, stdin: .bytes(input))
        guard output.status == .exited(0) else { throw OracleError(tool: "python3", output: output) }
        return output
    }

    /// The coreutils tool for `algorithm`, or nil for CRC-32, which coreutils 9.1 lacks, and for the
    /// xxHash family (see ``xxhsumFlag(_:)``).
    package static func tool(_ algorithm: DigestAlgorithm) -> String? {
        algorithm == .crc32 || algorithm.isXXHash ? nil : "\(algorithm.rawValue)sum"
    }

    /// xxhsum's `-H` flag for an algorithm of the xxHash family: `-H0` XXH32, `-H1` XXH64,
    /// `-H2` XXH128, `-H3` XXH3 (64-bit); nil for the others.
    package static func xxhsumFlag(_ algorithm: DigestAlgorithm) -> Arg? {
        switch algorithm {
        case .xxh32: "-H0"
        case .xxh64: "-H1"
        case .xxh128: "-H2"
        case .xxh3: "-H3"
        default: nil
        }
    }

    /// The hex digest of each file in `paths` (absolute, or relative to `directory`), in order:
    /// coreutils for the SHA family and MD5, python's `zlib.crc32` for CRC-32, xxhsum for xxHash.
    package static func hexDigests(_ algorithm: DigestAlgorithm, of paths: [[UInt8]], directory: [UInt8]? = nil) throws -> [String] {
        guard !paths.isEmpty else { return [] }
        if algorithm.isXXHash {
            return try xxhsum(algorithm, of: paths, directory: directory)
        }
        guard let tool = tool(algorithm) else {
            let resolved = paths.map { path in
                if let directory, path.first != UInt8(ascii: "/") { return joinPath(directory, path) }
                return path
            }
            return try crc32(of: resolved)
        }
        // -z: NUL-terminated and never escaped, so each record is `HEX  NAME`.
        let output = try runProcess(tool, ["-z", "--"] + paths.map(Arg.init), directory: directory)
        guard output.status == .exited(0) else { throw OracleError(tool: tool, output: output) }
        let records = splitRecords(output.stdout, delimiter: 0)
        guard records.count == paths.count else { throw OracleError(tool: tool, output: output) }
        return records.map { String(decoding: $0.prefix(while: { $0 != UInt8(ascii: " ") }), as: UTF8.self) }
    }

    /// `xxhsum -H0…-H3` of each file, in order. A missing `xxhsum` fails (posix_spawn throws).
    ///
    /// xxhsum 0.8.1 has no `-z` and prints names raw (LF included), so each line is read by
    /// position from the names given: `HEX  NAME` LF, or `XXH3 (NAME) = HEX` LF for `-H3`.
    package static func xxhsum(_ algorithm: DigestAlgorithm, of paths: [[UInt8]], directory: [UInt8]? = nil) throws -> [String] {
        guard let flag = xxhsumFlag(algorithm) else { preconditionFailure("\(algorithm) is not an xxHash digest") }
        let output = try runProcess("xxhsum", [flag, "--"] + paths.map(Arg.init), directory: directory)
        guard output.status == .exited(0) else { throw OracleError(tool: "xxhsum", output: output) }
        let width = algorithm.digestByteCount * 2
        var digests: [String] = []
        var rest = output.stdout[...]
        for path in paths {
            let hex: ArraySlice<UInt8>
            if algorithm == .xxh3 {
                let head = utf8("XXH3 (") + path + utf8(") = ")
                guard rest.starts(with: head) else { throw OracleError(tool: "xxhsum", output: output) }
                hex = rest.dropFirst(head.count).prefix(width)
                rest = rest.dropFirst(head.count + width)
            } else {
                hex = rest.prefix(width)
                rest = rest.dropFirst(width)
                guard rest.starts(with: utf8("  ") + path) else { throw OracleError(tool: "xxhsum", output: output) }
                rest = rest.dropFirst(2 + path.count)
            }
            guard rest.first == 0x0A, hex.count == width else { throw OracleError(tool: "xxhsum", output: output) }
            rest = rest.dropFirst()
            digests.append(String(decoding: hex, as: UTF8.self))
        }
        guard rest.isEmpty else { throw OracleError(tool: "xxhsum", output: output) }
        return digests
    }

    /// python3's `zlib.crc32` of each file, as 8 lower-case hex digits.
    package static func crc32(of paths: [[UInt8]]) throws -> [String] {
        let script = """
            import sys, zlib
            for p in sys.stdin.buffer.read().split(b'\\0')[:-1]:
                with open(p, 'rb') as f:
                    print('%08x' % (zlib.crc32(f.read()) & 0xffffffff))
            """
        let input = nulTerminated(paths)
        return try runPython(script, input: input).stdoutText.split(separator: "\n").map(String.init)
    }

    /// python3's `hashlib` digest of each file.
    package static func hashlib(_ name: String, of paths: [[UInt8]]) throws -> [String] {
        let script = """
            import sys, hashlib
            for p in sys.stdin.buffer.read().split(b'\\0')[:-1]:
                with open(p, 'rb') as f:
                    print(hashlib.new(sys.argv[1], f.read()).hexdigest())
            """
        return try runPython(script, input: nulTerminated(paths), arguments: [Arg(name)])
            .stdoutText.split(separator: "\n").map(String.init)
    }

    /// `wc -l` of each file (in order) and the total, via `wc -l --files0-from=-`.
    package static func lineCounts(of paths: [[UInt8]], directory: [UInt8]? = nil) throws -> (counts: [UInt64], total: UInt64) {
        guard !paths.isEmpty else { return ([], 0) }
        let output = try runProcess("wc", ["-l", "--files0-from=-"], directory: directory, stdin: .bytes(nulTerminated(paths)))
        guard output.status == .exited(0) else { throw OracleError(tool: "wc", output: output) }
        // Names with LF are shell-quoted by wc 9.1, so each line starts with the count.
        let counts = output.stdoutText.split(separator: "\n").map { line in
            UInt64(line.drop(while: { $0 == " " }).prefix(while: { $0.isNumber }))!
        }
        if paths.count == 1 { return (counts, counts[0]) }
        guard counts.count == paths.count + 1 else { throw OracleError(tool: "wc", output: output) }
        return (Array(counts.dropLast()), counts.last!)
    }
}

package struct OracleError: Error, CustomStringConvertible {
    package var tool: String
    package var output: ProcessOutput
    package init(tool: String, output: ProcessOutput) {
        self.tool = tool
        self.output = output
    }
    package var description: String { "\(tool) failed: \(output)" }
}
