import CSweepSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Facts about the process and machine that several layers need.
package enum SystemInfo {
    /// The number of processors online.
    package static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// How many descriptors the process may have open (the soft `RLIMIT_NOFILE`), or nil when
    /// unlimited or unknown.
    package static var openFileLimit: Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// The process's umask, read from /proc rather than by `umask(0)` and back, which would race
    /// with other threads creating files; 022 where /proc is not there.
    package static let umask: mode_t = {
        let descriptor = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return 0o022 }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0 else { return 0o022 }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("Umask:") {
            if let mask = mode_t(line.dropFirst("Umask:".count).trimmingPrefix(while: { $0 == "\t" || $0 == " " }), radix: 8) {
                return mask
            }
        }
        return 0o022
    }()

    /// Has buffers of a megabyte or more mapped, and returned to the system when freed. glibc
    /// would otherwise raise its mmap threshold after the first such free and keep later ones on the
    /// heap: a manifest line or `--files-from` record of 100 MB, grown through several buffers,
    /// would hold several times its size for the rest of the run. Called once by the command line.
    package static func returnLargeBuffersToTheSystem() {
        sweep_set_mmap_threshold(1 << 20)
    }

    /// The width of the terminal on `descriptor`, or nil when it is not one (or does not say).
    package static func terminalColumns(_ descriptor: CInt) -> Int? {
        let columns = Int(sweep_terminal_columns(descriptor))
        return columns > 0 ? columns : nil
    }

    /// Whether the open file lives on a pseudo file system (procfs, sysfs, debugfs…) whose files
    /// report a size of 0 or 4096 whatever they hold: those are read to their end instead.
    package static func isPseudoFileSystem(_ descriptor: CInt) -> Bool {
        let type = sweep_file_system_type(descriptor)
        let pseudo: Set<Int> = [
            0x9fa0,      // PROC_SUPER_MAGIC
            0x62656572,  // SYSFS_MAGIC
            0x64626720,  // DEBUGFS_MAGIC
            0x74726163,  // TRACEFS_MAGIC
            0x27e0eb,    // CGROUP_SUPER_MAGIC
            0x63677270,  // CGROUP2_SUPER_MAGIC
            0x73636673,  // SECURITYFS_MAGIC
        ]
        return pseudo.contains(type)
    }
}
