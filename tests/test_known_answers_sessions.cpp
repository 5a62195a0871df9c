// Known answers for session strategies (clients[*].session): how many read-your-writes violations a read-local
// design without one has, that the strategies which route or hold reads have none, and what min-version costs at
// most — each against a closed form computed here from the scenario's latencies, sizes and rates.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "tests/child_simulation.h"

using namespace mrsim;
using mrsim_test::number;
using nlohmann::json;

namespace {

// Two regions with no LAN latency, so every route's latency is the link's: the primary in east, one async replica in
// europe that replays `apply_delay` after an entry arrives, and every client group in europe. Few keys and clients
// at 1 op/s each, so a client rereads its own key often enough to show violations.
const char* const kSessions = R"({
  "name": "known-answer-sessions",
  "duration": "20m",
  "regions": [{"name": "east", "lan_latency": "0s"}, {"name": "europe", "lan_latency": "0s"}],
  "links": [{"between": ["east", "europe"], "latency": "40ms", "bandwidth": "1Gbps"}],
  "database": {"topology": "single-primary", "primary": "east", "replicas": ["europe"],
               "replication": {"apply_delay": "100ms"}, "keys": 10},
  "routing": {"ttl": "60s"},
  "clients": [
    {"region": "europe", "count": 50, "rate_per_s": 50, "read_fraction": 0.5, "session": {"strategy": "none"}},
    {"region": "europe", "count": 50, "rate_per_s": 50, "read_fraction": 0.5,
     "session": {"strategy": "read-own-writes-window", "window": "1s"}},
    {"region": "europe", "count": 50, "rate_per_s": 50, "read_fraction": 0.5,
     "session": {"strategy": "primary-reads"}},
    {"region": "europe", "count": 50, "rate_per_s": 50, "read_fraction": 0.5,
     "session": {"strategy": "min-version", "max_wait": "50ms"}}
  ]
})";

// The scenario's numbers, as the test computes with them.
constexpr double kLink = 0.040, kWanBps = 1e9 / 8, kLanBps = 10e9 / 8;
constexpr double kApply = 0.100, kWriteService = 0.002, kReadService = 0.001, kMaxWait = 0.050;
constexpr double kEntryBytes = 256, kRequestBytes = 512, kResponseBytes = 1024;
constexpr double kKeys = 10, kClientRate = 50.0 / 50, kReadFraction = 0.5;

// How long after a write's ack a reread of its key still reaches the replica before the write is replayed there.
// The write commits at c; its ack reaches the client at c + write service + the way back; the replica replays at
// c + the entry's transmission + the link + apply_delay; a read sent at r reaches the local replica at r + its
// transmission on the LAN.
double violation_window_s() {
  const double ack = kWriteService + kLink + kResponseBytes / kWanBps;
  const double replay = kEntryBytes / kWanBps + kLink + kApply;
  return replay - ack - kRequestBytes / kLanBps;
}

// Acknowledged writes and successful reads of each client group, counted from the history.
json group_counts(const Scenario& s, const History& h) {
  json out = json::array();
  uint32_t first = 0;
  for (const auto& g : s.clients) {
    uint64_t writes = 0, reads = 0;
    for (const OpRecord& op : h.ops) {
      if (op.client < first || op.client >= first + g.count || !op.ok()) continue;
      (op.kind == OpKind::Write ? writes : reads) += 1;
    }
    out.push_back({{"acked_writes", writes}, {"reads", reads}});
    first += g.count;
  }
  return out;
}

}  // namespace

