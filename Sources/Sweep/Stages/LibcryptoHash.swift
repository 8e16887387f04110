import CLibcrypto

/// A running hash of the system's libcrypto (OpenSSL): SHA-1, SHA-2 or MD5. Its context is a
/// plain C struct, so a hash is a value: a copy hashes on independently, and ``finalize()`` leaves
/// the hash as it was.
///
/// ```swift
/// var hash = LibcryptoHash(.sha256)
/// hash.update(data: Array("abc".utf8))
/// let digest = hash.finalize() // ba7816bf…
/// ```
package struct LibcryptoHash {
    /// The algorithms taken from libcrypto.
    package enum Algorithm: Sendable {
        case md5, sha1, sha224, sha256, sha384, sha512
    }

    /// The context of the running algorithm (SHA-224 runs SHA-256's, SHA-384 SHA-512's).
    private enum Context {
        case md5(MD5_CTX)
        case sha1(SHA_CTX)
        case sha224(SHA256_CTX)
        case sha256(SHA256_CTX)
        case sha384(SHA512_CTX)
        case sha512(SHA512_CTX)
    }

    private var context: Context

    /// A hash of no bytes yet.
    package init(_ algorithm: Algorithm) {
        switch algorithm {
        case .md5: var c = MD5_CTX(); MD5_Init(&c); context = .md5(c)
        case .sha1: var c = SHA_CTX(); SHA1_Init(&c); context = .sha1(c)
        case .sha224: var c = SHA256_CTX(); SHA224_Init(&c); context = .sha224(c)
        case .sha256: var c = SHA256_CTX(); SHA256_Init(&c); context = .sha256(c)
        case .sha384: var c = SHA512_CTX(); SHA384_Init(&c); context = .sha384(c)
        case .sha512: var c = SHA512_CTX(); SHA512_Init(&c); context = .sha512(c)
        }
    }

    /// Hashes `bytes` next.
    package mutating func update(bufferPointer bytes: UnsafeRawBufferPointer) {
        let base = bytes.baseAddress
        let count = bytes.count
        switch context {
        case .md5(var c): MD5_Update(&c, base, count); context = .md5(c)
        case .sha1(var c): SHA1_Update(&c, base, count); context = .sha1(c)
        case .sha224(var c): SHA224_Update(&c, base, count); context = .sha224(c)
        case .sha256(var c): SHA256_Update(&c, base, count); context = .sha256(c)
        case .sha384(var c): SHA384_Update(&c, base, count); context = .sha384(c)
        case .sha512(var c): SHA512_Update(&c, base, count); context = .sha512(c)
        }
    }

    /// Hashes `bytes` next.
    package mutating func update(data bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(bufferPointer: UnsafeRawBufferPointer($0)) }
        if done == nil { Array(bytes).withUnsafeBytes { update(bufferPointer: $0) } }
    }

    /// The digest of the bytes so far; the hash itself goes on unchanged (its context is copied).
    package func finalize() -> [UInt8] {
        switch context {
        case .md5(var c): Self.digest(Int(MD5_DIGEST_LENGTH)) { MD5_Final($0, &c) }
        case .sha1(var c): Self.digest(Int(SHA_DIGEST_LENGTH)) { SHA1_Final($0, &c) }
        case .sha224(var c): Self.digest(Int(SHA224_DIGEST_LENGTH)) { SHA224_Final($0, &c) }
        case .sha256(var c): Self.digest(Int(SHA256_DIGEST_LENGTH)) { SHA256_Final($0, &c) }
        case .sha384(var c): Self.digest(Int(SHA384_DIGEST_LENGTH)) { SHA384_Final($0, &c) }
        case .sha512(var c): Self.digest(Int(SHA512_DIGEST_LENGTH)) { SHA512_Final($0, &c) }
        }
    }

    private static func digest(_ length: Int, _ final: (UnsafeMutablePointer<UInt8>) -> Int32) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            _ = final(buffer.baseAddress!)
            count = length
        }
    }
}
