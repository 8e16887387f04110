/// The first and last records of a shard's output (`--shard K/N`): what `sweep merge` needs to check
/// that its parts belong together and that each one is whole.
///
/// In text outputs they are comment lines, which `sha256sum -c`, `xxhsum -c` and `sweep check` skip,
/// so a part still verifies on its own:
///
///     # sweep shard 2/4 command=sum format=gnu settings=sha256 roots=logs,data%20set
///     …the shard's lines, exactly as a run without --shard prints them…
///     # sweep shard 2/4 end records=1234 files=1234 failures=0 skipped=0 bytes=98765 seconds=1.5 totals=
///
/// (ended by NUL instead of a newline in `-z` outputs). In NDJSON they are the records
/// `{"sweep_shard":"# sweep shard …"}` and `{"sweep_shard_end":"# sweep shard … end …"}`, and the
/// end record stands in for the summary record, which `merge` recomputes. Values are
/// percent-encoded (every byte outside `!`…`~`, and `%`, `,`, `"`, `\`), so a header is one
/// printable ASCII line whatever the roots' bytes. A part without its end line was cut short.
///
/// ```swift
/// let header = ShardPart.Header(shard: try Shard(parsing: "2/4"), command: "sum", format: "gnu",
///                               settings: "sha256", roots: [Array("logs".utf8)])
/// print(String(decoding: header.text, as: UTF8.self))
/// ```
public enum ShardPart {
    /// Which shard wrote a part, and of which run: merge refuses parts whose fields other than the
    /// shard differ.
    public struct Header: Sendable, Hashable {
        /// Which share of the run.
        public var shard: Shard
        /// The command: `sum`, `lines`, `run`, `list`, `gzip`, `gunzip`, `check`.
        public var command: String
        /// How records are laid out, which tells merge where each one's path is: `gnu`, `bsd`
        /// (`--tag`), `gnu-z`, `bsd-z`, `lines`, `run`, `list`, `list-z`, `json`, or `check`
        /// (verdicts in manifest order, merged by concatenation).
        public var format: String
        /// Everything else that changes the output: algorithm, stages, filters.
        public var settings: String
        /// The roots as given (or the manifest, for `check`), in order.
        public var roots: [[UInt8]]

        /// A header with these fields.
        public init(shard: Shard, command: String, format: String, settings: String, roots: [[UInt8]]) {
            self.shard = shard
            self.command = command
            self.format = format
            self.settings = settings
            self.roots = roots
        }

        /// The header line, without its terminator.
        public var text: [UInt8] {
            var out = Array("# sweep shard \(shard) command=".utf8)
            out += ShardPart.encode(Array(command.utf8))
            out += Array(" format=".utf8) + ShardPart.encode(Array(format.utf8))
            out += Array(" settings=".utf8) + ShardPart.encode(Array(settings.utf8))
            out += Array(" roots=".utf8)
            for (index, root) in roots.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += ShardPart.encode(root)
            }
            return out
        }

        /// The header as a record of its part's format (JSON for `json`), terminator included.
        public func record(terminator: UInt8) -> [UInt8] {
            ShardPart.wrap(text, key: "sweep_shard", json: format == "json", terminator: terminator)
        }

