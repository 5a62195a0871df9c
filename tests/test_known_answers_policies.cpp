// Known answers for failover policies: Route 53's percentage rule at its boundary, Raft's election downtime against
// its election-timeout range, and a lease with self-fencing against clock steps inside and beyond its safety margin.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "models/health.h"
#include "models/raft.h"
#include "tests/child_simulation.h"

using namespace mrsim;
using nlohmann::json;

TEST_CASE("Route 53's rule: healthy while strictly more than the percentage of vantages say healthy",
          "[known-answer][policies]") {
  for (double percent : {18.0, 50.0}) {
    for (int n = 1; n <= 60; ++n) {
      HealthCheckConfig config;
      config.vantages.assign(size_t(n), "r");
      config.healthy_percent = percent;
      HealthBoard board(1, config, 1);
      // The boundary by integers: the fewest healthy vantages h with h / n > percent / 100 is floor(percent n / 100)
      // + 1 (percent * n is a whole number for these percentages, so an exact boundary, like 9 of 50 at 18 %, is
      // on the unhealthy side).
      const int boundary = int(percent) * n / 100 + 1;
      for (int up = 0; up <= n; ++up) {
        for (int v = 0; v < n; ++v) board.vantage_healthy[size_t(v)][0] = v < up;
        INFO("percent " << percent << ", " << up << " of " << n << " healthy");
        CHECK(board.combine(0) == (up >= boundary));
      }
    }
  }
}

TEST_CASE("k of n: unhealthy once at least k vantages say unhealthy", "[known-answer][policies]") {
  HealthCheckConfig config;
  config.vantages.assign(5, "r");
  config.rule = HealthRule::KOfN;
  for (uint32_t k = 1; k <= 5; ++k) {
    config.k = k;
    HealthBoard board(1, config, 1);
    for (int down = 0; down <= 5; ++down) {
      for (int v = 0; v < 5; ++v) board.vantage_healthy[size_t(v)][0] = v >= down;
      CHECK(board.combine(0) == (uint32_t(down) < k));
    }
  }
}

namespace {

struct Downtimes {
  std::vector<double> values;
  int elections_split = 0;  // crashes after which more than one term passed before a leader
  double mean() const {
    double sum = 0;
    for (double v : values) sum += v;
    return sum / double(values.size());
  }
  double min() const { return *std::min_element(values.begin(), values.end()); }
};

// Three members 35, 40 and 70 ms apart (one way). Each trial: elect a leader, let it lead for 5 s, crash it at a
// uniform point of a heartbeat interval, and measure until a live member leads.
Downtimes election_downtimes(double min_s, double max_s, int trials) {
  const double latency[3][3] = {{0, 0.035, 0.040}, {0.035, 0, 0.070}, {0.040, 0.070, 0}};
  RaftConfig timing{0.1, min_s, max_s};
  RandomStream crash_points(7, "crash-points");
  Downtimes out;
  for (int trial = 0; trial < trials; ++trial) {
    int crashed = -1;
    double crash_at = 1e300;
    RaftCore::Links links{
        [&](int m, double t) { return !(m == crashed && t >= crash_at); },
        [&](int a, int b) { return latency[a][b]; },
        [&](int a, int b, double, double arrives) {
          return !((a == crashed || b == crashed) && arrives >= crash_at);
        }};
    RaftCore raft(3, timing, RandomStream(uint64_t(trial) + 1, "raft"), links);
    double first = 0;  // the first election (with a narrow range it may take several rounds)
    while (raft.leader() < 0 && first < 600) raft.run_until(first = raft.next_event());
    REQUIRE(raft.leader() >= 0);
    crash_at = first + 5.0 + crash_points.uniform01() * timing.heartbeat_s;
    raft.run_until(crash_at - 1e-9);
    crashed = raft.leader();
    const uint32_t term_before = raft.term();
    double elected = -1;
    for (double t = crash_at; t < crash_at + 600 && elected < 0; t = raft.next_event()) {
      raft.run_until(t);
      const int l = raft.leader();
      if (l >= 0 && l != crashed) elected = t;
    }
    REQUIRE(elected > 0);
    out.values.push_back(elected - crash_at);
    if (raft.term() > term_before + 1) ++out.elections_split;
  }
  return out;
}

}  // namespace

