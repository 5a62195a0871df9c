// Runs many simulations, each in a child process of its own (SimGrid allows one simulation per process), at most
// `jobs` at a time, and hands each result to the caller in the parent as it finishes. Used by sweep, compare and
// check across seeds. A run that crashes, exits non-zero or outlives its timeout is a failed run with its exit code
// (or signal) and the tail of its stderr; the others go on.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mrsim {

struct RunSpec {
  std::string scenario_path;
  std::vector<std::string> sets;  // --set PATH=VALUE, in order
  uint64_t seed = 1;
};

struct RunResult {
  bool ok = false;           // the simulation ran to its end and produced a report
  int exit_code = 0;         // the child's exit code; 128 + signal when killed by one
  bool timed_out = false;
  std::string stderr_tail;   // the last 2 KiB of what the child wrote to stderr
  nlohmann::ordered_json report;  // when ok
  double wall_s = 0;         // the child's wall time
};

// What a child does with its spec: simulate it and return the report (throwing on failure).
using Simulate = std::function<nlohmann::ordered_json(const RunSpec&)>;

// Runs every spec; on_done(index, result) is called in the parent, in completion order. jobs >= 1; timeout_s <= 0
// means none. work_dir holds the children's report and stderr files while they run (removed after).
void run_all(const std::vector<RunSpec>& specs, unsigned jobs, double timeout_s, const std::string& work_dir,
             const Simulate& simulate, const std::function<void(size_t, RunResult&&)>& on_done);

// "1..30", "7", "1,2,5": the seeds, in the order given. Throws InputError on anything else or an empty range.
std::vector<uint64_t> parse_seeds(const std::string& text, const std::string& flag);

// `s` as one shell word: as it is when it holds only safe characters, else in single quotes (for the replay
// commands the CLI prints).
std::string shell_quote(const std::string& s);

// Cores to use by default: what the machine has, at least 1.
unsigned default_jobs();

}  // namespace mrsim
