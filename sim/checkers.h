// Checkers: every metric of a run, computed from its recorded History and nothing else (the god's-eye view).
// docs/metrics.md is the single definition of each number; this file follows it. Each checker is one function that
// returns a typed result; compute_metrics runs them all. Results carry names (regions, nodes, links) rather than
// indices so that the report needs no History. Optional values are "undefined" (no data, or not recovered) and are
// written as JSON null.
//
// Cost: every checker is O(n log n) in the number of records (sorting, binary search, prefix maxima); the bench
// history (3.6 million ops) takes a few seconds in total.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/history.h"
#include "sim/markov.h"
#include "sim/scenario.h"

namespace mrsim {

// Nearest-rank percentile: with the n values sorted ascending, the value at 1-based rank ceil(percent / 100 * n),
// clamped to [1, n]. `sorted` must be sorted and non-empty; percent in (0, 100].
double percentile_nearest_rank(const std::vector<double>& sorted, double percent);
// The 0-based index of that rank among n values (n >= 1).
size_t nearest_rank_index(size_t n, double percent);

// table[index], or prefix + index when the index is outside the table (a history naming an unknown node).
std::string name_or_index(const std::vector<std::string>& table, int64_t index, const char* prefix);

// Summary of a sample of durations (seconds). Every field but count is undefined when count == 0.
struct Distribution {
  uint64_t count = 0;
  std::optional<double> mean, p50, p95, p99, max;
};
// Summarises `values` (reordered in place; the mean is summed in the given order so it does not depend on how the
// standard library partitions).
Distribution summarize(std::vector<double>& values);

// Where each write id stands in the surviving lineage, which key it wrote, and whether a client saw it
// acknowledged. Built once per history and shared by the checkers that compare versions.
class LineageIndex {
 public:
  static constexpr int64_t kAbsent = -2;  // write id not in the final lineage
  static constexpr int64_t kInitial = -1;  // version 0: older than every lineage entry

  // Built on its first query, so that a run whose checkers never compare versions (they stream) never pays for it.
  explicit LineageIndex(const History& history) : history_(&history) {}

  // Position of `write_id` in History::final_lineage (its version order), kInitial for version 0, else kAbsent.
  int64_t position(uint32_t write_id) const;
  bool in_lineage(uint32_t write_id) const { return position(write_id) != kAbsent; }
  // Number of lineage entries of `key` whose position lies in (after, up_to].
  uint64_t versions_between(uint32_t key, int64_t after, int64_t up_to) const;

