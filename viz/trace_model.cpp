#include "viz/trace_model.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace mrsim::viz {

using Json = nlohmann::json;

namespace {

constexpr int kFormatVersion = 1;  // docs/trace-format.md; sim/report.h kTraceFormatVersion
const double kNaN = std::numeric_limits<double>::quiet_NaN();

Json read_json(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) throw TraceError(path + ": cannot read the " + std::string(what));
  try {
    return Json::parse(in);
  } catch (const std::exception&) {
    throw TraceError(path + ": expected an mrsim " + std::string(what) + ", found JSON that does not parse (truncated?)");
  }
}

const Json& need(const Json& j, const char* key, const std::string& path, const char* what = "object") {
  if (!j.is_object() || !j.contains(key))
    throw TraceError(path + ": expected an mrsim trace, found a " + std::string(what) + " without \"" + key + "\"");
  return j.at(key);
}

double number(const Json& j, const char* key, const std::string& path) {
  const Json& v = need(j, key, path);
  if (!v.is_number()) throw TraceError(path + ": expected a number at \"" + key + "\", found " + v.dump().substr(0, 40));
  return v.get<double>();
}

std::string text(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return "";
  const Json& v = j.at(key);
  return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
}

std::vector<double> values_of(const Json& array) {
  std::vector<double> out;
  if (!array.is_array()) return out;
  for (const Json& v : array) out.push_back(v.is_number() ? v.get<double>() : kNaN);
  return out;
}

Lane& lane(std::vector<Lane>& lanes, const std::string& name) {
  for (Lane& l : lanes)
    if (l.name == name) return l;
  lanes.push_back({name, {}});
  return lanes.back();
}

// Closes the open span of a lane at t and opens one labelled `label`.
void switch_to(Lane& l, double t, const std::string& label, const std::string& detail) {
  if (!l.spans.empty() && l.spans.back().end < 0) l.spans.back().end = t;
  l.spans.push_back({t, -1, label, detail});
}

}  // namespace

