// Long runs: downtime per client region and overall, nines, incidents and failovers that made things worse
// (docs/metrics.md, "Long runs: downtime, nines and incidents"). Built on the per-fault RTO and RPO
// (checkers_recovery.cpp) and the split-brain incidents (checkers_data.cpp), never redefining them.
//
// Cost: one pass over the ops (sorted by invoke time) and sorts of the down intervals and faults; nothing is per
// window, so a year at a 10 s window costs no more than its ops.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "sim/checkers.h"

namespace mrsim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct Interval {
  double from, to;
};

// Sorted, overlapping or touching intervals joined.
std::vector<Interval> merged(std::vector<Interval> v) {
  std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) { return a.from < b.from; });
  std::vector<Interval> out;
  for (const Interval& i : v) {
    if (!out.empty() && i.from <= out.back().to)
      out.back().to = std::max(out.back().to, i.to);
    else
      out.push_back(i);
  }
  return out;
}

double total(const std::vector<Interval>& v) {
  double sum = 0;
  for (const Interval& i : v) sum += i.to - i.from;
  return sum;
}

double overlap(const std::vector<Interval>& v, double from, double to) {
  double sum = 0;
  for (const Interval& i : v) sum += std::max(0.0, std::min(i.to, to) - std::max(i.from, from));
  return sum;
}

RegionDowntime downtime_of(const std::string& region, double down_s, double duration, double window) {
  RegionDowntime d;
  d.region = region;
  d.downtime_s = down_s;
  d.availability = duration > 0 ? 1 - down_s / duration : 1;
  d.nines = duration > 0 ? std::log10(duration / std::max(down_s, std::min(window, duration))) : 0;
  return d;
}

// The down intervals of each client region: observed windows judged by the threshold, held until the next observed
// window (or the run end).
std::map<uint8_t, std::vector<Interval>> down_intervals(const History& history, const MetricsConfig& config,
                                                        const std::vector<uint8_t>& client_regions) {
  const double w = config.window_s, end = history.duration_s;
  struct Observed {
    int64_t window;
    uint64_t attempted = 0, ok = 0;
  };
  std::map<uint8_t, std::vector<Observed>> observed;
  for (uint8_t r : client_regions) observed[r];
  for (const OpRecord& op : history.ops) {
    if (!(op.invoke_s < end)) continue;
    auto it = observed.find(op.region);
    if (it == observed.end()) continue;
    const int64_t k = static_cast<int64_t>(std::floor(op.invoke_s / w));
    std::vector<Observed>& list = it->second;
    if (list.empty() || list.back().window != k) list.push_back({k});  // ops come in invoke order
    ++list.back().attempted;
    if (op.ok()) ++list.back().ok;
  }
  std::map<uint8_t, std::vector<Interval>> out;
  for (auto& [region, list] : observed) {
    std::vector<Interval> down;
    for (size_t i = 0; i < list.size(); ++i) {
      const Observed& o = list[i];
      if (!(static_cast<double>(o.ok) < config.threshold * static_cast<double>(o.attempted))) continue;
      const double from = static_cast<double>(o.window) * w;
      const double to = i + 1 < list.size() ? static_cast<double>(list[i + 1].window) * w : end;
      down.push_back({from, std::min(to, end)});
    }
    out[region] = merged(std::move(down));
  }
  return out;
}

}  // namespace

