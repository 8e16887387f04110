#!/usr/bin/env bash
# The ledger's targets (issue 13): `sweep sum --update` of N files (default 1 000 000) with 0.1%
# changed, against `find DIR -printf '%s %T@ %i\n'` (the stat-only floor), with peak RSS; and
# `check --audit` against `sweep check` on the same tree. Prints medians of RUNS runs (default 3).
#
#   SWEEP_BIN=.build-release/release/sweep Benchmarks/ledger.sh [DIR] [N]
set -euo pipefail
sweep=${SWEEP_BIN:?SWEEP_BIN names a release build of sweep}
dir=${1:-/tmp/sweep-ledger-bench}
count=${2:-1000000}
runs=${RUNS:-3}
mkdir -p "$dir"
cd "$dir"
if [ ! -d data ]; then
    python3 - "$count" <<'PY'
import os, sys
count = int(sys.argv[1])
per = 1000
for d in range((count + per - 1) // per):
    os.makedirs(f'data/d{d:04}', exist_ok=True)
    for f in range(min(per, count - d * per)):
        with open(f'data/d{d:04}/f{f:04}', 'w') as h:
            h.write(f'{d} {f}\n')
PY
fi
[ -f SUMS ] || "$sweep" sum --update SUMS data 2>/dev/null

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
measure() {  # label, command…: prints the median seconds and the median peak RSS (KiB)
    local label=$1; shift
    local times=() rss=()
    for _ in $(seq "$runs"); do
        [ -n "${PREPARE:-}" ] && eval "$PREPARE"
        local out
        /usr/bin/time -f '%e %M' -o "$dir/.time" "$@" > /dev/null 2>&1 || true
        out=$(tail -1 "$dir/.time")
        times+=("${out% *}"); rss+=("${out#* }")
    done
    printf '%-34s %8s s %10s KiB\n' "$label" "$(printf '%s\n' "${times[@]}" | median)" "$(printf '%s\n' "${rss[@]}" | median)"
}
# 0.1% of the files changed before each --update run (appended to, so size and mtime move).
PREPARE="python3 -c \"
import random, os
files = $count // 1000
for i in random.sample(range($count), files):
    open(f'data/d{i // 1000:04}/f{i % 1000:04}', 'a').write('x')
\""
measure "sum --update (0.1% changed)" "$sweep" sum --update SUMS data
PREPARE=""
measure "find -printf '%s %T@ %i'" find data -printf '%s %T@ %i\n'
measure "check --audit" "$sweep" check --audit SUMS data
measure "check" "$sweep" check --quiet SUMS
