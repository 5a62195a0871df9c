// Known answers for the CDC pipeline (models/cdc_pipeline.h): the stage times of a queueing model with a closed form,
// and the RPO of a region loss against what the history says sat in the source region's queues.
#include <catch2/catch.hpp>
#include <cmath>
#include <algorithm>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/child_simulation.h"

using namespace mrsim;
using nlohmann::json;
using mrsim_test::number;

namespace {

// One region: the primary and its cdc replica side by side would share a host, so the replica is in a second region
// 40 ms away. Writers only, in the primary's region, so commits are Poisson (each write reaches the primary one fixed
// request time after its Poisson arrival). Tests set the pipeline with --set.
const char* const kBase = R"({
  "name": "known-answer-cdc",
  "duration": "2000s",
  "regions": [{"name": "east"}, {"name": "eu"}],
  "links": [{"between": ["east", "eu"], "latency": "40ms", "bandwidth": "1Gbps"}],
  "database": {"primary": "east", "replicas": ["eu"], "replication": {"mode": "cdc"}},
  "failover": {"policy": "none"},
  "clients": [{"region": "east", "count": 20, "rate_per_s": 50, "read_fraction": 0}]
})";

// Per stage: the mean time in the stage over B batches of consecutive changes (commit order), for a standard error
// of the mean that allows for the queue's autocorrelation (batch means).
json stage_batch_means(const History& h, int batches) {
  std::vector<const CdcTransit*> applied;
  for (const CdcTransit& x : h.cdc)
    if (x.stage_s[kCdcStages - 1] <= h.duration_s) applied.push_back(&x);
  json out = json::object();
  for (int k = 0; k < kCdcStages; ++k) {
    json means = json::array();
    const size_t per = applied.size() / size_t(batches);
    for (int b = 0; b < batches; ++b) {
      double sum = 0;
      for (size_t i = size_t(b) * per; i < size_t(b + 1) * per; ++i) {
        const CdcTransit& x = *applied[i];
        sum += x.stage_s[k] - (k == 0 ? x.enter_s : x.stage_s[k - 1]);
      }
      means.push_back(sum / double(per));
    }
    out[cdc_stage_name(k)] = means;
  }
  return out;
}

// Mean and standard error of the batch means.
std::pair<double, double> mean_and_error(const json& means) {
  double sum = 0, sq = 0;
  const double b = double(means.size());
  for (const auto& m : means) sum += m.get<double>();
  const double mean = sum / b;
  for (const auto& m : means) sq += (m.get<double>() - mean) * (m.get<double>() - mean);
  return {mean, std::sqrt(sq / (b - 1) / b)};
}

}  // namespace

TEST_CASE("a partition fed by Poisson commits is an M/D/1 queue and the poll adds half its interval",
          "[scenario][known-answer]") {
  // Capture at once (poll 0): each change reaches the partition at its commit, so the one partition is an M/D/1
  // queue with lambda = 50/s and service 1/mu: mean time in it 1/mu + rho / (2 mu (1 - rho)). With polling, Poisson
  // commits wait for the next poll, uniformly within an interval of random phase: poll / 2 on average.
  const double poll = GENERATE(0.0, 0.2);
  const double lambda = 50, mu = 100, rho = lambda / mu;
  const int batches = 20;
  const json out = mrsim_test::simulate_in_child(
      kBase,
      {"database.cdc={\"poll_interval\": \"" + std::to_string(int(poll * 1000)) + "ms\", \"partitions\": 1, " +
       "\"partition_throughput\": " + std::to_string(mu) + ", \"mirror_throughput\": 100000, \"apply_rate\": 100000}"},
      [&](const Scenario&, const History& h) { return stage_batch_means(h, batches); });
  const json& report_cdc = out["report"].at("cdc").at("db-eu");
  REQUIRE(number(report_cdc, "/applied") > 0.9 * lambda * 2000);

  const auto [capture, capture_error] = mean_and_error(out["extra"]["capture"]);
  INFO("capture: expected " << poll / 2 << " s, measured " << capture << " +- " << capture_error);
  CHECK(std::abs(capture - poll / 2) <= 4 * capture_error + 1e-9);
  CHECK(number(report_cdc, "/stages/capture/time_s/mean_s") == Approx(capture).margin(1e-5));

  if (poll == 0) {
    const double expected = 1 / mu + rho / (2 * mu * (1 - rho));
    const auto [log, log_error] = mean_and_error(out["extra"]["log"]);
    INFO("log (M/D/1): expected " << expected << " s, measured " << log << " +- " << log_error << " (batch means)");
    REQUIRE(log_error < 0.05 * expected);  // the tolerance is tight enough to mean something
    CHECK(std::abs(log - expected) <= 4 * log_error);
    CHECK(number(report_cdc, "/stages/log/time_s/mean_s") == Approx(log).margin(1e-5));
  }
}

