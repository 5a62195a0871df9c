#include "models/single_primary.h"

#include <algorithm>
#include <cassert>

#include "sim/recorder.h"

namespace mrsim {

namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();
}

namespace {
std::vector<Store::NodeSpec> store_specs(const std::vector<SinglePrimaryStore::NodeSpec>& nodes) {
  std::vector<Store::NodeSpec> out;
  for (const auto& n : nodes) out.push_back({n.name, n.region});
  return out;
}
}  // namespace

SinglePrimaryStore::SinglePrimaryStore(const DatabaseConfig& config, std::vector<NodeSpec> nodes, int primary,
                                       Network& network, Recorder& recorder)
    : Store(store_specs(nodes)), config_(config), network_(network), recorder_(recorder) {
  nodes_.reserve(nodes.size());  // a Node holds a deque and is copied when the vector grows: key tables with it
  settled_kv_.assign(config_.keys, kNoVersion);
  for (auto& spec : nodes) {
    Node n;
    n.spec = std::move(spec);
    n.host_element = network_.host_element(n.spec.region, Endpoint::Db);
    n.kv.assign(config_.keys, kNoVersion);
    if (n.spec.mode == ReplicationMode::Cdc)
      n.cdc = std::make_unique<CdcPipeline>(config_.cdc, int16_t(nodes_.size()), n.spec.name, recorder_);
    nodes_.push_back(std::move(n));
  }
  for (const Node& n : nodes_) has_semi_sync_ = has_semi_sync_ || n.spec.mode == ReplicationMode::SemiSync;
  for (int i = 0; i < node_count(); ++i) {
    Node& n = nodes_[i];
    if (i == primary) {
      n.role = Role::Primary;
    } else {
      n.role = Role::Replica;
      n.upstream = primary;
      n.in.connected = true;  // streams start established
    }
    recorder_.role({0.0, int16_t(i), n.role, n.term, int16_t(n.upstream)});
  }
  network_.add_listener([this](uint16_t element, bool up, double t) { on_network_change(element, up, t); });
}

const Route& SinglePrimaryStore::stream_route(int from, int to) const {
  return network_.route(nodes_[from].spec.region, Endpoint::Db, nodes_[to].spec.region, Endpoint::Db);
}

void SinglePrimaryStore::set_role(Node& n, Role role, double t) {
  n.role = role;
  const int16_t index = int16_t(&n - nodes_.data());
  recorder_.role({t, index, role, n.term, int16_t(n.upstream)});
}

double SinglePrimaryStore::ship(Node& n, const LogEntry& e, double start) {
  const Route& r = stream_route(n.upstream, int(&n - nodes_.data()));
  if (n.cdc) {
    const double applied = n.cdc->ship(e, start, r.latency_s);
    n.in.in_flight.push_back({e, applied});
    network_.account(r, config_.entry_bytes);
    return applied;
  }
  const double tx_end = std::max(start, n.in.tx_free_at) + config_.entry_bytes / r.bottleneck_Bps;
  n.in.tx_free_at = tx_end;
  double arrival = tx_end + r.latency_s + config_.apply_delay_s;
  if (r.effects) {  // a degraded link: later, but in order (one TCP stream)
    arrival += r.effects->stream_delay(r, tx_end);
    if (!n.in.in_flight.empty()) arrival = std::max(arrival, n.in.in_flight.back().arrival_s);
  }
  n.in.in_flight.push_back({e, arrival});
  network_.account(r, config_.entry_bytes);
  return arrival;
}

