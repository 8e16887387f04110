#!/bin/sh
# Eight shards as eight local processes with GNU parallel (or over ssh with -S host1,host2 on a
# shared file system), then the merge: the same bytes as `sweep sum /data > SHA256SUMS`.
#
#   sh Examples/shards/gnu-parallel.sh /data
set -eu
root=${1:?give the tree to sum}
parallel -j 8 sweep sum -j 1 --shard {}/8 -o sums.{} "$root" ::: 1 2 3 4 5 6 7 8
sweep merge sums.1 sums.2 sums.3 sums.4 sums.5 sums.6 sums.7 sums.8 -o SHA256SUMS
