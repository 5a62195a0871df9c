// Checkers: see checkers.h and docs/metrics.md (the definitions this file implements, one section per checker).
#include "sim/checkers.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>

namespace mrsim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Grid arithmetic (RTO) compares sums of user-given decimals such as 0.1; a femtosecond of slack keeps
// "T + stable + window <= duration" from failing on representation error alone.
constexpr double kTimeSlack = 1e-9;

std::string name_or_index(const std::vector<std::string>& table, int64_t index, const char* prefix) {
  if (index >= 0 && static_cast<size_t>(index) < table.size()) return table[static_cast<size_t>(index)];
  return std::string(prefix) + std::to_string(index);
}

// 0-based index of the nearest-rank percentile among n sorted values. percent * n is exact for the integral
// percents we use, so ceil() never rounds an exact rank up by representation error.
size_t rank_index(size_t n, double percent) {
  double rank = std::ceil(percent * static_cast<double>(n) / 100.0);
  if (rank < 1) rank = 1;
  if (rank > static_cast<double>(n)) rank = static_cast<double>(n);
  return static_cast<size_t>(rank) - 1;
}

// Sorted invoke times of one op kind, all ops and successful ops: window counts become two binary searches.
struct InvokeTimes {
  std::vector<double> all, ok;
  static uint64_t count_in(const std::vector<double>& v, double from, double to) {
    return static_cast<uint64_t>(std::lower_bound(v.begin(), v.end(), to) - std::lower_bound(v.begin(), v.end(), from));
  }
};

}  // namespace

