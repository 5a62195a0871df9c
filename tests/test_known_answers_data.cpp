// Known answers for the data layer's replication modes (issue: semi-sync, consensus ranges): each against a closed
// form derived here from the scenario's own parameters.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "tests/child_simulation.h"

using namespace mrsim;
using nlohmann::json;
using mrsim_test::number;

namespace {

// A primary in east and one semi-sync replica in west, 35 ms apart; no LAN latency and no service times, so a
// replica's acknowledgement of a commit at c reaches the primary at c + 2 x 35 ms + the entry's transfer at 1 Gbps.
// East's clients only write, and wait longer (3 s) than the source's timeout (1 s). West goes dark at 100 s for 50 s;
// nothing fails over.
const char* const kSemiSync = R"({
  "name": "known-answer-semi-sync",
  "duration": "200s",
  "regions": [{"name": "east", "lan_latency": "0s"}, {"name": "west", "lan_latency": "0s"}],
  "links": [{"between": ["east", "west"], "latency": "35ms", "bandwidth": "1Gbps"}],
  "database": {"primary": "east", "replicas": ["west"], "replication": {"mode": "semi-sync"},
               "semi_sync": {"timeout": "1s"}, "read_service_time": "0s", "write_service_time": "0s"},
  "health_check": {"from": "east"},
  "failover": {"policy": "none"},
  "clients": [{"region": "east", "count": 10, "rate_per_s": 20, "read_fraction": 0, "timeout": "3s",
               "max_retries": 0}],
  "faults": [{"at": "100s", "kind": "region_outage", "region": "west", "duration": "50s"}]
})";

constexpr double kRoundTrip = 2 * 0.035 + 256.0 / 1.25e8;
// A client's request (512 B) and reply (1 KiB) cross its region's 10 Gbps LAN.
constexpr double kClientTransfer = (512.0 + 1024.0) / 1.25e9;

}  // namespace

TEST_CASE("semi-sync falls back exactly its timeout after the first commit left without an acknowledgement",
          "[scenario][known-answer]") {
  const json out = mrsim_test::simulate_in_child(kSemiSync, {}, [](const Scenario&, const History& h) {
    json j;
    j["decisions"] = json::array();
    for (const ControllerDecision& d : h.decisions) j["decisions"].push_back({d.action, d.t});
    j["writes"] = json::array();  // commit (served), invoke, complete, ok
    for (const OpRecord& op : h.ops)
      if (op.kind == OpKind::Write) j["writes"].push_back({op.served_s, op.invoke_s, op.complete_s, op.ok()});
    return j;
  });
  double off = -1, on = -1;
  for (const json& d : out["extra"]["decisions"]) {
    if (d[0] == "semi_sync_off") {
      CHECK(off < 0);
      off = d[1].get<double>();
    }
    if (d[0] == "semi_sync_on") {
      CHECK(on < 0);
      on = d[1].get<double>();
    }
  }
  REQUIRE(off > 0);
  REQUIRE(on > off);
  // The first commit whose acknowledgement would reach the primary after west went dark at 100 s waits in vain.
  double first_unacked = -1;
  for (const json& w : out["extra"]["writes"]) {
    const double commit = w[0].get<double>(), invoke = w[1].get<double>(), complete = w[2].get<double>();
    if (commit + kRoundTrip <= 100.0) {
      CHECK(w[3] == true);
      CHECK(complete - invoke == Approx(kRoundTrip + kClientTransfer).margin(1e-9));  // acknowledged by the replica
    } else if (first_unacked < 0 && w[3] == true) {
      first_unacked = commit;
    }
  }
  INFO("first commit without an acknowledgement " << first_unacked << ", fallback " << off);
  CHECK(off - first_unacked == Approx(1.0).margin(1e-9));  // exactly semi_sync.timeout
  for (const json& w : out["extra"]["writes"]) {
    const double commit = w[0].get<double>(), invoke = w[1].get<double>(), complete = w[2].get<double>();
    if (commit >= first_unacked && commit < off) {
      CHECK(w[3] == true);  // released at the fallback, within the client's 3 s
      CHECK(complete == Approx(off + 1024.0 / 1.25e9).margin(1e-9));
    } else if (commit >= off && commit < 155.0) {
      CHECK(complete - invoke == Approx(kClientTransfer).margin(1e-9));  // asynchronous: acknowledged at once
    }
  }
  // West is back at 150 s; its stream reconnects 5 s later (reconnect_delay) and resends the backlog (55 s of writes
  // at 20/s, 2 us each at 1 Gbps): semi-sync is on again once that is sent.
  CHECK(on >= 155.0);
  CHECK(on <= 155.0 + 55 * 20 * 2 * 256.0 / 1.25e8 + 1e-3);
  const json& semi = out["report"]["semi_sync"];
  CHECK(semi["fallbacks"] == 1);
  CHECK(number(out["report"], "/semi_sync/time_in_fallback_s") == Approx(on - off).margin(1e-6));
  CHECK(semi["lost_writes_in_fallback"] == 0);
}

TEST_CASE("semi-sync that stays on keeps every acknowledged write through a failover", "[scenario][known-answer]") {
  // semi-sync-fallback.json without us-west-2's outage: the source does not fall back before us-east-1 is lost, and
  // the controller promotes the least-lagged replica, us-west-2, which has received every acknowledged write. (The
  // new source has no semi-sync replica of its own, so it falls back at its first commit: that costs nothing here.)
  const std::string text = mrsim_test::scenario_text("semi-sync-fallback.json");
  const json out = mrsim_test::simulate_in_child(
      text.c_str(), {"expect={}", "duration=30m",
                     R"(faults=[{"at": "20m", "kind": "region_outage", "region": "us-east-1", "duration": "5m"}])"});
  const json& r = out["report"];
  CHECK(r["semi_sync"]["fallbacks"] == 1);
  CHECK(number(r, "/semi_sync/time_in_fallback_s") < 600);  // only after the failover (20 to 30 min)
  CHECK(r["lost_writes"] == 0);
  CHECK(r["acknowledged_writes"].get<double>() > 500 * 1200 * 0.9);  // us-east-1's writes alone, 20 minutes
}
