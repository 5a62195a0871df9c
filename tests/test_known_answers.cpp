// Known answers (testing tier 4): small scenarios whose results have a closed form, simulated and compared with
// that form within a stated tolerance. Each simulation runs in a forked child, because SimGrid allows one engine
// per process; the child sends back what the test needs as JSON.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/checkers.h"
#include "sim/report.h"
#include "sim/scenario_loader.h"
#include "sim/units.h"
#include "sim/world.h"
#include "tests/child_simulation.h"

using namespace mrsim;
using nlohmann::json;
using mrsim_test::Extract;
using mrsim_test::number;

namespace {

// Three regions in a line of links, the primary in "east", its replicas in "west" and "eu", the checker in "west",
// light load, one 10-minute outage of "east" at 5 minutes. Tests change it with --set.
const char* const kBase = R"({
  "name": "known-answer",
  "duration": "30m",
  "regions": [{"name": "east"}, {"name": "west"}, {"name": "eu"}],
  "links": [{"between": ["east", "west"], "latency": "35ms", "bandwidth": "1Gbps"},
            {"between": ["east", "eu"], "latency": "40ms", "bandwidth": "1Gbps"},
            {"between": ["west", "eu"], "latency": "70ms", "bandwidth": "1Gbps"}],
  "database": {"primary": "east", "replicas": ["west", "eu"]},
  "routing": {"ttl": "60s", "update_delay": "10s", "resolvers_per_region": 50},
  "health_check": {"from": "west", "interval": "10s", "timeout": "5s", "failure_threshold": 3},
  "failover": {"promotion_time": "5s"},
  "clients": [{"region": "east", "count": 20, "rate_per_s": 100},
              {"region": "west", "count": 20, "rate_per_s": 100},
              {"region": "eu", "count": 20, "rate_per_s": 100}],
  "faults": [{"at": "5m", "kind": "region_outage", "region": "east", "duration": "10m"}]
})";

json simulate_in_child(const std::vector<std::string>& sets, const Extract& extract = {}) {
  return mrsim_test::simulate_in_child(kBase, sets, extract);
}

}  // namespace

TEST_CASE("failure detection takes between (threshold - 1) and threshold probe intervals, plus one timeout",
          "[scenario][known-answer]") {
  // At t = 0 too: the roles and DNS answers the run starts with are no promotion and no routing change.
  const auto [interval, threshold, at] =
      GENERATE(table<double, int, const char*>({{10, 3, "5m"}, {5, 2, "5m"}, {30, 2, "5m"}, {2, 5, "5m"},
                                                {10, 3, "0s"}, {5, 2, "0s"}}));
  const double timeout = std::min(5.0, interval / 2);
  const json out = simulate_in_child({"health_check.interval=" + std::to_string(interval) + "s",
                                      "health_check.timeout=" + std::to_string(timeout) + "s",
                                      "health_check.failure_threshold=" + std::to_string(threshold),
                                      std::string("faults.0.at=") + at});
  const json& fault = out["report"]["faults"][0];
  const double detection = number(fault, "/rto/detection_s");
  INFO("fault at " << at << ", interval " << interval << " s, threshold " << threshold << ", timeout " << timeout
                   << " s");
  // The first failing probe starts somewhere in the first interval after the outage; `threshold` probes later the
  // last one times out.
  CHECK(detection >= (threshold - 1) * interval + timeout - 1e-6);
  CHECK(detection <= threshold * interval + timeout + 1e-6);
  // The controller decides at once. Before promoting it asks each healthy replica for its position — west
  // (same region: one LAN hop each way, 1 ms) and eu (0.5 + 70 + 0.5 ms each way, 142 ms) — then sends the promote
  // command (0.5 ms) and the node takes promotion_time (5 s). The DNS change is served update_delay (10 s) later.
  CHECK(number(fault, "/rto/decision_s") == Approx(detection).margin(1e-6));
  const double promotion = number(fault, "/rto/promotion_s");
  CHECK(promotion == Approx(detection + 0.001 + 0.142 + 0.0005 + 5.0).margin(0.001));
  CHECK(number(fault, "/rto/routing_s") == Approx(promotion + 10.0).margin(0.001));
}