double percentile_nearest_rank(const std::vector<double>& sorted, double percent) {
  return sorted.at(rank_index(sorted.size(), percent));
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
    size_t k = rank_index(values.size(), percent);
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

LineageIndex::LineageIndex(const History& history) {
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
  if (write_id == kNoVersion) return kInitial;
  if (!dense_positions_.empty()) return write_id < dense_positions_.size() ? dense_positions_[write_id] : kAbsent;
  auto it = std::lower_bound(sorted_ids_.begin(), sorted_ids_.end(), write_id);
  if (it == sorted_ids_.end() || *it != write_id) return kAbsent;
  return sorted_positions_[static_cast<size_t>(it - sorted_ids_.begin())];
}

uint64_t LineageIndex::versions_between(uint32_t key, int64_t after, int64_t up_to) const {
  if (up_to <= after) return 0;
  auto from = std::lower_bound(by_key_.begin(), by_key_.end(), KeyPosition{key, after + 1});
  auto to = std::lower_bound(by_key_.begin(), by_key_.end(), KeyPosition{key, up_to + 1});
  return static_cast<uint64_t>(to - from);
}

// ---------------------------------------------------------------------------------------------------------------
// Stale reads

StaleReadStats check_stale_reads(const History& history, const LineageIndex& lineage) {
  // Acknowledged writes that survive, grouped by key and ordered by ack time, with the running maximum of their
  // lineage position: "newest surviving version acked before t" is then one binary search on ack time, and "oldest
  // ack of a version newer than v" one binary search on the (monotone) running maximum.
  struct AckedWrite {
    uint32_t key;
    double ack_s;
    int64_t position;
  };
  std::vector<AckedWrite> acked;
  for (const OpRecord& op : history.ops) {
    if (op.kind != OpKind::Write || !op.ok()) continue;
    int64_t position = lineage.position(op.version);
    if (position < 0) continue;  // lost (or a bogus version 0): RPO's business, not staleness
    acked.push_back({op.key, op.complete_s, position});
  }
  std::sort(acked.begin(), acked.end(), [](const AckedWrite& a, const AckedWrite& b) {
    if (a.key != b.key) return a.key < b.key;
    if (a.ack_s != b.ack_s) return a.ack_s < b.ack_s;
    return a.position < b.position;
  });
  std::vector<int64_t> running_max(acked.size());
  for (size_t i = 0; i < acked.size(); ++i) {
    bool same_key = i > 0 && acked[i - 1].key == acked[i].key;
    running_max[i] = same_key ? std::max(running_max[i - 1], acked[i].position) : acked[i].position;
  }

  // Key -> its range in `acked`: a direct offset table when the key space is dense (the usual case), else search.
  std::vector<size_t> key_offset;
  uint32_t max_key = acked.empty() ? 0 : acked.back().key;
  if (!acked.empty() && max_key <= 4 * acked.size() + (1u << 20)) {
    key_offset.assign(static_cast<size_t>(max_key) + 2, 0);
    for (const AckedWrite& w : acked) ++key_offset[w.key + 1u];
    for (size_t k = 1; k < key_offset.size(); ++k) key_offset[k] += key_offset[k - 1];
  }
  auto key_range = [&](uint32_t key) {
    if (!key_offset.empty()) {
      if (key > max_key) return std::make_pair(acked.end(), acked.end());
      return std::make_pair(acked.begin() + static_cast<std::ptrdiff_t>(key_offset[key]),
                            acked.begin() + static_cast<std::ptrdiff_t>(key_offset[key + 1u]));
    }
    auto begin = std::lower_bound(acked.begin(), acked.end(), key,
                                  [](const AckedWrite& w, uint32_t k) { return w.key < k; });
    auto end = std::upper_bound(begin, acked.end(), key, [](uint32_t k, const AckedWrite& w) { return k < w.key; });
    return std::make_pair(begin, end);
  };

  StaleReadStats stats;
  std::vector<double> ages;
  double depth_sum = 0;
  for (const OpRecord& op : history.ops) {
    if (op.kind != OpKind::Read || !op.ok()) continue;
    ++stats.successful_reads;
    int64_t position = lineage.position(op.version);
    if (position == LineageIndex::kAbsent) continue;  // a read of a lost write, counted by check_write_safety
    auto [key_begin, key_end] = key_range(op.key);
    auto acked_before = std::lower_bound(key_begin, key_end, op.invoke_s,
                                         [](const AckedWrite& w, double t) { return w.ack_s < t; });
    if (acked_before == key_begin) continue;
    size_t first = static_cast<size_t>(key_begin - acked.begin());
    size_t last = static_cast<size_t>(acked_before - acked.begin()) - 1;
    int64_t newest = running_max[last];
    if (newest <= position) continue;
    ++stats.stale_reads;
    uint64_t depth = lineage.versions_between(op.key, position, newest);
    depth_sum += static_cast<double>(depth);
    stats.depth_max = std::max(stats.depth_max, depth);
    size_t superseded = static_cast<size_t>(
        std::upper_bound(running_max.begin() + static_cast<std::ptrdiff_t>(first),
                         running_max.begin() + static_cast<std::ptrdiff_t>(last) + 1, position) -
        running_max.begin());
    ages.push_back(op.invoke_s - acked[superseded].ack_s);
  }
  if (stats.successful_reads > 0) {
    stats.stale_read_rate = static_cast<double>(stats.stale_reads) / static_cast<double>(stats.successful_reads);
  }
  if (stats.stale_reads > 0) stats.depth_mean = depth_sum / static_cast<double>(stats.stale_reads);
  stats.age_s = summarize(ages);
  return stats;
}

StaleReadStats check_stale_reads(const History& history) { return check_stale_reads(history, LineageIndex(history)); }

// ---------------------------------------------------------------------------------------------------------------
// Session guarantees

SessionStats check_sessions(const History& history, const LineageIndex& lineage) {
  // Successful ops grouped by (client, key); within a group op index order is invoke order (ops are sorted by
  // invoke time). Each read is checked against what the client had seen *complete* before the read was invoked.
  struct Entry {
    uint64_t client_key;  // client in the high half: one integer comparison orders by (client, key)
    uint32_t op;
    uint32_t client() const { return static_cast<uint32_t>(client_key >> 32); }
  };
  std::vector<Entry> entries;
  for (size_t i = 0; i < history.ops.size(); ++i) {
    const OpRecord& op = history.ops[i];
    if (op.ok()) entries.push_back({(uint64_t{op.client} << 32) | op.key, static_cast<uint32_t>(i)});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.client_key != b.client_key ? a.client_key < b.client_key : a.op < b.op;
  });

  struct Completion {
    double complete_s;
    uint32_t op;
  };
  SessionStats stats;
  std::vector<Completion> completions;
  bool client_ryw = false, client_mr = false;
  for (size_t begin = 0; begin < entries.size();) {
    size_t end = begin;
    while (end < entries.size() && entries[end].client_key == entries[begin].client_key) ++end;
    bool new_client = begin == 0 || entries[begin - 1].client() != entries[begin].client();
    if (new_client) {
      stats.clients_with_read_your_writes_violations += client_ryw;
      stats.clients_with_monotonic_read_violations += client_mr;
      client_ryw = client_mr = false;
    }
    completions.clear();
    for (size_t i = begin; i < end; ++i) completions.push_back({history.ops[entries[i].op].complete_s, entries[i].op});
    std::sort(completions.begin(), completions.end(), [](const Completion& a, const Completion& b) {
      return a.complete_s != b.complete_s ? a.complete_s < b.complete_s : a.op < b.op;
    });
    bool has_write = false;
    int64_t last_write = LineageIndex::kAbsent;
    int64_t newest_read = LineageIndex::kAbsent;  // below kInitial: nothing read yet
    size_t next = 0;
    for (size_t i = begin; i < end; ++i) {
      const OpRecord& read = history.ops[entries[i].op];
      if (read.kind != OpKind::Read) continue;
      for (; next < completions.size() && completions[next].complete_s < read.invoke_s; ++next) {
        const OpRecord& done = history.ops[completions[next].op];
        int64_t position = lineage.position(done.version);
        if (done.kind == OpKind::Write) {
          has_write = true;
          last_write = position;
        } else if (position != LineageIndex::kAbsent) {
          newest_read = std::max(newest_read, position);
        }
      }
      int64_t position = lineage.position(read.version);
      if (position == LineageIndex::kAbsent) continue;
      if (has_write && last_write != LineageIndex::kAbsent && position < last_write) {
        ++stats.read_your_writes_violations;
        client_ryw = true;
      }
      if (position < newest_read) {
        ++stats.monotonic_read_violations;
        client_mr = true;
      }
    }
    begin = end;
  }
  stats.clients_with_read_your_writes_violations += client_ryw;
  stats.clients_with_monotonic_read_violations += client_mr;
  return stats;
}

