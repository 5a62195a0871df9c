// Data-safety checkers: stale reads, session guarantees, lost writes, split brain (docs/metrics.md).
#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "sim/checkers.h"

namespace mrsim {

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
    stats.stale_invoke_s.push_back(op.invoke_s);
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

int group_of(const std::vector<ClientGroup>& groups, uint32_t client) {
  auto it = std::upper_bound(groups.begin(), groups.end(), client,
                             [](uint32_t c, const ClientGroup& g) { return c < g.first_client; });
  if (it == groups.begin()) return -1;
  --it;
  return client - it->first_client < it->count ? static_cast<int>(it - groups.begin()) : -1;
}

SessionStats check_sessions(const History& history, const LineageIndex& lineage,
                            std::vector<SessionStats>* by_group) {
  if (by_group) by_group->assign(history.client_groups.size(), SessionStats{});
  // The stats the current client's violations also count in: its group's, when a breakdown is asked for.
  SessionStats* group = nullptr;
  auto group_stats = [&](uint32_t client) -> SessionStats* {
    if (!by_group) return nullptr;
    const int g = group_of(history.client_groups, client);
    return g < 0 ? nullptr : &(*by_group)[static_cast<size_t>(g)];
  };
  // Successful ops grouped by (client, key); within a group op index order is invoke order (ops are sorted by
  // invoke time). Each read is checked against what the client had seen *complete* before the read was invoked.
  struct Entry {
    uint64_t client_key;  // client in the high half: one integer comparison orders by (client, key)
    uint32_t op;
    uint32_t client() const { return static_cast<uint32_t>(client_key >> 32); }
  };
  // Ordered by (client, key, op): a counting pass by client (stable, so each client's ops stay in op order), then
  // each client's few ops by key. The same order as one sort of all, without its n log n over the whole history.
  uint32_t clients = 0;
  size_t ok_ops = 0;
  for (const OpRecord& op : history.ops)
    if (op.ok()) {
      clients = std::max(clients, op.client + 1);
      ++ok_ops;
    }
  std::vector<size_t> first(size_t(clients) + 1, 0);
  for (const OpRecord& op : history.ops)
    if (op.ok()) ++first[size_t(op.client) + 1];
  for (size_t c = 0; c < clients; ++c) first[c + 1] += first[c];
  std::vector<Entry> entries(ok_ops);
  {
    std::vector<size_t> next(first.begin(), first.end() - 1);
    for (size_t i = 0; i < history.ops.size(); ++i) {
      const OpRecord& op = history.ops[i];
      if (op.ok()) entries[next[op.client]++] = {(uint64_t{op.client} << 32) | op.key, static_cast<uint32_t>(i)};
    }
  }
  for (size_t c = 0; c < clients; ++c)
    std::sort(entries.begin() + std::ptrdiff_t(first[c]), entries.begin() + std::ptrdiff_t(first[c + 1]),
              [](const Entry& a, const Entry& b) {
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
      if (group) {
        group->clients_with_read_your_writes_violations += client_ryw;
        group->clients_with_monotonic_read_violations += client_mr;
      }
      client_ryw = client_mr = false;
      group = group_stats(entries[begin].client());
    }
    // A client's only successful op on a key has nothing completed before it on that key to contradict.
    if (end - begin == 1) {
      begin = end;
      continue;
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
        if (group) ++group->read_your_writes_violations;
        client_ryw = true;
      }
      if (position < newest_read) {
        ++stats.monotonic_read_violations;
        if (group) ++group->monotonic_read_violations;
        client_mr = true;
      }
    }
    begin = end;
  }
  stats.clients_with_read_your_writes_violations += client_ryw;
  stats.clients_with_monotonic_read_violations += client_mr;
  if (group) {
    group->clients_with_read_your_writes_violations += client_ryw;
    group->clients_with_monotonic_read_violations += client_mr;
  }
  return stats;
}

SessionStats check_sessions(const History& history) { return check_sessions(history, LineageIndex(history)); }