void SinglePrimaryStore::drain(Node& n, double t) {
  if (n.upstream < 0) return;
  Stream& s = n.in;
  if (!s.connected && s.resume_at <= t) {
    const Node& up = nodes_[n.upstream];
    if (!follows_history(n, up)) {
      // The upstream was rewound (or deposed and rejoined elsewhere) while this replica was cut off: its position
      // is no longer in the upstream's history, and streaming refuses to resume, as PostgreSQL does ("requested
      // starting point is ahead of the WAL flush position", or a timeline that is not a child of the server's).
      // It stays disconnected until the controller re-points it (rejoin rewinds it).
      s.resume_at = kNever;
    } else {
      // The route has been whole since before resume_at (a break would have reset resume_at): reconnect then and
      // re-send everything past the replica's position, paced by the bandwidth (a cdc pipeline's survivors of the
      // break are still on their way: past those).
      s.connected = true;
      s.tx_free_at = s.resume_at;
      for (size_t i = n.log.size() + s.in_flight.size(); i < up.log.size(); ++i) ship(n, up.log[i], s.resume_at);
    }
  }
  while (!s.in_flight.empty() && s.in_flight.front().arrival_s <= t) {
    const LogEntry& e = s.in_flight.front().entry;
    n.log.push_back(e);
    n.kv[e.key] = e.write_id;
    s.in_flight.pop_front();
  }
}

bool SinglePrimaryStore::follows_history(const Node& n, const Node& up) {
  // Logs of one run share write ids only along a common history, so comparing the replica's last entry with the
  // upstream's entry at that position decides whether the replica's log is a prefix of the upstream's.
  if (n.log.empty()) return true;
  return n.log.size() <= up.log.size() && up.log[n.log.size() - 1].write_id == n.log.back().write_id;
}

void SinglePrimaryStore::disconnect(Node& n, double t) {
  n.in.connected = false;
  n.in.in_flight.clear();
  n.in.resume_at = kNever;
  if (n.cdc) n.cdc->reset(t);
}

void SinglePrimaryStore::cut_cdc(Node& n, double t) {
  n.in.connected = false;
  // What already reached the target region is still applied; the rest waits for the stream to resume.
  n.in.in_flight.resize(n.cdc->cut(t, nodes_[n.upstream].role != Role::Down));
  n.in.resume_at = kNever;
}

void SinglePrimaryStore::on_network_change(uint16_t element, bool up, double t) {
  for (Node& n : nodes_) {
    if (element == n.host_element) {
      if (!up) {
        n.was_primary = n.role == Role::Primary;
        set_role(n, Role::Down, t);
      } else {
        set_role(n, n.was_primary || n.upstream < 0 ? Role::Recovering : Role::Replica, t);
      }
    }
  }
  if (!up && !semi_.waiting.empty()) semi_sync_breaks(t);
  for (Node& n : nodes_) {
    if (n.upstream < 0) continue;
    const Route& r = stream_route(n.upstream, int(&n - nodes_.data()));
    if (!std::binary_search(r.elements.begin(), r.elements.end(), element)) continue;
    if (!up) {
      drain(n, t);
      if (n.cdc && n.role != Role::Down) cut_cdc(n, t); else disconnect(n, t);
    } else if (!n.in.connected && network_.route_up(r)) {
      n.in.resume_at = t + config_.reconnect_delay_s;
    }
  }
}

bool SinglePrimaryStore::serves_reads(int node) const {
  const Role r = nodes_[node].role;
  return r == Role::Primary || r == Role::Replica;
}

ReadResult SinglePrimaryStore::read(int node, uint32_t key, double t, const ReadOptions& options) {
  Node& n = nodes_[node];
  drain(n, t);
  if (options.min_version != kNoVersion && n.role == Role::Replica &&
      (n.log.empty() || n.log.back().write_id < options.min_version))
    return read_behind(n, key, t, options);
  return {serves_reads(node), n.kv[key], t + config_.read_service_s};
}

