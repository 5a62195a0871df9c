#!/usr/bin/env bash
# The notebooks run on small sweeps (notebooks/sweeps.sh --small) with Debian's Jupyter, pandas and matplotlib, and
# are committed without outputs. usage: tests/notebooks.sh MRSIM SOURCE_DIR WORK_DIR
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
for nb in "$source_dir"/notebooks/*.ipynb; do
  /usr/bin/python3 -c "
import json, sys
cells = json.load(open(sys.argv[1]))['cells']
dirty = [i for i, c in enumerate(cells) if c['cell_type'] == 'code' and (c.get('outputs') or c.get('execution_count'))]
sys.exit(1 if dirty else 0)" "$nb" && echo "ok: $(basename "$nb") is committed without outputs" ||
    fail "$(basename "$nb") is committed with outputs (clear them before committing)"
done
MRSIM=$mrsim bash "$source_dir/notebooks/sweeps.sh" --small "$work/sweeps" >"$work/sweeps.out" 2>&1 ||
  fail "the small sweeps failed: $(tail -5 "$work/sweeps.out")"
for name in recovery loss; do
  if MRSIM_SWEEPS=$work/sweeps jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
    --output-dir "$work" --output "$name.executed" "$source_dir/notebooks/$name.ipynb" >"$work/$name.log" 2>&1; then
    if [ -s "$work/sweeps/$name.png" ]; then echo "ok: $name.ipynb runs and draws $name.png"; else fail "$name.ipynb drew nothing"; fi
  else
    fail "$name.ipynb did not run: $(tail -15 "$work/$name.log")"
  fi
done
[ $failures -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "all notebook checks passed"
