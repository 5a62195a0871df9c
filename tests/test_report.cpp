// The report (header, layout, nulls), its text form, the trace and history writers, and expectation evaluation.
#include <catch2/catch.hpp>

#include <sstream>

#include "sim/checkers.h"
#include "sim/expect.h"
#include "sim/history_jsonl.h"
#include "sim/report.h"

using namespace mrsim;
using Json = nlohmann::ordered_json;

namespace {

// One region outage at 100 s that the system recovers from at 130 s, one lost write, a control-plane timeline.
History small_history(bool recovers) {
  History h;
  h.regions = {"east", "west"};
  h.nodes = {"db-east", "db-west"};
  h.node_region = {0, 1};
  h.links = {"east<->west"};
  h.link_cost_per_gb = {0.02};
  h.traffic = {{0, 3000000000}};
  h.duration_s = 300;
  for (int i = 0; i < 300; ++i) {
    OpRecord op;
    op.invoke_s = i + 0.25;
    op.complete_s = op.invoke_s + 0.01;
    op.client = static_cast<uint32_t>(i % 3);
    op.region = static_cast<uint8_t>(i % 2);
    op.kind = i % 4 == 0 ? OpKind::Write : OpKind::Read;
    bool down = op.invoke_s >= 100 && (!recovers || op.invoke_s < 130);
    op.outcome = down ? Outcome::Timeout : Outcome::Ok;
    op.node = down ? kNoNode : 0;
    if (op.kind == OpKind::Write && !down) {
      op.version = static_cast<uint32_t>(i + 1);
      h.commits.push_back({op.invoke_s + 0.005, op.version, op.key, 0});
      if (i != 96) h.final_lineage.push_back(op.version);  // the write acked at 96.26 is lost
    } else if (!down) {
      op.version = h.final_lineage.empty() ? 0 : h.final_lineage.back();
    }
    h.ops.push_back(op);
  }
  h.roles = {{0, 0, Role::Primary, 1, kNoNode}, {0, 1, Role::Replica, 1, 0}, {120, 1, Role::Primary, 2, kNoNode}};
  h.health = {{110, 0, 1, false}};
  h.decisions = {{115, "failover_start", 0, "primary unhealthy"}};
  h.dns = {{0, "write", 0}, {125, "write", 1}};
  h.faults = {{100, 0, FaultEventKind::Start, "region_outage", "east"},
              {120, 0, FaultEventKind::End, "region_outage", "east"}};
  h.lag = {{1, 1, 0.2}, {2, 1, 0.4}, {2.5, 1, 0.1}};
  return h;
}

RunInfo info() {
  RunInfo i;
  i.seed = 42;
  i.scenario_name = "small";
  i.scenario_hash = "0123456789abcdef";
  i.version = "0.1.0";
  i.command = "mrsim run small.json --seed 42";
  i.duration_s = 300;
  return i;
}

MetricsConfig metrics() {
  MetricsConfig m;
  m.window_s = 10;
  m.stable_s = 60;
  m.step_s = 1;
  m.sample_interval_s = 100;
  return m;
}

Json report_of(bool recovers) { return report_json(info(), compute_metrics(small_history(recovers), metrics())); }

}  // namespace

TEST_CASE("the report starts with what replays it", "[unit]") {
  Json r = report_of(true);
  std::vector<std::string> keys;
  for (auto it = r.begin(); it != r.end(); ++it) keys.push_back(it.key());
  REQUIRE(keys.size() > 5);
  CHECK(std::vector<std::string>(keys.begin(), keys.begin() + 5) ==
        std::vector<std::string>{"seed", "scenario", "scenario_hash", "version", "replay"});
  CHECK(r["seed"].get<uint64_t>() == 42);
  CHECK(r["replay"].get<std::string>() == "mrsim run small.json --seed 42");
}