TraceModel load_trace(const std::string& path) {
  const Json trace = read_json(path, "trace");
  if (!trace.is_object()) throw TraceError(path + ": expected an mrsim trace, found no JSON object");
  const Json& version = need(trace, "format_version", path);
  if (!version.is_number_integer() || version.get<int>() != kFormatVersion)
    throw TraceError(path + ": expected an mrsim trace of format version " + std::to_string(kFormatVersion) +
                     ", found version " + version.dump().substr(0, 20));
  TraceModel m;
  m.path = path;
  m.scenario = text(trace, "scenario");
  if (trace.contains("topology")) m.topology = text(trace, "topology");
  m.duration = number(trace, "duration_s", path);
  if (!(m.duration > 0)) throw TraceError(path + ": expected a positive duration_s");
  const Json& events = need(trace, "events", path);
  const Json& samples = need(trace, "samples", path);
  if (!events.is_array()) throw TraceError(path + ": expected a list at \"events\"");
  m.interval = number(samples, "interval_s", path);
  m.t = values_of(need(samples, "t_s", path));

  std::map<int, size_t> fault_at;
  for (const Json& e : events) {
    if (!e.is_object() || !e.contains("t_s") || !e["t_s"].is_number() || !e.contains("type"))
      throw TraceError(path + ": expected every event to have t_s and type, found " + e.dump().substr(0, 60));
    const double t = e["t_s"].get<double>();
    const std::string type = text(e, "type");
    if (type == "role_change") {
      const std::string role = text(e, "role");
      switch_to(lane(m.nodes, text(e, "node")), t, role,
                role + ", term " + text(e, "term") + (text(e, "upstream").empty() ? "" : ", follows " + text(e, "upstream")));
    } else if (type == "health") {
      const bool healthy = e.value("healthy", true);
      switch_to(lane(m.checkers, text(e, "node") + " from " + text(e, "from_region")), t, healthy ? "healthy" : "unhealthy",
                std::string(healthy ? "healthy" : "unhealthy") + " since " + std::to_string(t) + " s");
    } else if (type == "fault_start") {
      FaultInfo f;
      f.index = e.value("fault", 0);
      f.kind = text(e, "kind");
      f.description = text(e, "description");
      f.start = t;
      fault_at[f.index] = m.faults.size();
      m.faults.push_back(f);
    } else if (type == "fault_end") {
      auto it = fault_at.find(e.value("fault", 0));
      if (it != fault_at.end()) m.faults[it->second].end = t;
    } else if (type == "decision") {
      m.instants.push_back({t, type, text(e, "action") + " " + text(e, "node") + " " + text(e, "detail")});
    } else if (type == "dns") {
      m.instants.push_back({t, type, "DNS " + text(e, "record") + " -> " + text(e, "answer_region")});
    } else {
      m.instants.push_back({t, type, type});  // a later format's event: shown generically
    }
  }
  for (auto* lanes : {&m.nodes, &m.checkers})
    for (Lane& l : *lanes)
      for (Span& s : l.spans)
        if (s.end < 0) s.end = m.duration;

  // Split brain (single-primary only): intervals where two or more nodes are primary at once. Multi-primary and
  // leaderless nodes all take writes by design.
  if (m.topology == "single-primary") {
    std::vector<std::pair<double, int>> edges;
    for (const Lane& l : m.nodes)
      for (const Span& s : l.spans)
        if (s.label == "primary") edges.push_back({s.start, +1}), edges.push_back({s.end, -1});
    std::sort(edges.begin(), edges.end());
    int primaries = 0;
    double since = 0;
    for (const auto& [t, d] : edges) {
      const int before = primaries;
      primaries += d;
      if (before < 2 && primaries >= 2) since = t;
      if (before >= 2 && primaries < 2 && t > since) m.split_brain.push_back({since, t, "split brain", ""});
    }
  }

  // Alerts: optional (traces written before they existed have none); a firing still open at the end has end null.
  if (trace.contains("alerts")) {
    const Json& alerts = trace["alerts"];
    if (!alerts.is_array()) throw TraceError(path + ": expected a list at \"alerts\"");
    for (const Json& a : alerts) {
      if (!a.is_object() || !a.contains("start_s") || !a["start_s"].is_number() || !a.contains("name"))
        throw TraceError(path + ": expected every alert to have name and start_s, found " + a.dump().substr(0, 60));
      std::string labels, lane_name = text(a, "name");
      if (a.contains("labels") && a["labels"].is_object())
        for (const auto& [key, value] : a["labels"].items()) {
          const std::string v = value.is_string() ? value.get<std::string>() : value.dump();
          labels += (labels.empty() ? "" : ", ") + key + "=" + v;
          lane_name += " " + v;
        }
      const double start = a["start_s"].get<double>();
      const double end = a.contains("end_s") && a["end_s"].is_number() ? a["end_s"].get<double>() : m.duration;
      std::string detail = text(a, "name") + ": " + text(a, "expr");
      if (a.contains("for_s") && a["for_s"].is_number()) detail += " for " + text(a, "for_s") + " s";
      if (!labels.empty()) detail += " {" + labels + "}";
      if (!(a.contains("end_s") && a["end_s"].is_number())) detail += ", still firing at the end";
      lane(m.alerts, lane_name).spans.push_back({start, end, "firing", detail});
    }
  }

  if (samples.contains("clients") && samples["clients"].is_object())
    for (const auto& [region, kinds] : samples["clients"].items()) {
      if (!kinds.is_object()) continue;
      for (const auto& [kind, series] : kinds.items()) {
        if (!series.is_object()) continue;
        const std::vector<double> ops = values_of(series.value("ops", Json()));
        for (double n : ops)
          if (!std::isnan(n)) m.trace_ops += size_t(n);
        m.client_ops.push_back({region + " " + kind, ops});
        m.success_ratio.push_back({region + " " + kind, values_of(series.value("success_ratio", Json()))});
        m.latency_p99.push_back({region + " " + kind, values_of(series.value("latency_p99_s", Json()))});
      }
    }
  if (samples.contains("lag_s") && samples["lag_s"].is_object())
    for (const auto& [node, values] : samples["lag_s"].items()) m.lag.push_back({node, values_of(values)});
  m.stale_reads = {"stale reads", values_of(samples.value("stale_reads", Json()))};
  if (samples.contains("clock_offset_s") && samples["clock_offset_s"].is_object())
    for (const auto& [clock, values] : samples["clock_offset_s"].items()) m.clock_offsets.push_back({clock, values_of(values)});
  for (const auto* group : {&m.success_ratio, &m.latency_p99, &m.lag, &m.clock_offsets})
    for (const Series& s : *group)
      if (s.values.size() > m.t.size())
        throw TraceError(path + ": expected at most one value per sample interval in series " + s.name);
  return m;
}

void attach_report(TraceModel& m, const std::string& report_path) {
  const Json report = read_json(report_path, "report");
  if (!report.is_object() || !report.contains("faults") || !report["faults"].is_array())
    throw TraceError(report_path + ": expected an mrsim report (run --report), found no \"faults\"");
  if (report.value("duration_s", -1.0) != m.duration || (!m.scenario.empty() && text(report, "scenario") != m.scenario))
    throw TraceError(report_path + ": a report of another run than " + m.path + " (scenario or duration differ)");
  auto opt = [](const Json& j, const char* key) -> std::optional<double> {
    if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return std::nullopt;
    return j[key].get<double>();
  };
  for (const Json& f : report["faults"]) {
    const int index = f.value("index", -1);
    for (FaultInfo& info : m.faults) {
      if (info.index != index) continue;
      const Json& rto = f.value("rto", Json::object());
      info.rto = opt(rto, "rto_s");
      info.detection = opt(rto, "detection_s");
      info.decision = opt(rto, "decision_s");
      info.promotion = opt(rto, "promotion_s");
      info.routing = opt(rto, "routing_s");
      info.client_p99 = opt(rto.value("client_recovery", Json::object()), "p99_s");
    }
  }
}

