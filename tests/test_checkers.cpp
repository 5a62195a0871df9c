// Checkers on small hand-written histories: every planted anomaly is found with its exact numbers, and a clean
// history reports none. The definitions being pinned are those of docs/metrics.md.
#include <catch2/catch.hpp>

#include <algorithm>

#include "sim/checkers.h"

using namespace mrsim;

namespace {

// Builds histories tersely. Two regions, two nodes (node 0 "db-east" in east, node 1 "db-west" in west).
struct HistoryBuilder {
  History h;
  HistoryBuilder() {
    h.regions = {"east", "west"};
    h.nodes = {"db-east", "db-west"};
    h.node_region = {0, 1};
    h.duration_s = 1000;
    role(0, 0, Role::Primary);
    role(0, 1, Role::Replica);
  }
  HistoryBuilder& op(OpKind kind, uint32_t client, uint32_t key, double invoke, double complete, uint32_t version,
                     Outcome outcome = Outcome::Ok, uint8_t region = 0) {
    OpRecord r;
    r.kind = kind;
    r.client = client;
    r.key = key;
    r.invoke_s = invoke;
    r.complete_s = complete;
    r.served_s = outcome == Outcome::Ok ? complete : 0;
    r.version = version;
    r.outcome = outcome;
    r.region = region;
    r.node = outcome == Outcome::Ok ? 0 : kNoNode;
    h.ops.push_back(r);
    return *this;
  }
  HistoryBuilder& read(uint32_t client, uint32_t key, double invoke, double complete, uint32_t version) {
    return op(OpKind::Read, client, key, invoke, complete, version);
  }
  // An acknowledged write with its commit record; `survives` puts it in the final lineage.
  HistoryBuilder& write(uint32_t client, uint32_t key, double invoke, double complete, uint32_t version,
                        bool survives = true, int16_t node = 0) {
    op(OpKind::Write, client, key, invoke, complete, version);
    h.commits.push_back({(invoke + complete) / 2, version, key, node});
    if (survives) h.final_lineage.push_back(version);
    return *this;
  }
  HistoryBuilder& role(double t, int16_t node, Role role) {
    h.roles.push_back({t, node, role, 1, kNoNode});
    return *this;
  }
  HistoryBuilder& fault(uint32_t index, double start, double end) {
    h.faults.push_back({start, index, FaultEventKind::Start, "region_outage", "east"});
    h.faults.push_back({end, index, FaultEventKind::End, "region_outage", "east"});
    return *this;
  }
  History build() {
    std::stable_sort(h.ops.begin(), h.ops.end(), [](const OpRecord& a, const OpRecord& b) {
      return a.invoke_s != b.invoke_s ? a.invoke_s < b.invoke_s : a.client < b.client;
    });
    return h;
  }
};

// The planted history: two stale reads of key 7, lost writes around fault 0, a split brain during it, and a read of
// a lost write. Everything else in it is clean.
History planted_history() {
  HistoryBuilder b;
  b.write(1, 7, 1.0, 1.1, 1)
      .write(1, 7, 2.0, 2.1, 2)
      .write(9, 8, 2.15, 2.2, 4)  // another key between key 7's versions: must not count in depth
      .write(1, 7, 2.4, 2.5, 3)
      .read(2, 7, 3.0, 3.01, 1)   // stale: depth 2 (versions 2, 3), age 3.0 - 2.1
      .read(3, 7, 3.0, 3.01, 0)   // stale: depth 3 (versions 1, 2, 3), age 3.0 - 1.1
      .read(4, 7, 3.0, 3.01, 3)   // fresh
      .read(5, 7, 2.3, 2.31, 2)   // fresh: version 3 was not acknowledged yet
      .read(6, 7, 2.5, 2.51, 2)   // fresh: acknowledged at 2.5 exactly is not "before" 2.5
      .read(7, 8, 2.0, 2.01, 0);  // fresh: key 8's first write came later
  b.fault(0, 100, 200);
  b.write(10, 9, 94.0, 95.0, 10, false).write(11, 9, 97.0, 98.0, 13, false);  // lost, acked before the fault
  // Split brain: node 1 promoted at 110 while node 0 keeps its primary role until 150; both accept a write.
  b.role(110, 1, Role::Primary).role(150, 0, Role::Replica);
  b.write(12, 11, 119.0, 120.0, 11, false, 0);  // old primary's side: acknowledged, then lost
  b.write(13, 12, 129.0, 130.0, 12, true, 1);   // new primary's side: survives
  b.read(14, 11, 125.0, 125.1, 11);             // a read of the lost write
  return b.build();
}

// The same traffic without anomalies: reads always return the newest acknowledged version.
History clean_history() {
  HistoryBuilder b;
  b.write(1, 7, 1.0, 1.1, 1).read(2, 7, 1.2, 1.3, 1).write(1, 7, 2.0, 2.1, 2).read(2, 7, 2.2, 2.3, 2);
  b.read(3, 7, 2.05, 2.06, 1);  // concurrent with the write of version 2: old value allowed
  b.read(3, 8, 3.0, 3.1, 0);
  b.op(OpKind::Write, 4, 9, 4.0, 6.0, 0, Outcome::Timeout);  // a failed write may vanish: not lost
  return b.build();
}

}  // namespace