ReadResult SinglePrimaryStore::read_behind(Node& n, uint32_t key, double t, const ReadOptions& options) {
  // The entry that brings the replica to the token, if it is on the stream: the replica answers once it replays.
  const std::deque<InFlight>& in_flight = n.in.in_flight;
  uint32_t version = n.kv[key];
  for (const InFlight& f : in_flight) {
    if (f.arrival_s - t > options.max_wait_s) break;  // arrivals are in log order, so ascending
    if (f.entry.key == key) version = f.entry.write_id;
    if (f.entry.write_id >= options.min_version) return {true, version, f.arrival_s + config_.read_service_s};
  }
  // Not within the wait: forward to the primary once it has run out.
  int primary = n.upstream >= 0 && nodes_[n.upstream].role == Role::Primary ? n.upstream : -1;
  for (int i = 0; primary < 0 && i < node_count(); ++i)
    if (nodes_[i].role == Role::Primary) primary = i;
  if (primary < 0) return {false, kNoVersion, t};
  const Route& there = network_.route(n.spec.region, Endpoint::Db, nodes_[primary].spec.region, Endpoint::Db);
  const Route& back = network_.route(nodes_[primary].spec.region, Endpoint::Db, n.spec.region, Endpoint::Db);
  if (!network_.route_up(there) || !network_.route_up(back)) return {false, kNoVersion, t};
  network_.account(there, options.request_bytes);
  network_.account(back, options.response_bytes);
  const double sent = t + options.max_wait_s;
  const double answered = sent + there.transfer_s(options.request_bytes, sent) + config_.read_service_s;
  return {true, nodes_[primary].kv[key], answered + back.transfer_s(options.response_bytes, answered), primary};
}

WriteResult SinglePrimaryStore::write(int node, uint32_t key, int16_t /*arg*/, double t) {
  WriteResult result;
  Node& p = nodes_[node];
  if (p.role != Role::Primary) return result;
  const LogEntry e{next_write_id_++, key, t};
  p.log.push_back(e);
  p.kv[key] = e.write_id;
  recorder_.commit({t, e.write_id, key, int16_t(node), 0, t});
  if (++commits_since_compact_ >= compact_every_) compact(t);
  result.accepted = true;
  result.write_id = e.write_id;
  result.ack_ready_s = t + config_.write_service_s;
  if (has_semi_sync_) settle_semi_sync(node, t);
  const bool semi = has_semi_sync_ && semi_.on;
  std::vector<double> receipts;
  if (semi) receipts.assign(size_t(node_count()), kNever);
  for (int i = 0; i < node_count(); ++i) {
    Node& r = nodes_[i];
    if (r.upstream != node) continue;
    drain(r, t);  // may reconnect the stream, which then already carries this entry
    if (!r.in.connected) continue;
    const double arrival = r.in.in_flight.empty() || r.in.in_flight.back().entry.write_id != e.write_id
                               ? ship(r, e, t)
                               : r.in.in_flight.back().arrival_s;
    if (r.spec.mode == ReplicationMode::Sync) {
      result.waits_on_sync = true;
      const double ack = arrival + stream_route(i, node).latency_s;
      result.ack_ready_s = std::max(result.ack_ready_s, ack);
    } else if (semi && r.spec.mode == ReplicationMode::SemiSync) {  // received (relay log), not yet replayed
      receipts[size_t(i)] = arrival - config_.apply_delay_s + stream_route(i, node).latency_s;
    }
  }
  if (semi) {
    result.waits_on_sync = true;
    result.ack_ready_s = std::max(result.ack_ready_s, semi_sync_wait(e.write_id, t, std::move(receipts)));
  }
  return result;
}

double SinglePrimaryStore::kth_ack(const std::vector<double>& acks) const {
  std::vector<double> sorted = acks;
  const size_t k = std::min<size_t>(config_.semi_sync_wait_count, sorted.size()) - 1;
  std::nth_element(sorted.begin(), sorted.begin() + long(k), sorted.end());
  return sorted[k];
}

double SinglePrimaryStore::semi_sync_wait(uint32_t write_id, double t, std::vector<double> acks) {
  const double kth = kth_ack(acks);
  double ack = kth;
  if (semi_.off_at < kNever) {
    ack = std::min(kth, semi_.off_at);  // a waiting commit's timeout switches the source off: all are released
  } else if (kth > t + config_.semi_sync_timeout_s) {
    semi_.off_at = t + config_.semi_sync_timeout_s;
    ack = semi_.off_at;
  }
  semi_.waiting.push_back({write_id, t, std::move(acks)});
  return ack;
}

