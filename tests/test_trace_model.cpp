// The viewer's trace loader (viz/trace_model.h) on small hand-written traces: what it reads, and a clear error,
// never a crash, for malformed ones.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include "viz/trace_model.h"

using namespace mrsim::viz;

namespace {

std::string write(const std::string& name, const std::string& text) {
  const std::string path = std::string(MRSIM_SOURCE_DIR) + "/build/test-trace-" + name + ".json";
  std::ofstream(path) << text;
  return path;
}

// Two nodes; db-a primary, then down at 100 while db-b is promoted at 110, and db-a back as primary at 150
// (a split brain from 150 to 200, when db-a is demoted); one fault from 100 to 150; samples every 100 s.
const char* const kTrace = R"({"scenario": "hand", "format_version": 1, "topology": "single-primary",
  "duration_s": 300,
  "events": [
    {"t_s": 0, "type": "role_change", "node": "db-a", "role": "primary", "term": 1, "upstream": null},
    {"t_s": 0, "type": "role_change", "node": "db-b", "role": "replica", "term": 1, "upstream": "db-a"},
    {"t_s": 100, "type": "fault_start", "fault": 0, "kind": "region_outage", "description": "a"},
    {"t_s": 100, "type": "role_change", "node": "db-a", "role": "down", "term": 1, "upstream": null},
    {"t_s": 105, "type": "health", "node": "db-a", "from_region": "b", "healthy": false},
    {"t_s": 108, "type": "decision", "action": "promote", "node": "db-b", "detail": ""},
    {"t_s": 110, "type": "role_change", "node": "db-b", "role": "primary", "term": 2, "upstream": null},
    {"t_s": 150, "type": "fault_end", "fault": 0, "kind": "region_outage", "description": "a"},
    {"t_s": 150, "type": "role_change", "node": "db-a", "role": "primary", "term": 1, "upstream": null},
    {"t_s": 170, "type": "alert", "name": "two primaries"},
    {"t_s": 200, "type": "role_change", "node": "db-a", "role": "replica", "term": 2, "upstream": "db-b"}],
  "samples": {"interval_s": 100, "t_s": [0, 100, 200], "lag_s": {"db-b": [0.1, null, 0.2]},
    "clients": {"a": {"read": {"ops": [1, 2, 3], "success_ratio": [1, 0.5, null], "latency_p99_s": [0.01, 2, null]}}},
    "stale_reads": [0, 4, 1]}})";

}  // namespace

TEST_CASE("the viewer's loader reads lanes, faults, split brain, instants and series from a trace", "[unit]") {
  const TraceModel m = load_trace(write("good", kTrace));
  CHECK(m.duration == 300);
  REQUIRE(m.nodes.size() == 2);
  CHECK(m.nodes[0].name == "db-a");
  REQUIRE(m.nodes[0].spans.size() == 4);
  CHECK(m.nodes[0].spans[1].label == "down");
  CHECK(m.nodes[0].spans[1].end == 150);
  CHECK(m.nodes[0].spans.back().end == 300);  // the last span lasts to the end of the run
  REQUIRE(m.checkers.size() == 1);
  CHECK(m.checkers[0].spans[0].label == "unhealthy");
  REQUIRE(m.faults.size() == 1);
  CHECK(*m.faults[0].end == 150);
  REQUIRE(m.split_brain.size() == 1);
  CHECK(m.split_brain[0].start == 150);
  CHECK(m.split_brain[0].end == 200);
  CHECK(m.instants.size() == 2);  // the decision, and the alert of a later format, shown generically
  REQUIRE(m.success_ratio.size() == 1);
  CHECK(std::isnan(m.success_ratio[0].values[2]));
  CHECK(m.stale_reads.values[1] == 4);
  CHECK(m.lag.size() == 1);
}

TEST_CASE("the viewer's loader puts each alert series' firing intervals in a lane of its own", "[unit]") {
  std::string text = kTrace;
  const std::string alerts = R"(, "alerts": [
    {"name": "Lag", "expr": "replication_lag_s > 30", "for_s": 60, "labels": {"node": "db-b"}, "start_s": 120,
     "end_s": 180},
    {"name": "TwoPrimaries", "expr": "primaries > 1", "for_s": 0, "labels": {}, "start_s": 150, "end_s": 200},
    {"name": "Lag", "expr": "replication_lag_s > 30", "for_s": 60, "labels": {"node": "db-b"}, "start_s": 250,
     "end_s": null}]})";
  text.replace(text.size() - 1, 1, alerts);
  const TraceModel m = load_trace(write("alerts", text));
  REQUIRE(m.alerts.size() == 2);
  CHECK(m.alerts[0].name == "Lag db-b");
  REQUIRE(m.alerts[0].spans.size() == 2);
  CHECK(m.alerts[0].spans[0].start == 120);
  CHECK(m.alerts[0].spans[0].end == 180);
  CHECK(m.alerts[0].spans[0].label == "firing");
  CHECK(m.alerts[0].spans[0].detail == "Lag: replication_lag_s > 30 for 60 s {node=db-b}");
  CHECK(m.alerts[0].spans[1].end == 300);  // still firing: to the end of the run
  CHECK_THAT(m.alerts[0].spans[1].detail, Catch::EndsWith("still firing at the end"));
  CHECK(m.alerts[1].name == "TwoPrimaries");
  CHECK(m.alerts[1].spans[0].detail == "TwoPrimaries: primaries > 1 for 0 s");
  CHECK(load_trace(write("noalerts", kTrace)).alerts.empty());  // a trace written before alerts existed
  std::string bad = text;
  bad.replace(bad.find("\"start_s\": 150"), 14, "\"begin_s\": 150");
  CHECK_THROWS_WITH(load_trace(write("badalert", bad)), Catch::Contains("every alert to have name and start_s"));
}