TEST_CASE("the report carries each fault's RTO breakdown and RPO", "[unit]") {
  Json f = report_of(true)["faults"].at(0);
  CHECK(f["kind"].get<std::string>() == "region_outage");
  CHECK(f["start_s"].get<double>() == 100.0);
  CHECK(f["end_s"].get<double>() == 120.0);
  CHECK(f["rto"]["recovered"].get<bool>());
  CHECK(f["rto"]["rto_s"].get<double>() == 30.0);
  CHECK(f["rto"]["detection_s"].get<double>() == 10.0);
  CHECK(f["rto"]["decision_s"].get<double>() == 15.0);
  CHECK(f["rto"]["promotion_s"].get<double>() == 20.0);
  CHECK(f["rto"]["routing_s"].get<double>() == 25.0);
  CHECK(f["rto"]["client_recovery"]["impacted_clients"].get<uint64_t>() == 3);
  CHECK(f["rpo"]["lost_writes"].get<uint64_t>() == 1);
  CHECK(f["rpo"]["data_loss_window_s"].get<double>() == Approx(3.74));
}

TEST_CASE("an unrecovered fault has a null RTO", "[unit]") {
  Json f = report_of(false)["faults"].at(0);
  CHECK_FALSE(f["rto"]["recovered"].get<bool>());
  CHECK(f["rto"]["rto_s"].is_null());
  CHECK(f["rto"]["client_recovery"]["not_recovered"].get<uint64_t>() == 3);
  CHECK(f["rto"]["client_recovery"]["max_s"].is_null());
}

TEST_CASE("the report has every run-level section and prints the same bytes twice", "[unit]") {
  Json r = report_of(true);
  for (const char* key : {"stale_reads", "sessions", "lost_writes", "reads_of_lost_writes",
                          "overwritten_concurrent_writes", "split_brain", "availability", "latency",
                          "replication_lag", "traffic"}) {
    CAPTURE(key);
    CHECK(r.contains(key));
  }
  CHECK(r["traffic"]["total_cost_usd"].get<double>() == Approx(0.06));
  CHECK(r["replication_lag"]["db-west"]["max_s"].get<double>() == Approx(0.4));
  CHECK(r["availability"]["by_region"].contains("west"));
  CHECK(r.dump() == report_of(true).dump());
}

TEST_CASE("the text report shows the header and every section", "[unit]") {
  std::string text = report_text(report_of(true));
  for (const char* expected : {"seed 42", "replay: mrsim run small.json --seed 42", "Faults", "region_outage",
                               "Data safety", "Availability", "Latency", "Replication lag", "db-west",
                               "Cross-region traffic", "east<->west"}) {
    CAPTURE(expected);
    CHECK(text.find(expected) != std::string::npos);
  }
  SECTION("an empty report renders without throwing") { CHECK_NOTHROW(report_text(Json::object())); }
}

TEST_CASE("the trace lists control-plane events in time order and samples every interval", "[unit]") {
  Json t = trace_json(info(), small_history(true), metrics());
  const Json& events = t["events"];
  REQUIRE(events.size() == 9);  // 3 roles, 1 health, 1 decision, 2 dns, 2 fault events
  for (size_t i = 1; i < events.size(); ++i) CHECK(events[i - 1]["t_s"].get<double>() <= events[i]["t_s"].get<double>());
  CHECK(events[0]["t_s"].get<double>() == 0.0);
  // At t = 120 the fault ends and the new primary takes over: the role change is listed before the fault end.
  CHECK(events[6]["type"].get<std::string>() == "role_change");
  CHECK(events[7]["type"].get<std::string>() == "fault_end");
  CHECK(t["samples"]["t_s"].size() == 3);
  CHECK(t["samples"]["lag_s"]["db-west"][0].get<double>() == Approx(0.4));
  CHECK(t["samples"]["lag_s"]["db-west"][1].is_null());
  const Json& east_reads = t["samples"]["clients"]["east"]["read"];
  CHECK(east_reads["success_ratio"][0].get<double>() == 1.0);
  CHECK(east_reads["success_ratio"][1].get<double>() < 1.0);
  CHECK(east_reads["latency_p50_s"][0].get<double>() == Approx(0.01));
}

