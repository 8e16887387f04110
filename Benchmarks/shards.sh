#!/usr/bin/env bash
# The costs behind README's "More than one machine" estimate, on the benchmark corpus
# (Benchmarks/make_corpus.py: small/, logs/, hundredk/):
#   - the walk each shard makes (every directory listed, only its own files opened): list --shard;
#   - one shard's read against the whole run's: sum --shard 1/8 against sum;
#   - the per-shard byte and file imbalance, N = 8 and 64, from the parts' end lines;
#   - the merge: 64 parts of 100 000 records, time and peak RSS.
#
#   SWEEP=.build-rel/release/sweep bash Benchmarks/shards.sh CORPUS_DIR [WORK_DIR]
set -euo pipefail
corpus=${1:?give the corpus directory}
work=${2:-$(mktemp -d)}
sweep=${SWEEP:-sweep}
cd "$corpus"

echo "== walk: list (100 000 empty files, 500 directories)"
hyperfine -N -w 1 -r 5 "$sweep list hundredk" "$sweep list --shard 1/8 hundredk" "$sweep list --shard 1/64 hundredk" \
    "find hundredk -type f" 2>&1 | grep -E "Benchmark|Time"

echo "== read: sum -j 2, whole run against one shard of 8"
hyperfine -N -w 1 -r 5 "$sweep sum -j 2 small" "$sweep sum -j 2 --shard 1/8 small" \
    "$sweep sum -j 2 logs" "$sweep sum -j 2 --shard 1/8 logs" 2>&1 | grep -E "Benchmark|Time"

echo "== imbalance: files and bytes per shard (max/mean, min/mean)"
for tree in small logs; do
    for n in 8 64; do
        for k in $(seq 1 "$n"); do "$sweep" lines --shard "$k/$n" "$tree" > "$work/$tree.$n.$k"; done
        tail -qn1 "$work/$tree.$n".* | awk -v tree="$tree" -v n="$n" '
            { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "files") f[NR] = kv[2]; if (kv[1] == "bytes") b[NR] = kv[2] } }
            END { for (i = 1; i <= NR; i++) { tf += f[i]; tb += b[i]; if (f[i] > mf) mf = f[i]; if (b[i] > mb) mb = b[i]
                                              if (i == 1 || f[i] < lf) lf = f[i]; if (i == 1 || b[i] < lb) lb = b[i] }
                  printf "%s N=%d: files max/mean %.3f min/mean %.3f; bytes max/mean %.3f min/mean %.3f\n",
                         tree, n, mf / (tf / NR), lf / (tf / NR), mb / (tb / NR), lb / (tb / NR) }'
    done
done

echo "== merge: 64 parts of sum hundredk (100 000 records)"
for k in $(seq 1 64); do "$sweep" sum --shard "$k/64" -o "$work/h.$k" hundredk; done
hyperfine -N -w 1 -r 5 "$sweep merge -o $work/merged $(printf "$work/h.%d " $(seq 1 64))" 2>&1 | grep -E "Benchmark|Time"
/usr/bin/time -f "merge peak RSS %M KiB" "$sweep" merge -o "$work/merged" "$work"/h.* 
"$sweep" sum hundredk | cmp - "$work/merged" && echo "merge == one run"
