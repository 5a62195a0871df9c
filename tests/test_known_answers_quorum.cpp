// Known answers for the leaderless quorum store: the probability that a read quorum misses every replica holding a
// write, and R + W > N never stale, each against a closed form computed here.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "tests/child_simulation.h"

using namespace mrsim;
using nlohmann::json;
using mrsim_test::number;

namespace {

// Three replicas (a, b, c) with no network time between them (zero latencies, bandwidths so high that a 256-byte
// entry takes 2e-11 s), one key, clients only in a. Replica i's write delay is 0 for the first W replicas and a day
// (beyond the run) for the others, acknowledgements take 0: every write commits at once and, for the whole run,
// exactly W replicas (a fixed set) hold it. Read and response delays are i.i.d. exponential for every replica, so
// the R first responders are a uniformly random R-subset of the 3.
const char* const kStaleBase = R"({
  "name": "known-answer-quorum",
  "duration": "10m",
  "regions": [{"name": "a", "lan_latency": "0s", "lan_bandwidth": "100Tbps"},
              {"name": "b", "lan_latency": "0s", "lan_bandwidth": "100Tbps"},
              {"name": "c", "lan_latency": "0s", "lan_bandwidth": "100Tbps"}],
  "links": [{"between": ["a", "b"], "latency": "0s", "bandwidth": "100Tbps"},
            {"between": ["a", "c"], "latency": "0s", "bandwidth": "100Tbps"}],
  "database": {"topology": "leaderless", "regions": ["a", "b", "c"], "keys": 1,
               "delays": {"read": {"kind": "exponential", "mean": "1ms"},
                          "response": {"kind": "exponential", "mean": "1ms"}}},
  "clients": [{"region": "a", "count": 10, "rate_per_s": 50, "read_fraction": 0.5}]
})";

double choose(int n, int k) {
  if (k < 0 || k > n) return 0;
  double c = 1;
  for (int i = 1; i <= k; ++i) c = c * (n - k + i) / i;
  return c;
}

std::string never(const char* region) {
  return std::string(R"({"region": ")") + region + R"(", "write": {"kind": "constant", "value": "1d"}})";
}

}  // namespace

TEST_CASE("a read quorum misses every replica holding the write with probability (N-W choose R) / (N choose R)",
          "[scenario][known-answer]") {
  const int n = 3;
  const auto [r, w] = GENERATE(std::make_pair(1, 1), std::make_pair(2, 1), std::make_pair(1, 2));
  // The replicas past the first W never get a write within the run.
  std::string slow = "[";
  const char* names[] = {"a", "b", "c"};
  for (int i = w; i < n; ++i) slow += (i > w ? ", " : "") + never(names[i]);
  slow += "]";
  const json out = mrsim_test::simulate_in_child(
      kStaleBase, {"database.quorum={\"r\": " + std::to_string(r) + ", \"w\": " + std::to_string(w) + "}",
                   "database.delays.replicas=" + slow});
  const json& report = out.at("report");
  const double reads = number(report, "/quorum/t_visibility_reads/0s");
  const double stale = reads * (1 - number(report, "/quorum/t_visibility/0s"));
  const double p = choose(n - w, r) / choose(n, r);
  // Binomial: within 5 standard deviations (plus one read for the rounding of the reported ratio).
  const double tolerance = 5 * std::sqrt(reads * p * (1 - p)) + 1;
  INFO("R " << r << ", W " << w << ": " << reads << " reads, expected " << reads * p << " +- " << tolerance
            << " stale, measured " << stale);
  REQUIRE(reads > 5000);
  CHECK(std::abs(stale - reads * p) <= tolerance);
}