 private:
  void build() const;
  const History* history_;
  mutable bool built_ = false;
  mutable std::vector<uint32_t> sorted_ids_;        // every write id in the lineage, sorted
  mutable std::vector<int64_t> sorted_positions_;   // ... and its lineage position
  // Write ids are allocated densely, so a direct table (indexed by id) is small and spares the checkers millions of
  // binary searches; it is left empty when the ids are too sparse for that to pay.
  mutable std::vector<int64_t> dense_positions_;
  struct KeyPosition {
    uint32_t key;
    int64_t position;
    bool operator<(const KeyPosition& o) const { return key != o.key ? key < o.key : position < o.position; }
  };
  mutable std::vector<KeyPosition> by_key_;  // lineage entries grouped by key, in version order
};

struct StaleReadStats {
  uint64_t successful_reads = 0;
  uint64_t stale_reads = 0;
  std::optional<double> stale_read_rate;  // undefined without successful reads
  std::optional<double> depth_mean;       // over stale reads
  uint64_t depth_max = 0;
  Distribution age_s;                     // over stale reads
  std::vector<double> stale_invoke_s;     // invoke time of each stale read, in history order (for the trace)
};
StaleReadStats check_stale_reads(const History& history, const LineageIndex& lineage);
StaleReadStats check_stale_reads(const History& history);

struct SessionStats {
  uint64_t read_your_writes_violations = 0;
  uint64_t monotonic_read_violations = 0;
  uint64_t clients_with_read_your_writes_violations = 0;
  uint64_t clients_with_monotonic_read_violations = 0;
};
// `by_group`: when given, also the same counts for each of History::client_groups (by group index).
SessionStats check_sessions(const History& history, const LineageIndex& lineage,
                            std::vector<SessionStats>* by_group = nullptr);
SessionStats check_sessions(const History& history);

// The group of `client` in History::client_groups (ascending first_client), or -1 when it lies in none.
int group_of(const std::vector<ClientGroup>& groups, uint32_t client);

// Session guarantees by client group (docs/metrics.md, "Session guarantees"): one entry per History::client_groups.
struct GroupSessionStats {
  std::string strategy, region;
  uint32_t first_client = 0, clients = 0;
  uint64_t reads = 0;  // successful reads
  SessionStats sessions;
  Distribution read_latency_s;      // complete_s - invoke_s of successful reads
  uint64_t cross_region_reads = 0;  // successful reads answered by a node outside the client's region
  uint64_t cross_region_read_bytes = 0;  // ... times (request + response bytes)
};
std::vector<GroupSessionStats> check_session_groups(const History& history, const LineageIndex& lineage);
// Shared with the streaming family (sim/stream_lineage.cpp): a successful read of group `g` (its count and whether
// it crossed regions), and the group's description from the history.
void tally_session_group_read(GroupSessionStats& stats, const History& history, size_t g, const OpRecord& op);
void describe_session_group(GroupSessionStats& stats, const History& history, size_t g);

// Several writers (docs/metrics.md, "Several writers"): acknowledged writes that conflict resolution discarded.
struct SkewInversionStats {
  uint64_t count = 0;
  uint64_t causal = 0;  // the losing write's node already held the winner when it committed
  uint64_t unseen = 0;  // ... it did not
  std::optional<double> offset_mean_s, offset_min_s, offset_max_s;  // winner's clock ahead of the loser's
};
struct ConflictStats {
  uint64_t overwritten_concurrent_writes = 0;
  SkewInversionStats inversions;
  std::vector<double> inverted_ack_s;  // ack time of each skew inversion, ascending
};
ConflictStats check_conflicts(const History& history, const LineageIndex& lineage);

struct WriteSafetyStats {
  uint64_t acknowledged_writes = 0;
  uint64_t lost_writes = 0;                     // acknowledged, absent from the final lineage, or skew-inverted
  uint64_t reads_of_lost_writes = 0;            // successful reads returning a version absent from the lineage
  uint64_t overwritten_concurrent_writes = 0;   // discarded by conflict resolution; 0 for single-primary
  SkewInversionStats skew_inversions;           // 0 for single-primary
  std::vector<double> lost_write_ack_s;         // ack time of each lost write, ascending
};
WriteSafetyStats check_write_safety(const History& history, const LineageIndex& lineage);
WriteSafetyStats check_write_safety(const History& history);

struct ClientRecovery {
  uint64_t impacted_clients = 0;  // clients with a failed op invoked in [fault start, next fault start or run end)
  uint64_t not_recovered = 0;     // ... that never succeeded after their last failure there
  // Over impacted clients, not-recovered ones counting as +infinity: a percentile that lands on one is undefined.
  // All 0 when no client was impacted.
  std::optional<double> p50_s, p99_s, max_s;
};

// The first alert that started firing at or after a fault's start (any rule; ties: rule order).
struct FirstAlert {
  std::string name;
  double t_s = 0;
  double after_fault_s = 0;
};

struct FaultMetrics {
  uint32_t index = 0;  // in the scenario's fault list
  std::string kind, description;
  double start_s = 0;
  std::optional<double> end_s;  // undefined: still active at run end
  // RTO
  std::optional<double> rto_s;  // undefined when not recovered within the run
  bool recovered = false;
  std::optional<double> detection_s, decision_s, promotion_s, routing_s;  // relative to start_s
  ClientRecovery client_recovery;
  // RPO
  uint64_t lost_writes = 0;          // lost writes acknowledged before the fault started
  double data_loss_window_s = 0;     // start - ack time of the oldest of them; 0 if none
  uint64_t lost_writes_after_fault = 0;  // lost writes acknowledged while the fault was active
  std::optional<FirstAlert> first_alert;  // filled by compute_metrics(history, scenario); none: no alert fired
};

struct FaultStats {
  std::vector<FaultMetrics> faults;  // by fault index
  uint64_t lost_writes_unattributed = 0;  // lost writes acknowledged after every fault had ended
};
FaultStats check_faults(const History& history, const MetricsConfig& config, const std::vector<double>& lost_write_ack_s);
FaultStats check_faults(const History& history, const MetricsConfig& config);

struct SplitBrainSide {
  std::string node;
  uint64_t writes_accepted = 0;        // commits on this node inside the incident
  uint64_t writes_lost = 0;            // ... acknowledged to a client and absent from the lineage
  uint64_t writes_not_in_lineage = 0;  // ... absent from the lineage, acknowledged or not
};

struct SplitBrainIncident {
  double start_s = 0, end_s = 0;
  bool ended = true;  // false: still two primaries at run end (end_s is the run end)
  std::vector<SplitBrainSide> sides;  // every node that was primary in the interval or committed in it, by node index
};

struct SplitBrainStats {
  uint64_t incidents = 0;
  double total_duration_s = 0;
  uint64_t near_misses = 0;  // overlapping primaries with fewer than two writing sides
  std::vector<SplitBrainIncident> list;
};
SplitBrainStats check_split_brain(const History& history, const LineageIndex& lineage);
// Shared with the streaming family (sim/stream_split_brain.cpp): one commit inside an interval, counted for its node's
// side; and the interval, with its sides (every primary of the interval among them), judged an incident or a near miss.
void tally_split_brain_commit(std::map<int16_t, SplitBrainSide>& sides, int16_t node, bool in_lineage, bool acked);
void add_split_brain_interval(SplitBrainStats& stats, const History& history, double start_s, double end_s, bool ended,
                              std::map<int16_t, SplitBrainSide> sides);
SplitBrainStats check_split_brain(const History& history);

struct AvailabilityCell {
  uint64_t attempted = 0, ok = 0;
  std::optional<double> ratio() const {
    if (attempted == 0) return std::nullopt;
    return static_cast<double>(ok) / static_cast<double>(attempted);
  }
};

struct RegionAvailability {
  std::string region;
  AvailabilityCell all, read, write;
};

struct AvailabilityStats {
  AvailabilityCell all, read, write;
  std::vector<RegionAvailability> by_region;  // client regions with at least one op, by region index
};
AvailabilityStats check_availability(const History& history);

// The availability family one operation at a time, in history order: check_availability feeds it the held
// operations, its streaming family (sim/stream_availability.cpp) the operations as they complete.
class AvailabilityTally {
 public:
  void add(const OpRecord& op);
  AvailabilityStats result(const History& names) const;

