// The Markov cross-check against the simulation (issue 11): the chain's expected availability (sim/markov.h) must lie
// within the 95 % confidence interval of the simulated long-run availability, for active-passive with automatic
// failover and for a three-region consensus range.
//
// Accelerated rates, so that a few simulated days hold many incidents: each of the three database regions fails
// every 8 hours on average (exponential) and is repaired after 20 minutes on average (exponential): about 9
// failures a simulated day, 4 % of the time down each. The controller (and the consensus design's router) runs in a
// fourth region that does not fail; in the flagship, where it shares us-west-2 with a replica, the primary
// eventually settles there and a us-west-2 failure cannot be failed over: `mrsim availability` shows that too.
// Each seed simulates 3 days; the seeds' availabilities are the batch means of a Student-t interval (4 degrees of
// freedom). The simulated figure is the report's long_run availability (docs/metrics.md, "Long runs: downtime":
// windows of metrics.window, down when ok / attempted < metrics.threshold, sample and hold).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "sim/markov.h"
#include "tests/child_simulation.h"

using namespace mrsim_test;

namespace {

const char* kBase = R"({
  "name": "markov-crosscheck",
  "description": "accelerated random region failures for the Markov cross-check",
  "seed": 1,
  "duration": "3d",
  "regions": [{"name": "us-east-1"}, {"name": "us-west-2"}, {"name": "eu-west-1"}, {"name": "us-east-2"}],
  "links": [
    {"between": ["us-east-1", "us-west-2"], "latency": "35ms", "bandwidth": "1Gbps"},
    {"between": ["us-east-1", "eu-west-1"], "latency": "40ms", "bandwidth": "1Gbps"},
    {"between": ["us-west-2", "eu-west-1"], "latency": "70ms", "bandwidth": "1Gbps"},
    {"between": ["us-east-2", "us-east-1"], "latency": "6ms", "bandwidth": "1Gbps"},
    {"between": ["us-east-2", "us-west-2"], "latency": "30ms", "bandwidth": "1Gbps"},
    {"between": ["us-east-2", "eu-west-1"], "latency": "45ms", "bandwidth": "1Gbps"}],
  "database": {"topology": "single-primary", "primary": "us-east-1", "replicas": ["us-west-2", "eu-west-1"]},
  "routing": {"kind": "dns", "policy": "failover", "ttl": "60s", "update_delay": "10s", "resolvers_per_region": 20},
  "health_check": {"from": "us-east-2", "interval": "10s", "timeout": "5s", "failure_threshold": 3},
  "failover": {"policy": "automatic", "cooldown": "5m", "promotion_time": "5s"},
  "clients": [
    {"region": "us-east-1", "count": 20, "rate_per_s": 2, "read_fraction": 0.5},
    {"region": "us-west-2", "count": 20, "rate_per_s": 2, "read_fraction": 0.5},
    {"region": "eu-west-1", "count": 20, "rate_per_s": 2, "read_fraction": 0.5}],
  "faults_random": {"regions": {"targets": ["us-east-1", "us-west-2", "eu-west-1"],
                                "between_failures": {"kind": "exponential", "mean": "8h"},
                                "to_repair": {"kind": "exponential", "mean": "20m"}}}
})";

const std::vector<std::string> kConsensus = {
    R"(/database={"topology": "consensus", "regions": ["us-east-1", "us-west-2", "eu-west-1"],
        "leaseholder": "us-east-1", "consensus": {"election_timeout": "3s", "lease_duration": "9s"}})",
    "failover.cooldown=5m"};

struct Interval {
  double mean = 0, half = 0;
};

// Batch means over seeds: the mean and the half-width of its 95 % Student-t interval.
Interval interval(const std::vector<double>& x) {
  const double n = double(x.size());
  double mean = 0, ss = 0;
  for (double v : x) mean += v / n;
  for (double v : x) ss += (v - mean) * (v - mean);
  static const double kT975[] = {0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262};
  return {mean, kT975[x.size() - 1] * std::sqrt(ss / (n - 1) / n)};
}

void cross_check(const std::vector<std::string>& sets) {
  const Scenario s = load_scenario_text(kBase, "<crosscheck>", sets, std::nullopt);
  const AvailabilityModel model = model_availability(s);
  constexpr int kSeeds = 5;
  std::vector<std::vector<double>> by_region(model.by_region.size());
  std::vector<double> overall;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    std::vector<std::string> run_sets = sets;
    run_sets.push_back("seed=" + std::to_string(seed));
    const json report = simulate_in_child(kBase, run_sets)["report"];
    overall.push_back(number(report, "/long_run/overall/availability"));
    for (size_t r = 0; r < model.by_region.size(); ++r)
      by_region[r].push_back(number(report, ("/long_run/by_region/" + model.by_region[r].region + "/availability").c_str()));
    // The report carries the model's figure beside it.
    CHECK(number(report, "/availability_model/overall") == Approx(model.overall).epsilon(1e-12));
  }
  const Interval all = interval(overall);
  INFO(model.design << ": overall model " << model.overall << ", simulated " << all.mean << " +- " << all.half);
  CHECK(std::abs(model.overall - all.mean) <= all.half);
  for (size_t r = 0; r < model.by_region.size(); ++r) {
    const Interval ci = interval(by_region[r]);
    INFO(model.by_region[r].region << ": model " << model.by_region[r].availability << ", simulated " << ci.mean
                                   << " +- " << ci.half);
    CHECK(std::abs(model.by_region[r].availability - ci.mean) <= ci.half);
  }
  std::printf("markov cross-check, %s: overall model %.5f, simulated %.5f +- %.5f (95 %%, %d seeds x 3 days)\n",
              model.design.c_str(), model.overall, all.mean, all.half, kSeeds);
  for (size_t r = 0; r < model.by_region.size(); ++r) {
    const Interval ci = interval(by_region[r]);
    std::printf("  %s: model %.5f, simulated %.5f +- %.5f\n", model.by_region[r].region.c_str(),
                model.by_region[r].availability, ci.mean, ci.half);
  }
  std::fflush(stdout);  // before the next test forks its children, which would inherit the buffer
}

}  // namespace

TEST_CASE("the Markov chain's availability lies in the simulation's interval: active-passive with failover",
          "[scenario][slow][markov]") {
  cross_check({});
}

TEST_CASE("the Markov chain's availability lies in the simulation's interval: three-region consensus",
          "[scenario][slow][markov]") {
  cross_check(kConsensus);
}
