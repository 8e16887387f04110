import SystemPackage
import SweepTestSupport
import Testing

@testable import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The walker: per-directory byte order, what is listed and what is skipped, failures that do not
/// stop the walk, filters, and the sources of roots. Expected orders are written out literally.
@Suite(.timeLimit(.minutes(5 * testTimeScale)))
struct WalkerTests {
    @Test func entriesComeInByteOrderPerDirectory() async throws {
        let tree = try TempTree("order")
        // Distinct contents, so that each path is checked to name the very file written under it.
        let names: [[UInt8]] = [
            utf8("a-b"), utf8("a.txt"), utf8("B"), utf8("1"), utf8("10"), utf8("9"),
            [0x65, 0xCC, 0x81],  // NFD: e + U+0301 COMBINING ACUTE ACCENT
            [0xC3, 0xA9],  // NFC: U+00E9
            [0xFF, 0x78],  // the byte 0xFF then "x": not UTF-8
            utf8(".hidden"),
        ]
        for (index, name) in names.enumerated() { try tree.file(name, utf8("content \(index)")) }
        try tree.file("a/x", "in a")
        try tree.file("a/y/z", "deeper")

        let expected: [[UInt8]] = [
            utf8(".hidden"),  // 0x2E
            utf8("1"), utf8("10"), utf8("9"),  // 0x31 0x31 0x30 < 0x39
            utf8("B"),  // 0x42 < 0x61
            utf8("a/x"), utf8("a/y/z"),  // the directory `a` at its own place: before `a-b` and `a.txt`
            utf8("a-b"), utf8("a.txt"),
            [0x65, 0xCC, 0x81],  // 0x65 < 0xC3
            [0xC3, 0xA9],
            [0xFF, 0x78],  // 0xFF is the highest byte
        ].map { tree.path($0) }

        let seen = await walk([tree.root])
        #expect(seen == expected.map(Seen.file), "walk order: \(seen)")

        // Every path round-trips byte-exactly: opening what the walker printed reads the file written there.
        for event in await walkEvents(Walker(roots: [tree.rootPath])) {
            guard case .file(let entry) = event else { continue }
            let bytes = entry.path.bytes
            let content = try readFile(bytes)
            if let index = names.firstIndex(where: { tree.path($0) == bytes }) {
                #expect(content == utf8("content \(index)"))
            }
            #expect(entry.status?.size == Int64(content.count))
        }
        // The non-UTF-8 name survives FilePath exactly, and is last.
        #expect(seen.last?.path == tree.root + utf8("/") + [0xFF, 0x78])
    }

    @Test func nfdAndNfcNamesAreDifferentFilesInByteOrder() async throws {
        // Swift's String == says these two names are equal; the walker must keep both, NFD first.
        let tree = try TempTree("nfd")
        let nfd: [UInt8] = [0x63, 0x61, 0x66, 0x65, 0xCC, 0x81]  // "cafe" + U+0301
        let nfc: [UInt8] = [0x63, 0x61, 0x66, 0xC3, 0xA9]  // "caf" + U+00E9
        try tree.file(nfc, utf8("nfc"))
        try tree.file(nfd, utf8("nfd"))
        #expect(String(decoding: nfd, as: UTF8.self) == String(decoding: nfc, as: UTF8.self))
        let files = await walkedFiles([tree.root])
        #expect(files == [tree.path(nfd), tree.path(nfc)])
        #expect(try readFile(files[0]) == utf8("nfd"))
    }

    @Test func hiddenFilesAndDirectoriesAreIncluded() async throws {
        let tree = try TempTree("hidden")
        try tree.file(".git/config", "x")
        try tree.file(".env", "y")
        try tree.file("visible", "z")
        try tree.file("sub/.inner/.deep", "w")
        let files = await walkedFiles([tree.root])
        #expect(files == [".env", ".git/config", "sub/.inner/.deep", "visible"].map { tree.path($0) })
    }

    @Test func symbolicLinksAreSkippedUnlessFollowed() async throws {
        let tree = try TempTree("links")
        try tree.file("real", "r")
        try tree.file("sub/f", "f")
        try tree.symlink("link", to: "real")
        try tree.symlink("dirlink", to: "sub")
        try tree.symlink("dangling", to: "nowhere")

        let plain = await walk([tree.root])
        #expect(plain == ["real", "sub/f"].map { Seen.file(tree.path($0)) })

        var follow = WalkOptions()
        follow.followSymlinks = true
        let followed = await walk([tree.root], follow)
        // A dangling link is no file to process and no failure either.
        #expect(followed == ["dirlink/f", "link", "real", "sub/f"].map { Seen.file(tree.path($0)) })
    }