TEST_CASE("the trace carries the design and, when a clock is not exact, every clock's offset per interval", "[unit]") {
  History h = small_history(true);
  CHECK(trace_json(info(), h, metrics())["topology"] == "single-primary");
  CHECK_FALSE(trace_json(info(), h, metrics())["samples"].contains("clock_offset_s"));
  h.clocks = {"db-east", "db-west"};
  h.clock_samples = {{0, 0, 0.0}, {0, 1, 0.25}, {100, 0, -2.0}, {100, 1, 0.25}, {200, 0, 0.0}, {200, 1, 0.25}};
  const Json t = trace_json(info(), h, metrics());
  const Json& offsets = t["samples"]["clock_offset_s"];
  CHECK(offsets["db-east"] == Json::array({0.0, -2.0, 0.0}));
  CHECK(offsets["db-west"] == Json::array({0.25, 0.25, 0.25}));
}

TEST_CASE("the history file has one JSON object per op", "[unit]") {
  History h = small_history(true);
  std::ostringstream out;
  write_history_jsonl(out, h);
  std::istringstream in(out.str());
  std::string line;
  size_t lines = 0;
  Json first;
  while (std::getline(in, line)) {
    Json j = Json::parse(line);
    if (lines == 0) first = j;
    ++lines;
  }
  CHECK(lines == h.ops.size());
  CHECK(first["op"].get<int>() == 0);
  CHECK(first["region"].get<std::string>() == "east");
  CHECK(first["kind"].get<std::string>() == "write");
  CHECK(first["invoke_s"].get<double>() == 0.25);
  CHECK(first["outcome"].get<std::string>() == "ok");
  CHECK(first["node"].get<std::string>() == "db-east");
  CHECK(first["attempts"].get<int>() == 1);
}

TEST_CASE("expectations hold, miss, and miss when the metric is absent", "[unit]") {
  auto [metric, op, value, held, found] = GENERATE(table<std::string, std::string, double, bool, bool>({
      {"rto_s", "<=", 30, true, true},
      {"rto_s", "<", 30, false, true},
      {"rto_s", "==", 30, true, true},
      {"rpo_s", "<=", 5, true, true},
      {"lost_writes", "==", 0, false, true},
      {"split_brain_incidents", "==", 0, true, true},
      {"stale_read_rate", "<=", 0.5, true, true},
      {"availability", ">=", 0.5, true, true},
      {"replication_lag_max_s", "<", 0.5, true, true},
      {"/faults/0/rto/detection_s", "==", 10, true, true},
      {"/faults/7/rto/rto_s", "<=", 1000, false, false},
      {"/no/such/metric", ">", 0, false, false},
      {"/faults/x", ">", 0, false, false},
  }));
  Scenario scenario;
  scenario.expect.push_back({metric, op, value, metric + " " + op});
  std::vector<ExpectationResult> results = evaluate_expectations(scenario, report_of(true));
  REQUIRE(results.size() == 1);
  CAPTURE(metric, op, value);
  CHECK(results[0].held == held);
  CHECK(results[0].found == found);
}

TEST_CASE("aliases undefined in a run never hold", "[unit]") {
  Scenario scenario;
  SECTION("rto_s of an unrecovered fault is null") {
    scenario.expect.push_back({"rto_s", "<=", 1e9, "rto_s <= 1e9"});
    std::vector<ExpectationResult> results = evaluate_expectations(scenario, report_of(false));
    CHECK_FALSE(results[0].found);
    CHECK_FALSE(results[0].held);
  }
  SECTION("rto_s without faults is null, rpo_s is 0") {
    History h = small_history(true);
    h.faults.clear();
    Json r = report_json(info(), compute_metrics(h, metrics()));
    scenario.expect.push_back({"rto_s", ">=", 0, "rto_s >= 0"});
    scenario.expect.push_back({"rpo_s", "==", 0, "rpo_s == 0"});
    std::vector<ExpectationResult> results = evaluate_expectations(scenario, r);
    CHECK_FALSE(results[0].found);
    CHECK(results[1].held);
  }
}

bool is_quorum_alias(const std::string& name) {
  return name.rfind("t_visibility_", 0) == 0 || name.rfind("k_staleness_", 0) == 0;
}