TEST_CASE("a region loss takes exactly the acknowledged changes that had not reached the target region",
          "[scenario][known-answer]") {
  std::ifstream file(std::string(MRSIM_SOURCE_DIR) + "/scenarios/cdc-burst-region-loss.json");
  std::stringstream text;
  text << file.rdbuf();
  const std::string scenario = text.str();
  const json out = mrsim_test::simulate_in_child(scenario.c_str(), {}, [](const Scenario& s, const History& h) {
    const double outage = s.faults.at(0).at_s;
    std::set<uint32_t> acked;
    for (const OpRecord& op : h.ops)
      if (op.kind == OpKind::Write && op.ok()) acked.insert(op.version);
    // Still in us-east-1's capture or Kafka when it was lost: not yet through the mirror at the outage.
    uint64_t in_source = 0, backlog = 0;
    for (const CdcTransit& x : h.cdc) {
      if (x.commit_s > outage) continue;
      if (!(x.stage_s[2] <= outage)) backlog += 1, in_source += acked.count(x.write_id);
    }
    return json{{"acked_in_source", in_source}, {"in_source", backlog}};
  });
  // The consumer (1000/s) empties the target side long before the promotion, so what is lost is what sat in the
  // source region's queues, less the writes whose acknowledgement died with the region.
  const double lost = number(out["report"], "/lost_writes");
  INFO("lost " << lost << ", in the source region's queues " << out["extra"]["in_source"] << ", of them acknowledged "
               << out["extra"]["acked_in_source"]);
  CHECK(lost == out["extra"]["acked_in_source"].get<double>());
  CHECK(number(out["report"], "/cdc/db-eu-west-1/dropped") == out["extra"]["in_source"].get<double>());
}

TEST_CASE("stage lag follows the oldest change not yet through each stage while the node is a replica", "[unit]") {
  // Change A goes through every stage; change B is dropped at 6 s in the source log's wake. By hand, sampling every
  // second: log lag is 1 at t = 2 (A, committed at 1, leaves the log at 2.5); mirror lag 1, 2, 3 at t = 2, 3, 4 (A)
  // and 3 at t = 5 (B, committed at 2); apply lag 1, 2, 3, 4 at t = 2..5 (A until 5.5); everything else 0.
  const double inf = std::numeric_limits<double>::infinity();
  History h;
  h.duration_s = 10;
  h.nodes = {"db-p", "db-r"};
  h.roles = {{0, 0, Role::Primary, 1, kNoNode}, {0, 1, Role::Replica, 1, 0}, {8, 1, Role::Primary, 2, kNoNode}};
  h.cdc.push_back({1, 1, 1.0, 1.0, {1.5, 2.5, 4.2, 5.5}, 5.5});
  h.cdc.push_back({2, 1, 2.0, 2.0, {2.5, 3.0, inf, inf}, 6.0});
  const std::vector<CdcNodeStats> stats = check_cdc(h, 1.0);
  REQUIRE(stats.size() == 1);
  const CdcNodeStats& r = stats[0];
  CHECK(r.node == "db-r");
  CHECK(r.applied == 1);
  CHECK(r.dropped == 1);
  const double lag_max[kCdcStages] = {0, 1, 3, 4}, lag_sum[kCdcStages] = {0, 1, 9, 10};
  const double time_mean[kCdcStages] = {0.5, (1.0 + 0.5) / 2, 4.2 - 2.5, 5.5 - 4.2};
  for (int k = 0; k < kCdcStages; ++k) {
    CAPTURE(cdc_stage_name(k));
    CHECK(r.stages[k].lag_s.count == 8);  // t = 0..7: a replica until 8 s
    CHECK(*r.stages[k].lag_s.max == Approx(lag_max[k]));
    CHECK(*r.stages[k].lag_s.mean == Approx(lag_sum[k] / 8));
    CHECK(*r.stages[k].time_s.mean == Approx(time_mean[k]));
  }
}

TEST_CASE("a cdc replica gets the pipeline's real defaults and the other replicas keep their mode", "[unit]") {
  const Scenario s = load_scenario_text(kBase, "<cdc>", {"database.replication.mode=async",
                                                         "database.replication.overrides={\"eu\": \"cdc\"}"},
                                        std::nullopt);
  REQUIRE(s.database.replicas.size() == 1);
  CHECK(s.database.replicas[0].mode == ReplicationMode::Cdc);
  CHECK(s.database.mode == ReplicationMode::Async);
  const CdcConfig& c = s.database.cdc;
  CHECK(c.poll_interval_s == 0.5);  // Debezium poll.interval.ms
  CHECK(c.max_batch_size == 2048);  // Debezium max.batch.size
  CHECK(c.partitions == 1);         // Kafka num.partitions
  CHECK(c.mirror_linger_s == 0.005);  // linger.ms since Kafka 4.0
  CHECK(c.partition_throughput == 10000);
  CHECK(c.mirror_throughput == 10000);
  CHECK(c.apply_rate == 2000);
  CHECK(s.clients[0].start_s == 0);
  CHECK(s.clients[0].end_s == s.duration_s);
}

TEST_CASE("a client group issues operations only within its start and end", "[scenario][known-answer]") {
  // Poisson arrivals at 50/s in [500 s, 800 s): 15,000 expected, with a standard deviation of sqrt(15,000).
  const double rate = 50, start = 500, end = 800;
  const json out = mrsim_test::simulate_in_child(
      kBase, {"clients.0.start=500s", "clients.0.end=800s", "database.replication.mode=async"},
      [](const Scenario&, const History& h) {
        double first = 1e300, last = -1;
        for (const OpRecord& op : h.ops) first = std::min(first, op.invoke_s), last = std::max(last, op.invoke_s);
        return json{{"count", h.ops.size()}, {"first", first}, {"last", last}};
      });
  const double expected = rate * (end - start), count = out["extra"]["count"].get<double>();
  INFO("ops " << count << ", expected " << expected << "; first at " << out["extra"]["first"] << ", last at "
              << out["extra"]["last"]);
  CHECK(out["extra"]["first"].get<double>() >= start);
  CHECK(out["extra"]["last"].get<double>() < end);
  CHECK(std::abs(count - expected) <= 4 * std::sqrt(expected));
}