void SinglePrimaryStore::settle_semi_sync(int primary, double t) {
  auto released = [this](const Waiting& w) { return std::min(kth_ack(w.acks), semi_.off_at); };
  while (!semi_.waiting.empty() && released(semi_.waiting.front()) <= t) semi_.waiting.pop_front();
  if (semi_.on && semi_.off_at <= t) {
    semi_.on = false;
    semi_.off_since = semi_.off_at;
    recorder_.decision({semi_.off_at, "semi_sync_off", int16_t(primary),
                        "a commit waited the timeout for " + std::to_string(config_.semi_sync_wait_count) +
                            " semi-sync acknowledgement(s): replication is asynchronous"});
    semi_.off_at = kNever;
    semi_.waiting.clear();
  }
  if (semi_.on) return;
  // Back on once a connected semi-sync replica's sender has sent everything committed: at the end of its resend,
  // or, if it was idle already, when it sends this commit.
  double on_at = kNever;
  for (Node& r : nodes_) {
    if (r.upstream != primary || r.spec.mode != ReplicationMode::SemiSync) continue;
    drain(r, t);
    if (!r.in.connected || r.in.tx_free_at > t) continue;
    on_at = std::min(on_at, r.in.tx_free_at > semi_.off_since ? r.in.tx_free_at : t);
  }
  if (on_at == kNever) return;
  semi_.on = true;
  recorder_.decision({on_at, "semi_sync_on", int16_t(primary), "a semi-sync replica caught up: semi-sync again"});
}

double SinglePrimaryStore::ack_after_break(int /*node*/, uint32_t write_id, double t) {
  semi_sync_breaks(t);
  for (const Waiting& w : semi_.waiting)
    if (w.write_id == write_id) return std::min(kth_ack(w.acks), semi_.off_at);
  return kNever;
}

// Breaks while commits wait: a semi-sync replica whose route (there or back) broke between a commit and its
// acknowledgement acknowledges nothing, and the first commit left without enough acknowledgements will time out.
// Judged from the network's recorded down times, so it does not matter whether this store or a client hears of a
// break first.
void SinglePrimaryStore::semi_sync_breaks(double t) {
  for (Waiting& w : semi_.waiting)
    for (int i = 0; i < node_count(); ++i) {
      double& ack = w.acks[size_t(i)];
      if (ack == kNever) continue;
      const int up = nodes_[i].upstream;
      if (network_.broken_during(stream_route(up, i), w.commit_s, std::min(ack, t)) ||
          network_.broken_during(stream_route(i, up), w.commit_s, std::min(ack, t)))
        ack = kNever;
    }
  for (const Waiting& w : semi_.waiting)
    if (semi_.off_at == kNever && kth_ack(w.acks) > w.commit_s + config_.semi_sync_timeout_s)
      semi_.off_at = w.commit_s + config_.semi_sync_timeout_s;
}

bool SinglePrimaryStore::ack_wait_broken(int primary, double from, double to) const {
  for (int i = 0; i < node_count(); ++i) {
    const Node& r = nodes_[i];
    if (r.upstream != primary || r.spec.mode == ReplicationMode::Async) continue;
    if (network_.broken_during(stream_route(primary, i), from, to) ||
        network_.broken_during(stream_route(i, primary), from, to))
      return true;
  }
  return false;
}

NodeStatus SinglePrimaryStore::status(int node, double t) {
  Node& n = nodes_[node];
  drain(n, t);
  return {n.role, n.term, n.upstream, n.log.size()};
}

void SinglePrimaryStore::promote(int node, uint32_t term, double t) {
  Node& n = nodes_[node];
  drain(n, t);
  disconnect(n, t);
  n.upstream = -1;
  n.term = term;
  n.was_primary = false;
  set_role(n, Role::Primary, t);
  if (has_semi_sync_) {  // a new source starts with semi-sync on
    semi_ = SemiSync{};
    recorder_.decision({t, "semi_sync_on", int16_t(node), "a new source starts with semi-sync on"});
  }
}

