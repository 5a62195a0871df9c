// Checkers: see checkers.h and docs/metrics.md (the definitions this file implements, one section per checker).
// This file: the shared pieces (percentiles, the lineage index), availability, latency, replication lag, traffic,
// and compute_metrics. Data safety lives in checkers_data.cpp, recovery (RTO, RPO) in checkers_recovery.cpp.
#include "sim/checkers.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "sim/scenario_loader.h"
#include "sim/stream_metrics.h"

namespace mrsim {
// percent * n is exact for the integral percents we use, so ceil() never rounds an exact rank up by representation
// error.
size_t nearest_rank_index(size_t n, double percent) {
  double rank = std::ceil(percent * static_cast<double>(n) / 100.0);
  if (rank < 1) rank = 1;
  if (rank > static_cast<double>(n)) rank = static_cast<double>(n);
  return static_cast<size_t>(rank) - 1;
}

std::string name_or_index(const std::vector<std::string>& table, int64_t index, const char* prefix) {
  if (index >= 0 && static_cast<size_t>(index) < table.size()) return table[static_cast<size_t>(index)];
  return std::string(prefix) + std::to_string(index);
}

double percentile_nearest_rank(const std::vector<double>& sorted, double percent) {
  return sorted.at(nearest_rank_index(sorted.size(), percent));
}

Distribution summarize(std::vector<double>& values) {
  Distribution d;
  d.count = values.size();
  if (values.empty()) return d;
  double sum = 0;
  for (double v : values) sum += v;
  d.mean = sum / static_cast<double>(values.size());
  d.max = *std::max_element(values.begin(), values.end());
  // Successive nth_element calls on the shrinking upper part: each later rank is >= the previous one.
  size_t lower = 0;
  auto select = [&](double percent) {
    size_t k = nearest_rank_index(values.size(), percent);
    std::nth_element(values.begin() + static_cast<std::ptrdiff_t>(lower), values.begin() + static_cast<std::ptrdiff_t>(k),
                     values.end());
    lower = k;
    return values[k];
  };
  d.p50 = select(50);
  d.p95 = select(95);
  d.p99 = select(99);
  return d;
}

// ---------------------------------------------------------------------------------------------------------------
// LineageIndex

void LineageIndex::build() const {
  built_ = true;
  const History& history = *history_;
  // Key of every write id: commits are authoritative; client writes fill in ids that never reached a commit record.
  std::vector<std::pair<uint32_t, uint32_t>> id_key;
  id_key.reserve(history.commits.size());
  for (const CommitRecord& c : history.commits) id_key.emplace_back(c.write_id, c.key);
  for (const OpRecord& op : history.ops) {
    if (op.kind == OpKind::Write && op.version != kNoVersion) id_key.emplace_back(op.version, op.key);
  }
  std::stable_sort(id_key.begin(), id_key.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  id_key.erase(std::unique(id_key.begin(), id_key.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
               id_key.end());

  std::vector<std::pair<uint32_t, int64_t>> id_position;
  id_position.reserve(history.final_lineage.size());
  for (size_t i = 0; i < history.final_lineage.size(); ++i) {
    id_position.emplace_back(history.final_lineage[i], static_cast<int64_t>(i));
  }
  std::stable_sort(id_position.begin(), id_position.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // A write id appearing twice would be a store bug; its first position is its version order.
  id_position.erase(std::unique(id_position.begin(), id_position.end(),
                                [](const auto& a, const auto& b) { return a.first == b.first; }),
                    id_position.end());
  sorted_ids_.reserve(id_position.size());
  sorted_positions_.reserve(id_position.size());
  by_key_.reserve(id_position.size());
  for (const auto& [id, position] : id_position) {
    sorted_ids_.push_back(id);
    sorted_positions_.push_back(position);
    auto it = std::lower_bound(id_key.begin(), id_key.end(), std::make_pair(id, 0u),
                               [](const auto& a, const auto& b) { return a.first < b.first; });
    if (it != id_key.end() && it->first == id) by_key_.push_back({it->second, position});
  }
  std::sort(by_key_.begin(), by_key_.end());
  if (!sorted_ids_.empty() && sorted_ids_.back() <= 4 * sorted_ids_.size() + (1u << 20)) {
    dense_positions_.assign(static_cast<size_t>(sorted_ids_.back()) + 1, kAbsent);
    for (size_t i = 0; i < sorted_ids_.size(); ++i) dense_positions_[sorted_ids_[i]] = sorted_positions_[i];
  }
}

int64_t LineageIndex::position(uint32_t write_id) const {
  if (!built_) build();
  if (write_id == kNoVersion) return kInitial;
  if (!dense_positions_.empty()) return write_id < dense_positions_.size() ? dense_positions_[write_id] : kAbsent;
  auto it = std::lower_bound(sorted_ids_.begin(), sorted_ids_.end(), write_id);
  if (it == sorted_ids_.end() || *it != write_id) return kAbsent;
  return sorted_positions_[static_cast<size_t>(it - sorted_ids_.begin())];
}

uint64_t LineageIndex::versions_between(uint32_t key, int64_t after, int64_t up_to) const {
  if (!built_) build();
  if (up_to <= after) return 0;
  auto from = std::lower_bound(by_key_.begin(), by_key_.end(), KeyPosition{key, after + 1});
  auto to = std::lower_bound(by_key_.begin(), by_key_.end(), KeyPosition{key, up_to + 1});
  return static_cast<uint64_t>(to - from);
}

// ---------------------------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------------------------
// Availability, latency, replication lag, traffic

void AvailabilityTally::add(const OpRecord& op) {
  if (op.region >= regions_.size()) regions_.resize(op.region + 1u);
  RegionAvailability& r = regions_[op.region];
  bool write = op.kind == OpKind::Write;
  for (AvailabilityCell* cell : {&stats_.all, write ? &stats_.write : &stats_.read, &r.all, write ? &r.write : &r.read}) {
    ++cell->attempted;
    cell->ok += op.ok();
  }
}

AvailabilityStats AvailabilityTally::result(const History& names) const {
  AvailabilityStats stats = stats_;
  for (size_t i = 0; i < regions_.size(); ++i) {
    if (regions_[i].all.attempted == 0) continue;
    RegionAvailability region = regions_[i];
    region.region = name_or_index(names.regions, static_cast<int64_t>(i), "region");
    stats.by_region.push_back(std::move(region));
  }
  return stats;
}

AvailabilityStats check_availability(const History& history) {
  AvailabilityTally tally;
  for (const OpRecord& op : history.ops) tally.add(op);
  return tally.result(history);
}

LatencyStats check_latency(const History& history) {
  LatencyTally<SampleVector> tally;
  for (const OpRecord& op : history.ops) tally.add(op);
  return tally.result(history);
}

std::vector<ReplicaLag> check_replication_lag(const History& history) {
  std::map<int16_t, std::vector<double>> by_node;
  for (const LagSample& s : history.lag) by_node[s.node].push_back(s.lag_s);
  std::vector<ReplicaLag> result;
  for (auto& [node, values] : by_node) {
    result.push_back({name_or_index(history.nodes, node, "node"), summarize(values)});
  }
  return result;
}

TrafficStats check_traffic(const History& history) {
  TrafficStats stats;
  std::vector<uint64_t> bytes(history.links.size(), 0);
  for (const LinkTraffic& t : history.traffic) {
    if (t.link >= bytes.size()) bytes.resize(t.link + 1u, 0);
    bytes[t.link] += t.bytes;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    LinkTrafficCost link;
    link.link = name_or_index(history.links, static_cast<int64_t>(i), "link");
    link.bytes = bytes[i];
    link.cost_per_gb = i < history.link_cost_per_gb.size() ? history.link_cost_per_gb[i] : 0.0;
    link.cost = static_cast<double>(link.bytes) / 1e9 * link.cost_per_gb;
    stats.total_bytes += link.bytes;
    stats.total_cost += link.cost;
    stats.links.push_back(std::move(link));
  }
  return stats;
}

RunMetrics compute_metrics(const History& history, const MetricsConfig& config, StreamingMetrics* streamed) {
  LineageIndex lineage(history);
  RunMetrics m;
  m.duration_s = history.duration_s;
  const auto from_stream = [&](Family f) { return streamed && streamed->finish(f, history, m); };
  if (!from_stream(Family::WriteSafety)) m.writes = check_write_safety(history, lineage);
  if (!from_stream(Family::Faults)) {
    FaultStats faults = check_faults(history, config, m.writes.lost_write_ack_s);
    m.faults = std::move(faults.faults);
    m.lost_writes_unattributed = faults.lost_writes_unattributed;
  }
  if (!from_stream(Family::StaleReads)) m.stale_reads = check_stale_reads(history, lineage);
  if (!from_stream(Family::Sessions)) {
    m.sessions = check_sessions(history, lineage);
    m.session_groups = check_session_groups(history, lineage);
  }
  if (!from_stream(Family::SplitBrain)) m.split_brain = check_split_brain(history, lineage);
  m.semi_sync = check_semi_sync(history, lineage);
  m.convergence = check_convergence(history, lineage);
  m.crdt = check_crdt(history);
  m.siblings = check_siblings(history);
  m.quorum = check_quorum(history, lineage);
  if (!from_stream(Family::Availability)) m.availability = check_availability(history);
  if (!from_stream(Family::Latency)) m.latency = check_latency(history);
  m.replication_lag = check_replication_lag(history);
  m.cdc = check_cdc(history, config.sample_interval_s);
  m.traffic = check_traffic(history);
  return m;
}

RunMetrics compute_metrics(const History& history, const Scenario& scenario, StreamingMetrics* streamed) {
  RunMetrics m = compute_metrics(history, scenario.metrics, streamed);
  m.alerts = check_alerts(history, scenario.alerts, scenario.metrics, &m.stale_reads.stale_invoke_s);
  attach_first_alerts(m.faults, m.alerts);
  if (!scenario.residency.empty()) m.residency = check_residency(history, scenario.residency, scenario.regions);
  if (scenario.faults_random.any() || scenario.metrics.long_run) {
    std::vector<uint8_t> client_regions;
    for (const ClientGroupConfig& g : scenario.clients) client_regions.push_back(uint8_t(scenario.region_index(g.region)));
    std::sort(client_regions.begin(), client_regions.end());
    client_regions.erase(std::unique(client_regions.begin(), client_regions.end()), client_regions.end());
    m.long_run = check_long_run(history, scenario.metrics, m.faults, m.split_brain, client_regions);
  }
  if (scenario.faults_random.any()) {  // the model's figure beside the simulated one (docs/availability.md)
    m.availability_model_applicable = true;
    try {
      m.availability_model = model_availability(scenario);
    } catch (const InputError& e) {
      const std::string what = e.what();  // "<file>: availability: <reason>": the report keeps the reason
      const size_t at = what.find("availability: ");
      m.availability_model_refused = at == std::string::npos ? what : what.substr(at + 14);
    }
  }
  return m;
}

}  // namespace mrsim