TEST_CASE("with R + W > N no read is stale under any delays", "[scenario][known-answer]") {
  // Real distances and random delays on every message: quorums intersect, so every read meets a replica holding
  // every write committed before it started (no failures in this run).
  const char* base = R"({
    "name": "known-answer-quorum-strict",
    "duration": "5m",
    "regions": [{"name": "us-east-1"}, {"name": "us-west-2"}, {"name": "eu-west-1"}],
    "links": [{"between": ["us-east-1", "us-west-2"], "latency": "35ms", "bandwidth": "1Gbps",
               "jitter": {"kind": "exponential", "mean": "5ms"}},
              {"between": ["us-east-1", "eu-west-1"], "latency": "40ms", "bandwidth": "1Gbps"},
              {"between": ["us-west-2", "eu-west-1"], "latency": "70ms", "bandwidth": "1Gbps"}],
    "database": {"topology": "leaderless", "regions": ["us-east-1", "us-west-2", "eu-west-1"], "keys": 5,
                 "delays": {"write": {"kind": "pareto", "x_m": "1ms", "alpha": 1.5},
                            "ack": {"kind": "exponential", "mean": "10ms"},
                            "read": {"kind": "uniform", "min": "0s", "max": "20ms"},
                            "response": {"kind": "lognormal", "median": "2ms", "sigma": 1}}},
    "clients": [{"region": "us-east-1", "rate_per_s": 40, "read_fraction": 0.5},
                {"region": "us-west-2", "rate_per_s": 40, "read_fraction": 0.5},
                {"region": "eu-west-1", "rate_per_s": 40, "read_fraction": 0.5}]
  })";
  const auto [r, w] = GENERATE(std::make_pair(2, 2), std::make_pair(3, 1), std::make_pair(1, 3));
  const json out = mrsim_test::simulate_in_child(
      base, {"database.quorum={\"r\": " + std::to_string(r) + ", \"w\": " + std::to_string(w) + "}"});
  const json& report = out.at("report");
  INFO("R " << r << ", W " << w);
  REQUIRE(number(report, "/quorum/reads") > 5000);
  CHECK(number(report, "/quorum/stale_reads") == 0);
  CHECK(number(report, "/quorum/t_visibility/0s") == 1);
  CHECK(number(report, "/stale_reads/stale_reads") == 0);
}

namespace {

// Two replicas, a and c, 10 ms apart; clients only in a, writing 50 keys. c's region is down from 2 min to 4 min.
const char* const kOutageBase = R"({
  "name": "known-answer-quorum-outage",
  "duration": "6m",
  "regions": [{"name": "a"}, {"name": "c"}],
  "links": [{"between": ["a", "c"], "latency": "10ms", "bandwidth": "1Gbps"}],
  "database": {"topology": "leaderless", "regions": ["a", "c"], "keys": 50},
  "clients": [{"region": "a", "rate_per_s": 20, "read_fraction": 0.5}],
  "faults": [{"at": "2m", "kind": "region_outage", "region": "c", "duration": "2m"}]
})";

// Writes committed while c was down, and how many of them c applied, at the earliest and latest.
json outage_writes(const Scenario&, const History& h) {
  const double down = 120, up = 240;
  std::vector<bool> during(h.commits.size() + 2, false);
  uint64_t committed = 0;
  for (const CommitRecord& c : h.commits)
    if (c.t > down + 1 && c.t < up) during[c.write_id] = true, ++committed;  // 1 s after the cut: nothing in flight
  uint64_t applied = 0;
  double first = 1e300, last = -1;
  for (const ApplyRecord& a : h.applies)
    if (a.node == 1 && a.write_id < during.size() && during[a.write_id]) {
      ++applied;
      first = std::min(first, a.t);
      last = std::max(last, a.t);
    }
  return {{"committed", committed}, {"applied", applied}, {"first", first}, {"last", last}};
}

}  // namespace

TEST_CASE("hinted handoff delivers every write a dead replica missed once it is back and only then",
          "[scenario][known-answer]") {
  SECTION("on: all of them, one link latency after the region returns") {
    const json x = mrsim_test::simulate_in_child(
        kOutageBase, {"database.quorum={\"r\": 1, \"w\": 1, \"hinted_handoff\": true}"}, outage_writes).at("extra");
    REQUIRE(x["committed"].get<double>() > 1000);
    CHECK(x["applied"] == x["committed"]);
    // The route a -> c is whole at 240 s; each hint then takes 10 ms of link, two 0.5 ms LANs and 256 B at 1 Gbps.
    CHECK(x["first"].get<double>() == Approx(240 + 0.011 + 256 / 1.25e8).margin(1e-6));
    CHECK(x["last"].get<double>() == Approx(240 + 0.011 + 256 / 1.25e8).margin(1e-6));
  }
  SECTION("off, without read repair: none of them, ever") {
    const json x = mrsim_test::simulate_in_child(
        kOutageBase, {"database.quorum={\"r\": 1, \"w\": 1, \"hinted_handoff\": false}"}, outage_writes).at("extra");
    REQUIRE(x["committed"].get<double>() > 1000);
    CHECK(x["applied"] == 0);
  }
  SECTION("off, with read repair at R = 2: the ones read after the return, and only after it") {
    const json x = mrsim_test::simulate_in_child(
        kOutageBase, {"database.quorum={\"r\": 2, \"w\": 1, \"hinted_handoff\": false, \"read_repair\": true}"},
        outage_writes).at("extra");
    // R = 2 reads fail while c is down; after it, each read of a key whose newest write c missed repairs it.
    REQUIRE(x["committed"].get<double>() > 1000);
    CHECK(x["applied"].get<double>() > 0);
    CHECK(x["applied"].get<double>() < x["committed"].get<double>());
    CHECK(x["first"].get<double>() > 240);
  }
}