void SinglePrimaryStore::rejoin(int node, int upstream, uint32_t term, double t) {
  Node& n = nodes_[node];
  drain(n, t);
  disconnect(n, t);
  const Node& up = nodes_[upstream];
  // Logs of one history share a prefix, so the longest common prefix can be found by bisection (every log shares
  // the compacted part).
  size_t lo = n.log.base(), hi = std::min(n.log.size(), up.log.size());
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (n.log[mid - 1].write_id == up.log[mid - 1].write_id) lo = mid; else hi = mid - 1;
  }
  if (lo < n.log.size()) {
    n.log.resize(lo);
    rebuild_kv(n);
  }
  // Whoever followed this node follows a rewound log now: cut them off until the controller re-points them.
  for (Node& d : nodes_)
    if (d.upstream == node) disconnect(d, t);
  n.upstream = upstream;
  n.term = term;
  n.was_primary = false;
  n.in.resume_at = network_.route_up(stream_route(upstream, node)) ? t : kNever;
  set_role(n, Role::Replica, t);
}

void SinglePrimaryStore::fence(int node, uint32_t term, double t) {
  Node& n = nodes_[node];
  if (n.role != Role::Primary || term < n.term) return;
  drain(n, t);
  n.term = term;
  set_role(n, Role::Recovering, t);
}

void SinglePrimaryStore::rebuild_kv(Node& n) {
  n.kv = settled_kv_;
  for (const auto& e : n.log) n.kv[e.key] = e.write_id;
}

// Drops the prefix every node's log shares, but the last entry of each log (read() and follows_history() look at a
// log's last entry), and hands it to the history as the start of the final lineage: a shared entry is in every
// later log, the authoritative one at the end included.
void SinglePrimaryStore::compact(double t) {
  commits_since_compact_ = 0;
  size_t shortest = nodes_[0].log.size();
  for (const Node& n : nodes_) shortest = std::min(shortest, n.log.size());
  const size_t base = nodes_[0].log.base();
  if (shortest <= base + 1) return;
  // Logs of one history that hold the same write id at a position share everything before it: bisect on position.
  const auto shared = [&](size_t i) {
    for (const Node& n : nodes_)
      if (n.log[i].write_id != nodes_[0].log[i].write_id) return false;
    return true;
  };
  size_t lo = base, hi = shortest - 1;  // positions < lo are shared; keep each log's last entry
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (shared(mid - 1)) lo = mid; else hi = mid - 1;
  }
  if (lo == base) return;
  for (size_t i = base; i < lo; ++i) {
    const LogEntry& e = nodes_[0].log[i];
    settled_kv_[e.key] = e.write_id;
    recorder_.settle(e.write_id, e.key, t);
  }
  for (Node& n : nodes_) n.log.drop_to(lo);
}

double SinglePrimaryStore::lag_s(int node, double t) {
  Node& n = nodes_[node];
  if (n.upstream < 0 || n.role != Role::Replica) return -1;
  drain(n, t);
  const Node& up = nodes_[n.upstream];
  return n.log.size() < up.log.size() ? t - up.log[n.log.size()].commit_s : 0.0;
}

void SinglePrimaryStore::finish(History& history) {
  // The authoritative log: the node that claims the primary role (or held it when its host went down) with the
  // highest term; ties go to the lowest index.
  int best = -1;
  for (int i = 0; i < node_count(); ++i) {
    const Node& n = nodes_[i];
    const bool claims = n.role == Role::Primary || n.was_primary;
    if (!claims) continue;
    if (best < 0 || n.term > nodes_[best].term) best = i;
  }
  if (best < 0) best = 0;
  for (Node& n : nodes_)
    if (n.cdc) n.cdc->finish();
  history.final_primary = int16_t(best);
  // The compacted prefix is in the history already (Recorder::settle); the rest of the authoritative log follows.
  for (const auto& e : nodes_[best].log) recorder_.settle(e.write_id, e.key, history.duration_s);
}

}  // namespace mrsim
