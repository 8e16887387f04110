#!/usr/bin/env bash
# Side-by-side benchmark of sweep's compression engines (issue 12) against pigz and gzip, on the
# corpus of make_corpus.py: the logs tree, the 60 000 small files, a 512 MiB slice of big.log.
#
#   Benchmarks/compression.sh CORPUS SWEEP [RUNS]
#
# Prints hyperfine's medians and the sizes; each case restores its tree before every run. Writes
# its copies under CORPUS/work-compression (about 3 GiB), or under $WORK when set: a file system
# with a journal, as most are, where CORPUS's has none (ext4 without a journal makes every new
# inode scan past the ones deleted in the last minute, which the small-files case is mostly about).
set -euo pipefail
corpus=$(cd "$1" && pwd) sweep=$2 runs=${3:-3}
work=${WORK:-$corpus/work-compression}
mkdir -p "$work"
median() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; [print('%-58s median %.3f s  (user %.2f, sys %.2f)' % (x['command'][:58], x['median'], x['user'], x['system'])) for x in r]" "$1"; }
bench() { # NAME PREPARE CMD...
    local name=$1 prepare=$2; shift 2
    hyperfine -N -w 1 -r "$runs" --prepare "$prepare" --export-json "$work/$name.json" "$@" > "$work/$name.log" 2>&1 || { cat "$work/$name.log"; exit 1; }
    echo "## $name"; median "$work/$name.json"
}
total() { find "$1" -name '*.gz' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

[ -d "$work/logs" ] || cp -a "$corpus/logs" "$work/logs"
[ -d "$work/small" ] || cp -a "$corpus/small" "$work/small"
[ -f "$work/one.log" ] || head -c $((512 << 20)) "$corpus/big.log" > "$work/one.log"
if [ ! -d "$work/logs-gz" ]; then
    cp -a "$corpus/logs" "$work/logs-gz"
    find "$work/logs-gz" -type f -print0 | xargs -0 -P2 -n 4 gzip -6
fi
del="find $work/logs $work/small -name *.gz -delete"

bench gzip-logs "$del" \
    "$sweep gzip -6 -k $work/logs" "$sweep gzip -6 -k --engine zlib $work/logs" "pigz -6 -p2 -k -r $work/logs"
for engine in fastest zlib; do
    $del; $sweep gzip -6 -k --engine $engine "$work/logs"; echo "size, sweep --engine $engine -6: $(total "$work/logs")"
done
$del; pigz -6 -p2 -k -r "$work/logs"; echo "size, pigz -6: $(total "$work/logs")"
echo "size, gzip -6: $(total "$work/logs-gz")"
$del

bench gzip-small "$del" \
    "$sweep gzip -6 -k $work/small" "$sweep gzip -6 -k --engine zlib $work/small" \
    "sh -c 'find $work/small -type f -print0 | xargs -0 -P2 -n 200 pigz -6 -p1 -k'"
$del

bench gzip-one "rm -f $work/one.log.gz" \
    "$sweep gzip -6 -k $work/one.log" "$sweep gzip -6 -k --engine zlib $work/one.log" "pigz -6 -p2 -k $work/one.log"
rm -f "$work/one.log.gz"

restore="sh -c 'rm -rf $work/gunzip && cp -a $work/logs-gz $work/gunzip'"
bench gunzip-logs "$restore" \
    "$sweep gzip -d $work/gunzip" "$sweep gzip -d --engine zlib $work/gunzip" "gzip -d -r $work/gunzip"

bench test-logs "true" \
    "$sweep gzip -t $work/logs-gz" "$sweep gzip -t --engine zlib $work/logs-gz" "pigz -t -r $work/logs-gz"

bench crc32-logs "true" "$sweep sum -a crc32 $work/logs-gz"

echo "## peak RSS (KiB)"
for args in "gzip -6 -k -j 2 $corpus/big.log" "gzip -6 -k -j 2 $work/logs"; do
    $del; rm -f "$corpus/big.log.gz"
    echo "$args: $( { /usr/bin/time -f %M $sweep $args >/dev/null; } 2>&1 | tail -1)"
done
rm -f "$corpus/big.log.gz"; $del
echo "gzip -d -k -j 2 logs-gz: $( { /usr/bin/time -f %M $sweep gzip -d -k -f -c -j 2 $work/logs-gz >/dev/null; } 2>&1 | tail -1)"
