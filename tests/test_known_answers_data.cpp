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
      text.c_str(), {"expect={}", "duration=20m",
                     R"(faults=[{"at": "10m", "kind": "region_outage", "region": "us-east-1", "duration": "5m"}])"});
  const json& r = out["report"];
  CHECK(r["semi_sync"]["fallbacks"] == 1);
  CHECK(number(r, "/semi_sync/time_in_fallback_s") < 600);  // only after the failover (10 to 20 min)
  CHECK(r["lost_writes"] == 0);
  CHECK(r["acknowledged_writes"].get<double>() > 300 * 600 * 0.9);  // us-east-1's writes alone, 10 minutes
}

namespace {

// Five regions in a star around a, 10, 20, 30 and 40 ms away; no LAN latency, no service time. The range's leader
// is in a, whose clients only write. b is dark for [100 s, 200 s); b, c and d for [300 s, 400 s).
const char* const kConsensus = R"({
  "name": "known-answer-consensus",
  "duration": "450s",
  "regions": [{"name": "a", "lan_latency": "0s"}, {"name": "b", "lan_latency": "0s"}, {"name": "c", "lan_latency": "0s"},
              {"name": "d", "lan_latency": "0s"}, {"name": "e", "lan_latency": "0s"}],
  "links": [{"between": ["a", "b"], "latency": "10ms", "bandwidth": "1Gbps"},
            {"between": ["a", "c"], "latency": "20ms", "bandwidth": "1Gbps"},
            {"between": ["a", "d"], "latency": "30ms", "bandwidth": "1Gbps"},
            {"between": ["a", "e"], "latency": "40ms", "bandwidth": "1Gbps"}],
  "database": {"topology": "consensus", "regions": ["a", "b", "c", "d", "e"], "leaseholder": "a",
               "read_service_time": "0s", "write_service_time": "0s"},
  "health_check": {"from": "e"},
  "clients": [{"region": "a", "count": 10, "rate_per_s": 20, "read_fraction": 0, "max_retries": 0}],
  "faults": [{"at": "100s", "kind": "region_outage", "region": "b", "duration": "100s"},
             {"at": "300s", "kind": "region_outage", "region": "b", "duration": "100s"},
             {"at": "300s", "kind": "region_outage", "region": "c", "duration": "100s"},
             {"at": "300s", "kind": "region_outage", "region": "d", "duration": "100s"}]
})";

}  // namespace

TEST_CASE("a consensus write commits after the leader's round trip to the nearest majority of regions",
          "[scenario][known-answer]") {
  const json out = mrsim_test::simulate_in_child(kConsensus, {}, [](const Scenario&, const History& h) {
    json writes = json::array();  // invoke, complete, ok
    for (const OpRecord& op : h.ops) writes.push_back({op.invoke_s, op.complete_s, op.ok()});
    return writes;
  });
  // The entry reaches a follower one latency plus its transfer at 1 Gbps after the append, and its acknowledgement
  // comes back one latency later; the leader and the two nearest followers are a majority of five. The client's
  // request and reply cross a's 10 Gbps LAN.
  const double entry = 256.0 / 1.25e8, client = (512.0 + 1024.0) / 1.25e9;
  const double nearest_majority = 2 * 0.020 + entry + client;    // b (10 ms) and c (20 ms)
  const double without_b = 2 * 0.030 + entry + client;           // c and d
  size_t steady = 0, minority_lost = 0;
  for (const json& w : out["extra"]) {
    const double invoke = w[0].get<double>(), complete = w[1].get<double>();
    const bool ok = w[2].get<bool>();
    if (invoke < 99) {
      CHECK(ok);
      CHECK(complete - invoke == Approx(nearest_majority).margin(1e-9));
      ++steady;
    } else if (invoke > 100.1 && invoke < 199) {  // a minority is dark: nothing stops, the next majority answers
      CHECK(ok);
      CHECK(complete - invoke == Approx(without_b).margin(1e-9));
      ++minority_lost;
    } else if (invoke > 300 && invoke < 399) {  // only a and e are up: two of five, no majority, no commit
      CHECK_FALSE(ok);
    }
  }
  CHECK(steady > 1500);
  CHECK(minority_lost > 1500);
  CHECK(out["report"]["lost_writes"] == 0);
  CHECK(out["report"]["split_brain"]["incidents"] == 0);
}

TEST_CASE("consensus reads go to the leaseholder, or stay local within the follower-read staleness bound",
          "[scenario][known-answer]") {
  // a's clients write one key 20 times a second; e's clients (40 ms from the leader) read it.
  const std::vector<std::string> sets = {
      "faults=[]", "duration=100s", "database.keys=1",
      R"(clients=[{"region": "a", "count": 10, "rate_per_s": 20, "read_fraction": 0},
                 {"region": "e", "count": 10, "rate_per_s": 20, "read_fraction": 1}])"};
  const mrsim_test::Extract e_reads = [](const Scenario&, const History& h) {
    json latencies = json::array();
    for (const OpRecord& op : h.ops)
      if (op.kind == OpKind::Read && op.ok()) latencies.push_back(op.complete_s - op.invoke_s);
    return latencies;
  };
  const double client = (512.0 + 1024.0) / 1.25e9;
  const json leaseholder = mrsim_test::simulate_in_child(kConsensus, sets, e_reads);
  REQUIRE(leaseholder["extra"].size() > 1500);
  for (const json& l : leaseholder["extra"]) CHECK(l.get<double>() == Approx(2 * 0.040 + client).margin(1e-9));
  CHECK(leaseholder["report"]["stale_reads"]["stale_reads"] == 0);  // the leaseholder has every committed write

  std::vector<std::string> follower = sets;
  follower.push_back("database.consensus.follower_read_staleness=1s");
  const json local = mrsim_test::simulate_in_child(kConsensus, follower, e_reads);
  for (const json& l : local["extra"]) CHECK(l.get<double>() == Approx(client).margin(1e-9));  // e's own replica
  // e applies a commit one leader-to-e latency after the leader learns it: its reads miss the newest writes, never
  // by more than the bound.
  CHECK(local["report"]["stale_reads"]["stale_reads"].get<int>() > 0);
  CHECK(number(local["report"], "/stale_reads/age_s/max") <= 1.0);
}
