// Known answers for the dns_outage fault and RFC 8767 serve-stale (models/dns.h): each resolver's answers through an
// outage, instant by instant, against its cache phase; and the fraction of operations that fail in a simulated
// outage, against its closed form when resolvers fail as their answers expire, and none with serve-stale.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "models/dns.h"
#include "sim/clock.h"
#include "sim/random.h"
#include "sim/recorder.h"
#include "tests/child_simulation.h"

using namespace mrsim;
using mrsim_test::number;
using nlohmann::json;

TEST_CASE("through a DNS outage a resolver serves stale, retries every stale answer TTL, then fails or refreshes",
          "[unit][known-answer]") {
  // One record answering region 0, changed to region 1 at 900 s, while the authoritative DNS is out over
  // [600, 1200). Every resolver is asked once a second (at integer times). A resolver refreshes at its first query
  // at or after its expiry, so from its first expiry e on, its expiries are c + 60 k with c = ceil(e): the first
  // one at or after 600 is x, where it finds the authority out.
  //  - serve-stale, no cap: region 0 until its first retry at or after 1200 (x + 30 k), then region 1: the change
  //    made during the outage is invisible until then;
  //  - serve-stale, max_stale 120 s: region 0 on [x, x + 120), SERVFAIL on [x + 120, 1200), region 1 from 1200;
  //  - no serve-stale: SERVFAIL on [x, 1200), region 1 from 1200.
  enum class Mode { Stale, Capped, Off };
  const Mode mode = GENERATE(Mode::Stale, Mode::Capped, Mode::Off);
  const double ttl = 60, retry = 30, cap = 120, start = 600, end = 1200, change = 900;
  Recorder recorder;
  RoutingConfig config;
  config.ttl_s = ttl;
  config.update_delay_s = 0;
  config.resolvers_per_region = 10;
  config.serve_stale = {mode != Mode::Off, mode == Mode::Capped ? cap : 86400.0, retry};
  AuthoritativeDns dns(config, recorder, {"east", "west"});
  const int record = AuthoritativeDns::read_record(0);
  dns.define(record, 0);
  dns.change(record, 1, change);
  dns.set_outages({{start, end}});
  const LocalClock clock;
  RandomStream phases(1, "resolvers/east"), draws(1, "resolvers/east/answers");
  ResolverPool pool(config, clock, dns, dns.record_count(), phases, draws);
  std::vector<double> first_expiry(config.resolvers_per_region);
  for (uint32_t r = 0; r < config.resolvers_per_region; ++r) first_expiry[r] = pool.expires_local(r, record);
  uint32_t checked = 0;
  for (uint32_t r = 0; r < config.resolvers_per_region; ++r) {
    const double c = std::ceil(first_expiry[r]);
    REQUIRE(c > 0);
    REQUIRE(c <= ttl);
    const double x = c + ttl * std::ceil((start - c) / ttl);
    const double switch_at = mode == Mode::Stale ? x + retry * std::ceil((end - x) / retry) : end;
    for (int t = 0; t <= 1800; ++t) {
      int expected = t < change ? 0 : 1;
      if (t >= x && t < switch_at) {
        expected = 0;  // served stale (or, before x, fresh)
        if (mode == Mode::Off || (mode == Mode::Capped && t >= x + cap)) expected = RecordPolicy::kNoAnswer;
      }
      const int got = pool.resolve(r, record, double(t));
      INFO("resolver " << r << " first expiry " << first_expiry[r] << " x " << x << " at t = " << t);
      REQUIRE(got == expected);
      ++checked;
    }
  }
  CHECK(checked == 10u * 1801u);
}

namespace {

// One region's 1000 clients read through 1000 resolvers (TTL 60 s) from the primary in east; the authoritative
// DNS is out for 10 minutes at 10 min. No retries: an operation fails exactly when its resolver answered SERVFAIL.
const char* const kOutage = R"({
  "name": "known-answer-dns-outage",
  "duration": "30m",
  "regions": [{"name": "east"}, {"name": "west"}],
  "links": [{"between": ["east", "west"], "latency": "35ms", "bandwidth": "1Gbps"}],
  "database": {"topology": "single-primary", "primary": "east", "replicas": ["west"], "keys": 1000},
  "routing": {"kind": "dns", "ttl": "60s", "resolvers_per_region": 1000},
  "health_check": {"from": "west"},
  "clients": [{"region": "east", "count": 1000, "rate_per_s": 200, "read_fraction": 1, "max_retries": 0}],
  "faults": [{"at": "10m", "kind": "dns_outage", "duration": "10m"}]
})";

// Operations invoked during the outage, and how many of them failed; failures outside it.
json outage_ops(const Scenario&, const History& h) {
  uint64_t during = 0, failed = 0, failed_outside = 0;
  for (const OpRecord& op : h.ops) {
    const bool in = op.invoke_s >= 600 && op.invoke_s < 1200;
    during += in;
    if (!op.ok()) (in ? failed : failed_outside) += 1;
  }
  return {{"during", during}, {"failed", failed}, {"failed_outside", failed_outside}};
}

}  // namespace

TEST_CASE("a DNS outage fails clients from each resolver's expiry to its end without serve-stale, and none with it",
          "[scenario][known-answer]") {
  // Without serve-stale, a resolver answers SERVFAIL from its first expiry after the start to the end, D later. A
  // resolver refreshes at the first query after its answer expired, so its cycle is TTL + G, G the wait for that
  // query: exponential with mean g = 1 / (its query rate), here one client of 0.2 ops/s per resolver, g = 5 s. At the
  // start a resolver is either in the G part of its cycle (probability p = g / (TTL + g): expired, it fails from the
  // start, all of its operations in the outage) or in the TTL part, with its expiry u uniform on [0, TTL) later (it
  // fails a fraction (D - u) / D of them). Clients are spread evenly over the resolvers, so the expected failed
  // fraction is p + (1 - p) (1 - TTL / (2 D)). Its spread: the mean over N resolvers of that mixture, and the
  // binomial draw of the operations; 5 sd of both.
  const double ttl = 60, outage = 600, resolvers = 1000, g = resolvers / 200.0;
  const json off = mrsim_test::simulate_in_child(kOutage, {"routing.serve_stale.enabled=false"}, outage_ops);
  const double during = off["extra"]["during"].get<double>(), failed = off["extra"]["failed"].get<double>();
  const double p = g / (ttl + g), a = ttl / outage;
  const double expected = p + (1 - p) * (1 - a / 2);
  const double second_moment = p + (1 - p) * (1 - a + a * a / 3);  // E[f^2], f = 1 or 1 - u / D
  const double sd = std::sqrt((second_moment - expected * expected) / resolvers + expected * (1 - expected) / during);
  INFO("failed " << failed << " of " << during << " operations during the outage; expected fraction " << expected
                 << " (sd " << sd << ")");
  REQUIRE(during > 100000);
  CHECK(std::abs(failed / during - expected) <= 5 * sd);
  CHECK(off["extra"]["failed_outside"].get<double>() == 0);
  CHECK(number(off, "/report/faults/0/rto/rto_s") >= outage - ttl);
  // With serve-stale (the default: 1 day cap), every expired answer is served stale: no operation fails.
  const json on = mrsim_test::simulate_in_child(kOutage, {}, outage_ops);
  CHECK(on["extra"]["during"].get<double>() > 100000);
  CHECK(on["extra"]["failed"].get<double>() == 0);
  CHECK(on["extra"]["failed_outside"].get<double>() == 0);
  CHECK(number(on, "/report/faults/0/rto/rto_s") == 0);
}
