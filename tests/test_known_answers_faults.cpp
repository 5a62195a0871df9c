// Known answers for the fault library (sim/faults.h): each kind does what docs/scenarios.md says, on a hand-built
// two-region world where every figure has a closed form.
//
// The world: the primary in a, a replica in b, 10 ms apart, no LAN time, no service time; clients in b write to a
// at 20 per second, no retries, a 1 s timeout; a checker in b probes every node. A write's latency is the link both
// ways (20 ms); a write invoked while its request or its reply cannot cross fails, so a fault that stops writes for
// D seconds of the 600 s run leaves a write availability of 1 - D / 600 (the 1 s timeout moves no invocation across
// an edge: each edge shifts the count by at most the ops of 20 ms). The tolerance is five binomial standard errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "tests/child_simulation.h"

using namespace mrsim;
using nlohmann::json;
using mrsim_test::number;

namespace {

const char* const kWorld = R"({
  "name": "known-answer-faults",
  "duration": "10m",
  "regions": [{"name": "a", "lan_latency": "0s", "lan_bandwidth": "100Tbps"},
              {"name": "b", "lan_latency": "0s", "lan_bandwidth": "100Tbps"}],
  "links": [{"between": ["a", "b"], "latency": "10ms", "bandwidth": "100Tbps"}],
  "database": {"primary": "a", "replicas": ["b"], "read_service_time": "0s", "write_service_time": "0s"},
  "health_check": {"from": "b"},
  "failover": {"policy": "none"},
  "clients": [{"region": "b", "rate_per_s": 20, "read_fraction": 0, "max_retries": 0, "timeout": "1s"}]
})";

constexpr double kRun = 600, kLink = 0.010;

json report(const std::string& faults, std::vector<std::string> sets = {}) {
  sets.push_back("faults=" + faults);
  return mrsim_test::simulate_in_child(kWorld, sets).at("report");
}

// Write availability against 1 - down / run, within five standard errors of a binomial proportion.
void check_write_availability(const json& r, double down_s) {
  const double expected = 1 - down_s / kRun;
  const double n = number(r, "/availability/write/attempted");
  REQUIRE(n > 10000);
  const double tolerance = 5 * std::sqrt(expected * (1 - expected) / n) + 1e-3;
  CHECK(std::abs(number(r, "/availability/write/ratio") - expected) <= tolerance);
}

bool detected(const json& r) { return !r.at(json::json_pointer("/faults/0/rto/detection_s")).is_null(); }

}  // namespace

TEST_CASE("a one-way partition loses one direction only", "[scenario][known-answer][faults]") {
  SECTION("a's messages to b lost: requests arrive and commit, replies and replication do not") {
    const json r = report(R"([{"at": "1m", "kind": "partition", "groups": [["a"], ["b"]], "direction": "one-way", "duration": "5m"}])");
    check_write_availability(r, 300);
    // The replica hears nothing for the whole cut while the writes keep committing: its lag reaches the cut's length.
    CHECK(number(r, "/replication_lag/db-b/max_s") >= 300 - 1);
    CHECK(detected(r));  // the checker in b gets no answers
  }
  SECTION("b's messages to a lost: requests never arrive, replication still flows") {
    const json r = report(R"([{"at": "1m", "kind": "partition", "groups": [["b"], ["a"]], "direction": "one-way", "duration": "5m"}])");
    check_write_availability(r, 300);
    CHECK(number(r, "/replication_lag/db-b/max_s") < 2 * kLink);
    CHECK(detected(r));  // the probes never arrive
  }
}

TEST_CASE("a scoped partition cuts one plane", "[scenario][known-answer][faults]") {
  const std::vector<std::string> automatic = {"failover.policy=automatic"};
  SECTION("data: the clients' writes fail and the health checker sees nothing") {
    const json r = report(R"([{"at": "1m", "kind": "partition", "groups": [["a"], ["b"]], "scope": "data", "duration": "5m"}])", automatic);
    check_write_availability(r, 300);
    CHECK_FALSE(detected(r));
    CHECK(r.at("/faults/0/rto/promotion_s"_json_pointer).is_null());
  }
  SECTION("control: every write succeeds while the checker declares the primary dead and fails over") {
    const json r = report(R"([{"at": "1m", "kind": "partition", "groups": [["a"], ["b"]], "scope": "control", "duration": "5m"}])", automatic);
    CHECK(number(r, "/availability/write/ratio") == 1.0);
    CHECK(detected(r));
    CHECK(number(r, "/faults/0/rto/promotion_s") > 0);
    CHECK(number(r, "/split_brain/incidents") >= 1);  // nobody fenced the primary the clients still reach
  }
}