TEST_CASE("Raft's election downtime is at least the timeout minimum less a heartbeat, and a narrow range splits votes",
          "[known-answer][policies]") {
  const int trials = 300;
  const Downtimes wide = election_downtimes(1.0, 2.0, trials);      // etcd's defaults
  const Downtimes narrow = election_downtimes(1.0, 1.02, trials);   // 20 ms of spread for 35-70 ms of latency
  std::printf("raft election downtime over %d crashes: [1 s, 2 s) mean %.3f s, min %.3f s, split %d; "
              "[1 s, 1.02 s) mean %.3f s, min %.3f s, split %d\n",
              trials, wide.mean(), wide.min(), wide.elections_split, narrow.mean(), narrow.min(),
              narrow.elections_split);
  // A follower heard the leader at most one heartbeat before the crash and waits at least election_min after that.
  CHECK(wide.min() >= 1.0 - 0.1);
  CHECK(narrow.min() >= 1.0 - 0.1);
  // Both survivors time out within 20 ms of each other, less than the 70 ms a vote request takes between them:
  // most first rounds split, and each split costs another timeout.
  CHECK(narrow.elections_split > trials / 2);
  CHECK(wide.elections_split < narrow.elections_split);
  CHECK(narrow.mean() > wide.mean());
}

namespace {

// partition-lease-clock-step with the clock step replaced: the primary's clock steps 5 s before the cut.
json lease_run(const std::string& step) {
  static const std::string base = mrsim_test::scenario_text("partition-lease-clock-step.json");
  return mrsim_test::simulate_in_child(base.c_str(), {"expect={}", "faults.1.offset=" + step});
}

}  // namespace

TEST_CASE("a lease with self-fencing keeps primaries apart while a clock step stays within its margin",
          "[known-answer][policies]") {
  // Margin: ttl - loop_wait - retry_timeout = 30 - 10 - 10 = 10 s (lock_delay 0). A step back by less keeps the
  // holder's own deadline before the store frees the key.
  for (const char* step : {"-5s", "-9s"}) {
    const json r = lease_run(step);
    INFO("clock step " << step);
    CHECK(r["report"]["split_brain"]["incidents"].get<int>() == 0);
  }
  // Beyond it the holder keeps writing after the store has freed the key and a replica has taken it.
  for (const char* step : {"-60s"}) {
    const json r = lease_run(step);
    INFO("clock step " << step);
    CHECK(r["report"]["split_brain"]["incidents"].get<int>() == 1);
  }
}

namespace {

using mrsim_test::scenario_text;

// After the controller's "stonith_done" decision on a node: the node's commits, and the client operations it
// answered successfully (both must be none: the power-off reached the store and every client population).
json after_stonith(const Scenario&, const History& h) {
  double off = -1;
  int16_t node = kNoNode;
  for (const auto& d : h.decisions)
    if (d.action == "stonith_done") {
      off = d.t;
      node = d.node;
    }
  uint64_t commits = 0, served_ok = 0, served_before = 0;
  for (const auto& c : h.commits) commits += c.node == node && c.t > off;
  for (const auto& op : h.ops) {
    if (op.node != node || !op.ok()) continue;
    (op.served_s > off ? served_ok : served_before) += 1;
  }
  return {{"off", off}, {"commits_after", commits}, {"served_ok_after", served_ok}, {"served_ok_before", served_before}};
}

}  // namespace

