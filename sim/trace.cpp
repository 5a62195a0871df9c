// The trace and history writers; see report.h. Layouts: docs/trace-format.md.
#include <algorithm>
#include <array>
#include <charconv>
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

// ---------------------------------------------------------------------------------------------------------------
// History as JSON lines. Written by hand rather than through nlohmann objects: the bench history has 3.6 million
// ops. Doubles use std::to_chars (shortest round-trip form), which is exact and the same on every platform.

namespace {

// Appends JSON fragments to a buffer with no intermediate strings; flushed to the stream in large blocks.
class LineWriter {
 public:
  explicit LineWriter(std::ostream& out) : out_(out) { buffer_.reserve(kBlock + 1024); }
  ~LineWriter() { flush(); }
  void raw(const char* s, size_t n) { buffer_.append(s, n); }
  void raw(const std::string& s) { buffer_.append(s); }
  template <size_t N>
  void literal(const char (&s)[N]) { buffer_.append(s, N - 1); }
  template <typename Number>
  void number(Number v) {
    char buf[32];
    auto result = std::to_chars(buf, buf + sizeof buf, v);
    buffer_.append(buf, result.ptr);
  }
  void seconds(double v) {
    if (std::isfinite(v)) {
      number(v);
    } else {
      literal("null");
    }
  }
  void end_line() {
    buffer_.push_back('\n');
    if (buffer_.size() >= kBlock) flush();
  }
  void flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

 private:
  static constexpr size_t kBlock = 1 << 20;
  std::ostream& out_;
  std::string buffer_;
};

}  // namespace

void write_history_jsonl(std::ostream& out, const History& h) {
  std::vector<std::string> region_names, node_names;
  for (const std::string& r : h.regions) region_names.push_back(Json(r).dump());
  for (const std::string& n : h.nodes) node_names.push_back(Json(n).dump());
  LineWriter w(out);
  for (size_t i = 0; i < h.ops.size(); ++i) {
    const OpRecord& op = h.ops[i];
    w.literal("{\"op\":");
    w.number(i);
    w.literal(",\"client\":");
    w.number(op.client);
    w.literal(",\"region\":");
    w.raw(op.region < region_names.size() ? region_names[op.region] : Json(region_name(h, op.region)).dump());
    w.literal(",\"kind\":\"");
    w.raw(to_string(op.kind), std::char_traits<char>::length(to_string(op.kind)));
    w.literal("\",\"key\":");
    w.number(op.key);
    w.literal(",\"invoke_s\":");
    w.seconds(op.invoke_s);
    w.literal(",\"complete_s\":");
    w.seconds(op.complete_s);
    w.literal(",\"served_s\":");
    w.seconds(op.served_s);
    w.literal(",\"outcome\":\"");
    w.raw(to_string(op.outcome), std::char_traits<char>::length(to_string(op.outcome)));
    w.literal("\",\"version\":");
    w.number(op.version);
    w.literal(",\"node\":");
    if (op.node == kNoNode) {
      w.literal("null");
    } else if (op.node >= 0 && static_cast<size_t>(op.node) < node_names.size()) {
      w.raw(node_names[static_cast<size_t>(op.node)]);
    } else {
      w.raw(node_json(h, op.node).dump());
    }
    w.literal(",\"attempts\":");
    w.number(static_cast<unsigned>(op.attempts));
    if (op.arg != 0) {  // the write's operation, in designs that have one (CRDTs, siblings)
      w.literal(",\"arg\":");
      w.raw(std::to_string(op.arg));
    }
    w.literal("}");
    w.end_line();
  }
}

}  // namespace mrsim
