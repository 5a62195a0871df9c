// The streaming families (sim/stream_families.h) against their in-memory checkers on random histories: the
// operations fed one at a time in history order, with a live history that holds every fault started at or before
// the operation's invoke time (and, as in a run, some that started after it), must give the same figures.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/checkers.h"
#include "sim/random.h"
#include "sim/stream_families.h"

using namespace mrsim;

namespace {

constexpr double kDuration = 300;

struct RandomRun {
  History history;
  std::vector<double> lost_write_ack_s;
};

// Faults (some flapping, some sharing a start, one at t = 0 in some runs, some never ending) and ops on a grid of
// half seconds (so ops land exactly on window bounds), failing far more often while a fault is active.
RandomRun random_run(uint64_t seed) {
  RandomStream random(seed, "test/stream-families");
  RandomRun run;
  History& h = run.history;
  h.regions = {"east", "west", "south"};
  h.duration_s = kDuration;
  struct Interval {
    double from, to;
    uint32_t fault;
  };
  std::vector<Interval> intervals;
  const uint32_t faults = random.uniform_index(6);
  for (uint32_t f = 0; f < faults; ++f) {
    double from = random.uniform_index(4) == 0 && f > 0 ? intervals.back().from : 0.5 * random.uniform_index(500);
    if (seed % 3 == 0 && f == 0) from = 0;
    const uint32_t flaps = 1 + random.uniform_index(3);
    for (uint32_t k = 0; k < flaps && from < kDuration; ++k) {
      const double to = random.uniform_index(5) == 0 ? kDuration + 1 : from + 1 + random.uniform_index(60);
      intervals.push_back({from, to, f});
      from = to + 1 + random.uniform_index(20);
    }
  }
  std::vector<FaultEvent> events;
  for (const Interval& i : intervals) {
    events.push_back({i.from, i.fault, FaultEventKind::Start, "region_outage", "r" + std::to_string(i.fault)});
    if (i.to <= kDuration) events.push_back({i.to, i.fault, FaultEventKind::End, "region_outage", ""});
  }
  std::stable_sort(events.begin(), events.end(), [](const FaultEvent& a, const FaultEvent& b) { return a.t < b.t; });
  h.faults = events;

  const uint32_t clients = 1 + random.uniform_index(40);
  for (double t = 0; t < kDuration; t += 0.5) {
    bool active = false;
    for (const Interval& i : intervals) active = active || (i.from <= t && t < i.to);
    for (uint32_t c = 0; c < clients; ++c) {
      if (random.uniform_index(3) != 0) continue;
      OpRecord op;
      op.invoke_s = t;
      op.complete_s = t + 0.001 * (1 + random.uniform_index(active ? 3000 : 50));
      op.client = c;
      op.region = static_cast<uint8_t>(c % 3 == 2 && seed % 2 == 0 ? 1 : c % 3);
      op.kind = random.uniform_index(3) == 0 ? OpKind::Write : OpKind::Read;
      op.outcome = random.bernoulli(active ? 0.6 : 0.005) ? Outcome::Timeout : Outcome::Ok;
      h.ops.push_back(op);
    }
  }
  for (uint32_t i = random.uniform_index(8); i > 0; --i)
    run.lost_write_ack_s.push_back(0.5 * random.uniform_index(600));
  std::sort(run.lost_write_ack_s.begin(), run.lost_write_ack_s.end());
  return run;
}

// Feeds the run's ops to `family` as a run would: the live history holds the fault events up to a little after
// each op's invoke time.
void stream(StreamFamily& family, const RandomRun& run, RunMetrics& m) {
  const History& h = run.history;
  History live = h;
  live.ops.clear();
  live.faults.clear();
  family.begin(live);
  size_t next_event = 0;
  for (const OpRecord& op : h.ops) {
    while (next_event < h.faults.size() && h.faults[next_event].t <= op.invoke_s + 0.01)
      live.faults.push_back(h.faults[next_event++]);
    family.op(op, live);
  }
  m.writes.lost_write_ack_s = run.lost_write_ack_s;
  family.finish(h, m);
}

void check_same(const Distribution& a, const Distribution& b) {
  CHECK(a.count == b.count);
  CHECK(a.mean == b.mean);
  CHECK(a.p50 == b.p50);
  CHECK(a.p95 == b.p95);
  CHECK(a.p99 == b.p99);
  CHECK(a.max == b.max);
}

void check_same(const AvailabilityCell& a, const AvailabilityCell& b) {
  CHECK(a.attempted == b.attempted);
  CHECK(a.ok == b.ok);
}

}  // namespace

