#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in time as the file system keeps it: seconds since the epoch and nanoseconds.
public struct FileTime: Sendable, Hashable, Comparable {
    /// Whole seconds since 1970-01-01 00:00 UTC (negative before).
    public var seconds: Int64
    /// Nanoseconds within the second, 0 ..< 1 000 000 000.
    public var nanoseconds: Int64

    /// A time of `seconds` and `nanoseconds` since the epoch.
    public init(seconds: Int64, nanoseconds: Int64 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    package init(_ spec: timespec) {
        self.init(seconds: Int64(spec.tv_sec), nanoseconds: Int64(spec.tv_nsec))
    }

    /// As a C `timespec`, for `futimens`.
    package var cTimespec: timespec {
        timespec(tv_sec: Int(seconds), tv_nsec: Int(nanoseconds))
    }

    /// The current time of the system clock.
    public static var now: FileTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return FileTime(seconds: Int64(spec.tv_sec), nanoseconds: Int64(spec.tv_nsec))
    }

    /// Seconds from `earlier` to this time.
    public func seconds(since earlier: FileTime) -> Double {
        Double(seconds - earlier.seconds) + Double(nanoseconds - earlier.nanoseconds) / 1e9
    }

    public static func < (lhs: FileTime, rhs: FileTime) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }
}