    @Test func aLinkGivenAsRootIsFollowed() async throws {
        let tree = try TempTree("rootlink")
        try tree.file("sub/f", "f")
        try tree.symlink("dirlink", to: "sub")
        #expect(await walkedFiles([tree.path("dirlink")]) == [tree.path("dirlink/f")])
    }

    @Test func aLoopIsReportedOnceAndTheWalkGoesOn() async throws {
        let tree = try TempTree("loop")
        try tree.file("a/f", "f")
        try tree.symlink("a/up", to: "..")  // back to the root: a loop
        try tree.file("z.txt", "z")

        var follow = WalkOptions()
        follow.followSymlinks = true
        let seen = await walk([tree.root], follow)
        #expect(seen == [
            .file(tree.path("a/f")),
            .failure(tree.path("a/up"), .fileSystemLoop),
            .file(tree.path("z.txt")),
        ])

        // Without -L the link is simply not followed.
        #expect(await walk([tree.root]) == [.file(tree.path("a/f")), .file(tree.path("z.txt"))])
    }

    @Test func aLinkToASiblingIsNoLoop() async throws {
        // Reaching the same directory twice by different routes is not a loop: only an ancestor is.
        let tree = try TempTree("sibling")
        try tree.file("a/f", "f")
        try tree.directory("b")
        try tree.symlink("b/toA", to: "../a")
        var follow = WalkOptions()
        follow.followSymlinks = true
        #expect(await walk([tree.root], follow) == [.file(tree.path("a/f")), .file(tree.path("b/toA/f"))])
    }

    @Test func aFifoIsSkippedAndNeverOpened() async throws {
        // Opening a FIFO for reading blocks until a writer comes: a walker that opened it would hang here.
        let tree = try TempTree("fifo")
        try tree.file("a", "a")
        let fifo = try tree.fifo("pipe")
        try tree.file("z", "z")

        let seen = await walk([tree.root])
        #expect(seen == [
            .file(tree.path("a")),
            .skipped(fifo, .notARegularFile(kind: "FIFO")),
            .file(tree.path("z")),
        ])
        // Given as a root, it is skipped too.
        // Named as a root, it is still never opened; the reason says it was named (gzip warns of that).
        #expect(await walk([fifo]) == [.skipped(fifo, .namedSpecialFile(kind: "FIFO"))])
        #expect(SkipReason.notARegularFile(kind: "FIFO").description == "skipped: FIFO, not a regular file")
    }

    @Test func aMissingRootFailsWithENOENTAndTheWalkContinues() async throws {
        let tree = try TempTree("missing")
        try tree.file("dir/f", "f")
        try tree.file("g", "g")
        let missing = tree.path("no-such-thing")
        let seen = await walk([missing, tree.path("dir"), tree.path("also-missing/x"), tree.path("g")])
        #expect(seen == [
            .failure(missing, .system(.noSuchFileOrDirectory)),
            .file(tree.path("dir/f")),
            .failure(tree.path("also-missing/x"), .system(.noSuchFileOrDirectory)),
            .file(tree.path("g")),
        ])
        let events = await walkEvents(Walker(roots: [FilePath(bytes: missing)]))
        guard case .failure(let error)? = events.first else {
            Issue.record("expected a failure, got \(events)")
            return
        }
        #expect(error.errno == .noSuchFileOrDirectory)
        #expect(error.message == "No such file or directory")
    }

    @Test(.enabled(if: !runningAsRoot, "as root, mode 000 does not stop opendir; SumCommandTests covers this under setpriv"))
    func anUnreadableDirectoryFailsWithEACCESAndTheWalkContinues() async throws {
        let tree = try TempTree("unreadable")
        try tree.file("a", "a")
        try tree.file("locked/secret", "s")
        try tree.file("z", "z")
        #expect(chmod(tree.path("locked").map { CChar(bitPattern: $0) } + [0], 0) == 0)
        defer { _ = chmod(tree.path("locked").map { CChar(bitPattern: $0) } + [0], 0o755) }
        let seen = await walk([tree.root])
        #expect(seen == [
            .file(tree.path("a")),
            .failure(tree.path("locked"), .system(.permissionDenied)),
            .file(tree.path("z")),
        ])
    }

    @Test func includeMatchesTheBaseNameOrThePathBelowTheRoot() async throws {
        let tree = try TempTree("include")
        try tree.file("app.log", "1")
        try tree.file("app.txt", "2")
        try tree.file("deep/er/old.log", "3")
        try tree.file("docs/readme.md", "4")
        try tree.file("docs/guide/intro.md", "5")
        try tree.file("other/readme.md", "6")

        var byName = WalkOptions()
        byName.include = [Glob("*.log")]
        #expect(await walkedFiles([tree.root], byName) == ["app.log", "deep/er/old.log"].map { tree.path($0) })

        var byPath = WalkOptions()
        byPath.include = [Glob("docs/*")]  // `*` matches `/` as well
        #expect(await walkedFiles([tree.root], byPath) == ["docs/guide/intro.md", "docs/readme.md"].map { tree.path($0) })

        var several = WalkOptions()
        several.include = [Glob("readme.md"), Glob("app.txt")]
        #expect(await walkedFiles([tree.root], several) == ["app.txt", "docs/readme.md", "other/readme.md"].map { tree.path($0) })
    }

    @Test func excludePrunesDirectoriesAndFiles() async throws {
        let tree = try TempTree("exclude")
        try tree.file("keep.txt", "1")
        try tree.file("skip.tmp", "2")
        try tree.file("build/out.txt", "3")
        try tree.file("src/build/gen.txt", "4")
        try tree.file("src/main.txt", "5")
        try tree.file("src/cache/x.txt", "6")

        var options = WalkOptions()
        options.exclude = [Glob("build"), Glob("*.tmp"), Glob("src/cache")]
        #expect(await walkedFiles([tree.root], options) == ["keep.txt", "src/main.txt"].map { tree.path($0) })

        // Exclude wins over include.
        options.include = [Glob("*.txt")]
        options.exclude = [Glob("build")]
        #expect(await walkedFiles([tree.root], options) == ["keep.txt", "src/cache/x.txt", "src/main.txt"].map { tree.path($0) })
    }

    @Test func excludedDirectoriesAreNeverOpened() async throws {
        // An excluded directory is pruned before it is read: the FIFO inside would otherwise be reported.
        let tree = try TempTree("prune")
        try tree.file("a", "a")
        try tree.directory("junk")
        try tree.fifo("junk/pipe")  // would be reported as skipped if `junk` were walked
        var options = WalkOptions()
        options.exclude = [Glob("junk")]
        #expect(await walk([tree.root], options) == [.file(tree.path("a"))])
    }

    @Test func modifiedBeforeKeepsOnlyOlderFiles() async throws {
        let tree = try TempTree("mtime")
        let old = try tree.file("old", "o")
        let exact = try tree.file("exact", "e")
        let new = try tree.file("new", "n")
        try setModificationTime(old, seconds: 946_684_800)  // 2000-01-01
        try setModificationTime(exact, seconds: 1_262_304_000)  // 2010-01-01, the cutoff itself
        try setModificationTime(new, seconds: 1_700_000_000)  // 2023
        var options = WalkOptions()
        options.modifiedBefore = FileTime(seconds: 1_262_304_000)
        #expect(await walkedFiles([tree.root], options) == [old])
        options.modifiedBefore = FileTime(seconds: 1_262_304_000, nanoseconds: 1)
        #expect(await walkedFiles([tree.root], options) == [exact, old])
    }

    @Test func twoHundredLevelsDeep() async throws {
        let tree = try TempTree("deep")
        var expected: [[UInt8]] = []
        var level: [UInt8] = []
        for depth in 0...200 {
            try writeFile(tree.path(joinPath(level, utf8("f"))), utf8("level \(depth)"))
            expected.append(tree.path(joinPath(level, utf8("f"))))
            if depth < 200 { level = try tree.nested(level, depth: 1) }
        }
        // In each directory `d` sorts before `f`, so the deepest file comes first.
        let files = await walkedFiles([tree.root])
        #expect(files == expected.reversed())
        #expect(files.first.flatMap { try? readFile($0) } == utf8("level 200"))
    }

    @Test func aRootThatIsAFileIsListedAsGiven() async throws {
        let tree = try TempTree("rootfile")
        let path = try tree.file("single.bin", randomBytes(1234, seed: 1))
        let events = await walkEvents(Walker(roots: [FilePath(bytes: path)]))
        guard events.count == 1, case .file(let entry) = events[0] else {
            Issue.record("expected one file, got \(events.map(Seen.init))")
            return
        }
        #expect(entry.path.bytes == path)
        #expect(entry.status?.size == 1234)
        #expect(entry.status?.isRegularFile == true)
        #expect(!entry.isStandardInput)

        // The same file twice is listed twice, and a relative spelling stays as given.
        let twice = await walk([path, tree.root + utf8("/./single.bin")])
        #expect(twice == [.file(path), .file(tree.root + utf8("/./single.bin"))])
    }

    @Test func dashIsStandardInputOnlyWhenAsked() async throws {
        var options = WalkOptions()
        options.dashMeansStandardInput = true
        let events = await walkEvents(Walker(roots: ["-"], options: options))
        guard events.count == 1, case .file(let entry) = events[0] else {
            Issue.record("expected standard input, got \(events.map(Seen.init))")
            return
        }
        #expect(entry.isStandardInput)
        #expect(entry.path.bytes == utf8("-"))

        // Otherwise `-` is an ordinary name, relative to the working directory.
        let plain = await walkEvents(Walker(roots: ["-"]))
        #expect(plain.count == 1)
        if case .file(let entry) = plain.first { #expect(!entry.isStandardInput) }
        if !pathExists(utf8("-")) {
            #expect(plain.map(Seen.init) == [.failure(utf8("-"), .system(.noSuchFileOrDirectory))])
        }
    }

    @Test func listFileWithNewlineSeparatedRoots() async throws {
        let tree = try TempTree("list")
        try tree.file("a", "a")
        try tree.file("dir/x", "x")
        try tree.file("dir/y", "y")
        try tree.file("with space", "s")
        let list = tree.path("list.txt")
        // The last record needs no terminator.
        try writeFile(list, tree.path("dir") + [0x0A] + tree.path("missing") + [0x0A] + tree.path("a") + [0x0A] + tree.path("with space"))
        let seen = await walkEvents(Walker(.listFile(FilePath(bytes: list), nulSeparated: false))).map(Seen.init)
        #expect(seen == [
            .file(tree.path("dir/x")), .file(tree.path("dir/y")),
            .failure(tree.path("missing"), .system(.noSuchFileOrDirectory)),
            .file(tree.path("a")), .file(tree.path("with space")),
        ])
    }

    @Test func listFileWithNulSeparatedRoots() async throws {
        let tree = try TempTree("list0")
        let newline = try tree.file(utf8("new\nline"), utf8("n"))
        let carriage = try tree.file(utf8("car\rriage"), utf8("c"))
        let byte = try tree.file([0x62, 0xFF], utf8("b"))
        let list = tree.path("list0")
        try writeFile(list, nulTerminated([byte, newline, carriage]))
        let seen = await walkEvents(Walker(.listFile(FilePath(bytes: list), nulSeparated: true))).map(Seen.init)
        #expect(seen == [.file(byte), .file(newline), .file(carriage)])
    }

    @Test func aMissingListFileIsOneFailure() async throws {
        let tree = try TempTree("nolist")
        let list = tree.path("absent.list")
        let seen = await walkEvents(Walker(.listFile(FilePath(bytes: list), nulSeparated: false))).map(Seen.init)
        #expect(seen == [.failure(list, .system(.noSuchFileOrDirectory))])
    }

    @Test func listedRootsAreFilteredAndWalkedLikeArguments() async throws {
        let tree = try TempTree("listfilter")
        try tree.file("d/keep.log", "k")
        try tree.file("d/drop.txt", "d")
        try tree.file("d/.hidden.log", "h")
        let list = tree.path("list")
        try writeFile(list, tree.path("d") + [0])
        var options = WalkOptions()
        options.include = [Glob("*.log")]
        let files = await walkEvents(Walker(.listFile(FilePath(bytes: list), nulSeparated: true), options: options)).map(Seen.init)
        #expect(files == [.file(tree.path("d/.hidden.log")), .file(tree.path("d/keep.log"))])
    }

    @Test func skippingLeavesOutAFileByIdentity() async throws {
        // How `sweep sum . > SUMS` keeps its own output out of the manifest.
        let tree = try TempTree("skipping")
        try tree.file("a", "a")
        let sums = try tree.file("SUMS", "")
        try tree.file("z", "z")
        let info = try statusOf(sums)
        var options = WalkOptions()
        options.skipping = [FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))]
        #expect(await walkedFiles([tree.root], options) == [tree.path("a"), tree.path("z")])
    }

    @Test func eachCallToEventsStartsANewWalk() async throws {
        let tree = try TempTree("rewalk")
        try tree.file("a", "a")
        try tree.file("b", "b")
        let walker = Walker(roots: [tree.rootPath])
        let first = await walkEvents(walker).map(Seen.init)
        let second = await walkEvents(walker).map(Seen.init)
        #expect(first == second)
        #expect(first.count == 2)
    }
}
