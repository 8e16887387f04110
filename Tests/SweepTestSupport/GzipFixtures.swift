import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The gzip oracles and fixtures shared by the gzip unit tests and the gzip/gunzip end-to-end tests:
// log-like text, gzip/pigz/zcat and python3's zlib run on bytes, a gzip header parser.

/// Helpers shared by the gzip test files, in one namespace so that nothing clashes with other tests.
package enum GzipFixtures {
    /// zlib's flush values (not imported from CZlib here, to keep the test target's imports small).
    package static let noFlush: Int32 = 0
    package static let syncFlush: Int32 = 2
    package static let finish: Int32 = 4

    /// Deterministic log-like text of exactly `count` bytes: timestamps, levels, ids, paths; it
    /// compresses about as well as a real service log (4–5x).
    package static func logText(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        let levels = ["INFO", "INFO", "INFO", "WARN", "DEBUG", "ERROR"].map(utf8)
        let verbs = ["GET", "GET", "POST", "PUT", "DELETE"].map(utf8)
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count + 256)
        var line = 0
        func number(_ value: UInt64, width: Int) -> [UInt8] {
            let digits = Array(String(value).utf8)
            return digits.count >= width ? digits : [UInt8](repeating: UInt8(ascii: "0"), count: width - digits.count) + digits
        }
        while out.count < count {
            let random = generator.next()
            out += utf8("2024-05-")
            out += number(UInt64(1 + line / 40_000 % 28), width: 2)
            out.append(UInt8(ascii: "T"))
            out += number(UInt64(line / 3600 % 24), width: 2)
            out.append(UInt8(ascii: ":"))
            out += number(UInt64(line / 60 % 60), width: 2)
            out.append(UInt8(ascii: ":"))
            out += number(UInt64(line % 60), width: 2)
            out.append(UInt8(ascii: "."))
            out += number(random % 1000, width: 3)
            out += utf8("Z ")
            out += levels[Int(random >> 10 % 6)]
            out += utf8(" worker-")
            out += number(random >> 14 & 15, width: 1)
            out += utf8(" ")
            out += verbs[Int(random >> 18 % 5)]
            out += utf8(" /api/v1/items/")
            out += number(random >> 21 & 0xFFFF, width: 1)
            out += utf8(" request_id=")
            var id = generator.next()
            for _ in 0..<16 {
                out.append(hex[Int(id & 15)])
                id >>= 4
            }
            out += utf8(" status=")
            out += utf8(["200", "200", "200", "201", "404", "500"][Int(random >> 37 % 6)])
            out += utf8(" latency_ms=")
            out += number(random >> 40 % 2000, width: 1)
            out.append(0x0A)
            line += 1
        }
        return Array(out.prefix(count))
    }

    /// Runs a peer with `input` on standard input; it must exit 0.
    package static func peer(_ tool: String, _ arguments: [Arg], input: [UInt8], directory: [UInt8]? = nil) throws -> [UInt8] {
        let output = try runProcess(tool, arguments, directory: directory, stdin: .bytes(input))
        guard output.status == .exited(0) else { throw OracleError(tool: tool, output: output) }
        return output.stdout
    }

    /// What `gzip -dc`, `zcat` and `pigz -dc` decompress `compressed` to, by tool name.
    package static func decompressedByPeers(_ compressed: [UInt8]) throws -> [(tool: String, bytes: [UInt8])] {
        [
            ("gzip -dc", try peer("gzip", ["-dc"], input: compressed)),
            ("zcat", try peer("zcat", [], input: compressed)),
            ("pigz -dc", try peer("pigz", ["-dc"], input: compressed)),
        ]
    }

    /// python3's view of gzip data: the first member decoded with `zlib.decompressobj(16 + 15)`,
    /// whether that member ended (`eof`), and how many bytes followed it (`unused_data`).
    package struct FirstMember {
        package var decoded: [UInt8]
        package var ended: Bool
        package var unusedBytes: Int
        package init(decoded: [UInt8], ended: Bool, unusedBytes: Int) {
            self.decoded = decoded
            self.ended = ended
            self.unusedBytes = unusedBytes
        }
    }

    package static func firstMember(_ compressed: [UInt8]) throws -> FirstMember {
        let script = """
            import sys, zlib
            d = sys.stdin.buffer.read()
            o = zlib.decompressobj(16 + 15)
            out = o.decompress(d) + o.flush()
            sys.stderr.write('%d %d' % (1 if o.eof else 0, len(o.unused_data)))
            sys.stdout.buffer.write(out)
            """
        let output = try Oracle.runPython(script, input: compressed)
        let fields = output.stderrText.split(separator: " ").compactMap { Int($0) }
        guard fields.count == 2 else { throw OracleError(tool: "python3", output: output) }
        return FirstMember(decoded: output.stdout, ended: fields[0] == 1, unusedBytes: fields[1])
    }

    /// python3's `zlib.crc32` of `bytes`.
    package static func pythonCRC32(_ bytes: [UInt8]) throws -> UInt32 {
        let text = try Oracle.runPython("import sys, zlib; print(zlib.crc32(sys.stdin.buffer.read()) & 0xffffffff)", input: bytes)
            .stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        return UInt32(text)!
    }

    /// A gzip header (RFC 1952) as bytes, parsed.
    package struct Header: Equatable, CustomStringConvertible {
        package var flags: UInt8
        package var modificationTime: UInt32
        package var extraFlags: UInt8
        package var operatingSystem: UInt8
        /// FNAME without its NUL, or nil when the flag is not set.
        package var name: [UInt8]?
        /// The header's length in bytes.
        package var length: Int

        package init?(_ bytes: [UInt8]) {
            guard bytes.count >= 10, bytes[0] == 0x1f, bytes[1] == 0x8b, bytes[2] == 8 else { return nil }
            flags = bytes[3]
            modificationTime = UInt32(bytes[4]) | UInt32(bytes[5]) << 8 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 24
            extraFlags = bytes[8]
            operatingSystem = bytes[9]
            var offset = 10
            if flags & 0x04 != 0 {
                guard bytes.count >= offset + 2 else { return nil }
                offset += 2 + (Int(bytes[offset]) | Int(bytes[offset + 1]) << 8)
            }
            if flags & 0x08 != 0 {
                guard let end = bytes[offset...].firstIndex(of: 0) else { return nil }
                name = Array(bytes[offset..<end])
                offset = end + 1
            } else {
                name = nil
            }
            length = offset
        }

        package var description: String {
            "flags=\(flags) mtime=\(modificationTime) xfl=\(extraFlags) os=\(operatingSystem) name=\(name.map(describeBytes) ?? "nil")"
        }
    }

    /// `data` deflated by python3's zlib as a raw stream at `level` (the serial reference size).
    package static func pythonRawDeflate(_ data: [UInt8], level: Int) throws -> [UInt8] {
        let script = """
            import sys, zlib
            c = zlib.compressobj(int(sys.argv[1]), zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY)
            sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read()) + c.flush())
            """
        return try Oracle.runPython(script, input: data, arguments: [Arg(String(level))]).stdout
    }

    /// `data` inflated by python3's zlib as a raw deflate stream, primed with `dictionary`.
    package static func pythonRawInflate(_ data: [UInt8], dictionary: [UInt8] = []) throws -> [UInt8] {
        let script = """
            import sys, zlib
            raw = sys.stdin.buffer.read()
            n = int(sys.argv[1])
            d = zlib.decompressobj(-15, zdict=raw[:n]) if n else zlib.decompressobj(-15)
            sys.stdout.buffer.write(d.decompress(raw[n:]) + d.flush())
            """
        return try Oracle.runPython(script, input: dictionary + data, arguments: [Arg(String(dictionary.count))]).stdout
    }

    /// gzip's own message for `compressed` read from standard input by `gzip -t`, without the
    /// `gzip: stdin: ` prefix, and its exit status.
    package static func gzipTestVerdict(_ compressed: [UInt8]) throws -> (message: String?, status: Termination) {
        let output = try runProcess("gzip", ["-t"], stdin: .bytes(compressed))
        let line = output.stderrText.split(separator: "\n").first { $0.hasPrefix("gzip: stdin: ") }
        return (line.map { String($0.dropFirst("gzip: stdin: ".count)) }, output.status)
    }
}