TEST_CASE("streamed availability and latency equal check_availability and check_latency", "[unit]") {
  const uint64_t seed = GENERATE(range(1, 21));
  const RandomRun run = random_run(seed);
  RunMetrics m;
  stream(*make_availability_family(), run, m);
  stream(*make_latency_family(), run, m);

  const AvailabilityStats a = check_availability(run.history);
  check_same(m.availability.all, a.all);
  check_same(m.availability.read, a.read);
  check_same(m.availability.write, a.write);
  REQUIRE(m.availability.by_region.size() == a.by_region.size());
  for (size_t r = 0; r < a.by_region.size(); ++r) {
    CHECK(m.availability.by_region[r].region == a.by_region[r].region);
    check_same(m.availability.by_region[r].all, a.by_region[r].all);
    check_same(m.availability.by_region[r].read, a.by_region[r].read);
    check_same(m.availability.by_region[r].write, a.by_region[r].write);
  }

  const LatencyStats l = check_latency(run.history);
  check_same(m.latency.read, l.read);
  check_same(m.latency.write, l.write);
  REQUIRE(m.latency.by_region.size() == l.by_region.size());
  for (size_t r = 0; r < l.by_region.size(); ++r) {
    CHECK(m.latency.by_region[r].region == l.by_region[r].region);
    check_same(m.latency.by_region[r].read, l.by_region[r].read);
    check_same(m.latency.by_region[r].write, l.by_region[r].write);
  }
}

TEST_CASE("streamed faults equal check_faults: RTO, client recovery, RPO", "[unit]") {
  const uint64_t seed = GENERATE(range(1, 41));
  const RandomRun run = random_run(seed);
  MetricsConfig config;
  config.window_s = 10;
  config.step_s = GENERATE(1.0, 0.7);
  config.stable_s = 5;
  config.threshold = 0.9;
  RunMetrics m;
  stream(*make_faults_family(config), run, m);
  const FaultStats expected = check_faults(run.history, config, run.lost_write_ack_s);

  CHECK(m.lost_writes_unattributed == expected.lost_writes_unattributed);
  REQUIRE(m.faults.size() == expected.faults.size());
  for (size_t f = 0; f < expected.faults.size(); ++f) {
    const FaultMetrics &got = m.faults[f], &want = expected.faults[f];
    INFO("seed " << seed << ", fault " << want.index << " starting at " << want.start_s);
    CHECK(got.index == want.index);
    CHECK(got.start_s == want.start_s);
    CHECK(got.end_s == want.end_s);
    CHECK(got.rto_s == want.rto_s);
    CHECK(got.recovered == want.recovered);
    CHECK(got.client_recovery.impacted_clients == want.client_recovery.impacted_clients);
    CHECK(got.client_recovery.not_recovered == want.client_recovery.not_recovered);
    CHECK(got.client_recovery.p50_s == want.client_recovery.p50_s);
    CHECK(got.client_recovery.p99_s == want.client_recovery.p99_s);
    CHECK(got.client_recovery.max_s == want.client_recovery.max_s);
    CHECK(got.lost_writes == want.lost_writes);
    CHECK(got.lost_writes_after_fault == want.lost_writes_after_fault);
    CHECK(got.data_loss_window_s == want.data_loss_window_s);
  }
}

TEST_CASE("the streamed faults refuse a fault recorded after an operation invoked at its start", "[unit]") {
  RandomRun run;
  run.history.duration_s = kDuration;
  run.history.faults.push_back({10, 0, FaultEventKind::Start, "region_outage", "east"});
  OpRecord op;
  op.invoke_s = 10;
  op.complete_s = 10.1;
  auto family = make_faults_family(MetricsConfig{});
  History live = run.history;
  live.faults.clear();
  family->begin(live);
  family->op(op, live);
  live.faults = run.history.faults;  // too late: the op invoked at the fault's start was counted without it
  op.invoke_s = 11;
  CHECK_THROWS_AS(family->op(op, live), std::logic_error);
}
