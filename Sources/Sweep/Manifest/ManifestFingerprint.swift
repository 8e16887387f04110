import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The SHA-256 of a manifest's bytes, as the ledger records it: a manifest that no longer has the
/// fingerprint its ledger recorded was edited by hand (or by another tool) since.
///
/// ```swift
/// if let fingerprint = try ManifestFingerprint.of("SHA256SUMS") { print(fingerprint.hex) }
/// ```
package struct ManifestFingerprint: Sendable, Hashable {
    package var hex: String

    /// Hashes `bytes` incrementally: the manifest being written.
    ///
    /// Lines are gathered and hashed 64 KiB at a time: hashing each line of a million-line
    /// manifest on its own cost more than the hashing itself.
    package struct Builder {
        private var hasher = LibcryptoHash(.sha256)
        private var pending: [UInt8] = []
        private static let chunk = 64 * 1024
        package init() {}
        package mutating func update(_ bytes: [UInt8]) {
            if pending.capacity < Self.chunk { pending.reserveCapacity(Self.chunk) }
            pending.append(contentsOf: bytes)
            if pending.count >= Self.chunk { flush() }
        }
        package mutating func finish() -> ManifestFingerprint {
            flush()
            return ManifestFingerprint(hex: Self.hex(hasher.finalize()))
        }
        private mutating func flush() {
            hasher.update(data: pending)
            pending.removeAll(keepingCapacity: true)
        }

        static func hex(_ digest: [UInt8]) -> String {
            Digest(algorithm: .sha256, bytes: digest).hex
        }
    }

    package init(hex: String) { self.hex = hex }

    /// What identifies one version of a file without reading it: size, times to the nanosecond,
    /// device and inode, as the ledger decides a file unchanged (``LedgerRecord/matches(_:)``).
    /// Recorded for the manifest once written, so that the next run hashes it only if it moved.
    package static func stamp(_ status: FileStatus) -> String {
        "\(status.size) \(status.modificationTime.nanosecondsSinceEpoch) \(status.changeTime.nanosecondsSinceEpoch) \(status.identity.device) \(status.identity.inode)"
    }

    /// The fingerprint of the file at `path`, or nil if there is none; read in 64 KiB pieces.
    package static func of(_ path: FilePath) throws(FileError) -> ManifestFingerprint? {
        let descriptor = path.withPlatformString { open($0, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw FileError.lastSystemError(path)
        }
        defer { close(descriptor) }
        var hasher = LibcryptoHash(.sha256)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError.lastSystemError(path)
            }
            if count == 0 { break }
            hasher.update(data: buffer[0..<count])
        }
        return ManifestFingerprint(hex: Builder.hex(hasher.finalize()))
    }

    /// `path` made absolute against the working directory, as the ledger names its manifest (bytes:
    /// a name need not be UTF-8).
    package static func absolute(_ path: FilePath) -> [UInt8] {
        if path.bytes.first == UInt8(ascii: "/") { return path.bytes }
        return workingDirectory + [UInt8(ascii: "/")] + path.bytes
    }

    /// The working directory, as the ledger records where its relative roots were walked from.
    package static var workingDirectory: [UInt8] {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return [UInt8(ascii: ".")] }
        return buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    }

    /// Roots as the ledger records them: their bytes, joined by NUL (which no path holds).
    package static func joined(_ roots: [FilePath]) -> [UInt8] {
        Array(roots.map(\.bytes).joined(separator: [0]))
    }

    /// The roots of ``joined(_:)``, back.
    package static func roots(_ joined: [UInt8]) -> [FilePath] {
        joined.split(separator: 0, omittingEmptySubsequences: false).map { FilePath(bytes: Array($0)) }
    }
}
