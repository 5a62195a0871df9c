// The "expect" block of a scenario: named metrics compared against numbers, evaluated on a finished report.
// The alias table below is the single list of metric names a scenario may use besides a raw JSON pointer into the
// report; the loader validates against it and the evaluator (sim/expect.cpp) resolves it.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace mrsim {

struct ExpectationAlias {
  const char* name;
  const char* meaning;  // one line, for docs/scenarios.md and error messages
};

// Every alias a scenario's "expect" block may name. A key starting with "/" is a JSON pointer into the report.
const std::vector<ExpectationAlias>& expectation_aliases();

struct ExpectationResult {
  Expectation expectation;
  bool held = false;
  bool found = false;   // false: the metric is absent or null in the report (counts as a miss)
  double actual = 0.0;  // valid when found
};

// The value of `metric` (an alias or a JSON pointer) in `report`; nullopt when absent, null or not finite.
std::optional<double> metric_value(const std::string& metric, const nlohmann::ordered_json& report);

// Evaluates every expectation of `scenario` against `report` (the JSON report of its run). A statistic over seeds
// is computed from `seed_reports` (seed -> report of the run with that seed); a seed missing there, or a run whose
// value is undefined, leaves it undefined (a miss).
std::vector<ExpectationResult> evaluate_expectations(const Scenario& scenario, const nlohmann::ordered_json& report,
                                                     const std::map<uint64_t, nlohmann::ordered_json>& seed_reports = {});

// The seeds whose runs the statistics over seeds of `scenario` need, ascending (none for plain conditions).
std::vector<uint64_t> seeds_needed(const Scenario& scenario);

}  // namespace mrsim
