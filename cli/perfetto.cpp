// mrsim export --perfetto: a trace (docs/trace-format.md) as Chrome trace-event JSON, which ui.perfetto.dev and
// chrome://tracing open. Layout:
//  - process 1 "database nodes": a track per node, its roles as complete slices ("X"), its term in the slice's args;
//    a counter per node of its replication lag;
//  - process 2 "health checks": a track per (node, vantage region), its verdicts as slices;
//  - process 3 "faults": a track per fault, the fault as a slice (to the run's end if it never ends);
//  - process 4 "control plane": controller decisions and DNS changes as instant events ("i");
//  - process 5 "clients": counters of success ratio per client region and kind, and of stale reads;
//  - process 6 "clocks": a counter per node clock of its offset, when the trace has them;
//  - process 7 "alerts": a track per alert rule and series, its firing intervals as slices (to the run's end if
//    still firing), the rule in the slice's args.
// Times are microseconds ("ts", "dur"), as the format wants.
#include "cli/perfetto.h"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/output_files.h"
#include "sim/report.h"
#include "sim/scenario_loader.h"

namespace mrsim {

using Json = nlohmann::ordered_json;

namespace {

constexpr int kNodes = 1, kChecks = 2, kFaults = 3, kControl = 4, kClients = 5, kClocks = 6, kAlerts = 7;

double us(double seconds) { return std::round(seconds * 1e6); }

struct Tracks {
  std::map<std::pair<int, std::string>, int> tid;  // (pid, track name) -> tid
  Json& events;
  int of(int pid, const std::string& name) {
    auto [it, fresh] = tid.emplace(std::make_pair(pid, name), int(tid.size()) + 1);
    if (fresh)
      events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid}, {"tid", it->second}, {"ts", 0},
                        {"args", {{"name", name}}}});
    return it->second;
  }
};

const Json& require(const Json& j, const char* key, const std::string& path) {
  if (!j.is_object() || !j.contains(key)) throw InputError(path + ": expected an mrsim trace, found no \"" + key + "\"");
  return j.at(key);
}

}  // namespace

