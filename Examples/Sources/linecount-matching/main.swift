// linecount-matching PATTERN PATH...
//
// Prints, for every regular file under the PATHs in sweep's walk order, the number of lines that
// contain PATTERN (a fixed string, not a regular expression), as `grep -c -H -F PATTERN FILE` prints
// it (`FILE:COUNT`), then `total:COUNT`. Files are read in parallel by Sweep's Pipeline; the output
// is the same for any concurrency, because results are delivered in walk order.
//
// Exit status: 0 when every file was read, 1 when any could not be (each reported on stderr, the
// others still counted), 64 for a usage error.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ExampleStages
import Sweep

/// The arguments as raw bytes: a pattern or a path need not be UTF-8 (CommandLine.arguments would
/// replace invalid bytes with U+FFFD).
let arguments: [[UInt8]] = (1..<Int(CommandLine.argc)).map { index in
    let argument = CommandLine.unsafeArgv[index]!
    return Array(UnsafeRawBufferPointer(start: argument, count: strlen(argument)))
}

guard arguments.count >= 2, let stage = MatchingLinesStage(pattern: arguments[0]) else {
    writeAll(Array("usage: linecount-matching PATTERN PATH...\n".utf8), to: STDERR_FILENO)
    writeAll(Array("  PATTERN is a fixed string without newlines; PATH may be a file or a directory\n".utf8), to: STDERR_FILENO)
    exit(64)
}

// `import Sweep` re-exports swift-system's `FilePath`; `FilePath(bytes:)` keeps a name's exact bytes.
let pipeline = Pipeline(stage: stage)
var output = Output()
let summary = try await pipeline.run(walking: arguments.dropFirst().map { FilePath(bytes: $0) }) { result in
    switch result.outcome {
    case .processed(let count):
        output.append(result.path.bytes + Array(":\(count.lines)\n".utf8))
    case .failed(let error):
        // Flush first, so that stdout and stderr interleave in walk order on a terminal.
        output.flush()
        writeAll(Array("linecount-matching: \(error)\n".utf8), to: STDERR_FILENO)
    case .skipped(let reason):
        output.flush()
        writeAll(Array("linecount-matching: ".utf8) + result.path.bytes + Array(": \(reason)\n".utf8), to: STDERR_FILENO)
    }
}
output.append(Array("total:\(summary.totals[stage.name] ?? 0)\n".utf8))
output.flush()
exit(summary.succeeded ? 0 : 1)

/// Standard output, written in large blocks.
struct Output {
    private var buffer: [UInt8] = []

    mutating func append(_ bytes: [UInt8]) {
        buffer += bytes
        if buffer.count >= 64 * 1024 { flush() }
    }

    mutating func flush() {
        writeAll(buffer, to: STDOUT_FILENO)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Writes every byte, retrying short writes and EINTR.
func writeAll(_ bytes: [UInt8], to descriptor: CInt) {
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}