TEST_CASE("nearest-rank percentile takes the value at rank ceil(p/100 * n)", "[unit]") {
  std::vector<double> sorted = {15, 20, 35, 40, 50};
  auto [percent, expected] = GENERATE(table<double, double>({{5, 15}, {30, 20}, {40, 20}, {50, 35}, {99, 50}, {100, 50}}));
  CHECK(percentile_nearest_rank(sorted, percent) == expected);
}

TEST_CASE("summarize gives count, mean, nearest-rank percentiles and max", "[unit]") {
  std::vector<double> values;
  for (int i = 100; i >= 1; --i) values.push_back(i * 0.001);
  Distribution d = summarize(values);
  CHECK(d.count == 100);
  CHECK(*d.mean == Approx(0.0505));
  CHECK(*d.p50 == Approx(0.050));
  CHECK(*d.p95 == Approx(0.095));
  CHECK(*d.p99 == Approx(0.099));
  CHECK(*d.max == Approx(0.100));
  std::vector<double> none;
  CHECK_FALSE(summarize(none).p50.has_value());
}

TEST_CASE("planted anomalies are each found with their exact numbers", "[unit]") {
  History h = planted_history();
  MetricsConfig config;

  SECTION("stale reads: count, rate, depth and age") {
    StaleReadStats s = check_stale_reads(h);
    CHECK(s.successful_reads == 7);
    CHECK(s.stale_reads == 2);
    CHECK(*s.stale_read_rate == Approx(2.0 / 7.0));
    CHECK(s.depth_max == 3);
    CHECK(*s.depth_mean == Approx(2.5));
    CHECK(*s.age_s.max == Approx(1.9));
    CHECK(*s.age_s.mean == Approx((0.9 + 1.9) / 2));
    CHECK(*s.age_s.p99 == Approx(1.9));
  }
  SECTION("lost writes and reads of lost writes") {
    WriteSafetyStats w = check_write_safety(h);
    CHECK(w.acknowledged_writes == 8);
    CHECK(w.lost_writes == 3);
    CHECK(w.reads_of_lost_writes == 1);
    CHECK(w.overwritten_concurrent_writes == 0);
    CHECK(w.lost_write_ack_s == std::vector<double>{95.0, 98.0, 120.0});
  }
  SECTION("RPO: writes lost before the fault set the window; the split-brain loss counts after the fault") {
    FaultStats f = check_faults(h, config);
    REQUIRE(f.faults.size() == 1);
    CHECK(f.faults[0].lost_writes == 2);
    CHECK(f.faults[0].data_loss_window_s == Approx(5.0));
    CHECK(f.faults[0].lost_writes_after_fault == 1);
    CHECK(f.lost_writes_unattributed == 0);
  }
  SECTION("split brain: one incident with both sides' writes") {
    SplitBrainStats s = check_split_brain(h);
    CHECK(s.incidents == 1);
    CHECK(s.near_misses == 0);
    CHECK(s.total_duration_s == Approx(40.0));
    REQUIRE(s.list.size() == 1);
    const SplitBrainIncident& i = s.list[0];
    CHECK(i.start_s == 110.0);
    CHECK(i.end_s == 150.0);
    CHECK(i.ended);
    REQUIRE(i.sides.size() == 2);
    CHECK(i.sides[0].node == "db-east");
    CHECK(i.sides[0].writes_accepted == 1);
    CHECK(i.sides[0].writes_lost == 1);
    CHECK(i.sides[0].writes_not_in_lineage == 1);
    CHECK(i.sides[1].node == "db-west");
    CHECK(i.sides[1].writes_accepted == 1);
    CHECK(i.sides[1].writes_lost == 0);
  }
  SECTION("compute_metrics agrees with the individual checkers") {
    RunMetrics m = compute_metrics(h, config);
    CHECK(m.stale_reads.stale_reads == 2);
    CHECK(m.writes.lost_writes == 3);
    CHECK(m.split_brain.incidents == 1);
    REQUIRE(m.faults.size() == 1);
    CHECK(m.faults[0].data_loss_window_s == Approx(5.0));
  }
}

