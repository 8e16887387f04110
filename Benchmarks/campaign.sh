#!/usr/bin/env bash
# Fault campaign for sweep's crash safety (issue 11).
#
# Runs sweep gzip, gunzip and check over a mixed tree (small files, files over 1 MiB, names that
# are not UTF-8) while faults strike: kill -9 at a random moment, a full tmpfs, libfiu injecting
# I/O errors into every POSIX call (fiu-run -x, name=posix/io/*, probability 0.02), and concurrent
# appenders and renamers. After every run the invariant is checked with coreutils and gzip as the
# oracles (Benchmarks/campaign.py verify):
#   - every original file is either present byte-identical, or gone with its .gz decoding
#     (gzip -dc) to exactly the original; a .gz under its final name always decodes completely;
#   - a file appended to during the run has every appended byte in the file or its .gz; a file
#     renamed into place during the run is never lost;
#   - nothing else appeared (sweep's temporaries are tolerated only after kill -9 or injected
#     faults, and counted);
#   - check never says OK for a wrong file, and never exits 0 while a listed file is wrong.
# The originals' digests come from a manifest sha256sum writes before anything runs.
#
# Usage: Benchmarks/campaign.sh [--runs N] [--long] [--seed S] [--keep]
#   --runs N   number of sweep runs (default 60: about two minutes)
#   --long     at least 10 000 runs across gzip, gunzip and check
#   --seed S   reproduce a campaign (default: from the clock; printed first)
#   --keep     keep the work directory (kept anyway when a violation is found)
# SWEEP=path selects the binary (default .build/release/sweep if present, else .build/debug/sweep).
# Prints `campaign: N runs, V violations` last; exits 1 on any violation, 2 when it cannot run.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=60
long=0
seed=${SEED:-$(( $(date +%s) % 1000000 ))}
keep=0
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --long) long=1; shift ;;
        --seed) seed=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "campaign: unknown argument: $1" >&2; exit 64 ;;
    esac
done
if [ "$long" = 1 ] && [ "$runs" -lt 10000 ]; then runs=10000; fi

if [ -z "${SWEEP:-}" ]; then
    if [ -x "$root/.build/release/sweep" ]; then SWEEP=$root/.build/release/sweep; else SWEEP=$root/.build/debug/sweep; fi
fi
SWEEP=$(cd "$(dirname "$SWEEP")" 2>/dev/null && pwd)/$(basename "$SWEEP")
[ -x "$SWEEP" ] || { echo "campaign: no sweep binary at $SWEEP (build it, or set SWEEP=path)" >&2; exit 2; }
for tool in python3 sha256sum gzip find sort xargs; do
    command -v "$tool" >/dev/null || { echo "campaign: $tool is needed" >&2; exit 2; }
done
# The interpreter itself, not a version manager's shim: pyenv's costs a bash start-up per call,
# and the campaign calls python several times a run.
python=$(python3 -c 'import sys; print(sys.executable)')
py() { "$python" "$here/campaign.py" "$@"; }

