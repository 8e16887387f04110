#!/usr/bin/env bash
# Benchmarks sweep against the standard tools (sha256sum, rhash, pigz, gzip,
# wc, find) on a generated corpus and prints one markdown table.
# See Benchmarks/README.md.
#
#   Benchmarks/run.sh [--smoke] [--only CASE[,CASE...]]... [--list]
#
# Environment:
#   SWEEP_BIN              use this sweep binary instead of building one
#   SWEEP_BUILD_ARGS       extra `swift build` arguments, e.g. "--scratch-path .build-release"
#   SWEEP_BENCH_NO_INSTALL=1  never call apt-get (missing tools: see README)
#   SWEEP_BENCH_CORPUS     corpus directory (default Benchmarks/corpus/<mode>)
#   SWEEP_BENCH_RESULTS    results directory (default Benchmarks/results/<mode>)
#   SWEEP_BENCH_FORCE_TIMELOOP=1  use timeloop.py instead of hyperfine and /usr/bin/time
#
# Exit status: 0 when every command ran (missed targets are only reported),
# 1 when a command failed, 2 on a usage or setup error.
set -euo pipefail

BENCH_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname -- "$BENCH_DIR")

ALL_CASES=(
  sum-logs sum-logs-rhash sum-small check-logs
  gzip-logs gzip-one gunzip-logs
  lines-logs lines-small lines-big
  walk run-logs
  rss-hundredk rss-big
)

log() { printf 'run.sh: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 2
}

usage() {
  cat <<'EOF'
usage: Benchmarks/run.sh [--smoke] [--only CASE[,CASE...]]... [--list]

  --smoke      tiny corpus, 1 run per command, no warmup (seconds, not minutes)
  --only CASE  run only these cases (repeatable, or comma-separated)
  --list       print the case names and exit

Set SWEEP_BIN=/path/to/sweep to skip `swift build -c release --product sweep`.
EOF
}

MODE=full
ONLY=()
while (($#)); do
  case $1 in
    --smoke) MODE=smoke ;;
    --full) MODE=full ;;
    --only)
      (($# > 1)) || die "--only needs a case name"
      IFS=, read -r -a more <<<"$2"
      ONLY+=("${more[@]}")
      shift
      ;;
    --only=*)
      IFS=, read -r -a more <<<"${1#--only=}"
      ONLY+=("${more[@]}")
      ;;
    --list)
      printf '%s\n' "${ALL_CASES[@]}"
      exit 0
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