Json perfetto_json(const Json& trace, const std::string& path) {
  const int version = require(trace, "format_version", path).is_number_integer() ? trace["format_version"].get<int>() : -1;
  if (version != kTraceFormatVersion)
    throw InputError(path + ": expected an mrsim trace of format version " + std::to_string(kTraceFormatVersion) +
                     ", found version " + trace["format_version"].dump());
  const double end = require(trace, "duration_s", path).get<double>();
  const Json& events_in = require(trace, "events", path);
  const Json& samples = require(trace, "samples", path);
  Json out;
  Json& events = out["traceEvents"] = Json::array();
  for (const auto& [pid, name] : std::map<int, const char*>{{kNodes, "database nodes"}, {kChecks, "health checks"},
                                                            {kFaults, "faults"}, {kControl, "control plane"},
                                                            {kClients, "clients"}, {kClocks, "clocks"},
                                                            {kAlerts, "alerts"}})
    events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"tid", 0}, {"ts", 0}, {"args", {{"name", name}}}});
  Tracks tracks{{}, events};

  // Slices that last until the next event of their track: roles and verdicts.
  struct Open {
    double since;
    std::string name;
    Json args;
  };
  std::map<std::pair<int, int>, Open> open;
  auto close = [&](int pid, int tid, double t) {
    auto it = open.find({pid, tid});
    if (it == open.end()) return;
    events.push_back({{"ph", "X"}, {"name", it->second.name}, {"pid", pid}, {"tid", tid}, {"ts", us(it->second.since)},
                      {"dur", us(t) - us(it->second.since)}, {"args", it->second.args}});
    open.erase(it);
  };
  std::map<uint64_t, double> fault_start;
  for (const Json& e : events_in) {
    const std::string type = e.value("type", "");
    const double t = e.value("t_s", 0.0);
    if (type == "role_change") {
      const int tid = tracks.of(kNodes, e["node"].is_string() ? e["node"].get<std::string>() : e["node"].dump());
      close(kNodes, tid, t);
      open[{kNodes, tid}] = {t, e.value("role", "?"), {{"term", e.value("term", 0)}, {"upstream", e.value("upstream", Json())}}};
    } else if (type == "health") {
      const std::string name = (e["node"].is_string() ? e["node"].get<std::string>() : e["node"].dump()) + " from " +
                               e.value("from_region", "?");
      const int tid = tracks.of(kChecks, name);
      close(kChecks, tid, t);
      open[{kChecks, tid}] = {t, e.value("healthy", true) ? "healthy" : "unhealthy", Json::object()};
    } else if (type == "fault_start") {
      fault_start[e.value("fault", uint64_t(0))] = t;
      const int tid = tracks.of(kFaults, "fault " + std::to_string(e.value("fault", 0)));
      open[{kFaults, tid}] = {t, e.value("kind", "fault") + ": " + e.value("description", ""), Json::object()};
    } else if (type == "fault_end") {
      close(kFaults, tracks.of(kFaults, "fault " + std::to_string(e.value("fault", 0))), t);
    } else if (type == "decision" || type == "dns") {
      const std::string name = type == "dns" ? "dns " + e.value("record", "") + " -> " + e.value("answer_region", "")
                                             : e.value("action", "decision");
      Json args = e;
      args.erase("t_s");
      events.push_back({{"ph", "i"}, {"name", name}, {"pid", kControl}, {"tid", tracks.of(kControl, type)},
                        {"ts", us(t)}, {"s", "t"}, {"args", args}});
    } else {
      // Another event type (a later format's): an instant on a track of its own, so nothing is dropped.
      Json args = e;
      args.erase("t_s");
      events.push_back({{"ph", "i"}, {"name", type}, {"pid", kControl}, {"tid", tracks.of(kControl, type)},
                        {"ts", us(t)}, {"s", "t"}, {"args", args}});
    }
  }
  std::vector<std::pair<int, int>> still_open;
  for (const auto& [key, slice] : open) still_open.push_back(key);
  for (const auto& [pid, tid] : still_open) close(pid, tid, end);

  // Alerts (traces written before they existed have none): a slice per firing interval.
  if (trace.contains("alerts") && trace["alerts"].is_array()) {
    for (const Json& a : trace["alerts"]) {
      if (!a.is_object() || !a.contains("start_s") || !a["start_s"].is_number()) continue;
      std::string track = a.value("name", "alert");
      if (a.contains("labels") && a["labels"].is_object())
        for (const auto& [key, value] : a["labels"].items())
          track += " " + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
      const double start = a["start_s"].get<double>();
      const double stop = a.contains("end_s") && a["end_s"].is_number() ? a["end_s"].get<double>() : end;
      events.push_back({{"ph", "X"}, {"name", a.value("name", "alert")}, {"pid", kAlerts},
                        {"tid", tracks.of(kAlerts, track)}, {"ts", us(start)}, {"dur", us(stop) - us(start)},
                        {"args", {{"expr", a.value("expr", "")}, {"for_s", a.value("for_s", Json())},
                                  {"labels", a.value("labels", Json::object())}}}});
    }
  }

  // Counters, one value per sample interval.
  const Json& t_s = require(samples, "t_s", path);
  auto counter = [&](int pid, const std::string& name, const Json& values) {
    if (!values.is_array()) return;
    for (size_t b = 0; b < values.size() && b < t_s.size(); ++b)
      if (values[b].is_number())
        events.push_back({{"ph", "C"}, {"name", name}, {"pid", pid}, {"tid", 0}, {"ts", us(t_s[b].get<double>())},
                          {"args", {{"value", values[b]}}}});
  };
  if (samples.contains("lag_s"))
    for (const auto& [node, values] : samples["lag_s"].items()) counter(kNodes, "lag " + node + " (s)", values);
  if (samples.contains("clients"))
    for (const auto& [region, kinds] : samples["clients"].items())
      for (const auto& [kind, series] : kinds.items())
        counter(kClients, "success ratio " + region + " " + kind, series.value("success_ratio", Json()));
  if (samples.contains("stale_reads")) counter(kClients, "stale reads", samples["stale_reads"]);
  if (samples.contains("clock_offset_s"))
    for (const auto& [clock, values] : samples["clock_offset_s"].items()) counter(kClocks, clock + " offset (s)", values);
  out["displayTimeUnit"] = "ms";
  out["metadata"] = {{"source", "mrsim export --perfetto"}, {"scenario", trace.value("scenario", "")},
                     {"seed", trace.value("seed", Json())}, {"replay", trace.value("replay", "")}};
  return out;
}

int cmd_export_perfetto(const std::string& trace_path, const std::string& out_path) {
  if (trace_path.empty()) throw InputError("export: expected --perfetto TRACE.json");
  if (out_path.empty()) throw InputError("export: expected -o OUT.json");
  std::ifstream in(trace_path);
  if (!in) throw InputError(trace_path + ": cannot read the trace");
  Json trace;
  try {
    trace = Json::parse(in);
  } catch (const std::exception& e) {
    throw InputError(trace_path + ": expected an mrsim trace, found JSON that does not parse (truncated?): " +
                     std::string(e.what()).substr(0, 160));
  }
  const Json out = perfetto_json(trace, trace_path);
  OutputFiles files;
  auto f = files.open(out_path);
  f << out.dump() << '\n';
  f.close();
  if (!f) throw InputError(out_path + ": cannot write");
  files.commit();
  return 0;
}

}  // namespace mrsim