TEST_CASE("clients recover one resolver TTL after the DNS change, and TTL-stretching resolvers add their extra time",
          "[scenario][known-answer]") {
  const double ttl = GENERATE(30.0, 60.0, 300.0);
  SECTION("every resolver honours the TTL") {
    const json out = simulate_in_child({"routing.ttl=" + std::to_string(ttl) + "s"});
    const json& fault = out["report"]["faults"][0];
    const double routing = number(fault, "/rto/routing_s");
    INFO("TTL " << ttl << " s, DNS change served at +" << routing << " s");
    // A resolver refreshes at a time spread uniformly over its TTL: recovery is routing + U(0, TTL), plus at most a
    // few seconds until the client's next operation (5 ops/s each) and its retry.
    CHECK(number(fault, "/rto/client_recovery/max_s") <= routing + ttl + 3.0);
    CHECK(number(fault, "/rto/client_recovery/p50_s") == Approx(routing + ttl / 2).margin(ttl / 4 + 2.0));
    CHECK(number(fault, "/rto/client_recovery/not_recovered") == 0);
  }
  SECTION("half the resolvers serve an expired answer 100 s longer") {
    const json out = simulate_in_child({"routing.ttl=" + std::to_string(ttl) + "s", "routing.stale_fraction=0.5",
                                        "routing.stale_extra=100s"});
    const json& fault = out["report"]["faults"][0];
    const double routing = number(fault, "/rto/routing_s");
    const double max = number(fault, "/rto/client_recovery/max_s");
    INFO("TTL " << ttl << " s, DNS change served at +" << routing << " s, slowest client " << max << " s");
    CHECK(max <= routing + ttl + 100.0 + 3.0);
    // About 10 stale resolvers each keep their clients back by U(0, TTL + 100 s): the slowest is well past what a
    // resolver honouring the TTL could cause (the chance that all ten fall within one TTL is below 1e-5).
    CHECK(max > routing + ttl + 3.0);
  }
}

TEST_CASE("the slowest client behind TTL-stretching resolvers recovers one hold period after the DNS change, "
          "wherever the fault falls in the resolvers' cycle",
          "[scenario][known-answer]") {
  // Half the resolvers hold an answer for TTL + extra. In steady state each one's next refresh after the DNS change
  // is uniform over that hold period, whatever the fault time, so the slowest of the 75 stretching resolvers
  // refreshes between 0.85 hold (all 75 earlier: probability 0.85^75 < 1e-5) and one hold after the change. Every
  // client writes 2.5 times a second, so it comes back within about a second of its resolver's refresh.
  const auto [ttl, extra, at] = GENERATE(table<double, double, double>(
      {{5, 120, 120}, {5, 120, 150}, {5, 120, 180}, {5, 120, 210}, {60, 100, 200}, {60, 100, 290}}));
  const double hold = ttl + extra;
  const json out = simulate_in_child(
      {"duration=15m", "faults.0.at=" + std::to_string(at) + "s", "routing.ttl=" + std::to_string(ttl) + "s",
       "routing.stale_fraction=0.5", "routing.stale_extra=" + std::to_string(extra) + "s",
       "clients=[{\"region\": \"east\", \"count\": 50, \"rate_per_s\": 250, \"read_fraction\": 0.5},"
       " {\"region\": \"west\", \"count\": 50, \"rate_per_s\": 250, \"read_fraction\": 0.5},"
       " {\"region\": \"eu\", \"count\": 50, \"rate_per_s\": 250, \"read_fraction\": 0.5}]"});
  const json& fault = out["report"]["faults"][0];
  const double tail = number(fault, "/rto/client_recovery/max_s") - number(fault, "/rto/routing_s");
  INFO("TTL " << ttl << " s + " << extra << " s stretched, fault at " << at << " s: the slowest client recovered "
              << tail << " s after the DNS change");
  CHECK(tail >= 0.85 * hold);
  CHECK(tail <= hold + 3.0);
}

