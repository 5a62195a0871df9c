// Alerts: see checkers.h and docs/metrics.md ("Alerts"). Every series is built from the History with the same
// per-interval code as the trace's samples (sim/samples.h); each rule is then run through AlertState (sim/alerts.h),
// the one implementation of Prometheus' "for" that online users share.
#include <algorithm>
#include <functional>
#include <map>

#include "sim/checkers.h"
#include "sim/samples.h"

namespace mrsim {
namespace {

using Series = std::vector<std::optional<double>>;  // one value per interval; none = no data (condition false)

// Labelled series of one kind, by label value ("" for the single-series kinds), in name order.
using SeriesSet = std::map<std::string, Series>;

// The value at each interval start of a per-node 0/1 or count derived from time-ordered events: `at_start(b)` is
// called with b increasing, and the events with t <= b * interval have been applied before it.
template <typename Event, typename Apply>
void sweep_events(const std::vector<Event>& events, double interval, size_t buckets, Apply apply,
                  const std::function<void(size_t)>& at_start) {
  std::vector<size_t> order(events.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return events[a].t < events[b].t; });
  size_t next = 0;
  for (size_t b = 0; b < buckets; ++b) {
    const double t = static_cast<double>(b) * interval;
    for (; next < order.size() && events[order[next]].t <= t; ++next) apply(events[order[next]]);
    at_start(b);
  }
}

SeriesSet primaries_series(const History& h, double interval, size_t buckets) {
  std::vector<Role> role(h.nodes.size(), Role::Down);
  Series values(buckets);
  sweep_events(
      h.roles, interval, buckets,
      [&](const RoleChange& e) {
        if (e.node >= 0 && static_cast<size_t>(e.node) < role.size()) role[static_cast<size_t>(e.node)] = e.role;
      },
      [&](size_t b) { values[b] = static_cast<double>(std::count(role.begin(), role.end(), Role::Primary)); });
  return {{"", values}};
}

SeriesSet healthy_series(const History& h, double interval, size_t buckets) {
  std::vector<double> healthy(h.nodes.size(), 1.0);
  std::vector<Series> values(h.nodes.size(), Series(buckets));
  sweep_events(
      h.health, interval, buckets,
      [&](const HealthVerdict& e) {
        if (e.node >= 0 && static_cast<size_t>(e.node) < healthy.size())
          healthy[static_cast<size_t>(e.node)] = e.healthy ? 1.0 : 0.0;
      },
      [&](size_t b) {
        for (size_t n = 0; n < healthy.size(); ++n) values[n][b] = healthy[n];
      });
  SeriesSet out;
  for (size_t n = 0; n < h.nodes.size(); ++n) out[h.nodes[n]] = std::move(values[n]);
  return out;
}

SeriesSet success_series(const History& h, double interval, size_t buckets) {
  const size_t regions = client_region_count(h);
  std::vector<Series> values(regions, Series(buckets));
  for_each_client_interval(h, interval, buckets, [&](size_t b, ClientInterval& c) {
    for (size_t r = 0; r < regions; ++r) values[r][b] = c.success_ratio(r, -1);
  });
  SeriesSet out;
  for (size_t r = 0; r < regions; ++r) out[name_or_index(h.regions, static_cast<int64_t>(r), "region")] = values[r];
  return out;
}

SeriesSet build_series(const std::string& series, const History& h, double interval, size_t buckets,
                       const std::vector<double>* stale_invoke_s) {
  SeriesSet out;
  if (series == "replication_lag_s") {
    for (auto& [node, values] : lag_by_interval(h, interval, buckets))
      out[name_or_index(h.nodes, node, "node")] = std::move(values);
  } else if (series == "primaries") {
    out = primaries_series(h, interval, buckets);
  } else if (series == "region_success_ratio") {
    out = success_series(h, interval, buckets);
  } else if (series == "node_healthy") {
    out = healthy_series(h, interval, buckets);
  } else if (series == "stale_reads") {
    std::vector<uint64_t> counts = stale_invoke_s ? stale_reads_by_interval(*stale_invoke_s, interval, buckets)
                                                  : stale_reads_by_interval(h, interval, buckets);
    Series values(buckets);
    for (size_t b = 0; b < buckets; ++b) values[b] = static_cast<double>(counts[b]);
    out[""] = std::move(values);
  } else if (series == "clock_offset_s") {
    for (auto& [clock, values] : clock_offset_by_interval(h, interval, buckets))
      out[name_or_index(h.clocks, clock, "clock")] = std::move(values);
  }
  return out;
}

}  // namespace

std::vector<AlertResult> check_alerts(const History& h, const std::vector<AlertRule>& rules,
                                      const MetricsConfig& config, const std::vector<double>* stale_invoke_s) {
  std::vector<AlertResult> results;
  const double interval = config.sample_interval_s;
  const size_t buckets = sample_count(h.duration_s, interval);
  std::map<std::string, SeriesSet> cache;  // by series name: several rules often watch the same series
  for (const AlertRule& rule : rules) {
    AlertResult result;
    result.name = rule.name;
    result.expr = rule.text;
    result.for_s = rule.for_s;
    auto it = cache.find(rule.series);
    if (it == cache.end())
      it = cache.emplace(rule.series, build_series(rule.series, h, interval, buckets, stale_invoke_s)).first;
    for (const auto& [label, values] : it->second) {
      if (!rule.label_value.empty() && label != rule.label_value) continue;
      AlertState state(rule.for_s);
      bool firing = false;
      for (size_t b = 0; b < buckets; ++b) {
        const double t = static_cast<double>(b) * interval;
        const bool now = state.observe(t, values[b].has_value() && rule.holds(*values[b]));
        if (now && !firing) result.firing.push_back({"", label, *state.firing_since(), std::nullopt});
        if (!now && firing) result.firing.back().end_s = t;
        firing = now;
      }
    }
    for (AlertFiring& f : result.firing) {
      std::string key;
      if (!f.label_value.empty() && alert_series_label(rule.series, key)) f.label_key = key;
      result.firing_total_s += f.end_s.value_or(h.duration_s) - f.start_s;
    }
    std::stable_sort(result.firing.begin(), result.firing.end(), [](const AlertFiring& a, const AlertFiring& b) {
      return a.start_s != b.start_s ? a.start_s < b.start_s : a.label_value < b.label_value;
    });
    results.push_back(std::move(result));
  }
  return results;
}

void attach_first_alerts(std::vector<FaultMetrics>& faults, const std::vector<AlertResult>& alerts) {
  for (FaultMetrics& fault : faults) {
    fault.first_alert.reset();
    for (const AlertResult& alert : alerts) {
      for (const AlertFiring& f : alert.firing) {
        if (f.start_s < fault.start_s) continue;
        if (!fault.first_alert || f.start_s < fault.first_alert->t_s)
          fault.first_alert = FirstAlert{alert.name, f.start_s, f.start_s - fault.start_s};
        break;  // firings are by start: the first one at or after the fault is this rule's earliest
      }
    }
  }
}

}  // namespace mrsim
