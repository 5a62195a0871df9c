// Expectation aliases and their evaluation against a finished report (see expect.h). Each alias is resolved from
// the report JSON alone, so `mrsim check` and a re-evaluation of a saved report always agree.
#include "sim/expect.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace mrsim {
namespace {

using Json = nlohmann::ordered_json;
using Value = std::optional<double>;

Value number_at(const Json& report, const std::string& pointer) {
  try {
    Json::json_pointer ptr(pointer);
    if (!report.contains(ptr)) return std::nullopt;
    const Json& v = report.at(ptr);
    if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
    if (v.is_number()) return v.get<double>();
  } catch (const Json::exception&) {
    // A malformed pointer, or one that indexes an array with a non-number: the metric is simply not there.
  }
  return std::nullopt;
}

const Json& faults_of(const Json& report) {
  static const Json empty = Json::array();
  auto it = report.find("faults");
  return it != report.end() && it->is_array() ? *it : empty;
}

// Maximum of `pointer` over faults. A fault without a value makes the whole alias undefined when
// `missing_is_undefined` (an unrecovered fault has no RTO, so "the worst RTO" is not a number either).
Value max_over_faults(const Json& report, const std::string& pointer, bool missing_is_undefined, Value if_no_faults) {
  const Json& faults = faults_of(report);
  if (faults.empty()) return if_no_faults;
  Value result;
  for (const Json& fault : faults) {
    Value v = number_at(fault, pointer);
    if (!v) {
      if (missing_is_undefined) return std::nullopt;
      continue;
    }
    result = result ? std::max(*result, *v) : *v;
  }
  return result;
}

Value sum_over_faults(const Json& report, const std::string& pointer) {
  double sum = 0;
  for (const Json& fault : faults_of(report)) sum += number_at(fault, pointer).value_or(0.0);
  return sum;
}

Value max_replication_lag(const Json& report) {
  auto it = report.find("replication_lag");
  if (it == report.end() || !it->is_object()) return std::nullopt;
  Value result;
  for (auto node = it->begin(); node != it->end(); ++node) {
    Value v = number_at(node.value(), "/max_s");
    if (v) result = result ? std::max(*result, *v) : *v;
  }
  return result;
}

// The largest sampled apply-stage lag over cdc replicas (docs/metrics.md, "CDC pipeline").
Value max_cdc_lag(const Json& report) {
  auto it = report.find("cdc");
  if (it == report.end() || !it->is_object()) return std::nullopt;
  Value result;
  for (auto node = it->begin(); node != it->end(); ++node) {
    Value v = number_at(node.value(), "/stages/apply/lag_s/max_s");
    if (v) result = result ? std::max(*result, *v) : *v;
  }
  return result;
}

// Firing intervals over every alert rule (0 without rules).
Value alerts_fired(const Json& report) {
  auto it = report.find("alerts");
  if (it == report.end() || !it->is_array()) return 0.0;
  double count = 0;
  for (const Json& alert : *it) {
    auto firing = alert.find("firing");
    if (firing != alert.end() && firing->is_array()) count += static_cast<double>(firing->size());
  }
  return count;
}

// Residency violations of all three kinds; undefined without residency rules (no "residency" block).
Value residency_violations(const Json& report) {
  double sum = 0;
  for (const char* field : {"/residency/writes_stored_outside", "/residency/writes_acked_outside",
                            "/residency/reads_served_outside"}) {
    Value v = number_at(report, field);
    if (!v) return std::nullopt;
    sum += *v;
  }
  return sum;
}

struct AliasRule {
  ExpectationAlias alias;
  Value (*resolve)(const Json& report);
};

// The single table of aliases: name, meaning (for docs and messages), and how to read it from the report.
const std::vector<AliasRule>& alias_rules() {
  static const std::vector<AliasRule> rules = {
      {{"rto_s", "worst RTO over faults, s; undefined if a fault did not recover or there are no faults"},
       [](const Json& r) { return max_over_faults(r, "/rto/rto_s", true, std::nullopt); }},
      {{"rpo_s", "worst data-loss window over faults, s (0 without faults)"},
       [](const Json& r) { return max_over_faults(r, "/rpo/data_loss_window_s", false, 0.0); }},
      {{"lost_writes", "acknowledged writes absent from the final lineage (whole run)"},
       [](const Json& r) { return number_at(r, "/lost_writes"); }},
      {{"lost_writes_after_fault", "lost writes acknowledged while a fault was active, summed over faults"},
       [](const Json& r) { return sum_over_faults(r, "/rpo/lost_writes_after_fault"); }},
      {{"split_brain_incidents", "intervals with two or more primaries that each accepted a write"},
       [](const Json& r) { return number_at(r, "/split_brain/incidents"); }},
      {{"stale_read_rate", "stale reads / successful reads"},
       [](const Json& r) { return number_at(r, "/stale_reads/stale_read_rate"); }},
      {{"reads_of_lost_writes", "successful reads that returned a version absent from the final lineage"},
       [](const Json& r) { return number_at(r, "/reads_of_lost_writes"); }},
      {{"availability", "successful / attempted client operations, all kinds and regions"},
       [](const Json& r) { return number_at(r, "/availability/overall/ratio"); }},
      {{"read_availability", "successful / attempted reads, all regions"},
       [](const Json& r) { return number_at(r, "/availability/read/ratio"); }},
      {{"write_availability", "successful / attempted writes, all regions"},
       [](const Json& r) { return number_at(r, "/availability/write/ratio"); }},
      {{"client_recovery_p99_s", "worst p99 over faults of per-client recovery time, s; undefined without faults"},
       [](const Json& r) { return max_over_faults(r, "/rto/client_recovery/p99_s", true, std::nullopt); }},
      {{"read_latency_p50_s", "median latency of successful reads, all regions, s"},
       [](const Json& r) { return number_at(r, "/latency/read/p50_s"); }},
      {{"read_latency_p99_s", "p99 latency of successful reads, all regions, s"},
       [](const Json& r) { return number_at(r, "/latency/read/p99_s"); }},
      {{"write_latency_p50_s", "median latency of successful writes, all regions, s"},
       [](const Json& r) { return number_at(r, "/latency/write/p50_s"); }},
      {{"write_latency_p99_s", "p99 latency of successful writes, all regions, s"},
       [](const Json& r) { return number_at(r, "/latency/write/p99_s"); }},
      {{"read_your_writes_violations", "reads older than the same client's last acknowledged write of the key"},
       [](const Json& r) { return number_at(r, "/sessions/read_your_writes_violations"); }},
      {{"monotonic_read_violations", "reads older than a version the same client already read"},
       [](const Json& r) { return number_at(r, "/sessions/monotonic_read_violations"); }},
      {{"replication_lag_max_s", "largest sampled replication lag over replicas, s; undefined without replicas"},
       [](const Json& r) { return max_replication_lag(r); }},
      {{"cdc_lag_max_s", "largest sampled apply-stage lag over cdc replicas, s; undefined without them"},
       [](const Json& r) { return max_cdc_lag(r); }},
      {{"overwritten_concurrent_writes", "acknowledged writes conflict resolution discarded for a concurrent one"},
       [](const Json& r) { return number_at(r, "/overwritten_concurrent_writes"); }},
      {{"skew_inversions", "acknowledged writes that lost to a write acknowledged before they were invoked"},
       [](const Json& r) { return number_at(r, "/skew_inversions/count"); }},
      {{"skew_inversions_causal", "skew inversions whose node already held the winner when it committed them"},
       [](const Json& r) { return number_at(r, "/skew_inversions/causal"); }},
      {{"convergence_s", "time from the last heal until every node holds what was written by then, s"},
       [](const Json& r) { return number_at(r, "/convergence/time_s"); }},
      {{"keys_not_converged", "keys some node never caught up on within the run (multi-primary)"},
       [](const Json& r) { return number_at(r, "/convergence/keys_not_converged"); }},
      {{"crdt_lost_updates", "acknowledged CRDT operations missing from the merged final state"},
       [](const Json& r) { return number_at(r, "/crdt/lost_updates"); }},
      {{"t_visibility_0s", "leaderless: reads returning every write of their key committed before they started"},
       [](const Json& r) { return number_at(r, "/quorum/t_visibility/0s"); }},
      {{"t_visibility_10ms", "leaderless: reads returning every write of their key committed 10 ms before they started"},
       [](const Json& r) { return number_at(r, "/quorum/t_visibility/10ms"); }},
      {{"t_visibility_100ms",
        "leaderless: reads returning every write of their key committed 100 ms before they started"},
       [](const Json& r) { return number_at(r, "/quorum/t_visibility/100ms"); }},
      {{"k_staleness_1", "leaderless: reads returning the newest version of their key committed before they started"},
       [](const Json& r) { return number_at(r, "/quorum/k_staleness/1"); }},
      {{"k_staleness_2", "leaderless: reads returning one of the 2 newest versions committed before they started"},
       [](const Json& r) { return number_at(r, "/quorum/k_staleness/2"); }},
      {{"alerts_fired", "firing intervals over every alert rule and series (0 without rules)"},
       [](const Json& r) { return alerts_fired(r); }},
      {{"time_to_first_alert_s",
        "worst time over faults from the fault's start to the first alert firing, s; undefined if a fault had none "
        "or there are no faults"},
       [](const Json& r) { return max_over_faults(r, "/first_alert/after_fault_s", true, std::nullopt); }},
      {{"semi_sync_fallback_s", "time the semi-sync source spent asynchronous, s; undefined without semi-sync"},
       [](const Json& r) { return number_at(r, "/semi_sync/time_in_fallback_s"); }},
      {{"writes_acknowledged_in_fallback", "writes acknowledged while the semi-sync source was asynchronous"},
       [](const Json& r) { return number_at(r, "/semi_sync/writes_acknowledged_in_fallback"); }},
      {{"lost_writes_in_fallback", "of those, the writes absent from the surviving lineage"},
       [](const Json& r) { return number_at(r, "/semi_sync/lost_writes_in_fallback"); }},
      {{"residency_violations",
        "writes_stored_outside + writes_acked_outside + reads_served_outside; undefined without residency rules"},
       [](const Json& r) { return residency_violations(r); }},
      {{"writes_stored_outside", "(write, node) pairs where a node outside the key's jurisdiction holds the write"},
       [](const Json& r) { return number_at(r, "/residency/writes_stored_outside"); }},
      {{"writes_acked_outside", "acknowledged writes of restricted keys committed on a node outside"},
       [](const Json& r) { return number_at(r, "/residency/writes_acked_outside"); }},
      {{"reads_served_outside", "successful reads of restricted keys served by a node outside"},
       [](const Json& r) { return number_at(r, "/residency/reads_served_outside"); }},
      {{"nines", "long_run: -log10(1 - availability) of the overall downtime (time some client region is down); "
                 "undefined without faults_random"},
       [](const Json& r) { return number_at(r, "/long_run/overall/nines"); }},
      {{"downtime_minutes", "long_run: overall downtime, minutes; undefined without faults_random"},
       [](const Json& r) { return number_at(r, "/long_run/overall/downtime_minutes"); }},
      {{"time_availability", "long_run: 1 - overall downtime / duration; undefined without faults_random"},
       [](const Json& r) { return number_at(r, "/long_run/overall/availability"); }},
      {{"incidents", "long_run: number of incidents; undefined without faults_random"},
       [](const Json& r) { return number_at(r, "/long_run/incidents/count"); }},
      {{"incident_rto_p95_s", "long_run: p95 of RTO over recovered incidents, s; undefined without faults_random"},
       [](const Json& r) { return number_at(r, "/long_run/incidents/rto_s/p95_s"); }},
      {{"failover_worse_incidents", "long_run: incidents in which failover made things worse; undefined without "
                                    "faults_random"},
       [](const Json& r) { return number_at(r, "/long_run/incidents/worse_incidents"); }},
  };
  return rules;
}

Value resolve(const std::string& metric, const Json& report) {
  if (!metric.empty() && metric.front() == '/') return number_at(report, metric);
  for (const AliasRule& rule : alias_rules()) {
    if (metric == rule.alias.name) return rule.resolve(report);
  }
  return std::nullopt;
}

bool compare(double actual, const std::string& op, double expected) {
  // Reports round times to microseconds; a nano-scale tolerance lets "== 312" match 312.000000 written as a double.
  constexpr double kEqualSlack = 1e-9;
  bool equal = std::fabs(actual - expected) <= kEqualSlack * std::max(1.0, std::fabs(expected));
  if (op == "<") return actual < expected;
  if (op == "<=") return actual <= expected;
  if (op == "==") return equal;
  if (op == "!=") return !equal;
  if (op == ">=") return actual >= expected;
  if (op == ">") return actual > expected;
  return false;  // the loader rejects other operators; never hold on one
}

}  // namespace

