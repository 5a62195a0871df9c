// The headline metrics that compare prints and a baseline records: one list, in the order the tables print them.
#pragma once

namespace mrsim {

struct Headline {
  const char* label;
  const char* metric;  // an expectation alias or a JSON pointer into the report
  bool higher_is_better;
};

inline constexpr Headline kHeadlines[] = {
    {"RTO (s)", "rto_s", false},
    {"client recovery p99 (s)", "client_recovery_p99_s", false},
    {"lost writes", "lost_writes", false},
    {"data-loss window (s)", "rpo_s", false},
    {"stale-read rate", "stale_read_rate", false},
    {"split-brain incidents", "split_brain_incidents", false},
    {"availability", "availability", true},
    {"read latency p99 (s)", "read_latency_p99_s", false},
    {"write latency p99 (s)", "write_latency_p99_s", false},
    {"cost (USD)", "/traffic/total_cost_usd", false},
};

}  // namespace mrsim
