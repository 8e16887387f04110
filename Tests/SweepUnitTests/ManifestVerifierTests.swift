import Foundation
import SweepTestSupport
import SystemPackage
import Testing

@testable import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `ManifestVerifier` through the library's API: verdicts in manifest order whatever the
/// concurrency, the summary counts and the success rule (checked against `sha256sum -c`'s exit
/// status on the same manifest), `ignoreMissing`, and `decompressMissing` with `.gz` files the real
/// gzip (and pigz) wrote. Expected digests come from python's hashlib and coreutils, never from sweep.
@Suite(.offCooperativePool, .timeLimit(.minutes(5 * testTimeScale)))
struct ManifestVerifierTests {
    /// A verdict in comparable form: line number, kind, path.
    struct Seen: Equatable, CustomStringConvertible {
        var line: Int
        var kind: String
        var path: [UInt8]

        init(line: Int, _ kind: String, _ path: [UInt8]) {
            self.line = line
            self.kind = kind
            self.path = path
        }

        init(_ verdict: CheckVerdict) {
            line = verdict.lineNumber
            switch verdict.outcome {
            case .matched(let entry): kind = "matched"; path = entry.path
            case .mismatched(let entry, _): kind = "mismatched"; path = entry.path
            case .unreadable(let entry, let error): kind = "unreadable \(error.errno.map { String($0.rawValue) } ?? "?")"; path = entry.path
            case .missingIgnored(let entry): kind = "missing ignored"; path = entry.path
            case .improperlyFormatted: kind = "improper"; path = []
            }
        }

        var description: String { "\(line) \(kind) \(describeBytes(path))" }
    }

    /// Every verdict of `source`, in delivery order, and the summary.
    static func verify(_ verifier: ManifestVerifier, _ source: ManifestVerifier.Source) async throws -> ([CheckVerdict], CheckSummary) {
        let verdicts = Locked<[CheckVerdict]>([])
        let summary = try await verifier.verify(source) { verdict in verdicts.withLock { $0.append(verdict) } }
        return (verdicts.value, summary)
    }

    /// Small reads and several workers, so files finish out of order and the order must be restored.
    static func options(concurrency: Int) -> PipelineOptions {
        var options = PipelineOptions()
        options.concurrency = concurrency
        options.chunkSize = 4096
        options.batchBytes = 4096
        return options
    }

    /// Whether `sha256sum -c FLAGS manifest` exits 0 (it prints what it prints; only the status counts here).
    static func peerSucceeds(_ manifest: [UInt8], _ flags: [Arg] = []) throws -> Bool {
        try runProcess("sha256sum", ["-c"] + flags + [Arg(manifest)]).status == .exited(0)
    }