TEST_CASE("a multi-primary trace has no split brain: several primaries are its design", "[unit]") {
  std::string text = kTrace;
  text.replace(text.find("single-primary"), 14, "multi-primary");
  CHECK(load_trace(write("multi", text)).split_brain.empty());
}

TEST_CASE("malformed traces give one clear error naming the file, never a crash", "[unit]") {
  const std::string good = kTrace;
  auto message = [](const std::string& path) {
    try {
      load_trace(path);
    } catch (const TraceError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK_THAT(message("/nonexistent/trace.json"), Catch::Contains("cannot read the trace"));
  const std::string truncated = write("truncated", good.substr(0, good.size() / 2));
  CHECK_THAT(message(truncated), Catch::StartsWith(truncated) && Catch::Contains("does not parse"));
  std::string other = good;
  other.replace(other.find("\"format_version\": 1"), 19, "\"format_version\": 7");
  CHECK_THAT(message(write("v7", other)), Catch::Contains("found version 7"));
  CHECK_THAT(message(write("array", "[1, 2]")), Catch::Contains("expected an mrsim trace"));
  std::string no_events = good;
  no_events.replace(no_events.find("\"events\""), 8, "\"evens\"");
  CHECK_THAT(message(write("noevents", no_events)), Catch::Contains("without \"events\""));
  std::string bad_event = good;
  bad_event.replace(bad_event.find("{\"t_s\": 105"), 11, "{\"when\": 105");
  CHECK_THAT(message(write("badevent", bad_event)), Catch::Contains("every event to have t_s and type"));
  std::string long_series = good;
  long_series.replace(long_series.find("[0, 4, 1]"), 9, "[0, 4, 1, 7, 7]");
  CHECK_NOTHROW(load_trace(write("longstale", long_series)));  // stale reads: extra values are not drawn
  std::string long_lag = good;
  long_lag.replace(long_lag.find("[0.1, null, 0.2]"), 16, "[0.1, null, 0.2, 9]");
  CHECK_THAT(message(write("longlag", long_lag)), Catch::Contains("at most one value per sample interval"));
}

TEST_CASE("a history that does not belong to the trace is refused", "[unit]") {
  TraceModel m = load_trace(write("forhistory", kTrace));
  const std::string fits = std::string(MRSIM_SOURCE_DIR) + "/build/test-trace-history.jsonl";
  // The trace: region a's reads, 1 op (ok) in [0, 100), 2 in [100, 200) of which 1 ok, 3 in [200, 300).
  auto op = [](int i, double t, const char* outcome) {
    return "{\"op\":" + std::to_string(i) + ",\"region\":\"a\",\"kind\":\"read\",\"invoke_s\":" + std::to_string(t) +
           ",\"outcome\":\"" + outcome + "\"}\n";
  };
  std::ofstream(fits) << op(0, 1.5, "ok") << op(1, 150, "ok") << op(2, 160, "timeout") << op(3, 250, "ok")
                      << op(4, 260, "ok") << op(5, 299, "error");
  attach_history(m, fits);
  CHECK(m.history_ops == 6);
  std::ofstream(fits) << op(0, 1.5, "ok") << op(1, 150, "ok") << op(2, 160, "ok") << op(3, 250, "ok") << op(4, 260, "ok")
                      << op(5, 299, "error");
  CHECK_THROWS_WITH(attach_history(m, fits), Catch::Contains("in interval 1: 2 ops, 2 ok"));
  std::ofstream(fits) << op(0, 1.5, "ok");
  CHECK_THROWS_WITH(attach_history(m, fits), Catch::Contains("a history of another run"));
  std::ofstream(fits) << "{\"op\":0,\"invoke_s\":1.5}\n{\"op\":1,\"invoke_s\":7000}\n";
  CHECK_THROWS_WITH(attach_history(m, fits), Catch::Contains("a history of another run"));
}

TEST_CASE("min/max per bucket keeps each bucket's extremes and every point when there are few", "[unit]") {
  std::vector<double> t, v;
  for (int i = 0; i < 1000; ++i) t.push_back(i), v.push_back(i % 10 == 3 ? 100.0 - i % 7 : double(i % 5));
  const auto all = min_max_points(t, v, 0, 1000, 600);
  CHECK(all.size() == 1000);
  const auto few = min_max_points(t, v, 0, 1000, 10);
  REQUIRE(few.size() == 20);  // a min and a max per bucket of 100 points
  for (size_t b = 0; b < 10; ++b) {
    double lo = 1e9, hi = -1e9;
    for (size_t i = b * 100; i < (b + 1) * 100; ++i) lo = std::min(lo, v[i]), hi = std::max(hi, v[i]);
    const double a = few[2 * b].second, c = few[2 * b + 1].second;
    CHECK(std::min(a, c) == lo);
    CHECK(std::max(a, c) == hi);
  }
}
