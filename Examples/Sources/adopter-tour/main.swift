// adopter-tour TREE SCRATCH
//
// The parts of Sweep's public API an adopter reaches for first, each over the regular files of
// TREE, with nothing but `import Sweep` (and the examples' own stage library):
//
//   actor       an actor runs the callback form and keeps the results in its own state
//   typed       two stages over one read, each output with its own type (CombinedStage)
//   registered  a stage of the client's own, registered and used by name beside a built-in
//   manifest    a SHA256SUMS written durably (ManifestWriter) under SCRATCH
//   throwing    a source of paths that throws after three paths
//   scoped      gzip over SCRATCH/to-compress, left after the first result (withResults)
//
// Each prints lines `PART …` that Examples/run-adopter-tour.sh checks against sha256sum, wc,
// grep and gzip. Exit status 0 when every part ran.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ExampleStages
import Sweep

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    print("usage: adopter-tour TREE SCRATCH")
    exit(64)
}
let tree = FilePath(arguments[1])
let scratch = FilePath(arguments[2])

/// Paths in walk order: names compared byte by byte.
func inWalkOrder<Value>(_ entries: [FilePath: Value]) -> [(FilePath, Value)] {
    entries.sorted { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }.map { ($0.key, $0.value) }
}

// MARK: actor — the callback runs in the actor's isolation, so it updates `lines` directly.

actor LineIndex {
    private(set) var lines: [FilePath: UInt64] = [:]

    func scan(_ root: FilePath) async throws -> RunSummary {
        try await Pipeline(stage: LineCountStage()).run(walking: [root]) { result in
            if let count = result.output { lines[result.path] = count.lines }
        }
    }
}

let index = LineIndex()
let indexed = try await index.scan(tree)
for (path, lines) in inWalkOrder(await index.lines) { print("actor \(lines) \(path)") }
print("actor-total \(indexed.totals["lines"] ?? 0) in \(indexed.files) files")

// MARK: typed — no casts: `values` is a (Digest, LineCount) tuple.

let typed = try CombinedStage(DigestStage(.sha256), LineCountStage())
try await Pipeline(stage: typed).run(walking: [tree]) { result in
    guard let (digest, count) = result.output?.values else { return }
    print("typed \(digest.hex) \(count.lines) \(result.path)")
}

// MARK: registered — the client's stage, named like the built-ins (`sweep run -s NAME` uses the same registry).

var registry = StageRegistry.builtin
try registry.register("matching-lines") { _ in MatchingLinesStage(pattern: Array("ERROR".utf8))! }
let named = try registry.stages(named: ["matching-lines", "lines"])
let namedSummary = try await Pipeline(stage: named).run(walking: [tree]) { result in
    if let matches = result.output?["matching-lines"] as? MatchingLineCount { print("registered \(matches.lines) \(result.path)") }
}
print("registered-total \(namedSummary.totals["matching-lines"] ?? 0)")

// MARK: manifest — complete under its name, or not there at all.

let manifest = scratch.appending("SHA256SUMS")
let listed = try await ManifestWriter.write(to: manifest) { writer in
    try await Pipeline(stage: DigestStage(.sha256)).run(walking: [tree]) { result in
        if let digest = result.output { try writer.append(digest, path: result.path) }
    }
    return writer.lineCount
}
print("manifest \(listed) lines in \(manifest)")

// MARK: throwing — the source's own error arrives after the results of the paths it gave.

struct ListingInterrupted: Error {}
var firstThree: [FilePath] = []
for await event in Walker(roots: [tree]).events() {
    if case .file(let entry) = event { firstThree.append(entry.path) }
    if firstThree.count == 3 { break }
}
let interrupted = AsyncThrowingStream<FilePath, any Error> { [firstThree] continuation in
    for path in firstThree { continuation.yield(path) }
    continuation.finish(throwing: ListingInterrupted())
}
var beforeTheError = 0
do {
    for try await result in Pipeline(stage: LineCountStage()).results(for: interrupted) {
        beforeTheError += result.output == nil ? 0 : 1
    }
    print("throwing no error")
} catch is ListingInterrupted {
    print("throwing \(beforeTheError) results, then ListingInterrupted")
}

// MARK: scoped — leave the loop after one result; when the call returns, nothing is in flight.

let toCompress = scratch.appending("to-compress")
let compressor = Pipeline(stage: GzipStage(options: .init(keepOriginal: true)))
let first = try await compressor.withResults(walking: [toCompress]) { results -> FilePath? in
    for try await result in results where result.output != nil { return result.path }
    return nil
}
// Listed right after the call, before the program exits: no temporary of the abandoned files is left.
var leftovers = 0
var compressed = 0
for await event in Walker(roots: [toCompress]).events() {
    guard case .file(let entry) = event, let name = entry.path.lastComponent?.string else { continue }
    if name.contains("sweep-tmp") { leftovers += 1 }
    if name.hasSuffix(".gz") { compressed += 1 }
}
print("scoped first \(first.map { "\($0)" } ?? "none"), \(compressed) compressed, \(leftovers) temporaries")