TEST_CASE("a clean history reports no anomaly", "[unit]") {
  RunMetrics m = compute_metrics(clean_history(), MetricsConfig{});
  CHECK(m.stale_reads.successful_reads == 4);
  CHECK(m.stale_reads.stale_reads == 0);
  CHECK(*m.stale_reads.stale_read_rate == 0.0);
  CHECK_FALSE(m.stale_reads.age_s.max.has_value());
  CHECK(m.sessions.read_your_writes_violations == 0);
  CHECK(m.sessions.monotonic_read_violations == 0);
  CHECK(m.writes.lost_writes == 0);
  CHECK(m.writes.reads_of_lost_writes == 0);
  CHECK(m.split_brain.incidents == 0);
  CHECK(m.split_brain.near_misses == 0);
  CHECK(m.faults.empty());
  CHECK(m.lost_writes_unattributed == 0);
}

TEST_CASE("overlapping primaries with fewer than two writing sides are near misses", "[unit]") {
  HistoryBuilder b;
  b.role(110, 1, Role::Primary);
  b.write(1, 1, 119.0, 120.0, 1, true, 1);  // only the new primary writes
  SECTION("overlap ended by a demotion") {
    b.role(150, 0, Role::Down);
    SplitBrainStats s = check_split_brain(b.build());
    CHECK(s.incidents == 0);
    CHECK(s.near_misses == 1);
  }
  SECTION("a same-instant handover is no overlap at all") {
    HistoryBuilder handover;
    handover.role(50, 0, Role::Replica).role(50, 1, Role::Primary);
    SplitBrainStats s = check_split_brain(handover.build());
    CHECK(s.near_misses == 0);
    CHECK(s.incidents == 0);
  }
  SECTION("two writing sides until the end of the run: the incident is open") {
    b.write(2, 2, 300.0, 301.0, 2, false, 0);
    SplitBrainStats s = check_split_brain(b.build());
    REQUIRE(s.incidents == 1);
    CHECK_FALSE(s.list[0].ended);
    CHECK(s.list[0].end_s == 1000.0);
    CHECK(s.total_duration_s == Approx(890.0));
    CHECK(s.list[0].sides[0].writes_not_in_lineage == 1);
  }
}

TEST_CASE("lost writes are attributed to the first fault still active after their ack", "[unit]") {
  HistoryBuilder b;
  b.fault(0, 100, 200).fault(1, 300, 400);
  uint32_t version = 1;
  for (double ack : {95.0, 150.0, 250.0, 90.0, 450.0}) {
    b.write(version, 1, ack - 1, ack, version, false);
    ++version;
  }
  FaultStats f = check_faults(b.build(), MetricsConfig{});
  REQUIRE(f.faults.size() == 2);
  CHECK(f.faults[0].lost_writes == 2);
  CHECK(f.faults[0].data_loss_window_s == Approx(10.0));
  CHECK(f.faults[0].lost_writes_after_fault == 1);
  CHECK(f.faults[1].lost_writes == 1);
  CHECK(f.faults[1].data_loss_window_s == Approx(50.0));
  CHECK(f.faults[1].lost_writes_after_fault == 0);
  CHECK(f.lost_writes_unattributed == 1);
}

