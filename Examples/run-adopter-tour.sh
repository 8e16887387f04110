#!/usr/bin/env bash
# Builds the Examples package and checks each part of `adopter-tour` (see its main.swift) against
# the peers: wc -l, sha256sum, grep -c -F and gzip, on fixtures/logs (or the directory given as $1).
# Exits non-zero on any difference.
#
#   bash Examples/run-adopter-tour.sh
source "$(dirname "$0")/build-example.sh" adopter-tour
tree=${1:-fixtures/logs}

# Twelve files of 6 MB for the scoped part: leaving after the first result abandons the others.
mkdir "$scratch/to-compress"
for i in $(seq 1 12); do
    head -c 6000000 < <(yes "line $i of a log, ERROR now and then") > "$scratch/to-compress/f$i.log"
done

"$binary" "$tree" "$scratch" > "$scratch/tour"
echo "== adopter-tour $tree: $(wc -l < "$scratch/tour") lines"

mapfile -d '' files < <(walk_order "$tree")

failures=0
# compare PART EXPECTED-FILE: the tour's lines starting with "PART " against the expected ones.
compare() {
    if diff -u "$2" <(grep "^$1 " "$scratch/tour"); then
        echo "ok: $1 ($(wc -l < "$2") lines)"
    else
        echo "FAIL: $1 differs (diff above: - peers, + adopter-tour)"
        failures=$((failures + 1))
    fi
}

total=0
matches=0
: > "$scratch/actor"; : > "$scratch/typed"; : > "$scratch/registered"
for file in "${files[@]}"; do
    lines=$(wc -l < "$file")
    hex=$(sha256sum < "$file" | cut -c1-64)
    count=$(grep -a -c -F -e ERROR -- "$file") || [ $? -eq 1 ]
    total=$((total + lines))
    matches=$((matches + count))
    printf 'actor %s %s\n' "$lines" "$file" >> "$scratch/actor"
    printf 'typed %s %s %s\n' "$hex" "$lines" "$file" >> "$scratch/typed"
    printf 'registered %s %s\n' "$count" "$file" >> "$scratch/registered"
done
printf 'actor-total %s in %s files\n' "$total" "${#files[@]}" > "$scratch/actor-total"
printf 'registered-total %s\n' "$matches" > "$scratch/registered-total"
compare actor "$scratch/actor"
compare actor-total "$scratch/actor-total"
compare typed "$scratch/typed"
compare registered "$scratch/registered"
compare registered-total "$scratch/registered-total"

# The manifest: what sha256sum writes for the same files, and what sha256sum -c accepts.
printf 'manifest %s lines in %s\n' "${#files[@]}" "$scratch/SHA256SUMS" > "$scratch/manifest-line"
compare manifest "$scratch/manifest-line"
if sha256sum -- "${files[@]}" | cmp - "$scratch/SHA256SUMS" && sha256sum --strict --quiet -c "$scratch/SHA256SUMS"; then
    echo "ok: SHA256SUMS is byte for byte sha256sum's, and sha256sum -c accepts it"
else
    echo "FAIL: SHA256SUMS differs from sha256sum's or fails sha256sum -c"
    failures=$((failures + 1))
fi

echo "throwing 3 results, then ListingInterrupted" > "$scratch/throwing"
compare throwing "$scratch/throwing"

# Scoped: no temporary left, fewer than all files compressed, each .gz whole and equal to its original.
scoped=$(grep '^scoped ' "$scratch/tour")
compressed=$(find "$scratch/to-compress" -name '*.gz' | wc -l)
temporaries=$(find "$scratch/to-compress" -name '*sweep-tmp*' | wc -l)
bad=0
for gz in "$scratch"/to-compress/*.gz; do
    gzip -dc "$gz" | cmp -s - "${gz%.gz}" || bad=$((bad + 1))
done
if [ "$scoped" = "scoped first $scratch/to-compress/f1.log, $compressed compressed, 0 temporaries" ] \
    && [ "$compressed" -ge 1 ] && [ "$compressed" -lt 12 ] && [ "$temporaries" -eq 0 ] && [ "$bad" -eq 0 ]; then
    echo "ok: scoped: left after f1.log, $compressed of 12 compressed (each equal to its original by gzip -dc), no temporary"
else
    echo "FAIL: scoped: '$scoped'; $compressed .gz, $temporaries temporaries, $bad not equal to their originals"
    failures=$((failures + 1))
fi

if [ "$failures" -ne 0 ]; then
    echo "run-adopter-tour: $failures check(s) failed"
    exit 1
fi
echo "run-adopter-tour: every part agrees with the peers"
