#!/usr/bin/env bash
# Runs a small hfsim sweep through a real single-node Slurm (slurm-wlm + munge, started here in a
# temporary directory) and checks that `hfsim sweep --merge` of the Slurm runs gives exactly the
# sweep.csv of the same sweep run locally. Needs root (munged, slurmd). Where Slurm cannot start
# (no packages, no root, a container that forbids it) it says so loudly and exits 77 (ctest shows
# the test as Skipped, not Passed);
# a sweep that runs and disagrees fails (exit 1).
# Usage: scripts/test-slurm.sh [HFSIM_BINARY]
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
hfsim="$(realpath "${1:-$root/build/hfsim}")"
skip() { echo "hfsim slurm test: SKIPPED: $*" >&2; echo "!!!!! Slurm test SKIPPED: $* !!!!!" >&2; exit 77; }
for cmd in munged slurmctld slurmd sbatch scontrol sinfo; do
    command -v "$cmd" >/dev/null || skip "$cmd not installed (apt-get install slurm-wlm munge)"
done
[ "$(id -u)" -eq 0 ] || skip "not root: cannot start munged and slurmd"
[ -x "$hfsim" ] || { echo "hfsim slurm test: no binary at $hfsim" >&2; exit 1; }

work="$(mktemp -d /tmp/hfsim-slurm-XXXXXX)"
host="$(hostname -s)"
cpus="$(nproc)"
export SLURM_CONF="$work/slurm.conf"
mkdir -p "$work/state" "$work/spool" "$work/munge"
cat > "$SLURM_CONF" <<CONF
ClusterName=hfsimtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
cleanup() {
    local status=$?
    set +e
    scontrol shutdown >/dev/null 2>&1
    sleep 1
    [ -f "$work/munged.pid" ] && kill "$(cat "$work/munged.pid")" 2>/dev/null
    pkill -f "slurmd -f $SLURM_CONF" 2>/dev/null
    pkill -f "slurmctld -f $SLURM_CONF" 2>/dev/null
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT

# munge: the package's key, our own socket.
socket="$work/munge/munge.socket"
munged --force --socket="$socket" --pid-file="$work/munged.pid" --log-file="$work/munged.log" \
    --seed-file="$work/munge/seed" >/dev/null 2>&1 || skip "munged did not start: $(tail -3 "$work/munged.log" 2>/dev/null)"
# Slurm's munge plugin talks to the default socket path unless told; point it at ours.
sed -i "s|^AuthType=auth/munge|AuthType=auth/munge\nAuthInfo=socket=$socket|" "$SLURM_CONF"
sed -i "s|^CredType=cred/munge|CredType=cred/munge|" "$SLURM_CONF"
slurmctld -f "$SLURM_CONF" >/dev/null 2>&1 || skip "slurmctld did not start: $(tail -3 "$work/slurmctld.log")"
slurmd -f "$SLURM_CONF" >/dev/null 2>&1 || skip "slurmd did not start: $(tail -3 "$work/slurmd.log")"
for _ in $(seq 1 30); do
    sinfo -h -o %T 2>/dev/null | grep -qE "idle|mixed|allocated" && break
    sleep 1
done
sinfo -h -o %T 2>/dev/null | grep -qE "idle|mixed|allocated" ||
    skip "the Slurm node never became idle: $(sinfo 2>&1 | tail -2); $(tail -3 "$work/slurmd.log")"

set -e
grid=(--set seed=1..4:1 --set duration_s=200 --set workload.bursts.0.start_s=60
      --set workload.bursts.0.duration_s=100 --policies hpa,hyperfaas)
cd "$work"
"$hfsim" sweep "${grid[@]}" --emit slurm --out "$work/cluster" -q
sbatch --wait "$work/cluster/sweep.sbatch" > "$work/sbatch.out"
"$hfsim" sweep --merge "$work/cluster" -q --no-plots
"$hfsim" sweep "${grid[@]}" --out "$work/local" -q --no-plots
if cmp -s "$work/cluster/sweep.csv" "$work/local/sweep.csv"; then
    echo "hfsim slurm test: ok: $(($(wc -l < "$work/cluster/sweep.csv") - 1)) runs through sbatch ($(cat "$work/sbatch.out")), merged sweep.csv equals the local one"
else
    echo "hfsim slurm test: FAILED: the merged sweep.csv differs from the local one" >&2
    diff "$work/cluster/sweep.csv" "$work/local/sweep.csv" >&2 || true
    exit 1
fi
