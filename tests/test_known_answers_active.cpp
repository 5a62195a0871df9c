// Known answers for active-active (multi-primary) designs: skew inversions under last-writer-wins and hybrid logical
// clocks, and convergence after a partition heals, each against a closed form derived here.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "tests/child_simulation.h"

using namespace mrsim;
using nlohmann::json;
using mrsim_test::Extract;
using mrsim_test::number;

namespace {

// Two regions, one multi-primary node each, 40 ms apart; every op a write of the one key, Poisson at 1/s per region.
// LAN latency and service times are zero, so a write is committed when it is invoked and acknowledged when it is
// committed (to within microseconds of transfer time): the closed forms below need no such terms.
const char* const kBase = R"({
  "name": "known-answer-active",
  "duration": "2h",
  "regions": [{"name": "east", "lan_latency": "0s"}, {"name": "west", "lan_latency": "0s"}],
  "links": [{"between": ["east", "west"], "latency": "40ms", "bandwidth": "1Gbps"}],
  "database": {"topology": "multi-primary", "regions": ["east", "west"], "keys": 1,
               "read_service_time": "0s", "write_service_time": "0s"},
  "clients": [{"region": "east", "count": 10, "rate_per_s": 1, "read_fraction": 0},
              {"region": "west", "count": 10, "rate_per_s": 1, "read_fraction": 0}]
})";

json simulate(const std::vector<std::string>& sets, const Extract& extract = {}) {
  return mrsim_test::simulate_in_child(kBase, sets, extract);
}

// Acknowledged writes of west's clients: the writes that can be inverted (east's clock is the one ahead).
json west_acked(const Scenario&, const History& h) {
  uint64_t n = 0;
  for (const OpRecord& op : h.ops) n += op.kind == OpKind::Write && op.ok() && h.regions[op.region] == "west";
  return n;
}

// Replication delay east -> west of one entry: link latency, apply delay, and the entry serialized at 1 Gbps.
constexpr double kReplicationDelay = 0.040 + 0.001 + 256.0 / 1.25e8;

// The number of successes among n trials of probability p lies within 5 standard deviations of n p; the trials
// (west's writes) share east's write times, which correlates them a little, so 5 rather than 3.
void check_binomial(double measured, double n, double p) {
  const double expected = n * p, tolerance = 5 * std::sqrt(n * p * (1 - p)) + 1;
  INFO("n " << n << ", p " << p << ": expected " << expected << " +- " << tolerance << ", measured " << measured);
  CHECK(std::abs(measured - expected) <= tolerance);
}

}  // namespace

TEST_CASE("last-writer-wins inverts a write whenever the skewed region wrote within the skew before it",
          "[scenario][known-answer]") {
  // East's clock runs d ahead. A west write W committed at t carries stamp t; an east write X committed at t_X
  // carries t_X + d, so X beats W whenever t_X > t - d. If also t_X < t, X was acknowledged before W was invoked
  // (no service or LAN time): W is a skew inversion. East writes are Poisson at rate lambda, so W is inverted with
  // probability p = 1 - exp(-lambda d), and the expected count is (west's acknowledged writes) x p.
  const double d = GENERATE(0.25, 1.0, 4.0);
  const double lambda = 1.0;
  const json out = simulate({"regions.0.clock_offset=" + std::to_string(d) + "s"}, west_acked);
  check_binomial(number(out, "/report/skew_inversions/count"), out["extra"].get<double>(), 1 - std::exp(-lambda * d));
  CHECK(number(out, "/report/lost_writes") == number(out, "/report/skew_inversions/count"));  // inversions are lost
}

TEST_CASE("hybrid logical clocks leave no causal inversion at any skew, and invert only writes that had not met",
          "[scenario][known-answer]") {
  // West's HLC moves past the stamp (t_X + d) of every east write it applies, so a west write can lose only to an
  // east write that had not reached west when it committed: t_X > t - L, with L the replication delay. It loses to
  // such an X when t_X + d > t. So W is inverted iff an east write falls in (t - min(d, L), t):
  // p = 1 - exp(-lambda min(d, L)), whatever d is beyond L; and never causally (its node held no newer write).
  const double d = GENERATE(0.01, 0.25, 4.0, 3600.0);
  const double lambda = 1.0;
  const json out = simulate({"regions.0.clock_offset=" + std::to_string(d) + "s", "database.conflict_resolution=lww-hlc"},
                            west_acked);
  CHECK(number(out, "/report/skew_inversions/causal") == 0);
  check_binomial(number(out, "/report/skew_inversions/count"), out["extra"].get<double>(),
                 1 - std::exp(-lambda * std::min(d, kReplicationDelay)));
}

