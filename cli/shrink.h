// mrsim shrink: from a scenario whose "expect" block misses, a minimal fault schedule that still misses
// (docs/shrink.md). Delta debugging (Zeller's ddmin) over the fault list, then a bisection of each remaining fault's
// duration and start; every candidate is a simulation in a child process of its own (cli/runner.h), at most --jobs at
// a time, decided in the candidates' fixed order so that the result does not depend on which child finished first.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/runner.h"
#include "sim/scenario.h"

namespace mrsim {

struct ShrinkOptions {
  std::string scenario;
  std::vector<std::string> sets;  // --set, applied before anything is shrunk
  std::optional<uint64_t> seed;   // --seed
  std::string expect;             // --expect NAME; empty: every expectation that misses in the first run
  std::string out;                // --out FILE; empty: <scenario's stem>.shrunk.json in the current directory
  uint64_t max_runs = 300;        // every child counts, the first run included
  double max_time_s = 600;        // wall clock, from the start of the command
  unsigned jobs = 0;              // 0: every core
};

// The faults the search works on, as scenario-file fault objects in their order: the document's `faults` list, then
// the faults `faults_random` draws for the loaded scenario's seed, written back as plain faults.
std::vector<nlohmann::json> concrete_faults(const nlohmann::json& scenario, const Scenario& loaded);

// Exit code: 0 when the expectations shrink looks at all hold (nothing to shrink), 1 when it wrote a schedule that
// still misses (the search complete or cut short by its budget), 2 bad input, 3 when the first run itself fails.
int cmd_shrink(const ShrinkOptions& options, const Simulate& simulate);

}  // namespace mrsim
