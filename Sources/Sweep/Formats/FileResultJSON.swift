import SystemPackage

/// A stage output that can appear in sweep's JSON output.
///
/// ```swift
/// extension MyCount: JSONRepresentable { var jsonValue: JSONValue { .integer(Int64(count)) } }
/// ```
public protocol JSONRepresentable {
    /// The output as a JSON value.
    var jsonValue: JSONValue { get }
}

extension Digest: JSONRepresentable {
    public var jsonValue: JSONValue { .string(hex) }
}

extension LineCount: JSONRepresentable {
    public var jsonValue: JSONValue { .unsigned(lines) }
}

extension GzipResult: JSONRepresentable {
    public var jsonValue: JSONValue {
        .object(destination.jsonMembers(key: "destination") + [
            ("original_size", .unsigned(originalSize)),
            ("compressed_size", .unsigned(compressedSize)),
            ("crc32", .string(Digest(algorithm: .crc32, bytes: withUnsafeBytes(of: crc32.bigEndian) { Array($0) }).hex)),
        ])
    }
}

extension GunzipResult: JSONRepresentable {
    public var jsonValue: JSONValue {
        .object((destination?.jsonMembers(key: "destination") ?? [("destination", .null)]) + [
            ("compressed_size", .unsigned(compressedSize)),
            ("decompressed_size", .unsigned(decompressedSize)),
            ("trailing_garbage", .bool(trailingGarbage)),
        ])
    }
}

extension FilePath {
    /// JSON members for this path: `path` (text; a name that is not UTF-8 shows U+FFFD there), plus
    /// `path_base64` with the exact bytes whenever the text alone would not round-trip.
    public func jsonMembers(key: String = "path") -> [(String, JSONValue)] {
        let bytes = self.bytes
        if let text = String(validating: bytes, as: UTF8.self) {
            return [(key, .string(text))]
        }
        return [(key, .string(String(decoding: bytes, as: UTF8.self))), ("\(key)_base64", .string(Base64.encode(bytes)))]
    }
}

extension FileResult {
    /// One NDJSON object for this result: path, size, status, then each stage's output (or the error).
    ///
    /// ```swift
    /// // {"path":"a.log","size":12,"status":"ok","sha256":"…"}
    /// print(result.jsonValue(stageName: "sha256").serialized)
    /// ```
    public func jsonValue(stageName: String) -> JSONValue {
        var members = path.jsonMembers()
        switch outcome {
        case .processed(let output):
            members.append(("size", .integer(bytesRead)))
            members.append(("status", .string("ok")))
            if let outputs = output as? any StageOutputCollection {
                for (name, value) in outputs.namedValues {
                    members.append((name, (value as? any JSONRepresentable)?.jsonValue ?? .string(String(describing: value))))
                }
            } else {
                members.append((stageName, (output as? any JSONRepresentable)?.jsonValue ?? .string(String(describing: output))))
            }
        case .failed(let error):
            members.append(("status", .string("error")))
            members.append(("error", .string(error.message)))
            if let code = error.errno { members.append(("errno", .integer(Int64(code.rawValue)))) }
        case .skipped(let reason):
            members.append(("status", .string("skipped")))
            members.append(("reason", .string(reason.description)))
        }
        return .object(members)
    }
}

extension RunSummary {
    /// The closing NDJSON object: `{"summary":{"files":…,"failures":…,…}}`.
    public func jsonValue(seconds: Double) -> JSONValue {
        var totalMembers: [(String, JSONValue)] = []
        for name in totals.keys.sorted() { totalMembers.append((name, .unsigned(totals[name]!))) }
        return .object([("summary", .object([
            ("files", .integer(Int64(files))),
            ("failures", .integer(Int64(failures))),
            ("skipped", .integer(Int64(skipped))),
            ("bytes", .integer(bytes)),
            ("totals", .object(totalMembers)),
            ("seconds", .number((seconds * 1000).rounded() / 1000)),
        ]))])
    }
}

/// Standard base64 (RFC 4648, with padding), for byte-exact paths in JSON.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * offset) }
            for position in 0..<4 {
                if position <= chunk.count {
                    out.append(alphabet[Int((value >> (18 - 6 * position)) & 0x3f)])
                } else {
                    out.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes `encode` turned into `text`, or nil if it is not padded standard base64.
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        func value(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): 62
            case UInt8(ascii: "/"): 63
            default: nil
            }
        }
        let bytes = Array(text)
        var out: [UInt8] = []
        for start in stride(from: 0, to: bytes.count, by: 4) {
            var group: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let byte = bytes[start + offset]
                if byte == UInt8(ascii: "=") && start + 4 == bytes.count && offset >= 2 {
                    padding += 1
                    group <<= 6
                } else {
                    guard padding == 0, let digit = value(byte) else { return nil }
                    group = group << 6 | digit
                }
            }
            out += [UInt8(group >> 16 & 0xff), UInt8(group >> 8 & 0xff), UInt8(group & 0xff)].prefix(3 - padding)
        }
        return out
    }
}

extension CheckVerdict {
    /// One NDJSON object: line, path, algorithm, expected, actual, status
    /// (`ok`, `failed`, `unreadable`, `missing`, `improperly formatted`).
    ///
    /// ```swift
    /// // {"line":3,"path":"a.log","algorithm":"sha256","expected":"…","actual":"…","status":"ok"}
    /// print(verdict.jsonValue.serialized)
    /// ```
    public var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [("line", .integer(Int64(lineNumber)))]
        func describe(_ entry: ManifestEntry) {
            members += FilePath(bytes: entry.path).jsonMembers()
            members.append(("algorithm", .string(entry.expected.algorithm.rawValue)))
            members.append(("expected", .string(entry.expected.hex)))
        }
        switch outcome {
        case .matched(let entry):
            describe(entry)
            members.append(("actual", .string(entry.expected.hex)))
            members.append(("status", .string("ok")))
        case .mismatched(let entry, let actual):
            describe(entry)
            members.append(("actual", .string(actual.hex)))
            members.append(("status", .string("failed")))
        case .unreadable(let entry, let error):
            describe(entry)
            members.append(("status", .string("unreadable")))
            members.append(("error", .string(error.message)))
        case .missingIgnored(let entry):
            describe(entry)
            members.append(("status", .string("missing")))
        case .improperlyFormatted:
            members.append(("status", .string("improperly formatted")))
        }
        return .object(members)
    }
}

extension CheckSummary {
    /// The closing object for one manifest: `{"summary":{"manifest":…,"matched":…,…}}`.
    public func jsonValue(manifest: [UInt8]) -> JSONValue {
        .object([("summary", .object(FilePath(bytes: manifest).jsonMembers(key: "manifest") + [
            ("properly_formatted", .integer(Int64(properlyFormatted))),
            ("improperly_formatted", .integer(Int64(improperlyFormatted))),
            ("matched", .integer(Int64(matched))),
            ("mismatched", .integer(Int64(mismatched))),
            ("unreadable", .integer(Int64(unreadable))),
            ("missing_ignored", .integer(Int64(missingIgnored))),
        ]))])
    }
}