CASES=()
if ((${#ONLY[@]})); then
  for c in "${ONLY[@]}"; do
    [[ -n $c ]] || continue
    [[ " ${ALL_CASES[*]} " == *" $c "* ]] || die "unknown case '$c' (see --list)"
    CASES+=("$c")
  done
else
  CASES=("${ALL_CASES[@]}")
fi

if [[ $MODE == full ]]; then
  RUNS=5 WARMUP=1
  ONE_BYTES=$((512 * 1024 * 1024)) # gzip-one: first 512 MiB of big.log
else
  RUNS=1 WARMUP=0
  ONE_BYTES=$((2 * 1024 * 1024))
fi

CORPUS=${SWEEP_BENCH_CORPUS:-$BENCH_DIR/corpus/$MODE}
RESULTS=${SWEEP_BENCH_RESULTS:-$BENCH_DIR/results/$MODE}
mkdir -p -- "$RESULTS"
RESULTS=$(cd -- "$RESULTS" && pwd)
rm -f -- "$RESULTS"/*.json "$RESULTS"/*.log "$RESULTS"/*.time "$RESULTS"/*.err \
  "$RESULTS"/cases.jsonl "$RESULTS"/table.md
STATE=$RESULTS/cases.jsonl
: >"$STATE"

# ---------------------------------------------------------------------------
# 1. the sweep binary
# ---------------------------------------------------------------------------
if [[ -n ${SWEEP_BIN:-} ]]; then
  bin=$SWEEP_BIN
  if [[ $bin != */* ]]; then
    bin=$(command -v -- "$bin") || die "SWEEP_BIN=$SWEEP_BIN is not in PATH"
  fi
  [[ -f $bin && -x $bin ]] || die "SWEEP_BIN=$SWEEP_BIN is not an executable file"
  SWEEP=$(cd -- "$(dirname -- "$bin")" && pwd)/$(basename -- "$bin")
else
  command -v swift >/dev/null 2>&1 || die "swift not found: build sweep and set SWEEP_BIN"
  # shellcheck disable=SC2206 # SWEEP_BUILD_ARGS is split into words on purpose
  build_args=(-c release ${SWEEP_BUILD_ARGS:-})
  log "building sweep: swift build ${build_args[*]} --product sweep"
  (cd -- "$REPO_DIR" && swift build "${build_args[@]}" --product sweep) >&2
  SWEEP="$(cd -- "$REPO_DIR" && swift build "${build_args[@]}" --show-bin-path)/sweep"
  [[ -x $SWEEP ]] || die "the build produced no $SWEEP"
fi
log "sweep: $SWEEP"

# ---------------------------------------------------------------------------
# 2. the corpus
# ---------------------------------------------------------------------------
corpus_args=("$CORPUS")
[[ $MODE == smoke ]] && corpus_args+=(--smoke)
python3 "$BENCH_DIR/make_corpus.py" "${corpus_args[@]}"
CORPUS=$(cd -- "$CORPUS" && pwd)

# ---------------------------------------------------------------------------
# 3. peer tools
# ---------------------------------------------------------------------------
SUDO=()
APT_UPDATED=0
can_install() {
  [[ ${SWEEP_BENCH_NO_INSTALL:-0} != 1 ]] || return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || return 1
    sudo -n true 2>/dev/null || return 1
    SUDO=(sudo -n)
  fi
}

apt_get() {
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@" >>"$RESULTS/apt.log" 2>&1
}

apt_update() {
  ((APT_UPDATED)) && return 0
  APT_UPDATED=1
  log "apt-get update"
  apt_get update || true
}

# apt_install PKG...: best effort; returns 1 if any package could not be installed.
apt_install() {
  can_install || return 1
  log "installing: $*"
  # No package lists yet (fresh image): update first; otherwise only on failure.
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    apt_update
  fi
  apt_get install --no-install-recommends "$@" && return 0
  apt_update
  apt_get install --no-install-recommends "$@" && return 0
  local p rc=0
  for p in "$@"; do
    apt_get install --no-install-recommends "$p" || rc=1
  done
  return "$rc"
}

have() { command -v -- "$1" >/dev/null 2>&1; }

# pkg:command pairs
if [[ $MODE == full ]]; then
  wanted=(pigz:pigz hyperfine:hyperfine rhash:rhash hashdeep:hashdeep b3sum:b3sum time:/usr/bin/time)
else
  wanted=(hyperfine:hyperfine time:/usr/bin/time)
fi
missing=()
for spec in "${wanted[@]}"; do
  have "${spec#*:}" || missing+=("${spec%%:*}")
done
if ((${#missing[@]})); then
  apt_install "${missing[@]}" || log "could not install all of: ${missing[*]} (see $RESULTS/apt.log)"
fi

if [[ $MODE == full ]]; then
  for t in pigz rhash hyperfine; do
    have "$t" || die "$t is required for a full run (apt-get install $t)"
  done
fi
# SWEEP_BENCH_FORCE_TIMELOOP=1 exercises the fallbacks below on a machine that has the tools.
FORCE_TIMELOOP=${SWEEP_BENCH_FORCE_TIMELOOP:-0}
if have hyperfine && [[ $FORCE_TIMELOOP != 1 ]]; then
  BENCH=(hyperfine)
  BENCH_NAME=$(hyperfine --version 2>/dev/null || echo hyperfine)
  BENCH_OPTS=(--style basic)
  if hyperfine --help 2>/dev/null | grep -q -- '--output'; then
    BENCH_OPTS+=(--output=null)
  fi
else
  log "hyperfine unavailable: falling back to a plain timing loop (timeloop.py)"
  BENCH=(python3 "$BENCH_DIR/timeloop.py" bench)
  BENCH_NAME="timeloop.py (hyperfine unavailable)"
  BENCH_OPTS=()
fi
if [[ -x /usr/bin/time && $FORCE_TIMELOOP != 1 ]]; then
  TIMEV=(/usr/bin/time -v -o)
else
  log "/usr/bin/time unavailable: measuring peak RSS with timeloop.py maxrss"
  TIMEV=(python3 "$BENCH_DIR/timeloop.py" maxrss)
fi

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
cd -- "$CORPUS"

# Shell-quote words into one command line (for hyperfine, both with -N and sh).
q() {
  local out='' a
  for a in "$@"; do
    out+="${out:+ }$(printf '%q' "$a")"
  done
  printf '%s' "$out"
}

tree_bytes() { find "$@" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d\n", s }'; }
tree_files() { find "$@" -type f -printf '.' | wc -c; }
gz_bytes() { find "$@" -type f -name '*.gz' -printf '%s\n' | awk '{ s += $1 } END { printf "%d\n", s }'; }

declare -A SUB_OK=()
# sweep_has SUB: is SUB a subcommand of this sweep?  swift-argument-parser prints
# the root help (exit 0) for an unknown name, so look for SUB's own usage line.
sweep_has() {
  local sub=$1 out
  if [[ -z ${SUB_OK[$sub]:-} ]]; then
    SUB_OK[$sub]=no
    for form in "help $sub" "$sub --help"; do
      # shellcheck disable=SC2086 # $form is split on purpose
      if out=$("$SWEEP" $form 2>&1 </dev/null) && help_is_for "$sub" "$out"; then
        SUB_OK[$sub]=yes
        break
      fi
    done
  fi
  [[ ${SUB_OK[$sub]} == yes ]]
}
help_is_for() {
  local sub=$1 text=$2
  if grep -Eiq '^[[:space:]]*usage:' <<<"$text"; then
    grep -Eiq "^[[:space:]]*usage:[[:space:]]*([^[:space:]]*/)?sweep ${sub}([[:space:]]|\$)" <<<"$text"
  else
    grep -Eq "(^|[[:space:]/])sweep ${sub}([[:space:]]|\$)" <<<"$text"
  fi
}

# work/ holds copies and derived files; it is tied to the corpus generation.
WORK=work
ensure_work() {
  local stamp=.complete-$MODE
  if [[ -d $WORK ]] && ! cmp -s "$stamp" "$WORK/.corpus-stamp"; then
    log "corpus changed: clearing $CORPUS/$WORK"
    rm -rf -- "$WORK"
  fi
  mkdir -p -- "$WORK" && cp -- "$stamp" "$WORK/.corpus-stamp"
}

setup_manifest() { # work/logs.sha256 for `check`
  [[ -s $WORK/logs.sha256 ]] && return 0
  log "setup: sha256sum manifest of logs/"
  find logs -type f -print0 | sort -z | xargs -0 sha256sum >"$WORK/logs.sha256.tmp" &&
    mv -- "$WORK/logs.sha256.tmp" "$WORK/logs.sha256"
}

setup_logs_copy() { # work/logs-k: a copy of logs/ that gzip -k writes .gz files into
  if [[ ! -e $WORK/.done-logs-k ]]; then
    log "setup: copying logs/ to $WORK/logs-k"
    rm -rf -- "$WORK/logs-k" && cp -a logs "$WORK/logs-k" && touch "$WORK/.done-logs-k" || return 1
  fi
  find "$WORK/logs-k" -type f -name '*.gz' -delete
}

setup_gz_master() { # work/logs-gz: logs/ compressed by gzip -6 (reference size, gunzip input)
  [[ -e $WORK/.done-logs-gz ]] && return 0
  log "setup: gzip -6 copy of logs/ in $WORK/logs-gz"
  rm -rf -- "$WORK/logs-gz" && cp -a logs "$WORK/logs-gz" &&
    find "$WORK/logs-gz" -type f ! -name '*.gz' -print0 | xargs -0 -r -P2 -n 4 gzip -6 &&
    touch "$WORK/.done-logs-gz"
}

setup_one() { # work/one.log: the first ONE_BYTES of big.log
  if [[ ! -e $WORK/.done-one ]]; then
    log "setup: $WORK/one.log = first $((ONE_BYTES / 1048576)) MiB of big.log"
    head -c "$ONE_BYTES" big.log >"$WORK/one.log" && touch "$WORK/.done-one" || return 1
  fi
  rm -f -- "$WORK/one.log.gz"
}

# ---------------------------------------------------------------------------
# the cases
# ---------------------------------------------------------------------------
# describe_case ID sets:
#   C_TITLE C_KIND(bench|rss) C_SUB C_SWEEP(argv after the binary) C_SHELL(none|sh)
#   C_PEER_NAME C_PEER(command line) C_PEER_TOOL C_PREPARE C_TARGET_OP C_TARGET
#   C_TARGET_TEXT C_INPUT(paths; bytes of input) C_PER_FILE C_SETUP(functions) C_GZ_DIR
describe_case() {
  C_TITLE='' C_KIND=bench C_SUB=sum C_SHELL=none C_PEER_NAME='' C_PEER='' C_PEER_TOOL=''
  C_PREPARE='' C_TARGET_OP='>=' C_TARGET='' C_TARGET_TEXT='' C_PER_FILE=0 C_GZ_DIR=''
  C_SWEEP=() C_INPUT=() C_SETUP=()
  local del_gz="find $WORK/logs-k -type f -name '*.gz' -delete"
  case $1 in
    sum-logs)
      C_TITLE="sum sha256 logs" C_SWEEP=(sum logs) C_INPUT=(logs) C_SHELL=sh
      C_PEER_NAME="xargs -P2 sha256sum" C_PEER_TOOL=sha256sum
      C_PEER="find logs -type f -print0 | xargs -0 -P2 -n 500 sha256sum" C_TARGET=8
      ;;
    sum-logs-rhash)
      C_TITLE="sum sha256 logs vs rhash" C_SWEEP=(sum logs) C_INPUT=(logs)
      C_PEER_NAME="rhash --sha256 -r" C_PEER_TOOL=rhash C_PEER="rhash --sha256 -r logs"
      C_TARGET=1.8
      ;;
    sum-small)
      C_TITLE="sum sha256 small" C_SWEEP=(sum small) C_INPUT=(small)
      C_PEER_NAME="rhash --sha256 -r" C_PEER_TOOL=rhash C_PEER="rhash --sha256 -r small"
      C_TARGET=2
      ;;
    check-logs)
      C_TITLE="check logs manifest" C_SUB=check C_SWEEP=(check "$WORK/logs.sha256") C_INPUT=(logs)
      C_PEER_NAME="sha256sum -c" C_PEER_TOOL=sha256sum C_PEER="sha256sum -c $WORK/logs.sha256"
      C_TARGET=10 C_SETUP=(setup_manifest)
      ;;
    gzip-logs)
      C_TITLE="gzip -6 logs in place -k" C_SUB=gzip C_SWEEP=(gzip -6 -k "$WORK/logs-k")
      C_INPUT=("$WORK/logs-k") C_PREPARE=$del_gz
      C_PEER_NAME="pigz -6 -p2 -k -r" C_PEER_TOOL=pigz C_PEER="pigz -6 -p2 -k -r $WORK/logs-k"
      C_TARGET=1.2 C_SETUP=(setup_logs_copy setup_gz_master) C_GZ_DIR=$WORK/logs-k
      ;;
    gzip-one)
      C_TITLE="gzip -6 one $((ONE_BYTES / 1048576)) MiB log" C_SUB=gzip
      C_SWEEP=(gzip -6 -k "$WORK/one.log") C_INPUT=("$WORK/one.log")
      C_PREPARE="rm -f $WORK/one.log.gz"
      C_PEER_NAME="pigz -6 -p2 -c" C_PEER_TOOL=pigz C_PEER="pigz -6 -p2 -c $WORK/one.log"
      C_TARGET=1.0 C_SETUP=(setup_one)
      ;;
    gunzip-logs)
      C_TITLE="gzip -d logs tree" C_SUB=gzip C_SWEEP=(gzip -d "$WORK/gunzip")
      C_INPUT=("$WORK/logs-gz")
      C_PREPARE="sh -c 'rm -rf $WORK/gunzip && cp -a $WORK/logs-gz $WORK/gunzip'"
      C_PEER_NAME="gzip -d -r" C_PEER_TOOL=gzip C_PEER="gzip -d -r $WORK/gunzip"
      C_TARGET=3 C_SETUP=(setup_gz_master)
      ;;
    lines-logs)
      C_TITLE="lines logs" C_SUB=lines C_SWEEP=(lines logs) C_INPUT=(logs) C_SHELL=sh
      C_PEER_NAME="xargs -P2 wc -l" C_PEER_TOOL=wc
      C_PEER="find logs -type f -print0 | xargs -0 -P2 -n 200 wc -l" C_TARGET=1.0
      ;;
    lines-small)
      C_TITLE="lines small" C_SUB=lines C_SWEEP=(lines small) C_INPUT=(small) C_SHELL=sh
      C_PEER_NAME="xargs -P2 wc -l" C_PEER_TOOL=wc
      C_PEER="find small -type f -print0 | xargs -0 -P2 -n 200 wc -l" C_TARGET=3
      ;;
    lines-big)
      C_TITLE="lines big" C_SUB=lines C_SWEEP=(lines big.log) C_INPUT=(big.log)
      C_PEER_NAME="wc -l" C_PEER_TOOL=wc C_PEER="wc -l big.log" C_TARGET=0.9
      ;;
    walk)
      C_TITLE="walk $(tree_files empty) empty files" C_SWEEP=(list empty) C_INPUT=(empty)
      C_PER_FILE=1 C_PEER_NAME="find -type f" C_PEER_TOOL=find C_PEER="find empty -type f"
      C_TARGET=0.6667 C_TARGET_TEXT=">= 0.667 (sweep <= 1.5x find)"
      ;;
    run-logs)
      C_TITLE="run sha256+lines+gzip logs" C_SUB=run
      C_SWEEP=(run -s sha256 -s lines -s gzip "$WORK/logs-k") C_INPUT=("$WORK/logs-k")
      C_SHELL=sh C_PREPARE=$del_gz C_SETUP=(setup_logs_copy)
      C_PEER_NAME="sha256sum + wc -l + pigz -p2" C_PEER_TOOL=pigz
      C_PEER="find $WORK/logs-k -type f -print0 | xargs -0 sha256sum >/dev/null; find $WORK/logs-k -type f -print0 | xargs -0 wc -l >/dev/null; pigz -p2 -k -r $WORK/logs-k"
      C_TARGET=1.5
      ;;
    rss-hundredk)
      local tree=hundredk
      [[ -d $tree ]] || tree=empty # smoke corpus: no hundredk/
      C_TITLE="peak RSS: sum -j 2 over $(tree_files "$tree") empty files" C_KIND=rss
      C_SWEEP=(sum -j 2 "$tree") C_TARGET_OP='<=' C_TARGET=32 C_TARGET_TEXT="<= 32 MiB"
      ;;
    rss-big)
      C_TITLE="peak RSS: sum -j 2 big.log ($(tree_bytes big.log | awk '{ printf "%.0f", $1 / 1048576 }') MiB)"
      C_KIND=rss
      C_SWEEP=(sum -j 2 big.log) C_TARGET_OP='<=' C_TARGET=32 C_TARGET_TEXT="<= 32 MiB"
      ;;
    *) die "internal: no case $1" ;;
  esac
  [[ -n $C_TARGET_TEXT ]] || C_TARGET_TEXT="$C_TARGET_OP $C_TARGET"
}

