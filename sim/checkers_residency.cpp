// Data residency: see checkers.h and docs/metrics.md ("Data residency"). From the History only: commits say where a
// write was taken, applies (multi-primary, leaderless) where it was copied to, role changes (single-primary) which replicas were
// receiving the committing primary's log, and ops which node served a read.
#include <algorithm>
#include <map>

#include "sim/checkers.h"

namespace mrsim {
namespace {

// The rule covering `key`, or nullptr (ranges do not overlap; validation sees to it).
const ResidencyRule* rule_for(const std::vector<ResidencyRule>& rules, uint32_t key) {
  for (const ResidencyRule& r : rules)
    if (key >= r.first_key && key <= r.last_key) return &r;
  return nullptr;
}

}  // namespace

ResidencyStats check_residency(const History& h, const std::vector<ResidencyRule>& rules,
                               const std::vector<RegionConfig>& regions) {
  ResidencyStats stats;
  stats.applicable = !rules.empty();
  std::map<std::string, ResidencyCounts> by;
  for (const ResidencyRule& r : rules) by[r.jurisdiction];

  // Each node's jurisdiction, through its region's name ("" when the region states none: outside every rule's).
  std::vector<std::string> node_jurisdiction(h.nodes.size());
  for (size_t n = 0; n < h.nodes.size() && n < h.node_region.size(); ++n) {
    const size_t region = h.node_region[n];
    if (region >= h.regions.size()) continue;
    for (const RegionConfig& rc : regions)
      if (rc.name == h.regions[region]) node_jurisdiction[n] = rc.jurisdiction;
  }
  auto outside = [&](int16_t node, const ResidencyRule& rule) {
    return node < 0 || static_cast<size_t>(node) >= node_jurisdiction.size() ||
           node_jurisdiction[static_cast<size_t>(node)] != rule.jurisdiction;
  };
  auto count = [&](const ResidencyRule& rule, uint64_t ResidencyCounts::*field) {
    ++(stats.total.*field);
    ++(by[rule.jurisdiction].*field);
  };

  // Acknowledged write ids (the final attempt's version of a successful write).
  std::vector<uint32_t> acked;
  for (const OpRecord& op : h.ops)
    if (op.kind == OpKind::Write && op.ok() && op.version != kNoVersion) acked.push_back(op.version);
  std::sort(acked.begin(), acked.end());

  // Single-primary: replicas receiving each node's log, swept in time order with the commits. A role change at the
  // commit's instant counts (the initial roles are recorded at t = 0, with the first commits after them).
  std::vector<size_t> role_order(h.roles.size());
  for (size_t i = 0; i < role_order.size(); ++i) role_order[i] = i;
  std::stable_sort(role_order.begin(), role_order.end(),
                   [&](size_t a, size_t b) { return h.roles[a].t < h.roles[b].t; });
  std::vector<size_t> commit_order(h.commits.size());
  for (size_t i = 0; i < commit_order.size(); ++i) commit_order[i] = i;
  std::stable_sort(commit_order.begin(), commit_order.end(),
                   [&](size_t a, size_t b) { return h.commits[a].t < h.commits[b].t; });
  std::vector<Role> role(h.nodes.size(), Role::Down);
  std::vector<int16_t> upstream(h.nodes.size(), kNoNode);
  const bool single_primary = h.topology == "single-primary";
  std::map<uint32_t, const ResidencyRule*> restricted_writes;  // write id -> its rule, for the applies below
  size_t next_role = 0;
  for (size_t i : commit_order) {
    const CommitRecord& c = h.commits[i];
    for (; next_role < role_order.size() && h.roles[role_order[next_role]].t <= c.t; ++next_role) {
      const RoleChange& e = h.roles[role_order[next_role]];
      if (e.node < 0 || static_cast<size_t>(e.node) >= role.size()) continue;
      role[static_cast<size_t>(e.node)] = e.role;
      upstream[static_cast<size_t>(e.node)] = e.upstream;
    }
    const ResidencyRule* rule = rule_for(rules, c.key);
    if (!rule) continue;
    restricted_writes[c.write_id] = rule;
    if (outside(c.node, *rule)) {
      count(*rule, &ResidencyCounts::writes_stored_outside);
      if (std::binary_search(acked.begin(), acked.end(), c.write_id))
        count(*rule, &ResidencyCounts::writes_acked_outside);
    }
    if (!single_primary) continue;
    for (size_t n = 0; n < role.size(); ++n) {
      const int16_t node = static_cast<int16_t>(n);
      if (node != c.node && role[n] == Role::Replica && upstream[n] == c.node && outside(node, *rule))
        count(*rule, &ResidencyCounts::writes_stored_outside);
    }
  }

  // Multi-primary and leaderless: every apply of a restricted write on a node outside.
  for (const ApplyRecord& a : h.applies) {
    auto it = restricted_writes.find(a.write_id);
    if (it != restricted_writes.end() && outside(a.node, *it->second))
      count(*it->second, &ResidencyCounts::writes_stored_outside);
  }

  for (const OpRecord& op : h.ops) {
    if (op.kind != OpKind::Read || !op.ok()) continue;
    const ResidencyRule* rule = rule_for(rules, op.key);
    if (rule && outside(op.node, *rule)) count(*rule, &ResidencyCounts::reads_served_outside);
  }
  for (auto& [jurisdiction, counts] : by) stats.by_jurisdiction.emplace_back(jurisdiction, counts);
  return stats;
}

}  // namespace mrsim
