import SystemPackage

/// One stream that the outputs of several files are written to in turn, each whole before the next:
/// standard output for `gzip -c` and `gunzip -c`.
///
/// A stage's processor claims the stream when it starts on a file and releases it when done; a claim
/// while another file holds the stream fails instead of interleaving the two, so run the pipeline one
/// file at a time (``PipelineOptions/oneFileAtATime(_:)``). A write that fails (a full disk, a closed
/// pipe) is remembered: every later write fails with the same error, and ``failure`` tells the
/// caller to stop.
///
/// ```swift
/// let stdout = StreamOutput(descriptor: .standardOutput, name: "stdout")
/// let gzip = GzipStage(options: .init(stream: stdout, everyFileToStream: true))
/// let pipeline = Pipeline(stage: gzip, options: .oneFileAtATime())
/// try await pipeline.run(walking: ["a.log", "b.log"]) { _ in }   // like gzip -c a.log b.log
/// ```
public final class StreamOutput: Sendable {
    /// Where the bytes go; not closed by this object.
    public let descriptor: FileDescriptor
    /// The stream's name in error messages (gzip says `stdout`).
    public let name: FilePath

    private struct State {
        var holder: FilePath?
        var failure: Errno?
        var written: UInt64 = 0
    }

    private let state = LockedValue(State())

    /// A stream writing to `descriptor`, called `name` in messages.
    public init(descriptor: FileDescriptor, name: FilePath) {
        self.descriptor = descriptor
        self.name = name
    }

    /// The error of the first write that failed, if one did.
    public var failure: Errno? { state.withLock { $0.failure } }

    /// The bytes written so far.
    public var bytesWritten: UInt64 { state.withLock { $0.written } }

    /// Takes the stream for the file at `path`; fails if another file holds it.
    package func claim(for path: FilePath) throws(FileError) {
        let holder = state.withLock { state -> FilePath? in
            if let holder = state.holder { return holder }
            state.holder = path
            return nil
        }
        if let holder {
            throw FileError(path: path, reason: .cause(StreamInUse(stream: name, holder: holder)))
        }
    }

    /// Gives the stream back after the file that claimed it.
    package func release() {
        state.withLock { $0.holder = nil }
    }

    /// Writes all of `bytes`, retrying short writes and EINTR; after a failure, fails at once.
    package func write(_ bytes: UnsafeRawBufferPointer) throws(FileError) {
        if let failure { throw FileError(path: name, reason: .system(failure)) }
        do {
            _ = try descriptor.writeAll(bytes)
            state.withLock { $0.written += UInt64(bytes.count) }
        } catch {
            let code = (error as? Errno) ?? .ioError
            state.withLock { if $0.failure == nil { $0.failure = code } }
            throw FileError(path: name, reason: .system(code))
        }
    }
}

/// A file's output was about to go to a stream that another file's output was still being written
/// to: the pipeline must run one file at a time to share a stream.
struct StreamInUse: Error, CustomStringConvertible {
    var stream: FilePath
    var holder: FilePath
    var description: String {
        "\(stream) is in use by \(holder); write to a stream one file at a time"
    }
}

extension PipelineOptions {
    /// `base` with one file in flight and every file handed over alone, so that files whose output
    /// goes to one ``StreamOutput`` are processed (and written) strictly in order.
    public static func oneFileAtATime(_ base: PipelineOptions = PipelineOptions()) -> PipelineOptions {
        var options = base
        options.concurrency = 1
        options.batchBytes = 0
        return options
    }
}