TEST_CASE("RTO is the first grid time after which every kind's success ratio holds for the stable period", "[unit]") {
  // A reader (client 0) and a writer (client 1) each issue one op per second at t + 0.5. The fault starts at 50;
  // ops invoked in [50, outage_end) fail. With window 10, the window at grid time t holds iff t >= outage_end.
  auto [outage_end, expected_rto] = GENERATE(table<double, double>({{80, 30}, {125, 75}, {185, -1}}));
  MetricsConfig config;
  config.window_s = 10;
  config.threshold = 0.99;
  config.stable_s = 30;
  config.step_s = 1;
  HistoryBuilder b;
  b.h.duration_s = 200;
  for (int i = 0; i < 200; ++i) {
    double t = i + 0.5;
    Outcome outcome = t >= 50 && t < outage_end ? Outcome::Timeout : Outcome::Ok;
    b.op(OpKind::Read, 0, 1, t, t + 0.01, 0, outcome);
    b.op(OpKind::Write, 1, 1, t, t + 0.01, 0, outcome);
  }
  b.fault(0, 50, outage_end);
  b.h.health.push_back({10, 0, 1, false});  // before the fault: ignored
  b.h.health.push_back({60, 0, 1, false});
  b.h.decisions.push_back({66, "promote", 1, ""});
  b.h.decisions.push_back({65, "failover_start", 0, ""});
  b.role(72, 1, Role::Primary);
  b.h.dns.push_back({0, "write", 0});
  b.h.dns.push_back({75, "write", 1});
  FaultStats f = check_faults(b.build(), config);
  REQUIRE(f.faults.size() == 1);
  const FaultMetrics& m = f.faults[0];
  if (expected_rto < 0) {
    // Recovery at 185 would need 185 + 30 + 10 <= 200.
    CHECK_FALSE(m.recovered);
    CHECK_FALSE(m.rto_s.has_value());
  } else {
    CHECK(m.recovered);
    REQUIRE(m.rto_s.has_value());
    CHECK(*m.rto_s == Approx(expected_rto));
  }
  CHECK(*m.detection_s == Approx(10));
  CHECK(*m.decision_s == Approx(15));
  CHECK(*m.promotion_s == Approx(22));
  CHECK(*m.routing_s == Approx(25));
}

TEST_CASE("breakdown steps that never happen are undefined", "[unit]") {
  HistoryBuilder b;
  b.fault(0, 100, 200);
  FaultStats f = check_faults(b.build(), MetricsConfig{});
  REQUIRE(f.faults.size() == 1);
  CHECK_FALSE(f.faults[0].detection_s.has_value());
  CHECK_FALSE(f.faults[0].decision_s.has_value());
  CHECK_FALSE(f.faults[0].promotion_s.has_value());  // the initial primary at t = 0 is before the fault
  CHECK_FALSE(f.faults[0].routing_s.has_value());
  CHECK(f.faults[0].recovered);  // no ops at all: the ratio holds everywhere
  CHECK(*f.faults[0].rto_s == 0.0);
  CHECK(f.faults[0].client_recovery.impacted_clients == 0);
  CHECK(*f.faults[0].client_recovery.p99_s == 0.0);
}

TEST_CASE("per-client recovery is each client's first success after its last failure", "[unit]") {
  HistoryBuilder b;
  b.fault(0, 50, 60).fault(1, 500, 510);
  auto fail = [&](uint32_t client, double t) { b.op(OpKind::Read, client, 1, t, t + 2, 0, Outcome::Timeout); };
  auto succeed = [&](uint32_t client, double t) { b.op(OpKind::Read, client, 1, t, t + 0.01, 0); };
  fail(0, 51), fail(0, 55), succeed(0, 80);     // recovers at 30
  fail(1, 52), succeed(1, 53), fail(1, 54), succeed(1, 61);  // last failure 54 -> 11
  fail(2, 58), succeed(2, 520);                 // success after the next fault began still counts: 470
  fail(3, 59);                                  // never succeeds again
  succeed(4, 51);                               // never failed: not impacted
  fail(5, 505);                                 // fails only in fault 1's interval
  History h = b.build();
  FaultStats f = check_faults(h, MetricsConfig{});
  REQUIRE(f.faults.size() == 2);
  const ClientRecovery& r = f.faults[0].client_recovery;
  CHECK(r.impacted_clients == 4);
  CHECK(r.not_recovered == 1);
  // Sorted: 11, 30, 470, +inf. p50 = rank 2; p99 = rank 4 (not recovered: undefined); max undefined.
  CHECK(*r.p50_s == Approx(30));
  CHECK_FALSE(r.p99_s.has_value());
  CHECK_FALSE(r.max_s.has_value());
  CHECK(f.faults[1].client_recovery.impacted_clients == 1);
  CHECK(f.faults[1].client_recovery.not_recovered == 1);
}

