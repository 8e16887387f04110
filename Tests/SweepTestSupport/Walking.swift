import SystemPackage
import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Walk helpers: the library's walk events with byte paths, comparable in #expect.

// MARK: - Walking

/// One walk event with its path as bytes, comparable in `#expect`.
package enum Seen: Equatable, CustomStringConvertible {
    case file([UInt8])
    case failure([UInt8], FileError.Reason)
    case skipped([UInt8], SkipReason)

    package init(_ event: WalkEvent) {
        switch event {
        case .file(let entry): self = .file(entry.path.bytes)
        case .failure(let error): self = .failure(error.path.bytes, error.reason)
        case .skipped(let path, let reason): self = .skipped(path.bytes, reason)
        }
    }

    package var path: [UInt8] {
        switch self {
        case .file(let path), .failure(let path, _), .skipped(let path, _): path
        }
    }

    package var description: String {
        switch self {
        case .file(let path): "file(\(describeBytes(path)))"
        case .failure(let path, let reason): "failure(\(describeBytes(path)), \(reason))"
        case .skipped(let path, let reason): "skipped(\(describeBytes(path)), \(reason))"
        }
    }
}

/// Every event of a walk.
package func walkEvents(_ walker: Walker) async -> [WalkEvent] {
    var events: [WalkEvent] = []
    for await event in walker.events() { events.append(event) }
    return events
}

/// Every event of walking `roots` with `options`, as ``Seen``.
package func walk(_ roots: [[UInt8]], _ options: WalkOptions = WalkOptions()) async -> [Seen] {
    await walkEvents(Walker(roots: roots.map { FilePath(bytes: $0) }, options: options)).map(Seen.init)
}

/// The file paths of a walk of `roots`, in walk order.
package func walkedFiles(_ roots: [[UInt8]], _ options: WalkOptions = WalkOptions()) async -> [[UInt8]] {
    await walk(roots, options).compactMap { if case .file(let path) = $0 { path } else { nil } }
}