SessionStats check_sessions(const History& history) { return check_sessions(history, LineageIndex(history)); }

// ---------------------------------------------------------------------------------------------------------------
// Lost writes

WriteSafetyStats check_write_safety(const History& history, const LineageIndex& lineage) {
  WriteSafetyStats stats;
  for (const OpRecord& op : history.ops) {
    if (!op.ok()) continue;
    if (op.kind == OpKind::Write) {
      ++stats.acknowledged_writes;
      // An acknowledged write always creates a version; version 0 here can only mean it left no trace, i.e. lost.
      if (op.version == kNoVersion || !lineage.in_lineage(op.version)) {
        ++stats.lost_writes;
        stats.lost_write_ack_s.push_back(op.complete_s);
      }
    } else if (op.version != kNoVersion && !lineage.in_lineage(op.version)) {
      ++stats.reads_of_lost_writes;
    }
  }
  std::sort(stats.lost_write_ack_s.begin(), stats.lost_write_ack_s.end());
  return stats;
}

WriteSafetyStats check_write_safety(const History& history) { return check_write_safety(history, LineageIndex(history)); }

// ---------------------------------------------------------------------------------------------------------------
// Faults: RTO, its breakdown, per-client recovery, RPO

namespace {

struct FaultWindow {
  uint32_t index = 0;
  std::string kind, description;
  double start_s = 0;
  std::optional<double> end_s;
  double effective_end() const { return end_s ? *end_s : kInfinity; }
};

// Faults from their start/end events, ordered by (start, index).
std::vector<FaultWindow> fault_windows(const History& history) {
  std::map<uint32_t, FaultWindow> by_index;
  std::set<uint32_t> started;
  for (const FaultEvent& e : history.faults) {
    FaultWindow& w = by_index[e.fault];
    w.index = e.fault;
    if (w.kind.empty()) w.kind = e.kind;
    if (w.description.empty()) w.description = e.description;
    if (e.what == FaultEventKind::Start) {
      if (started.insert(e.fault).second) w.start_s = e.t;
    } else if (!w.end_s) {
      w.end_s = e.t;
    }
  }
  std::vector<FaultWindow> windows;
  for (auto& [index, w] : by_index) windows.push_back(std::move(w));
  std::stable_sort(windows.begin(), windows.end(),
                   [](const FaultWindow& a, const FaultWindow& b) { return a.start_s < b.start_s; });
  return windows;
}

bool ratio_holds(const InvokeTimes& times, double from, double to, double threshold) {
  uint64_t total = InvokeTimes::count_in(times.all, from, to);
  if (total == 0) return true;
  uint64_t ok = InvokeTimes::count_in(times.ok, from, to);
  return static_cast<double>(ok) / static_cast<double>(total) >= threshold;
}

// First grid time T = start + i * step such that the success ratio of every kind holds at every grid time in
// [T, T + stable], with T + stable + window inside the run. Returns T - start.
std::optional<double> recovery_time(const InvokeTimes (&times)[2], const MetricsConfig& config, double start,
                                    double duration) {
  if (!(config.step_s > 0) || !(config.window_s > 0)) return std::nullopt;
  double latest_start = duration - config.stable_s - config.window_s + kTimeSlack;
  if (start > latest_start) return std::nullopt;
  uint64_t last_candidate = static_cast<uint64_t>(std::floor((latest_start - start) / config.step_s));
  uint64_t stable_steps = static_cast<uint64_t>(std::floor(config.stable_s / config.step_s + kTimeSlack));
  uint64_t run = 0;
  for (uint64_t j = 0; j <= last_candidate + stable_steps; ++j) {
    double t = start + static_cast<double>(j) * config.step_s;
    bool holds = ratio_holds(times[0], t, t + config.window_s, config.threshold) &&
                 ratio_holds(times[1], t, t + config.window_s, config.threshold);
    run = holds ? run + 1 : 0;
    if (run >= stable_steps + 1) {
      uint64_t i = j - stable_steps;
      if (i <= last_candidate) return static_cast<double>(i) * config.step_s;
    }
  }
  return std::nullopt;
}

// Times at which a node's role becomes primary, in record order. The roles the run starts with are recorded at
// t = 0 but are not changes: a node's first record only sets what "previous" means.
std::vector<double> promotion_times(const History& history) {
  std::map<int16_t, Role> previous;
  std::vector<double> times;
  for (const RoleChange& r : history.roles) {
    const auto it = previous.find(r.node);
    if (it != previous.end() && it->second != Role::Primary && r.role == Role::Primary) times.push_back(r.t);
    previous[r.node] = r.role;
  }
  return times;
}

// Times at which a DNS record starts being served with an answer other than its previous one; a record's first
// entry is its initial definition, not a change.
std::vector<double> routing_change_times(const History& history) {
  std::map<std::string, uint8_t> previous;
  std::vector<double> times;
  for (const DnsChange& d : history.dns) {
    const auto it = previous.find(d.record);
    if (it != previous.end() && it->second != d.answer_region) times.push_back(d.t);
    previous[d.record] = d.answer_region;
  }
  return times;
}

std::optional<double> first_time_at_or_after(const std::vector<double>& times, double start) {
  std::optional<double> first;
  for (double t : times)
    if (t >= start && (!first || t < *first)) first = t;
  if (first) return *first - start;
  return std::nullopt;
}

// Per-client op lists (op indices, invoke order), compressed: ops of client c are
// ops_by_client[offset[c] .. offset[c + 1]).
struct ClientOps {
  std::vector<uint32_t> offset, ops_by_client;
  explicit ClientOps(const History& history) {
    uint32_t clients = 0;
    for (const OpRecord& op : history.ops) clients = std::max(clients, op.client + 1);
    offset.assign(static_cast<size_t>(clients) + 1, 0);
    for (const OpRecord& op : history.ops) ++offset[op.client + 1];
    for (size_t c = 0; c < clients; ++c) offset[c + 1] += offset[c];
    ops_by_client.resize(history.ops.size());
    std::vector<uint32_t> fill(offset.begin(), offset.end() - 1);
    for (size_t i = 0; i < history.ops.size(); ++i) ops_by_client[fill[history.ops[i].client]++] = static_cast<uint32_t>(i);
  }
};

ClientRecovery client_recovery(const History& history, const ClientOps& by_client, double start, double until) {
  // Ops are sorted by invoke time, so the ops invoked in [start, until) are one index range.
  auto by_invoke = [](const OpRecord& op, double t) { return op.invoke_s < t; };
  size_t lo = static_cast<size_t>(std::lower_bound(history.ops.begin(), history.ops.end(), start, by_invoke) -
                                  history.ops.begin());
  size_t hi = static_cast<size_t>(std::lower_bound(history.ops.begin(), history.ops.end(), until, by_invoke) -
                                  history.ops.begin());
  std::map<uint32_t, uint32_t> last_failure;  // client -> op index
  for (size_t i = lo; i < hi; ++i) {
    if (!history.ops[i].ok()) last_failure[history.ops[i].client] = static_cast<uint32_t>(i);
  }
  ClientRecovery result;
  result.impacted_clients = last_failure.size();
  std::vector<double> recovery;
  for (const auto& [client, failed] : last_failure) {
    auto begin = by_client.ops_by_client.begin() + by_client.offset[client];
    auto end = by_client.ops_by_client.begin() + by_client.offset[client + 1];
    double value = kInfinity;
    for (auto it = std::upper_bound(begin, end, failed); it != end; ++it) {
      if (history.ops[*it].ok()) {
        value = history.ops[*it].invoke_s - start;
        break;
      }
    }
    if (value == kInfinity) ++result.not_recovered;
    recovery.push_back(value);
  }
  if (recovery.empty()) {
    result.p50_s = result.p99_s = result.max_s = 0.0;
    return result;
  }
  std::sort(recovery.begin(), recovery.end());
  auto finite = [](double v) -> std::optional<double> {
    if (v == kInfinity) return std::nullopt;
    return v;
  };
  result.p50_s = finite(percentile_nearest_rank(recovery, 50));
  result.p99_s = finite(percentile_nearest_rank(recovery, 99));
  result.max_s = finite(recovery.back());
  return result;
}

}  // namespace

