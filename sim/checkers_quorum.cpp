// Leaderless quorums: t-visibility and k-staleness (docs/metrics.md, "Leaderless quorums"), after PBS (Bailis et
// al., "Probabilistically Bounded Staleness for Practical Partial Quorums", VLDB 2012).
#include <algorithm>

#include "sim/checkers.h"

namespace mrsim {

const std::vector<double>& t_visibility_points_s() {
  static const std::vector<double> points = {0, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10};
  return points;
}

const std::vector<uint32_t>& k_staleness_points() {
  static const std::vector<uint32_t> points = {1, 2, 3, 5, 10};
  return points;
}

QuorumStats check_quorum(const History& history, const LineageIndex& lineage) {
  QuorumStats stats;
  if (history.topology != "leaderless") return stats;
  stats.applicable = true;
  // Committed writes by key, in commit-time order, with the running maximum of their lineage position: "the newest
  // version committed at or before x" is one binary search.
  struct Committed {
    uint32_t key;
    double t;
    int64_t position;
  };
  std::vector<Committed> commits;
  for (const CommitRecord& c : history.commits) {
    const int64_t position = lineage.position(c.write_id);
    if (position != LineageIndex::kAbsent) commits.push_back({c.key, c.t, position});
  }
  std::sort(commits.begin(), commits.end(), [](const Committed& a, const Committed& b) {
    if (a.key != b.key) return a.key < b.key;
    if (a.t != b.t) return a.t < b.t;
    return a.position < b.position;
  });
  std::vector<int64_t> running_max(commits.size());
  for (size_t i = 0; i < commits.size(); ++i) {
    const bool same_key = i > 0 && commits[i - 1].key == commits[i].key;
    running_max[i] = same_key ? std::max(running_max[i - 1], commits[i].position) : commits[i].position;
  }

  const std::vector<double>& ts = t_visibility_points_s();
  const std::vector<uint32_t>& ks = k_staleness_points();
  stats.t_visibility.assign(ts.size(), {});
  stats.k_staleness.assign(ks.size(), {});
  for (size_t i = 0; i < ts.size(); ++i) stats.t_visibility[i].t_s = ts[i];
  for (size_t i = 0; i < ks.size(); ++i) stats.k_staleness[i].k = ks[i];
  std::vector<uint64_t> t_ok(ts.size(), 0), k_ok(ks.size(), 0);
  uint64_t behind_sum = 0;
  for (const OpRecord& op : history.ops) {
    if (op.kind != OpKind::Read || !op.ok()) continue;
    const int64_t position = lineage.position(op.version);
    if (position == LineageIndex::kAbsent) continue;
    auto begin = std::lower_bound(commits.begin(), commits.end(), op.key,
                                  [](const Committed& c, uint32_t k) { return c.key < k; });
    auto end = std::upper_bound(begin, commits.end(), op.key, [](uint32_t k, const Committed& c) { return k < c.key; });
    for (size_t i = 0; i < ts.size(); ++i) {
      // The newest version committed at or before invoke - t.
      auto after = std::upper_bound(begin, end, op.invoke_s - ts[i], [](double x, const Committed& c) { return x < c.t; });
      if (after == begin) break;  // nothing committed that early, nor for any larger t
      const int64_t reference = running_max[size_t(after - commits.begin()) - 1];
      ++stats.t_visibility[i].reads;
      t_ok[i] += position >= reference;
      if (i != 0) continue;
      ++stats.reads;
      const uint64_t behind = position >= reference ? 0 : lineage.versions_between(op.key, position, reference);
      for (size_t k = 0; k < ks.size(); ++k) k_ok[k] += behind < ks[k];
      if (behind == 0) continue;
      ++stats.stale_reads;
      behind_sum += behind;
      stats.versions_behind_max = std::max(stats.versions_behind_max, behind);
    }
  }
  for (size_t i = 0; i < ts.size(); ++i)
    if (stats.t_visibility[i].reads > 0)
      stats.t_visibility[i].probability = double(t_ok[i]) / double(stats.t_visibility[i].reads);
  for (size_t k = 0; k < ks.size(); ++k)
    if (stats.reads > 0) stats.k_staleness[k].probability = double(k_ok[k]) / double(stats.reads);
  if (stats.stale_reads > 0) stats.versions_behind_mean = double(behind_sum) / double(stats.stale_reads);
  return stats;
}

}  // namespace mrsim
