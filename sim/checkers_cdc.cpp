// CDC pipelines: see checkers.h and docs/metrics.md ("CDC pipeline"). From the History only: the transits say when
// each change entered, left each stage and left the pipeline; role changes say when a node was a replica.
#include <algorithm>
#include <map>
#include <queue>

#include "sim/checkers.h"

namespace mrsim {
namespace {

// Stage lag of one stage at each sample time: a sweep over the intervals [enter, min(stage, left)) during which a
// change was not yet through the stage, keeping the open ones in a min-heap by commit time. Time only moves forward,
// so an interval found closed at the top of the heap stays closed.
std::vector<double> stage_lag(const std::vector<const CdcTransit*>& transits, int stage,
                              const std::vector<double>& times) {
  struct Open {
    double commit_s, end_s;
    bool operator>(const Open& o) const { return commit_s > o.commit_s || (commit_s == o.commit_s && end_s > o.end_s); }
  };
  std::vector<const CdcTransit*> by_enter(transits);
  std::stable_sort(by_enter.begin(), by_enter.end(),
                   [](const CdcTransit* a, const CdcTransit* b) { return a->enter_s < b->enter_s; });
  std::priority_queue<Open, std::vector<Open>, std::greater<Open>> open;
  std::vector<double> lag;
  size_t next = 0;
  for (double t : times) {
    for (; next < by_enter.size() && by_enter[next]->enter_s <= t; ++next) {
      const CdcTransit& x = *by_enter[next];
      const double end = std::min(x.stage_s[stage], x.left_s);
      if (end > t) open.push({x.commit_s, end});
    }
    while (!open.empty() && open.top().end_s <= t) open.pop();
    lag.push_back(open.empty() ? 0.0 : t - open.top().commit_s);
  }
  return lag;
}

}  // namespace

std::vector<CdcNodeStats> check_cdc(const History& h, double sample_interval_s) {
  std::map<int16_t, std::vector<const CdcTransit*>> by_node;
  for (const CdcTransit& x : h.cdc) by_node[x.node].push_back(&x);
  std::vector<RoleChange> roles(h.roles);
  std::stable_sort(roles.begin(), roles.end(), [](const RoleChange& a, const RoleChange& b) { return a.t < b.t; });
  const size_t samples = sample_count(h.duration_s, sample_interval_s);

  std::vector<CdcNodeStats> result;
  for (const auto& [node, transits] : by_node) {
    CdcNodeStats stats;
    stats.node = name_or_index(h.nodes, node, "node");
    // Sample times at which the node is a replica (its last role change at or before t).
    std::vector<double> times;
    Role role = Role::Down;
    size_t r = 0;
    for (size_t i = 0; i < samples; ++i) {
      const double t = double(i) * sample_interval_s;
      for (; r < roles.size() && roles[r].t <= t; ++r)
        if (roles[r].node == node) role = roles[r].role;
      if (role == Role::Replica) times.push_back(t);
    }
    for (int k = 0; k < kCdcStages; ++k) {
      stats.lag_series[k] = stage_lag(transits, k, times);
      std::vector<double> lag = stats.lag_series[k];
      stats.stages[k].lag_s = summarize(lag);
      std::vector<double> spent;
      for (const CdcTransit* x : transits) {
        if (!(x->stage_s[k] <= h.duration_s)) continue;
        spent.push_back(x->stage_s[k] - (k == 0 ? x->enter_s : x->stage_s[k - 1]));
      }
      stats.stages[k].time_s = summarize(spent);
    }
    for (const CdcTransit* x : transits) {
      if (x->stage_s[kCdcStages - 1] <= h.duration_s)
        ++stats.applied;
      else if (x->left_s <= h.duration_s)
        ++stats.dropped;
    }
    stats.sample_t = std::move(times);
    result.push_back(std::move(stats));
  }
  return result;
}

}  // namespace mrsim
