import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Merges the parts of a sharded run (`--shard 1/N` … `N/N`) into the output one run over the
/// whole tree would have printed, byte for byte: `sweep merge`.
///
/// The parts are read side by side, one record each at a time, and each record is placed by its
/// path in the walk's order (``WalkOrder``): a streaming k-way merge whose memory is a record per
/// part, whatever the number of files. `check` parts, whose shards are consecutive ranges of a
/// manifest's lines, are concatenated in shard order.
///
/// Before writing anything the parts are checked: each must begin with a ``ShardPart/Header`` and
/// end with its ``ShardPart/Footer`` (a part cut short by a crash has none); all must come from the
/// same command, format, settings and roots; every shard from 1 to N must be there exactly once.
/// While merging, a path in two parts, a part out of walk order and a record count that differs
/// from the footer's are refused.
///
/// ```swift
/// var merger = try ShardMerger(parts: ["sums.1", "sums.2"])
/// let totals = try merger.merge { record in print(record.count) }
/// ```
public struct ShardMerger: ~Copyable {
    /// The header every part shares (with the first part's shard).
    public let header: ShardPart.Header
    /// The parts' totals added up, and the longest part's seconds: what a one-run summary says.
    public private(set) var summary = RunSummary()
    /// The longest of the parts' elapsed times.
    public private(set) var seconds = 0.0
    /// Records end with this byte: a newline, or NUL for `-z` outputs.
    public let terminator: UInt8

    private var parts: [Part]

    private struct Part {
        var name: FilePath
        var descriptor: CInt
        var reader: DelimitedRecordReader
        var footer: ShardPart.Footer
        var read = 0
        var record: [UInt8] = []
        var key: WalkOrder.Key?
        var position = WalkOrder.Position()
        var parser = ChecksumManifestParser()
    }

    deinit {
        for part in parts { close(part.descriptor) }
    }

    /// Opens and checks `paths`, one part each, in any order.
    public init(parts paths: [FilePath]) throws {
        guard !paths.isEmpty else { throw ShardMergeError("no parts to merge") }
        var opened: [Part] = []
        var headers: [ShardPart.Header] = []
        var detectedTerminator: UInt8?
        var descriptors: [CInt] = []
        // Until the merger owns them (its deinit closes them), a refusal closes what was opened.
        var owned = false
        defer { if !owned { for descriptor in descriptors { close(descriptor) } } }
        for path in paths {
            let descriptor = path.withPlatformString { open($0, O_RDONLY | O_CLOEXEC) }
            guard descriptor >= 0 else { throw FileError.lastSystemError(path) }
            descriptors.append(descriptor)
            let (header, terminator) = try Self.readHeader(descriptor, name: path)
            let footer = try Self.readFooter(descriptor, name: path, terminator: terminator, header: header)
            if detectedTerminator == nil { detectedTerminator = terminator }
            headers.append(header)
            var reader = DelimitedRecordReader(fileDescriptor: descriptor, delimiter: terminator)
            _ = try? reader.next()
            opened.append(Part(name: path, descriptor: descriptor, reader: reader, footer: footer))
        }
        let first = headers[0]
        for (index, header) in headers.enumerated().dropFirst() {
            let difference: String? =
                header.shard.count != first.shard.count ? "\(first.shard.count) shards ≠ \(header.shard.count) shards"
                : header.command != first.command ? "command \(first.command) ≠ \(header.command)"
                : header.format != first.format ? "format \(first.format) ≠ \(header.format)"
                : header.settings != first.settings ? "settings '\(first.settings)' ≠ '\(header.settings)'"
                : header.roots != first.roots ? "different roots" : nil
            if let difference {
                throw ShardMergeError("\(opened[0].name) and \(opened[index].name) are parts of different runs (\(difference))")
            }
        }
        var owners = [Int: FilePath]()
        for (index, header) in headers.enumerated() {
            if let other = owners[header.shard.index] {
                throw ShardMergeError("\(other) and \(opened[index].name) are both shard \(header.shard)")
            }
            owners[header.shard.index] = opened[index].name
        }
        let missing = (1...first.shard.count).filter { owners[$0] == nil }
        if !missing.isEmpty {
            let listed = missing.prefix(10).map { "\($0)/\(first.shard.count)" }.joined(separator: ", ")
            throw ShardMergeError("missing shard\(missing.count == 1 ? "" : "s") \(listed)\(missing.count > 10 ? ", …" : "") (\(missing.count) of \(first.shard.count))")
        }
        // Shard order: concatenation (check) takes them so, and messages name them so.
        let order = headers.indices.sorted { headers[$0].shard.index < headers[$1].shard.index }
        parts = order.map { opened[$0] }
        owned = true
        header = first
        terminator = detectedTerminator!
        for index in parts.indices {
            summary.files += parts[index].footer.summary.files
            summary.failures += parts[index].footer.summary.failures
            summary.skipped += parts[index].footer.summary.skipped
            summary.bytes += parts[index].footer.summary.bytes
            for (name, value) in parts[index].footer.summary.totals { summary.totals[name, default: 0] &+= value }
            seconds = max(seconds, parts[index].footer.seconds)
        }
    }