FAILED=0
record() { python3 "$BENCH_DIR/report.py" record --state "$STATE" "$@"; }

fail_case() { # fail_case ID NOTE [record args...]
  local id=$1 note=$2
  shift 2
  FAILED=$((FAILED + 1))
  log "[$id] FAILED: $note"
  record --id "$id" --title "$C_TITLE" --kind "$C_KIND" --status error --note "$note" \
    --peer "$C_PEER_NAME" --target-op "$C_TARGET_OP" --target "$C_TARGET" \
    --target-text "$C_TARGET_TEXT" "$@"
}

one_line() { tr '\n\t' '  ' <"$1" | sed 's/  */ /g; s/^ //' | tail -c "${2:-300}"; }

run_case() {
  local id=$1
  describe_case "$id"
  if ! sweep_has "$C_SUB"; then
    echo "skipped: sweep $C_SUB not available"
    record --id "$id" --title "$C_TITLE" --kind "$C_KIND" --status skipped \
      --note "skipped: sweep $C_SUB not available" --peer "$C_PEER_NAME" \
      --target-op "$C_TARGET_OP" --target "$C_TARGET" --target-text "$C_TARGET_TEXT"
    return 0
  fi
  log "[$id] $C_TITLE"
  local f
  for f in "${C_SETUP[@]}"; do
    if ! "$f"; then
      fail_case "$id" "setup step $f failed"
      return 0
    fi
  done

  local tfile=$RESULTS/$id.time errf=$RESULTS/$id.err json=$RESULTS/$id.json blog=$RESULTS/$id.log
  local sweep_cmd
  sweep_cmd=$(q "$SWEEP" "${C_SWEEP[@]}")

  # (a) one run of sweep under /usr/bin/time -v: peak RSS, and an early failure check.
  if [[ -n $C_PREPARE ]] && ! sh -c "$C_PREPARE" >/dev/null 2>"$errf"; then
    fail_case "$id" "prepare failed: $(one_line "$errf")"
    return 0
  fi
  local input_bytes=0 input_files=0 # measured now: the tree is as each timed run sees it
  if ((${#C_INPUT[@]})); then
    input_bytes=$(tree_bytes "${C_INPUT[@]}")
    input_files=$(tree_files "${C_INPUT[@]}")
  fi
  local rc=0
  "${TIMEV[@]}" "$tfile" "$SWEEP" "${C_SWEEP[@]}" </dev/null >/dev/null 2>"$errf" || rc=$?
  if ((rc != 0)); then
    fail_case "$id" "sweep ${C_SWEEP[*]} exited $rc: $(one_line "$errf")" --rss-file "$tfile"
    return 0
  fi

  local extra=()
  if [[ -n $C_GZ_DIR ]]; then
    extra+=(--gz-size "$(gz_bytes "$C_GZ_DIR")" --gz-ref-size "$(gz_bytes "$WORK/logs-gz")")
  fi
  if [[ $C_KIND == rss ]]; then
    record --id "$id" --title "$C_TITLE" --kind rss --rss-file "$tfile" \
      --target-op "$C_TARGET_OP" --target "$C_TARGET" --target-text "$C_TARGET_TEXT"
    return 0
  fi

  # (b) sweep and its peer back to back in one hyperfine call.
  local args=(--runs "$RUNS" --warmup "$WARMUP" --export-json "$json" "${BENCH_OPTS[@]}")
  [[ $C_SHELL == none ]] && args+=(-N)
  [[ -n $C_PREPARE ]] && args+=(--prepare "$C_PREPARE")
  args+=(--command-name sweep "$sweep_cmd")
  local peer_missing=()
  if [[ -n $C_PEER ]]; then
    if have "$C_PEER_TOOL"; then
      args+=(--command-name "$C_PEER_NAME" "$C_PEER")
    else
      peer_missing=(--peer-missing)
      log "[$id] $C_PEER_TOOL not installed: timing sweep alone"
    fi
  fi
  if ! "${BENCH[@]}" "${args[@]}" </dev/null >"$blog" 2>&1; then
    fail_case "$id" "benchmark failed: $(one_line "$blog")" --rss-file "$tfile"
    return 0
  fi

  local per_file=()
  ((C_PER_FILE)) && per_file=(--per-file)
  record --id "$id" --title "$C_TITLE" --json "$json" --rss-file "$tfile" \
    --peer "$C_PEER_NAME" "${peer_missing[@]}" --target-op "$C_TARGET_OP" --target "$C_TARGET" \
    --target-text "$C_TARGET_TEXT" --input-bytes "$input_bytes" --input-files "$input_files" \
    "${per_file[@]}" "${extra[@]}"
}

ensure_work
for c in "${CASES[@]}"; do
  run_case "$c"
done

# ---------------------------------------------------------------------------
# 4. the table
# ---------------------------------------------------------------------------
header="sweep benchmarks: $MODE corpus, $RUNS run(s) + $WARMUP warmup per command ($BENCH_NAME), $(nproc) CPUs"
report_rc=0
python3 "$BENCH_DIR/report.py" table --state "$STATE" --out "$RESULTS/table.md" \
  --header "$header" || report_rc=$?
log "results: $RESULTS (table.md, <case>.json, <case>.time)"
if ((FAILED || report_rc)); then
  log "$FAILED case(s) failed"
  exit 1
fi
