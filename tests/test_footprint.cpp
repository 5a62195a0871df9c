// The memory estimate (sim/footprint.h): linear in what a run holds, and naming the field that drives it. The
// estimate against measured memory is checked end to end by tests/memory_limit.cmake.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/footprint.h"
#include "sim/scenario_loader.h"

using namespace mrsim;

namespace {

const std::string kFlagship = std::string(MRSIM_SOURCE_DIR) + "/scenarios/active-passive-dns.json";

Scenario flagship(std::vector<std::string> sets = {}) { return load_scenario_file(kFlagship, sets, std::nullopt); }

std::vector<std::string> all_rates(const std::string& rate) {
  std::vector<std::string> sets;
  for (int g = 0; g < 3; ++g) sets.push_back("clients." + std::to_string(g) + ".rate_per_s=" + rate);
  return sets;
}

constexpr double kGiB = 1024.0 * 1024 * 1024;

}  // namespace

TEST_CASE("the memory estimate grows linearly in the duration and the load and the key count", "[unit]") {
  struct Axis {
    const char* name;
    std::vector<std::string> (*sets)(int step);
  };
  const Axis axis = GENERATE(
      Axis{"duration", [](int step) { return std::vector<std::string>{"duration=" + std::to_string(2 * step) + "h"}; }},
      Axis{"rate", [](int step) { return all_rates(std::to_string(1000 * step)); }},
      Axis{"keys", [](int step) { return std::vector<std::string>{"database.keys=" + std::to_string(step * 10000000)}; }});
  INFO("varying " << axis.name);
  const double one = estimate_memory(flagship(axis.sets(1))).bytes;
  const double two = estimate_memory(flagship(axis.sets(2))).bytes;
  const double four = estimate_memory(flagship(axis.sets(4))).bytes;
  CHECK(two > one);
  // Equal steps, equal increments: a straight line, not a curve.
  CHECK((four - two) == Approx(2 * (two - one)).epsilon(1e-3));
}

TEST_CASE("the memory estimate names the field that drives it", "[unit]") {
  struct Case {
    const char* what;
    std::vector<std::string> sets;
    bool trace;
    const char* field;  // in the dominant term's fields and advice
  };
  std::vector<std::string> many_clients;
  for (int g = 0; g < 3; ++g) many_clients.push_back("clients." + std::to_string(g) + ".count=1000000");
  many_clients.push_back("duration=2h");
  for (const std::string& set : all_rates("0.001")) many_clients.push_back(set);
  std::vector<std::string> heavy = all_rates("1000000");
  heavy.push_back("duration=2h");
  const Case c = GENERATE_COPY(
      Case{"30 days", {"duration=30d", "metrics.sample_interval=1m"}, false, "/duration"},
      Case{"a million operations a second", heavy, false, "/clients/*/rate_per_s"},
      Case{"a billion keys", {"database.keys=1000000000"}, false, "/database/keys"},
      Case{"a trace sampled every 10 ms", {"metrics.sample_interval=10ms", "clients.0.rate_per_s=1",
                                           "clients.1.rate_per_s=1", "clients.2.rate_per_s=1"}, true,
           "/metrics/sample_interval"},
      Case{"three million idle clients", many_clients, false, "/clients/*/count"});
  INFO(c.what);
  const MemoryEstimate e = estimate_memory(flagship(c.sets), {c.trace});
  INFO(e.summary() << "; fields " << e.dominant().fields << "; advice " << e.dominant().advice);
  CHECK(e.dominant().fields.find(c.field) != std::string::npos);
  CHECK(e.dominant().advice.find(c.field) != std::string::npos);
  CHECK(e.dominant_share() > 0.4);  // the clients case shares the run with the 40 MiB baseline
  CHECK(e.dominant_share() <= 1.0);
}

TEST_CASE("the memory estimate of the issue's three runs exceeds any ordinary machine's memory", "[unit]") {
  // 30 days of the flagship: 389 million operations; a million operations a second for 2 hours; a billion keys.
  std::vector<std::string> heavy = {"clients.0.rate_per_s=1000000", "duration=2h"};
  CHECK(estimate_memory(flagship({"duration=30d", "metrics.sample_interval=1m"})).bytes > 30 * kGiB);
  CHECK(estimate_memory(flagship(heavy)).bytes > 500 * kGiB);
  CHECK(estimate_memory(flagship({"database.keys=1000000000"})).bytes > 16 * kGiB);
}

TEST_CASE("the flagship's estimate is near what it was measured to hold", "[unit]") {
  // Measured: 141 MiB max RSS for the flagship as shipped (2 h, 1.08 million operations).
  const MemoryEstimate e = estimate_memory(flagship());
  CHECK(e.bytes > 141.0 * 1024 * 1024);
  CHECK(e.bytes < 2 * 141.0 * 1024 * 1024);
  CHECK(e.dominant().fields.find("/duration") != std::string::npos);
  CHECK(e.summary().find("million client operations at") != std::string::npos);
}

TEST_CASE("the estimate charges the operation records the world reserves", "[unit]") {
  const Scenario s = flagship();
  // 150 operations a second for 2 hours, 1 % for Poisson's spread, 1024 spare.
  CHECK(planned_operation_records(s) == size_t(150 * 7200 * 1.01 + 1024));
  const MemoryEstimate e = estimate_memory(s);
  bool charged = false;
  for (const MemoryTerm& t : e.terms) charged = charged || (t.fields.find("rate_per_s") == std::string::npos ? false
                                                                 : t.count == double(planned_operation_records(s)));
  CHECK(charged);
}

TEST_CASE("a trace adds its sample series to the estimate", "[unit]") {
  const Scenario s = flagship();
  CHECK(estimate_memory(s, {true}).bytes > estimate_memory(s, {false}).bytes);
}

TEST_CASE("memory sizes print in binary units with three significant digits", "[unit]") {
  CHECK(format_memory(0) == "0 B");
  CHECK(format_memory(100) == "100 B");
  CHECK(format_memory(1536) == "1.5 KiB");
  CHECK(format_memory(157.0 * 1024 * 1024) == "157 MiB");
  CHECK(format_memory(33.4 * kGiB) == "33.4 GiB");
}
