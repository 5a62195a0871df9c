// Data residency on hand-written histories: each write and read that leaves its jurisdiction is counted once, by the
// rules of docs/metrics.md ("Data residency"), and nothing else is.
#include <catch2/catch.hpp>

#include "sim/checkers.h"

using namespace mrsim;

namespace {

// Region "eu" (jurisdiction EU) holds node 0 "db-eu", region "us" (US) node 1 "db-us"; keys 0..9 are EU-only.
struct ResidencyHistory {
  History h;
  std::vector<RegionConfig> regions{RegionConfig{}, RegionConfig{}};
  std::vector<ResidencyRule> rules{{0, 9, "EU"}};
  ResidencyHistory() {
    h.regions = {"eu", "us"};
    h.nodes = {"db-eu", "db-us"};
    h.node_region = {0, 1};
    h.duration_s = 100;
    regions[0].name = "eu", regions[0].jurisdiction = "EU";
    regions[1].name = "us", regions[1].jurisdiction = "US";
  }
  void commit(double t, uint32_t id, uint32_t key, int16_t node, bool acked) {
    h.commits.push_back({t, id, key, node});
    OpRecord op;
    op.kind = OpKind::Write;
    op.invoke_s = t - 0.01;
    op.complete_s = t + 0.01;
    op.key = key;
    op.version = id;
    op.node = node;
    op.outcome = acked ? Outcome::Ok : Outcome::Timeout;
    h.ops.push_back(op);
  }
  void read(double t, uint32_t key, int16_t node, Outcome outcome = Outcome::Ok) {
    OpRecord op;
    op.invoke_s = t;
    op.complete_s = t + 0.01;
    op.key = key;
    op.node = node;
    op.outcome = outcome;
    h.ops.push_back(op);
  }
};

}  // namespace

TEST_CASE("residency: a single-primary failover to the US stores, acknowledges and serves EU keys outside",
          "[unit][residency]") {
  ResidencyHistory r;
  r.h.roles = {{0, 0, Role::Primary, 1, kNoNode},  {0, 1, Role::Replica, 1, 0},
               {50, 0, Role::Down, 1, kNoNode},    {50, 1, Role::Primary, 2, kNoNode},
               {70, 0, Role::Replica, 2, 1}};
  r.commit(10, 1, 5, 0, true);    // EU key on the EU primary: shipped to the US replica -> 1 stored outside
  r.commit(20, 2, 50, 0, true);   // not restricted: nothing
  r.commit(60, 3, 3, 1, true);    // on the US primary, acknowledged; the EU node is down -> 1 stored, 1 acked
  r.commit(80, 4, 4, 1, false);   // on the US primary, not acknowledged; its EU replica is inside -> 1 stored
  r.read(30, 5, 0);               // served in the EU: nothing
  r.read(65, 5, 1);               // served in the US -> 1
  r.read(66, 5, 1, Outcome::Timeout);  // failed: nothing
  r.read(67, 50, 1);              // not restricted: nothing

  const ResidencyStats s = check_residency(r.h, r.rules, r.regions);
  CHECK(s.applicable);
  CHECK(s.total.writes_stored_outside == 3);
  CHECK(s.total.writes_acked_outside == 1);
  CHECK(s.total.reads_served_outside == 1);
  REQUIRE(s.by_jurisdiction.size() == 1);
  CHECK(s.by_jurisdiction[0].first == "EU");
  CHECK(s.by_jurisdiction[0].second.writes_stored_outside == 3);

  SECTION("a region without a jurisdiction is outside every rule's") {
    r.regions[0].jurisdiction.clear();  // now the EU node is outside too
    const ResidencyStats t = check_residency(r.h, r.rules, r.regions);
    // Write 1: its commit node now counts, besides the US replica; write 4: its replica db-eu (following db-us
    // from 70) now counts.
    CHECK(t.total.writes_stored_outside == 5);
    CHECK(t.total.writes_acked_outside == 2);
    CHECK(t.total.reads_served_outside == 2);
  }
}

TEST_CASE("residency: multi-primary counts every apply of a restricted write outside its jurisdiction",
          "[unit][residency]") {
  ResidencyHistory r;
  r.h.topology = "multi-primary";
  r.h.roles = {{0, 0, Role::Primary, 1, kNoNode}, {0, 1, Role::Primary, 1, kNoNode}};
  r.commit(10, 1, 1, 0, true);  // EU node; applied in the US -> 1
  r.commit(11, 2, 2, 1, true);  // US node -> 1 stored, 1 acked; its apply on the EU node is inside
  r.commit(12, 3, 42, 0, true);  // not restricted; applied in the US: nothing
  r.h.applies = {{10.1, 1, 1}, {11.1, 2, 0}, {12.1, 3, 1}};
  const ResidencyStats s = check_residency(r.h, r.rules, r.regions);
  CHECK(s.total.writes_stored_outside == 2);
  CHECK(s.total.writes_acked_outside == 1);
  CHECK(s.total.reads_served_outside == 0);
}
