// The trace and history writers; see report.h. Layouts: docs/trace-format.md.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <vector>

#include "sim/checkers.h"
#include "sim/output_json.h"
#include "sim/report.h"
#include "sim/samples.h"

namespace mrsim {

using Json = nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------------------------------
// Trace

namespace {

// Same-instant events are listed in causal order: a fault starts, is detected, the controller decides, roles
// change, routing follows; a fault that ends at that instant is listed last. Within a type, recording order.
enum EventRank { kFaultStart = 0, kHealth = 1, kDecision = 2, kRoleChange = 3, kDns = 4, kFaultEnd = 5 };

struct TraceEvent {
  double t;
  int rank;
  size_t seq;
  Json body;
};

Json node_json(const History& h, int16_t node) {
  if (node == kNoNode) return Json();
  if (node >= 0 && static_cast<size_t>(node) < h.nodes.size()) return h.nodes[static_cast<size_t>(node)];
  return "node" + std::to_string(node);
}

Json ratio_json(const std::optional<double>& x) { return x ? Json(*x) : Json(); }

std::string region_name(const History& h, size_t region) {
  if (region == 255) return "(no answer)";  // a DNS record with no healthy answer (models/dns.h)
  return region < h.regions.size() ? h.regions[region] : "region" + std::to_string(region);
}

// Each node clock's offset from true time, one sample per interval (the sampler takes them at interval starts).
Json clock_offsets_json(const History& h, size_t buckets, double interval) {
  Json out = Json::object();
  for (const auto& [clock, values] : clock_offset_by_interval(h, interval, buckets)) {
    Json list = Json::array();
    for (const auto& v : values) list.push_back(v ? Json(std::round(*v * 1e9) / 1e9) : Json());  // to the ns
    out[clock < h.clocks.size() ? h.clocks[clock] : "clock" + std::to_string(clock)] = std::move(list);
  }
  return out;
}

}  // namespace

Json trace_json(const RunInfo& info, const History& h, const MetricsConfig& metrics,
                const std::vector<AlertRule>& alerts) {
  Json trace = run_header(info);
  trace["format_version"] = kTraceFormatVersion;
  trace["topology"] = h.topology;
  if (!h.conflict_resolution.empty()) trace["conflict_resolution"] = h.conflict_resolution;
  trace["regions"] = h.regions;
  trace["nodes"] = Json::array();
  for (size_t n = 0; n < h.nodes.size(); ++n) {
    trace["nodes"].push_back(
        {{"name", h.nodes[n]}, {"region", n < h.node_region.size() ? Json(region_name(h, h.node_region[n])) : Json()}});
  }

  std::vector<TraceEvent> events;
  for (size_t i = 0; i < h.faults.size(); ++i) {
    const FaultEvent& e = h.faults[i];
    bool start = e.what == FaultEventKind::Start;
    events.push_back({e.t, start ? kFaultStart : kFaultEnd, i,
                      {{"type", start ? "fault_start" : "fault_end"},
                       {"fault", e.fault},
                       {"kind", e.kind},
                       {"description", e.description}}});
  }
  for (size_t i = 0; i < h.health.size(); ++i) {
    const HealthVerdict& e = h.health[i];
    events.push_back({e.t, kHealth, i,
                      {{"type", "health"},
                       {"node", node_json(h, e.node)},
                       {"from_region", region_name(h, e.from_region)},
                       {"healthy", e.healthy}}});
  }
  for (size_t i = 0; i < h.decisions.size(); ++i) {
    const ControllerDecision& e = h.decisions[i];
    events.push_back({e.t, kDecision, i,
                      {{"type", "decision"}, {"action", e.action}, {"node", node_json(h, e.node)}, {"detail", e.detail}}});
  }
  for (size_t i = 0; i < h.roles.size(); ++i) {
    const RoleChange& e = h.roles[i];
    events.push_back({e.t, kRoleChange, i,
                      {{"type", "role_change"},
                       {"node", node_json(h, e.node)},
                       {"role", to_string(e.role)},
                       {"term", e.term},
                       {"upstream", node_json(h, e.upstream)}}});
  }
  for (size_t i = 0; i < h.dns.size(); ++i) {
    const DnsChange& e = h.dns[i];
    events.push_back({e.t, kDns, i,
                      {{"type", "dns"}, {"record", e.record}, {"answer_region", region_name(h, e.answer_region)}}});
  }
  std::sort(events.begin(), events.end(), [](const TraceEvent& a, const TraceEvent& b) {
    if (a.t != b.t) return a.t < b.t;
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.seq < b.seq;
  });
  Json event_list = Json::array();
  for (TraceEvent& e : events) {
    Json j;
    j["t_s"] = seconds(e.t);
    for (auto it = e.body.begin(); it != e.body.end(); ++it) j[it.key()] = std::move(it.value());
    event_list.push_back(std::move(j));
  }
  trace["events"] = std::move(event_list);

  // Samples: interval b covers [b * interval, (b + 1) * interval).
  Json samples;
  double interval = metrics.sample_interval_s;
  samples["interval_s"] = interval;
  const size_t buckets = sample_count(h.duration_s, interval);
  Json t_s = Json::array();
  for (size_t b = 0; b < buckets; ++b) t_s.push_back(seconds(static_cast<double>(b) * interval));
  samples["t_s"] = std::move(t_s);

  // Lag: the largest sample in the interval (several replicas' samplers may tick inside one), null without one.
  const auto lag = lag_by_interval(h, interval, buckets);
  Json lag_json = Json::object();
  for (const auto& [node, series] : lag) {
    Json values = Json::array();
    for (const auto& v : series) values.push_back(seconds(v));
    lag_json[node >= 0 && static_cast<size_t>(node) < h.nodes.size() ? h.nodes[static_cast<size_t>(node)]
                                                                     : "node" + std::to_string(node)] = std::move(values);
  }
  samples["lag_s"] = std::move(lag_json);

  // CDC stage lag (docs/metrics.md, "CDC pipeline"): each interval's sample, null while the node is no replica.
  if (!h.cdc.empty()) {
    Json cdc = Json::object();
    for (const CdcNodeStats& node : check_cdc(h, interval)) {
      Json stages = Json::object();
      for (int k = 0; k < kCdcStages; ++k) {
        Json values = Json::array();
        for (size_t b = 0; b < buckets; ++b) values.push_back(nullptr);
        for (size_t i = 0; i < node.sample_t.size(); ++i)
          values[sample_index(node.sample_t[i], interval, buckets)] = seconds(node.lag_series[k][i]);
        stages[cdc_stage_name(k)] = std::move(values);
      }
      cdc[node.node] = std::move(stages);
    }
    samples["cdc_lag_s"] = std::move(cdc);
  }

  // Client series per region and kind, from ops invoked in each interval.
  const size_t regions = client_region_count(h);
  struct Series {
    std::vector<uint64_t> ops;
    Json success_ratio = Json::array(), p50 = Json::array(), p99 = Json::array();
  };
  std::vector<std::array<Series, 2>> series(regions);
  for_each_client_interval(h, interval, buckets, [&](size_t, ClientInterval& c) {
    for (size_t r = 0; r < regions; ++r) {
      for (int kind = 0; kind < 2; ++kind) {
        Series& s = series[r][kind];
        s.ops.push_back(c.attempted[r][kind]);
        s.success_ratio.push_back(ratio_json(c.success_ratio(r, kind)));
        Distribution d = summarize(c.latencies[r][kind]);
        s.p50.push_back(seconds(d.p50));
        s.p99.push_back(seconds(d.p99));
      }
    }
  });
  Json clients = Json::object();
  for (size_t r = 0; r < regions; ++r) {
    Json region;
    for (int kind = 0; kind < 2; ++kind) {
      Series& s = series[r][kind];
      region[kind == 0 ? "read" : "write"] = {{"ops", s.ops},
                                              {"success_ratio", std::move(s.success_ratio)},
                                              {"latency_p50_s", std::move(s.p50)},
                                              {"latency_p99_s", std::move(s.p99)}};
    }
    clients[region_name(h, r)] = std::move(region);
  }
  samples["clients"] = std::move(clients);
  if (!h.clock_samples.empty()) samples["clock_offset_s"] = clock_offsets_json(h, buckets, interval);
  // Stale reads per interval, by invoke time, exactly as the checker counts them (docs/metrics.md).
  const std::vector<double> stale_invoke_s = check_stale_reads(h).stale_invoke_s;  // shared with the alerts below
  const std::vector<uint64_t> stale = stale_reads_by_interval(stale_invoke_s, interval, buckets);
  samples["stale_reads"] = stale;
  trace["samples"] = std::move(samples);

  // Alert firings, rule by rule, as the report lists them (docs/metrics.md, "Alerts").
  Json alert_list = Json::array();
  for (const AlertResult& a : check_alerts(h, alerts, metrics, &stale_invoke_s)) {
    for (const AlertFiring& f : a.firing) {
      Json labels = Json::object();
      if (!f.label_key.empty()) labels[f.label_key] = f.label_value;
      alert_list.push_back({{"name", a.name},
                            {"expr", a.expr},
                            {"for_s", seconds(a.for_s)},
                            {"labels", std::move(labels)},
                            {"start_s", seconds(f.start_s)},
                            {"end_s", seconds(f.end_s)}});
    }
  }
  trace["alerts"] = std::move(alert_list);
  return trace;
}

}  // namespace mrsim
