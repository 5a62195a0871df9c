// The per-interval series of a run, computed from its History: what the trace's `samples` hold (sim/trace.cpp) and
// what alert rules are evaluated over (sim/checkers_alerts.cpp). One implementation, so that an alert on
// `region_success_ratio` fires on exactly the numbers the viewer draws. Interval b covers [b * interval,
// (b + 1) * interval), b < sample_count(duration, interval) (history.h).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "sim/history.h"

namespace mrsim {

// Client operations invoked in one interval, by client region (index) and kind (0 read, 1 write).
struct ClientInterval {
  std::vector<std::array<uint64_t, 2>> attempted, succeeded;
  std::vector<std::array<std::vector<double>, 2>> latencies;  // complete_s - invoke_s of the successful ones
  // succeeded / attempted of one kind, or of both (kind < 0); undefined without an attempt.
  std::optional<double> success_ratio(size_t region, int kind) const;
};

// Number of client regions the series cover: 1 + the highest region index of an op (0 without ops).
size_t client_region_count(const History& history);

// Calls `visit(b, interval)` for every interval b in order, ops bucketed by invoke time. The visitor may reorder
// the latencies (summarize() does); they are cleared before the next interval.
void for_each_client_interval(const History& history, double interval_s, size_t buckets,
                              const std::function<void(size_t, ClientInterval&)>& visit);

// Replication lag per node: the largest sample in each interval (several replicas' samplers may tick inside one),
// none without one. Only nodes with a LagSample appear.
std::map<int16_t, std::vector<std::optional<double>>> lag_by_interval(const History& history, double interval_s,
                                                                      size_t buckets);

// Each clock's offset from true time, one sample per interval; only clocks with a ClockSample appear.
std::map<uint16_t, std::vector<std::optional<double>>> clock_offset_by_interval(const History& history,
                                                                                double interval_s, size_t buckets);

// Stale reads per interval, by invoke time, exactly as the checker counts them (docs/metrics.md).
// `stale_invoke_s` is StaleReadStats::stale_invoke_s, for a caller that has the checker's result already.
std::vector<uint64_t> stale_reads_by_interval(const History& history, double interval_s, size_t buckets);
std::vector<uint64_t> stale_reads_by_interval(const std::vector<double>& stale_invoke_s, double interval_s,
                                              size_t buckets);

}  // namespace mrsim