 private:
  AvailabilityStats stats_;
  std::vector<RegionAvailability> regions_;  // by region index
};

struct RegionLatency {
  std::string region;
  Distribution read, write;
};

struct LatencyStats {
  Distribution read, write;  // complete_s - invoke_s of successful ops
  std::vector<RegionLatency> by_region;
};
// The overall figures are over the operations in history order (the per-region ones too): their means are those
// sums, which a stream can reproduce.
LatencyStats check_latency(const History& history);

// The latency family one operation at a time, in history order, over a sample type with add(double) and
// summary() -> Distribution: check_latency uses a held vector (SampleVector), the streaming family
// (sim/stream_availability.cpp) ExactDistribution (sim/exact_distribution.h), which gives the same figures.
template <class Samples>
class LatencyTally {
 public:
  void add(const OpRecord& op) {
    if (!op.ok()) return;
    const int kind = op.kind == OpKind::Write ? 1 : 0;
    const double latency = op.complete_s - op.invoke_s;
    overall_[kind].add(latency);
    if (op.region >= by_region_[kind].size()) by_region_[kind].resize(op.region + 1u);
    by_region_[kind][op.region].add(latency);
  }
  LatencyStats result(const History& names) {
    LatencyStats stats;
    stats.read = overall_[0].summary();
    stats.write = overall_[1].summary();
    const size_t regions = std::max(by_region_[0].size(), by_region_[1].size());
    for (auto& kind : by_region_) kind.resize(regions);
    for (size_t r = 0; r < regions; ++r) {
      if (by_region_[0][r].count() == 0 && by_region_[1][r].count() == 0) continue;
      RegionLatency entry;
      entry.region = name_or_index(names.regions, static_cast<int64_t>(r), "region");
      entry.read = by_region_[0][r].summary();
      entry.write = by_region_[1][r].summary();
      stats.by_region.push_back(std::move(entry));
    }
    return stats;
  }