FaultStats check_faults(const History& history, const MetricsConfig& config,
                        const std::vector<double>& lost_write_ack_s) {
  std::vector<FaultWindow> windows = fault_windows(history);
  FaultStats stats;

  InvokeTimes times[2];
  for (const OpRecord& op : history.ops) {
    InvokeTimes& t = times[op.kind == OpKind::Write ? 1 : 0];
    t.all.push_back(op.invoke_s);
    if (op.ok()) t.ok.push_back(op.invoke_s);
  }
  for (InvokeTimes& t : times) {
    std::sort(t.all.begin(), t.all.end());
    std::sort(t.ok.begin(), t.ok.end());
  }
  ClientOps by_client(history);
  std::vector<double> detections, decisions;
  for (const HealthVerdict& v : history.health)
    if (!v.healthy) detections.push_back(v.t);
  for (const ControllerDecision& d : history.decisions)
    if (d.action == "failover_start") decisions.push_back(d.t);
  const std::vector<double> promotions = promotion_times(history), routing_changes = routing_change_times(history);

  std::vector<FaultMetrics> metrics(windows.size());
  for (size_t f = 0; f < windows.size(); ++f) {
    const FaultWindow& w = windows[f];
    FaultMetrics& m = metrics[f];
    m.index = w.index;
    m.kind = w.kind;
    m.description = w.description;
    m.start_s = w.start_s;
    m.end_s = w.end_s;
    m.rto_s = recovery_time(times, config, w.start_s, history.duration_s);
    m.recovered = m.rto_s.has_value();
    m.detection_s = first_time_at_or_after(detections, w.start_s);
    m.decision_s = first_time_at_or_after(decisions, w.start_s);
    m.promotion_s = first_time_at_or_after(promotions, w.start_s);
    m.routing_s = first_time_at_or_after(routing_changes, w.start_s);
    double until = history.duration_s;
    for (size_t g = f + 1; g < windows.size(); ++g) {
      if (windows[g].start_s > w.start_s) {
        until = std::min(until, windows[g].start_s);
        break;
      }
    }
    m.client_recovery = client_recovery(history, by_client, w.start_s, until);
  }

  // RPO: a lost write belongs to the first fault (by start) still active after its ack. Ends are not monotone in
  // start order (nested faults), but their running maximum is, so "first fault with end > ack" is a binary search.
  std::vector<double> running_end(windows.size());
  for (size_t f = 0; f < windows.size(); ++f) {
    running_end[f] = f == 0 ? windows[f].effective_end() : std::max(running_end[f - 1], windows[f].effective_end());
  }
  std::vector<std::optional<double>> oldest_lost(windows.size());
  for (double ack : lost_write_ack_s) {
    size_t f = static_cast<size_t>(std::upper_bound(running_end.begin(), running_end.end(), ack) - running_end.begin());
    if (f == windows.size()) {
      ++stats.lost_writes_unattributed;
    } else if (ack < windows[f].start_s) {
      ++metrics[f].lost_writes;
      if (!oldest_lost[f] || ack < *oldest_lost[f]) oldest_lost[f] = ack;
    } else {
      ++metrics[f].lost_writes_after_fault;
    }
  }
  for (size_t f = 0; f < windows.size(); ++f) {
    if (oldest_lost[f]) metrics[f].data_loss_window_s = windows[f].start_s - *oldest_lost[f];
  }

  std::stable_sort(metrics.begin(), metrics.end(),
                   [](const FaultMetrics& a, const FaultMetrics& b) { return a.index < b.index; });
  stats.faults = std::move(metrics);
  return stats;
}

