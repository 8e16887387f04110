import CZlib

/// Streaming gzip decoding as `gzip -d` does it: any number of concatenated members (pigz's output,
/// `cat a.gz b.gz`), each checked against its CRC-32 and length; trailing zeros ignored silently,
/// other trailing bytes ignored with a warning. Errors use gzip's words.
package final class GzipDecoder {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 64)
    private enum State {
        /// At the start of a member (the first, or one that may follow); `carry` holds a lone byte
        /// that arrived at the end of the previous input.
        case memberStart(first: Bool, carry: [UInt8])
        case inMember
        case trailingZeros
        case trailingGarbage
    }
    private var state = State.memberStart(first: true, carry: [])

    /// Whether bytes other than zeros followed the last member.
    package private(set) var sawTrailingGarbage = false
    /// Decoded bytes so far.
    package private(set) var decodedLength: UInt64 = 0

    package init() {
        stream.initialize(to: z_stream())
        // 16 + 15: gzip wrapper, 32 KiB window; zlib checks each member's CRC and length.
        let status = sweep_inflateInit2(stream, 16 + 15)
        precondition(status == Z_OK, "inflateInit2 failed: \(status)")
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        output.deallocate()
    }

    /// Decodes `input`, handing decoded bytes to `write` in order.
    package func feed(_ input: UnsafeRawBufferPointer, write: (UnsafeRawBufferPointer) throws -> Void) throws {
        var offset = 0
        while offset < input.count {
            switch state {
            case .memberStart(let first, let carry):
                if !carry.isEmpty {
                    // Rare: a member boundary split the magic number; decode the joined bytes.
                    let joined = carry + Array(UnsafeRawBufferPointer(rebasing: input[offset...]))
                    state = .memberStart(first: first, carry: [])
                    try joined.withUnsafeBytes { try feed($0, write: write) }
                    return
                }
                let rest = UnsafeRawBufferPointer(rebasing: input[offset...])
                if rest.count < 2 {
                    state = .memberStart(first: first, carry: Array(rest))
                    return
                }
                if rest[0] == 0x1f && rest[1] == 0x8b {
                    state = .inMember
                } else if first {
                    throw GzipDecodingError.notGzip
                } else if rest.allSatisfy({ $0 == 0 }) {
                    state = .trailingZeros
                    offset = input.count
                } else {
                    state = .trailingGarbage
                    sawTrailingGarbage = true
                    offset = input.count
                }
            case .inMember:
                offset += try inflateMember(UnsafeRawBufferPointer(rebasing: input[offset...]), write: write)
            case .trailingZeros:
                if !UnsafeRawBufferPointer(rebasing: input[offset...]).allSatisfy({ $0 == 0 }) {
                    state = .trailingGarbage
                    sawTrailingGarbage = true
                }
                offset = input.count
            case .trailingGarbage:
                offset = input.count
            }
        }
    }

    /// After the last input: throws if the data ended inside a member or was empty.
    package func finish() throws {
        switch state {
        case .inMember:
            throw GzipDecodingError.unexpectedEnd
        case .memberStart(let first, let carry):
            if first { throw GzipDecodingError.unexpectedEnd }
            // One lone byte after a member is read by gzip as the start of a truncated member.
            if carry.contains(where: { $0 != 0 }) { throw GzipDecodingError.unexpectedEnd }
        case .trailingZeros, .trailingGarbage:
            break
        }
    }

    /// Inflates until the input is used up or the member ends; returns the bytes consumed.
    private func inflateMember(_ input: UnsafeRawBufferPointer, write: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        defer { stream.pointee.next_in = nil }
        while true {
            stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(output.count)
            let status = inflate(stream, Z_NO_FLUSH)
            let produced = output.count - Int(stream.pointee.avail_out)
            if produced > 0 {
                decodedLength += UInt64(produced)
                try write(UnsafeRawBufferPointer(rebasing: output[..<produced]))
            }
            switch status {
            case Z_STREAM_END:
                let consumed = input.count - Int(stream.pointee.avail_in)
                inflateReset(stream)
                state = .memberStart(first: false, carry: [])
                return consumed
            case Z_OK:
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { return input.count }
            case Z_BUF_ERROR:
                return input.count
            case Z_DATA_ERROR:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? ""
                switch message {
                case "incorrect data check": throw GzipDecodingError.crcMismatch
                case "incorrect length check": throw GzipDecodingError.lengthMismatch
                default: throw GzipDecodingError.formatViolated
                }
            default:
                throw GzipDecodingError.formatViolated
            }
        }
    }
}
