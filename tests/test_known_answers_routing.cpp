// Known answers for routing: recovery through the global load balancer (bounded by its own health checks, with no
// DNS TTL term), and the pieces the routing models are made of — full-jitter backoff, weighted DNS answers, the
// client-side circuit breaker — against bounds and frequencies computed here.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "models/backoff.h"
#include "models/client_failover.h"
#include "models/dns.h"
#include "sim/clock.h"
#include "sim/random.h"
#include "sim/recorder.h"
#include "tests/child_simulation.h"

using namespace mrsim;
using mrsim_test::number;
using nlohmann::json;

namespace {

// Three regions, one multi-primary node each, reads and writes local, behind the global load balancer. east is lost
// for 10 minutes at 10 min. Clients do not retry, so an operation fails exactly when its one attempt went to the
// lost backend: from the loss until the load balancer's verdict, and succeeds from then on.
const char* const kGlobalLb = R"({
  "name": "known-answer-global-lb",
  "duration": "30m",
  "regions": [{"name": "east"}, {"name": "west"}, {"name": "europe"}],
  "links": [{"between": ["east", "west"], "latency": "35ms", "bandwidth": "1Gbps"},
            {"between": ["east", "europe"], "latency": "40ms", "bandwidth": "1Gbps"},
            {"between": ["west", "europe"], "latency": "70ms", "bandwidth": "1Gbps"}],
  "database": {"topology": "multi-primary", "regions": ["east", "west", "europe"], "keys": 1000},
  "routing": {"kind": "global_lb", "write_routing": "local",
              "global_lb": {"health_check": {"interval": "5s", "timeout": "2s", "failure_threshold": 2}}},
  "clients": [{"region": "east", "count": 100, "rate_per_s": 100, "max_retries": 0},
              {"region": "west", "count": 100, "rate_per_s": 100, "max_retries": 0},
              {"region": "europe", "count": 100, "rate_per_s": 100, "max_retries": 0}],
  "faults": [{"at": "10m", "kind": "region_outage", "region": "east", "duration": "10m"}]
})";

}  // namespace

TEST_CASE("recovery through the global load balancer is bounded by its health-check detection, with no TTL term",
          "[scenario][known-answer]") {
  // The load balancer's checker of east probes every `interval` at some phase; the first probe sent after the loss
  // fails, and the failure_threshold-th failed probe is known `timeout` after it was sent. So the verdict comes
  // between (k - 1) x interval + timeout and k x interval + timeout after the loss. From the verdict on, every new
  // request goes to a healthy region; requests in flight to east are lost with it (draining cannot save them, and
  // drain only helps a backend taken out on purpose: see the maintenance test below). DNS is not on the path, so its
  // TTL cannot matter.
  const double interval = 5, timeout = 2, k = 2, step = 1;
  const double detection_min = (k - 1) * interval + timeout, detection_max = k * interval + timeout;
  std::vector<json> runs;
  for (const char* ttl : {"60s", "3600s"}) {
    runs.push_back(mrsim_test::simulate_in_child(kGlobalLb, {std::string("routing.ttl=") + ttl}));
    const json& out = runs.back();
    const double rto = number(out, "/report/faults/0/rto/rto_s");
    const double verdict = number(out, "/report/faults/0/rto/routing_s");
    INFO("ttl " << ttl << ": rto " << rto << " s, load balancer verdict " << verdict << " s after the loss");
    CHECK(verdict >= detection_min);
    CHECK(verdict <= detection_max);
    // The RTO search runs on a grid of `step`: recovery is found at the first grid time whose windows hold, at most
    // one step after the verdict; a window that starts a whole step before the verdict still holds a second of
    // failures from a third of the clients (3 % of the window, over the 1 % allowed), so it does not hold.
    CHECK(rto <= verdict + step);
    CHECK(rto > verdict - step);
    CHECK(rto > detection_min - step);
    CHECK(rto <= detection_max + step);
  }
  CHECK(runs[0]["report"]["faults"][0]["rto"] == runs[1]["report"]["faults"][0]["rto"]);
}