TEST_CASE("session guarantees: read-your-writes and monotonic reads", "[unit]") {
  HistoryBuilder b;
  b.write(1, 5, 1.0, 1.1, 1).write(1, 5, 2.0, 2.1, 2);
  b.read(1, 5, 1.05, 1.08, 0);  // before its own write was acknowledged: fine
  b.read(1, 5, 3.0, 3.1, 1);    // older than its own last acknowledged write: RYW violation
  b.read(2, 5, 3.0, 3.1, 2);
  b.read(2, 5, 3.05, 3.2, 1);   // the read of version 2 had not completed yet: fine
  b.read(2, 5, 4.0, 4.1, 1);    // older than version 2, read earlier: monotonic-read violation
  b.read(4, 5, 3.0, 3.1, 2);
  b.read(4, 5, 3.1, 3.2, 1);    // the earlier read completed at this very instant, not before: fine
  b.write(3, 5, 5.0, 6.0, 9, false);
  b.read(3, 5, 7.0, 7.1, 2);    // its last write was lost: no read-your-writes claim
  b.read(3, 5, 8.0, 8.1, 99);   // a version absent from the lineage: skipped
  b.read(3, 5, 9.0, 9.1, 2);    // the absent version does not count as "newer"
  SessionStats s = check_sessions(b.build());
  CHECK(s.read_your_writes_violations == 1);
  CHECK(s.monotonic_read_violations == 1);
  CHECK(s.clients_with_read_your_writes_violations == 1);
  CHECK(s.clients_with_monotonic_read_violations == 1);
}

TEST_CASE("session guarantees by client group: each group's violations, read latency and cross-region reads",
          "[unit]") {
  // The history above, with clients 0..1 in group 0 (none) and 2..4 in group 1 (min-version); client 1's violation
  // belongs to group 0, client 2's to group 1. Two of group 1's reads are answered in west, outside east.
  HistoryBuilder b;
  b.write(1, 5, 1.0, 1.1, 1).write(1, 5, 2.0, 2.1, 2);
  b.read(1, 5, 3.0, 3.1, 1);    // RYW violation, group 0
  b.read(2, 5, 3.0, 3.1, 2);
  b.read(2, 5, 4.0, 4.1, 1);    // monotonic-read violation, group 1
  b.read(4, 5, 3.0, 3.4, 2);
  b.read(9, 5, 3.0, 3.1, 1);    // a client in no group: counted overall only
  b.h.ops[b.h.ops.size() - 2].node = 1;  // client 4's read answered in west
  b.h.ops[b.h.ops.size() - 3].node = 1;  // client 2's second read too
  b.h.client_groups = {{"none", 0, 0, 2, 500, 1000}, {"min-version", 0, 2, 3, 100, 200}};
  const History h = b.build();
  const LineageIndex lineage(h);
  const std::vector<GroupSessionStats> groups = check_session_groups(h, lineage);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].strategy == "none");
  CHECK(groups[0].region == "east");
  CHECK(groups[0].reads == 1);
  CHECK(groups[0].sessions.read_your_writes_violations == 1);
  CHECK(groups[0].sessions.monotonic_read_violations == 0);
  CHECK(groups[0].cross_region_reads == 0);
  CHECK(groups[1].reads == 3);
  CHECK(groups[1].sessions.read_your_writes_violations == 0);
  CHECK(groups[1].sessions.monotonic_read_violations == 1);
  CHECK(groups[1].sessions.clients_with_monotonic_read_violations == 1);
  CHECK(groups[1].cross_region_reads == 2);
  CHECK(groups[1].cross_region_read_bytes == 2 * (100 + 200));
  // Latencies 0.1, 0.1, 0.4: nearest-rank p50 = 0.1, max 0.4.
  CHECK(*groups[1].read_latency_s.p50 == Approx(0.1));
  CHECK(*groups[1].read_latency_s.max == Approx(0.4));
  // The groups' violations add up to the run's when every violating client is in a group.
  const SessionStats total = check_sessions(h, lineage);
  CHECK(total.read_your_writes_violations == 1);
  CHECK(total.monotonic_read_violations == 1);
  CHECK(check_session_groups(History{}, lineage).empty());
}

