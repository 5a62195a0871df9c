#include "models/raft_range.h"

#include <algorithm>
#include <string>

#include "sim/recorder.h"

namespace mrsim {

RaftRangeStore::RaftRangeStore(const DatabaseConfig& config, std::vector<NodeSpec> nodes, int leader,
                               Network& network, Recorder& recorder, RandomStream elections)
    : Store(std::move(nodes)),
      config_(config),
      network_(network),
      recorder_(recorder),
      elections_(elections),
      leader_(leader) {
  nodes_.resize(size_t(node_count()));
  for (int i = 0; i < node_count(); ++i) {
    Node& n = nodes_[size_t(i)];
    n.host = network_.host_element(region(i), Endpoint::Db);
    n.kv.assign(config_.keys, kNoVersion);
    n.kv_append.assign(config_.keys, -kNever);
    n.role = i == leader ? Role::Primary : Role::Replica;
    recorder_.role({0.0, int16_t(i), n.role, term_, int16_t(i == leader ? -1 : leader)});
  }
  network_.add_listener([this](uint16_t element, bool up, double t) {
    for (int i = 0; i < node_count(); ++i)
      if (nodes_[size_t(i)].host == element) set_role(i, up ? Role::Replica : Role::Down, t);
    on_network_change(t);
  });
}

const Route& RaftRangeStore::route(int from, int to) const {
  return network_.route(region(from), Endpoint::Db, region(to), Endpoint::Db);
}

bool RaftRangeStore::reachable(int a, int b) const {
  return network_.route_up(route(a, b)) && network_.route_up(route(b, a));
}

double RaftRangeStore::majority_at(const std::vector<double>& arrival) const {
  std::vector<double> sorted = arrival;
  const size_t k = size_t(majority()) - 1;
  std::nth_element(sorted.begin(), sorted.begin() + long(k), sorted.end());
  return sorted[k];
}

// When the gateway has the answer: the leader learns of the commit from the majority's acknowledgements, then
// answers the gateway.
double RaftRangeStore::ack_time(const Waiting& w) const {
  const Entry& e = log_[w.index];
  if (e.commit_s == kNever) return kNever;
  std::vector<double> learn(w.arrival.size());
  for (size_t i = 0; i < learn.size(); ++i)
    learn[i] = int(i) == e.leader ? w.arrival[i] : w.arrival[i] + route(int(i), e.leader).latency_s;
  return majority_at(learn) + route(e.leader, w.gateway).latency_s;
}

void RaftRangeStore::set_role(int node, Role role, double t) {
  Node& n = nodes_[size_t(node)];
  if (n.role == role) return;
  n.role = role;
  const int lead = leader_ >= 0 ? leader_ : pending_leader_;
  recorder_.role({t, int16_t(node), role, term_, int16_t(role == Role::Replica ? lead : -1)});
}

void RaftRangeStore::settle(double t) {
  if (pending_leader_ < 0 || pending_at_ > t) return;
  leader_ = pending_leader_;
  pending_leader_ = -1;
  set_role(leader_, Role::Primary, pending_at_);
  recorder_.decision({pending_at_, "range_leader", int16_t(leader_),
                      "leaseholder of the range in term " + std::to_string(term_)});
  for (int i = 0; i < node_count(); ++i)  // itself first: it applies what it holds as it takes over
    if (i == leader_ || reachable(leader_, i)) schedule_catch_up(i, pending_at_);
}

// Entries still on their way when a route breaks do not arrive; an entry that no longer reaches a majority is never
// committed. Judged from the network's recorded down times, so the order in which listeners hear of a break does not
// matter.
void RaftRangeStore::settle_breaks(double t) {
  for (Waiting& w : waiting_) {
    Entry& e = log_[w.index];
    if (e.commit_s == kNever) continue;
    bool changed = false;
    for (int i = 0; i < node_count(); ++i) {
      double& a = w.arrival[size_t(i)];
      if (a == kNever || i == e.leader) continue;
      if (network_.broken_during(route(e.leader, i), e.append_s, std::min(a, t))) a = kNever, changed = true;
    }
    if (changed) e.commit_s = majority_at(w.arrival);
  }
}

void RaftRangeStore::on_network_change(double t) {
  settle(t);
  settle_breaks(t);
  // Followers cut off from the leader lose what was still on its way to them; they catch up later.
  const int lead = leader_ >= 0 ? leader_ : pending_leader_;
  for (int i = 0; i < node_count(); ++i) {
    Node& n = nodes_[size_t(i)];
    if (i == lead || (lead >= 0 && reachable(lead, i))) continue;
    apply(n, t);
    // What had reached it stays (the next leader commits it); what was still on its way is lost, and resent later.
    const auto lost = [&](const std::pair<double, size_t>& p) {
      const Entry& e = log_[p.second];
      return e.append_s + route(e.leader, i).latency_s > t;
    };
    for (const auto& p : n.pending)
      if (lost(p)) n.sent = std::min(n.sent, p.second);
    n.pending.erase(std::remove_if(n.pending.begin(), n.pending.end(), lost), n.pending.end());
    std::make_heap(n.pending.begin(), n.pending.end(), std::greater<>());
  }
  if (lead >= 0) {
    int reach = 0;
    for (int i = 0; i < node_count(); ++i) reach += i == lead || reachable(lead, i);
    if (reach >= majority()) {  // the leader keeps its majority: followers it reaches again catch up
      if (leader_ >= 0)
        for (int i = 0; i < node_count(); ++i)
          if (i != lead && reachable(lead, i)) schedule_catch_up(i, t);
      return;
    }
    // The leader lost its majority (or its region): its lease runs out lease_duration later.
    recorder_.decision({t, "range_leader_lost", int16_t(lead),
                        "the leader reaches " + std::to_string(reach) + " of " + std::to_string(node_count()) +
                            " replicas"});
    if (leader_ >= 0) {
      lease_end_ = t + config_.lease_duration_s;
      if (nodes_[size_t(leader_)].role == Role::Primary) set_role(leader_, Role::Replica, t);
    }
    leader_ = pending_leader_ = -1;
    pending_at_ = kNever;
  }
  elect(t, std::max(lease_end_, t));
}

void RaftRangeStore::elect(double t, double lease_end) {
  for (int c = 0; c < node_count(); ++c) {
    if (nodes_[size_t(c)].role == Role::Down) continue;
    std::vector<int> side;
    for (int i = 0; i < node_count(); ++i)
      if (i == c || (nodes_[size_t(i)].role != Role::Down && reachable(c, i))) side.push_back(i);
    if (int(side.size()) < majority()) continue;
    // Every member draws its election timeout; the first to run out among the most up-to-date wins.
    size_t most = 0;
    for (int i : side) most = std::max(most, nodes_[size_t(i)].sent);
    int winner = -1;
    double best = kNever;
    for (int i : side) {
      const double timeout = config_.election_timeout_s * (1 + elections_.uniform01());
      if (nodes_[size_t(i)].sent == most && timeout < best) best = timeout, winner = i;
    }
    std::vector<double> votes;
    for (int i : side) votes.push_back(i == winner ? 0.0 : route(winner, i).latency_s + route(i, winner).latency_s);
    std::nth_element(votes.begin(), votes.begin() + (majority() - 1), votes.end());
    const double elected = t + best + votes[size_t(majority() - 1)];
    ++term_;
    pending_leader_ = winner;
    pending_at_ = std::max(elected, lease_end);
    recorder_.decision({t, "range_election", int16_t(winner),
                        "term " + std::to_string(term_) + ": elected after " + std::to_string(best) +
                            " s of election timeout, serving once the old lease has run out"});
    return;
  }
  if (no_majority_at_ == t) return;  // one instant's several element changes are one change
  no_majority_at_ = t;
  recorder_.decision({t, "range_no_majority", kNoNode, "no side of the network holds a majority of the replicas"});
}

void RaftRangeStore::schedule_catch_up(int node, double t) {
  Node& n = nodes_[size_t(node)];
  const int lead = leader_;
  if (n.sent >= log_.size() || lead < 0) return;
  const Route& r = route(lead, node);
  double at = node == lead ? t : t + r.latency_s;
  for (size_t i = n.sent; i < log_.size(); ++i) {
    if (node != lead) at += config_.entry_bytes / r.bottleneck_Bps;
    if (log_[i].commit_s != kNever) push(n, std::max(at, log_[i].commit_s), i);
  }
  n.sent = log_.size();
}

void RaftRangeStore::push(Node& n, double at, size_t index) {
  n.pending.push_back({at, index});
  std::push_heap(n.pending.begin(), n.pending.end(), std::greater<>());
}

void RaftRangeStore::apply(Node& n, double t) {
  while (!n.pending.empty() && n.pending.front().first <= t) {
    const Entry& e = log_[n.pending.front().second];
    if (e.commit_s != kNever && e.append_s > n.kv_append[e.key]) {
      n.kv[e.key] = e.write_id;
      n.kv_append[e.key] = e.append_s;
    }
    ++n.applied;
    std::pop_heap(n.pending.begin(), n.pending.end(), std::greater<>());
    n.pending.pop_back();
  }
}

bool RaftRangeStore::serves_reads(int node) const { return nodes_[size_t(node)].role != Role::Down; }

ReadResult RaftRangeStore::read(int node, uint32_t key, double t, const ReadOptions&) {
  settle(t);
  Node& n = nodes_[size_t(node)];
  if (config_.follower_read_staleness_s > 0) {
    apply(n, t);
    const double lag = lag_s(node, t);
    if (lag <= config_.follower_read_staleness_s) return {true, n.kv[key], t + config_.read_service_s};
  }
  const int lead = leader_ >= 0 ? leader_ : pending_leader_;
  if (lead < 0 || !reachable(node, lead)) return {true, kNoVersion, kNever};  // waits for a leaseholder
  const double arrive = std::max(t + route(node, lead).latency_s, leader_ >= 0 ? 0.0 : pending_at_);
  settle(arrive);  // a leader that takes over by then has applied what it holds
  Node& l = nodes_[size_t(lead)];
  apply(l, arrive);
  return {true, l.kv[key], arrive + config_.read_service_s + route(lead, node).latency_s};
}

WriteResult RaftRangeStore::write(int node, uint32_t key, int16_t /*arg*/, double t) {
  settle(t);
  WriteResult result;
  result.accepted = true;
  result.waits_on_sync = true;
  result.ack_ready_s = kNever;  // until a leaseholder takes it: the client times out
  const int lead = leader_ >= 0 ? leader_ : pending_leader_;
  if (lead < 0 || !reachable(node, lead)) return result;
  const double at_leader = std::max(t + route(node, lead).latency_s, leader_ >= 0 ? 0.0 : pending_at_);
  const double append = at_leader + config_.write_service_s;
  const size_t index = log_.size();
  Waiting w{index, node, std::vector<double>(size_t(node_count()), kNever)};
  for (int i = 0; i < node_count(); ++i)
    if (i == lead) w.arrival[size_t(i)] = append;
    else if (reachable(lead, i)) w.arrival[size_t(i)] = append + route(lead, i).transfer_s(config_.entry_bytes, append);
  log_.push_back({next_write_id_++, key, append, majority_at(w.arrival), int16_t(lead)});
  const Entry& e = log_.back();
  recorder_.commit({append, e.write_id, key, int16_t(lead), 0, append});
  result.write_id = e.write_id;
  result.ack_ready_s = ack_time(w);
  const double learned = result.ack_ready_s - route(lead, node).latency_s;
  for (int i = 0; i < node_count(); ++i) {
    Node& n = nodes_[size_t(i)];
    if (n.sent != index || w.arrival[size_t(i)] == kNever) continue;  // behind: catches up later
    push(n, i == lead ? learned : learned + route(lead, i).latency_s, index);
    n.sent = index + 1;
  }
  while (!waiting_.empty() &&
         (log_[waiting_.front().index].commit_s == kNever || ack_time(waiting_.front()) < t))
    waiting_.pop_front();
  waiting_.push_back(std::move(w));
  return result;
}

bool RaftRangeStore::ack_wait_broken(int node, double from, double to) const {
  for (int i = 0; i < node_count(); ++i)
    for (int j = 0; j < node_count(); ++j)
      if (i != j && network_.broken_during(route(i, j), from, to)) return true;
  (void)node;
  return false;
}

double RaftRangeStore::ack_after_break(int node, uint32_t write_id, double t) {
  settle_breaks(t);  // whichever heard of the break first, the entries in flight are judged the same way
  for (const Waiting& w : waiting_) {
    const Entry& e = log_[w.index];
    if (e.write_id != write_id) continue;
    if (network_.broken_during(route(node, e.leader), e.append_s, t) ||
        network_.broken_during(route(e.leader, node), e.append_s, t))
      return kNever;  // the answer cannot come back
    return ack_time(w);
  }
  return kNever;
}

NodeStatus RaftRangeStore::status(int node, double t) {
  settle(t);
  Node& n = nodes_[size_t(node)];
  apply(n, t);
  return {n.role, term_, leader_, n.applied};  // log position: entries applied
}

double RaftRangeStore::lag_s(int node, double t) {
  settle(t);
  Node& n = nodes_[size_t(node)];
  if (n.role != Role::Replica) return -1;
  apply(n, t);
  // The oldest committed entry it has not applied: still on its way, or not yet sent (cut off from the leader).
  double oldest = kNever;
  for (const auto& p : n.pending) oldest = std::min(oldest, log_[p.second].commit_s);
  for (size_t i = n.sent; i < log_.size(); ++i)
    if (log_[i].commit_s != kNever) {
      oldest = std::min(oldest, log_[i].commit_s);
      break;
    }
  return oldest <= t ? t - oldest : 0.0;
}

void RaftRangeStore::finish(History& history) {
  history.final_primary = int16_t(leader_ >= 0 ? leader_ : std::max(pending_leader_, 0));
  // The leader's order: append time (ties: the order the writes reached their gateways).
  std::vector<size_t> order;
  for (size_t i = 0; i < log_.size(); ++i)
    if (log_[i].commit_s != kNever) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [this](size_t a, size_t b) { return log_[a].append_s < log_[b].append_s; });
  history.final_lineage.clear();
  for (size_t i : order) history.final_lineage.push_back(log_[i].write_id);
}

}  // namespace mrsim
