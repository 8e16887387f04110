#include "sweep_support.h"

uint64_t sweep_count_byte(const unsigned char *bytes, size_t count, unsigned char byte) {
    uint64_t total = 0;
    enum { lanes = 32 };
    // Per-lane byte counters overflow after 255 blocks: fold them into the total before that.
    // Small inputs (a 2 KiB file) take the same vectorised path with fewer blocks.
    while (count >= lanes) {
        size_t blocks = count / lanes;
        if (blocks > 255) blocks = 255;
        uint8_t counters[lanes] = {0};
        for (size_t block = 0; block < blocks; block++) {
            const unsigned char *row = bytes + block * lanes;
            for (int lane = 0; lane < lanes; lane++) counters[lane] += row[lane] == byte;
        }
        for (int lane = 0; lane < lanes; lane++) total += counters[lane];
        bytes += blocks * lanes;
        count -= blocks * lanes;
    }
    for (size_t index = 0; index < count; index++) total += bytes[index] == byte;
    return total;
}
