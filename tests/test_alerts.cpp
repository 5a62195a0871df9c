// Alerts: Prometheus' "for" (AlertState) on hand-made sequences, expression parsing, and the post-run checker on a
// hand-written history whose every firing interval follows from docs/metrics.md ("Alerts").
#include <catch2/catch.hpp>

#include "sim/alerts.h"
#include "sim/checkers.h"

using namespace mrsim;

namespace {

// Feeds `conditions` at t = 0, interval, 2 * interval, ... and returns, per evaluation, whether the alert fired.
std::vector<bool> run(AlertState& state, const std::vector<bool>& conditions, double interval = 1.0) {
  std::vector<bool> firing;
  for (size_t i = 0; i < conditions.size(); ++i) firing.push_back(state.observe(static_cast<double>(i) * interval,
                                                                                conditions[i]));
  return firing;
}

AlertRule rule(const std::string& name, const std::string& expr, double for_s) {
  AlertRule r;
  REQUIRE_FALSE(parse_alert_expr(expr, r).has_value());
  r.name = name;
  r.for_s = for_s;
  return r;
}

}  // namespace

TEST_CASE("with for = 0 an alert fires at the first evaluation where its condition holds", "[unit][alerts]") {
  AlertState state(0);
  CHECK(run(state, {false, true, true, false, true}) == std::vector<bool>{false, true, true, false, true});
  REQUIRE(state.firing_since());
  CHECK(*state.firing_since() == 4.0);
}

TEST_CASE("an alert fires once its condition has held for exactly `for`", "[unit][alerts]") {
  SECTION("for = 3 intervals: pending at t = 1, firing at t = 4") {
    AlertState state(3);
    CHECK(run(state, {false, true, true, true, true, true}) ==
          std::vector<bool>{false, false, false, false, true, true});
    REQUIRE(state.firing_since());
    CHECK(*state.firing_since() == 4.0);
    CHECK(*state.pending_since() == 1.0);
  }
  SECTION("a decimal interval whose multiples are not exact in binary does not fire one evaluation late") {
    AlertState state(0.3);
    // pending at 0.1; 0.1 + 0.3 = 0.4 is the 5th evaluation (t = 4 * 0.1).
    CHECK(run(state, {false, true, true, true, true}, 0.1) == std::vector<bool>{false, false, false, false, true});
  }
}

TEST_CASE("a one-interval dip resets a pending alert", "[unit][alerts]") {
  AlertState state(3);
  // Holds at 1, 2, 3; false at 4; holds again from 5: pending restarts at 5 and fires at 8, not at 4.
  CHECK(run(state, {false, true, true, true, false, true, true, true, true}) ==
        std::vector<bool>{false, false, false, false, false, false, false, false, true});
  CHECK(*state.firing_since() == 8.0);
}

TEST_CASE("a firing alert resolves at the first evaluation where its condition is false", "[unit][alerts]") {
  AlertState state(1);
  CHECK(run(state, {true, true, true, false}) == std::vector<bool>{false, true, true, false});
  CHECK_FALSE(state.firing_since());
  CHECK_FALSE(state.pending_since());
}

TEST_CASE("alert expressions parse into series, label, operator and number", "[unit][alerts]") {
  AlertRule r;
  REQUIRE_FALSE(parse_alert_expr("replication_lag_s{node=\"db-west\"} >= 30.5", r));
  CHECK(r.series == "replication_lag_s");
  CHECK(r.label_key == "node");
  CHECK(r.label_value == "db-west");
  CHECK(r.op == ">=");
  CHECK(r.value == 30.5);
  CHECK(r.holds(30.5));
  CHECK_FALSE(r.holds(30.4));
  REQUIRE_FALSE(parse_alert_expr("primaries>1", r));
  CHECK(r.op == ">");
  CHECK(r.label_key.empty());
  CHECK(parse_alert_expr("replication_lag > 30", r).has_value());          // unknown series
  CHECK(parse_alert_expr("primaries{node=\"x\"} > 1", r).has_value());     // single series takes no label
  CHECK(parse_alert_expr("replication_lag_s{region=\"x\"} > 1", r).has_value());  // wrong label
  CHECK(parse_alert_expr("primaries => 1", r).has_value());
  CHECK(parse_alert_expr("primaries > one", r).has_value());
  CHECK(parse_alert_expr("primaries > 1 2", r).has_value());
}