    /// Delivers every record of every part, terminator included, in the order one run prints them.
    public mutating func merge(_ body: (_ record: [UInt8]) throws -> Void) throws {
        if header.format == "check" {
            for index in parts.indices {
                while try advance(index) { try body(parts[index].record) }
            }
            return
        }
        let order = WalkOrder(roots: header.roots)
        // Parts with a record waiting, by that record's key: the smallest first. Inserting by binary
        // search into a sorted array costs a memmove of N indices, nothing next to reading a record.
        var queue: [Int] = []
        for index in parts.indices where try advance(index) {
            try locate(index, order: order)
            insert(index, into: &queue)
        }
        var last: (key: WalkOrder.Key, part: Int)?
        while !queue.isEmpty {
            let index = queue.removeFirst()
            let key = parts[index].key!
            if let last, key == last.key {
                throw ShardMergeError("overlapping parts: \(Self.shown(key.relative)) is in both \(parts[last.part].name) and \(parts[index].name)")
            }
            try body(parts[index].record)
            last = (key, index)
            if try advance(index) {
                try locate(index, order: order)
                if let previous = last, parts[index].key! < previous.key || parts[index].key! == previous.key {
                    throw ShardMergeError("\(parts[index].name) is not in walk order at \(Self.shown(parts[index].key!.relative))")
                }
                insert(index, into: &queue)
            }
        }
    }

    private mutating func insert(_ index: Int, into queue: inout [Int]) {
        let key = parts[index].key!
        var low = 0, high = queue.count
        while low < high {
            let middle = (low + high) / 2
            if parts[queue[middle]].key! < key { low = middle + 1 } else { high = middle }
        }
        queue.insert(index, at: low)
    }

    /// Reads part `index`'s next record (with its terminator) into `record`; false at its footer.
    private mutating func advance(_ index: Int) throws -> Bool {
        let name = parts[index].name
        let record: [UInt8]?
        do {
            record = try parts[index].reader.next()
        } catch {
            throw FileError(path: name, reason: .system(error))
        }
        guard var record else {
            throw ShardMergeError("\(name): incomplete: it ends before its end line")
        }
        if parts[index].read == parts[index].footer.records {
            guard ShardPart.Footer(record: record) == parts[index].footer else {
                throw ShardMergeError("\(name): more records than its end line counts (\(parts[index].footer.records)): a name with a newline, in a format that prints names raw?")
            }
            return false
        }
        parts[index].read += 1
        record.append(terminator)
        parts[index].record = record
        return true
    }

    private mutating func locate(_ index: Int, order: WalkOrder) throws {
        let record = parts[index].record.dropLast()
        guard let path = path(of: record, part: index) else {
            throw ShardMergeError("\(parts[index].name): record \(parts[index].read) is not a \(header.format) line")
        }
        guard let key = order.key(of: path, from: &parts[index].position) else {
            throw ShardMergeError("\(parts[index].name): \(Self.shown(path[...])) is under none of the roots (a name with a newline, in a format that prints names raw?)")
        }
        parts[index].key = key
    }

