#!/usr/bin/env bash
# CI gates of mrsim check (docs/sweeps.md): statistics over seeds in "expect", JUnit XML, baselines.
# usage: tests/check_gates.sh MRSIM SOURCE_DIR WORK_DIR
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
check() {
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else fail "$what"; fi
}
scenario=$source_dir/scenarios/active-passive-dns.json
short=(--set duration=10m --set faults.0.at=2m --set faults.0.duration=3m)

# The statistic check computes must be the one computed from the seeds' own reports.
for seed in 1 2 3 4 5; do
  "$mrsim" run "$scenario" "${short[@]}" --seed "$seed" --report "$work/seed$seed.json" >/dev/null 2>&1
done
p95=$(/usr/bin/python3 -c "
import json, math
v = sorted(json.load(open('$work/seed%d.json' % s))['faults'][0]['rto']['rto_s'] for s in range(1, 6))
print('%.6g' % v[math.ceil(0.95 * len(v)) - 1])")
mean=$(/usr/bin/python3 -c "
import json
v = [json.load(open('$work/seed%d.json' % s))['stale_reads']['stale_read_rate'] for s in range(1, 6)]
print('%.6g' % (sum(v) / len(v)))")

"$mrsim" check "$scenario" "${short[@]}" \
  --set 'expect={"rto_s": "p95 over seeds 1..5 <= 100000", "stale_read_rate": "mean over seeds 1..5 < 1", "split_brain_incidents": "== 0"}' \
  --junit "$work/pass.xml" >"$work/pass.out" 2>&1
check "statistics over seeds that hold pass (exit 0)" test $? -eq 0
check "the p95 over seeds is the p95 of the seeds' own reports ($p95)" grep -q "rto_s p95 over seeds 1..5 <= 100000  (actual: $p95)" "$work/pass.out"
check "the mean over seeds is the mean of the seeds' own reports ($mean)" grep -q "stale_read_rate mean over seeds 1..5 < 1  (actual: $mean)" "$work/pass.out"

"$mrsim" check "$scenario" "${short[@]}" \
  --set 'expect={"rto_s": "max over seeds 1..5 <= 1", "split_brain_incidents": "== 0"}' \
  --junit "$work/fail.xml" >"$work/fail.out" 2>&1
check "a statistic over seeds that misses fails (exit 1)" test $? -eq 1
check "JUnit XML: one testcase per expectation, the miss as a failure" /usr/bin/python3 -c "
import xml.etree.ElementTree as ET
for path, failures in (('$work/pass.xml', 0), ('$work/fail.xml', 1)):
    root = ET.parse(path).getroot()
    assert root.tag == 'testsuites', root.tag
    cases = root.findall('./testsuite/testcase')
    assert len(cases) == (3 if failures == 0 else 2), len(cases)
    assert len(root.findall('./testsuite/testcase/failure')) == failures
    assert int(root.get('failures')) == failures and int(root.get('tests')) == len(cases)
"

# Baselines: record, pass against itself, fail on a regression (a 300 s TTL slows client recovery).
"$mrsim" check "$scenario" "${short[@]}" --baseline "$work/baseline.json" --update-baseline --tolerance 10% >/dev/null 2>&1
check "a baseline is recorded" test -s "$work/baseline.json"
"$mrsim" check "$scenario" "${short[@]}" --baseline "$work/baseline.json" >"$work/same.out" 2>&1
check "the same run meets its own baseline" test $? -eq 0
"$mrsim" check "$scenario" "${short[@]}" --set routing.ttl=300s --baseline "$work/baseline.json" >"$work/worse.out" 2>&1
check "a regression beyond the tolerance fails (exit 1)" test $? -eq 1
check "... naming the metric" grep -q "REGRESSED .*client_recovery_p99_s" "$work/worse.out"

# Bad input: exit 2.
bad() {
  local what=$1 needle=$2
  shift 2
  "$mrsim" "$@" >"$work/bad.out" 2>&1
  local rc=$?
  if [ $rc -eq 2 ] && grep -qF -- "$needle" "$work/bad.out"; then echo "ok: $what"; else fail "$what: exit $rc, $(cat "$work/bad.out")"; fi
}
bad "an empty seed range in expect" "a seed range" check "$scenario" --set 'expect={"rto_s": "p95 over seeds 5..1 <= 3"}'
bad "an unknown statistic" "one of mean, min, max, p50, p95, p99" check "$scenario" --set 'expect={"rto_s": "p42 over seeds 1..5 <= 3"}'
bad "a missing baseline" "cannot read the baseline" check "$scenario" "${short[@]}" --baseline "$work/none.json"
bad "a tolerance without --update-baseline" "--tolerance is recorded with --update-baseline" check "$scenario" --baseline "$work/baseline.json" --tolerance 5%

if [ $failures -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all check-gate checks passed"
