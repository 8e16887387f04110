#include "sweep_support.h"

uint64_t sweep_count_byte(const unsigned char *bytes, size_t count, unsigned char byte) {
    uint64_t total = 0;
    // Per-lane byte counters overflow after 255 blocks: fold them into the total before that.
    enum { lanes = 32, blocks = 255 };
    while (count >= lanes * blocks) {
        uint8_t counters[lanes] = {0};
        for (size_t block = 0; block < lanes * blocks; block += lanes) {
            for (int lane = 0; lane < lanes; lane++) counters[lane] += bytes[block + lane] == byte;
        }
        for (int lane = 0; lane < lanes; lane++) total += counters[lane];
        bytes += lanes * blocks;
        count -= lanes * blocks;
    }
    for (size_t index = 0; index < count; index++) total += bytes[index] == byte;
    return total;
}