    /// The path a record is about, as the walk printed it.
    private mutating func path(of record: ArraySlice<UInt8>, part index: Int) -> [UInt8]? {
        switch header.format {
        case "gnu", "bsd", "gnu-z", "bsd-z":
            parts[index].parser.stripsTrailingCarriageReturn = !header.format.hasSuffix("-z")
            guard case .entry(let entry) = parts[index].parser.parse(record) else { return nil }
            return entry.path
        case "list", "list-z":
            return Array(record)
        case "run":
            // NAME=VALUE pairs, each followed by a space, then a space and the path; values have no spaces.
            var index = record.startIndex
            while index + 1 < record.endIndex {
                if record[index] == UInt8(ascii: " ") && record[index + 1] == UInt8(ascii: " ") {
                    return Array(record[(index + 2)...])
                }
                index += 1
            }
            return nil
        case "lines":
            // wc's row: the count right-aligned, a space, the name (shell-quoted if it has a newline).
            guard let digit = record.firstIndex(where: { $0 != UInt8(ascii: " ") }),
                  let space = record[digit...].firstIndex(of: UInt8(ascii: " ")) else { return nil }
            let name = Array(record[(space + 1)...])
            if let unquoted = ShellQuoting.unquote(name), unquoted.contains(0x0A) { return unquoted }
            return name
        case "json":
            return Self.jsonPath(record)
        default:
            return nil
        }
    }

    /// The `path` (or exact `path_base64`) of one of sweep's NDJSON records.
    static func jsonPath(_ record: ArraySlice<UInt8>) -> [UInt8]? {
        let prefix = Array(#"{"path":""#.utf8)
        guard record.starts(with: prefix) else { return nil }
        var index = record.startIndex + prefix.count
        var text: [UInt8] = []
        while true {
            guard index < record.endIndex else { return nil }
            let byte = record[index]
            index += 1
            if byte == UInt8(ascii: "\"") { break }
            guard byte == UInt8(ascii: "\\") else {
                text.append(byte)
                continue
            }
            guard index < record.endIndex else { return nil }
            let code = record[index]
            index += 1
            switch code {
            case UInt8(ascii: "n"): text.append(0x0A)
            case UInt8(ascii: "r"): text.append(0x0D)
            case UInt8(ascii: "t"): text.append(0x09)
            case UInt8(ascii: "u"):
                // sweep escapes only control bytes this way: \u00XX.
                guard index + 4 <= record.endIndex, record[index] == 0x30, record[index + 1] == 0x30,
                      let high = ShardPart.hexDigit(record[index + 2]), let low = ShardPart.hexDigit(record[index + 3]) else { return nil }
                text.append(high << 4 | low)
                index += 4
            default: text.append(code)
            }
        }
        let base64 = Array(#","path_base64":""#.utf8)
        if record[index...].starts(with: base64) {
            let start = index + base64.count
            guard let end = record[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            return Base64.decode(record[start..<end])
        }
        return text
    }

    private static func shown(_ path: ArraySlice<UInt8>) -> String {
        String(decoding: ShellQuoting.quote(Array(path)), as: UTF8.self)
    }

    private static func readHeader(_ descriptor: CInt, name: FilePath) throws -> (ShardPart.Header, UInt8) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { throw FileError.lastSystemError(name) }
        let head = buffer[..<count]
        guard let end = head.firstIndex(where: { $0 == 0x0A || $0 == 0 }),
              let header = ShardPart.Header(record: Array(head[..<end])) else {
            throw ShardMergeError("\(name): not a part of a sharded run (its first line is no '# sweep shard K/N' header)")
        }
        return (header, head[end])
    }

    private static func readFooter(_ descriptor: CInt, name: FilePath, terminator: UInt8, header: ShardPart.Header) throws -> ShardPart.Footer {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileError.lastSystemError(name) }
        let size = Int(info.st_size)
        let length = min(size, 64 * 1024)
        var buffer = [UInt8](repeating: 0, count: length)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, off_t(size - length)) }
        guard count == length else { throw FileError.lastSystemError(name) }
        let incomplete = ShardMergeError("\(name): incomplete: no end line, so shard \(header.shard) was cut short; run it again")
        guard buffer.last == terminator else { throw incomplete }
        let body = buffer.dropLast()
        let start = body.lastIndex(of: terminator).map { $0 + 1 } ?? body.startIndex
        guard let footer = ShardPart.Footer(record: Array(body[start...])) else { throw incomplete }
        guard footer.shard == header.shard else {
            throw ShardMergeError("\(name): begins as shard \(header.shard) but ends as shard \(footer.shard)")
        }
        return footer
    }
}

/// Why `sweep merge` refused its parts.
///
/// ```swift
/// do { _ = try ShardMerger(parts: ["a", "b"]) } catch let error as ShardMergeError { print(error) }
/// ```
public struct ShardMergeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the parts.
    public let description: String

    init(_ description: String) { self.description = description }
}