FaultStats check_faults(const History& history, const MetricsConfig& config) {
  return check_faults(history, config, check_write_safety(history).lost_write_ack_s);
}

// ---------------------------------------------------------------------------------------------------------------
// Split brain

SplitBrainStats check_split_brain(const History& history, const LineageIndex& lineage) {
  struct Interval {
    double start_s, end_s;
    bool ended;
    std::set<int16_t> primaries;
  };
  std::vector<size_t> order(history.roles.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return history.roles[a].t < history.roles[b].t; });

  // Changes at the same instant are applied together, so a same-time handover is not an overlap.
  std::map<int16_t, Role> role;
  std::vector<Interval> intervals;
  bool open = false;
  for (size_t i = 0; i < order.size();) {
    double t = history.roles[order[i]].t;
    for (; i < order.size() && history.roles[order[i]].t == t; ++i) {
      role[history.roles[order[i]].node] = history.roles[order[i]].role;
    }
    std::set<int16_t> primaries;
    for (const auto& [node, r] : role) {
      if (r == Role::Primary) primaries.insert(node);
    }
    if (primaries.size() >= 2) {
      if (!open) intervals.push_back({t, history.duration_s, false, {}});
      open = true;
      intervals.back().primaries.insert(primaries.begin(), primaries.end());
    } else if (open) {
      intervals.back().end_s = t;
      intervals.back().ended = true;
      open = false;
    }
  }

  std::vector<size_t> commit_order(history.commits.size());
  std::iota(commit_order.begin(), commit_order.end(), 0);
  std::stable_sort(commit_order.begin(), commit_order.end(),
                   [&](size_t a, size_t b) { return history.commits[a].t < history.commits[b].t; });
  std::vector<uint32_t> acked_ids;
  for (const OpRecord& op : history.ops) {
    if (op.kind == OpKind::Write && op.ok()) acked_ids.push_back(op.version);
  }
  std::sort(acked_ids.begin(), acked_ids.end());

  SplitBrainStats stats;
  for (const Interval& interval : intervals) {
    // [start, end), or [start, run end] when the overlap outlives the run.
    auto before = [&](size_t c, double t) { return history.commits[c].t < t; };
    auto from = std::lower_bound(commit_order.begin(), commit_order.end(), interval.start_s, before);
    auto to = interval.ended ? std::lower_bound(from, commit_order.end(), interval.end_s, before)
                             : std::upper_bound(from, commit_order.end(), interval.end_s,
                                                [&](double t, size_t c) { return t < history.commits[c].t; });
    std::map<int16_t, SplitBrainSide> sides;
    for (int16_t node : interval.primaries) sides[node];
    for (auto it = from; it != to; ++it) {
      const CommitRecord& c = history.commits[*it];
      SplitBrainSide& side = sides[c.node];
      ++side.writes_accepted;
      if (!lineage.in_lineage(c.write_id)) {
        ++side.writes_not_in_lineage;
        if (std::binary_search(acked_ids.begin(), acked_ids.end(), c.write_id)) ++side.writes_lost;
      }
    }
    size_t writing_sides = 0;
    for (const auto& [node, side] : sides) writing_sides += side.writes_accepted > 0;
    if (writing_sides < 2) {
      ++stats.near_misses;
      continue;
    }
    SplitBrainIncident incident;
    incident.start_s = interval.start_s;
    incident.end_s = interval.end_s;
    incident.ended = interval.ended;
    for (auto& [node, side] : sides) {
      side.node = name_or_index(history.nodes, node, "node");
      incident.sides.push_back(side);
    }
    ++stats.incidents;
    stats.total_duration_s += incident.end_s - incident.start_s;
    stats.list.push_back(std::move(incident));
  }
  return stats;
}

