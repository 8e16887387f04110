#!/usr/bin/env bash
# Builds the Examples package and checks `linecount-matching` against `grep -c -H -F`:
# on fixtures/logs (or the directory given as $1) for several patterns, and on generated files whose
# matches straddle the pipeline's read chunks. Exits non-zero on any difference.
#
#   bash Examples/run-example.sh               # fixtures/logs
#   bash Examples/run-example.sh /var/log/app  # any tree of regular files
source "$(dirname "$0")/build-example.sh" linecount-matching

# What linecount-matching should print: grep's `FILE:COUNT` for each file in walk order, then the total.
expected_output() {
    local pattern=$1 tree=$2 total=0 line count
    while IFS= read -r -d '' file; do
        # grep exits 1 when a file has no matching line, which is no error here; 2 is.
        line=$(grep -c -H -F -e "$pattern" -- "$file") || [ $? -eq 1 ]
        printf '%s\n' "$line"
        count=${line##*:}
        total=$((total + count))
    done < <(walk_order "$tree")
    printf 'total:%s\n' "$total"
}

failures=0
check() {
    local pattern=$1 tree=$2 status=0
    "$binary" "$pattern" "$tree" > "$scratch/actual" 2> "$scratch/errors" || status=$?
    expected_output "$pattern" "$tree" > "$scratch/expected"
    if [ "$status" -ne 0 ] || [ -s "$scratch/errors" ]; then
        echo "FAIL: linecount-matching '$pattern' $tree exited $status"
        cat "$scratch/errors"
        failures=$((failures + 1))
    elif ! diff -u "$scratch/expected" "$scratch/actual"; then
        echo "FAIL: linecount-matching '$pattern' $tree differs from grep -c -H -F (diff above: - grep, + example)"
        failures=$((failures + 1))
    else
        echo "ok: '$pattern' in $tree: $(wc -l < "$scratch/actual") lines, $(tail -n 1 "$scratch/actual")"
    fi
}

tree=${1:-fixtures/logs}
for pattern in ERROR WARN 'GET /' 'msg="ok"' 'HTTP/1.1" 500' '\' ' ' 'no such text anywhere' ''; do
    check "$pattern" "$tree"
done

# Matches that straddle chunk boundaries (reads are 512 KiB): lines of 19 bytes put the boundaries at
# varying offsets within a line; the repetitive pattern also exercises the search's fallbacks.
mkdir -p "$scratch/big/sub"
head -c 1300000 < <(yes 'abababac xyz ERROR') > "$scratch/big/lines.log"
{ head -c 700000 < <(yes 'aaaaaaaaaaaaaaaaaaaaaaaaab'); printf 'tail without newline aab'; } > "$scratch/big/sub/a.log"
: > "$scratch/big/sub/empty.log"
for pattern in abababac 'c xyz E' aab aaaaaaaaaaaaaaaaaaaaaaaaab '' b; do
    check "$pattern" "$scratch/big"
done

# Usage errors exit 64: no path, or a pattern with a newline (grep would read two patterns).
usage_error() {
    local status=0
    "$binary" "$@" > /dev/null 2>&1 || status=$?
    if [ "$status" -ne 64 ]; then
        echo "FAIL: linecount-matching ${*@Q} exited $status, not 64"
        failures=$((failures + 1))
    fi
}
usage_error ERROR
usage_error $'ERROR\nWARN' "$tree"

if [ "$failures" -ne 0 ]; then
    echo "run-example: $failures check(s) failed"
    exit 1
fi
echo "run-example: every count matches grep -c -H -F"
