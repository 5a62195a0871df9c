// The outputs of a run: the JSON report (every metric, headed by what replays it), its readable text form for stdout,
// the trace (a timeline of control-plane events plus periodic samples, for the viewer) and the history as JSON lines.
// Layouts are documented in docs/metrics.md (report) and docs/trace-format.md (trace, history). Everything here is a
// pure function of its arguments: same run, same bytes.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "sim/checkers.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace mrsim {

struct RunInfo {
  uint64_t seed = 0;
  std::string scenario_name, scenario_hash, version, command;
  double duration_s = 0;
};

// Header first (seed, scenario, scenario_hash, version, replay), then the metrics. Times are rounded to microseconds,
// money to nano-dollars; undefined values are null.
nlohmann::ordered_json report_json(const RunInfo& info, const RunMetrics& metrics);

// Readable tables for stdout, rendered from a report_json() document (so the text never says more than the file).
std::string report_text(const nlohmann::ordered_json& report);

// Timeline: control-plane events and fault start/end sorted by (t, stable order), plus samples every
// metrics.sample_interval_s (replication lag per replica; success ratio and latency per client region and kind).
// The trace's layout version (docs/trace-format.md); readers refuse others.
constexpr int kTraceFormatVersion = 1;

// `alerts`: the scenario's alert rules, whose firing intervals the trace lists (docs/trace-format.md).
nlohmann::ordered_json trace_json(const RunInfo& info, const History& history, const MetricsConfig& metrics,
                                  const std::vector<AlertRule>& alerts = {});


}  // namespace mrsim
