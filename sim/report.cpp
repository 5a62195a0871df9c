// Report, trace and history writers; see report.h. Layouts: docs/metrics.md (report), docs/trace-format.md.
#include "sim/report.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

namespace mrsim {
namespace {

using Json = nlohmann::ordered_json;

// Rounded so that reports are readable and a last-bit difference in an intermediate sum cannot change the bytes of
// a report; "+ 0.0" turns -0 into 0. Dividing by the inverse (not multiplying by the unit) gives the double nearest
// to the decimal, so it prints as 0.003001 and not 0.0030009999999999998.
double round_to(double x, double per_unit) { return std::round(x * per_unit) / per_unit + 0.0; }

Json seconds(double x) {
  if (!std::isfinite(x)) return Json();
  return round_to(x, 1e6);
}
Json seconds(const std::optional<double>& x) { return x ? seconds(*x) : Json(); }
Json ratio(const std::optional<double>& x) {
  if (!x || !std::isfinite(*x)) return Json();
  return *x;
}
Json usd(double x) { return round_to(x, 1e9); }

// What every output file starts with: what replays it.
Json run_header(const RunInfo& info) {
  Json h;
  h["seed"] = info.seed;
  h["scenario"] = info.scenario_name;
  h["scenario_hash"] = info.scenario_hash;
  h["version"] = info.version;
  h["replay"] = info.command;
  h["duration_s"] = seconds(info.duration_s);
  return h;
}

Json availability_json(const AvailabilityCell& cell) {
  Json j;
  j["attempted"] = cell.attempted;
  j["ok"] = cell.ok;
  j["ratio"] = ratio(cell.ratio());
  return j;
}

Json latency_json(const Distribution& d) {
  Json j;
  j["count"] = d.count;
  j["p50_s"] = seconds(d.p50);
  j["p95_s"] = seconds(d.p95);
  j["p99_s"] = seconds(d.p99);
  j["mean_s"] = seconds(d.mean);
  j["max_s"] = seconds(d.max);
  return j;
}

Json fault_json(const FaultMetrics& f) {
  Json j;
  j["index"] = f.index;
  j["kind"] = f.kind;
  j["description"] = f.description;
  j["start_s"] = seconds(f.start_s);
  j["end_s"] = seconds(f.end_s);
  Json rto;
  rto["rto_s"] = seconds(f.rto_s);
  rto["recovered"] = f.recovered;
  rto["detection_s"] = seconds(f.detection_s);
  rto["decision_s"] = seconds(f.decision_s);
  rto["promotion_s"] = seconds(f.promotion_s);
  rto["routing_s"] = seconds(f.routing_s);
  Json clients;
  clients["impacted_clients"] = f.client_recovery.impacted_clients;
  clients["not_recovered"] = f.client_recovery.not_recovered;
  clients["p50_s"] = seconds(f.client_recovery.p50_s);
  clients["p99_s"] = seconds(f.client_recovery.p99_s);
  clients["max_s"] = seconds(f.client_recovery.max_s);
  rto["client_recovery"] = std::move(clients);
  j["rto"] = std::move(rto);
  Json rpo;
  rpo["lost_writes"] = f.lost_writes;
  rpo["data_loss_window_s"] = seconds(f.data_loss_window_s);
  rpo["lost_writes_after_fault"] = f.lost_writes_after_fault;
  j["rpo"] = std::move(rpo);
  return j;
}

}  // namespace

Json report_json(const RunInfo& info, const RunMetrics& m) {
  Json r = run_header(info);

  r["faults"] = Json::array();
  for (const FaultMetrics& f : m.faults) r["faults"].push_back(fault_json(f));

  Json stale;
  stale["successful_reads"] = m.stale_reads.successful_reads;
  stale["stale_reads"] = m.stale_reads.stale_reads;
  stale["stale_read_rate"] = ratio(m.stale_reads.stale_read_rate);
  stale["depth"] = {{"mean", ratio(m.stale_reads.depth_mean)}, {"max", m.stale_reads.depth_max}};
  stale["age_s"] = {{"mean", seconds(m.stale_reads.age_s.mean)},
                    {"p99", seconds(m.stale_reads.age_s.p99)},
                    {"max", seconds(m.stale_reads.age_s.max)}};
  r["stale_reads"] = std::move(stale);

  Json sessions;
  sessions["read_your_writes_violations"] = m.sessions.read_your_writes_violations;
  sessions["monotonic_read_violations"] = m.sessions.monotonic_read_violations;
  sessions["clients_with_read_your_writes_violations"] = m.sessions.clients_with_read_your_writes_violations;
  sessions["clients_with_monotonic_read_violations"] = m.sessions.clients_with_monotonic_read_violations;
  r["sessions"] = std::move(sessions);

  r["acknowledged_writes"] = m.writes.acknowledged_writes;
  r["lost_writes"] = m.writes.lost_writes;
  r["lost_writes_unattributed"] = m.lost_writes_unattributed;
  r["reads_of_lost_writes"] = m.writes.reads_of_lost_writes;
  r["overwritten_concurrent_writes"] = m.writes.overwritten_concurrent_writes;

  Json split;
  split["incidents"] = m.split_brain.incidents;
  split["total_duration_s"] = seconds(m.split_brain.total_duration_s);
  split["near_misses"] = m.split_brain.near_misses;
  split["list"] = Json::array();
  for (const SplitBrainIncident& incident : m.split_brain.list) {
    Json i;
    i["start_s"] = seconds(incident.start_s);
    i["end_s"] = seconds(incident.end_s);
    i["ended"] = incident.ended;
    i["duration_s"] = seconds(incident.end_s - incident.start_s);
    i["nodes"] = Json::array();
    i["sides"] = Json::array();
    for (const SplitBrainSide& side : incident.sides) {
      i["nodes"].push_back(side.node);
      i["sides"].push_back({{"node", side.node},
                            {"writes_accepted", side.writes_accepted},
                            {"writes_lost", side.writes_lost},
                            {"writes_not_in_lineage", side.writes_not_in_lineage}});
    }
    split["list"].push_back(std::move(i));
  }
  r["split_brain"] = std::move(split);

  Json availability;
  availability["overall"] = availability_json(m.availability.all);
  availability["read"] = availability_json(m.availability.read);
  availability["write"] = availability_json(m.availability.write);
  availability["by_region"] = Json::object();
  for (const RegionAvailability& region : m.availability.by_region) {
    availability["by_region"][region.region] = {{"overall", availability_json(region.all)},
                                                {"read", availability_json(region.read)},
                                                {"write", availability_json(region.write)}};
  }
  r["availability"] = std::move(availability);

  Json latency;
  latency["read"] = latency_json(m.latency.read);
  latency["write"] = latency_json(m.latency.write);
  latency["by_region"] = Json::object();
  for (const RegionLatency& region : m.latency.by_region) {
    latency["by_region"][region.region] = {{"read", latency_json(region.read)}, {"write", latency_json(region.write)}};
  }
  r["latency"] = std::move(latency);

  Json lag = Json::object();
  for (const ReplicaLag& replica : m.replication_lag) {
    lag[replica.node] = {{"samples", replica.lag_s.count},
                         {"mean_s", seconds(replica.lag_s.mean)},
                         {"p99_s", seconds(replica.lag_s.p99)},
                         {"max_s", seconds(replica.lag_s.max)}};
  }
  r["replication_lag"] = std::move(lag);

  Json traffic;
  traffic["links"] = Json::array();
  for (const LinkTrafficCost& link : m.traffic.links) {
    traffic["links"].push_back(
        {{"link", link.link}, {"bytes", link.bytes}, {"cost_per_gb", link.cost_per_gb}, {"cost_usd", usd(link.cost)}});
  }
  traffic["total_bytes"] = m.traffic.total_bytes;
  traffic["total_cost_usd"] = usd(m.traffic.total_cost);
  r["traffic"] = std::move(traffic);
  return r;
}

// ---------------------------------------------------------------------------------------------------------------
// Text

namespace {

// Formats one JSON leaf for a table cell: null -> "-", numbers with `decimals` places (integers as they are).
std::string cell(const Json& v, int decimals = 3) {
  if (v.is_null()) return "-";
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
    return buf;
  }
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string percent(const Json& v) {
  if (!v.is_number()) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f%%", 100.0 * v.get<double>());
  return buf;
}

// Looks up a nested member without throwing: absent anywhere along the path -> null.
const Json& at(const Json& j, std::initializer_list<const char*> path) {
  static const Json null_value;
  const Json* node = &j;
  for (const char* key : path) {
    if (!node->is_object()) return null_value;
    auto it = node->find(key);
    if (it == node->end()) return null_value;
    node = &*it;
  }
  return *node;
}

// A table, indented by two, two spaces between columns. Text columns (the first `text_columns`, and the last when
// `text_last`) are left-aligned, numbers right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> header, size_t text_columns = 1, bool text_last = false)
      : text_columns_(text_columns), text_last_(text_last) {
    rows_.push_back(std::move(header));
  }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostringstream& out) const {
    std::vector<size_t> width;
    for (const auto& row : rows_) {
      if (width.size() < row.size()) width.resize(row.size(), 0);
      for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    }
    for (const auto& row : rows_) {
      std::string line = " ";
      for (size_t c = 0; c < row.size(); ++c) {
        std::string pad(width[c] - row[c].size(), ' ');
        line += "  ";
        bool left = c < text_columns_ || (text_last_ && c + 1 == width.size());
        line += left ? row[c] + pad : pad + row[c];
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out << line << '\n';
    }
  }

 private:
  size_t text_columns_;
  bool text_last_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace

std::string report_text(const Json& report) {
  std::ostringstream out;
  out << "mrsim " << cell(at(report, {"version"})) << "  scenario " << cell(at(report, {"scenario"})) << "  hash "
      << cell(at(report, {"scenario_hash"})) << "  seed " << cell(at(report, {"seed"})) << '\n';
  out << "replay: " << cell(at(report, {"replay"})) << '\n';
  out << "duration: " << cell(at(report, {"duration_s"})) << " s\n";

  out << "\nFaults (seconds; start and end are run times, the rest is relative to the fault start)\n";
  const Json& faults = at(report, {"faults"});
  if (!faults.is_array() || faults.empty()) {
    out << "  none\n";
  } else {
    // Two tables rather than one 190-column line: recovery (RTO) first, then clients and data loss (RPO).
    Table rto({"#", "kind", "description", "start", "end", "rto", "detect", "decide", "promote", "route"}, 3);
    Table rpo({"#", "clients hit", "not recovered", "client p50", "client p99", "client max", "lost writes",
               "loss window", "lost after start"});
    for (const Json& f : faults) {
      const Json& recovered = at(f, {"rto", "recovered"});
      rto.add({cell(at(f, {"index"})), cell(at(f, {"kind"})), cell(at(f, {"description"})), cell(at(f, {"start_s"})),
               cell(at(f, {"end_s"})),
               recovered.is_boolean() && !recovered.get<bool>() ? std::string("not recovered")
                                                                : cell(at(f, {"rto", "rto_s"})),
               cell(at(f, {"rto", "detection_s"})), cell(at(f, {"rto", "decision_s"})),
               cell(at(f, {"rto", "promotion_s"})), cell(at(f, {"rto", "routing_s"}))});
      const Json& clients = at(f, {"rto", "client_recovery"});
      rpo.add({cell(at(f, {"index"})), cell(at(clients, {"impacted_clients"})), cell(at(clients, {"not_recovered"})),
               cell(at(clients, {"p50_s"})), cell(at(clients, {"p99_s"})), cell(at(clients, {"max_s"})),
               cell(at(f, {"rpo", "lost_writes"})), cell(at(f, {"rpo", "data_loss_window_s"})),
               cell(at(f, {"rpo", "lost_writes_after_fault"}))});
    }
    rto.print(out);
    out << '\n';
    rpo.print(out);
  }

  out << "\nData safety\n";
  {
    Table t({"metric", "value", "detail"}, 1, true);
    const Json& stale = at(report, {"stale_reads"});
    t.add({"stale reads", cell(at(stale, {"stale_reads"})),
           percent(at(stale, {"stale_read_rate"})) + " of " + cell(at(stale, {"successful_reads"})) +
               " successful reads; depth mean " + cell(at(stale, {"depth", "mean"}), 2) + " max " +
               cell(at(stale, {"depth", "max"})) + "; age s mean " + cell(at(stale, {"age_s", "mean"})) + " p99 " +
               cell(at(stale, {"age_s", "p99"})) + " max " + cell(at(stale, {"age_s", "max"}))});
    const Json& sessions = at(report, {"sessions"});
    t.add({"read-your-writes violations", cell(at(sessions, {"read_your_writes_violations"})),
           cell(at(sessions, {"clients_with_read_your_writes_violations"})) + " clients"});
    t.add({"monotonic-read violations", cell(at(sessions, {"monotonic_read_violations"})),
           cell(at(sessions, {"clients_with_monotonic_read_violations"})) + " clients"});
    t.add({"lost writes", cell(at(report, {"lost_writes"})),
           "of " + cell(at(report, {"acknowledged_writes"})) + " acknowledged; " +
               cell(at(report, {"lost_writes_unattributed"})) + " after every fault ended"});
    t.add({"reads of lost writes", cell(at(report, {"reads_of_lost_writes"})), ""});
    t.add({"overwritten concurrent writes", cell(at(report, {"overwritten_concurrent_writes"})), ""});
    const Json& split = at(report, {"split_brain"});
    t.add({"split-brain incidents", cell(at(split, {"incidents"})),
           cell(at(split, {"total_duration_s"})) + " s total; " + cell(at(split, {"near_misses"})) + " near misses"});
    t.print(out);
    const Json& list = at(split, {"list"});
    if (list.is_array() && !list.empty()) {
      Table incidents({"incident", "node", "start", "end", "writes", "lost", "not in lineage"}, 2);
      for (size_t i = 0; i < list.size(); ++i) {
        const Json& incident = list[i];
        std::string end = cell(at(incident, {"end_s"})) +
                          (at(incident, {"ended"}).is_boolean() && !at(incident, {"ended"}).get<bool>() ? " (run end)"
                                                                                                          : "");
        for (const Json& side : at(incident, {"sides"})) {
          incidents.add({std::to_string(i + 1), cell(at(side, {"node"})), cell(at(incident, {"start_s"})), end,
                         cell(at(side, {"writes_accepted"})), cell(at(side, {"writes_lost"})),
                         cell(at(side, {"writes_not_in_lineage"}))});
        }
      }
      incidents.print(out);
    }
  }

  out << "\nAvailability (ok / attempted)\n";
  {
    const Json& a = at(report, {"availability"});
    Table t({"client region", "all", "read", "write", "attempted"});
    t.add({"(all)", percent(at(a, {"overall", "ratio"})), percent(at(a, {"read", "ratio"})),
           percent(at(a, {"write", "ratio"})), cell(at(a, {"overall", "attempted"}))});
    const Json& by_region = at(a, {"by_region"});
    if (by_region.is_object()) {
      for (auto it = by_region.begin(); it != by_region.end(); ++it) {
        const Json& r = it.value();
        t.add({it.key(), percent(at(r, {"overall", "ratio"})), percent(at(r, {"read", "ratio"})),
               percent(at(r, {"write", "ratio"})), cell(at(r, {"overall", "attempted"}))});
      }
    }
    t.print(out);
  }

  out << "\nLatency of successful ops (s)\n";
  {
    const Json& l = at(report, {"latency"});
    Table t({"kind", "client region", "count", "p50", "p95", "p99", "max"}, 2);
    auto row = [&](const char* kind, const std::string& region, const Json& d) {
      t.add({kind, region, cell(at(d, {"count"})), cell(at(d, {"p50_s"}), 4), cell(at(d, {"p95_s"}), 4),
             cell(at(d, {"p99_s"}), 4), cell(at(d, {"max_s"}), 4)});
    };
    for (const char* kind : {"read", "write"}) {
      row(kind, "(all)", at(l, {kind}));
      const Json& by_region = at(l, {"by_region"});
      if (!by_region.is_object()) continue;
      for (auto it = by_region.begin(); it != by_region.end(); ++it) row(kind, it.key(), at(it.value(), {kind}));
    }
    t.print(out);
  }

  out << "\nReplication lag (s)\n";
  {
    const Json& lag = at(report, {"replication_lag"});
    if (!lag.is_object() || lag.empty()) {
      out << "  no replicas sampled\n";
    } else {
      Table t({"replica", "samples", "mean", "p99", "max"});
      for (auto it = lag.begin(); it != lag.end(); ++it) {
        const Json& v = it.value();
        t.add({it.key(), cell(at(v, {"samples"})), cell(at(v, {"mean_s"})), cell(at(v, {"p99_s"})),
               cell(at(v, {"max_s"}))});
      }
      t.print(out);
    }
  }

  out << "\nCross-region traffic\n";
  {
    const Json& traffic = at(report, {"traffic"});
    Table t({"link", "bytes", "USD/GB", "cost USD"});
    const Json& links = at(traffic, {"links"});
    if (links.is_array()) {
      for (const Json& link : links) {
        t.add({cell(at(link, {"link"})), cell(at(link, {"bytes"})), cell(at(link, {"cost_per_gb"}), 4),
               cell(at(link, {"cost_usd"}), 4)});
      }
    }
    t.add({"(total)", cell(at(traffic, {"total_bytes"})), "", cell(at(traffic, {"total_cost_usd"}), 4)});
    t.print(out);
  }
  return out.str();
}

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

std::string region_name(const History& h, size_t region) {
  return region < h.regions.size() ? h.regions[region] : "region" + std::to_string(region);
}

}  // namespace

Json trace_json(const RunInfo& info, const History& h, const MetricsConfig& metrics) {
  Json trace = run_header(info);
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
  auto bucket_of = [&](double t) { return sample_index(t, interval, buckets); };
  Json t_s = Json::array();
  for (size_t b = 0; b < buckets; ++b) t_s.push_back(seconds(static_cast<double>(b) * interval));
  samples["t_s"] = std::move(t_s);

  // Lag: the largest sample in the interval (several replicas' samplers may tick inside one), null without one.
  std::map<int16_t, std::vector<std::optional<double>>> lag;
  if (buckets > 0) {
    for (const LagSample& s : h.lag) {
      auto& series = lag[s.node];
      series.resize(buckets);
      auto& slot = series[bucket_of(s.t)];
      if (!slot || s.lag_s > *slot) slot = s.lag_s;
    }
  }
  Json lag_json = Json::object();
  for (const auto& [node, series] : lag) {
    Json values = Json::array();
    for (const auto& v : series) values.push_back(seconds(v));
    lag_json[node >= 0 && static_cast<size_t>(node) < h.nodes.size() ? h.nodes[static_cast<size_t>(node)]
                                                                     : "node" + std::to_string(node)] = std::move(values);
  }
  samples["lag_s"] = std::move(lag_json);

  // Client series per region and kind, from ops invoked in each interval.
  size_t regions = 0;
  for (const OpRecord& op : h.ops) regions = std::max(regions, static_cast<size_t>(op.region) + 1);
  struct Series {
    std::vector<uint64_t> ops;
    Json success_ratio = Json::array(), p50 = Json::array(), p99 = Json::array();
  };
  std::vector<std::array<Series, 2>> series(regions);
  std::vector<size_t> order(h.ops.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto by_invoke = [&](size_t a, size_t b) { return h.ops[a].invoke_s < h.ops[b].invoke_s; };
  if (!std::is_sorted(order.begin(), order.end(), by_invoke)) std::stable_sort(order.begin(), order.end(), by_invoke);
  std::vector<std::array<std::vector<double>, 2>> latencies(regions);
  std::vector<std::array<uint64_t, 2>> attempted(regions), succeeded(regions);
  size_t next = 0;
  for (size_t b = 0; b < buckets; ++b) {
    for (auto& r : latencies) r[0].clear(), r[1].clear();
    for (auto& r : attempted) r = {0, 0};
    for (auto& r : succeeded) r = {0, 0};
    for (; next < order.size() && bucket_of(h.ops[order[next]].invoke_s) <= b; ++next) {
      const OpRecord& op = h.ops[order[next]];
      int kind = op.kind == OpKind::Write ? 1 : 0;
      ++attempted[op.region][kind];
      if (op.ok()) {
        ++succeeded[op.region][kind];
        latencies[op.region][kind].push_back(op.complete_s - op.invoke_s);
      }
    }
    for (size_t r = 0; r < regions; ++r) {
      for (int kind = 0; kind < 2; ++kind) {
        Series& s = series[r][kind];
        s.ops.push_back(attempted[r][kind]);
        s.success_ratio.push_back(attempted[r][kind] == 0 ? Json()
                                                           : Json(static_cast<double>(succeeded[r][kind]) /
                                                                  static_cast<double>(attempted[r][kind])));
        Distribution d = summarize(latencies[r][kind]);
        s.p50.push_back(seconds(d.p50));
        s.p99.push_back(seconds(d.p99));
      }
    }
  }
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
  trace["samples"] = std::move(samples);
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
    w.literal("}");
    w.end_line();
  }
}

}  // namespace mrsim
