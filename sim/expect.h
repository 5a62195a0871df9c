// The "expect" block of a scenario: named metrics compared against numbers, evaluated on a finished report.
// The alias table below is the single list of metric names a scenario may use besides a raw JSON pointer into the
// report; the loader validates against it and the evaluator (sim/expect.cpp) resolves it.
#pragma once

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

// Evaluates every expectation of `scenario` against `report` (the JSON report of its run).
std::vector<ExpectationResult> evaluate_expectations(const Scenario& scenario, const nlohmann::ordered_json& report);

}  // namespace mrsim