std::vector<GroupSessionStats> check_session_groups(const History& history, const LineageIndex& lineage) {
  std::vector<GroupSessionStats> out;
  if (history.client_groups.empty()) return out;
  std::vector<SessionStats> sessions;
  check_sessions(history, lineage, &sessions);
  std::vector<std::vector<double>> latencies(history.client_groups.size());
  out.resize(history.client_groups.size());
  for (const OpRecord& op : history.ops) {
    if (op.kind != OpKind::Read || !op.ok()) continue;
    const int g = group_of(history.client_groups, op.client);
    if (g < 0) continue;
    tally_session_group_read(out[static_cast<size_t>(g)], history, static_cast<size_t>(g), op);
    latencies[static_cast<size_t>(g)].push_back(op.complete_s - op.invoke_s);
  }
  for (size_t g = 0; g < out.size(); ++g) {
    describe_session_group(out[g], history, g);
    out[g].sessions = sessions[g];
    out[g].read_latency_s = summarize(latencies[g]);
  }
  return out;
}

void tally_session_group_read(GroupSessionStats& stats, const History& history, size_t g, const OpRecord& op) {
  ++stats.reads;
  const bool known_node = op.node >= 0 && static_cast<size_t>(op.node) < history.node_region.size();
  if (known_node && history.node_region[static_cast<size_t>(op.node)] != op.region) {
    const ClientGroup& group = history.client_groups[g];
    ++stats.cross_region_reads;
    stats.cross_region_read_bytes += uint64_t{group.request_bytes} + group.response_bytes;
  }
}

void describe_session_group(GroupSessionStats& stats, const History& history, size_t g) {
  const ClientGroup& group = history.client_groups[g];
  stats.strategy = group.strategy;
  stats.region = name_or_index(history.regions, group.region, "region");
  stats.first_client = group.first_client;
  stats.clients = group.count;
}

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
  // Several writers: skew inversions are lost writes too (docs/metrics.md, "Several writers").
  const ConflictStats conflicts = check_conflicts(history, lineage);
  stats.overwritten_concurrent_writes = conflicts.overwritten_concurrent_writes;
  stats.skew_inversions = conflicts.inversions;
  stats.lost_writes += conflicts.inversions.count;
  stats.lost_write_ack_s.insert(stats.lost_write_ack_s.end(), conflicts.inverted_ack_s.begin(),
                                conflicts.inverted_ack_s.end());
  std::sort(stats.lost_write_ack_s.begin(), stats.lost_write_ack_s.end());
  return stats;
}

WriteSafetyStats check_write_safety(const History& history) { return check_write_safety(history, LineageIndex(history)); }

// ---------------------------------------------------------------------------------------------------------------
// Split brain

SplitBrainStats check_split_brain(const History& history, const LineageIndex& lineage) {
  if (history.topology != "single-primary") return {};  // several coordinators are the design, not an incident
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
      const bool in_lineage = lineage.in_lineage(c.write_id);
      tally_split_brain_commit(sides, c.node, in_lineage,
                               !in_lineage && std::binary_search(acked_ids.begin(), acked_ids.end(), c.write_id));
    }
    add_split_brain_interval(stats, history, interval.start_s, interval.end_s, interval.ended, std::move(sides));
  }
  return stats;
}

SplitBrainStats check_split_brain(const History& history) { return check_split_brain(history, LineageIndex(history)); }

void tally_split_brain_commit(std::map<int16_t, SplitBrainSide>& sides, int16_t node, bool in_lineage, bool acked) {
  SplitBrainSide& side = sides[node];
  ++side.writes_accepted;
  if (in_lineage) return;
  ++side.writes_not_in_lineage;
  if (acked) ++side.writes_lost;
}

void add_split_brain_interval(SplitBrainStats& stats, const History& history, double start_s, double end_s, bool ended,
                              std::map<int16_t, SplitBrainSide> sides) {
  size_t writing_sides = 0;
  for (const auto& [node, side] : sides) writing_sides += side.writes_accepted > 0;
  if (writing_sides < 2) {
    ++stats.near_misses;
    return;
  }
  SplitBrainIncident incident;
  incident.start_s = start_s;
  incident.end_s = end_s;
  incident.ended = ended;
  for (auto& [node, side] : sides) {
    side.node = name_or_index(history.nodes, node, "node");
    incident.sides.push_back(side);
  }
  ++stats.incidents;
  stats.total_duration_s += incident.end_s - incident.start_s;
  stats.list.push_back(std::move(incident));
}

}  // namespace mrsim
