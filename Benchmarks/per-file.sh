#!/usr/bin/env bash
# Side-by-side benchmark of per-file cost (issue 15) on the corpus of make_corpus.py: the 60 000
# small files against rhash, sha256sum -c, wc and find; the 1 GiB logs tree against two cores of
# SHA-256 as `openssl speed` measures them; xxHash against xxhsum.
#
#   Benchmarks/per-file.sh CORPUS SWEEP [RUNS]
#
# Prints hyperfine's medians, user and system CPU, and the ratios the issue's table asks for.
set -euo pipefail
corpus=$(cd "$1" && pwd) sweep=$(realpath "$2") runs=${3:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$corpus"
bench() { # NAME CMD... (the first command is sweep's, the second the peer's)
    local name=$1; shift
    hyperfine -N -w 1 -r "$runs" --export-json "$work/$name.json" "$@" > "$work/$name.log" 2>&1 || { cat "$work/$name.log"; exit 1; }
    python3 - "$name" "$work/$name.json" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))['results']
print('## ' + name)
for x in r:
    print('  %-64s median %7.3f s  user %.3f  sys %.3f' % (x['command'][:64], x['median'], x['user'], x['system']))
if len(r) > 1:
    s, p = r[0], r[1]
    print('  ratio (peer/sweep, medians) %.2f   CPU sweep/peer (user+sys means) %.2f' % (
        p['median'] / s['median'], (s['user'] + s['system']) / (p['user'] + p['system'])))
PY
}

"$sweep" sum --no-progress small > "$work/SUMS"
bench sum-small "$sweep sum --no-progress small" "rhash --sha256 -r small"
bench check-small "$sweep check --no-progress $work/SUMS" "sha256sum -c --quiet $work/SUMS"
bench lines-small "$sweep lines --no-progress small" "sh -c 'find small -type f -print0 | xargs -0 -P2 -n 200 wc -l'"
bench list-small "$sweep list small" "find small -type f"
bench sum-logs "$sweep sum --no-progress logs"
bytes=$(find logs -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
# One core's SHA-256 rate on 16 KiB blocks, in bytes per second (openssl's last column is kB/s).
core=$(openssl speed -evp sha256 -bytes 16384 -seconds 3 2>/dev/null | awk '/^sha256|^SHA256/ { v = $NF } END { sub(/k$/, "", v); print v * 1000 }')
python3 - "$work/sum-logs.json" "$bytes" "$core" <<'PY'
import json, sys
median = json.load(open(sys.argv[1]))['results'][0]['median']
size, core = int(sys.argv[2]), float(sys.argv[3])
limit = size / (2 * core)
print('  logs: %d bytes; one core of SHA-256 %.0f MB/s; two cores need %.3f s; sweep %.3f s = %.2f of the limit' % (
    size, core / 1e6, limit, median, limit / median))
PY
bench xxh128-logs "$sweep sum -a xxh128 --no-progress logs" "sh -c 'find logs -type f -print0 | xargs -0 -P2 -n 20 xxhsum -H2'"
python3 - "$work/xxh128-logs.json" "$bytes" <<'PY'
import json, sys
median = json.load(open(sys.argv[1]))['results'][0]['median']
print('  xxh128 of logs: %.2f GB/s' % (int(sys.argv[2]) / median / 1e9))
PY