TEST_CASE("convergence after a heal takes the reconnect delay plus the replication of the backlog",
          "[scenario][known-answer]") {
  // A 10-minute partition; every key a PN-counter, so a node has converged when it has applied every write committed
  // by the heal. At the heal T each stream waits reconnect_delay r, then resends its backlog of N entries (those
  // not applied when the partition began) back to back at the link's bandwidth: the last arrives at
  // T + r + N x (entry / bandwidth) + latency + apply. Convergence is the later of the two directions.
  const double r = 5.0, entry_s = 256.0 / 125000.0, latency = 0.040, apply = 0.001;
  const double start = 600, heal = 1200;
  const json out = simulate(
      {"duration=40m", "links.0.bandwidth=1Mbps", "database.keys=10", "database.conflict_resolution=crdt",
       "database.crdt=[{\"first_key\": 0, \"last_key\": 9, \"type\": \"pn-counter\"}]", "failover.policy=none",
       "clients.0.rate_per_s=5", "clients.1.rate_per_s=5",
       "faults=[{\"at\": \"10m\", \"kind\": \"partition\", \"groups\": [[\"east\"], [\"west\"]], \"duration\": \"10m\"}]"},
      [&](const Scenario&, const History& h) {
        // Backlog per origin: its commits up to the heal that had not arrived when the partition began.
        json backlog = json::array({0, 0});
        for (const CommitRecord& c : h.commits)
          if (c.t <= heal && c.t + entry_s + latency + apply > start) backlog[size_t(c.node)] = backlog[size_t(c.node)].get<int>() + 1;
        return backlog;
      });
  const double n = std::max(out["extra"][0].get<double>(), out["extra"][1].get<double>());
  const double expected = r + n * entry_s + latency + apply;
  INFO("backlog " << n << " entries: expected " << expected << " s");
  CHECK(number(out, "/report/convergence/heal_s") == heal);
  CHECK(number(out, "/report/convergence/time_s") == Approx(expected).margin(0.002));
  CHECK(number(out, "/report/convergence/keys_not_converged") == 0);
  CHECK(number(out, "/report/crdt/lost_updates") == 0);
}

TEST_CASE("region affinity moves a lost home's keys to its successor, or leaves them failing when told never to",
          "[scenario][known-answer]") {
  // Keys are homed by index modulo 2: even keys in east, odd in west. East is lost for 10 of 40 minutes. Reads stay
  // local and west's clients write odd keys at home, so with home_failover "never" exactly the writes of even keys
  // fail while east is down: west's write availability is 1 - (1/2)(600 / 2400) = 0.875, to within the Poisson noise
  // of which keys are drawn. With "successor" the router moves home.east to west after detection, and writes fail
  // only until the DNS change reaches the clients.
  const std::vector<std::string> sets = {"duration=40m", "database.keys=100", "routing.write_routing=home-region",
                                         "health_check.from=west", "clients.0.rate_per_s=5", "clients.1.rate_per_s=5",
                                         "faults=[{\"at\": \"10m\", \"kind\": \"region_outage\", \"region\": \"east\", "
                                         "\"duration\": \"10m\"}]"};
  auto with = [&](const char* failover) {
    std::vector<std::string> s = sets;
    s.push_back(std::string("routing.home_failover=") + failover);
    return simulate(s, [](const Scenario&, const History& h) {
      uint64_t moves = 0;
      for (const ControllerDecision& d : h.decisions) moves += d.action == "move_home";
      return moves;
    });
  };
  const json never = with("never"), successor = with("successor");
  CHECK(never["extra"].get<int>() == 0);
  CHECK(successor["extra"].get<int>() == 2);  // away when east is lost, back when it returns
  const double never_ratio = number(never, "/report/availability/by_region/west/write/ratio");
  INFO("west write availability: never " << never_ratio << ", successor "
                                         << number(successor, "/report/availability/by_region/west/write/ratio"));
  CHECK(never_ratio == Approx(0.875).margin(0.02));
  CHECK(number(successor, "/report/availability/by_region/west/write/ratio") > never_ratio + 0.08);
  CHECK(number(successor, "/report/lost_writes") == 0);
}