TEST_CASE("token fencing stops a deposed primary the new term reaches, and not one it cannot reach",
          "[known-answer][policies]") {
  const std::string reachable = scenario_text("false-failover-token.json");
  CHECK(mrsim_test::simulate_in_child(reachable.c_str(), {"expect={}"})["report"]["split_brain"]["incidents"] == 0);
  CHECK(mrsim_test::simulate_in_child(reachable.c_str(), {"expect={}", "failover.fencing=none"})["report"]
                                      ["split_brain"]["incidents"] == 1);
  const std::string cut_off = scenario_text("partition-quorum.json");
  CHECK(mrsim_test::simulate_in_child(cut_off.c_str(), {"expect={}", "failover.fencing=token"})["report"]
                                      ["split_brain"]["incidents"] == 1);
}

TEST_CASE("a host powered off by STONITH commits and answers nothing afterwards, though nobody scheduled it",
          "[known-answer][policies]") {
  const std::string text = scenario_text("partition-raft.json");
  const json out = mrsim_test::simulate_in_child(text.c_str(), {"expect={}"}, after_stonith);
  const json& x = out["extra"];
  INFO(x.dump());
  REQUIRE(x["off"].get<double>() > 1800);  // the partition starts at 30 min; the power-off follows it
  CHECK(x["served_ok_before"].get<uint64_t>() > 0);
  CHECK(x["commits_after"].get<uint64_t>() == 0);
  CHECK(x["served_ok_after"].get<uint64_t>() == 0);
  CHECK(out["report"]["split_brain"]["incidents"] == 0);
}

namespace {

json paged_at(const Scenario&, const History& h) {
  for (const auto& d : h.decisions)
    if (d.action == "paged") return d.t;
  return nullptr;
}

}  // namespace

TEST_CASE("the manual controller is paged at the evaluation the report's alert fires at, for every seed",
          "[known-answer][policies]") {
  const std::string text = scenario_text("manual-region-outage.json");
  for (int seed = 1; seed <= 2; ++seed) {
    const json out = mrsim_test::simulate_in_child(text.c_str(), {"expect={}", "seed=" + std::to_string(seed)}, paged_at);
    INFO("seed " << seed);
    REQUIRE(out["extra"].is_number());
    double fired = -1;
    for (const auto& a : out["report"]["alerts"])
      if (a["name"] == "PrimaryDown")
        for (const auto& f : a["firing"])
          if (f["labels"]["node"] == "db-us-east-1" && fired < 0) fired = f["start_s"].get<double>();
    CHECK(out["extra"].get<double>() == fired);
  }
}

TEST_CASE("Raft has no leader without a majority, and a cut-off leader steps down within the CheckQuorum window",
          "[known-answer][policies]") {
  const RaftConfig timing{0.1, 1.0, 2.0};
  // Five members; from t = 20 s members 0 and 1 are cut off from 2, 3 and 4 (both ways).
  auto side = [](int m) { return m < 2 ? 0 : 1; };
  RaftCore::Links links{[](int, double) { return true; }, [](int, int) { return 0.03; },
                        [&](int a, int b, double sent, double) { return sent < 20.0 || side(a) == side(b); }};
  RaftCore raft(5, timing, RandomStream(3, "raft"), links);
  raft.run_until(19.999);
  REQUIRE(raft.leader() >= 0);
  raft.run_until(120.0);
  // The majority side has a leader; the minority side never has one of its own after the window.
  const int leader = raft.leader();
  REQUIRE(leader >= 0);
  CHECK(side(leader) == 1);
  for (int m : {0, 1}) CHECK_FALSE(raft.believes_leader(m));
  // Every leadership after the cut (plus CheckQuorum's election_min) is on the majority side.
  for (const auto& [t, l] : raft.leadership())
    if (t > 20.0 + timing.election_min_s && l >= 0) CHECK(side(l) == 1);
  // Three of five down: nobody can be elected however long it runs.
  RaftCore::Links down{[](int m, double) { return m < 2; }, [](int, int) { return 0.03; },
                       [](int, int, double, double) { return true; }};
  RaftCore lonely(5, timing, RandomStream(4, "raft"), down);
  lonely.run_until(600.0);
  CHECK(lonely.leader() < 0);
  CHECK(lonely.term() > 10);  // they kept trying
}