        /// Parses a header record (text or JSON), or nil if `record` is none.
        public init?(record: [UInt8]) {
            guard let text = ShardPart.unwrap(record, key: "sweep_shard") else { return nil }
            let words = text.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
            guard words.count == 8, words[0].elementsEqual("#".utf8), words[1].elementsEqual("sweep".utf8),
                  words[2].elementsEqual("shard".utf8),
                  let shard = try? Shard(parsing: String(decoding: words[3], as: UTF8.self)) else { return nil }
            var values: [String: [UInt8]] = [:]
            for word in words[4...] {
                guard let equals = word.firstIndex(of: UInt8(ascii: "=")) else { return nil }
                values[String(decoding: word[..<equals], as: UTF8.self)] = Array(word[(equals + 1)...])
            }
            guard let command = values["command"].flatMap(ShardPart.decode), let format = values["format"].flatMap(ShardPart.decode),
                  let settings = values["settings"].flatMap(ShardPart.decode), let roots = values["roots"] else { return nil }
            var decodedRoots: [[UInt8]] = []
            if !roots.isEmpty {
                for root in roots.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                    guard let bytes = ShardPart.decode(Array(root)) else { return nil }
                    decodedRoots.append(bytes)
                }
            }
            self.init(shard: shard, command: String(decoding: command, as: UTF8.self), format: String(decoding: format, as: UTF8.self),
                      settings: String(decoding: settings, as: UTF8.self), roots: decodedRoots)
        }
    }

    /// The last record of a whole part: how many records came before it and the shard's totals.
    public struct Footer: Sendable, Hashable {
        /// The shard that wrote it.
        public var shard: Shard
        /// Records between the header and this line.
        public var records: Int
        /// The shard's totals, as its summary would have given them.
        public var summary: RunSummary
        /// The shard's elapsed time.
        public var seconds: Double

        /// A footer with these fields.
        public init(shard: Shard, records: Int, summary: RunSummary = RunSummary(), seconds: Double = 0) {
            self.shard = shard
            self.records = records
            self.summary = summary
            self.seconds = seconds
        }

        /// The end line, without its terminator.
        public var text: [UInt8] {
            let totals = summary.totals.keys.sorted().map { "\($0):\(summary.totals[$0]!)" }.joined(separator: ",")
            let rounded = (seconds * 1000).rounded() / 1000
            return Array(("# sweep shard \(shard) end records=\(records) files=\(summary.files) failures=\(summary.failures) "
                + "skipped=\(summary.skipped) bytes=\(summary.bytes) seconds=\(rounded) totals=\(totals)").utf8)
        }

        /// The end line as a record of a part of `format`, terminator included.
        public func record(format: String, terminator: UInt8) -> [UInt8] {
            ShardPart.wrap(text, key: "sweep_shard_end", json: format == "json", terminator: terminator)
        }

        /// Parses an end record (text or JSON), or nil if `record` is none.
        public init?(record: [UInt8]) {
            guard let text = ShardPart.unwrap(record, key: "sweep_shard_end") else { return nil }
            let words = text.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
            guard words.count == 12, words[0].elementsEqual("#".utf8), words[1].elementsEqual("sweep".utf8),
                  words[2].elementsEqual("shard".utf8), words[4].elementsEqual("end".utf8),
                  let shard = try? Shard(parsing: String(decoding: words[3], as: UTF8.self)) else { return nil }
            var values: [String: String] = [:]
            for word in words[5...] {
                guard let equals = word.firstIndex(of: UInt8(ascii: "=")) else { return nil }
                values[String(decoding: word[..<equals], as: UTF8.self)] = String(decoding: word[(equals + 1)...], as: UTF8.self)
            }
            var summary = RunSummary()
            guard let records = values["records"].flatMap({ Int($0) }), let files = values["files"].flatMap({ Int($0) }),
                  let failures = values["failures"].flatMap({ Int($0) }), let skipped = values["skipped"].flatMap({ Int($0) }),
                  let bytes = values["bytes"].flatMap({ Int64($0) }), let seconds = values["seconds"].flatMap({ Double($0) }),
                  let totals = values["totals"] else { return nil }
            summary.files = files
            summary.failures = failures
            summary.skipped = skipped
            summary.bytes = bytes
            for total in totals.split(separator: ",") {
                let pair = total.split(separator: ":")
                guard pair.count == 2, let value = UInt64(pair[1]) else { return nil }
                summary.totals[String(pair[0])] = value
            }
            self.init(shard: shard, records: records, summary: summary, seconds: seconds)
        }
    }

    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            if (0x21...0x7E).contains(byte) && !"%,\"\\".utf8.contains(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return out
    }

    /// The value of one hexadecimal digit (either case), or nil.
    static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    static func decode(_ bytes: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count,
                      let high = hexDigit(bytes[index + 1]), let low = hexDigit(bytes[index + 2]) else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    private static func wrap(_ text: [UInt8], key: String, json: Bool, terminator: UInt8) -> [UInt8] {
        // The text is printable ASCII without `"` or `\`: it goes into a JSON string as it is.
        var out = json ? Array("{\"\(key)\":\"".utf8) + text + Array("\"}".utf8) : text
        out.append(terminator)
        return out
    }

    private static func unwrap(_ record: [UInt8], key: String) -> [UInt8]? {
        let prefix = Array("{\"\(key)\":\"".utf8)
        if record.starts(with: prefix) {
            guard record.count >= prefix.count + 2, record.suffix(2).elementsEqual("\"}".utf8) else { return nil }
            return Array(record[prefix.count..<(record.count - 2)])
        }
        return record.starts(with: "# sweep shard ".utf8) ? record : nil
    }
}
