import Foundation
import SweepTestSupport
import Testing

@testable import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Oracle tests run the installed coreutils (sha256sum & co., cksum) on the same names and
// manifests and compare bytes, so the expectations follow whatever version is installed.

@Suite(.offCooperativePool) enum ManifestFormatTests {
    // MARK: - Fixtures

    /// Digests of the five bytes `hello`, the content of file `a` in the crafted-manifest tests.
    enum Hello {
        static let content = Array("hello".utf8)
        static let md5 = "5d41402abc4b2a76b9719d911017c592"
        static let sha1 = "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
        static let sha224 = "ea09ae9cc6768c50fcee903ed054556e5bfc8347907f12598aa24193"
        static let sha256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        static let sha384 = "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90"
            + "125a3c79f90397bdf5f6a13de828684f"
        static let sha512 = "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7"
            + "2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"
        static let crc32 = "3610a686"
        // xxhsum -H0 … -H3 of "hello".
        static let xxh32 = "fb0077f9"
        static let xxh64 = "26c7827d889f6da3"
        static let xxh128 = "b5e9c1ad071b3e7fc779cfaa5e523818"
        static let xxh3 = "9555e8555c62dcfd"

        static func hex(_ algorithm: DigestAlgorithm) -> String {
            switch algorithm {
            case .md5: md5
            case .sha1: sha1
            case .sha224: sha224
            case .sha256: sha256
            case .sha384: sha384
            case .sha512: sha512
            case .crc32: crc32
            case .xxh32: xxh32
            case .xxh64: xxh64
            case .xxh128: xxh128
            case .xxh3: xxh3
            }
        }

        static func digest(_ algorithm: DigestAlgorithm) -> Digest {
            Digest(algorithm: algorithm, hex: Array(hex(algorithm).utf8))!
        }
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Names that break naive formatters: blanks, a leading dash, the escaped bytes, invalid UTF-8.
    static let hostileNames: [[UInt8]] = [
        bytes("plain.txt"),
        bytes("with space"),
        bytes(" leading space"),
        bytes("trailing space "),
        bytes("-leading-dash"),
        bytes("back\\slash"),
        bytes("\\leading-backslash"),
        bytes("new\nline"),
        bytes("carriage\rreturn"),
        bytes("all\\three\n\rmixed"),
        bytes("tab\there"),
        bytes("*star"),
        bytes("paren) = x"),
        bytes("(open"),
        bytes("#hash"),
        bytes("caf\u{e9}"),
        [0x69, 0x6E, 0xFF, 0x76, 0x61, 0x6C, 0x69, 0x64],  // "in\xFFvalid"
    ]

    /// A flat scratch directory, removed (by byte names, which Foundation cannot always spell) on deinit.
    final class ScratchDirectory {
        let path: String

        init() throws {
            var template = Array((NSTemporaryDirectory() + "/sweep-manifest-XXXXXX").utf8CString)
            let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
            guard made != nil else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

        /// The NUL-terminated path of `name` inside the directory.
        func cPath(_ name: [UInt8]) -> [CChar] {
            (Array(path.utf8) + [UInt8(ascii: "/")] + name + [0]).map { CChar(bitPattern: $0) }
        }

        func create(_ name: [UInt8], content: [UInt8]) throws {
            let descriptor = open(cPath(name), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            defer { close(descriptor) }
            let written = content.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == content.count else { throw POSIXError(.EIO) }
        }

        deinit {
            guard let directory = opendir(path) else { return }
            let descriptor = dirfd(directory)
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name == "." || name == ".." { continue }
                _ = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    unlinkat(descriptor, raw.bindMemory(to: CChar.self).baseAddress!, 0)
                }
            }
            closedir(directory)
            rmdir(path)
        }
    }

    struct ToolResult {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]

        /// N from `WARNING: N line(s) … improperly formatted`; 0 when there is no such warning.
        var improperCount: Int {
            let text = String(decoding: stderr, as: UTF8.self)
            for line in text.split(separator: "\n") where line.contains("improperly formatted") {
                guard let range = line.range(of: "WARNING: ") else { continue }
                let number = line[range.upperBound...].prefix { $0.isNumber }
                return Int(number) ?? -1
            }
            return 0
        }
    }