TEST_CASE("the report counts as many lag samples as the trace holds, one per replica per sample interval",
          "[scenario][known-answer]") {
  const auto [duration, interval] =
      GENERATE(table<const char*, double>({{"30m", 1.0}, {"10m", 0.3}, {"7m", 7.0}, {"20m", 45.0}}));
  for (const bool with_fault : {false, true}) {
    std::vector<std::string> sets = {std::string("duration=") + duration,
                                     "metrics.sample_interval=" + std::to_string(interval) + "s"};
    sets.push_back(with_fault ? "faults.0.duration=2m" : "faults=[]");
    const json out = simulate_in_child(sets, [](const Scenario& s, const History& h) {
      RunInfo info;
      const auto trace = trace_json(info, h, s.metrics, s.alerts);
      json held = json::object();
      for (auto it = trace["samples"]["lag_s"].begin(); it != trace["samples"]["lag_s"].end(); ++it) {
        int count = 0;
        for (const auto& v : it.value()) count += v.is_null() ? 0 : 1;
        held[it.key()] = count;
      }
      return held;
    });
    const json& lag = out["report"]["replication_lag"];
    const double intervals = std::ceil(parse_duration_s(duration) / interval - 1e-9);
    INFO(duration << " sampled every " << interval << " s (" << intervals << " intervals), "
                  << (with_fault ? "with" : "without") << " the outage");
    REQUIRE(lag.size() == out["extra"].size());
    for (auto it = lag.begin(); it != lag.end(); ++it) {
      INFO(it.key());
      CHECK(it.value()["samples"] == out["extra"][it.key()]);
      // Without a fault the replicas stay replicas: one sample in every interval.
      if (!with_fault) CHECK(it.value()["samples"].get<double>() == intervals);
    }
  }
}

TEST_CASE("a synchronous write is acknowledged after the round trip to the farthest sync replica",
          "[scenario][known-answer]") {
  // No fault; only the primary region's clients, writing. LAN one-way 0.5 ms, east-west 35 ms, east-eu 40 ms.
  const std::vector<std::string> common = {"faults=[]", "clients=[{\"region\": \"east\", \"rate_per_s\": 20, \"read_fraction\": 0}]"};
  const double lan = 0.0005, apply = 0.001, service = 0.002;
  SECTION("sync: client -> primary, ship to eu and back, reply") {
    auto sets = common;
    sets.push_back("database.replication.mode=sync");
    const json out = simulate_in_child(sets);
    // Request 2 LAN hops; the entry travels db -> lan -> 40 ms -> lan -> db, is replayed, acknowledged back over the
    // same route; reply 2 LAN hops. Serialization of a few hundred bytes at 1 Gbps is microseconds.
    const double expected = 4 * lan + 2 * (2 * lan + 0.040) + apply;
    CHECK(number(out["report"], "/latency/write/p50_s") == Approx(expected).margin(0.0002));
  }
  SECTION("async: client -> primary -> reply, the replicas are not waited for") {
    const json out = simulate_in_child(common);
    CHECK(number(out["report"], "/latency/write/p50_s") == Approx(4 * lan + service).margin(0.0002));
    CHECK(number(out["report"], "/lost_writes") == 0);
  }
}

