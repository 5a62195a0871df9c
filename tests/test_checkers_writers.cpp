// Several-writer checkers on hand-written multi-primary histories: a planted overwritten concurrent write, a skew
// inversion and a lost CRDT update are each found, and the same histories without them report none
// (docs/metrics.md, "Several writers").
#include <catch2/catch.hpp>

#include <algorithm>

#include "sim/checkers.h"

using namespace mrsim;

namespace {

// Two multi-primary nodes: 0 "db-east", 1 "db-west". Every write is acknowledged and replicated to the other node.
struct Writers {
  History h;
  explicit Writers(const char* resolution) {
    h.regions = {"east", "west"};
    h.nodes = {"db-east", "db-west"};
    h.node_region = {0, 1};
    h.duration_s = 1000;
    h.topology = "multi-primary";
    h.conflict_resolution = resolution;
    h.roles.push_back({0, 0, Role::Primary, 1, kNoNode});
    h.roles.push_back({0, 1, Role::Primary, 1, kNoNode});
  }
  // A write acknowledged at `ack`, committed halfway on `node` with its clock reading `clock`, applied on the other
  // node at `applied`.
  Writers& write(uint32_t id, uint32_t key, int16_t node, double invoke, double ack, double clock, double applied,
                 int16_t arg = 0) {
    OpRecord r;
    r.kind = OpKind::Write;
    r.client = id;
    r.key = key;
    r.invoke_s = invoke;
    r.complete_s = ack;
    r.served_s = (invoke + ack) / 2;
    r.version = id;
    r.node = node;
    r.arg = arg;
    h.ops.push_back(r);
    h.commits.push_back({(invoke + ack) / 2, id, key, node, arg, clock});
    h.applies.push_back({applied, id, int16_t(1 - node)});
    return *this;
  }
  History build(bool by_clock) {
    std::sort(h.ops.begin(), h.ops.end(), [](const OpRecord& a, const OpRecord& b) { return a.invoke_s < b.invoke_s; });
    std::sort(h.applies.begin(), h.applies.end(), [](const ApplyRecord& a, const ApplyRecord& b) { return a.t < b.t; });
    // The lineage: conflict resolution's order, by clock stamp for lww, else commit order.
    std::vector<CommitRecord> order = h.commits;
    std::sort(order.begin(), order.end(), [&](const CommitRecord& a, const CommitRecord& b) {
      return by_clock ? a.clock_s < b.clock_s : a.t < b.t;
    });
    for (const CommitRecord& c : order) h.final_lineage.push_back(c.write_id);
    return h;
  }
};

// Key 0: east's clock runs 3 s ahead when it commits write 1 (at 9.05, stamp 12.05), acknowledged before west's
// write 2 is invoked; west had already applied write 1 when it committed write 2, which still loses: a causal skew
// inversion. Key 1: writes 3 and 4 overlap in time; 4 has the later stamp, so 3 is an overwritten concurrent write.
// Key 2: write 6 starts after write 5 was acknowledged and wins: an ordinary update.
History lww_history(bool planted) {
  Writers w("lww");
  const double east_clock = planted ? 3.0 : 0.0;
  w.write(1, 0, 0, 9.0, 9.1, 9.05 + east_clock, 9.5);
  w.write(2, 0, 1, 10.0, 10.1, 10.05, 10.5);
  const double invoke_4 = planted ? 20.02 : 20.2;  // before or after write 3's acknowledgement
  w.write(3, 1, 0, 20.0, 20.1, 20.05, 20.5);
  w.write(4, 1, 1, invoke_4, invoke_4 + 0.1, invoke_4 + 0.05, invoke_4 + 0.5);
  w.write(5, 2, 0, 30.0, 30.1, 30.05, 30.5);
  w.write(6, 2, 1, 31.0, 31.1, 31.05, 31.5);
  return w.build(true);
}

// Key 0 is a PN-counter: east increments twice, west decrements once, all acknowledged and replicated. Planted: both
// nodes end with only one of east's increments (the merge by per-node maxima cannot bring the second back). Key 1
// is an OR-set: east adds element 3, nobody removes it; planted: neither node holds it at the end.
History crdt_history(bool planted) {
  Writers w("crdt");
  w.h.crdt_type = {0, 1};
  w.write(1, 0, 0, 1.0, 1.1, 1.05, 1.5, +1);
  w.write(2, 0, 0, 2.0, 2.1, 2.05, 2.5, +1);
  w.write(3, 0, 1, 3.0, 3.1, 3.05, 3.5, -1);
  w.write(4, 1, 0, 4.0, 4.1, 4.05, 4.5, +3);
  const int64_t east_increments = planted ? 1 : 2;
  for (int16_t node : {0, 1}) {
    w.h.crdt_final.push_back({0, node, {east_increments, 0, 0, 1}, {}});
    w.h.crdt_final.push_back({1, node, {}, planted ? std::vector<int16_t>{} : std::vector<int16_t>{3}});
  }
  return w.build(false);
}

}  // namespace

