#!/usr/bin/env bash
# A sweep through a one-node Slurm cluster started by this test (slurm-wlm and munge from Debian, on private ports),
# submitted with cli/slurm/submit.sh as a job array of 3 shards plus a merge job, must give the same runs as the
# same sweep run locally. If the daemons cannot start, the test fails with their logs. It stops exactly what it
# started, by pid. usage: tests/slurm.sh MRSIM SOURCE_DIR WORK_DIR
set -uo pipefail
mrsim=$1
source_dir=$2
work=$(realpath -m "$3")
rm -rf "$work"
mkdir -p "$work"/{state,spool,log}
pids=()
cleanup() {
  for f in "$work/slurmd.pid" "$work/slurmctld.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
  done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  sleep 1
}
trap cleanup EXIT
die() {
  echo "FAIL: $*"
  for log in "$work"/log/*.log "$work"/munged.log; do [ -f "$log" ] && { echo "--- $log"; tail -20 "$log"; }; done
  exit 1
}
for tool in slurmctld slurmd sbatch squeue munged; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || die "$tool is not installed (setup.sh --all installs slurm-wlm and munge)"
done

# munge: its own key and socket under the work directory, so nothing of the machine's is touched.
key=$work/munge.key
dd if=/dev/urandom of="$key" bs=1024 count=1 2>/dev/null
chmod 400 "$key"
socket=$work/munge.socket
munge_user=root
/usr/sbin/munged --key-file="$key" --socket="$socket" --pid-file="$work/munged.pid" --log-file="$work/munged.log" \
  --seed-file="$work/munged.seed" --force 2>>"$work/munged.log" || die "munged did not start"
pids+=("$(cat "$work/munged.pid" 2>/dev/null)")

host=$(hostname -s)
cpus=$(nproc)
mem=$(($(free -m | awk '/Mem:/{print $2}') - 1024))
conf=$work/slurm.conf
cat >"$conf" <<CONF
ClusterName=mrsimtest
SlurmctldHost=$host
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/ctld.log
SlurmdLogFile=$work/log/d.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$conf
slurmctld -f "$conf" || die "slurmctld did not start"
slurmd -f "$conf" || die "slurmd did not start"
for _ in $(seq 1 60); do
  sinfo -h -o %t 2>/dev/null | grep -qE "idle|mix" && break
  sleep 1
done
sinfo -h -o %t 2>/dev/null | grep -qE "idle|mix" || die "the node did not come up: $(sinfo 2>&1)"
echo "ok: a one-node Slurm cluster is up ($(sinfo -h -o '%P %t %c CPUs'))"

scenario=$source_dir/scenarios/active-passive-dns.json
args=(--set duration=10m --set faults.0.at=2m --set faults.0.duration=3m --grid routing.ttl=30s,60s --seeds 1..3 --jobs 1)
MRSIM=$mrsim bash "$source_dir/cli/slurm/submit.sh" 3 "$work/cluster" "$scenario" "${args[@]}" >"$work/submit.out" 2>&1 ||
  die "submit.sh failed: $(cat "$work/submit.out")"
echo "ok: submitted: $(cat "$work/submit.out")"
for _ in $(seq 1 300); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  sleep 1
done
[ -z "$(squeue -h 2>/dev/null)" ] || die "jobs still queued after 5 minutes: $(squeue 2>&1)"
[ -f "$work/cluster/merged/runs.csv" ] || die "the merge job wrote nothing: $(cat "$work"/cluster/*.out 2>/dev/null | tail -20)"
echo "ok: the array and the merge job ran"

"$mrsim" sweep "$scenario" "${args[@]}" --out "$work/local" >/dev/null 2>&1 || die "the local sweep failed"
rows() { /usr/bin/python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
drop = [i for i, name in enumerate(rows[0]) if name == "wall_s"]
for r in rows: print(",".join(c for i, c in enumerate(r) if i not in drop))' "$1"; }
diff <(rows "$work/cluster/merged/runs.csv") <(rows "$work/local/runs.csv") >"$work/diff.out" ||
  die "the cluster's merged runs differ from the local sweep's: $(head -5 "$work/diff.out")"
cmp -s "$work/cluster/merged/summary.csv" "$work/local/summary.csv" || die "the summaries differ"
echo "ok: the merged result through Slurm equals the same sweep run locally (6 runs, 3 shards)"
