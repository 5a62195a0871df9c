#!/usr/bin/env bash
# Submits an mrsim sweep to Slurm as a job array of N shards, plus a merge job that runs after the array.
#   cli/slurm/submit.sh N OUT_DIR SCENARIO [sweep arguments: --grid ... --seeds ... --set ... --jobs ...]
# Prints the two job ids. Each array task writes OUT_DIR/shard-<i>; the merge job writes OUT_DIR/merged and fails
# (non-zero) if a shard is missing runs, listing them. OUT_DIR must be on a file system every node sees.
# sbatch options (partition, time, cpus per task) come from the usual SBATCH_* environment variables.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 N OUT_DIR SCENARIO [sweep arguments]" >&2
  exit 2
fi
shards=$1
out=$(realpath -m "$2")
scenario=$(realpath "$3")  # the jobs run in OUT_DIR
shift 3
here=$(cd "$(dirname "$0")" && pwd)
mrsim=${MRSIM:-$(realpath "$here/../../build/mrsim")}
mkdir -p "$out"
args_file=$out/sweep-args
printf '%s\n' "$scenario" "$@" >"$args_file"
export MRSIM=$mrsim MRSIM_OUT=$out MRSIM_SHARDS=$shards MRSIM_ARGS_FILE=$args_file
array=$(sbatch --parsable --chdir="$out" --array=0-$((shards - 1)) --export=ALL "$here/sweep-array.sbatch")
merge=$(sbatch --parsable --chdir="$out" --dependency=afterany:"$array" --export=ALL "$here/merge.sbatch")
echo "array job $array, merge job $merge"