TEST_CASE("full-jitter backoff stays between 0 and min(cap, base x 2^n) and replays from its stream", "[unit]") {
  const double base = 0.1, cap = 5.0;
  RandomStream a(7, "clients/0/east/backoff"), b(7, "clients/0/east/backoff");
  for (uint32_t retry = 0; retry < 2000; ++retry) {
    const double ceiling = std::min(cap, base * std::pow(2.0, double(std::min<uint32_t>(retry, 1023))));
    const double wait = full_jitter_backoff_s(base, cap, retry, a);
    CHECK(wait >= 0);
    CHECK(wait < ceiling);
    CHECK(wait == full_jitter_backoff_s(base, cap, retry, b));  // same stream position, same wait
  }
  // Full jitter spreads waits over the whole interval: the mean of uniform(0, c) is c / 2, within 5 standard errors
  // (c / sqrt(12 n)).
  const uint32_t n = 20000;
  double sum = 0;
  RandomStream c(1, "backoff-mean");
  for (uint32_t i = 0; i < n; ++i) sum += full_jitter_backoff_s(base, cap, 3, c);
  const double ceiling = base * 8;
  CHECK(std::abs(sum / n - ceiling / 2) <= 5 * ceiling / std::sqrt(12.0 * n));
}

TEST_CASE("a weighted record answers each healthy region in proportion to its weight, never an unhealthy one",
          "[unit]") {
  RecordPolicy p;
  p.kind = RecordPolicy::Kind::Weighted;
  p.regions = 3;
  p.weights = {90, 10, 0};
  const uint64_t all = 0b111;
  const int n = 100000;
  std::vector<int> count(3, 0);
  RandomStream stream(1, "resolvers/east/answers");
  for (int i = 0; i < n; ++i) ++count[size_t(p.draw(all, stream))];
  // Binomial counts: within 5 standard deviations of n p.
  const double share = 90.0 / 100.0, sd = std::sqrt(n * share * (1 - share));
  INFO("region 0 answered " << count[0] << " of " << n);
  CHECK(std::abs(count[0] - n * share) <= 5 * sd);
  CHECK(count[0] + count[1] == n);
  CHECK(count[2] == 0);  // weight 0: never answered
  // Region 0 unhealthy: everything goes to region 1; nothing healthy and weighted: no answer.
  for (int i = 0; i < 1000; ++i) CHECK(p.draw(0b110, stream) == 1);
  CHECK(p.draw(0b100, stream) == RecordPolicy::kNoAnswer);
  CHECK(p.answer(0, all) == 0);  // the record history shows the heaviest healthy region
}

TEST_CASE("geo and latency records answer from the map, the default and the latencies, skipping unhealthy regions",
          "[unit]") {
  RecordPolicy geo;
  geo.kind = RecordPolicy::Kind::Geo;
  geo.regions = 3;
  geo.geo_map = {1, -1, -1};  // client region 0 -> region 1; others use the default
  geo.geo_default = 2;
  CHECK(geo.answer(0, 0b111) == 1);
  CHECK(geo.answer(1, 0b111) == 2);
  CHECK(geo.answer(0, 0b101) == 2);  // mapped answer unhealthy: the default
  CHECK(geo.answer(0, 0b001) == RecordPolicy::kNoAnswer);
  RecordPolicy latency;
  latency.kind = RecordPolicy::Kind::Latency;
  latency.regions = 3;
  latency.latency_s = {0.001, 0.035, 0.040, 0.035, 0.001, 0.070, 0.040, 0.070, 0.001};
  CHECK(latency.answer(1, 0b111) == 1);
  CHECK(latency.answer(1, 0b101) == 0);  // 35 ms beats 70 ms
  CHECK(latency.answer(2, 0b011) == 0);
}