TEST_CASE("mean async replication lag matches the closed form for Poisson writes over a fixed delay",
          "[scenario][known-answer]") {
  // Lag at a time t is t minus the commit time of the oldest write not yet replayed. With Poisson writes of rate
  // lambda and a fixed delay d, that write is the first arrival in (t - d, t], so
  // E[lag] = integral_0^d (d - x) lambda e^(-lambda x) dx = d - (1 - e^(-lambda d)) / lambda.
  const double lambda = GENERATE(5.0, 50.0);
  const json out = simulate_in_child(
      {"faults=[]", "duration=2h",
       "clients=[{\"region\": \"east\", \"rate_per_s\": " + std::to_string(lambda) + ", \"read_fraction\": 0}]"},
      [](const Scenario&, const History& h) {
        json lag = json::object();
        for (size_t n = 0; n < h.nodes.size(); ++n) {
          double sum = 0;
          int count = 0;
          for (const auto& s : h.lag)
            if (s.node == int(n)) sum += s.lag_s, ++count;
          if (count) lag[h.nodes[n]] = sum / count;
        }
        return lag;
      });
  const double lan = 0.0005, apply = 0.001, entry_tx = 256 / 1.25e8;
  for (const auto& [replica, link] : {std::pair<const char*, double>{"db-west", 0.035}, {"db-eu", 0.040}}) {
    const double d = 2 * lan + link + apply + entry_tx;
    const double expected = d - (1 - std::exp(-lambda * d)) / lambda;
    const double measured = out["extra"].at(replica).get<double>();
    INFO(replica << ": lambda " << lambda << "/s, d " << d << " s: expected mean lag " << expected << " s, measured "
                 << measured << " s");
    CHECK(measured == Approx(expected).epsilon(0.10));
  }
}

TEST_CASE("after a region outage the old primary comes back as a replica of the new one, never as a second primary",
          "[scenario][known-answer]") {
  const json out = simulate_in_child({}, [](const Scenario&, const History& h) {
    json roles = json::array();
    for (const auto& r : h.roles)
      if (h.nodes[r.node] == "db-east") roles.push_back({{"t", r.t}, {"role", to_string(r.role)}, {"term", r.term}});
    return roles;
  });
  const json& roles = out["extra"];
  // primary at 0, down at 5 min, recovering at 15 min, then a replica of term 2 — and nothing after.
  REQUIRE(roles.size() == 4);
  CHECK(roles[0]["role"] == "primary");
  CHECK(roles[1]["role"] == "down");
  CHECK(roles[1]["t"].get<double>() == 300.0);
  CHECK(roles[2]["role"] == "recovering");
  CHECK(roles[2]["t"].get<double>() == 900.0);
  CHECK(roles[3]["role"] == "replica");
  CHECK(roles[3]["term"] == 2);
  CHECK(number(out["report"], "/split_brain/incidents") == 0);
}

TEST_CASE("a lone region's primary resumes once its host and its controller are back", "[scenario][known-answer]") {
  // One region, no replica: nothing to fail over to. The outage (5 to 15 min) also takes the monitor host, so the
  // checker and the controller restart with it, find the node recovering and tell it to resume.
  const json out = simulate_in_child({"regions=[{\"name\": \"east\"}]", "links=[]", "database.replicas=[]",
                                      "health_check.from=east", "clients=[{\"region\": \"east\", \"rate_per_s\": 20}]"},
                                     [](const Scenario&, const History& h) {
                                       json roles = json::array();
                                       for (const auto& r : h.roles)
                                         roles.push_back({{"t", r.t}, {"role", to_string(r.role)}, {"term", r.term}});
                                       return roles;
                                     });
  const json& roles = out["extra"];
  REQUIRE(roles.size() == 4);
  CHECK(roles[2]["role"] == "recovering");
  CHECK(roles[3]["role"] == "primary");
  CHECK(roles[3]["term"] == 1);  // the same primary, not a promotion
  // The checker died with the region before any probe failed, so the node was never judged unhealthy: the first
  // probe after the restart (random phase within one interval) finds it recovering, and the controller resumes it.
  const double resumed = roles[3]["t"].get<double>();
  CHECK(resumed > 900.0);
  CHECK(resumed < 900.0 + 10.0 + 0.1);
  const json& fault = out["report"]["faults"][0];
  CHECK(fault["rto"]["recovered"] == true);
  CHECK(number(fault, "/rto/rto_s") == Approx(resumed - 300.0).margin(2.0));
}

