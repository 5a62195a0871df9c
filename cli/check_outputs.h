// What mrsim check writes for CI besides its text: JUnit XML (one testcase per expectation) and a baseline of the
// headline metrics to fail on regressions (docs/sweeps.md, "CI gates").
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/expect.h"

namespace mrsim {

struct CheckedScenario {
  std::string path;
  std::string name;
  std::vector<ExpectationResult> results;
  nlohmann::ordered_json report;  // of the scenario's own run; null when it failed
  std::string error;              // why the run failed, when it did
  double wall_s = 0;
};

void write_junit(const std::string& path, const std::vector<CheckedScenario>& scenarios);

// Records every scenario's headline metrics (cli/headlines.h) with the tolerance the comparison will allow.
void write_baseline(const std::string& path, const std::vector<CheckedScenario>& scenarios, double tolerance);

// Compares with a recorded baseline and prints one line per headline metric of each scenario; returns how many
// regressed beyond the baseline's tolerance. A metric regresses when it is worse than the recorded value by more
// than tolerance x |recorded| (for a recorded 0: by anything), or when it became undefined. Throws InputError if the
// file is missing or not a baseline, or a scenario is not in it.
size_t compare_baseline(const std::string& path, const std::vector<CheckedScenario>& scenarios, std::ostream& out);

}  // namespace mrsim