TEST_CASE(
    "a circuit breaker opens after its threshold of consecutive failures, skips the endpoint while open, and "
    "lets one trial through when half-open",
    "[unit]") {
  const CircuitBreakerConfig breaker{true, 3, 30.0};
  EndpointFailover f({5, 7}, breaker, 2);
  CHECK(f.endpoint(0, 0) == 5);
  // Client 0 fails on 5 and moves to 7; client 1 still starts on 5.
  f.result(0, 5, false, 1);
  CHECK(f.endpoint(0, 1) == 7);
  f.result(1, 5, false, 2);
  f.result(1, 5, false, 3);  // third consecutive failure on 5: open until 33
  CHECK(f.endpoint(1, 4) == 7);
  f.result(1, 7, true, 5);
  // Client 1 is on 7 now; client 0 too. Make client 0 fail on 7 so that it would move to 5: 5 is open, skipped.
  f.result(0, 7, false, 6);
  CHECK(f.endpoint(0, 10) == 7);
  // At 33 the breaker of 5 is half-open: client 0, pointed at 7 by the skip, is moved there only by a failure.
  f.result(0, 7, false, 33);
  CHECK(f.endpoint(0, 33) == 5);  // the trial
  CHECK(f.endpoint(1, 33) == 7);  // ... and only one
  f.result(0, 5, false, 34);      // the trial fails: open again until 64
  CHECK(f.endpoint(0, 40) == 7);
  f.result(0, 7, false, 64);
  CHECK(f.endpoint(0, 64) == 5);  // a new trial
  f.result(0, 5, true, 65);       // succeeds: closed
  // Meanwhile 7 failed at 6, 33 and 64 with no success between: its breaker opened at 64, so client 1, whose
  // endpoint is 7, is sent to 5.
  CHECK(f.endpoint(1, 66) == 5);
  // Every breaker open: no endpoint.
  EndpointFailover g({5}, CircuitBreakerConfig{true, 1, 30.0}, 1);
  CHECK(g.endpoint(0, 0) == 5);
  g.result(0, 5, false, 0);
  CHECK(g.endpoint(0, 1) == -1);
}

TEST_CASE(
    "resolver populations take exactly their share of resolvers and draw each one's extra time from its "
    "distribution",
    "[unit]") {
  Recorder recorder;
  RoutingConfig config;
  config.ttl_s = 60;
  config.resolvers_per_region = 1000;
  ResolverPopulation uniform;
  uniform.distribution = ResolverPopulation::Extra::Uniform;
  uniform.fraction = 0.3;
  uniform.min_s = 60;
  uniform.max_s = 600;
  ResolverPopulation exponential;
  exponential.distribution = ResolverPopulation::Extra::Exponential;
  exponential.fraction = 0.5;
  exponential.mean_s = 120;
  config.resolvers = {uniform, exponential};
  AuthoritativeDns dns(config, recorder, {"east", "west"});
  dns.define(AuthoritativeDns::read_record(0), 0);
  const LocalClock clock;
  RandomStream phases(1, "resolvers/east"), draws(1, "resolvers/east/answers");
  ResolverPool pool(config, clock, dns, dns.record_count(), phases, draws);
  // The uniform population's extras lie in [min, max); the exponential one's are positive with mean `mean` (within
  // 5 standard errors: an exponential's standard deviation is its mean); the other 20 % honour the TTL.
  uint32_t in_uniform_range = 0, honouring = 0, exponential_count = 0;
  double exponential_sum = 0;
  for (uint32_t r = 0; r < config.resolvers_per_region; ++r) {
    const double extra = pool.extra_s(r);
    if (extra == 0) ++honouring;
    // An exponential draw falls in [60, 600) with probability exp(-0.5) - exp(-5), so the two populations cannot be
    // told apart by value; count them by the shares instead and check the exponential mean on the rest.
    else if (extra >= 60 && extra < 600)
      ++in_uniform_range;
    if (extra > 0) exponential_sum += extra, ++exponential_count;
  }
  CHECK(honouring == 200);
  CHECK(exponential_count == 800);
  const double p_exponential_in_range = std::exp(-60.0 / 120) - std::exp(-600.0 / 120);
  const double expected_in_range = 300 + 500 * p_exponential_in_range;
  CHECK(std::abs(in_uniform_range - expected_in_range) <=
        5 * std::sqrt(500 * p_exponential_in_range * (1 - p_exponential_in_range)));
  const double expected_sum = 300 * (60 + 600) / 2.0 + 500 * 120.0;
  const double sd_sum = std::sqrt(300 * std::pow(540.0, 2) / 12 + 500 * 120.0 * 120.0);
  CHECK(std::abs(exponential_sum - expected_sum) <= 5 * sd_sum);
}

