// What the report writer (report.cpp) and the trace writer (trace.cpp) share: how times are rounded, and the header
// every output file starts with. Internal to the writers.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "sim/report.h"

namespace mrsim {

double round_to(double x, double per_unit);  // to the nearest 1 / per_unit, -0 as 0
// Seconds rounded to microseconds; null when not finite or absent.
nlohmann::ordered_json seconds(double x);
nlohmann::ordered_json seconds(const std::optional<double>& x);
// Seed, scenario, hash, version, replay command, duration: what replays the run.
nlohmann::ordered_json run_header(const RunInfo& info);

}  // namespace mrsim