// Async RPO of a region outage, in closed form. Only the primary region's own writes can be lost (the others
// reach the primary over the WAN and their acknowledgements die with the region). A write committed at t is
// acknowledged at t + ack (service time, two LAN hops back with the response) and replayed on the promoted replica at
// t + d (LAN, link, LAN, replay, serialization of the entry). The outage at T loses the writes acknowledged before T
// but not yet replayed: commits in (T - d, T - ack). Their number is Poisson with mean lambda * (d - ack), and the
// data-loss window is the age of the oldest of them, just under d - ack.
struct AsyncLoss {
  double window_s;  // d - ack
  double expected_lost(double local_writes_per_s) const { return local_writes_per_s * window_s; }
};
AsyncLoss async_loss(double lan_s, double link_s, double apply_s, double service_s, double entry_bytes,
                     double response_bytes, double lan_Bps = 1.25e9, double wan_Bps = 1.25e8) {
  const double d = 2 * lan_s + link_s + apply_s + entry_bytes / wan_Bps;
  const double ack = service_s + 2 * lan_s + response_bytes / lan_Bps;
  return {d - ack};
}

TEST_CASE("async replication loses the local writes acknowledged within one replication delay of the outage",
          "[scenario][known-answer]") {
  // Only the primary region's clients write, at rate lambda; the promoted replica is 35 ms away.
  const double lambda = 5000;
  const AsyncLoss loss = async_loss(0.0005, 0.035, 0.001, 0.002, 256, 1024);
  const json out = simulate_in_child({"duration=2m", "faults.0.at=1m", "faults.0.duration=30s",
                                      "clients=[{\"region\": \"east\", \"count\": 1000, \"rate_per_s\": " +
                                          std::to_string(lambda) + ", \"read_fraction\": 0}]"});
  const json& rpo = out["report"]["faults"][0]["rpo"];
  const double expected = loss.expected_lost(lambda);
  const double lost = rpo["lost_writes"].get<double>();
  INFO("expected " << expected << " lost writes (sd " << std::sqrt(expected) << "), found " << lost);
  CHECK(std::abs(lost - expected) <= 4 * std::sqrt(expected));
  CHECK(number(rpo, "/data_loss_window_s") == Approx(loss.window_s).margin(0.001));
  CHECK(number(rpo, "/lost_writes_after_fault") == 0);
}

TEST_CASE("the flagship's description states the RPO that the closed form gives for its own parameters",
          "[unit][known-answer]") {
  // The description tells a reader how many writes to expect lost; it must be the closed form above evaluated on
  // the file's own load and links, not a number typed in once.
  const Scenario s = load_scenario_file(std::string(MRSIM_SOURCE_DIR) + "/scenarios/active-passive-dns.json", {},
                                        std::nullopt);
  const int primary = s.region_index(s.database.primary);
  double local_writes_per_s = 0;
  uint32_t response_bytes = 0;
  for (const auto& g : s.clients)
    if (g.region == s.database.primary) {
      local_writes_per_s += g.rate_per_s * (1 - g.read_fraction);
      response_bytes = g.response_bytes;
    }
  // The replica the controller promotes: the least lagged, i.e. the nearest.
  double nearest_link_s = 1e9, wan_Bps = 0;
  for (const auto& l : s.links)
    if ((l.a == s.database.primary || l.b == s.database.primary) && l.latency_s < nearest_link_s) {
      nearest_link_s = l.latency_s;
      wan_Bps = l.bandwidth_Bps;
    }
  const auto& region = s.regions[size_t(primary)];
  const AsyncLoss loss = async_loss(region.lan_latency_s, nearest_link_s, s.database.apply_delay_s,
                                    s.database.write_service_s, s.database.entry_bytes, response_bytes,
                                    region.lan_bandwidth_Bps, wan_Bps);
  char stated[64];
  std::snprintf(stated, sizeof stated, "about %.2g writes", loss.expected_lost(local_writes_per_s));
  char window[64];
  std::snprintf(window, sizeof window, "last ~%.0f ms", loss.window_s * 1000);
  INFO("closed form: " << stated << ", " << window << "; description: " << s.description);
  CHECK(s.description.find(stated) != std::string::npos);
  CHECK(s.description.find(window) != std::string::npos);
}