namespace {

// Every client region's reads and writes answer east by a geo record with east as the only answer (the map is
// empty); east is lost for 10 minutes at 10 min. While it is lost the record has no answer; the TTL is an hour, so
// the resolvers that refreshed during the loss hold a "no answer", for the negative TTL only.
const char* const kNegative = R"({
  "name": "known-answer-negative-caching",
  "duration": "40m",
  "regions": [{"name": "east"}, {"name": "west"}, {"name": "europe"}],
  "links": [{"between": ["east", "west"], "latency": "35ms", "bandwidth": "1Gbps"},
            {"between": ["east", "europe"], "latency": "40ms", "bandwidth": "1Gbps"},
            {"between": ["west", "europe"], "latency": "70ms", "bandwidth": "1Gbps"}],
  "database": {"topology": "multi-primary", "regions": ["east", "west", "europe"], "keys": 1000},
  "routing": {"policy": "geo", "geo": {"map": {}, "default": "east"}, "ttl": "1h", "write_routing": "local"},
  "health_check": {"from": "europe"},
  "clients": [{"region": "east", "count": 100, "rate_per_s": 100},
              {"region": "west", "count": 100, "rate_per_s": 100},
              {"region": "europe", "count": 100, "rate_per_s": 100}],
  "faults": [{"at": "10m", "kind": "region_outage", "region": "east", "duration": "10m"}]
})";

// When the records answer east again: the last DNS change of the run.
json last_dns_change(const Scenario&, const History& h) {
  double last = 0;
  for (const DnsChange& d : h.dns) last = std::max(last, d.t);
  return last;
}

}  // namespace

TEST_CASE("a resolver keeps a no-answer for the negative TTL, not the record's TTL", "[scenario][known-answer]") {
  // Once the records answer east again (at A), each resolver holding a "no answer" asks again when it expires,
  // at most the negative TTL later; the resolvers still holding east from before the loss were right all along. So
  // the fault recovers by A + negative TTL (+ one RTO step), whatever the hour-long TTL; and not before A (less a
  // step), as about a sixth of the 60 resolvers, each carrying 1/60 of the traffic, refreshed into a "no answer"
  // during the loss.
  const double start = 600, step = 1;
  const double negative_ttl = GENERATE(5.0, 60.0);
  const json out = mrsim_test::simulate_in_child(
      kNegative, {"routing.negative_ttl=" + std::to_string(int(negative_ttl)) + "s"}, last_dns_change);
  const double answered_again = out["extra"].get<double>();
  const double recovered = start + number(out, "/report/faults/0/rto/rto_s");
  INFO("negative TTL " << negative_ttl << " s: records answer again at " << answered_again << " s, recovered at "
                       << recovered << " s");
  CHECK(answered_again > start + 600);  // after the heal
  CHECK(recovered > answered_again - step);
  CHECK(recovered <= answered_again + negative_ttl + step);
}

