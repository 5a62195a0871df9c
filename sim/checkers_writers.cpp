// Several-writer checkers (multi-primary): discarded writes and skew inversions, convergence, CRDT lost updates and
// siblings, as docs/metrics.md ("Several writers") defines them.
#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <set>

#include "sim/checkers.h"

namespace mrsim {

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

bool discards_writes(const History& h) {
  return h.topology == "multi-primary" && (h.conflict_resolution == "lww" || h.conflict_resolution == "lww-hlc");
}

// A commit or an apply: a write taking effect on a node.
struct Effect {
  uint32_t key;
  int16_t node;
  double t;
  bool is_commit;
  uint32_t write_id;
};

// Every write's effect on every node, ordered by (key, node, time), applies before commits at one instant (a
// store brings replication up to t before it commits at t).
std::vector<Effect> effects_by_key_node(const History& h, const std::vector<uint32_t>& key_of) {
  std::vector<Effect> out;
  out.reserve(h.commits.size() + h.applies.size());
  for (const CommitRecord& c : h.commits) out.push_back({c.key, c.node, c.t, true, c.write_id});
  for (const ApplyRecord& a : h.applies)
    if (a.write_id < key_of.size()) out.push_back({key_of[a.write_id], a.node, a.t, false, a.write_id});
  std::stable_sort(out.begin(), out.end(), [](const Effect& a, const Effect& b) {
    if (a.key != b.key) return a.key < b.key;
    if (a.node != b.node) return a.node < b.node;
    if (a.t != b.t) return a.t < b.t;
    return a.is_commit < b.is_commit;
  });
  return out;
}

std::vector<uint32_t> key_by_write(const History& h) {
  uint32_t max_id = 0;
  for (const CommitRecord& c : h.commits) max_id = std::max(max_id, c.write_id);
  std::vector<uint32_t> key_of(size_t(max_id) + 1, std::numeric_limits<uint32_t>::max());
  for (const CommitRecord& c : h.commits) key_of[c.write_id] = c.key;
  return key_of;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Discarded writes and skew inversions

ConflictStats check_conflicts(const History& h, const LineageIndex& lineage) {
  ConflictStats stats;
  if (!discards_writes(h)) return stats;
  struct Write {
    uint32_t id;
    uint32_t key;
    int16_t node;
    int64_t position;
    double commit_s, clock_s;
    double invoke_s;       // the op's, or the commit time for an attempt that was retried
    double ack_s = kNever;  // never for an unacknowledged write
    bool born_dead = false;  // its node held a newer write of the key when it committed
  };
  std::vector<Write> writes;
  writes.reserve(h.commits.size());
  std::map<uint32_t, size_t> index_of;  // write id -> index in writes
  for (const CommitRecord& c : h.commits) {
    const int64_t position = lineage.position(c.write_id);
    if (position < 0) continue;  // not in the lineage (a hand-written history): nothing to order it by
    index_of[c.write_id] = writes.size();
    writes.push_back({c.write_id, c.key, c.node, position, c.t, c.clock_s, c.t});
  }
  for (const OpRecord& op : h.ops) {
    if (op.kind != OpKind::Write || op.version == kNoVersion) continue;
    auto it = index_of.find(op.version);
    if (it == index_of.end()) continue;
    Write& w = writes[it->second];
    w.invoke_s = op.invoke_s;
    if (op.ok()) w.ack_s = op.complete_s;
  }
  // Born dead: replay each node's effects on each key in time order, tracking the newest position it holds.
  const std::vector<uint32_t> key_of = key_by_write(h);
  const std::vector<Effect> effects = effects_by_key_node(h, key_of);
  for (size_t i = 0; i < effects.size();) {
    size_t j = i;
    int64_t newest = LineageIndex::kInitial;
    for (; j < effects.size() && effects[j].key == effects[i].key && effects[j].node == effects[i].node; ++j) {
      const int64_t position = lineage.position(effects[j].write_id);
      if (effects[j].is_commit && position >= 0 && position < newest) {
        auto it = index_of.find(effects[j].write_id);
        if (it != index_of.end()) writes[it->second].born_dead = true;
      }
      newest = std::max(newest, position);
    }
    i = j;
  }
  // Per key, newest first: the earliest invoke and the earliest ack among the writes newer than each.
  std::sort(writes.begin(), writes.end(), [](const Write& a, const Write& b) {
    return a.key != b.key ? a.key < b.key : a.position > b.position;
  });
  std::vector<double> offsets;
  for (size_t i = 0; i < writes.size();) {
    double min_invoke = kNever, min_ack = kNever;
    size_t earliest_acked = 0;
    size_t j = i;
    for (; j < writes.size() && writes[j].key == writes[i].key; ++j) {
      const Write& w = writes[j];
      if (w.ack_s != kNever) {
        if (min_ack < w.invoke_s) {
          const Write& winner = writes[earliest_acked];
          ++stats.inversions.count;
          ++(w.born_dead ? stats.inversions.causal : stats.inversions.unseen);
          offsets.push_back((winner.clock_s - winner.commit_s) - (w.clock_s - w.commit_s));
          stats.inverted_ack_s.push_back(w.ack_s);
        } else if (min_invoke <= w.ack_s) {
          ++stats.overwritten_concurrent_writes;
        }
      }
      min_invoke = std::min(min_invoke, w.invoke_s);
      if (w.ack_s < min_ack) min_ack = w.ack_s, earliest_acked = j;
    }
    i = j;
  }
  if (!offsets.empty()) {
    double sum = 0;
    for (double o : offsets) sum += o;
    stats.inversions.offset_mean_s = sum / double(offsets.size());
    stats.inversions.offset_min_s = *std::min_element(offsets.begin(), offsets.end());
    stats.inversions.offset_max_s = *std::max_element(offsets.begin(), offsets.end());
  }
  std::sort(stats.inverted_ack_s.begin(), stats.inverted_ack_s.end());
  return stats;
}

// ---------------------------------------------------------------------------------------------------------------
// Convergence

ConvergenceStats check_convergence(const History& h, const LineageIndex& lineage) {
  ConvergenceStats stats;
  if (h.topology != "multi-primary") return stats;
  stats.applicable = true;
  for (const FaultEvent& f : h.faults)
    if (f.what == FaultEventKind::End && (f.kind == "region_outage" || f.kind == "partition"))
      stats.heal_s = std::max(stats.heal_s, f.t);
  const double heal = stats.heal_s;
  const bool by_rank = discards_writes(h);
  // Per key: what a node must hold — the newest position committed by the heal (by rank), or the number of writes
  // committed by the heal (every one of them).
  std::map<uint32_t, int64_t> newest;
  std::map<uint32_t, uint64_t> count;
  for (const CommitRecord& c : h.commits) {
    if (c.t > heal) continue;
    ++count[c.key];
    auto [it, fresh] = newest.emplace(c.key, lineage.position(c.write_id));
    if (!fresh) it->second = std::max(it->second, lineage.position(c.write_id));
  }
  const std::vector<uint32_t> key_of = key_by_write(h);
  std::vector<double> commit_t(key_of.size(), kNever);
  for (const CommitRecord& c : h.commits) commit_t[c.write_id] = c.t;
  const std::vector<Effect> effects = effects_by_key_node(h, key_of);
  const int16_t nodes = int16_t(h.nodes.size());
  double latest = heal;
  size_t e = 0;
  for (const auto& [key, needed] : count) {
    while (e < effects.size() && effects[e].key < key) ++e;
    bool converged = true;
    for (int16_t node = 0; node < nodes; ++node) {
      while (e < effects.size() && effects[e].key == key && effects[e].node < node) ++e;
      double covered = kNever;
      uint64_t have = 0;
      for (; e < effects.size() && effects[e].key == key && effects[e].node == node; ++e) {
        if (covered != kNever) continue;
        const Effect& x = effects[e];
        if (by_rank ? lineage.position(x.write_id) >= newest[key] : (commit_t[x.write_id] <= heal && ++have == needed))
          covered = std::max(heal, x.t);
      }
      if (covered == kNever) converged = false;
      else latest = std::max(latest, covered);
    }
    while (e < effects.size() && effects[e].key == key) ++e;
    if (!converged) ++stats.keys_not_converged;
  }
  if (stats.keys_not_converged == 0) stats.time_s = latest - heal;
  return stats;
}

// ---------------------------------------------------------------------------------------------------------------
// CRDT lost updates

CrdtStats check_crdt(const History& h) {
  CrdtStats stats;
  if (h.crdt_type.empty()) return stats;
  stats.applicable = true;
  const size_t nodes = h.nodes.size();
  std::set<uint32_t> acked;
  for (const OpRecord& op : h.ops)
    if (op.kind == OpKind::Write && op.ok()) acked.insert(op.version);
  // Commits by key, in commit order.
  std::map<uint32_t, std::vector<const CommitRecord*>> by_key;
  for (const CommitRecord& c : h.commits) by_key[c.key].push_back(&c);
  for (auto& [key, list] : by_key)
    std::stable_sort(list.begin(), list.end(), [](const CommitRecord* a, const CommitRecord* b) {
      return a->t != b->t ? a->t < b->t : a->write_id < b->write_id;
    });
  std::map<uint32_t, std::vector<const CrdtFinal*>> finals;
  for (const CrdtFinal& f : h.crdt_final) finals[f.key].push_back(&f);
  // Apply times by (write id, node).
  std::map<std::pair<uint32_t, int16_t>, double> applied_at;
  for (const ApplyRecord& a : h.applies) applied_at[{a.write_id, a.node}] = a.t;

  for (const auto& [key, list] : by_key) {
    if (key >= h.crdt_type.size()) continue;
    if (h.crdt_type[key] == 0) {
      // pn-counter: merged count per origin and sign = the maximum over nodes.
      std::vector<int64_t> merged(2 * nodes, 0);
      for (const CrdtFinal* f : finals[key])
        for (size_t i = 0; i < merged.size() && i < f->counts.size(); ++i) merged[i] = std::max(merged[i], f->counts[i]);
      std::vector<int64_t> seen(2 * nodes, 0);
      for (const CommitRecord* c : list) {
        if (c->node < 0 || size_t(c->node) >= nodes || c->arg == 0) continue;
        const size_t slot = size_t(c->node) + (c->arg > 0 ? 0 : nodes);
        if (++seen[slot] > merged[slot] && acked.count(c->write_id)) ++stats.lost_updates;
      }
      continue;
    }
    // or-set: expected membership per element from adds and the removes that observed them.
    std::map<int16_t, std::vector<const CommitRecord*>> adds, removes;
    for (const CommitRecord* c : list) (c->arg > 0 ? adds[c->arg] : removes[int16_t(-c->arg)]).push_back(c);
    std::set<int16_t> expected;
    for (const auto& [element, element_adds] : adds) {
      for (const CommitRecord* a : element_adds) {
        bool observed = false;
        for (const CommitRecord* r : removes[element]) {
          auto it = applied_at.find({a->write_id, r->node});
          if ((a->node == r->node && a->write_id < r->write_id) || (it != applied_at.end() && it->second <= r->t))
            observed = true;
        }
        if (!observed) expected.insert(element);
      }
    }
    // Compare with every node that applied every committed write of the key.
    std::vector<uint64_t> have(nodes, 0);
    for (const CommitRecord* c : list) {
      for (size_t n = 0; n < nodes; ++n)
        if (c->node == int16_t(n) || applied_at.count({c->write_id, int16_t(n)})) ++have[n];
    }
    std::set<int16_t> wrong;
    for (const CrdtFinal* f : finals[key]) {
      if (f->node < 0 || size_t(f->node) >= nodes || have[size_t(f->node)] != list.size()) continue;
      const std::set<int16_t> held(f->elements.begin(), f->elements.end());
      for (int16_t e : expected)
        if (!held.count(e)) wrong.insert(e);
      for (int16_t e : held)
        if (!expected.count(e)) wrong.insert(e);
    }
    stats.lost_updates += wrong.size();
  }
  return stats;
}

// ---------------------------------------------------------------------------------------------------------------
// Siblings

SiblingStats check_siblings(const History& h) {
  SiblingStats stats;
  if (h.conflict_resolution != "siblings") return stats;
  stats.applicable = true;
  std::vector<SiblingChange> changes = h.siblings;
  std::stable_sort(changes.begin(), changes.end(), [](const SiblingChange& a, const SiblingChange& b) {
    if (a.node != b.node) return a.node < b.node;
    if (a.key != b.key) return a.key < b.key;
    return a.t < b.t;
  });
  std::vector<double> lifetimes;
  for (size_t i = 0; i < changes.size();) {
    size_t j = i;
    double opened = kNever;
    for (; j < changes.size() && changes[j].node == changes[i].node && changes[j].key == changes[i].key; ++j) {
      const SiblingChange& c = changes[j];
      stats.max_versions = std::max<uint64_t>(stats.max_versions, c.versions);
      if (c.versions >= 2 && opened == kNever) {
        opened = c.t;
        ++stats.created;
      } else if (c.versions <= 1 && opened != kNever) {
        lifetimes.push_back(c.t - opened);
        opened = kNever;
      }
    }
    if (opened != kNever) ++stats.open_at_end;
    i = j;
  }
  stats.lifetime_s = summarize(lifetimes);
  return stats;
}

}  // namespace mrsim