TEST_CASE("availability and latency per kind and client region", "[unit]") {
  HistoryBuilder b;
  for (int i = 1; i <= 100; ++i) b.op(OpKind::Read, 0, 1, i, i + i * 0.001, 0);
  for (int i = 0; i < 10; ++i) b.op(OpKind::Read, 1, 1, i, i + 1.0, 0, i < 5 ? Outcome::Ok : Outcome::Error, 1);
  for (int i = 0; i < 10; ++i) b.op(OpKind::Write, 2, 1, i, i + 0.5, i + 1, i < 8 ? Outcome::Ok : Outcome::Timeout);
  History h = b.build();

  AvailabilityStats a = check_availability(h);
  CHECK(a.all.attempted == 120);
  CHECK(*a.read.ratio() == Approx(105.0 / 110.0));
  CHECK(*a.write.ratio() == Approx(0.8));
  REQUIRE(a.by_region.size() == 2);
  CHECK(a.by_region[0].region == "east");
  CHECK(*a.by_region[0].read.ratio() == 1.0);
  CHECK(a.by_region[1].region == "west");
  CHECK(*a.by_region[1].read.ratio() == Approx(0.5));
  CHECK_FALSE(a.by_region[1].write.ratio().has_value());

  LatencyStats l = check_latency(h);
  // Reads: 0.001 .. 0.100 from east plus five 1.0 s from west; nearest rank over 105 values.
  CHECK(l.read.count == 105);
  CHECK(*l.read.p50 == Approx(0.053));
  CHECK(*l.read.p95 == Approx(0.100));
  CHECK(*l.read.p99 == Approx(1.0));
  CHECK(*l.write.p99 == Approx(0.5));
  REQUIRE(l.by_region.size() == 2);
  CHECK(*l.by_region[0].read.p50 == Approx(0.050));
  CHECK(*l.by_region[0].read.p95 == Approx(0.095));
  CHECK(*l.by_region[0].read.p99 == Approx(0.099));
  CHECK(*l.by_region[1].read.p50 == Approx(1.0));
}

TEST_CASE("replication lag per replica and traffic cost per link", "[unit]") {
  HistoryBuilder b;
  b.h.lag = {{1, 1, 0.0}, {2, 1, 1.0}, {3, 1, 3.0}, {1, 0, 0.5}};
  std::vector<ReplicaLag> lag = check_replication_lag(b.h);
  REQUIRE(lag.size() == 2);
  CHECK(lag[0].node == "db-east");
  CHECK(*lag[1].lag_s.mean == Approx(4.0 / 3.0));
  CHECK(*lag[1].lag_s.p99 == 3.0);
  CHECK(*lag[1].lag_s.max == 3.0);

  b.h.links = {"east<->west", "east<->eu"};
  b.h.link_cost_per_gb = {0.02, 0.08};
  b.h.traffic = {{0, 1500000000}, {0, 500000000}};
  TrafficStats t = check_traffic(b.h);
  REQUIRE(t.links.size() == 2);
  CHECK(t.links[0].bytes == 2000000000);
  CHECK(t.links[0].cost == Approx(0.04));
  CHECK(t.links[1].bytes == 0);
  CHECK(t.links[1].cost == 0.0);
  CHECK(t.total_bytes == 2000000000);
  CHECK(t.total_cost == Approx(0.04));
}

TEST_CASE("the semi-sync checker measures the fallback intervals and the writes acknowledged in them", "[unit]") {
  // The source falls back at 50 s, is back at 90 s, falls back again at 800 s until the end (1000 s). A write counts
  // by its commit on the primary (served_s, here its completion).
  HistoryBuilder b;
  b.write(1, 1, 10, 20, 1)              // before: not in a fallback
      .write(1, 2, 40, 50, 2)           // committed exactly at the switch: in it
      .write(1, 3, 60, 70, 3, false)    // in the first fallback, and lost
      .write(1, 4, 85, 90, 4)           // committed exactly as it ends: not in it
      .write(1, 5, 500, 510, 5)         // between
      .write(1, 6, 900, 910, 6, false)  // in the open fallback, lost
      .op(OpKind::Write, 1, 7, 61, 63, 0, Outcome::Timeout);  // not acknowledged: never counted
  b.h.semi_sync = true;
  b.h.decisions = {{50, "semi_sync_off", 0, ""}, {90, "semi_sync_on", 0, ""}, {800, "semi_sync_off", 0, ""},
                   {850, "semi_sync_off", 0, ""}};  // a second switch-off while off extends nothing
  const History h = b.build();
  const SemiSyncStats s = check_semi_sync(h, LineageIndex(h));
  CHECK(s.applicable);
  CHECK(s.fallbacks == 3);
  CHECK(s.time_in_fallback_s == Approx(40 + 200));
  CHECK(s.writes_acknowledged_in_fallback == 3);
  CHECK(s.lost_writes_in_fallback == 2);
  b.h.semi_sync = false;
  CHECK_FALSE(check_semi_sync(b.build(), LineageIndex(h)).applicable);
}
