#!/usr/bin/env bash
# The sweeps that feed the notebooks. usage: notebooks/sweeps.sh [--small] [OUT_DIR]
#   recovery/: the flagship over DNS TTL x health-check interval (recovery.ipynb)
#   loss/:     the flagship over replication mode x link latency (loss.ipynb)
# --small runs a few seeds of a shortened scenario (what CI runs to execute the notebooks); without it, 20 seeds of
# the flagship as shipped (about 10 minutes on 2 cores). Re-running resumes: finished runs are skipped.
set -euo pipefail
small=0
if [ "${1-}" = "--small" ]; then small=1; shift; fi
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../build/notebook-sweeps}
mrsim=${MRSIM:-$here/../build/mrsim}
scenario=$here/../scenarios/active-passive-dns.json
if ((small)); then
  common=(--set duration=15m --set faults.0.at=3m --set faults.0.duration=5m --seeds 1..3)
else
  common=(--seeds 1..20)
fi
"$mrsim" sweep "$scenario" "${common[@]}" --grid routing.ttl=10s,60s,300s --grid health_check.interval=5s,10s,30s \
  --set health_check.timeout=2s --out "$out/recovery"
"$mrsim" sweep "$scenario" "${common[@]}" --grid database.replication.mode=async,sync \
  --grid links.0.latency=10ms,35ms,70ms --out "$out/loss"
