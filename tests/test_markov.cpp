// The Markov cross-check's chain (sim/markov.h) against closed forms worked out by hand: one component, two
// independent components in series and in parallel, and active-passive with a failover rate f. The simulation
// cross-check (the chain's figure inside the simulation's confidence interval) is in test_markov_crosscheck.cpp.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/markov.h"
#include "sim/scenario_loader.h"

using namespace mrsim;

namespace {

// States of two independent components, bit 0: the first is down, bit 1: the second is down.
Ctmc two_components(double l1, double m1, double l2, double m2) {
  Ctmc c(4);
  for (int s = 0; s < 4; ++s) {
    c.add_rate(s, s ^ 1, (s & 1) ? m1 : l1);
    c.add_rate(s, s ^ 2, (s & 2) ? m2 : l2);
  }
  return c;
}

// Three regions: the primary's, the replica's and one (never failing) for the controller and the clients, who have
// no database node of their own, so they are served exactly when the primary is up.
const char* kActivePassive = R"({
  "name": "markov-active-passive",
  "description": "closed form of active-passive with failover",
  "duration": "1h",
  "regions": [{"name": "p"}, {"name": "r"}, {"name": "c"}],
  "links": [{"between": ["p", "r"], "latency": "35ms", "bandwidth": "1Gbps"},
            {"between": ["p", "c"], "latency": "40ms", "bandwidth": "1Gbps"},
            {"between": ["r", "c"], "latency": "70ms", "bandwidth": "1Gbps"}],
  "database": {"topology": "single-primary", "primary": "p", "replicas": ["r"]},
  "routing": {"kind": "dns", "policy": "failover", "ttl": "60s", "update_delay": "10s", "resolvers_per_region": 4},
  "health_check": {"from": "c", "interval": "10s", "timeout": "5s", "failure_threshold": 3},
  "failover": {"policy": "automatic", "promotion_time": "5s"},
  "clients": [{"region": "c", "count": 10, "rate_per_s": 1000000, "read_fraction": 0.5}]
})";

RandomFaultClass regions_failing(std::vector<std::string> targets, double mtbf_s, double mttr_s) {
  RandomFaultClass c;
  c.kind = ComponentKind::Region;
  c.targets = std::move(targets);
  c.between_failures = DelayDistribution::exponential(mtbf_s);
  c.to_repair = DelayDistribution::exponential(mttr_s);
  return c;
}

}  // namespace

TEST_CASE("one component is available mu over lambda plus mu", "[unit][markov]") {
  const double lambda = 1 / (3 * 86400.0), mu = 1 / 7200.0;
  Ctmc c(2);
  c.add_rate(0, 1, lambda);
  c.add_rate(1, 0, mu);
  const auto s = c.steady_state();
  CHECK(s.pi[0] == Approx(mu / (lambda + mu)).epsilon(1e-12));
  CHECK(s.residual < 1e-12);
}

TEST_CASE("two independent components in series and in parallel", "[unit][markov]") {
  const double l1 = 1 / 86400.0, m1 = 1 / 3600.0, l2 = 1 / (5 * 86400.0), m2 = 1 / 600.0;
  const auto s = two_components(l1, m1, l2, m2).steady_state();
  const double a1 = m1 / (l1 + m1), a2 = m2 / (l2 + m2);
  CHECK(s.pi[0] == Approx(a1 * a2).epsilon(1e-12));                                   // series: both up
  CHECK(1 - s.pi[3] == Approx(1 - (1 - a1) * (1 - a2)).epsilon(1e-12));                 // parallel: either up
  CHECK(s.pi[1] + s.pi[3] == Approx(1 - a1).epsilon(1e-12));                            // the first's marginal
}

TEST_CASE("the generator's rows sum to zero", "[unit][markov]") {
  const auto q = two_components(1, 2, 3, 4).generator();
  for (int i = 0; i < 4; ++i) {
    double sum = 0;
    for (int j = 0; j < 4; ++j) sum += q[size_t(4 * i + j)];
    CHECK(std::abs(sum) < 1e-12);
  }
}

TEST_CASE("a reducible chain is refused by its residual", "[unit][markov]") {
  Ctmc c(3);  // two absorbing states: no unique stationary distribution
  c.add_rate(0, 1, 1);
  c.add_rate(0, 2, 1);
  CHECK_THROWS(c.steady_state());
}