TEST_CASE("without a session strategy a read-local client misses its own write for the replay lag past its ack",
          "[scenario][known-answer]") {
  const json out = mrsim_test::simulate_in_child(kSessions, {}, group_counts);
  const json& groups = out["report"]["sessions"]["by_group"];
  REQUIRE(groups.size() == 4);
  // Every acknowledged write opens a window of w seconds in which each read of its key by the same client (Poisson,
  // rate = the client's rate x read fraction / keys) returns an older version.
  const double w = violation_window_s();
  REQUIRE(w > 0);
  const double acked = out["extra"][0]["acked_writes"].get<double>();
  const double expected = acked * kClientRate * kReadFraction / kKeys * w;
  const double observed = groups[0]["read_your_writes_violations"].get<double>();
  INFO("window " << w << " s, " << acked << " acknowledged writes: expected " << expected << ", observed "
                 << observed);
  CHECK(std::fabs(observed - expected) <= 4 * std::sqrt(expected));
  // The strategies that take the read to the primary, or hold it until the write is there, have none: the window of
  // read-own-writes-window (1 s) is longer than w.
  REQUIRE(1.0 > w);
  for (size_t g = 1; g < 4; ++g) {
    INFO("group " << g << " (" << groups[g]["strategy"] << ")");
    CHECK(groups[g]["read_your_writes_violations"] == 0);
  }
  // primary-reads sends every read across: request and response each way, every read.
  const double reads = out["extra"][2]["reads"].get<double>();
  CHECK(groups[2]["cross_region_reads"].get<double>() == reads);
  CHECK(groups[2]["cross_region_read_bytes"].get<double>() == reads * (kRequestBytes + kResponseBytes));
  const double primary_read = kRequestBytes / kWanBps + kLink + kReadService + kLink + kResponseBytes / kWanBps;
  CHECK(number(out, "/report/sessions/by_group/2/read_latency/max_s") == Approx(primary_read).margin(1e-6));
  // read-own-writes-window sends a read to the primary when the client's last write was acknowledged less than 1 s
  // before: with writes at rate client rate x (1 - read fraction), a fraction 1 - e^(-rate x 1 s) of reads.
  const double share = 1 - std::exp(-kClientRate * (1 - kReadFraction) * 1.0);
  const double window_reads = out["extra"][1]["reads"].get<double>();
  const double crossed = groups[1]["cross_region_reads"].get<double>();
  INFO("read-own-writes-window: " << crossed << " of " << window_reads << " reads to the primary, expected share "
                                  << share);
  CHECK(std::fabs(crossed - window_reads * share) <= 4 * std::sqrt(window_reads * share * (1 - share)));
}

TEST_CASE("a min-version read waits for the replay or is forwarded after max_wait, and costs at most that plus a round "
          "trip to the primary",
          "[scenario][known-answer]") {
  const json out = mrsim_test::simulate_in_child(kSessions, {}, group_counts);
  const json& g = out["report"]["sessions"]["by_group"][3];
  CHECK(g["read_your_writes_violations"] == 0);
  // A read behind the token is held at the replica: forwarded after max_wait, it goes to the primary and back over
  // the link, so it takes local read transmission + max_wait + the round trip + the primary's service.
  const double local_in = kRequestBytes / kLanBps, local_out = kResponseBytes / kLanBps;
  const double forwarded = local_in + kMaxWait + (kLink + kRequestBytes / kWanBps) + kReadService +
                           (kLink + kResponseBytes / kWanBps) + local_out;
  const double local = local_in + kReadService + local_out;
  CHECK(number(out, "/report/sessions/by_group/3/read_latency/max_s") <= forwarded + 1e-6);
  CHECK(number(out, "/report/sessions/by_group/3/read_latency/p50_s") == Approx(local).margin(1e-6));
  // Forwarded: reads sent in the first (w - max_wait) after the client's last ack, whose wait would be longer.
  const double w = violation_window_s();
  const double share = 1 - std::exp(-kClientRate * (1 - kReadFraction) * (w - kMaxWait));
  const double reads = out["extra"][3]["reads"].get<double>();
  const double crossed = g["cross_region_reads"].get<double>();
  INFO(crossed << " of " << reads << " reads forwarded, expected share " << share);
  CHECK(std::fabs(crossed - reads * share) <= 4 * std::sqrt(reads * share * (1 - share)));
  CHECK(number(out, "/report/sessions/by_group/3/read_latency/max_s") == Approx(forwarded).margin(1e-6));
}

TEST_CASE("a session block saying none changes nothing but adds the per-group breakdown", "[scenario]") {
  // The same clients with and without a stated "none": every number of the report is the same, and only the stated
  // run has sessions.by_group.
  const char* const kPlain = R"({
    "name": "known-answer-sessions-none", "duration": "2m",
    "regions": [{"name": "east"}, {"name": "europe"}],
    "links": [{"between": ["east", "europe"], "latency": "40ms", "bandwidth": "1Gbps"}],
    "database": {"topology": "single-primary", "primary": "east", "replicas": ["europe"], "keys": 10},
    "clients": [{"region": "europe", "count": 20, "rate_per_s": 50, "read_fraction": 0.5}]
  })";
  json plain = mrsim_test::simulate_in_child(kPlain, {})["report"];
  json stated = mrsim_test::simulate_in_child(kPlain, {"clients.0.session.strategy=none"})["report"];
  CHECK_FALSE(plain["sessions"].contains("by_group"));
  REQUIRE(stated["sessions"].contains("by_group"));
  CHECK(stated["sessions"]["by_group"][0]["reads"] == plain["stale_reads"]["successful_reads"]);
  stated["sessions"].erase("by_group");
  CHECK(plain == stated);
}
