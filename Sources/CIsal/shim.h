#ifndef SWEEP_CISAL_SHIM_H
#define SWEEP_CISAL_SHIM_H

// ISA-L's igzip: streaming inflate, three to four times zlib's speed.
#include <isa-l/igzip_lib.h>

#endif