TEST_CASE("active-passive with failover rate f matches its closed form", "[unit][markov]") {
  // Both database regions fail at lambda and are repaired at mu. Let s = lambda + mu. The number of regions down is
  // independent of who is primary: P(both up) = (mu/s)^2, P(both down) = (lambda/s)^2, P(one down) = 2 lambda mu/s^2.
  // With primary down and the other up (state DU), the balance equation reads
  //   (mu + lambda + f) pi_DU = lambda pi_UU + mu pi_DD = lambda mu / s,
  // so pi_DU = lambda mu / (s (s + f)), and the clients are served with probability
  //   A = 1 - (lambda/s)^2 - lambda mu / (s (s + f)).
  const double mtbf = 2 * 86400.0, mttr = 3 * 3600.0;
  Scenario s = load_scenario_text(kActivePassive, "<markov>", {}, std::nullopt);
  s.faults_random.classes.push_back(regions_failing({"p", "r"}, mtbf, mttr));
  const AvailabilityModel m = model_availability(s);

  // The failover's mean time, from the scenario's settings: detection (half an interval of phase, two more failed
  // probes, the timeout), the status call to the replica and the promote call (round trips c <-> r with a LAN hop at
  // each end), promotion, then DNS: the update delay and the last of 4 resolvers' TTLs, 4/5 of 60 s (their clients
  // query them at 125,000 writes a second each: every resolver holds an answer, the remaining TTLs are uniform, and
  // the last failing write comes right at the last expiry).
  const double lan = 0.0005, rtt_cr = 2 * (0.070 + 2 * lan);
  const double failover = (5 + 2 * 10 + 5) + (2 * rtt_cr + 5) + (10 + 60 * 4.0 / 5);
  CHECK(m.failover_s == Approx(failover).epsilon(1e-5));

  const double lambda = 1 / mtbf, mu = 1 / mttr, f = 1 / failover, sum = lambda + mu;
  const double expected = 1 - (lambda / sum) * (lambda / sum) - lambda * mu / (sum * (sum + f));
  REQUIRE(m.by_region.size() == 1);
  CHECK(m.by_region[0].region == "c");
  CHECK(m.by_region[0].chain == Approx(expected).epsilon(1e-10));
  CHECK(m.overall_chain == Approx(expected).epsilon(1e-10));
  CHECK(m.states == 8);  // (up/down)^2 x (primary p or r)
}

TEST_CASE("without failover the clients wait for the primary's own repair", "[unit][markov]") {
  const double mtbf = 2 * 86400.0, mttr = 3 * 3600.0;
  Scenario s = load_scenario_text(kActivePassive, "<markov>", {"failover.policy=none"}, std::nullopt);
  s.faults_random.classes.push_back(regions_failing({"p", "r"}, mtbf, mttr));
  const AvailabilityModel m = model_availability(s);
  const double lambda = 1 / mtbf, mu = 1 / mttr, down = lambda / (lambda + mu);
  CHECK(m.overall_chain == Approx(1 - down).epsilon(1e-12));
  // As the downtime metric measures it: each outage (they start at rate pi_down mu) also covers the rest of the
  // window its last failed op falls in, W on average, less the retries' span (the last failing op is invoked that
  // long before the repair): 2 x (2 s timeout + 0.2 s backoff) for the default client group.
  const double window = 10, span = 2 * (2 + 0.2);
  CHECK(m.overall == Approx(1 - down - down * mu * (window - span)).epsilon(1e-12));
  CHECK(m.episodes_per_day == Approx(down * mu * 86400).epsilon(1e-12));
}

TEST_CASE("the chain refuses what it does not model", "[unit][markov]") {
  Scenario s = load_scenario_text(kActivePassive, "<markov>", {}, std::nullopt);
  CHECK_THROWS_WITH(model_availability(s), Catch::Contains("no faults_random"));
  RandomFaultClass link = regions_failing({}, 86400, 3600);
  link.kind = ComponentKind::Link;
  s.faults_random.classes.push_back(link);
  CHECK_THROWS_WITH(model_availability(s), Catch::Contains("link failures are not modelled"));
}

TEST_CASE("nines and downtime per year", "[unit][markov]") {
  CHECK(nines(0.999) == Approx(3));
  CHECK(downtime_minutes_per_year(0.999) == Approx(0.001 * 365.25 * 24 * 60));
}
