#!/usr/bin/env bash
# Starts a one-node Slurm on this machine (munged, slurmctld, slurmd; as root, no systemd) for
# SlurmTests, as ../shared/slurm-local.md describes it. Idempotent: a running controller is kept.
# Needs the Debian packages slurm-wlm and munge. Prints what it did; exits non-zero if Slurm does
# not answer, and the test then records itself as skipped with the reason.
# Stop it with scripts/stop-slurm.sh (by the process ids saved in /run/sweep-slurm.pids).
set -euo pipefail

if sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mixed|alloc'; then
    echo "slurm: already running"
    exit 0
fi
for tool in munged mungekey slurmctld slurmd sbatch sinfo; do
    command -v "$tool" >/dev/null || { echo "slurm: $tool not installed (apt-get install slurm-wlm munge)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "slurm: must run as root to start the daemons" >&2; exit 1; }

host=$(hostname -s)
pids=/run/sweep-slurm.pids
: > "$pids"

# munge: a key owned by munge, mode 0400, and its run directory.
mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
[ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
chown munge:munge /etc/munge/munge.key /run/munge /var/lib/munge /var/log/munge
chmod 0400 /etc/munge/munge.key
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    su -s /bin/sh munge -c /usr/sbin/munged
    for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
    # Only a munged started here is stopped by stop-slurm.sh.
    pgrep -u munge -x munged >> "$pids" || true
fi

mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=sweep
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
ReturnToService=2
MpiDefault=none
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
NodeName=$host CPUs=$(nproc) RealMemory=8000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -L /var/log/slurm/slurmctld.log
slurmd -L /var/log/slurm/slurmd.log
for _ in $(seq 100); do
    if sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mixed|alloc'; then
        cat /run/slurmctld.pid /run/slurmd.pid >> "$pids" 2>/dev/null || true
        echo "slurm: node $host idle"
        exit 0
    fi
    sleep 0.2
done
echo "slurm: the node did not become idle; see /var/log/slurm/" >&2
sinfo >&2 || true
exit 1
