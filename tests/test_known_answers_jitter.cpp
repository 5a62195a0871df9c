// Known answers for link jitter (links[*].jitter): each message crossing the link gets one draw added to its
// latency, so a request and its reply get two.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "tests/child_simulation.h"

using namespace mrsim;
using nlohmann::json;
using mrsim_test::number;

namespace {

// Clients in b write to the primary in a, 10 ms away; no LAN time, no service time, no replicas: a write's latency
// is the request's and the reply's trip over the link (plus 1.5 KB at 100 Tbps, 1.2e-10 s).
const char* const kBase = R"({
  "name": "known-answer-jitter",
  "duration": "10m",
  "regions": [{"name": "a", "lan_latency": "0s", "lan_bandwidth": "100Tbps"},
              {"name": "b", "lan_latency": "0s", "lan_bandwidth": "100Tbps"}],
  "links": [{"between": ["a", "b"], "latency": "10ms", "bandwidth": "100Tbps"}],
  "database": {"primary": "a", "read_service_time": "0s", "write_service_time": "0s"},
  "clients": [{"region": "b", "rate_per_s": 20, "read_fraction": 0}]
})";

json latency_report(const std::vector<std::string>& sets) {
  return mrsim_test::simulate_in_child(kBase, sets).at("report");
}

}  // namespace

TEST_CASE("link jitter adds one draw per message crossing the link", "[scenario][known-answer]") {
  const double base = 2 * 0.010;
  SECTION("none: the link's latency both ways") {
    CHECK(number(latency_report({}), "/latency/write/max_s") == Approx(base).margin(1e-6));
  }
  SECTION("constant 3 ms: 6 ms more on every write") {
    const json r = latency_report({"links.0.jitter={\"kind\": \"constant\", \"value\": \"3ms\"}"});
    CHECK(number(r, "/latency/write/p50_s") == Approx(base + 0.006).margin(1e-6));
    CHECK(number(r, "/latency/write/max_s") == Approx(base + 0.006).margin(1e-6));
  }
  SECTION("uniform 0 to 4 ms: 4 ms more on average, never more than 8") {
    const json r = latency_report({"links.0.jitter={\"kind\": \"uniform\", \"min\": \"0s\", \"max\": \"4ms\"}"});
    const double n = number(r, "/latency/write/count");
    // The sum of two uniform(0, 4 ms) draws: mean 4 ms, variance 2 x 0.004^2 / 12; the mean within 5 standard errors
    // (and the report's microsecond rounding).
    const double tolerance = 5 * std::sqrt(2 * 0.004 * 0.004 / 12 / n) + 1e-6;
    REQUIRE(n > 5000);
    CHECK(std::abs(number(r, "/latency/write/mean_s") - (base + 0.004)) <= tolerance);
    CHECK(number(r, "/latency/write/max_s") <= base + 0.008 + 1e-6);
  }
}
