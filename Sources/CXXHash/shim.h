#ifndef SWEEP_CXXHASH_SHIM_H
#define SWEEP_CXXHASH_SHIM_H

// The system xxHash (Debian: libxxhash-dev 0.8): XXH32, XXH64 and XXH3 (64- and 128-bit),
// their streaming states and canonical (big-endian) forms, all from the shared library.
#include <xxhash.h>

// XXH3's plain entry points in the shared library use the baseline vector unit (SSE2 on x86-64).
// On x86-64 Debian's library also exports the `_dispatch` variants, which pick AVX2 or AVX-512 at
// run time, as xxhsum does; the streaming update is where the time goes, so it goes through them.
#if defined(__x86_64__)
#define XXH_DISPATCH_DISABLE_REPLACE
#include <xxh_x86dispatch.h>

static inline XXH_errorcode sweep_XXH3_64bits_update(XXH3_state_t *state, const void *input, size_t length) {
    return XXH3_64bits_update_dispatch(state, input, length);
}

static inline XXH_errorcode sweep_XXH3_128bits_update(XXH3_state_t *state, const void *input, size_t length) {
    return XXH3_128bits_update_dispatch(state, input, length);
}
#else
static inline XXH_errorcode sweep_XXH3_64bits_update(XXH3_state_t *state, const void *input, size_t length) {
    return XXH3_64bits_update(state, input, length);
}

static inline XXH_errorcode sweep_XXH3_128bits_update(XXH3_state_t *state, const void *input, size_t length) {
    return XXH3_128bits_update(state, input, length);
}
#endif

#endif
