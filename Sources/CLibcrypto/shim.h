#ifndef SWEEP_CLIBCRYPTO_SHIM_H
#define SWEEP_CLIBCRYPTO_SHIM_H

// The system's libcrypto (Debian: libssl-dev, OpenSSL 3) for SHA-1, SHA-2 and MD5: the same SHA
// instructions (SHA-NI, AVX2) as BoringSSL, and linking it costs a client's build nothing, where
// swift-crypto compiles BoringSSL's hundreds of files.
//
// The one-algorithm functions (SHA256_Init, …) are deprecated since OpenSSL 3.0 in favour of EVP,
// yet they are still its implementation, and their contexts are plain structs: a hash is a value,
// with no allocation per file. EVP's context costs two allocations and a provider dispatch per
// file, measured at 13% more CPU on 60 000 small files; hence the old functions, kept warning-free.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/md5.h>
#include <openssl/sha.h>

#endif
