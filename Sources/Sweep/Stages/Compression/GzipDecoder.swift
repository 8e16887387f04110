import CIsal
import CZlib

/// Streaming gzip decoding as `gzip -d` does it: any number of concatenated members (pigz's output,
/// `cat a.gz b.gz`), each checked against its CRC-32 and length; trailing zeros ignored silently,
/// other trailing bytes ignored with a warning. Errors use gzip's words, whichever engine inflates.
package final class GzipDecoder {
    private let inflater: any GzipMemberInflater
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

    /// A decoder inflating with `engine`'s library: ISA-L for ``CompressionEngine/fastest``.
    package init(engine: CompressionEngine = .fastest) {
        switch engine {
        case .fastest: inflater = IsalMemberInflater()
        case .zlib: inflater = ZlibMemberInflater()
        }
    }

    deinit {
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
                let rest = UnsafeRawBufferPointer(rebasing: input[offset...])
                let (consumed, ended) = try inflater.inflate(rest, through: output) { decoded in
                    decodedLength += UInt64(decoded.count)
                    try write(decoded)
                }
                offset += consumed
                if ended { state = .memberStart(first: false, carry: []) }
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
}

/// Inflates gzip members one at a time, header and trailer included, for ``GzipDecoder``.
protocol GzipMemberInflater: AnyObject {
    /// Inflates `input` through `output` (decoded bytes go to `write`) until the input is used up
    /// or the member ends; returns the bytes consumed and whether the member ended, after which
    /// the next call starts a new member.
    func inflate(
        _ input: UnsafeRawBufferPointer, through output: UnsafeMutableRawBufferPointer,
        write: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (consumed: Int, ended: Bool)
}

/// zlib's inflate with its gzip wrapper, which checks each member's CRC and length.
final class ZlibMemberInflater: GzipMemberInflater {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)

    init() {
        stream.initialize(to: z_stream())
        // 16 + 15: gzip wrapper, 32 KiB window.
        let status = sweep_inflateInit2(stream, 16 + 15)
        precondition(status == Z_OK, "inflateInit2 failed: \(status)")
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    func inflate(
        _ input: UnsafeRawBufferPointer, through output: UnsafeMutableRawBufferPointer,
        write: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (consumed: Int, ended: Bool) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        defer { stream.pointee.next_in = nil }
        while true {
            stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(output.count)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            let produced = output.count - Int(stream.pointee.avail_out)
            if produced > 0 { try write(UnsafeRawBufferPointer(rebasing: output[..<produced])) }
            switch status {
            case Z_STREAM_END:
                let consumed = input.count - Int(stream.pointee.avail_in)
                inflateReset(stream)
                return (consumed, true)
            case Z_OK:
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { return (input.count, false) }
            case Z_BUF_ERROR:
                return (input.count, false)
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

/// ISA-L's inflate: the header read by `isal_read_gzip_header`, the deflate data and the trailer
/// check by `isal_inflate` (`ISAL_GZIP_NO_HDR_VER`), as ISA-L's own `igzip` does it.
final class IsalMemberInflater: GzipMemberInflater {
    private let state = UnsafeMutablePointer<inflate_state>.allocate(capacity: 1)
    private let header = UnsafeMutablePointer<isal_gzip_header>.allocate(capacity: 1)
    private var readingHeader = true
    /// The member's first bytes, up to its flags.
    private var headerStart: [UInt8] = []
    /// The last bytes of the member fed before this call: a failed trailer check is told apart as a
    /// CRC or a length error, as gzip words it, from the trailer's own bytes.
    private var recent: [UInt8] = []

    init() {
        state.initialize(to: inflate_state())
        header.initialize(to: isal_gzip_header())
        startMember()
    }

    deinit {
        state.deallocate()
        header.deallocate()
    }

    private func startMember() {
        isal_inflate_init(state)
        // No buffers for the name, comment or extra field: ISA-L skips them.
        isal_gzip_header_init(header)
        readingHeader = true
        headerStart.removeAll(keepingCapacity: true)
        recent.removeAll(keepingCapacity: true)
    }

    func inflate(
        _ input: UnsafeRawBufferPointer, through output: UnsafeMutableRawBufferPointer,
        write: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (consumed: Int, ended: Bool) {
        state.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self))
        state.pointee.avail_in = UInt32(input.count)
        defer { state.pointee.next_in = nil }
        if readingHeader {
            // ISA-L ignores FLG's reserved bits, which zlib and gzip refuse.
            if headerStart.count < 4 {
                headerStart += input.prefix(4 - headerStart.count)
                if headerStart.count == 4 && headerStart[3] & 0xE0 != 0 { throw GzipDecodingError.formatViolated }
            }
            switch isal_read_gzip_header(state, header) {
            case ISAL_DECOMP_OK:
                readingHeader = false
                state.pointee.crc_flag = UInt32(ISAL_GZIP_NO_HDR_VER)
            case ISAL_END_INPUT:
                return (input.count, false)
            default:
                // A method other than deflate, reserved flags, a header CRC that does not match.
                throw GzipDecodingError.formatViolated
            }
        }
        while true {
            state.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            state.pointee.avail_out = UInt32(output.count)
            let status = isal_inflate(state)
            let produced = output.count - Int(state.pointee.avail_out)
            if produced > 0 { try write(UnsafeRawBufferPointer(rebasing: output[..<produced])) }
            let consumed = input.count - Int(state.pointee.avail_in)
            if status == ISAL_INCORRECT_CHECKSUM {
                throw trailerError(UnsafeRawBufferPointer(rebasing: input[..<consumed]))
            }
            guard status >= 0 else { throw GzipDecodingError.formatViolated }
            if state.pointee.block_state == ISAL_BLOCK_FINISH {
                startMember()
                return (consumed, true)
            }
            if state.pointee.avail_in == 0 && state.pointee.avail_out != 0 {
                recent = Array((recent + input.suffix(8)).suffix(8))
                return (input.count, false)
            }
        }
    }

    /// The trailer is the 8 bytes just consumed: CRC-32 then length, little-endian. gzip reports a
    /// CRC that differs first.
    private func trailerError(_ consumed: UnsafeRawBufferPointer) -> GzipDecodingError {
        let trailer = Array((recent + consumed.suffix(8)).suffix(8))
        guard trailer.count == 8 else { return .crcMismatch }
        let recorded = trailer[0..<4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return recorded != state.pointee.crc ? .crcMismatch : .lengthMismatch
    }
}