void attach_history(TraceModel& m, const std::string& history_path) {
  std::ifstream in(history_path);
  if (!in) throw TraceError(history_path + ": cannot read the history");
  std::string line;
  size_t n = 0;
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> counts;  // key -> (ops, ok) per interval
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Json op;
    try {
      op = Json::parse(line);
    } catch (const std::exception&) {
      throw TraceError(history_path + ": line " + std::to_string(n + 1) + " is not a JSON object (truncated?)");
    }
    const double invoke = op.value("invoke_s", -1.0);
    if (!op.contains("op") || invoke < 0 || invoke > m.duration)
      throw TraceError(history_path + ": a history of another run than " + m.path + " (op " + std::to_string(n) +
                       " at " + std::to_string(invoke) + " s is outside its " + std::to_string(m.duration) + " s)");
    const std::string key = text(op, "region") + " " + text(op, "kind");
    auto& [ops, ok] = counts[key];
    const size_t bucket = m.interval > 0 ? size_t(invoke / m.interval) : 0;
    if (bucket >= ops.size()) ops.resize(bucket + 1, 0), ok.resize(bucket + 1, 0);
    ++ops[bucket];
    ok[bucket] += text(op, "outcome") == "ok";
    ++n;
  }
  // Per series: the same ops per interval, and the same successes (success_ratio x ops, to rounding).
  for (size_t k = 0; k < m.client_ops.size(); ++k) {
    const auto& [key, trace_ops] = m.client_ops[k];
    const auto it = counts.find(key);
    for (size_t b = 0; b < trace_ops.size(); ++b) {
      const double want = std::isnan(trace_ops[b]) ? 0 : trace_ops[b];
      const double have = it == counts.end() || b >= it->second.first.size() ? 0 : it->second.first[b];
      const double ratio = k < m.success_ratio.size() && b < m.success_ratio[k].values.size() ? m.success_ratio[k].values[b] : 1.0;
      const double have_ok = it == counts.end() || b >= it->second.second.size() ? 0 : it->second.second[b];
      if (have != want || (want > 0 && !std::isnan(ratio) && std::abs(have_ok - ratio * want) > 0.5))
        throw TraceError(history_path + ": a history of another run than " + m.path + " (" + key + " in interval " +
                         std::to_string(b) + ": " + std::to_string(size_t(have)) + " ops, " + std::to_string(size_t(have_ok)) +
                         " ok; the trace says " + std::to_string(size_t(want)) + ")");
    }
  }
  if (m.trace_ops != 0 && n != m.trace_ops)
    throw TraceError(history_path + ": a history of another run than " + m.path + " (" + std::to_string(n) +
                     " ops, the trace counts " + std::to_string(m.trace_ops) + ")");
  m.history_ops = n;
}

std::vector<std::pair<double, double>> min_max_points(const std::vector<double>& t, const std::vector<double>& values,
                                                      double from, double to, size_t buckets) {
  std::vector<std::pair<double, double>> out;
  const size_t n = std::min(t.size(), values.size());
  if (n == 0 || !(to > from) || buckets == 0) return out;
  size_t inside = 0;
  for (size_t i = 0; i < n; ++i) inside += t[i] >= from && t[i] < to;
  if (inside <= 2 * buckets) {  // few enough: every point
    for (size_t i = 0; i < n; ++i)
      if (t[i] >= from && t[i] < to && !std::isnan(values[i])) out.push_back({t[i], values[i]});
    return out;
  }
  const double width = (to - from) / double(buckets);
  size_t i = 0;
  while (i < n && t[i] < from) ++i;
  for (size_t b = 0; b < buckets; ++b) {
    const double end = from + width * double(b + 1);
    size_t lo = n, hi = n;
    for (; i < n && t[i] < end; ++i) {
      if (std::isnan(values[i])) continue;
      if (lo == n || values[i] < values[lo]) lo = i;
      if (hi == n || values[i] > values[hi]) hi = i;
    }
    if (lo == n) continue;
    const size_t first = std::min(lo, hi), second = std::max(lo, hi);
    out.push_back({t[first], values[first]});
    if (second != first) out.push_back({t[second], values[second]});
  }
  return out;
}

}  // namespace mrsim::viz