TEST_CASE("a skew inversion and an overwritten concurrent write are each found, and a clean history has neither",
          "[unit]") {
  const RunMetrics planted = compute_metrics(lww_history(true), MetricsConfig{});
  CHECK(planted.writes.skew_inversions.count == 1);
  CHECK(planted.writes.skew_inversions.causal == 1);
  CHECK(planted.writes.skew_inversions.unseen == 0);
  CHECK(planted.writes.skew_inversions.offset_max_s == Approx(3.0));
  CHECK(planted.writes.overwritten_concurrent_writes == 1);
  CHECK(planted.writes.lost_writes == 1);  // the inversion; the overwritten write is not lost
  CHECK(planted.split_brain.incidents == 0);  // two primaries are the design

  const RunMetrics clean = compute_metrics(lww_history(false), MetricsConfig{});
  CHECK(clean.writes.skew_inversions.count == 0);
  CHECK_FALSE(clean.writes.skew_inversions.offset_max_s.has_value());
  CHECK(clean.writes.overwritten_concurrent_writes == 0);
  CHECK(clean.writes.lost_writes == 0);
  CHECK(clean.stale_reads.stale_reads == 0);
}

TEST_CASE("an inversion whose node had not yet applied the winner is unseen, not causal", "[unit]") {
  History h = lww_history(true);
  for (ApplyRecord& a : h.applies)
    if (a.write_id == 1) a.t = 10.2;  // write 1 reaches west only after west committed write 2
  std::sort(h.applies.begin(), h.applies.end(), [](const ApplyRecord& a, const ApplyRecord& b) { return a.t < b.t; });
  const ConflictStats c = check_conflicts(h, LineageIndex(h));
  CHECK(c.inversions.count == 1);
  CHECK(c.inversions.causal == 0);
  CHECK(c.inversions.unseen == 1);
}

TEST_CASE("a lost CRDT update is found in a counter and in a set, and complete final states report none", "[unit]") {
  CHECK(check_crdt(crdt_history(true)).lost_updates == 2);  // east's second increment, and element 3
  CHECK(check_crdt(crdt_history(false)).lost_updates == 0);
  CHECK(check_conflicts(crdt_history(true), LineageIndex(crdt_history(true))).inversions.count == 0);  // nothing discarded
}

TEST_CASE("convergence is measured from the last heal until every node holds what was written by then", "[unit]") {
  History h = lww_history(false);
  h.faults.push_back({15, 0, FaultEventKind::Start, "partition", "[east] | [west]"});
  h.faults.push_back({25, 0, FaultEventKind::End, "partition", "[east] | [west]"});
  ConvergenceStats c = check_convergence(h, LineageIndex(h));
  REQUIRE(c.applicable);
  CHECK(c.heal_s == 25);
  // Keys 0 and 1 were written by 25; the last of them reaches the other node at 20.7 (write 4): before the heal.
  REQUIRE(c.time_s.has_value());
  CHECK(*c.time_s == 0);
  // Write 4 never reaching east leaves key 1 unconverged there: east holds write 3, older than write 4.
  h.applies.erase(std::remove_if(h.applies.begin(), h.applies.end(), [](const ApplyRecord& a) { return a.write_id == 4; }),
                  h.applies.end());
  c = check_convergence(h, LineageIndex(h));
  CHECK(c.keys_not_converged == 1);
  CHECK_FALSE(c.time_s.has_value());
}

TEST_CASE("sibling sets open when a node holds two versions of a key and close when a write merges them", "[unit]") {
  Writers w("siblings");
  w.h.siblings = {{1, 7, 0, 1}, {2, 7, 0, 2}, {5, 7, 0, 1}, {3, 8, 1, 1}, {4, 8, 1, 3}};
  const SiblingStats s = check_siblings(w.build(false));
  CHECK(s.created == 2);
  CHECK(s.max_versions == 3);
  CHECK(s.open_at_end == 1);
  CHECK(s.lifetime_s.count == 1);
  CHECK(*s.lifetime_s.max == 3);
}
