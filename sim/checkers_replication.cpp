// Semi-synchronous replication: see checkers.h and docs/metrics.md ("Semi-synchronous replication"). From the
// History only: the store's semi_sync_off / semi_sync_on decisions, the ops, and the surviving lineage.
#include <algorithm>

#include "sim/checkers.h"

namespace mrsim {

SemiSyncStats check_semi_sync(const History& h, const LineageIndex& lineage) {
  SemiSyncStats stats;
  stats.applicable = h.semi_sync;
  if (!stats.applicable) return stats;
  struct Interval {
    double start, end;
  };
  std::vector<Interval> fallback;  // decisions are in time order (the world sorts them)
  for (const ControllerDecision& d : h.decisions) {
    if (d.action == "semi_sync_off") {
      ++stats.fallbacks;
      if (fallback.empty() || fallback.back().end < h.duration_s) fallback.push_back({d.t, h.duration_s});
    } else if (d.action == "semi_sync_on" && !fallback.empty() && fallback.back().end == h.duration_s) {
      fallback.back().end = d.t;
    }
  }
  for (const Interval& i : fallback) stats.time_in_fallback_s += i.end - i.start;
  if (fallback.empty()) return stats;
  for (const OpRecord& op : h.ops) {
    if (op.kind != OpKind::Write || !op.ok()) continue;
    // The first interval ending after the commit; it holds the commit if it began at or before it.
    auto it = std::upper_bound(fallback.begin(), fallback.end(), op.served_s,
                               [](double t, const Interval& i) { return t < i.end; });
    if (it == fallback.end() || op.served_s < it->start) continue;
    ++stats.writes_acknowledged_in_fallback;
    if (!lineage.in_lineage(op.version)) ++stats.lost_writes_in_fallback;
  }
  return stats;
}

}  // namespace mrsim
