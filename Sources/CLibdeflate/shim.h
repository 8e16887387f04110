#ifndef SWEEP_CLIBDEFLATE_SHIM_H
#define SWEEP_CLIBDEFLATE_SHIM_H

// libdeflate: whole-buffer deflate (about twice zlib's speed at a smaller size) and a CRC-32
// that uses carry-less multiplication.
#include <libdeflate.h>

#endif
