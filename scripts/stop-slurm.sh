#!/usr/bin/env bash
# Stops what scripts/start-slurm.sh started, by the process ids it saved.
set -u
pids=/run/sweep-slurm.pids
[ -f "$pids" ] || exit 0
while read -r pid; do [ -n "$pid" ] && kill "$pid" 2>/dev/null; done < "$pids"
rm -f "$pids"