 private:
  Samples overall_[2];                   // by kind (read, write)
  std::vector<Samples> by_region_[2];    // by kind, by region index
};

// Held samples, summarised by summarize(): the in-memory reference.
struct SampleVector {
  std::vector<double> values;
  void add(double v) { values.push_back(v); }
  uint64_t count() const { return values.size(); }
  Distribution summary() { return summarize(values); }
};

struct ReplicaLag {
  std::string node;
  Distribution lag_s;
};
std::vector<ReplicaLag> check_replication_lag(const History& history);  // nodes that appear in LagSample

// CDC pipelines (docs/metrics.md, "CDC pipeline"), in sim/checkers_cdc.cpp.
struct CdcStageStats {
  Distribution lag_s;   // sampled stage lag
  Distribution time_s;  // time changes spent in the stage
};
struct CdcNodeStats {
  std::string node;
  uint64_t applied = 0, dropped = 0;
  CdcStageStats stages[kCdcStages];
  std::vector<double> sample_t;                  // the sample times (the node a replica) ...
  std::vector<double> lag_series[kCdcStages];    // ... and each stage's lag at them, for the trace
};
// Nodes with transits, by node index; lag sampled every `sample_interval_s`.
std::vector<CdcNodeStats> check_cdc(const History& history, double sample_interval_s);

struct LinkTrafficCost {
  std::string link;
  uint64_t bytes = 0;
  double cost_per_gb = 0;
  double cost = 0;  // bytes / 1e9 * cost_per_gb
};

struct TrafficStats {
  std::vector<LinkTrafficCost> links;  // every link of the history, by link index
  uint64_t total_bytes = 0;
  double total_cost = 0;
};
TrafficStats check_traffic(const History& history);

struct ConvergenceStats {
  bool applicable = false;  // multi-primary only
  double heal_s = 0;        // end of the last network fault, 0 without one
  std::optional<double> time_s;
  uint64_t keys_not_converged = 0;
};
ConvergenceStats check_convergence(const History& history, const LineageIndex& lineage);

struct CrdtStats {
  bool applicable = false;  // crdt keys only
  uint64_t lost_updates = 0;
};
CrdtStats check_crdt(const History& history);

struct SiblingStats {
  bool applicable = false;  // siblings only
  uint64_t created = 0, max_versions = 0, open_at_end = 0;
  Distribution lifetime_s;  // of sibling sets that closed
};
SiblingStats check_siblings(const History& history);

// Alerts (docs/metrics.md, "Alerts"): each rule evaluated at the start of every sample interval over the series the
// trace samples (sim/samples.h), with Prometheus' "for" (AlertState).
struct AlertFiring {
  std::string label_key, label_value;  // the series' label ("" for primaries and stale_reads)
  double start_s = 0;
  std::optional<double> end_s;  // undefined: still firing at the end of the run
};
struct AlertResult {
  std::string name, expr;
  double for_s = 0;
  std::vector<AlertFiring> firing;  // by start, then label value
  double firing_total_s = 0;        // summed over firings; one still firing counts until the end of the run
};
// `stale_invoke_s` (StaleReadStats::stale_invoke_s) spares a second stale-read check when the caller has one.
std::vector<AlertResult> check_alerts(const History& history, const std::vector<AlertRule>& rules,
                                      const MetricsConfig& config,
                                      const std::vector<double>* stale_invoke_s = nullptr);
// Fills FaultMetrics::first_alert from the alerts' firings.
void attach_first_alerts(std::vector<FaultMetrics>& faults, const std::vector<AlertResult>& alerts);

// Data residency (docs/metrics.md, "Data residency"), in sim/checkers_residency.cpp.
struct ResidencyCounts {
  uint64_t writes_stored_outside = 0;  // (write, node) pairs: a restricted write held by a node outside
  uint64_t writes_acked_outside = 0;   // acknowledged restricted writes committed on a node outside
  uint64_t reads_served_outside = 0;   // successful reads of restricted keys served by a node outside
};
struct ResidencyStats {
  bool applicable = false;  // the scenario has residency rules
  ResidencyCounts total;
  std::vector<std::pair<std::string, ResidencyCounts>> by_jurisdiction;  // jurisdictions of the rules, sorted
};
// `regions` gives each region's jurisdiction, by name (the scenario's /regions).
ResidencyStats check_residency(const History& history, const std::vector<ResidencyRule>& rules,
                               const std::vector<RegionConfig>& regions);

// Semi-synchronous replication (docs/metrics.md, "Semi-synchronous replication"), in sim/checkers_replication.cpp.
struct SemiSyncStats {
  bool applicable = false;  // the database has semi-sync replicas
  uint64_t fallbacks = 0;
  double time_in_fallback_s = 0;
  uint64_t writes_acknowledged_in_fallback = 0;
  uint64_t lost_writes_in_fallback = 0;
};
SemiSyncStats check_semi_sync(const History& history, const LineageIndex& lineage);

// Leaderless quorums (docs/metrics.md, "Leaderless quorums"), in sim/checkers_quorum.cpp.
const std::vector<double>& t_visibility_points_s();  // the t values t-visibility is reported at
const std::vector<uint32_t>& k_staleness_points();   // the k values k-staleness is reported at
struct TVisibility {
  double t_s = 0;
  uint64_t reads = 0;                     // successful reads of a key with a version committed by invoke - t
  std::optional<double> probability;      // ... that returned that version or a newer one
};
struct KStaleness {
  uint32_t k = 1;
  std::optional<double> probability;  // reads returning one of the k newest versions committed by their invoke
};
struct QuorumStats {
  bool applicable = false;  // leaderless only
  uint64_t reads = 0;       // successful reads of a key with a version committed by their invoke
  uint64_t stale_reads = 0;  // ... that returned an older version (1 - t-visibility at 0, as a count)
  std::vector<TVisibility> t_visibility;  // at t_visibility_points_s()
  std::vector<KStaleness> k_staleness;    // at k_staleness_points()
  std::optional<double> versions_behind_mean;  // over those stale reads
  uint64_t versions_behind_max = 0;
};
QuorumStats check_quorum(const History& history, const LineageIndex& lineage);

// Role changes that make a node primary whose previous role was another (the RTO breakdown's promotions), in record
// order; none outside single-primary designs.
std::vector<RoleChange> promotions(const History& history);

// Long runs (docs/metrics.md, "Long runs: downtime, nines and incidents"), in sim/checkers_incidents.cpp.
struct RegionDowntime {
  std::string region;  // a client region; "" for the overall figure (the union over client regions)
  double downtime_s = 0;
  double availability = 1;  // 1 - downtime / duration
  double nines = 0;         // log10(duration / max(downtime, window))
};
struct Incident {
  double start_s = 0, close_s = 0;  // [start, close): first fault's start to the latest settle time
  std::vector<uint32_t> faults;     // fault indices, by start
  std::optional<double> rto_s;      // latest recovery - start; undefined if a fault did not recover
  uint64_t lost_writes = 0, lost_writes_after_fault = 0;
  double data_loss_window_s = 0;
  std::optional<double> client_recovery_p99_s, client_recovery_max_s;
  double downtime_s = 0;  // overall downtime within [start, close)
  uint64_t failovers = 0;
  std::vector<std::string> worse;  // reasons the failover made things worse, in the order docs/metrics.md lists them
};
struct LongRunStats {
  bool applicable = false;  // the scenario has random faults
  RegionDowntime overall;
  std::vector<RegionDowntime> by_region;  // client regions, by region index
  std::vector<Incident> incidents;        // by start
  uint64_t not_recovered = 0;             // incidents without an RTO
  Distribution rto_s, data_loss_window_s, client_recovery_p99_s, downtime_s;  // over incidents
  uint64_t lost_writes = 0;               // summed over incidents
  uint64_t worse_incidents = 0;
  uint64_t failovers_outside_incidents = 0;
};
// `faults` and `split_brain` are this history's (check_faults, check_split_brain); `client_regions` the regions with
// a client group, by index.
LongRunStats check_long_run(const History& history, const MetricsConfig& config,
                            const std::vector<FaultMetrics>& faults, const SplitBrainStats& split_brain,
                            const std::vector<uint8_t>& client_regions);

struct RunMetrics {
  double duration_s = 0;
  std::vector<FaultMetrics> faults;
  uint64_t lost_writes_unattributed = 0;
  StaleReadStats stale_reads;
  SessionStats sessions;
  std::vector<GroupSessionStats> session_groups;  // empty unless some client group states a session
  WriteSafetyStats writes;
  SplitBrainStats split_brain;
  ConvergenceStats convergence;
  CrdtStats crdt;
  SiblingStats siblings;
  QuorumStats quorum;
  AvailabilityStats availability;
  LatencyStats latency;
  std::vector<ReplicaLag> replication_lag;
  std::vector<CdcNodeStats> cdc;
  TrafficStats traffic;
  std::vector<AlertResult> alerts;
  ResidencyStats residency;
  SemiSyncStats semi_sync;
  LongRunStats long_run;
  // With faults_random only: the Markov chain's expected availability (sim/markov.h), or why it has none.
  bool availability_model_applicable = false;
  std::optional<AvailabilityModel> availability_model;
  std::string availability_model_refused;
};
class StreamingMetrics;
// `streamed`: the families computed as the run went (sim/stream_metrics.h); their in-memory checkers do not run.
RunMetrics compute_metrics(const History& history, const MetricsConfig& config, StreamingMetrics* streamed = nullptr);
// Everything above, plus what needs more of the scenario than its metrics block: alerts and data residency.
RunMetrics compute_metrics(const History& history, const Scenario& scenario, StreamingMetrics* streamed = nullptr);

}  // namespace mrsim
