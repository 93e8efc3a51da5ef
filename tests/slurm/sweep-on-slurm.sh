#!/usr/bin/env bash
# A sweep on a real single-node Slurm (../shared/TOOLCHAIN.md §8), run by
# `make test`: munged, slurmctld and slurmd started here as root (no systemd),
# a 2 rates × 2 replicates sweep submitted with the scripts `lottery sweep
# slurm` writes (job array, then the merge job with afterany), its summary
# compared with a local `lottery sweep run --jobs 2` of the same grid; then a
# task given a failing configuration must fail its array and be listed by
# merge. The daemons are stopped by their process ids at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
LOTTERY="${LOTTERY:-$HOME/.cache/lottery-ticket-lab/target-native/release/lottery}"
say() { printf '\033[1mslurm-test:\033[0m %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }
[ -x "$LOTTERY" ] || fail "no lottery binary at $LOTTERY (make native-test builds it)"
[ "$(id -u)" = 0 ] || fail "starting munged, slurmctld and slurmd needs root"
command -v slurmctld >/dev/null && command -v munged >/dev/null || fail "slurm-wlm and munge are not installed (scripts/setup.sh installs them)"

W="$(mktemp -d /tmp/ltl-slurm.XXXXXX)"
chmod 755 "$W"
MUNGED_PID=""
stop() {
  for pidfile in "$W/run/slurmd.pid" "$W/run/slurmctld.pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  [ -n "$MUNGED_PID" ] && kill "$MUNGED_PID" 2>/dev/null || true
  sleep 1
  if [ "${KEEP:-0}" = 0 ]; then rm -rf "$W"; else say "kept $W"; fi
}
trap stop EXIT

say "munged"
mkdir -p /run/munge /var/log/munge /var/lib/munge "$W/munge"
chown munge:munge /etc/munge/munge.key /run/munge /var/log/munge /var/lib/munge "$W/munge"
chmod 600 /etc/munge/munge.key
runuser -u munge -- /usr/sbin/munged --pid-file="$W/munge/munged.pid" --socket="$W/munge/munge.socket"
MUNGED_PID="$(cat "$W/munge/munged.pid")"
export MUNGE_SOCKET="$W/munge/munge.socket"

say "slurmctld, slurmd"
mkdir -p "$W"/{state,spool,run,log}
HOST="$(hostname -s)"
cat > "$W/slurm.conf" <<CONF
ClusterName=ltl
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$W/munge/munge.socket
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/run/slurmctld.pid
SlurmdPidFile=$W/run/slurmd.pid
SlurmctldLogFile=$W/log/slurmctld.log
SlurmdLogFile=$W/log/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
$(slurmd -C | head -1) State=UNKNOWN
PartitionName=main Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$W/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 60); do
  sinfo -h -o %t 2>/dev/null | grep -qx idle && break
  sleep 1
done
sinfo -h -o %t | grep -qx idle || { cat "$W/log/slurmctld.log" "$W/log/slurmd.log" | tail -20; fail "the node never became idle"; }
say "node idle after $SECONDS s"

cat > "$W/grid.toml" <<'GRID'
preset = "xor-tiny"
rounds = 1
rate = [0.2, 0.5]
reps = 2
GRID

say "the same grid: locally, and on Slurm"
"$LOTTERY" sweep plan "$W/grid.toml" --out "$W/local" >/dev/null
"$LOTTERY" sweep plan "$W/grid.toml" --out "$W/slurm" >/dev/null
"$LOTTERY" sweep run "$W/local" --jobs 2 >/dev/null 2>&1 || fail "the local sweep failed"
"$LOTTERY" sweep slurm "$W/slurm" --max-parallel 2 --time 00:10:00 >/dev/null
grep -q -- '--array=0-3%2' "$W/slurm/sweep.sbatch" || fail "the array script does not cover the manifest"
jobid="$(sbatch --parsable "$W/slurm/sweep.sbatch")"
sbatch --wait --dependency="afterany:$jobid" "$W/slurm/merge.sbatch" >/dev/null || fail "the merge job failed"
for i in 0 1 2 3; do ls "$W"/slurm/logs/"${jobid}_$i".out >/dev/null || fail "no log of array task $i"; done
cmp "$W/local/summary.json" "$W/slurm/summary.json" || fail "the Slurm sweep's summary differs from the local one"
say "4 array tasks (job $jobid); merged summary equals the local sweep's"

say "a task with a failing configuration"
"$LOTTERY" sweep plan "$W/grid.toml" --out "$W/fail" >/dev/null
python3 - "$W/fail/manifest.jsonl" <<'PY'
import json, sys
path = sys.argv[1]
runs = [json.loads(l) for l in open(path)]
runs[2]["config"]["train"]["steps"] = 0
open(path, "w").write("".join(json.dumps(r) + "\n" for r in runs))
PY
"$LOTTERY" sweep slurm "$W/fail" >/dev/null
if sbatch --wait "$W/fail/sweep.sbatch" >/dev/null 2>&1; then fail "the array succeeded with a failing task"; fi
sbatch --wait "$W/fail/merge.sbatch" >/dev/null || fail "the merge job failed"
python3 - "$W/fail/summary.json" <<'PY' || fail "merge did not list the failed run"
import json, sys
s = json.load(open(sys.argv[1]))
assert [f["index"] for f in s["failed"]] == [2], s["failed"]
assert s["missing"] == [], s["missing"]
assert sum(c["replicates"] for c in s["configurations"]) == 3
PY
grep -q -- '--array=2' "$W/fail/summary.md" || fail "summary.md does not say how to resubmit"
say "the array failed, and merge lists run 2 with its error; passed in $SECONDS s"
