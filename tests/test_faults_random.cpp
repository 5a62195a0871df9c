// Random faults (sim/faults_random.h): the schedule is a function of the seed alone, each component follows its own
// alternating renewal process, and the faults land after the file's own, in the shape each class makes.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/faults_random.h"
#include "sim/scenario_loader.h"

using namespace mrsim;
using nlohmann::json;

namespace {

// The flagship's shape over a year, with every class of random fault and one plain fault.
json year_scenario() {
  return json::parse(R"({
    "duration": "365d",
    "regions": [{"name": "us-east-1"}, {"name": "us-west-2"}, {"name": "eu-west-1"}],
    "links": [{"between": ["us-east-1", "us-west-2"], "latency": "35ms", "bandwidth": "1Gbps"},
              {"between": ["us-east-1", "eu-west-1"], "latency": "40ms", "bandwidth": "1Gbps"},
              {"between": ["us-west-2", "eu-west-1"], "latency": "70ms", "bandwidth": "1Gbps"}],
    "database": {"primary": "us-east-1", "replicas": ["us-west-2", "eu-west-1"]},
    "clients": [{"region": "us-east-1", "rate_per_s": 0.1}],
    "faults": [{"at": "1h", "kind": "region_outage", "region": "us-west-2", "duration": "10m"}],
    "faults_random": {
      "regions": {"between_failures": {"kind": "exponential", "mean": "30d"},
                  "to_repair": {"kind": "lognormal", "median": "1h", "sigma": 0.8}},
      "links": {"targets": ["us-west-2<->us-east-1"],
                "between_failures": {"kind": "weibull", "scale": "20d", "shape": 1.5},
                "to_repair": {"kind": "uniform", "min": "10m", "max": "2h"}},
      "nodes": {"between_failures": {"kind": "exponential", "mean": "60d"},
                "to_repair": {"kind": "constant", "value": "30m"}},
      "dns": {"between_failures": {"kind": "exponential", "mean": "120d"},
              "to_repair": {"kind": "constant", "value": "45m"}}
    },
    "metrics": {"sample_interval": "1m", "step": "10s", "window": "1m"}
  })");
}

Scenario load(const json& j, uint64_t seed) {
  return load_scenario_text(j.dump(), "year.json", {}, seed);
}

struct Drawn {
  double at_s, duration_s;
  int kind;
  std::string region, node;
  std::vector<std::vector<std::string>> groups;
  bool operator==(const Drawn& o) const {
    return at_s == o.at_s && duration_s == o.duration_s && kind == o.kind && region == o.region && node == o.node &&
           groups == o.groups;
  }
};

std::vector<Drawn> drawn(const std::vector<FaultConfig>& faults) {
  std::vector<Drawn> out;
  for (const FaultConfig& f : faults) out.push_back({f.at_s, f.duration_s, int(f.kind), f.region, f.node, f.groups});
  return out;
}

}  // namespace

TEST_CASE("random fault schedules are deterministic per seed", "[unit]") {
  const Scenario a = load(year_scenario(), 7), b = load(year_scenario(), 7), c = load(year_scenario(), 8);
  const auto first = drawn(expand_random_faults(a));
  REQUIRE(first.size() > 10);
  CHECK(first == drawn(expand_random_faults(b)));
  CHECK(first == drawn(expand_random_faults(a)));  // expanding twice draws the same again
  CHECK(!(first == drawn(expand_random_faults(c))));
  // The same schedule as the loader appended to the file's faults, and as scenario-file objects.
  CHECK(drawn(std::vector<FaultConfig>(a.faults.begin() + 1, a.faults.end())) == first);
  CHECK(random_faults_json(a) == random_faults_json(b));
  CHECK(random_faults_json(a) != random_faults_json(c));
}

