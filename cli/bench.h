// `mrsim bench`: a fixed scenario (three regions, 10,000 logical clients, 1,000 operations per simulated second, one
// simulated hour, a 20-minute outage of us-east-1 in the middle) on one of the designs, timed by the wall clock.
// --vs-baseline also runs the same load through the plain event loop of cli/bench_baseline.h and prints mrsim's
// ratio to it; --scan clients / --scan rate runs the bench at several scales, one child process per point and round
// (SimGrid allows one simulation per process), one after another, and prints each point's median per-operation cost
// over the rounds (docs/performance.md). Like the rest of cli/, this reads wall clocks and process resources; nothing it measures
// reaches a simulation result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/memory_limit.h"

namespace mrsim {

struct BenchOptions {
  std::string duration = "1h";
  bool duration_given = false;
  uint32_t clients = 10000;
  bool clients_given = false;
  double rate = 1000;
  bool rate_given = false;
  std::string design = "single-primary";  // single-primary, multi-primary, consensus or leaderless
  bool vs_baseline = false;
  std::string scan;  // "", "clients" or "rate"
  uint32_t rounds = 3;  // --rounds: a scan runs every point this many times, in turn, and takes each point's median
  bool rounds_given = false;
  bool streaming = false;  // --streaming: metrics as operations complete, no history held (sim/stream_metrics.h)
  std::vector<std::string> engine_config;  // --cfg
  MemoryLimit memory_limit;
};

// Throws InputError for a bad design, scan or combination of flags (exit 2), before anything runs.
int cmd_bench(const BenchOptions& options);

}  // namespace mrsim
