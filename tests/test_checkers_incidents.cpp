// Long runs (docs/metrics.md, "Long runs: downtime, nines and incidents") on hand-built histories: sample-and-hold
// downtime per client region and its union, nines and their cap, incidents grouped by settle time, and each reason
// a failover made things worse.
#include <catch2/catch.hpp>
#include <cmath>

#include "sim/checkers.h"

using namespace mrsim;

namespace {

History two_regions() {
  History h;
  h.regions = {"east", "west"};
  h.nodes = {"db-east", "db-west"};
  h.node_region = {0, 1};
  h.duration_s = 1000;
  h.roles.push_back({0, 0, Role::Primary, 1, kNoNode});
  h.roles.push_back({0, 1, Role::Replica, 1, 0});
  return h;
}

void op(History& h, double invoke, bool ok, uint8_t region, uint32_t client = 0) {
  OpRecord r;
  r.invoke_s = invoke;
  r.complete_s = invoke + 0.01;
  r.client = client;
  r.region = region;
  r.outcome = ok ? Outcome::Ok : Outcome::Timeout;
  h.ops.push_back(r);
}

MetricsConfig metrics() {
  MetricsConfig m;
  m.window_s = 10;
  m.threshold = 0.99;
  return m;
}

FaultMetrics fault(uint32_t index, double start, std::optional<double> end, std::optional<double> rto) {
  FaultMetrics f;
  f.index = index;
  f.start_s = start;
  f.end_s = end;
  f.rto_s = rto;
  f.recovered = rto.has_value();
  return f;
}

}  // namespace

TEST_CASE("downtime holds each observed window's verdict until the next observed window", "[unit]") {
  History h = two_regions();
  // east: fine at 5 s, a failure in window [100, 110), nothing until an ok op in window [200, 210): down [100, 200).
  op(h, 5, true, 0);
  op(h, 105, false, 0);
  op(h, 205, true, 0);
  // west: one failure in [150, 160) among 200 ok ops: 199/200 >= 0.99 holds; a lone failure in [300, 310), then ok.
  for (int i = 0; i < 199; ++i) op(h, 150 + i * 0.04, true, 1, 1);
  op(h, 158, false, 1, 1);
  op(h, 305, false, 1, 1);
  op(h, 315, true, 1, 1);
  std::stable_sort(h.ops.begin(), h.ops.end(),
                   [](const OpRecord& a, const OpRecord& b) { return a.invoke_s < b.invoke_s; });
  const LongRunStats s = check_long_run(h, metrics(), {}, {}, {0, 1});
  REQUIRE(s.by_region.size() == 2);
  CHECK(s.by_region[0].region == "east");
  CHECK(s.by_region[0].downtime_s == Approx(100));
  CHECK(s.by_region[1].downtime_s == Approx(10));
  CHECK(s.overall.downtime_s == Approx(110));  // disjoint: the union is the sum
  CHECK(s.overall.availability == Approx(1 - 110.0 / 1000));
  CHECK(s.overall.nines == Approx(std::log10(1000.0 / 110)));
  // A window of downtime or less reads as the cap, log10(duration / window).
  CHECK(s.by_region[1].nines == Approx(std::log10(1000.0 / 10)));
}

TEST_CASE("a client region that fails until the end of the run is down to the end, and the union counts overlap once",
          "[unit]") {
  History h = two_regions();
  op(h, 5, true, 0);
  op(h, 5, true, 1, 1);
  op(h, 500, false, 0);
  op(h, 700, false, 1, 1);
  const LongRunStats s = check_long_run(h, metrics(), {}, {}, {0, 1});
  CHECK(s.by_region[0].downtime_s == Approx(500));
  CHECK(s.by_region[1].downtime_s == Approx(300));
  CHECK(s.overall.downtime_s == Approx(500));
  // A client region without any op is never down; it is listed all the same.
  const LongRunStats quiet = check_long_run(two_regions(), metrics(), {}, {}, {0});
  REQUIRE(quiet.by_region.size() == 1);
  CHECK(quiet.by_region[0].downtime_s == 0);
  CHECK(quiet.overall.nines == Approx(2));
}

