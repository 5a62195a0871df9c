#!/usr/bin/env bash
# mrsim-viewer (docs/viewer.md): screenshots of the flagship headless (offscreen) and in a real window under Xvfb,
# of the requested size and not blank in any lane; A/B side by side; bad input exits 2 with one message.
# usage: tests/viewer.sh MRSIM MRSIM_VIEWER SOURCE_DIR WORK_DIR
set -uo pipefail
mrsim=$1
viewer=$2
source_dir=$3
work=$4
rm -rf "$work"
mkdir -p "$work"
export XDG_RUNTIME_DIR=$work/xdg
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
"$mrsim" run "$source_dir/scenarios/active-passive-dns.json" --trace "$work/flag.trace.json" --report "$work/flag.report.json" \
  --history "$work/flag.history.jsonl" >/dev/null || fail "the flagship did not run"
"$mrsim" run "$source_dir/scenarios/partition-split-brain.json" --trace "$work/split.trace.json" >/dev/null || fail "the partition scenario did not run"

# Each lane of the lanes view (rows from y = 22, 22 px each, x from 190) must hold coloured, non-white pixels.
not_blank() {  # not_blank PNG WIDTH HEIGHT LANES
  /usr/bin/python3 - "$@" <<'PY'
import sys
from PIL import Image
path, width, height, lanes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
img = Image.open(path).convert("RGB")
assert img.size == (width, height), "size %s, expected %dx%d" % (img.size, width, height)
colours = set(img.getdata())
assert len(colours) > 50, "only %d colours" % len(colours)
# Lane bars are rows where most of the time axis is strongly coloured (a role or a verdict); each bar is about 16 px
# tall, so every lane drawn gives at least 12 such rows.
bar_rows = 0
for y in range(img.height):
    row = [img.getpixel((x, y)) for x in range(img.width // 3, img.width - 30, 3)]
    bar_rows += sum(1 for p in row if max(p) - min(p) > 60) > len(row) * 0.6
assert bar_rows >= 12 * lanes, "only %d rows of lane bars for %d lanes" % (bar_rows, lanes)
print("ok")
PY
}

"$viewer" "$work/flag.trace.json" --report "$work/flag.report.json" --history "$work/flag.history.jsonl" \
  --screenshot "$work/flag.png" --size 1400x900 >"$work/flag.out" 2>&1 || fail "offscreen screenshot: $(cat "$work/flag.out")"
not_blank "$work/flag.png" 1400 900 4 >/dev/null && echo "ok: an offscreen screenshot of the flagship, 1400x900, every lane drawn" ||
  fail "offscreen screenshot: $(not_blank "$work/flag.png" 1400 900 4 2>&1 | tail -1)"

if command -v xvfb-run >/dev/null; then
  env -u QT_QPA_PLATFORM xvfb-run -a -s "-screen 0 1600x1200x24" "$viewer" "$work/split.trace.json" \
    --screenshot "$work/split-xvfb.png" --size 1200x800 >"$work/xvfb.out" 2>&1 || fail "under Xvfb: $(cat "$work/xvfb.out")"
  not_blank "$work/split-xvfb.png" 1200 800 4 >/dev/null && echo "ok: a real window under Xvfb, 1200x800, every lane drawn" ||
    fail "Xvfb screenshot: $(not_blank "$work/split-xvfb.png" 1200 800 4 2>&1 | tail -1)"
else
  fail "xvfb-run is not installed (setup.sh --all installs xvfb)"
fi

"$viewer" "$work/flag.trace.json" --compare "$work/split.trace.json" --screenshot "$work/ab.png" --size 1800x900 \
  --range 1500..3500 >"$work/ab.out" 2>&1 && not_blank "$work/ab.png" 1800 900 4 >/dev/null &&
  echo "ok: A/B side by side on one axis, zoomed with --range" || fail "A/B: $(cat "$work/ab.out")"

bad() {  # bad "what" "expected stderr" args...
  local what=$1 needle=$2
  shift 2
  "$viewer" "$@" --screenshot "$work/bad.png" >"$work/bad.out" 2>&1
  local rc=$?
  if [ $rc -eq 2 ] && grep -qF -- "$needle" "$work/bad.out" && [ "$(grep -c mrsim-viewer: "$work/bad.out")" -eq 1 ] && [ ! -e "$work/bad.png" ]; then
    rm -f "$work/bad.png"
    echo "ok: $what: exit 2"
  else
    fail "$what: exit $rc, $(cat "$work/bad.out")"
  fi
}
head -c 5000 "$work/flag.trace.json" >"$work/truncated.json"
/usr/bin/python3 -c "
import json; t = json.load(open('$work/flag.trace.json')); t['format_version'] = 9; json.dump(t, open('$work/v9.json', 'w'))"
rm -f "$work/bad.png"
bad "a missing trace" "cannot read the trace" "$work/nope.json"
bad "a truncated trace" "does not parse" "$work/truncated.json"
bad "a trace of another format version" "found version 9" "$work/v9.json"
bad "a history of another run" "a history of another run" "$work/split.trace.json" --history "$work/flag.history.jsonl"
bad "a report of another run" "a report of another run" "$work/split.trace.json" --report "$work/flag.report.json"
bad "a bad range" "--range: expected FROM..TO" "$work/flag.trace.json" --range 10..5

[ $failures -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "all viewer checks passed"