TEST_CASE("random faults follow the file's faults, in start order, inside the run", "[unit]") {
  const Scenario s = load(year_scenario(), 3);
  REQUIRE(s.faults.size() > 2);
  CHECK_FALSE(s.faults[0].random);
  CHECK(s.faults[0].region == "us-west-2");
  bool kinds[4] = {false, false, false, false};
  for (size_t i = 1; i < s.faults.size(); ++i) {
    const FaultConfig& f = s.faults[i];
    CHECK(f.random);
    CHECK(f.heals);
    CHECK(f.at_s >= 0);
    CHECK(f.at_s < s.duration_s);
    CHECK(f.duration_s > 0);
    CHECK(f.at_s + f.duration_s <= s.duration_s);
    REQUIRE(f.intervals.size() == 1);
    CHECK(f.intervals[0].first == f.at_s);
    CHECK(f.intervals[0].second == f.at_s + f.duration_s);
    CHECK(f.at_s == std::round(f.at_s * 1000) / 1000);  // whole milliseconds
    if (i > 1) CHECK(s.faults[i - 1].at_s <= f.at_s);
    if (f.kind == FaultKind::RegionOutage) {
      kinds[0] = true;
      CHECK(s.region_index(f.region) >= 0);
    }
    if (f.kind == FaultKind::Partition) {
      kinds[1] = true;
      // The link written [us-east-1, us-west-2], named in the other order: cut alone, in the file's order.
      CHECK(f.groups == std::vector<std::vector<std::string>>{{"us-east-1"}, {"us-west-2"}});
    }
    if (f.kind == FaultKind::NodeCrash) {
      kinds[2] = true;
      CHECK(f.node.rfind("db-", 0) == 0);
    }
    if (f.kind == FaultKind::DnsOutage) kinds[3] = true;
  }
  CHECK(kinds[0]);
  CHECK(kinds[1]);
  CHECK(kinds[2]);
  CHECK(kinds[3]);
}

TEST_CASE("a class's schedule does not move when another class is added", "[unit]") {
  json only_regions = year_scenario();
  for (const char* c : {"links", "nodes", "dns"}) only_regions["faults_random"].erase(c);
  auto regions_of = [](const Scenario& s) {
    std::vector<Drawn> out;
    for (const Drawn& d : drawn(expand_random_faults(s)))
      if (d.kind == int(FaultKind::RegionOutage)) out.push_back(d);
    return out;
  };
  CHECK(regions_of(load(only_regions, 5)) == regions_of(load(year_scenario(), 5)));
}

TEST_CASE("the renewal process is down MTTR / (MTBF + MTTR) of the time", "[unit]") {
  // Constant repairs of R after exponential up times of mean U: over many cycles the down fraction is R / (U + R),
  // with the standard error of a renewal-reward estimate over n ~ T / (U + R) cycles (the up time's sd is U).
  json j = year_scenario();
  j["faults_random"] = json::parse(R"({"regions": {"targets": ["us-east-1"],
      "between_failures": {"kind": "exponential", "mean": "1d"}, "to_repair": {"kind": "constant", "value": "6h"}}})");
  j["faults"] = json::array();
  const Scenario s = load(j, 11);
  const double U = 86400, R = 6 * 3600, T = s.duration_s;
  double down = 0;
  for (const FaultConfig& f : s.faults) down += f.duration_s;
  const double cycles = T / (U + R), expected = R / (U + R);
  const double tolerance = 5 * (R * U / ((U + R) * (U + R))) / std::sqrt(cycles) + 2 * R / T;
  INFO("down fraction " << down / T << ", expected " << expected << " +- " << tolerance);
  CHECK(std::abs(down / T - expected) <= tolerance);
}

TEST_CASE("random faults written back as a scenario's faults replay the same list", "[unit]") {
  const Scenario s = load(year_scenario(), 9);
  json plain = year_scenario();
  plain.erase("faults_random");
  for (const json& f : random_faults_json(s)) {
    // node_crash and dns_outage are parsed by their own issue's schema; region outages and partitions already are.
    if (f["kind"] == "region_outage" || f["kind"] == "partition") plain["faults"].push_back(f);
  }
  const Scenario replay = load(plain, 9);
  std::vector<Drawn> expected;
  for (const FaultConfig& f : s.faults)
    if (f.kind == FaultKind::RegionOutage || f.kind == FaultKind::Partition)
      expected.push_back({f.at_s, f.duration_s, int(f.kind), f.region, f.node, f.groups});
  CHECK(drawn(replay.faults) == expected);
}
