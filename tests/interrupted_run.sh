#!/bin/bash
# A run killed mid-simulation leaves no temporary file behind (cli/output_files.h):
#  - SIGTERM and SIGINT: the handler removes them and the run still dies of the signal;
#  - a leftover of a dead process (SIGKILL, a crash) is removed by the next run writing to that directory, while a
#    live process's temporary file is kept.
# Usage: interrupted_run.sh MRSIM SOURCE_DIR WORK_DIR
set -u
mrsim=$1
flagship=$2/scenarios/active-passive-dns.json
work=$3
rm -rf "$work"
mkdir -p "$work"
# Job control: background jobs get their own process group and keep SIGINT (without it, bash starts them with
# SIGINT ignored, and mrsim rightly leaves an ignored signal ignored).
set -m
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# interrupt SIGNAL EXPECTED_STATUS
interrupt() {
  local signal=$1 expected=$2 dir=$work/$1
  mkdir -p "$dir"
  # Eight simulated hours take half a minute or more: the signal arrives mid-simulation, with the history's
  # temporary file open and empty.
  "$mrsim" run "$flagship" --set duration=8h --history "$dir/h.jsonl" --report "$dir/r.json" --trace "$dir/t.json" \
    > "$dir/stdout" 2> "$dir/stderr" &
  local pid=$!
  local waited=0
  until ls -A "$dir" | grep -q 'mrsim-tmp'; do
    sleep 0.1
    waited=$((waited + 1))
    if [ $waited -gt 100 ]; then
      fail "$signal: no temporary file appeared within 10 s: $(ls -A "$dir")"
      kill -KILL $pid 2> /dev/null
      return
    fi
  done
  sleep 1
  echo "$signal: temporary files while running: $(cd "$dir" && ls -A | grep mrsim-tmp | tr '\n' ' ')"
  kill -s "$signal" $pid
  wait $pid
  local status=$?
  [ $status -eq "$expected" ] || fail "$signal: exit status $status, expected $expected (killed by the signal)"
  local left
  left=$(cd "$dir" && ls -A | grep -v -e '^stdout$' -e '^stderr$')
  [ -z "$left" ] || fail "$signal: left behind: $left"
  [ -z "$left" ] && echo "ok: $signal: exit status $status, nothing left behind"
}

interrupt TERM 143
if grep -q '^SigIgn:' /proc/$$/status && (( 0x$(awk '/^SigIgn:/ {print $2}' /proc/$$/status) & 0x2 )); then
  echo "skipped SIGINT: this test was started with SIGINT ignored, which a child cannot undo"
else
  interrupt INT 130
fi

# Leftovers: one of a process that has exited, one of a live one (this script's parent).
dir=$work/leftovers
mkdir -p "$dir"
sh -c 'exit 0' &
dead=$!
wait $dead
if kill -0 $dead 2> /dev/null; then
  echo "skipped the leftover case: pid $dead was reused at once"
else
  echo stale > "$dir/.h.jsonl.mrsim-tmp.$dead"
  echo live > "$dir/.r.json.mrsim-tmp.$PPID"
  echo unrelated > "$dir/.notes.mrsim-tmp.x"
  "$mrsim" run "$flagship" --set faults=[] --set duration=1m --history "$dir/h.jsonl" > /dev/null 2> "$dir/stderr" \
    || fail "the run after the leftovers failed: $(cat "$dir/stderr")"
  [ ! -e "$dir/.h.jsonl.mrsim-tmp.$dead" ] || fail "the leftover of dead pid $dead is still there"
  [ -e "$dir/.r.json.mrsim-tmp.$PPID" ] || fail "the temporary file of live pid $PPID was removed"
  [ -e "$dir/.notes.mrsim-tmp.x" ] || fail "a file not named by mrsim (no pid) was removed"
  [ -s "$dir/h.jsonl" ] || fail "the run wrote no history"
  echo "ok: leftovers: dead pid $dead's removed, live pid $PPID's kept"
fi

[ $failures -eq 0 ] || exit 1