TEST_CASE("the alert checker finds each firing interval of a hand-written history", "[unit][alerts]") {
  History h;
  h.regions = {"east", "west"};
  h.nodes = {"db-east", "db-west"};
  h.node_region = {0, 1};
  h.duration_s = 100;
  h.roles = {{0, 0, Role::Primary, 1, kNoNode}, {0, 1, Role::Replica, 1, 0},
             {20, 1, Role::Primary, 2, kNoNode}, {30, 1, Role::Replica, 2, 0}};
  // The replica's lag: 0 until t = 10, then it grows with time (replication stalled), sampled every second.
  for (int t = 0; t < 100; ++t) h.lag.push_back({double(t), 1, t < 10 ? 0.0 : double(t - 10)});
  h.health = {{50.5, 0, 1, false}, {60, 0, 1, true}};
  h.faults = {{15, 0, FaultEventKind::Start, "partition", "p"}, {70, 0, FaultEventKind::End, "partition", "p"}};
  MetricsConfig config;  // 1 s sample interval

  const std::vector<AlertRule> rules = {rule("Lag", "replication_lag_s > 30", 5),
                                        rule("TwoPrimaries", "primaries > 1", 0),
                                        rule("Unhealthy", "node_healthy{node=\"db-east\"} == 0", 2),
                                        rule("Quiet", "replication_lag_s{node=\"db-east\"} > 0", 0)};
  const std::vector<AlertResult> alerts = check_alerts(h, rules, config);
  REQUIRE(alerts.size() == 4);

  // Lag > 30 first at t = 41 (lag 31); held 5 s -> fires at 46, still firing at the end.
  REQUIRE(alerts[0].firing.size() == 1);
  CHECK(alerts[0].firing[0].label_key == "node");
  CHECK(alerts[0].firing[0].label_value == "db-west");
  CHECK(alerts[0].firing[0].start_s == 46);
  CHECK_FALSE(alerts[0].firing[0].end_s);
  CHECK(alerts[0].firing_total_s == 100 - 46);

  // Two primaries from t = 20 (evaluations 20..29), resolved at 30.
  REQUIRE(alerts[1].firing.size() == 1);
  CHECK(alerts[1].firing[0].label_key.empty());
  CHECK(alerts[1].firing[0].start_s == 20);
  CHECK(alerts[1].firing[0].end_s == std::optional<double>(30));

  // Unhealthy from the verdict at 50.5: first evaluation seeing it is 51, fires at 53, healthy again at 60.
  REQUIRE(alerts[2].firing.size() == 1);
  CHECK(alerts[2].firing[0].start_s == 53);
  CHECK(alerts[2].firing[0].end_s == std::optional<double>(60));
  CHECK(alerts[2].firing_total_s == 7);

  // The primary has no lag samples: absent series, no alert.
  CHECK(alerts[3].firing.empty());

  SECTION("a fault's first alert is the earliest firing at or after its start") {
    std::vector<FaultMetrics> faults(2);
    faults[0].start_s = 15;
    faults[1].start_s = 47;
    attach_first_alerts(faults, alerts);
    REQUIRE(faults[0].first_alert);
    CHECK(faults[0].first_alert->name == "TwoPrimaries");
    CHECK(faults[0].first_alert->after_fault_s == 5);
    REQUIRE(faults[1].first_alert);
    CHECK(faults[1].first_alert->name == "Unhealthy");
    CHECK(faults[1].first_alert->t_s == 53);
  }
}