LongRunStats check_long_run(const History& history, const MetricsConfig& config,
                            const std::vector<FaultMetrics>& faults, const SplitBrainStats& split_brain,
                            const std::vector<uint8_t>& client_regions) {
  LongRunStats stats;
  stats.applicable = true;
  const double duration = history.duration_s, window = config.window_s;

  // Downtime.
  const auto down = down_intervals(history, config, client_regions);
  std::vector<Interval> all;
  for (const auto& [region, intervals] : down) {
    stats.by_region.push_back(
        downtime_of(name_or_index(history.regions, region, "region-"), total(intervals), duration, window));
    all.insert(all.end(), intervals.begin(), intervals.end());
  }
  const std::vector<Interval> overall = merged(std::move(all));
  stats.overall = downtime_of("", total(overall), duration, window);

  // Incidents: faults by (start, index), grouped while each starts before the latest settle time so far.
  std::vector<const FaultMetrics*> order;
  for (const FaultMetrics& f : faults) order.push_back(&f);
  std::stable_sort(order.begin(), order.end(), [](const FaultMetrics* a, const FaultMetrics* b) {
    return a->start_s < b->start_s || (a->start_s == b->start_s && a->index < b->index);
  });
  auto settle = [&](const FaultMetrics& f) {
    if (!f.end_s || !f.rto_s) return duration;
    return std::max(*f.end_s, f.start_s + *f.rto_s);
  };
  std::vector<std::vector<const FaultMetrics*>> groups;
  double latest = -kInfinity;
  for (const FaultMetrics* f : order) {
    if (groups.empty() || f->start_s >= latest) {
      groups.emplace_back();
      latest = -kInfinity;
    }
    groups.back().push_back(f);
    latest = std::max(latest, settle(*f));
  }

  // Failovers: promotions of a node other than the last primary (a primary that comes back and resumes is none).
  std::vector<RoleChange> promoted;
  {
    const std::vector<RoleChange> all = promotions(history);
    int16_t last_primary = kNoNode;
    size_t next = 0;
    for (const RoleChange& r : history.roles) {
      // promotions() walks history.roles in the same order, so its entries come up in turn.
      if (next < all.size() && r.t == all[next].t && r.node == all[next].node && r.role == Role::Primary) {
        if (r.node != last_primary) promoted.push_back(r);
        ++next;
      }
      if (r.role == Role::Primary) last_primary = r.node;
    }
  }
  std::vector<bool> in_incident(promoted.size(), false);
  std::vector<double> rto, windows, recovery_p99, downtime;
  for (const auto& group : groups) {
    Incident incident;
    incident.start_s = group.front()->start_s;
    double close = -kInfinity, last_end = -kInfinity, recovered_at = -kInfinity;
    bool all_recovered = true, recovery_defined = true;
    for (const FaultMetrics* f : group) {
      incident.faults.push_back(f->index);
      close = std::max(close, settle(*f));
      last_end = std::max(last_end, f->end_s ? *f->end_s : kInfinity);
      if (f->rto_s)
        recovered_at = std::max(recovered_at, f->start_s + *f->rto_s);
      else
        all_recovered = false;
      incident.lost_writes += f->lost_writes;
      incident.lost_writes_after_fault += f->lost_writes_after_fault;
      incident.data_loss_window_s = std::max(incident.data_loss_window_s, f->data_loss_window_s);
      const ClientRecovery& c = f->client_recovery;
      if (!c.p99_s || !c.max_s) recovery_defined = false;
      if (c.p99_s) incident.client_recovery_p99_s = std::max(incident.client_recovery_p99_s.value_or(0.0), *c.p99_s);
      if (c.max_s) incident.client_recovery_max_s = std::max(incident.client_recovery_max_s.value_or(0.0), *c.max_s);
    }
    incident.close_s = std::min(close, duration);
    if (all_recovered) incident.rto_s = recovered_at - incident.start_s;
    if (!recovery_defined) incident.client_recovery_p99_s.reset(), incident.client_recovery_max_s.reset();
    incident.downtime_s = overlap(overall, incident.start_s, incident.close_s);

    // Failovers in [start, close), and whether they made things worse.
    std::optional<double> first_failover;
    bool new_primary_lost = false;
    for (size_t p = 0; p < promoted.size(); ++p) {
      const RoleChange& r = promoted[p];
      if (r.t < incident.start_s || r.t >= incident.close_s) continue;
      in_incident[p] = true;
      ++incident.failovers;
      if (!first_failover) first_failover = r.t;
      for (const RoleChange& later : history.roles)
        if (later.node == r.node && later.role == Role::Down && later.t > r.t && later.t < incident.close_s)
          new_primary_lost = true;
    }
    if (incident.failovers > 0) {
      for (const SplitBrainIncident& sb : split_brain.list)
        if (sb.start_s < incident.close_s && sb.end_s > incident.start_s) {
          incident.worse.push_back("split_brain");
          break;
        }
      if (*first_failover >= last_end) incident.worse.push_back("late");
      if (incident.lost_writes > 0 && (!incident.rto_s || incident.start_s + *incident.rto_s >= last_end))
        incident.worse.push_back("lost_writes_without_gain");
      if (new_primary_lost) incident.worse.push_back("new_primary_lost");
    }

    if (incident.rto_s)
      rto.push_back(*incident.rto_s);
    else
      ++stats.not_recovered;
    windows.push_back(incident.data_loss_window_s);
    if (incident.client_recovery_p99_s) recovery_p99.push_back(*incident.client_recovery_p99_s);
    downtime.push_back(incident.downtime_s);
    stats.lost_writes += incident.lost_writes;
    if (!incident.worse.empty()) ++stats.worse_incidents;
    stats.incidents.push_back(std::move(incident));
  }
  for (bool inside : in_incident)
    if (!inside) ++stats.failovers_outside_incidents;
  stats.rto_s = summarize(rto);
  stats.data_loss_window_s = summarize(windows);
  stats.client_recovery_p99_s = summarize(recovery_p99);
  stats.downtime_s = summarize(downtime);
  return stats;
}

}  // namespace mrsim
