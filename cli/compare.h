// mrsim compare: two designs (two scenario files, or one with two sets of overrides) on the same seeds, and the
// difference of each headline metric with its 95 % confidence interval over seeds (docs/sweeps.md).
#pragma once

#include <string>
#include <vector>

#include "cli/runner.h"

namespace mrsim {

struct CompareOptions {
  std::string a, b;                   // b empty: the same file as a
  std::vector<std::string> sets;      // --set, both sides
  std::vector<std::string> sets_a, sets_b;
  std::string seeds = "1..20";
  unsigned jobs = 0;
  std::string report_path;            // --report: the same as JSON
};

// Exit code: 0, 1 when a run failed (the table is still printed for the metrics the other runs give), 2 bad input.
int cmd_compare(const CompareOptions& options, const Simulate& simulate);

}  // namespace mrsim