SplitBrainStats check_split_brain(const History& history) { return check_split_brain(history, LineageIndex(history)); }

// ---------------------------------------------------------------------------------------------------------------
// Availability, latency, replication lag, traffic

AvailabilityStats check_availability(const History& history) {
  AvailabilityStats stats;
  std::vector<RegionAvailability> regions;
  for (const OpRecord& op : history.ops) {
    if (op.region >= regions.size()) regions.resize(op.region + 1u);
    RegionAvailability& r = regions[op.region];
    bool write = op.kind == OpKind::Write;
    for (AvailabilityCell* cell : {&stats.all, write ? &stats.write : &stats.read, &r.all, write ? &r.write : &r.read}) {
      ++cell->attempted;
      cell->ok += op.ok();
    }
  }
  for (size_t i = 0; i < regions.size(); ++i) {
    if (regions[i].all.attempted == 0) continue;
    regions[i].region = name_or_index(history.regions, static_cast<int64_t>(i), "region");
    stats.by_region.push_back(std::move(regions[i]));
  }
  return stats;
}

LatencyStats check_latency(const History& history) {
  std::vector<std::vector<double>> samples[2];  // [kind][region]
  for (const OpRecord& op : history.ops) {
    if (!op.ok()) continue;
    auto& by_region = samples[op.kind == OpKind::Write ? 1 : 0];
    if (op.region >= by_region.size()) by_region.resize(op.region + 1u);
    by_region[op.region].push_back(op.complete_s - op.invoke_s);
  }
  LatencyStats stats;
  Distribution* overall[2] = {&stats.read, &stats.write};
  size_t regions = std::max(samples[0].size(), samples[1].size());
  for (int kind = 0; kind < 2; ++kind) {
    samples[kind].resize(regions);
    std::vector<double> all;
    for (const auto& values : samples[kind]) all.insert(all.end(), values.begin(), values.end());
    *overall[kind] = summarize(all);
  }
  for (size_t r = 0; r < regions; ++r) {
    if (samples[0][r].empty() && samples[1][r].empty()) continue;
    RegionLatency entry;
    entry.region = name_or_index(history.regions, static_cast<int64_t>(r), "region");
    entry.read = summarize(samples[0][r]);
    entry.write = summarize(samples[1][r]);
    stats.by_region.push_back(std::move(entry));
  }
  return stats;
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

RunMetrics compute_metrics(const History& history, const MetricsConfig& config) {
  LineageIndex lineage(history);
  RunMetrics m;
  m.duration_s = history.duration_s;
  m.writes = check_write_safety(history, lineage);
  FaultStats faults = check_faults(history, config, m.writes.lost_write_ack_s);
  m.faults = std::move(faults.faults);
  m.lost_writes_unattributed = faults.lost_writes_unattributed;
  m.stale_reads = check_stale_reads(history, lineage);
  m.sessions = check_sessions(history, lineage);
  m.split_brain = check_split_brain(history, lineage);
  m.availability = check_availability(history);
  m.latency = check_latency(history);
  m.replication_lag = check_replication_lag(history);
  m.traffic = check_traffic(history);
  return m;
}

}  // namespace mrsim
