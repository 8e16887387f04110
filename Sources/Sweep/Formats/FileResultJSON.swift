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
            if let outputs = output as? StageOutputs {
                for (name, value) in zip(outputs.names, outputs.values) {
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
}
