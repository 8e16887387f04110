#!/usr/bin/env bash
# Scale checks, too slow for CI: a tree of 1 000 000 empty files and a 200-deep one through
# `sweep sum`, and a 4 GiB file through `sweep gzip` and back, each with its peak RSS at -j 2.
#   Benchmarks/scale.sh [DIR]      (DIR defaults to Benchmarks/corpus/scale; needs ~9 GB free)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-Benchmarks/corpus/scale}
sweep=${SWEEP_BIN:-}
if [ -z "$sweep" ]; then
    swift build -c release --product sweep ${SWEEP_BUILD_ARGS:-} >&2
    sweep="$(swift build -c release --show-bin-path ${SWEEP_BUILD_ARGS:-})/sweep"
fi
mkdir -p "$dir"
measure() {  # measure LABEL COMMAND...: wall seconds and peak RSS, output discarded
    local label=$1; shift
    /usr/bin/time -f "$label: %e s, peak RSS %M KB, exit %x" "$@" > /dev/null 2> "$dir/time.txt" || true
    tail -1 "$dir/time.txt"
}

if [ ! -e "$dir/million/.done" ]; then
    python3 - "$dir/million" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(1000):
    path = os.path.join(root, f"d{d:04}")
    os.makedirs(path, exist_ok=True)
    for f in range(1000):
        open(os.path.join(path, f"f{f:04}"), "wb").close()
open(os.path.join(root, ".done"), "wb").close()
PY
fi
measure "sum, 1 000 000 empty files" "$sweep" sum -j 2 "$dir/million"
echo "lines: $("$sweep" sum -j 2 "$dir/million" | wc -l) (expected 1000001 with .done)"

if [ ! -e "$dir/deep/.done" ]; then
    path="$dir/deep"
    for level in $(seq 1 200); do path="$path/level$level"; done
    mkdir -p "$path" && echo deep > "$path/file" && touch "$dir/deep/.done"
fi
measure "sum, 200-deep tree" "$sweep" sum -j 2 "$dir/deep"

big="$dir/big4g.log"
if [ ! -e "$big" ]; then
    corpus=Benchmarks/corpus/full/big.log
    [ -e "$corpus" ] || python3 Benchmarks/make_corpus.py Benchmarks/corpus/full
    # Past 2^32 bytes, where the gzip trailer's ISIZE wraps.
    { cat "$corpus" "$corpus"; head -c 1048576 "$corpus"; } > "$big"
fi
expected=$(sha256sum "$big" | cut -c1-64)
measure "gzip -6, 4 GiB file" "$sweep" gzip -j 2 -k -f "$big"
"$sweep" gzip -t "$big.gz"
mv "$big" "$big.orig"
measure "gunzip, 4 GiB file" "$sweep" gunzip -j 2 -k "$big.gz"
actual=$(sha256sum "$big" | cut -c1-64)
echo "round trip: $([ "$expected" = "$actual" ] && echo identical || echo DIFFERENT)"
echo "json sizes: $("$sweep" gzip -t --json "$big.gz" | head -1)"
rm -f "$big.orig"
