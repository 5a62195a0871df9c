// mrsim sweep and mrsim merge: a scenario over a grid of overrides x seeds, one child process per run, results on
// disk as each run finishes, resumable, shardable across machines (docs/sweeps.md).
#pragma once

#include <string>
#include <vector>

#include "cli/runner.h"

namespace mrsim {

struct SweepOptions {
  std::string scenario;
  std::vector<std::string> sets;   // --set, applied to every run
  std::vector<std::string> grids;  // --grid PATH=v1,v2,...
  std::string seeds = "1";
  unsigned jobs = 0;               // 0: every core
  double run_timeout_s = 0;        // 0: none
  std::string out;
  std::string shard;               // "i/N", or empty for every run
};

// Exit code: 0 every run succeeded, 1 some run failed (each is recorded), 2 bad input (before any run).
int cmd_sweep(const SweepOptions& options, const Simulate& simulate);

// Merges shard directories into `out`; refuses shards of different sweeps and duplicate runs (exit 2); exit 1 when
// runs are missing (they are listed), 0 when the merged sweep is complete.
int cmd_merge(const std::vector<std::string>& dirs, const std::string& out);

}  // namespace mrsim
