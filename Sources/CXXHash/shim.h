#ifndef SWEEP_CXXHASH_SHIM_H
#define SWEEP_CXXHASH_SHIM_H

// The system xxHash (Debian: libxxhash-dev 0.8): XXH32, XXH64 and XXH3 (64- and 128-bit),
// their streaming states and canonical (big-endian) forms, all from the shared library.
#include <xxhash.h>

#endif
