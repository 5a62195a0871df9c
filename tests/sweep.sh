#!/usr/bin/env bash
# mrsim sweep / merge / compare from the command line (docs/sweeps.md): results on disk, resume, a kill -9 mid-way,
# failed and timed-out runs, shards merged back, bad input refused before any run, and pandas reading the CSVs.
# usage: tests/sweep.sh MRSIM SOURCE_DIR WORK_DIR
set -uo pipefail
mrsim=$1
source_dir=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
check() {  # check "what" command...: the command must succeed
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else fail "$what"; fi
}
keys() { /usr/bin/python3 -c 'import json,sys; print("\n".join(sorted(json.loads(l)["key"] for l in open(sys.argv[1]) if l.strip())))' "$1"; }
rows_without_wall() { /usr/bin/python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
drop = [i for i, name in enumerate(rows[0]) if name == "wall_s"]
for r in rows: print(",".join(c for i, c in enumerate(r) if i not in drop))' "$1"; }

scenario=$source_dir/scenarios/active-passive-dns.json
short=(--set duration=10m --set faults.0.at=2m --set faults.0.duration=3m)
grid=(--grid routing.ttl=30s,60s --grid health_check.interval=10s,20s)

# 1. A sweep: 2 x 2 grid points x 3 seeds, all on disk, pandas reads both tables as they are.
"$mrsim" sweep "$scenario" "${short[@]}" "${grid[@]}" --seeds 1..3 --out "$work/full" >"$work/full.out" 2>&1
check "a sweep exits 0" test $? -eq 0
check "runs.jsonl has 12 runs" test "$(keys "$work/full/runs.jsonl" | sort -u | wc -l)" -eq 12
check "pandas reads runs.csv and summary.csv" /usr/bin/python3 -c "
import pandas as pd
runs = pd.read_csv('$work/full/runs.csv'); summary = pd.read_csv('$work/full/summary.csv')
assert len(runs) == 12, len(runs)
assert (runs.status == 'ok').all()
assert runs['/faults/0/rto/rto_s'].dtype.kind == 'f', runs['/faults/0/rto/rto_s'].dtype
rto = summary[summary.metric == '/faults/0/rto/rto_s']
assert len(rto) == 4 and (rto.n == 3).all(), rto
assert ((rto.ci95_low <= rto['mean']) & (rto['mean'] <= rto.ci95_high)).all()
for _, row in rto.iterrows():
    values = runs[(runs['routing.ttl'] == row['routing.ttl']) & (runs['health_check.interval'] == row['health_check.interval'])]['/faults/0/rto/rto_s']
    assert abs(values.mean() - row['mean']) < 1e-9 and values.min() == row['min'] and values.max() == row['max']
"

# 2. The same command again runs nothing and duplicates nothing.
"$mrsim" sweep "$scenario" "${short[@]}" "${grid[@]}" --seeds 1..3 --out "$work/full" >"$work/again.out" 2>&1
check "re-running skips every finished run" grep -q "12 runs already done" "$work/again.out"
check "... and adds none" test "$(wc -l <"$work/full/runs.jsonl")" -eq 12

# 3. kill -9 mid-way, then resume: every run once.
"$mrsim" sweep "$scenario" "${short[@]}" "${grid[@]}" --seeds 1..8 --jobs 2 --out "$work/killed" >"$work/killed.out" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  [ -f "$work/killed/runs.jsonl" ] && [ "$(wc -l <"$work/killed/runs.jsonl")" -ge 5 ] && break
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null
pkill -9 -P "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
before=$(keys "$work/killed/runs.jsonl" | sort -u | wc -l)
check "the kill left some runs done ($before of 32)" test "$before" -ge 5 -a "$before" -lt 32
"$mrsim" sweep "$scenario" "${short[@]}" "${grid[@]}" --seeds 1..8 --jobs 2 --out "$work/killed" >"$work/resumed.out" 2>&1
check "the resumed sweep exits 0" test $? -eq 0
check "every run is there exactly once after the resume" test "$(keys "$work/killed/runs.jsonl" | uniq -d | wc -l)" -eq 0 -a "$(keys "$work/killed/runs.jsonl" | wc -l)" -eq 32
check "the resume skipped what was done" grep -q "runs already done" "$work/resumed.out"

# 4. Failed runs are recorded and the sweep goes on: a run timeout far below any run's time.
"$mrsim" sweep "$scenario" "${short[@]}" --seeds 1..2 --run-timeout 0.001 --out "$work/timeout" >"$work/timeout.out" 2>&1
check "a sweep with failed runs exits 1" test $? -eq 1
check "each failed run is recorded with its exit code and why" /usr/bin/python3 -c "
import json
runs = [json.loads(l) for l in open('$work/timeout/runs.jsonl')]
assert len(runs) == 2 and all(r['status'] == 'failed' and r['exit_code'] == 137 and 'timeout' in r['stderr_tail'] for r in runs), runs
"

# 5. Shards merged back equal the sweep run whole; shards of another sweep and duplicates are refused.
for i in 1 2 3; do
  "$mrsim" sweep "$scenario" "${short[@]}" "${grid[@]}" --seeds 1..3 --shard $i/3 --out "$work/shard$i" >/dev/null 2>&1
done
"$mrsim" merge "$work/shard1" "$work/shard2" --out "$work/partial" >"$work/partial.out" 2>&1
check "a merge with a shard missing exits 1" test $? -eq 1
check "... and lists the missing runs" grep -q "runs missing" "$work/partial.out"
"$mrsim" merge "$work/shard1" "$work/shard2" "$work/shard3" --out "$work/merged" >/dev/null 2>&1
check "the merge of every shard exits 0" test $? -eq 0
check "the merged runs equal the whole sweep's (but wall times)" diff <(rows_without_wall "$work/merged/runs.csv") <(rows_without_wall "$work/full/runs.csv")
check "the merged summary equals the whole sweep's" cmp "$work/merged/summary.csv" "$work/full/summary.csv"
"$mrsim" merge "$work/shard1" "$work/shard1" --out "$work/dup" >"$work/dup.out" 2>&1
check "merging a shard twice is refused" test $? -eq 2
"$mrsim" sweep "$scenario" "${short[@]}" --grid routing.ttl=30s --seeds 1 --shard 1/1 --out "$work/other" >/dev/null 2>&1
"$mrsim" merge "$work/shard1" "$work/other" --out "$work/mixed" >"$work/mixed.out" 2>&1
check "merging shards of different sweeps is refused" test $? -eq 2
check "... with the reason" grep -q "another sweep.*grid differs" "$work/mixed.out"

# 6. Bad input: exit 2 before any run, and no output directory.
bad() {  # bad "what" "expected stderr" args...
  local what=$1 needle=$2
  shift 2
  rm -rf "$work/bad"
  "$mrsim" "$@" >"$work/bad.out" 2>&1
  local rc=$?
  if [ $rc -eq 2 ] && grep -qF -- "$needle" "$work/bad.out" && [ ! -e "$work/bad/runs.jsonl" ]; then
    echo "ok: $what"
  else
    fail "$what: exit $rc, $(cat "$work/bad.out")"
  fi
}
bad "a grid path that does not exist" "routing.colour" sweep "$scenario" --grid routing.colour=1,2 --out "$work/bad"
bad "a grid value of the wrong type" "/routing/ttl: expected a duration" sweep "$scenario" --grid routing.ttl=30s,soon --out "$work/bad"
bad "an empty seed range" "the empty range" sweep "$scenario" --seeds 5..1 --out "$work/bad"
bad "shard 3/2" "--shard: expected i/N with 1 <= i <= N" sweep "$scenario" --shard 3/2 --out "$work/bad"
bad "shard 0/0" "--shard: expected i/N with 1 <= i <= N" sweep "$scenario" --shard 0/0 --out "$work/bad"
bad "a sweep without --out" "expected --out DIR" sweep "$scenario"
bad "--grid on run" "--grid goes with sweep" run "$scenario" --grid routing.ttl=1s
bad "compare with nothing to compare" "two sets of overrides" compare "$scenario"

# 7. compare: one scenario with two TTLs, the same seeds; the table and its JSON.
"$mrsim" compare "$scenario" "${short[@]}" --set-a routing.ttl=30s --set-b routing.ttl=300s --seeds 1..3 \
  --report "$work/compare.json" >"$work/compare.out" 2>&1
check "compare exits 0" test $? -eq 0
check "compare prints the headline table" grep -q "client recovery p99" "$work/compare.out"
check "compare's JSON says the shorter TTL recovers clients faster" /usr/bin/python3 -c "
import json
m = {x['metric']: x for x in json.load(open('$work/compare.json'))['metrics']}
r = m['client_recovery_p99_s']
assert r['difference']['n'] == 3 and r['difference']['mean'] > 0 and r['better'] in ('A', 'unclear'), r
"
cat "$work/compare.out"

if [ $failures -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all sweep checks passed"