    @Test(arguments: [1, 4])
    func verdictsInManifestOrderWithCountsAndTheExitRule(concurrency: Int) async throws {
        let tree = try TempTree("verifier")
        // Files of very different sizes, so that a large early file finishes after small later ones.
        var files: [[UInt8]] = []
        for index in 0..<40 {
            let size = index % 7 == 0 ? 600_000 : (index * 311) % 5000
            files.append(try tree.file("f\(index < 10 ? "0" : "")\(index)", randomBytes(size, seed: UInt64(index))))
        }
        try tree.file("changed", "before\n")
        try tree.directory("a-directory")
        let hex = try Oracle.hashlib("sha256", of: files)
        let changedBefore = try Oracle.hashlib("sha256", of: [tree.path("changed")])[0]
        try writeFile(tree.path("changed"), utf8("after\n"))
        let changedAfter = try Oracle.hashlib("sha256", of: [tree.path("changed")])[0]
        // Lines of other algorithms, written by coreutils: the verifier takes them without `algorithm`.
        let md5Line = try runProcess("md5sum", ["--tag", Arg(files[1])]).stdout
        let sha512Line = try runProcess("sha512sum", [Arg(files[2])]).stdout

        var manifest = utf8("# written by hand\n")
        // The same manifest without the lines that fail: only the improperly formatted one is left.
        var clean = manifest
        var expected: [Seen] = []
        var line = 1
        func add(_ text: [UInt8], _ kind: String, _ path: [UInt8]) {
            manifest += text
            line += 1
            if !kind.isEmpty { expected.append(Seen(line: line, kind, path)) }
            if !kind.hasPrefix("unreadable") && kind != "mismatched" { clean += text }
        }
        for (index, (path, digest)) in zip(files, hex).enumerated() {
            add(utf8("\(digest)  ") + path + [0x0A], "matched", path)
            if index == 5 { add(utf8("\(changedBefore)  ") + tree.path("changed") + [0x0A], "mismatched", tree.path("changed")) }
            if index == 11 { add(utf8("\(digest)  ") + tree.path("gone") + [0x0A], "unreadable \(ENOENT)", tree.path("gone")) }
            if index == 17 { add(utf8("\(digest)  ") + tree.path("a-directory") + [0x0A], "unreadable \(EISDIR)", tree.path("a-directory")) }
            if index == 23 { add(utf8("not a checksum line\n"), "improper", []) }
            if index == 29 { add(utf8("\n"), "", []) }
        }
        add(md5Line, "matched", files[1])
        add(sha512Line, "matched", files[2])
        try writeFile(tree.path("SUMS"), manifest)

        let verifier = ManifestVerifier(options: Self.options(concurrency: concurrency))
        let (verdicts, summary) = try await Self.verify(verifier, .file(FilePath(bytes: tree.path("SUMS"))))
        #expect(verdicts.map(Seen.init) == expected)
        #expect(verdicts.map(\.lineNumber) == verdicts.map(\.lineNumber).sorted())
        for verdict in verdicts {
            if case .mismatched(let entry, let actual) = verdict.outcome {
                #expect(entry.expected.hex == changedBefore)
                #expect(actual.hex == changedAfter, "the digest of what is there now, as hashlib computes it")
            }
        }

        #expect(summary.matched == 42)
        #expect(summary.mismatched == 1)
        #expect(summary.unreadable == 2)
        #expect(summary.improperlyFormatted == 1)
        #expect(summary.missingIgnored == 0)
        #expect(summary.properlyFormatted == 45)
        // The exit rule as sha256sum -c applies it, here and without the failing lines; sha256sum
        // itself rejects the md5 and sha512 lines, which leaves its answer unchanged.
        #expect(summary.succeeded(strict: false, ignoreMissing: false) == (try Self.peerSucceeds(tree.path("SUMS"))))
        #expect(!summary.succeeded(strict: false, ignoreMissing: false))

        try writeFile(tree.path("CLEAN"), clean)
        let cleanSummary = try await Self.verify(verifier, .file(FilePath(bytes: tree.path("CLEAN")))).1
        #expect(cleanSummary.matched == 42 && cleanSummary.mismatched == 0 && cleanSummary.unreadable == 0, "\(cleanSummary)")
        #expect(cleanSummary.improperlyFormatted == 1, "\(cleanSummary)")
        for strict in [false, true] {
            let flags: [Arg] = strict ? ["--strict"] : []
            #expect(cleanSummary.succeeded(strict: strict, ignoreMissing: false) == (try Self.peerSucceeds(tree.path("CLEAN"), flags)),
                    "strict: \(strict)")
        }
        #expect(cleanSummary.succeeded(strict: false, ignoreMissing: false))
        #expect(!cleanSummary.succeeded(strict: true, ignoreMissing: false))
    }

    @Test func ignoreMissingSkipsOnlyMissingFiles() async throws {
        let tree = try TempTree("verifier-missing")
        let a = try tree.file("a", "hello\n")
        try tree.directory("d")
        let hexA = try Oracle.hexDigests(.sha256, of: [a])[0]
        let manifest = utf8("\(hexA)  ") + tree.path("gone") + utf8("\n\(hexA)  ") + a + utf8("\n\(hexA)  ") + tree.path("d") + utf8("\n")
        try writeFile(tree.path("SUMS"), manifest)
        try writeFile(tree.path("ONLY-MISSING"), utf8("\(hexA)  ") + tree.path("gone") + utf8("\n\(hexA)  ") + tree.path("gone2") + utf8("\n"))

        var verifier = ManifestVerifier(options: Self.options(concurrency: 2))
        #expect(!verifier.ignoreMissing)
        verifier.ignoreMissing = true
        let (verdicts, summary) = try await Self.verify(verifier, .file(FilePath(bytes: tree.path("SUMS"))))
        #expect(verdicts.map(Seen.init) == [
            Seen(line: 1, "missing ignored", tree.path("gone")),
            Seen(line: 2, "matched", a),
            Seen(line: 3, "unreadable \(EISDIR)", tree.path("d")),
        ])
        #expect(summary.missingIgnored == 1 && summary.matched == 1 && summary.unreadable == 1 && summary.properlyFormatted == 3)
        #expect(summary.succeeded(strict: false, ignoreMissing: true) == (try Self.peerSucceeds(tree.path("SUMS"), ["--ignore-missing"])))

        // Nothing verified at all: a failure, as sha256sum --ignore-missing says "no file was verified".
        let (onlyVerdicts, only) = try await Self.verify(verifier, .file(FilePath(bytes: tree.path("ONLY-MISSING"))))
        #expect(onlyVerdicts.map(Seen.init).map(\.kind) == ["missing ignored", "missing ignored"])
        #expect(only.missingIgnored == 2 && only.matched == 0)
        #expect(!only.succeeded(strict: false, ignoreMissing: true))
        #expect(only.succeeded(strict: false, ignoreMissing: true) == (try Self.peerSucceeds(tree.path("ONLY-MISSING"), ["--ignore-missing"])))

        // Without the setting the same file is unreadable.
        let plain = try await Self.verify(ManifestVerifier(), .file(FilePath(bytes: tree.path("SUMS"))))
        #expect(plain.0.map(Seen.init).first == Seen(line: 1, "unreadable \(ENOENT)", tree.path("gone")))
        #expect(plain.1.succeeded(strict: false, ignoreMissing: false) == (try Self.peerSucceeds(tree.path("SUMS"))))
    }

    @Test func decompressMissingVerifiesTheGzipContent() async throws {
        let tree = try TempTree("verifier-gz")
        let logContent = GzipFixtures.logText(700_000, seed: 51)
        let log = try tree.file("app.log", logContent)
        let other = try tree.file("other.log", "other content\n")
        let swapped = try tree.file("swapped.log", "the original\n")
        let members = try tree.file("members.log", GzipFixtures.logText(90_000, seed: 52))
        let kept = try tree.file("kept.log", "still here\n")
        // The oracle's digests of the originals, before anything is compressed.
        let hex = try Oracle.hashlib("sha256", of: [log, other, swapped, members, kept])

        // gzip writes app.log.gz and other.log.gz and removes the originals.
        let gzip = try runProcess("gzip", ["-9", Arg(log), Arg(other)])
        try #require(gzip.status == .exited(0), "\(gzip)")
        // swapped.log.gz holds something else; members.log.gz is two members (gzip + pigz).
        try writeFile(tree.path("swapped.log.gz"), try GzipFixtures.peer("gzip", ["-c"], input: utf8("not the original\n")))
        let half = 40_000
        let membersContent = try readFile(members)
        try writeFile(tree.path("members.log.gz"), try GzipFixtures.peer("gzip", ["-c"], input: Array(membersContent.prefix(half)))
            + GzipFixtures.peer("pigz", ["-c"], input: Array(membersContent.dropFirst(half))))
        #expect(try GzipFixtures.peer("gzip", ["-dc"], input: try readFile(tree.path("members.log.gz"))) == membersContent)
        for path in [swapped, members] { #expect(withCPath(path) { unlink($0) } == 0) }
        #expect(!pathExists(log) && !pathExists(other) && pathExists(tree.path("app.log.gz")))

        var manifest: [UInt8] = []
        for (path, digest) in zip([log, other, swapped, members, kept], hex) { manifest += utf8("\(digest)  ") + path + [0x0A] }
        manifest += utf8("\(hex[0])  ") + tree.path("neither") + [0x0A]
        try writeFile(tree.path("SUMS"), manifest)
        let source = ManifestVerifier.Source.file(FilePath(bytes: tree.path("SUMS")))

        var verifier = ManifestVerifier(options: Self.options(concurrency: 3))
        verifier.decompressMissing = true
        let (verdicts, summary) = try await Self.verify(verifier, source)
        #expect(verdicts.map(Seen.init) == [
            Seen(line: 1, "matched", log),
            Seen(line: 2, "matched", other),
            Seen(line: 3, "mismatched", swapped),
            Seen(line: 4, "matched", members),
            Seen(line: 5, "matched", kept),
            // Neither FILE nor FILE.gz: reported as FILE missing, as without decompressMissing.
            Seen(line: 6, "unreadable \(ENOENT)", tree.path("neither")),
        ])
        let notTheOriginal = try Oracle.runPython(
            "import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())", input: utf8("not the original\n"))
        for verdict in verdicts {
            if case .mismatched(_, let actual) = verdict.outcome {
                #expect(actual.hex + "\n" == notTheOriginal.stdoutText, "the digest of the decompressed content")
            }
        }
        #expect(summary.matched == 4 && summary.mismatched == 1 && summary.unreadable == 1)

        // The same manifest without the setting: every compressed file is missing.
        let (plain, plainSummary) = try await Self.verify(ManifestVerifier(options: Self.options(concurrency: 3)), source)
        #expect(plain.map(Seen.init).map(\.kind) == Array(repeating: "unreadable \(ENOENT)", count: 4) + ["matched", "unreadable \(ENOENT)"])
        #expect(plainSummary.unreadable == 5)
        // And the originals restored by gzip -d verify with sha256sum -c as with the verifier.
        let restore = try runProcess("gzip", ["-d", Arg(tree.path("app.log.gz")), Arg(tree.path("other.log.gz"))])
        try #require(restore.status == .exited(0), "\(restore)")
        let check = try runProcess("sha256sum", ["-c", Arg(tree.path("SUMS"))])
        #expect(check.stdoutText.hasPrefix(String(decoding: log, as: UTF8.self) + ": OK\n" + String(decoding: other, as: UTF8.self) + ": OK\n"), "\(check)")
    }

    @Test func aManifestThatCannotBeOpenedThrows() async throws {
        let tree = try TempTree("verifier-nomanifest")
        await #expect(throws: FileError.self) {
            _ = try await Self.verify(ManifestVerifier(), .file(FilePath(bytes: tree.path("absent"))))
        }
        do {
            _ = try await Self.verify(ManifestVerifier(), .file(FilePath(bytes: tree.path("absent"))))
        } catch let error as FileError {
            #expect(error.errno == .noSuchFileOrDirectory)
            #expect(error.path.bytes == tree.path("absent"))
        }
    }
}