TEST_CASE("a link degradation adds latency and loses messages", "[scenario][known-answer][faults]") {
  SECTION("added latency: each crossing 5 ms later, a write 10 ms later") {
    const json r = report(R"([{"at": "0s", "kind": "link_degradation", "groups": [["a"], ["b"]], "added_latency": "5ms", "duration": "10m"}])");
    CHECK(number(r, "/latency/write/p50_s") == Approx(2 * kLink + 2 * 0.005).margin(1e-6));
    CHECK(number(r, "/latency/write/max_s") == Approx(2 * kLink + 2 * 0.005).margin(1e-6));
  }
  SECTION("on the control plane only, the clients' writes do not see it") {
    const json r = report(R"([{"at": "0s", "kind": "link_degradation", "groups": [["a"], ["b"]], "added_latency": "5ms", "scope": "control", "duration": "10m"}])");
    CHECK(number(r, "/latency/write/max_s") == Approx(2 * kLink).margin(1e-6));
  }
  SECTION("loss p: a write needs its request and its reply, (1 - p)^2 of them succeed") {
    const double p = 0.2;
    const json r = report(R"([{"at": "0s", "kind": "link_degradation", "groups": [["a"], ["b"]], "loss": 0.2, "duration": "10m"}])");
    const double expected = (1 - p) * (1 - p);
    const double n = number(r, "/availability/write/attempted");
    CHECK(std::abs(number(r, "/availability/write/ratio") - expected) <= 5 * std::sqrt(expected * (1 - expected) / n));
  }
}

TEST_CASE("a node crash takes one host down and keeps its disk", "[scenario][known-answer][faults]") {
  const json r = report(R"([{"at": "1m", "kind": "node_crash", "node": "db-a", "duration": "2m"}])");
  // Writes fail while the node is down, and until it has recovered and is primary again.
  const double back = number(r, "/faults/0/rto/promotion_s");
  CHECK(back >= 120);
  check_write_availability(r, back);
  CHECK(number(r, "/lost_writes") == 0);  // what it acknowledged before the crash is still there
}

TEST_CASE("a gray failure fails or slows the data path and the health checks still pass", "[scenario][known-answer][faults]") {
  SECTION("fails: writes fail for its length, no detection, no failover") {
    const json r = report(R"([{"at": "1m", "kind": "gray_failure", "node": "db-a", "duration": "2m"}])",
                          {"failover.policy=automatic"});
    check_write_availability(r, 120);
    CHECK_FALSE(detected(r));
    CHECK(r.at("/faults/0/rto/promotion_s"_json_pointer).is_null());
  }
  SECTION("slowdown k: the node answers k times later") {
    const double k = 5, service = 0.010;
    const json r = report(R"([{"at": "0s", "kind": "gray_failure", "node": "db-a", "slowdown": 5, "duration": "10m"}])",
                          {"database.write_service_time=10ms"});
    CHECK(number(r, "/latency/write/p50_s") == Approx(2 * kLink + k * service).margin(1e-6));
  }
}

TEST_CASE("a flapping fault is on for down, off for up, over its duration", "[scenario][known-answer][faults]") {
  const double at = 60, duration = 240, down = 30, up = 30;
  const json r = report(R"([{"at": "1m", "kind": "partition", "groups": [["a"], ["b"]], "duration": "4m", "flapping": {"down": "30s", "up": "30s"}}])");
  const double periods = std::ceil(duration / (down + up));
  const double last_end = at + (periods - 1) * (down + up) + down;
  CHECK(number(r, "/faults/0/start_s") == Approx(at));
  CHECK(number(r, "/faults/0/end_s") == Approx(last_end));
  check_write_availability(r, periods * down);
}

TEST_CASE("failback returns to the original primary once it is healthy and the cooldown has passed", "[scenario][known-answer][faults]") {
  // a is lost for 2 minutes; the checker in b fails over to b. When a is back it rejoins as b's replica, and with
  // failback the controller promotes it again, but not before the cooldown since the promotion of b has run out.
  const auto promotions = [](const Scenario&, const History& h) {
    json times = json::array();
    for (const RoleChange& c : h.roles)
      if (c.t > 0 && c.role == Role::Primary) times.push_back({{"t", c.t}, {"node", c.node}});
    return times;
  };
  const std::string outage = R"(faults=[{"at": "1m", "kind": "region_outage", "region": "a", "duration": "2m"}])";
  for (const double cooldown : {0.0, 300.0}) {
    const json r = mrsim_test::simulate_in_child(
        kWorld, {outage, "failover.policy=automatic", "failover.failback=true",
                 "failover.cooldown=" + std::to_string(int(cooldown)) + "s"},
        promotions);
    const json& p = r.at("extra");
    // b is promoted during the outage, then a again after it (a's recovery as primary does not count: it rejoins).
    REQUIRE(p.size() >= 2);
    CHECK(p[0]["node"] == 1);
    const double back = p[p.size() - 1]["t"].get<double>();
    CHECK(p[p.size() - 1]["node"] == 0);
    CHECK(back >= 180);                                    // not before a is back
    CHECK(back >= p[0]["t"].get<double>() + cooldown);     // nor within the cooldown of b's promotion
  }
  // Without failback b stays primary.
  const json r = mrsim_test::simulate_in_child(kWorld, {outage, "failover.policy=automatic"}, promotions);
  REQUIRE(r.at("extra").size() >= 1);
  CHECK(r.at("extra").back()["node"] == 1);
}