TEST_CASE("clients that cache their answer for ever recover only when the region they cached comes back",
          "[scenario][known-answer]") {
  // A fifth of east's clients keep east for ever; east's clients carry a third of the traffic, so those fail 6.7 %
  // of all operations until the heal, over the 1 % the RTO allows: the fault cannot recover before the region does.
  // Without client caches the failover record moves everyone within detection + update delay + TTL.
  const double outage = 600;
  const char* const failover = R"({
    "name": "known-answer-client-cache",
    "duration": "40m",
    "regions": [{"name": "east"}, {"name": "west"}, {"name": "europe"}],
    "links": [{"between": ["east", "west"], "latency": "35ms", "bandwidth": "1Gbps"},
              {"between": ["east", "europe"], "latency": "40ms", "bandwidth": "1Gbps"},
              {"between": ["west", "europe"], "latency": "70ms", "bandwidth": "1Gbps"}],
    "database": {"topology": "multi-primary", "regions": ["east", "west", "europe"], "keys": 1000},
    "routing": {"ttl": "60s", "write_routing": "local"},
    "health_check": {"from": "europe"},
    "clients": [{"region": "east", "count": 100, "rate_per_s": 100, "max_retries": 0},
                {"region": "west", "count": 100, "rate_per_s": 100, "max_retries": 0},
                {"region": "europe", "count": 100, "rate_per_s": 100, "max_retries": 0}],
    "faults": [{"at": "10m", "kind": "region_outage", "region": "east", "duration": "10m"}]
  })";
  const json cached =
      mrsim_test::simulate_in_child(failover, {R"(routing.client_cache={"fraction": 0.2, "ttl": "forever"})"});
  const json plain = mrsim_test::simulate_in_child(failover, {});
  // Detection (at most 3 x 10 s + 5 s), the router's tick (1 s), the update delay (10 s) and the TTL (60 s).
  const double dns_bound = 3 * 10 + 5 + 1 + 10 + 60 + 1;
  CHECK(number(plain, "/report/faults/0/rto/rto_s") <= dns_bound);
  // Without retries an operation fails exactly when invoked before the heal; a window [T, T + 10 s) holds once the
  // failing share (a fifth of a third of the traffic) over [T, heal) is at most 1 % of the window, i.e. from
  // heal - 0.01 x 10 / (0.2 / 3) = heal - 1.5 s; the RTO grid rounds up to the next step.
  const double window = 10, threshold = 0.99, failing_share = 0.2 / 3, step = 1;
  CHECK(number(cached, "/report/faults/0/rto/rto_s") >= outage - (1 - threshold) * window / failing_share - step);
}

namespace {

// The maintenance scenario with its drain replaced and no retries: the operations of us-east-1's clients that
// failed, and when each was invoked, against the app tier's stop (maintenance start + drain).
json failed_invocations(const Scenario& s, const History& h) {
  json out = json::array();
  for (const OpRecord& op : h.ops)
    if (!op.ok() && h.regions[op.region] == "us-east-1") out.push_back(op.invoke_s);
  (void)s;
  return out;
}

}  // namespace

TEST_CASE("a backend drained for maintenance loses no request, and without a drain it loses exactly those in flight",
          "[scenario][known-answer]") {
  const std::string text = mrsim_test::scenario_text("maintenance-drain.json");
  const std::vector<std::string> no_retries = {"expect={}", "clients.0.max_retries=0"};
  const json drained = mrsim_test::simulate_in_child(text.c_str(), no_retries, failed_invocations);
  CHECK(drained["extra"].empty());
  std::vector<std::string> undrained_sets = no_retries;
  undrained_sets.push_back("routing.global_lb.drain=0s");
  const json undrained = mrsim_test::simulate_in_child(text.c_str(), undrained_sets, failed_invocations);
  // The app tier stops as the backend is taken out (20 min); a request fails only if it was sent to us-east-1
  // before then and was still there: invoked at most one client timeout (3 s) before the stop. About 30/s x 0.5 s
  // are in flight at any instant.
  const double stop = 1200, timeout = 3;
  REQUIRE(!undrained["extra"].empty());
  for (const auto& t : undrained["extra"]) {
    CHECK(t.get<double>() <= stop);
    CHECK(t.get<double>() >= stop - timeout);
  }
}
