/// How a file's bytes are read: through DispatchIO, or by positional reads on dedicated threads.
///
/// `auto` uses the backend that measured faster (positional reads, for small and large files alike:
/// see the README's "I/O backends").
public enum IOBackend: String, Sendable, CaseIterable {
    /// The backend that measured faster: today `pread`.
    case auto
    /// A `DispatchIO` channel per file, chunks pulled a bounded number at a time.
    case dispatch
    /// `pread` into one reused buffer per worker thread.
    case pread
}