    /// Runs `arguments` (looked up in PATH) in `directory` in the C locale, feeding `input` on stdin.
    static func run(_ arguments: [String], in directory: URL? = nil, input: [UInt8] = []) throws -> ToolResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"  // byte-order globs, untranslated messages
        process.environment = environment
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
        // Inputs and outputs here are far below a pipe's capacity, so this order cannot deadlock.
        stdinPipe.fileHandleForWriting.write(Data(input))
        try stdinPipe.fileHandleForWriting.close()
        let out = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
        let err = stderrPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ToolResult(status: process.terminationStatus, stdout: Array(out), stderr: Array(err))
    }

    /// Splits like `getline`: a final piece without a delimiter is a line, nothing after the last delimiter is not.
    static func records(_ data: [UInt8], delimiter: UInt8) -> [[UInt8]] {
        var pieces = data.split(separator: delimiter, omittingEmptySubsequences: false).map { Array($0) }
        if pieces.last?.isEmpty == true { pieces.removeLast() }
        return pieces
    }

    static func format(_ digest: Digest, _ path: [UInt8], style: ManifestStyle = .gnu, nul: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        ChecksumLineFormatter(style: style, nulTerminated: nul).append(digest, path: path, to: &output)
        return output
    }

    static func status(_ path: [UInt8], _ status: CheckStatusLine.Status) -> [UInt8] {
        var output: [UInt8] = []
        CheckStatusLine.append(path: path, status: status, to: &output)
        return output
    }

    static func parseAll(_ lines: [[UInt8]], parser: inout ChecksumManifestParser) -> [ManifestLine] {
        lines.map { parser.parse($0) }
    }

    static func entries(_ lines: [ManifestLine]) -> [ManifestEntry] {
        lines.compactMap { if case .entry(let entry) = $0 { entry } else { nil } }
    }

    static func improperCount(_ lines: [ManifestLine]) -> Int {
        lines.filter { $0 == .improperlyFormatted }.count
    }

    static func writeTemporaryFile(_ content: [UInt8]) throws -> (ScratchDirectory, CInt) {
        let scratch = try ScratchDirectory()
        try scratch.create(bytes("input"), content: content)
        let descriptor = open(scratch.cPath(bytes("input")), O_RDONLY)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return (scratch, descriptor)
    }

    static func readAllRecords(_ content: [UInt8], delimiter: UInt8 = UInt8(ascii: "\n")) throws -> [[UInt8]] {
        let (scratch, descriptor) = try writeTemporaryFile(content)
        defer { close(descriptor); withExtendedLifetime(scratch) {} }
        var reader = DelimitedRecordReader(fileDescriptor: descriptor, delimiter: delimiter)
        var result: [[UInt8]] = []
        while let record = try reader.next() {
            result.append(record)
        }
        // Exhausted stays exhausted.
        #expect(try reader.next() == nil)
        return result
    }

    // MARK: - Formatter

    @Suite struct ChecksumLineFormatterTests {
        let crc = Digest(algorithm: .crc32, bytes: [0xcb, 0xf4, 0x39, 0x26])

        @Test func gnuLineIsHexTwoSpacesName() {
            #expect(format(crc, bytes("a.txt")) == bytes("cbf43926  a.txt\n"))
        }

        @Test func bsdLineUsesTheTag() {
            #expect(format(crc, bytes("a.txt"), style: .bsd) == bytes("CRC32 (a.txt) = cbf43926\n"))
            #expect(format(Hello.digest(.sha512), bytes("a"), style: .bsd) == bytes("SHA512 (a) = \(Hello.sha512)\n"))
        }

        @Test func standardInputIsDash() {
            #expect(format(crc, bytes("-")) == bytes("cbf43926  -\n"))
            #expect(format(crc, bytes("-"), style: .bsd) == bytes("CRC32 (-) = cbf43926\n"))
        }

        @Test func escapedNamesGetALeadingBackslash() {
            #expect(format(crc, bytes("a\\b")) == bytes("\\cbf43926  a\\\\b\n"))
            #expect(format(crc, bytes("n\nl")) == bytes("\\cbf43926  n\\nl\n"))
            #expect(format(crc, bytes("c\rr")) == bytes("\\cbf43926  c\\rr\n"))
            #expect(format(crc, bytes("x\\\n\r"), style: .bsd) == bytes("\\CRC32 (x\\\\\\n\\r) = cbf43926\n"))
        }

        @Test func xxhashLinesAreXxhsums() {
            let xxh64 = Hello.digest(.xxh64)
            #expect(format(xxh64, bytes("a b")) == bytes("\(Hello.xxh64)  a b\n"))
            #expect(format(xxh64, bytes("a"), style: .bsd) == bytes("XXH64 (a) = \(Hello.xxh64)\n"))
            #expect(format(Hello.digest(.xxh128), bytes("a"), style: .bsd) == bytes("XXH128 (a) = \(Hello.xxh128)\n"))
            #expect(format(Hello.digest(.xxh32), bytes("a")) == bytes("\(Hello.xxh32)  a\n"))
            // xxhsum 0.8.1 escapes nothing, in either style.
            #expect(format(xxh64, bytes("a\\b\nc\rd")) == bytes("\(Hello.xxh64)  a\\b\nc\rd\n"))
            #expect(format(xxh64, bytes("a\\b\nc"), style: .bsd) == bytes("XXH64 (a\\b\nc) = \(Hello.xxh64)\n"))
            // XXH3 is always tagged, as xxhsum -H3 prints it.
            #expect(format(Hello.digest(.xxh3), bytes("n\nl")) == bytes("XXH3 (n\nl) = \(Hello.xxh3)\n"))
            #expect(format(Hello.digest(.xxh3), bytes("a"), style: .bsd) == bytes("XXH3 (a) = \(Hello.xxh3)\n"))
            #expect(format(Hello.digest(.xxh3), bytes("a"), nul: true) == bytes("XXH3 (a) = \(Hello.xxh3)") + [0])
            #expect(DigestAlgorithm.xxh3.standardInputName == "stdin" && DigestAlgorithm.crc32.standardInputName == "-")
        }

        @Test func otherBytesAreRaw() {
            let name: [UInt8] = [0xFF, 0x09, 0x20, 0x2A, 0x22, 0x27]
            #expect(format(crc, name) == bytes("cbf43926  ") + name + [0x0A])
        }

        @Test func nulTerminatedLinesAreNeverEscaped() {
            #expect(format(crc, bytes("a\\b\nc\r"), nul: true) == bytes("cbf43926  a\\b\nc\r") + [0])
            #expect(format(crc, bytes("a\\b"), style: .bsd, nul: true) == bytes("CRC32 (a\\b) = cbf43926") + [0])
        }

        @Test func appendsWithoutClearing() {
            var output = bytes("x")
            let formatter = ChecksumLineFormatter()
            formatter.append(crc, path: bytes("a"), to: &output)
            formatter.append(crc, path: bytes("b"), to: &output)
            #expect(output == bytes("xcbf43926  a\ncbf43926  b\n"))
        }

        @Test func nonContiguousPathsWork() {
            var output: [UInt8] = []
            ChecksumLineFormatter().append(crc, path: bytes("b\\a").reversed(), to: &output)
            #expect(output == bytes("\\cbf43926  a\\\\b\n"))
        }

        @Test func defaultsAreGnuAndNewline() {
            let formatter = ChecksumLineFormatter()
            #expect(formatter.style == .gnu)
            #expect(formatter.nulTerminated == false)
        }
    }

    // MARK: - Status lines

    @Suite struct CheckStatusLineTests {
        @Test func statusTexts() {
            #expect(status(bytes("a"), .ok) == bytes("a: OK\n"))
            #expect(status(bytes("a"), .failed) == bytes("a: FAILED\n"))
            #expect(status(bytes("a"), .unreadable) == bytes("a: FAILED open or read\n"))
        }

        @Test func onlyANewlineTriggersEscaping() {
            #expect(status(bytes("back\\slash"), .ok) == bytes("back\\slash: OK\n"))
            #expect(status(bytes("c\rr"), .ok) == bytes("c\rr: OK\n"))
            #expect(status(bytes("n\nl\\x\ry"), .ok) == bytes("\\n\\nl\\\\x\\ry: OK\n"))
            #expect(status([0xFF], .failed) == [0xFF] + bytes(": FAILED\n"))
        }

        @Test func nonContiguousPathsWork() {
            var output: [UInt8] = []
            CheckStatusLine.append(path: bytes("l\nn").reversed(), status: .ok, to: &output)
            #expect(output == bytes("\\n\\nl: OK\n"))
        }
    }

    // MARK: - Parser

    @Suite struct ChecksumManifestParserTests {
        let h = Hello.sha256

        func parse(_ lines: [String], algorithm: DigestAlgorithm? = nil, stdin: Bool = false) -> [ManifestLine] {
            var parser = ChecksumManifestParser(algorithm: algorithm, readingStandardInput: stdin)
            return parseAll(lines.map(bytes), parser: &parser)
        }

        func entry(_ algorithm: DigestAlgorithm, _ path: String, tagged: Bool = false) -> ManifestLine {
            .entry(ManifestEntry(expected: Hello.digest(algorithm), path: bytes(path), isTagged: tagged))
        }

        @Test func untaggedAlgorithmComesFromTheHexLength() {
            // Each length's default: the coreutils algorithms and CRC-32 as before, XXH64 for 16.
            for algorithm in DigestAlgorithm.allCases where ![.xxh32, .xxh128, .xxh3].contains(algorithm) {
                #expect(parse(["\(Hello.hex(algorithm))  a"]) == [entry(algorithm, "a")])
                #expect(DigestAlgorithm.matching(hexLength: algorithm.digestByteCount * 2) == algorithm)
            }
        }

        @Test func sharedLengthsKeepTheirOldMeaningUnlessAlgorithmSaysOtherwise() {
            // 8 digits: CRC-32, 32: MD5, 16: XXH64, without -a; with -a, that algorithm.
            for (algorithm, standing) in [(DigestAlgorithm.xxh32, DigestAlgorithm.crc32), (.xxh128, .md5), (.xxh3, .xxh64)] {
                let line = "\(Hello.hex(algorithm))  a"
                #expect(parse([line]) == [.entry(ManifestEntry(
                    expected: Digest(algorithm: standing, hex: Array(Hello.hex(algorithm).utf8))!, path: bytes("a"), isTagged: false))])
                #expect(parse([line], algorithm: algorithm) == [entry(algorithm, "a")])
                // And the other way round: -a xxh32 does not read the CRC-32 as CRC-32.
                let standingLine = "\(Hello.hex(standing))  a"
                #expect(parse([standingLine], algorithm: standing) == [entry(standing, "a")])
                #expect(parse([standingLine], algorithm: algorithm) == [.entry(ManifestEntry(
                    expected: Digest(algorithm: algorithm, hex: Array(Hello.hex(standing).utf8))!, path: bytes("a"), isTagged: false))])
            }
            // A length of another algorithm is improper under -a, as before.
            #expect(parse(["\(Hello.xxh64)  a", "\(Hello.sha256)  a"], algorithm: .xxh32) == [.improperlyFormatted, .improperlyFormatted])
        }

        @Test func xxhashTagsAreToldApartThoughXXH3PrefixesXXH32() {
            let lines = DigestAlgorithm.allCases.filter(\.isXXHash).map { "\($0.tag) (a) = \(Hello.hex($0))" }
            #expect(parse(lines) == DigestAlgorithm.allCases.filter(\.isXXHash).map { entry($0, "a", tagged: true) })
            #expect(parse(["XXH32(a) = \(Hello.xxh32)", "XXH3(a) = \(Hello.xxh3)", "XXH3 (a) = \(Hello.xxh32)"])
                == [entry(.xxh32, "a", tagged: true), entry(.xxh3, "a", tagged: true), .improperlyFormatted])
            #expect(parse(["XXH32 (a) = \(Hello.xxh32)", "XXH3 (a) = \(Hello.xxh3)"], algorithm: .xxh3)
                == [.improperlyFormatted, entry(.xxh3, "a", tagged: true)])
            #expect(parse(["XXH64 (a) = \(Hello.xxh64.uppercased())"]) == [entry(.xxh64, "a", tagged: true)])
            #expect(parse(["XXH64_LE (a) = \(Hello.xxh64)", "XXH (a) = \(Hello.xxh64)"]) == [.improperlyFormatted, .improperlyFormatted])
        }

        @Test func taggedAlgorithmComesFromTheTag() {
            for algorithm in DigestAlgorithm.allCases {
                #expect(parse(["\(algorithm.tag) (a) = \(Hello.hex(algorithm))"]) == [entry(algorithm, "a", tagged: true)])
            }
        }

        @Test func hexIsCaseInsensitive() {
            #expect(parse([h.uppercased() + "  a"]) == [entry(.sha256, "a")])
            #expect(parse(["SHA256 (a) = " + h.uppercased()]) == [entry(.sha256, "a", tagged: true)])
        }

        @Test func unknownTagsAndLengthsAreImproper() {
            #expect(parse(["BLAKE2b (a) = \(h)"]) == [.improperlyFormatted])
            #expect(parse(["sha256 (a) = \(h)"]) == [.improperlyFormatted])
            #expect(parse(["SHA256 (a) = \(Hello.md5)"]) == [.improperlyFormatted])
            #expect(parse(["\(h)0  a"]) == [.improperlyFormatted])
            #expect(parse(["abcdef  a"]) == [.improperlyFormatted])
            // cksum 9.1 reads a `-BITS` suffix; sha256sum does not, and neither does sweep.
            #expect(parse(["SHA256-256 (a) = \(h)"]) == [.improperlyFormatted])
        }

        @Test func algorithmRestrictsLines() {
            let lines = ["\(Hello.md5)  a", "MD5 (a) = \(Hello.md5)", "\(h)  a", "SHA256 (a) = \(h)"]
            #expect(parse(lines, algorithm: .sha256)
                == [.improperlyFormatted, .improperlyFormatted, entry(.sha256, "a"), entry(.sha256, "a", tagged: true)])
            #expect(parse(lines, algorithm: .md5)
                == [entry(.md5, "a"), entry(.md5, "a", tagged: true), .improperlyFormatted, .improperlyFormatted])
            #expect(parse(lines) == [entry(.md5, "a"), entry(.md5, "a", tagged: true), entry(.sha256, "a"), entry(.sha256, "a", tagged: true)])
        }

        @Test func restrictedOutLinesDoNotChooseTheLayout() {
            // The MD5 line is rejected before its separator is looked at, so the reversed
            // SHA256 line is the first to choose.
            #expect(parse(["\(Hello.md5)  a", "\(h) a", "\(h)  a"], algorithm: .sha256)
                == [.improperlyFormatted, entry(.sha256, "a"), entry(.sha256, " a")])
        }

        @Test func commentsAndEmptyLines() {
            #expect(parse(["", "\r", "#", "# x", "#\r"]) == [.empty, .empty, .comment, .comment, .comment])
            #expect(parse([" ", "\t", " #x", "\r\r"]) == Array(repeating: .improperlyFormatted, count: 4))
        }

        @Test func blanksAndCarriageReturns() {
            #expect(parse([" \t \(h)  a\r"]) == [entry(.sha256, "a")])
            #expect(parse(["\(h)  a\r\r"]) == [entry(.sha256, "a\r")])
            #expect(parse(["\(h)\t a"]) == [entry(.sha256, "a")])
            #expect(parse(["\(h)\t*a"]) == [entry(.sha256, "a")])
            #expect(parse(["\(h) *a"]) == [entry(.sha256, "a")])
            #expect(parse(["\(h)  a b "]) == [entry(.sha256, "a b ")])
        }

        @Test func bsdReversedOnlyIfFirst() {
            #expect(parse(["\(h) a", "\(h)  a", "\(h) * b"]) == [entry(.sha256, "a"), entry(.sha256, " a"), entry(.sha256, "* b")])
            #expect(parse(["\(h)  a", "\(h) a"]) == [entry(.sha256, "a"), .improperlyFormatted])
            #expect(parse(["\(h)\ta", "\(h)  a"]) == [entry(.sha256, "a"), entry(.sha256, " a")])
            // A single byte after the separator is a name, in the reversed layout.
            #expect(parse(["\(h)  "]) == [entry(.sha256, " ")])
            #expect(parse(["\(h) *"]) == [entry(.sha256, "*")])
            #expect(parse(["\(h)  a", "\(h) *"]) == [entry(.sha256, "a"), .improperlyFormatted])
            #expect(parse(["\(h) "]) == [.improperlyFormatted])
        }

        @Test func taggedLinesDoNotChooseTheLayout() {
            #expect(parse(["SHA256 (a) = \(h)", "\(h) a", "\(h)  b"]) == [entry(.sha256, "a", tagged: true), entry(.sha256, "a"), entry(.sha256, " b")])
        }

        @Test func badlyEscapedLinesStillChooseTheLayout() {
            #expect(parse(["\\\(h) a\\q", "\(h)  a"]) == [.improperlyFormatted, entry(.sha256, " a")])
            #expect(parse(["\\\(h)  a\\q", "\(h) a"]) == [.improperlyFormatted, .improperlyFormatted])
        }

        @Test func escapedNames() {
            #expect(parse(["\\\(h)  a\\\\b"]) == [entry(.sha256, "a\\b")])
            #expect(parse(["\\\(h)  n\\nl\\r"]) == [entry(.sha256, "n\nl\r")])
            #expect(parse(["\\SHA256 (n\\nl) = \(h)"]) == [entry(.sha256, "n\nl", tagged: true)])
            #expect(parse([" \t\\\(h)  a"]) == [entry(.sha256, "a")])
            // Without the leading backslash nothing is unescaped.
            #expect(parse(["\(h)  a\\nb"]) == [entry(.sha256, "a\\nb")])
            for bad in ["\\\(h)  a\\tb", "\\\(h)  a\\", "\\ \(h)  a", "\\\\\(h)  a", "\\SHA256 (a\\qb) = \(h)"] {
                #expect(parse([bad]) == [.improperlyFormatted], "\(bad)")
            }
        }

        @Test func taggedLineShapes() {
            #expect(parse(["SHA256(a)= \(h)"]) == [entry(.sha256, "a", tagged: true)])
            #expect(parse(["SHA256 (a)=\t\(h)"]) == [entry(.sha256, "a", tagged: true)])
            #expect(parse(["  SHA256 (a)  = \(h)"]) == [entry(.sha256, "a", tagged: true)])
            #expect(parse(["SHA256 (a) b) = \(h)"]) == [entry(.sha256, "a) b", tagged: true)])
            #expect(parse(["SHA256 () = \(h)"]) == [entry(.sha256, "", tagged: true)])
            #expect(parse(["SHA256 ( a) = \(h)"]) == [entry(.sha256, " a", tagged: true)])
            #expect(parse(["SHA256 (a) = \(h)\r"]) == [entry(.sha256, "a", tagged: true)])
            for bad in ["SHA256  (a) = \(h)", "SHA256\t(a) = \(h)", "SHA256 (a) = \(h) ", "SHA256 (a) = ",
                        "SHA256 (a = \(h)", "SHA256 a) = \(h)", "SHA256 (a) \(h)", "SHA256 ("] {
                #expect(parse([bad]) == [.improperlyFormatted], "\(bad)")
            }
        }

        @Test func nulBytesEndNamesAndTaggedHexLikeACString() {
            var parser = ChecksumManifestParser()
            #expect(parser.parse(bytes("\(h)  a") + [0] + bytes("b")) == entry(.sha256, "a"))
            #expect(parser.parse(bytes("\(h)  ") + [0]) == entry(.sha256, ""))
            #expect(parser.parse(bytes("\\\(h)  a") + [0] + bytes("b")) == .improperlyFormatted)
            #expect(parser.parse(bytes("SHA256 (a) = \(h)") + [0] + bytes("junk")) == entry(.sha256, "a", tagged: true))
            #expect(parser.parse(bytes("SHA256 (a") + [0] + bytes("zz) = \(h)")) == entry(.sha256, "a", tagged: true))
        }

        @Test func standardInputCannotListItself() {
            let lines = ["\(h)  -", "\\\(h)  -", "SHA256 (-) = \(h)", "\(h)  --"]
            #expect(parse(lines, stdin: true) == [.improperlyFormatted, .improperlyFormatted, .improperlyFormatted, entry(.sha256, "--")])
            #expect(parse(lines) == [entry(.sha256, "-"), entry(.sha256, "-"), entry(.sha256, "-", tagged: true), entry(.sha256, "--")])
            var parser = ChecksumManifestParser(readingStandardInput: true)
            #expect(parser.parse(bytes("\(h)  -") + [0] + bytes("x")) == .improperlyFormatted)
        }

        @Test func acceptsSlicesAndNonContiguousCollections() {
            var parser = ChecksumManifestParser()
            let line = bytes("xx\(h)  a")
            #expect(parser.parse(line[2...]) == entry(.sha256, "a"))
            // A reversed view of a reversed array is not contiguous.
            #expect(parser.parse(Array(bytes("\(h)  a").reversed()).reversed()) == entry(.sha256, "a"))
        }

        @Test func invalidUTF8NamesSurvive() {
            var parser = ChecksumManifestParser()
            let name: [UInt8] = [0x66, 0xFF, 0xC3]
            #expect(parser.parse(bytes("\(h)  ") + name) == .entry(ManifestEntry(expected: Hello.digest(.sha256), path: name, isTagged: false)))
        }
    }

    // MARK: - Record reader

    @Suite struct DelimitedRecordReaderTests {
        @Test func lineShapes() throws {
            #expect(try readAllRecords([]) == [])
            #expect(try readAllRecords(bytes("\n")) == [[]])
            #expect(try readAllRecords(bytes("a")) == [bytes("a")])
            #expect(try readAllRecords(bytes("a\n")) == [bytes("a")])
            #expect(try readAllRecords(bytes("a\n\nb")) == [bytes("a"), [], bytes("b")])
            #expect(try readAllRecords(bytes("a\r\nb\n\n")) == [bytes("a\r"), bytes("b"), []])
        }

        @Test func nulDelimited() throws {
            let input = bytes("x\ny") + [0] + bytes("z") + [0]
            #expect(try readAllRecords(input, delimiter: 0) == [bytes("x\ny"), bytes("z")])
            #expect(try readAllRecords(bytes("a\nb"), delimiter: 0) == [bytes("a\nb")])
        }

        @Test func recordsSpanningChunks() throws {
            // One record much longer than a 64 KiB chunk, then records straddling chunk boundaries.
            let long = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 % 251) }.map { $0 == 10 ? 11 : $0 }
            let short = (0..<30_000).map { bytes(String($0)) }
            var input = long + [10]
            for record in short { input += record + [10] }
            input += bytes("tail")
            let records = try readAllRecords(input)
            #expect(records.count == 1 + short.count + 1)
            #expect(records.first == long)
            #expect(Array(records.dropFirst().dropLast()) == short)
            #expect(records.last == bytes("tail"))
        }

        @Test func readsPipesInPieces() throws {
            var ends: [CInt] = [0, 0]
            #expect(pipe(&ends) == 0)
            let chunks = ["ab", "c\nd", "", "\n\ne", "f"].map(bytes)
            for chunk in chunks {
                _ = chunk.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
            }
            close(ends[1])
            defer { close(ends[0]) }
            var reader = DelimitedRecordReader(fileDescriptor: ends[0])
            var records: [[UInt8]] = []
            while let record = try reader.next() { records.append(record) }
            #expect(records == [bytes("abc"), bytes("d"), [], bytes("ef")])
        }

        @Test func readErrorsCarryErrno() throws {
            let scratch = try ScratchDirectory()
            let descriptor = open(scratch.path, O_RDONLY | O_DIRECTORY)
            #expect(descriptor >= 0)
            defer { close(descriptor) }
            var reader = DelimitedRecordReader(fileDescriptor: descriptor)
            #expect(throws: Errno.isDirectory) { try reader.next() }
        }
    }

    // MARK: - Oracle: sweep sum lines versus sha*sum

    struct SumVariant: Sendable, CustomTestStringConvertible {
        var tool: String
        var options: [String]
        var algorithm: DigestAlgorithm
        var style: ManifestStyle
        var nul: Bool

        var testDescription: String { ([tool] + options).joined(separator: " ") }
    }

    @Suite struct SumOracleTests {
        static let variants: [SumVariant] = [
            SumVariant(tool: "sha256sum", options: [], algorithm: .sha256, style: .gnu, nul: false),
            SumVariant(tool: "sha256sum", options: ["--tag"], algorithm: .sha256, style: .bsd, nul: false),
            SumVariant(tool: "sha256sum", options: ["-z"], algorithm: .sha256, style: .gnu, nul: true),
            SumVariant(tool: "sha256sum", options: ["--tag", "-z"], algorithm: .sha256, style: .bsd, nul: true),
            SumVariant(tool: "md5sum", options: [], algorithm: .md5, style: .gnu, nul: false),
            SumVariant(tool: "md5sum", options: ["--tag"], algorithm: .md5, style: .bsd, nul: false),
            SumVariant(tool: "sha1sum", options: [], algorithm: .sha1, style: .gnu, nul: false),
            SumVariant(tool: "sha1sum", options: ["--tag"], algorithm: .sha1, style: .bsd, nul: false),
            SumVariant(tool: "sha224sum", options: ["--tag"], algorithm: .sha224, style: .bsd, nul: false),
            SumVariant(tool: "sha384sum", options: [], algorithm: .sha384, style: .gnu, nul: false),
            SumVariant(tool: "sha512sum", options: [], algorithm: .sha512, style: .gnu, nul: false),
            SumVariant(tool: "sha512sum", options: ["--tag"], algorithm: .sha512, style: .bsd, nul: false),
        ]

        @Test(arguments: variants)
        func formatterMatchesTool(_ variant: SumVariant) throws {
            let content = bytes("sweep\n")
            // The digest comes from hashing stdin, independently of any name formatting.
            let fromStdin = try run([variant.tool] + variant.options, input: content)
            try #require(fromStdin.status == 0)
            let hexLength = variant.algorithm.digestByteCount * 2
            let hex: [UInt8] = variant.style == .gnu
                ? Array(fromStdin.stdout.prefix(hexLength))
                : Array(fromStdin.stdout.drop { $0 != UInt8(ascii: "=") }.dropFirst(2).prefix(hexLength))
            let digest = try #require(Digest(algorithm: variant.algorithm, hex: hex))
            #expect(fromStdin.stdout == format(digest, bytes("-"), style: variant.style, nul: variant.nul))

            let scratch = try ScratchDirectory()
            for name in hostileNames {
                try scratch.create(name, content: content)
            }
            // Process arguments are Strings, so the shell's glob hands the raw names over.
            let fromFiles = try run(
                ["sh", "-c", "exec \"$0\" \"$@\" -- *", variant.tool] + variant.options, in: scratch.url)
            try #require(fromFiles.status == 0)
            // In the C locale the glob is sorted by bytes.
            let expected = hostileNames.sorted { $0.lexicographicallyPrecedes($1) }
                .flatMap { format(digest, $0, style: variant.style, nul: variant.nul) }
            #expect(fromFiles.stdout == expected)

            // What the tool wrote, the parser reads back to the same names and digests.
            var parser = ChecksumManifestParser(algorithm: variant.algorithm)
            let lines = records(fromFiles.stdout, delimiter: variant.nul ? 0 : UInt8(ascii: "\n"))
            let parsed = parseAll(lines, parser: &parser)
            #expect(parsed == hostileNames.sorted { $0.lexicographicallyPrecedes($1) }.map {
                .entry(ManifestEntry(expected: digest, path: $0, isTagged: variant.style == .bsd))
            })
        }

        @Test func checkStatusLinesMatchSha256sum() throws {
            let scratch = try ScratchDirectory()
            for name in hostileNames {
                try scratch.create(name, content: Hello.content)
            }
            let sorted = hostileNames.sorted { $0.lexicographicallyPrecedes($1) }
            var manifest = sorted.flatMap { format(Hello.digest(.sha256), $0) }
            // One mismatch and one missing file, both with names that need escaping in 9.1.
            manifest += format(Digest(algorithm: .sha256, bytes: Array(repeating: 0, count: 32)), bytes("back\\slash"))
            manifest += format(Hello.digest(.sha256), bytes("gone\nmissing"))
            try scratch.create(bytes(".manifest"), content: manifest)

            let result = try run(["sha256sum", "-c", ".manifest"], in: scratch.url)
            var expected = sorted.flatMap { status($0, .ok) }
            expected += status(bytes("back\\slash"), .failed)
            expected += status(bytes("gone\nmissing"), .unreadable)
            #expect(result.stdout == expected)
            #expect(result.improperCount == 0)
        }
    }

    // MARK: - Oracle: manifest parsing versus sha256sum -c / md5sum -c / cksum -c

    struct CraftedManifest: Sendable, CustomTestStringConvertible {
        var label: String
        var body: [UInt8]
        /// The tool that checks it; `cksum` runs without `-a` and so accepts only tagged lines.
        var tool: String = "sha256sum"
        /// The parser's restriction that mirrors `tool`.
        var algorithm: DigestAlgorithm? = .sha256
        var viaStandardInput = false

        var testDescription: String { "\(tool): \(label)" }

        /// A valid tagged line first, so the tool always prints its WARNING count instead of
        /// "no properly formatted lines"; tagged lines leave the untagged layout undecided.
        var manifest: [UInt8] {
            let sentinel = algorithm ?? .sha256
            return bytes("\(sentinel.tag) (a) = \(Hello.hex(sentinel))\n") + body
        }
    }

    static func crafted(_ label: String, _ text: String) -> CraftedManifest {
        CraftedManifest(label: label, body: bytes(text))
    }

    static func crafted(_ label: String, _ data: [UInt8]) -> CraftedManifest {
        CraftedManifest(label: label, body: data)
    }

    static let h = Hello.sha256
    static let zeros = String(repeating: "0", count: 64)

    static let craftedManifests: [CraftedManifest] = [
        crafted("two spaces", "\(h)  a\n"),
        crafted("binary star", "\(h) *a\n"),
        crafted("wrong digest", "\(zeros)  a\n"),
        crafted("missing file", "\(h)  missing\n"),
        crafted("no final newline", "\(h)  a"),
        crafted("reversed first", "\(h) a\n\(h)  a\n\(h) * b\n\(h) *a\n"),
        crafted("standard first", "\(h)  a\n\(h) a\n\(h)\ta\n\(h) *\n"),
        crafted("tab separators", "\(h)\ta\n"),
        crafted("tab then space", "\(h)\t a\n\(h)\t*a\n"),
        crafted("space then tab", "\(h) \ta\n"),
        crafted("single byte names", "\(h)  \n\(h) *\n"),
        crafted("too short", "\(h) \n"),
        crafted("CRLF", "\(h)  a\r\n"),
        crafted("two CRs", "\(h)  a\r\r\n"),
        crafted("blank-ish lines", "\r\n \n\t\n\n\r\r\n"),
        crafted("comments", "#c\n #c\n#\r\n\t#c\n"),
        crafted("hash name", "\(h)  #a\n"),
        crafted("leading blanks", " \t \(h)  a\n  SHA256 (a) = \(h)\n"),
        crafted("upper-case hex", "\(h.uppercased())  a\nSHA256 (a) = \(h.uppercased())\n"),
        crafted("wrong lengths", "\(h)0  a\n\(h.dropLast())  a\n\(Hello.md5)  a\n\(Hello.sha512)  a\n"),
        crafted("non-hex", "\(h.dropLast())g  a\n"),
        crafted("good escapes", "\\\(h)  a\\\\b\n\\\(h)  n\\nl\n\\\(h)  c\\rr\n\\SHA256 (n\\nl) = \(h)\n"),
        crafted("bad escapes", "\\\(h)  a\\tb\n\\\(h)  a\\\n\\SHA256 (a\\qb) = \(h)\n"),
        crafted("where the backslash goes", " \\\(h)  a\n\\ \(h)  a\n\\\\\(h)  a\n"),
        crafted("unescaped backslash", "\(h)  a\\nb\n"),
        crafted("bad escape sets reversed", "\\\(h) a\\q\n\(h)  a\n"),
        crafted("bad escape sets standard", "\\\(h)  a\\q\n\(h) a\n"),
        crafted("tagged does not set layout", "SHA256 (a) = \(h)\n\(h) a\n\(h)  a\n"),
        crafted("tag shapes", "SHA256(a)= \(h)\nSHA256 (a)=\t\(h)\nSHA256 (a)  = \(h)\nSHA256 (a) = \(h)\r\n"),
        crafted("tag names", "SHA256 (a) b) = \(h)\nSHA256 () = \(h)\nSHA256 ( a) = \(h)\n"),
        crafted(
            "bad tags",
            "SHA256  (a) = \(h)\nSHA256\t(a) = \(h)\nSHA256 (a) = \(h) \nSHA256 (a) = \nsha256 (a) = \(h)\n"
                + "SHA256-256 (a) = \(h)\nSHA256 (a = \(h)\nSHA256 a) = \(h)\n"),
        crafted("other algorithms' tags", "MD5 (a) = \(Hello.md5)\nSHA1 (a) = \(Hello.sha1)\nSHA512 (a) = \(Hello.sha512)\n"),
        crafted("NUL in untagged name", bytes("\(h)  a") + [0] + bytes("b\n")),
        crafted("NUL in escaped name", bytes("\\\(h)  a") + [0] + bytes("b\n")),
        crafted("NUL after tagged hex", bytes("SHA256 (a) = \(h)") + [0] + bytes("junk\n")),
        crafted("NUL in tagged name", bytes("SHA256 (a") + [0] + bytes("zz) = \(h)\n")),
        crafted("NUL as the name", bytes("\(h)  ") + [0] + bytes("\n")),
        crafted("invalid UTF-8 name", bytes("\(h)  ") + [0xFF, 0x0A]),
        CraftedManifest(label: "stdin dash", body: bytes("\(h)  -\n\\\(h)  -\nSHA256 (-) = \(h)\n\(h)  --\n"), viaStandardInput: true),
        CraftedManifest(label: "stdin dash then NUL", body: bytes("\(h)  -") + [0] + bytes("x\n"), viaStandardInput: true),
        CraftedManifest(label: "stdin dash sets reversed", body: bytes("\(h) -\n\(h)  a\n"), viaStandardInput: true),
        CraftedManifest(
            label: "md5 lines", body: bytes("\(Hello.md5)  a\nMD5 (a) = \(Hello.md5)\n\(h)  a\nSHA256 (a) = \(h)\n\(Hello.md5) a\n"),
            tool: "md5sum", algorithm: .md5),
        CraftedManifest(
            label: "sha512 lines", body: bytes("\(Hello.sha512)  a\nSHA512 (a) = \(Hello.sha512)\n\(h)  a\n\(Hello.sha512.uppercased()) a\n"),
            tool: "sha512sum", algorithm: .sha512),
        CraftedManifest(
            label: "every tag",
            body: bytes(
                DigestAlgorithm.allCases.filter { $0 != .crc32 && !$0.isXXHash }.map { "\($0.tag) (a) = \(Hello.hex($0))\n" }.joined()
                    + "SHA1 (a) = \(Hello.md5)\nSHA384 (missing) = \(Hello.sha384)\nMD5 (a) = \(String(repeating: "f", count: 32))\n"
                    // Not `SHA256  (a)`: cksum also takes a blank or two there, sha256sum and sweep do not.
                    + "CRC (a) = 1 2\nsha1 (a) = \(Hello.sha1)\n"),
            tool: "cksum", algorithm: nil),
    ]

    @Suite struct CheckOracleTests {
        /// The status line coreutils prints for `entry`, given that only file `a` (holding `hello`) exists.
        static func expectedStatus(_ entry: ManifestEntry) -> [UInt8] {
            guard entry.path == bytes("a") else { return status(entry.path, .unreadable) }
            return status(entry.path, entry.expected == Hello.digest(entry.expected.algorithm) ? .ok : .failed)
        }

        @Test(arguments: craftedManifests)
        func parserAgreesWithTool(_ crafted: CraftedManifest) throws {
            let scratch = try ScratchDirectory()
            try scratch.create(bytes("a"), content: Hello.content)
            let manifest = crafted.manifest
            let result: ToolResult
            if crafted.viaStandardInput {
                result = try run([crafted.tool, "-c"], in: scratch.url, input: manifest)
            } else {
                try scratch.create(bytes(".manifest"), content: manifest)
                result = try run([crafted.tool, "-c", ".manifest"], in: scratch.url)
            }

            var parser = ChecksumManifestParser(algorithm: crafted.algorithm, readingStandardInput: crafted.viaStandardInput)
            let parsed = parseAll(records(manifest, delimiter: UInt8(ascii: "\n")), parser: &parser)
            #expect(improperCount(parsed) == result.improperCount)
            // The status lines show which names were read, and that they are printed the same way.
            #expect(entries(parsed).flatMap(Self.expectedStatus) == result.stdout)
        }

        @Test func layoutCarriesOverToTheNextManifest() throws {
            // coreutils keeps the layout for the whole run; one parser for all manifests does the same.
            let scratch = try ScratchDirectory()
            try scratch.create(bytes("a"), content: Hello.content)
            let first = bytes("\(h) a\n")
            let second = bytes("\(h)  a\n")
            try scratch.create(bytes(".m1"), content: first)
            try scratch.create(bytes(".m2"), content: second)
            let result = try run(["sha256sum", "-c", ".m1", ".m2"], in: scratch.url)

            var parser = ChecksumManifestParser(algorithm: .sha256)
            let parsed = parseAll(records(first, delimiter: 10) + records(second, delimiter: 10), parser: &parser)
            #expect(entries(parsed).flatMap(Self.expectedStatus) == result.stdout)
            #expect(entries(parsed).map(\.path) == [bytes("a"), bytes(" a")])
        }
    }
}
