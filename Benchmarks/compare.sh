#!/usr/bin/env bash
# Head to head: two sweep binaries on the full benchmark corpus, each case in one hyperfine call
# (the old binary, then the new), so that a change can be shown not to slow sweep down.
#
#   Benchmarks/run.sh --only walk            # once, to generate Benchmarks/corpus/full
#   Benchmarks/compare.sh OLD_SWEEP NEW_SWEEP [RUNS]
#
# Prints one markdown table: each case's median wall time for both binaries and new/old, and the
# mean CPU time (user + system), which a busy machine disturbs less than wall time.
set -euo pipefail
old=$(realpath "$1") new=$(realpath "$2") runs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/corpus/full
[[ -d $corpus/work/logs-k && -f $corpus/work/logs.sha256 && -f $corpus/work/one.log ]] ||
  { echo "compare.sh: run Benchmarks/run.sh first: it makes the corpus in $corpus" >&2; exit 1; }
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
cd "$corpus"
w=$corpus/work

# id | title | arguments after the binary | prepare (or -)
cases=(
  "sum-logs|sum sha256 logs (1 GiB, 1 500 files)|sum logs|-"
  "sum-small|sum sha256 small (60 000 files)|sum small|-"
  "check-logs|check logs manifest|check $w/logs.sha256|-"
  "lines-small|lines small|lines small|-"
  "walk|list 60 000 empty files|list empty|-"
  "gzip-logs|gzip -6 -k logs|gzip -6 -k $w/logs-k|find $w/logs-k -type f -name '*.gz' -delete"
  "gzip-one|gzip -6 -k one 512 MiB log|gzip -6 -k $w/one.log|rm -f $w/one.log.gz"
  "gunzip-logs|gzip -d logs tree|gzip -d $w/gunzip|sh -c 'rm -rf $w/gunzip && cp -a $w/logs-gz $w/gunzip'"
)
printf '| case | old median | new median | new/old | old CPU | new CPU | new/old CPU |\n|---|---:|---:|---:|---:|---:|---:|\n'
for entry in "${cases[@]}"; do
  IFS='|' read -r id title args prepare <<<"$entry"
  prep=()
  [[ $prepare == - ]] || prep=(--prepare "$prepare")
  hyperfine -N --warmup 1 --runs "$runs" "${prep[@]}" --output=null \
    --export-json "$results/$id.json" -n old "$old $args" -n new "$new $args" >"$results/$id.log" 2>&1 ||
    { echo "| $title | failed: $(tail -1 "$results/$id.log") | | | | | |"; continue; }
  python3 - "$results/$id.json" "$title" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))["results"]
median = {r["command"]: r["median"] for r in data}
cpu = {r["command"]: r["user"] + r["system"] for r in data}
def fmt(s): return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"
print(f"| {sys.argv[2]} | {fmt(median['old'])} | {fmt(median['new'])} | {median['new'] / median['old']:.2f} "
      f"| {fmt(cpu['old'])} | {fmt(cpu['new'])} | {cpu['new'] / cpu['old']:.2f} |")
PY
done
