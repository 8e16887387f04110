#!/usr/bin/env bash
# `make release`: a release build with the Swift standard library and Foundation linked in
# statically (`--static-swift-stdlib`), so that the binary runs on a Linux machine without the
# Swift runtime: it needs only glibc, libstdc++, zlib and libxxhash, as `ldd` shows. Also builds
# swift-argument-parser's `generate-manual` tool (same flags, so nothing is rebuilt twice), which
# `scripts/install.sh` runs to write the man page. Extra arguments go to `swift build`, e.g.
# `--scratch-path .build-rel`. Prints the binary's directory on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-packages.sh build
flags=(-c release --static-swift-stdlib "$@")
swift build "${flags[@]}" --product sweep
swift build "${flags[@]}" --product generate-manual
swift build "${flags[@]}" --show-bin-path