const std::vector<ExpectationAlias>& expectation_aliases() {
  static const std::vector<ExpectationAlias> aliases = [] {
    std::vector<ExpectationAlias> list;
    for (const AliasRule& rule : alias_rules()) list.push_back(rule.alias);
    return list;
  }();
  return aliases;
}

std::optional<double> metric_value(const std::string& metric, const Json& report) {
  const Value v = resolve(metric, report);
  if (!v || !std::isfinite(*v)) return std::nullopt;
  return *v;
}

namespace {

// The statistic of a metric over a seed range: nearest-rank percentiles as docs/metrics.md defines them.
Value statistic_over_seeds(const Expectation& e, const std::map<uint64_t, Json>& seed_reports) {
  std::vector<double> values;
  for (uint64_t seed = e.first_seed; seed <= e.last_seed; ++seed) {
    auto it = seed_reports.find(seed);
    if (it == seed_reports.end()) return std::nullopt;
    const Value v = metric_value(e.metric, it->second);
    if (!v) return std::nullopt;
    values.push_back(*v);
    if (seed == e.last_seed) break;  // the range may end at the largest seed
  }
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  if (e.statistic == "mean") {
    double sum = 0;
    for (double v : values) sum += v;
    return sum / double(values.size());
  }
  if (e.statistic == "min") return values.front();
  if (e.statistic == "max") return values.back();
  const double percent = e.statistic == "p50" ? 50 : e.statistic == "p95" ? 95 : 99;
  const double rank = std::clamp(std::ceil(percent * double(values.size()) / 100.0), 1.0, double(values.size()));
  return values[size_t(rank) - 1];
}

}  // namespace

std::vector<uint64_t> seeds_needed(const Scenario& scenario) {
  std::vector<uint64_t> seeds;
  for (const Expectation& e : scenario.expect)
    if (!e.statistic.empty())
      for (uint64_t seed = e.first_seed;; ++seed) {
        seeds.push_back(seed);
        if (seed == e.last_seed) break;
      }
  std::sort(seeds.begin(), seeds.end());
  seeds.erase(std::unique(seeds.begin(), seeds.end()), seeds.end());
  return seeds;
}

std::vector<ExpectationResult> evaluate_expectations(const Scenario& scenario, const Json& report,
                                                     const std::map<uint64_t, Json>& seed_reports) {
  std::vector<ExpectationResult> results;
  for (const Expectation& e : scenario.expect) {
    ExpectationResult result;
    result.expectation = e;
    Value actual = e.statistic.empty() ? resolve(e.metric, report) : statistic_over_seeds(e, seed_reports);
    result.found = actual.has_value() && std::isfinite(*actual);
    if (result.found) {
      result.actual = *actual;
      result.held = compare(*actual, e.op, e.value);
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace mrsim
