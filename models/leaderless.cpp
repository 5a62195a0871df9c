#include "models/leaderless.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "sim/recorder.h"

namespace mrsim {

LeaderlessStore::LeaderlessStore(const DatabaseConfig& config, std::vector<NodeSpec> nodes, Network& network,
                                 Recorder& recorder, uint64_t seed)
    : Store(std::move(nodes)), quorum_(config.quorum), entry_bytes_(config.entry_bytes), network_(network),
      recorder_(recorder) {
  const int n = node_count();
  if (int(quorum_.delays.size()) != n) throw std::logic_error("leaderless store: one set of delays per replica");
  replicas_.resize(size_t(n));
  for (int i = 0; i < n; ++i) {
    replicas_[size_t(i)].host_element = network_.host_element(region(i), Endpoint::Db);
    replicas_[size_t(i)].applied.assign(config.keys, kNoVersion);
    streams_.emplace_back(seed, "leaderless/" + name(i));
    recorder_.role({0.0, int16_t(i), Role::Primary, 1, kNoNode});
  }
  network_.add_listener([this](uint16_t element, bool up, double t) { on_network_change(element, up, t); });
}

void LeaderlessStore::advance(double t) {
  while (!due_.empty() && due_.top().t <= t) {
    const Due d = due_.top();
    due_.pop();
    Replica& r = replicas_[d.replica];
    auto it = r.pending.find(d.key);
    if (it == r.pending.end()) continue;  // folded with an earlier entry of the same key
    auto& list = it->second;
    uint32_t& applied = r.applied[d.key];
    for (const Pending& p : list)
      if (p.t <= t) applied = std::max(applied, p.write_id);
    list.erase(std::remove_if(list.begin(), list.end(), [&](const Pending& p) { return p.t <= t; }), list.end());
    if (list.empty()) r.pending.erase(it);
  }
}

void LeaderlessStore::schedule_apply(int replica, uint32_t key, uint32_t write_id, double at, int coordinator) {
  if (replica != coordinator) recorder_.apply({at, write_id, int16_t(replica)});
  replicas_[size_t(replica)].pending[key].push_back({at, write_id});
  due_.push({at, seq_++, uint32_t(replica), key});
}

uint32_t LeaderlessStore::state_at(int replica, uint32_t key, double at) const {
  const Replica& r = replicas_[size_t(replica)];
  uint32_t v = r.applied[key];
  auto it = r.pending.find(key);
  if (it != r.pending.end())
    for (const Pending& p : it->second)
      if (p.t <= at) v = std::max(v, p.write_id);
  return v;
}

WriteResult LeaderlessStore::write(int node, uint32_t key, int16_t arg, double t) {
  WriteResult result;
  if (!serves_reads(node)) return result;
  advance(t);
  RandomStream& stream = streams_[size_t(node)];
  const int n = node_count();
  // Every replica's W and A are drawn, reachable or not, so one replica's reachability never shifts the others'.
  std::vector<double> w(static_cast<size_t>(n)), a(static_cast<size_t>(n));
  std::vector<bool> ok(static_cast<size_t>(n));
  int reachable_count = 0;
  for (int i = 0; i < n; ++i) {
    w[size_t(i)] = quorum_.delays[size_t(i)].write.sample(stream);
    a[size_t(i)] = quorum_.delays[size_t(i)].ack.sample(stream);
    ok[size_t(i)] = reachable(node, i);
    reachable_count += ok[size_t(i)];
  }
  if (reachable_count < int(quorum_.w)) return result;  // Unavailable: nothing is sent
  const uint32_t id = ++writes_;
  std::vector<double> acks;
  for (int i = 0; i < n; ++i) {
    if (!ok[size_t(i)]) {
      if (quorum_.hinted_handoff) hints_.push_back({node, i, key, id, w[size_t(i)]});
      continue;
    }
    const Route& there = route(node, i);
    const double applied_at = t + there.transfer_s(entry_bytes_, t) + w[size_t(i)];
    network_.account(there, entry_bytes_);
    schedule_apply(i, key, id, applied_at, node);
    acks.push_back(applied_at + route(i, node).transfer_s(0, applied_at) + a[size_t(i)]);
  }
  std::nth_element(acks.begin(), acks.begin() + (quorum_.w - 1), acks.end());
  const double commit = acks[quorum_.w - 1];
  recorder_.commit({commit, id, key, int16_t(node), arg, 0.0});
  result.accepted = true;
  result.write_id = id;
  result.ack_ready_s = commit;
  return result;
}

ReadResult LeaderlessStore::read(int node, uint32_t key, double t, const ReadOptions& /*options*/) {
  ReadResult result;
  if (!serves_reads(node)) return result;
  advance(t);
  RandomStream& stream = streams_[size_t(node)];
  const int n = node_count();
  struct Response {
    double at;
    int replica;
    uint32_t version;
  };
  std::vector<double> r(static_cast<size_t>(n)), s(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    r[size_t(i)] = quorum_.delays[size_t(i)].read.sample(stream);
    s[size_t(i)] = quorum_.delays[size_t(i)].response.sample(stream);
  }
  std::vector<Response> responses;
  for (int i = 0; i < n; ++i) {
    if (!reachable(node, i)) continue;
    const double read_at = t + route(node, i).transfer_s(0, t) + r[size_t(i)];
    const Route& back = route(i, node);
    network_.account(back, entry_bytes_);
    responses.push_back({read_at + back.transfer_s(entry_bytes_, read_at) + s[size_t(i)], i, state_at(i, key, read_at)});
  }
  if (responses.size() < quorum_.r) return result;  // Unavailable
  std::sort(responses.begin(), responses.end(), [](const Response& x, const Response& y) {
    return x.at != y.at ? x.at < y.at : x.replica < y.replica;
  });
  responses.resize(quorum_.r);
  uint32_t newest = kNoVersion;
  for (const Response& x : responses) newest = std::max(newest, x.version);
  result.served = true;
  result.version = newest;
  result.ready_s = responses.back().at;
  if (quorum_.read_repair)
    for (const Response& x : responses) {
      if (x.version >= newest) continue;
      const Route& there = route(node, x.replica);
      network_.account(there, entry_bytes_);
      schedule_apply(x.replica, key, newest,
                     result.ready_s + there.transfer_s(entry_bytes_, result.ready_s) +
                         quorum_.delays[size_t(x.replica)].write.sample(stream),
                     node);
    }
  return result;
}

void LeaderlessStore::on_network_change(uint16_t element, bool up, double t) {
  for (int i = 0; i < node_count(); ++i)
    if (replicas_[size_t(i)].host_element == element)
      recorder_.role({t, int16_t(i), up ? Role::Primary : Role::Down, 1, kNoNode});
  if (!up || hints_.empty()) return;
  // Hints whose route is whole again go out now, in the order they were taken.
  std::vector<Hint> kept;
  for (const Hint& h : hints_) {
    if (!reachable(h.coordinator, h.replica)) {
      kept.push_back(h);
      continue;
    }
    const Route& there = route(h.coordinator, h.replica);
    network_.account(there, entry_bytes_);
    schedule_apply(h.replica, h.key, h.write_id, t + there.transfer_s(entry_bytes_, t) + h.delay_s, h.coordinator);
  }
  hints_.swap(kept);
}

NodeStatus LeaderlessStore::status(int node, double /*t*/) { return {role(node), 1, -1, writes_}; }

void LeaderlessStore::promote(int, uint32_t, double) {
  throw std::logic_error("leaderless store: every node coordinates, nothing to promote");
}

void LeaderlessStore::rejoin(int, int, uint32_t, double) {
  throw std::logic_error("leaderless store: nodes do not follow an upstream");
}

void LeaderlessStore::finish(History& history) {
  advance(history.duration_s);
  history.final_primary = kNoNode;
  history.final_lineage.resize(writes_);
  std::iota(history.final_lineage.begin(), history.final_lineage.end(), 1u);
}

}  // namespace mrsim