TEST_CASE("faults that start before an earlier one has settled form one incident", "[unit]") {
  History h = two_regions();
  // A: [100, 200) recovered 150 s after its start (settles at 250); B starts at 240, before that, and settles at
  // 300; C starts at 400, after every settle time: a second incident.
  std::vector<FaultMetrics> faults = {fault(0, 100, 200.0, 150.0), fault(1, 240, 300.0, 20.0),
                                      fault(2, 400, 450.0, 10.0)};
  faults[0].lost_writes = 2;
  faults[0].data_loss_window_s = 0.5;
  faults[1].lost_writes = 1;
  faults[1].data_loss_window_s = 0.2;
  faults[0].client_recovery.p99_s = 160.0;
  faults[0].client_recovery.max_s = 170.0;
  faults[1].client_recovery.p99_s = 30.0;
  faults[1].client_recovery.max_s = 40.0;
  faults[2].client_recovery.p99_s = faults[2].client_recovery.max_s = 0.0;
  const LongRunStats s = check_long_run(h, metrics(), faults, {}, {0});
  REQUIRE(s.incidents.size() == 2);
  const Incident& first = s.incidents[0];
  CHECK(first.faults == std::vector<uint32_t>{0, 1});
  CHECK(first.start_s == 100);
  CHECK(first.close_s == 300);
  CHECK(*first.rto_s == Approx(std::max(100 + 150, 240 + 20) - 100));
  CHECK(first.lost_writes == 3);
  CHECK(first.data_loss_window_s == 0.5);
  CHECK(*first.client_recovery_p99_s == 160);
  CHECK(*s.incidents[1].rto_s == 10);
  CHECK(s.not_recovered == 0);
  CHECK(s.rto_s.count == 2);
  CHECK(*s.rto_s.max == Approx(160));
  CHECK(s.lost_writes == 3);
  CHECK(s.worse_incidents == 0);  // no failover in either
  // An unrecovered fault leaves its incident without an RTO, open to the run end.
  const LongRunStats open = check_long_run(h, metrics(), {fault(0, 100, 200.0, std::nullopt)}, {}, {0});
  CHECK_FALSE(open.incidents[0].rto_s);
  CHECK(open.incidents[0].close_s == 1000);
  CHECK(open.not_recovered == 1);
}

TEST_CASE("each reason a failover made things worse is found", "[unit]") {
  History h = two_regions();
  // Fault [100, 150) on east, recovered 120 s after its start (settles at 220); west promoted at 160 (after the
  // fault ended: late), west down at 200 (the new primary lost), writes lost with no time bought, and a split brain
  // [170, 180).
  h.roles.push_back({100, 0, Role::Down, 1, kNoNode});
  h.roles.push_back({160, 1, Role::Primary, 2, kNoNode});
  h.roles.push_back({200, 1, Role::Down, 2, kNoNode});
  // East promoted back at 500, outside every incident: a false failover. West resuming at 600 is none.
  h.roles.push_back({500, 0, Role::Primary, 3, kNoNode});
  h.roles.push_back({550, 0, Role::Recovering, 3, kNoNode});
  h.roles.push_back({600, 0, Role::Primary, 3, kNoNode});
  std::vector<FaultMetrics> faults = {fault(0, 100, 150.0, 120.0)};
  faults[0].lost_writes = 3;
  SplitBrainStats split;
  split.incidents = 1;
  split.list.push_back({170, 180, true, {}});
  const LongRunStats s = check_long_run(h, metrics(), faults, split, {0});
  REQUIRE(s.incidents.size() == 1);
  CHECK(s.incidents[0].failovers == 1);
  CHECK(s.incidents[0].worse ==
        std::vector<std::string>{"split_brain", "late", "lost_writes_without_gain", "new_primary_lost"});
  CHECK(s.worse_incidents == 1);
  CHECK(s.failovers_outside_incidents == 1);
  // A failover that came in time and lost nothing made nothing worse.
  History timely = two_regions();
  timely.roles.push_back({100, 0, Role::Down, 1, kNoNode});
  timely.roles.push_back({130, 1, Role::Primary, 2, kNoNode});
  const LongRunStats fine = check_long_run(timely, metrics(), {fault(0, 100, 900.0, 40.0)}, {}, {0});
  CHECK(fine.incidents[0].failovers == 1);
  CHECK(fine.incidents[0].worse.empty());
}