work=$(mktemp -d /tmp/sweep-campaign-XXXXXX)
mounted=""
violations=0
cleanup() {
    [ -n "$mounted" ] && umount "$mounted" 2>/dev/null
    if [ "$keep" = 0 ] && [ "$violations" = 0 ]; then rm -rf "$work"; else echo "campaign: work directory kept: $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "campaign: seed $seed, $runs runs, sweep $SWEEP, work $work"
RANDOM=$seed

# The pristine tree, its manifests (by coreutils, before sweep ever runs) and the gzip-made
# starting state for gunzip.
py make-tree "$work/pristine" "$seed"
(cd "$work/pristine" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum -z) > "$work/manifest.z"
(cd "$work/pristine" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) > "$work/SHA256SUMS"
cp -a "$work/pristine" "$work/packed"
(cd "$work/packed" && gzip -r -q -n .)

# Scenarios available here.
scenarios=(gzip-kill gunzip-kill check-kill gzip-mutate check-corrupt gzip-kill gunzip-kill)
if command -v fiu-run >/dev/null; then
    scenarios+=(gzip-fiu gunzip-fiu check-fiu)
else
    echo "campaign: fiu-run not installed (apt-get install fiu-utils): no injected I/O errors this time"
fi
mkdir -p "$work/tmpfs"
if mount -t tmpfs -o size=8m tmpfs "$work/tmpfs" 2>"$work/mount.err"; then
    mounted=$work/tmpfs
    scenarios+=(gzip-enospc gunzip-enospc)
else
    echo "campaign: cannot mount a tmpfs here ($(tr '\n' ' ' < "$work/mount.err")): no full-disk runs this time"
fi

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# `sleep` for a random time up to $1 milliseconds.
random_sleep() { local ms=$(( RANDOM % ($1 + 1) )); sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"; }

# Calibration: how long a clean run takes, so that kills land during the run.
cp -a "$work/pristine" "$work/calibrate"
start=$(now_ms); "$SWEEP" gzip --no-progress "$work/calibrate" >/dev/null 2>&1
gzip_ms=$(( $(now_ms) - start + 20 ))
start=$(now_ms); "$SWEEP" gunzip --no-progress "$work/calibrate" >/dev/null 2>&1
gunzip_ms=$(( $(now_ms) - start + 20 ))
start=$(now_ms); (cd "$work/pristine" && "$SWEEP" check "$work/SHA256SUMS" >/dev/null 2>&1)
check_ms=$(( $(now_ms) - start + 20 ))
rm -rf "$work/calibrate"
echo "campaign: a clean run takes about gzip ${gzip_ms} ms, gunzip ${gunzip_ms} ms, check ${check_ms} ms"

count=0
temporaries=0
pairs=0
abnormal=0
declare -A per_runs per_violations

# verify TREE LABEL [verify options...]: counts and prints violations, keeps evidence.
verify() {
    local tree=$1 label=$2
    shift 2
    local report
    report=$(py verify "$tree" "$work/manifest.z" --pristine "$work/pristine" "$@")
    local found
    found=$(grep -c '^VIOLATION' <<<"$report")
    temporaries=$(( temporaries + $(sed -n 's/^TEMPORARIES //p' <<<"$report") ))
    pairs=$(( pairs + $(sed -n 's/^PAIRS //p' <<<"$report") ))
    if [ "$found" -gt 0 ]; then
        violations=$(( violations + found ))
        per_violations[$scenario]=$(( ${per_violations[$scenario]:-0} + found ))
        sed -n "s|^VIOLATION |campaign: VIOLATION run $count ($label, -j $jobs): |p" <<<"$report"
        sed 's/^/    stderr: /' "$work/err" | head -5
        mkdir -p "$work/evidence"
        cp -a "$tree" "$work/evidence/run-$count" 2>/dev/null
    fi
}

# run_sweep KILL_MS [FIU] ARGS...: runs sweep (output in $work/out, $work/err), killed with
# SIGKILL after a random time up to KILL_MS (0: never), under fiu-run if FIU=fiu. Sets $status.
run_sweep() {
    local kill_ms=$1 fiu=$2
    shift 2
    count=$(( count + 1 ))
    per_runs[$scenario]=$(( ${per_runs[$scenario]:-0} + 1 ))
    local command=("$SWEEP" "$@")
    if [ "$fiu" = fiu ]; then
        # fiu-run execs the command, so $! is sweep itself. Swift's crash handler would start
        # swift-backtrace under the same preload, whose failing I/O can hang it: not under fiu.
        command=(env SWIFT_BACKTRACE=enable=no fiu-run -x -c 'enable_random name=posix/io/*,probability=0.02' "${command[@]}")
    fi
    "${command[@]}" >"$work/out" 2>"$work/err" &
    local pid=$!
    local hung=0
    if [ "$kill_ms" -gt 0 ]; then
        random_sleep "$kill_ms"
        kill -9 "$pid" 2>/dev/null
    else
        # Bounded: a run that hangs is killed after two minutes and reported.
        local ticks=0
        while kill -0 "$pid" 2>/dev/null && [ "$ticks" -lt 2400 ]; do sleep 0.05; ticks=$(( ticks + 1 )); done
        if kill -0 "$pid" 2>/dev/null; then hung=1; kill -9 "$pid" 2>/dev/null; fi
    fi
    wait "$pid" 2>/dev/null
    status=$?
    # A hang, or a signal we did not send (a crash), is worth knowing about. Under libfiu, a
    # SIGILL has so far always been libdispatch's, not sweep's: core dumps (gdb, `bt`) show
    # _dispatch_workq_monitor_pools aborting ("workq: registered worker exited prematurely")
    # because the injected fault failed its open of /proc/TID/stat. A crash leaves what a
    # kill -9 leaves, so the invariant checked after it still holds.
    if [ "$hung" = 1 ]; then
        abnormal=$(( abnormal + 1 ))
        echo "campaign: run $count ($scenario): sweep still running after 120 s, killed"
    elif [ "$status" -gt 128 ] && { [ "$kill_ms" -eq 0 ] || [ "$status" -ne 137 ]; }; then
        abnormal=$(( abnormal + 1 ))
        echo "campaign: run $count ($scenario): sweep ended by signal $((status - 128)): $(head -c 300 "$work/err" | tr '\n' ' ')"
    fi
}

started=$(now_ms)
next_report=500
while [ "$count" -lt "$runs" ]; do
    # A long campaign says where it is every 500 runs.
    if [ "$count" -ge "$next_report" ]; then
        next_report=$(( next_report + 500 ))
        echo "campaign: $count of $runs runs, $violations violations, $(( ($(now_ms) - started) / 1000 )) s"
    fi
    scenario=${scenarios[$(( RANDOM % ${#scenarios[@]} ))]}
    jobs=$(( 1 << (RANDOM % 3) ))
    tree=$work/tree
    rm -rf "$tree"
    case $scenario in
        gzip-kill|gunzip-kill)
            verb=${scenario%-kill}
            if [ "$verb" = gzip ]; then cp -a "$work/pristine" "$tree"; budget=$gzip_ms; else cp -a "$work/packed" "$tree"; budget=$gunzip_ms; fi
            run_sweep $(( budget * 12 / 10 )) - "$verb" --no-progress -j "$jobs" "$tree"
            verify "$tree" "$scenario" --allow-temporaries
            # The next run, after the crash, must not make things worse.
            run_sweep 0 - "$verb" --no-progress -j "$jobs" "$tree"
            verify "$tree" "$scenario, the run after" --allow-temporaries
            ;;
        gzip-fiu|gunzip-fiu)
            verb=${scenario%-fiu}
            if [ "$verb" = gzip ]; then cp -a "$work/pristine" "$tree"; else cp -a "$work/packed" "$tree"; fi
            run_sweep 0 fiu "$verb" --no-progress -j "$jobs" "$tree"
            verify "$tree" "$scenario" --allow-temporaries
            ;;
        gzip-enospc|gunzip-enospc)
            verb=${scenario%-enospc}
            rm -rf "${mounted:?}"/*
            tree=$mounted/tree
            if [ "$verb" = gzip ]; then cp -a "$work/pristine" "$tree"; else cp -a "$work/packed" "$tree"; fi
            free_kb=$(df -k --output=avail "$mounted" | tail -1)
            leave_kb=$(( RANDOM % 2500 ))
            [ "$free_kb" -gt "$leave_kb" ] && head -c $(( (free_kb - leave_kb) * 1024 )) /dev/zero > "$mounted/filler" 2>/dev/null
            run_sweep 0 - "$verb" --no-progress -j "$jobs" "$tree"
            verify "$tree" "$scenario (${leave_kb} KB free)"
            rm -rf "${mounted:?}"/*
            ;;
        gzip-mutate)
            cp -a "$work/pristine" "$tree"
            rm -f "$work/journal" "$work/stop"
            "$python" "$here/campaign.py" mutate "$tree" "$work/journal" "$RANDOM" "$(( gzip_ms * 2 / 1000 + 1 ))" "$work/stop" &
            mutator=$!
            random_sleep $(( gzip_ms / 3 ))
            run_sweep 0 - gzip --no-progress -j "$jobs" "$tree"
            touch "$work/stop"
            wait "$mutator"
            verify "$tree" "$scenario" --journal "$work/journal"
            ;;
        check-kill|check-corrupt|check-fiu)
            cp -a "$work/pristine" "$tree"
            py corrupt "$tree" "$work/manifest.z" "$RANDOM" > "$work/corrupted"
            # The manifest's names are ./NAME, relative to the tree.
            cd "$tree" || exit 2
            case $scenario in
                check-kill) run_sweep $(( check_ms * 12 / 10 )) - check -j "$jobs" "$work/SHA256SUMS" ;;
                check-fiu) run_sweep 0 fiu check -j "$jobs" "$work/SHA256SUMS" ;;
                check-corrupt) run_sweep 0 - check -j "$jobs" "$work/SHA256SUMS" ;;
            esac
            cd "$work" || exit 2
            [ "$scenario" = check-kill ] && status=killed
            # Every file must be as corrupt left it; no OK for a wrong one; no exit 0 with one.
            verify "$tree" "$scenario" --check-stdout "$work/out" --check-status "$status" --corrupted "$work/corrupted"
            ;;
    esac
done

for name in "${!per_runs[@]}"; do
    echo "campaign:   $name: ${per_runs[$name]} runs, ${per_violations[$name]:-0} violations"
done | sort
echo "campaign: sweep temporaries left after kill -9 or injected faults: $temporaries; crashes or hangs (not counted as violations): $abnormal"
echo "campaign: originals found beside a complete .gz (allowed: the next run checks the pair and removes the original): $pairs"
echo "campaign: $count runs, $violations violations"
[ "$violations" -eq 0 ]