TEST_CASE("every alias resolves on a full report", "[unit]") {
  // The several-writer aliases exist only for designs that have them: give the history a multi-primary CRDT design
  // (its single writer changes nothing else the report says).
  History h = small_history(true);
  h.topology = "multi-primary";
  h.conflict_resolution = "crdt";
  h.crdt_type.assign(100, 0);
  for (const CommitRecord& c : h.commits)  // replicated everywhere, so the run converges
    for (int16_t n = 0; n < int16_t(h.nodes.size()); ++n)
      if (n != c.node) h.applies.push_back({c.t + 0.1, c.write_id, n});
  // A cdc pipeline's one change, to the node that is a replica for the first 120 s.
  h.cdc.push_back({1, 1, 10.0, 10.0, {10.5, 10.6, 10.7, 10.8}, 10.8});
  // The semi-sync aliases need a single-primary source with semi-sync replicas: it falls back for [50 s, 90 s).
  h.semi_sync = true;
  h.decisions.insert(h.decisions.begin(), {{50, "semi_sync_off", 0, ""}, {90, "semi_sync_on", 0, ""}});
  // Alerts and residency need rules: the outage's interval [100, 200) has 30 of its 100 ops failing (ratio 0.7),
  // so the success-ratio alert fires at its start, 100 s, 0 s after the fault's.
  Scenario scenario;
  scenario.metrics = metrics();
  AlertRule alert;
  REQUIRE_FALSE(parse_alert_expr("region_success_ratio{region=\"east\"} < 0.9", alert));
  alert.name = "LowSuccess";
  scenario.alerts = {alert};
  scenario.regions = {RegionConfig{}, RegionConfig{}};
  scenario.regions[0].name = "east", scenario.regions[0].jurisdiction = "EU";
  scenario.regions[1].name = "west", scenario.regions[1].jurisdiction = "US";
  scenario.residency = {{0, 99, "EU"}};
  // The long-run aliases need random faults in the scenario (the history's faults stand for them) and a client group.
  scenario.faults_random.classes.push_back(RandomFaultClass{});
  scenario.clients.push_back(ClientGroupConfig{});
  scenario.clients[0].region = "east";
  Json r = report_json(info(), compute_metrics(h, scenario));
  CHECK(r["long_run"]["incidents"]["count"] == 1);
  CHECK(report_text(r).find("Downtime over the run") != std::string::npos);
  CHECK(r["alerts"][0]["firing"][0]["start_s"] == 100.0);
  CHECK(r["alerts"][0]["firing"][0]["labels"]["region"] == "east");
  CHECK(r["faults"][0]["first_alert"]["after_fault_s"] == 0.0);
  CHECK(r["residency"]["writes_stored_outside"].get<uint64_t>() > 0);  // every write applied in the US
  CHECK(report_text(r).find("LowSuccess") != std::string::npos);
  CHECK(r["semi_sync"]["time_in_fallback_s"] == 40.0);
  // The quorum aliases exist only for leaderless designs: checked on the same history as one, below.
  for (const ExpectationAlias& alias : expectation_aliases())
    if (!is_quorum_alias(alias.name)) scenario.expect.push_back({alias.name, ">=", 0, ""});
  for (const ExpectationResult& result : evaluate_expectations(scenario, r)) {
    CAPTURE(result.expectation.metric);
    CHECK(result.found);
    CHECK(result.held);
  }
}

TEST_CASE("the quorum aliases resolve on a leaderless report", "[unit]") {
  History h = small_history(true);
  h.topology = "leaderless";
  Scenario scenario;
  scenario.metrics = metrics();
  Json r = report_json(info(), compute_metrics(h, scenario));
  size_t quorum_aliases = 0;
  for (const ExpectationAlias& alias : expectation_aliases())
    if (is_quorum_alias(alias.name)) scenario.expect.push_back({alias.name, ">=", 0, ""}), ++quorum_aliases;
  CHECK(quorum_aliases == 5);
  for (const ExpectationResult& result : evaluate_expectations(scenario, r)) {
    CAPTURE(result.expectation.metric);
    CHECK(result.found);
    CHECK(result.held);
  }
}
