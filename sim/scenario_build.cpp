// The typed Scenario from the effective JSON (sim/scenario_build.h): each section of the document to its struct in
// sim/scenario.h. Loading, --set and validation are in sim/scenario.cpp.
#include "sim/scenario_build.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

#include "sim/expect.h"
#include "sim/faults_random.h"
#include "sim/schema.h"
#include "sim/units.h"

namespace mrsim {

using nlohmann::json;

namespace {

double seconds(const json& j, const char* key) {
  return parse_duration_s(j.at(key).get<std::string>());
}
double bytes_per_s(const json& j, const char* key) {
  return parse_bandwidth_Bps(j.at(key).get<std::string>());
}
uint32_t bytes(const json& j, const char* key) {
  return static_cast<uint32_t>(parse_size_bytes(j.at(key).get<std::string>()));
}
uint32_t u32(const json& j, const char* key) {
  return j.at(key).get<uint32_t>();
}
double number(const json& j, const char* key) {
  return j.at(key).get<double>();
}
std::string text(const json& j, const char* key) {
  return j.at(key).get<std::string>();
}


}  // namespace

// The effective JSON has passed validation, so every field is present and well-formed here.
Scenario build_scenario(const json& j) {
  Scenario s;
  s.name = text(j, "name");
  s.description = text(j, "description");
  s.seed = j.at("seed").get<uint64_t>();
  s.duration_s = seconds(j, "duration");
  for (const json& r : j.at("regions")) {
    RegionConfig region{text(r, "name"), seconds(r, "lan_latency"), bytes_per_s(r, "lan_bandwidth"),
                        seconds(r, "clock_offset"), number(r, "clock_drift_ppm"), std::nullopt, ""};
    if (r.contains("ntp")) {
      const json& n = r.at("ntp");
      region.ntp = NtpDiscipline{seconds(n, "poll"), seconds(n, "step_threshold"), number(n, "max_slew_ppm")};
    }
    s.regions.push_back(region);
  }
  for (const json& l : j.at("links"))
    s.links.push_back({l.at("between")[0].get<std::string>(), l.at("between")[1].get<std::string>(),
                       seconds(l, "latency"), bytes_per_s(l, "bandwidth"), number(l, "cost_per_gb"),
                       l.contains("jitter") ? std::optional(DelayDistribution::from_json(l.at("jitter"), ""))
                                            : std::nullopt});
  const json& db = j.at("database");
  const json& repl = db.at("replication");
  auto mode_of = [](const std::string& m) {
    return m == "sync" ? ReplicationMode::Sync : m == "semi-sync" ? ReplicationMode::SemiSync
                          : m == "cdc"     ? ReplicationMode::Cdc
                                           : ReplicationMode::Async;
  };
  const std::string topology = text(db, "topology");
  s.database.topology = topology == "multi-primary" ? Topology::MultiPrimary
                        : topology == "consensus"   ? Topology::Consensus
                        : topology == "leaderless"  ? Topology::Leaderless
                                                    : Topology::SinglePrimary;
  if (db.contains("leaseholder")) s.database.leaseholder = text(db, "leaseholder");
  s.database.election_timeout_s = seconds(db.at("consensus"), "election_timeout");
  s.database.lease_duration_s = seconds(db.at("consensus"), "lease_duration");
  s.database.follower_read_staleness_s = seconds(db.at("consensus"), "follower_read_staleness");
  if (db.contains("quorum")) {
    const json& q = db.at("quorum");
    QuorumConfig& quorum = s.database.quorum;
    quorum.r = u32(q, "r");
    quorum.w = u32(q, "w");
    quorum.read_repair = q.at("read_repair").get<bool>();
    quorum.hinted_handoff = q.at("hinted_handoff").get<bool>();
    const json& d = db.at("delays");
    auto dist = [](const json& o, const char* key) { return DelayDistribution::from_json(o.at(key), ""); };
    const ReplicaDelays base{dist(d, "write"), dist(d, "ack"), dist(d, "read"), dist(d, "response")};
    for (const json& region : db.at("regions")) {
      ReplicaDelays delays = base;
      for (const json& o : d.at("replicas")) {
        if (o.at("region") != region) continue;
        if (o.contains("write")) delays.write = dist(o, "write");
        if (o.contains("ack")) delays.ack = dist(o, "ack");
        if (o.contains("read")) delays.read = dist(o, "read");
        if (o.contains("response")) delays.response = dist(o, "response");
      }
      quorum.delays.push_back(delays);
    }
  }
  if (db.contains("primary")) s.database.primary = text(db, "primary");
  if (db.contains("regions")) s.database.regions = db.at("regions").get<std::vector<std::string>>();
  if (db.contains("layout")) s.database.ring = text(db, "layout") == "ring";
  if (db.contains("conflict_resolution")) {
    const std::string c = text(db, "conflict_resolution");
    s.database.conflict = c == "lww-hlc"    ? ConflictResolution::LwwHlc
                          : c == "crdt"     ? ConflictResolution::Crdt
                          : c == "siblings" ? ConflictResolution::Siblings
                                            : ConflictResolution::Lww;
  }
  if (db.contains("crdt"))
    for (const json& r : db.at("crdt"))
      s.database.crdt.push_back({u32(r, "first_key"), u32(r, "last_key"),
                                 text(r, "type") == "or-set" ? CrdtType::OrSet : CrdtType::PnCounter,
                                 number(r, "remove_fraction"), u32(r, "elements")});
  for (const json& r : db.at("replicas")) {
    std::string region = r.get<std::string>();
    const json& overrides = repl.at("overrides");
    std::string mode = overrides.contains(region) ? overrides.at(region).get<std::string>() : text(repl, "mode");
    s.database.replicas.push_back({region, mode_of(mode)});
  }
  s.database.mode = mode_of(text(repl, "mode"));
  s.database.semi_sync_wait_count = u32(db.at("semi_sync"), "wait_for_replica_count");
  s.database.semi_sync_timeout_s = seconds(db.at("semi_sync"), "timeout");
  s.database.apply_delay_s = seconds(repl, "apply_delay");
  s.database.reconnect_delay_s = seconds(repl, "reconnect_delay");
  s.database.read_service_s = seconds(db, "read_service_time");
  s.database.write_service_s = seconds(db, "write_service_time");
  s.database.keys = u32(db, "keys");
  s.database.entry_bytes = bytes(db, "entry_size");
  if (db.contains("cdc")) {
    const json& c = db.at("cdc");
    s.database.cdc = {seconds(c, "poll_interval"), u32(c, "max_batch_size"),     u32(c, "partitions"),
                      number(c, "partition_throughput"), seconds(c, "mirror_linger"), number(c, "mirror_throughput"),
                      number(c, "apply_rate")};
  }

  const json& rt = j.at("routing");
  s.routing.kind = text(rt, "kind");
  s.routing.policy = text(rt, "policy");
  s.routing.ttl_s = seconds(rt, "ttl");
  s.routing.update_delay_s = seconds(rt, "update_delay");
  s.routing.resolvers_per_region = u32(rt, "resolvers_per_region");
  s.routing.stale_fraction = number(rt, "stale_fraction");
  s.routing.stale_extra_s = seconds(rt, "stale_extra");
  const std::string writes = text(rt, "write_routing");
  s.routing.writes = writes == "local"         ? WriteRouting::Local
                     : writes == "home-region" ? WriteRouting::HomeRegion
                                               : WriteRouting::Primary;
  if (rt.contains("home")) s.routing.home_by_client = text(rt, "home") == "client";
  if (rt.contains("home_failover")) s.routing.home_moves = text(rt, "home_failover") == "successor";
  if (rt.contains("geo")) {
    s.routing.geo_map = rt.at("geo").at("map").get<std::map<std::string, std::string>>();
    s.routing.geo_default = text(rt.at("geo"), "default");
  }
  if (rt.contains("weights")) s.routing.weights = rt.at("weights").get<std::map<std::string, double>>();
  if (rt.contains("global_lb")) {
    const json& lb = rt.at("global_lb").at("health_check");
    s.routing.global_lb = {seconds(lb, "interval"), seconds(lb, "timeout"), u32(lb, "failure_threshold"),
                           u32(lb, "rise_threshold"), text(rt.at("global_lb"), "pop"),
                           seconds(rt.at("global_lb"), "drain")};
  }
  if (rt.contains("resolvers"))
    for (const json& p : rt.at("resolvers")) {
      ResolverPopulation population;
      const json& extra = p.at("extra");
      const std::string d = text(extra, "distribution");
      population.distribution = d == "uniform"       ? ResolverPopulation::Extra::Uniform
                                : d == "exponential" ? ResolverPopulation::Extra::Exponential
                                                     : ResolverPopulation::Extra::Fixed;
      population.fraction = number(p, "fraction");
      if (extra.contains("min")) population.min_s = seconds(extra, "min");
      if (extra.contains("max")) population.max_s = seconds(extra, "max");
      if (extra.contains("mean")) population.mean_s = seconds(extra, "mean");
      s.routing.resolvers.push_back(population);
    }
  if (rt.contains("client_cache")) {
    const json& cc = rt.at("client_cache");
    s.routing.client_cache.fraction = number(cc, "fraction");
    s.routing.client_cache.ttl_s =
        text(cc, "ttl") == "forever" ? std::numeric_limits<double>::infinity() : seconds(cc, "ttl");
  }
  if (rt.contains("negative_ttl")) s.routing.negative_ttl_s = seconds(rt, "negative_ttl");
  if (rt.contains("endpoints")) s.routing.endpoints = rt.at("endpoints").get<std::vector<std::string>>();
  if (rt.contains("serve_stale")) {
    const json& ss = rt.at("serve_stale");
    s.routing.serve_stale = {ss.at("enabled").get<bool>(), seconds(ss, "max_stale"), seconds(ss, "stale_answer_ttl")};
  }
  if (rt.contains("circuit_breaker")) {
    const json& cb = rt.at("circuit_breaker");
    s.routing.circuit_breaker = {true, u32(cb, "failure_threshold"), seconds(cb, "open")};
  }
  const json& hc = j.at("health_check");
  s.health_check.from = text(hc, "from");
  s.health_check.interval_s = seconds(hc, "interval");
  s.health_check.timeout_s = seconds(hc, "timeout");
  s.health_check.failure_threshold = u32(hc, "failure_threshold");
  s.health_check.rise_threshold = u32(hc, "rise_threshold");
  s.health_check.probe_bytes = bytes(hc, "probe_size");
  s.health_check.vantages = hc.at("vantages").get<std::vector<std::string>>();
  s.health_check.rule = text(hc, "rule") == "k_of_n" ? HealthRule::KOfN : HealthRule::Percent;
  s.health_check.healthy_percent = number(hc, "healthy_percent");
  if (hc.contains("k")) s.health_check.k = u32(hc, "k");
  const json& fo = j.at("failover");
  const std::string policy = text(fo, "policy");
  s.failover.policy = policy == "none"     ? FailoverPolicy::None
                      : policy == "manual" ? FailoverPolicy::Manual
                      : policy == "quorum" ? FailoverPolicy::Quorum
                      : policy == "lease"  ? FailoverPolicy::Lease
                      : policy == "raft"   ? FailoverPolicy::Raft
                                           : FailoverPolicy::Automatic;
  s.failover.cooldown_s = seconds(fo, "cooldown");
  s.failover.failback = fo.contains("failback") && fo.at("failback").get<bool>();
  s.failover.promotion_s = seconds(fo, "promotion_time");
  s.failover.rpc_timeout_s = seconds(fo, "rpc_timeout");
  const std::string fencing = text(fo, "fencing");
  s.failover.fencing = fencing == "token"     ? Fencing::Token
                       : fencing == "stonith" ? Fencing::Stonith
                       : fencing == "lease"   ? Fencing::Lease
                                              : Fencing::None;
  if (fo.contains("quorum")) s.failover.quorum = u32(fo, "quorum");
  s.failover.page_after_s = seconds(fo, "page_after");
  s.failover.reaction_median_s = seconds(fo, "reaction_median");
  s.failover.reaction_sigma = number(fo, "reaction_sigma");
  s.failover.stonith_s = seconds(fo, "stonith_time");
  s.failover.consensus_regions = fo.at("consensus_regions").get<std::vector<std::string>>();
  const json& lease = fo.at("lease");
  s.failover.lease = {seconds(lease, "ttl"), seconds(lease, "loop_wait"), seconds(lease, "retry_timeout"),
                      seconds(lease, "lock_delay")};
  const json& raft = fo.at("raft");
  s.failover.raft = {seconds(raft, "heartbeat"), seconds(raft, "election_timeout_min"),
                     seconds(raft, "election_timeout_max")};
  auto session_of = [&](const json& c) {
    SessionConfig out;
    if (!c.contains("session")) return out;
    const json& session = c.at("session");
    out.stated = true;
    const std::string strategy = text(session, "strategy");
    out.strategy = strategy == "sticky"                   ? SessionStrategy::Sticky
                   : strategy == "read-own-writes-window" ? SessionStrategy::ReadOwnWritesWindow
                   : strategy == "min-version"            ? SessionStrategy::MinVersion
                   : strategy == "primary-reads"          ? SessionStrategy::PrimaryReads
                                                          : SessionStrategy::None;
    if (session.contains("window")) out.window_s = seconds(session, "window");
    if (session.contains("max_wait")) out.max_wait_s = seconds(session, "max_wait");
    return out;
  };
  for (const json& c : j.at("clients"))
    s.clients.push_back({text(c, "region"), u32(c, "count"), number(c, "rate_per_s"), number(c, "read_fraction"),
                         text(c, "key_distribution") == "zipf" ? KeyDistribution::Zipf : KeyDistribution::Uniform,
                         number(c, "zipf_exponent"), seconds(c, "timeout"), u32(c, "max_retries"),
                         seconds(c, "retry_backoff"), bytes(c, "request_size"), bytes(c, "response_size"),
                         c.contains("backoff") && text(c, "backoff") == "exponential-jitter",
                         c.contains("backoff_cap") ? seconds(c, "backoff_cap") : 20.0, session_of(c),
                         c.contains("start") ? seconds(c, "start") : 0.0,
                         c.contains("end") ? seconds(c, "end") : s.duration_s});
  for (const json& f : j.at("faults")) {
    FaultConfig fault;
    fault.at_s = seconds(f, "at");
    const std::string kind = text(f, "kind");
    fault.kind = kind == "partition"          ? FaultKind::Partition
                 : kind == "clock_skew"       ? FaultKind::ClockSkew
                 : kind == "clock_drift"      ? FaultKind::ClockDrift
                 : kind == "maintenance"      ? FaultKind::Maintenance
                 : kind == "link_degradation" ? FaultKind::LinkDegradation
                 : kind == "node_crash"       ? FaultKind::NodeCrash
                 : kind == "gray_failure"     ? FaultKind::GrayFailure
                 : kind == "dns_outage"       ? FaultKind::DnsOutage
                                              : FaultKind::RegionOutage;
    fault.heals = f.contains("duration");
    if (fault.heals) fault.duration_s = seconds(f, "duration");
    if (f.contains("region")) fault.region = text(f, "region");
    if (f.contains("node")) fault.node = text(f, "node");
    if (f.contains("offset")) {
      const std::string offset = text(f, "offset");
      fault.offset_s = offset[0] == '-' ? -parse_duration_s(offset.substr(1)) : parse_duration_s(offset);
    }
    if (f.contains("drift_ppm")) fault.drift_ppm = number(f, "drift_ppm");
    if (f.contains("groups")) fault.groups = f.at("groups").get<std::vector<std::vector<std::string>>>();
    fault.one_way = f.contains("direction") && text(f, "direction") == "one-way";
    if (f.contains("scope"))
      fault.scope = text(f, "scope") == "control" ? FaultScope::Control
                    : text(f, "scope") == "data"  ? FaultScope::Data
                                                  : FaultScope::All;
    if (f.contains("added_latency")) fault.added_latency_s = seconds(f, "added_latency");
    if (f.contains("jitter")) fault.jitter = DelayDistribution::from_json(f.at("jitter"), "");
    if (f.contains("loss")) fault.loss = number(f, "loss");
    if (f.contains("slowdown")) fault.slow_factor = number(f, "slowdown");
    fault.intervals = {{fault.at_s, fault.heals ? fault.at_s + fault.duration_s : std::numeric_limits<double>::infinity()}};
    if (f.contains("flapping")) {
      // On for `down`, off for `up`, ... over [at, at + duration); the last on-period is cut at the end.
      fault.flapping = true;
      fault.flap_down_s = seconds(f.at("flapping"), "down");
      fault.flap_up_s = seconds(f.at("flapping"), "up");
      fault.intervals.clear();
      const double end = fault.at_s + fault.duration_s;
      const double period = fault.flap_down_s + fault.flap_up_s;
      for (double i = 0, on = fault.at_s; on < end; ++i, on = fault.at_s + i * period)
        fault.intervals.emplace_back(on, std::min(on + fault.flap_down_s, end));
    }
    s.faults.push_back(fault);
  }
  if (j.contains("faults_random")) {
    const json& fr = j.at("faults_random");
    // In the order the expansion draws them (sim/faults_random.h), whatever order the file wrote them in.
    const std::pair<const char*, ComponentKind> classes[] = {
        {"regions", ComponentKind::Region}, {"links", ComponentKind::Link}, {"nodes", ComponentKind::Node},
        {"dns", ComponentKind::Dns}};
    for (const auto& [key, kind] : classes) {
      if (!fr.contains(key)) continue;
      const json& c = fr.at(key);
      RandomFaultClass rc;
      rc.kind = kind;
      if (c.contains("targets")) rc.targets = c.at("targets").get<std::vector<std::string>>();
      rc.between_failures = DelayDistribution::from_json(c.at("between_failures"), "", kMaxTimeBetweenFailures_s);
      rc.to_repair = DelayDistribution::from_json(c.at("to_repair"), "", kMaxTimeBetweenFailures_s);
      s.faults_random.classes.push_back(std::move(rc));
    }
  }
  const json& m = j.at("metrics");
  s.metrics = {seconds(m, "window"), number(m, "threshold"), seconds(m, "stable"), seconds(m, "step"),
               seconds(m, "sample_interval"), m.contains("long_run") && m.at("long_run").get<bool>()};
  for (const json& a : j.at("alerts")) {
    AlertRule rule;
    parse_alert_expr(text(a, "expr"), rule);  // validated: it parses
    rule.name = text(a, "name");
    rule.for_s = seconds(a, "for");
    s.alerts.push_back(rule);
  }
  s.failover.evaluation_interval_s = s.metrics.sample_interval_s;
  if (fo.contains("page_on")) {
    for (const AlertRule& a : s.alerts)
      if (a.name == text(fo, "page_on")) s.failover.page_rule = a;
  } else {
    parse_alert_expr("node_healthy == 0", s.failover.page_rule);
    s.failover.page_rule.name = "PrimaryUnhealthy";
    s.failover.page_rule.for_s = s.failover.page_after_s;
  }
  for (size_t r = 0; r < s.regions.size(); ++r) {
    const json& region = j.at("regions")[r];
    if (region.contains("jurisdiction")) s.regions[r].jurisdiction = text(region, "jurisdiction");
  }
  for (const json& r : j.at("residency"))
    s.residency.push_back({r.at("keys")[0].get<uint32_t>(), r.at("keys")[1].get<uint32_t>(), text(r, "jurisdiction")});
  // Validation normalised each condition to "<op> <number>" with one space.
  for (const auto& item : j.at("expect").items()) {
    std::string condition = item.value().get<std::string>();
    Expectation e;
    e.text = condition;
    const size_t over = condition.find(" over seeds ");
    if (over != std::string::npos) {  // "<stat> over seeds <from>..<to> <op> <number>", normalised by validation
      e.statistic = condition.substr(0, over);
      const size_t range = over + 12, dots = condition.find("..", range), end = condition.find(' ', range);
      std::from_chars(condition.data() + range, condition.data() + dots, e.first_seed);
      std::from_chars(condition.data() + dots + 2, condition.data() + end, e.last_seed);
      condition = condition.substr(end + 1);
    }
    size_t space = condition.find(' ');
    e.metric = item.key();
    e.op = condition.substr(0, space);
    std::from_chars(condition.data() + space + 1, condition.data() + condition.size(), e.value);
    s.expect.push_back(e);
  }
  return s;
}

}  // namespace mrsim
