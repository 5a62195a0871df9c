#include "models/multi_primary.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "models/clocks.h"
#include "sim/random.h"
#include "sim/recorder.h"

namespace mrsim {

namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();

bool dominates(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {  // a >= b everywhere
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] < b[i]) return false;
  return true;
}
}  // namespace

MultiPrimaryStore::MultiPrimaryStore(const DatabaseConfig& config, std::vector<NodeSpec> nodes, const ClockSet& clocks,
                                     Network& network, Recorder& recorder)
    : Store(std::move(nodes)), config_(config), network_(network), recorder_(recorder) {
  const int n = node_count();
  nodes_.resize(size_t(n));
  commits_by_origin_.resize(size_t(n));
  std::vector<int> by_name(static_cast<size_t>(n));
  std::iota(by_name.begin(), by_name.end(), 0);
  std::sort(by_name.begin(), by_name.end(), [&](int a, int b) { return name(a) < name(b); });
  name_rank_.resize(size_t(n));
  for (int r = 0; r < n; ++r) name_rank_[size_t(by_name[size_t(r)])] = uint16_t(r);
  for (int i = 0; i < n; ++i) {
    Node& node = nodes_[size_t(i)];
    node.host_element = network_.host_element(region(i), Endpoint::Db);
    node.clock = &clocks.clock(region(i), ClockRole::Db);
    node.kv.assign(config_.keys, kNoVersion);
    node.applied_from.assign(size_t(n), 0);
    recorder_.role({0.0, int16_t(i), Role::Primary, 1, kNoNode});
  }
  // Streams: a full mesh, or each node to the next in `regions` order.
  for (int from = 0; from < n; ++from)
    for (int to = 0; to < n; ++to) {
      if (from == to || (config_.ring && to != (from + 1) % n)) continue;
      Stream s;
      s.from = from;
      s.to = to;
      s.route_elements = stream_route(from, to).elements;
      streams_.push_back(std::move(s));
    }
  network_.add_listener([this](uint16_t element, bool up, double t) { on_network_change(element, up, t); });
}

const Route& MultiPrimaryStore::stream_route(int from, int to) const {
  return network_.route(region(from), Endpoint::Db, region(to), Endpoint::Db);
}

const CrdtRange* MultiPrimaryStore::crdt_range(uint32_t key) const {
  for (const CrdtRange& r : config_.crdt)
    if (key >= r.first && key <= r.last) return &r;
  return nullptr;
}

bool MultiPrimaryStore::carries(const Stream& s, uint32_t write_id) const {
  const int origin = entries_[write_id - 1].origin;
  return config_.ring ? origin != s.to : origin == s.from;
}

void MultiPrimaryStore::ship(Stream& s, size_t log_index, double start) {
  const Route& r = stream_route(s.from, s.to);
  const double tx_end = std::max(start, s.tx_free_at) + config_.entry_bytes / r.bottleneck_Bps;
  s.tx_free_at = tx_end;
  double arrival = tx_end + r.latency_s + config_.apply_delay_s;
  if (r.effects) {  // a degraded link: later, but in order (one TCP stream)
    arrival += r.effects->stream_delay(r, tx_end);
    if (!s.in_flight.empty()) arrival = std::max(arrival, s.in_flight.back().arrival_s);
  }
  s.in_flight.push_back({nodes_[size_t(s.from)].log[log_index], log_index, arrival});
  network_.account(r, config_.entry_bytes);
}

void MultiPrimaryStore::advance(double t) {
  // Process every stream event up to t in time order; ties go to the lower stream index, arrivals before the
  // reconnection of the same stream.
  for (;;) {
    double best_t = kNever;
    int best = -1;
    for (int i = 0; i < int(streams_.size()); ++i) {
      const Stream& s = streams_[size_t(i)];
      const double at = s.connected ? (s.in_flight.empty() ? kNever : s.in_flight.front().arrival_s) : s.resume_at;
      if (at <= t && at < best_t) best_t = at, best = i;
    }
    if (best < 0) return;
    Stream& s = streams_[size_t(best)];
    if (s.connected) {
      const InFlight f = s.in_flight.front();
      s.in_flight.pop_front();
      s.delivered = f.log_index + 1;
      apply(s.to, f.write_id, f.arrival_s);
      continue;
    }
    // Reconnect and resend everything this stream carries past what was applied, paced by the bandwidth.
    s.connected = true;
    s.tx_free_at = s.resume_at;
    const std::vector<uint32_t>& log = nodes_[size_t(s.from)].log;
    for (size_t i = s.delivered; i < log.size(); ++i)
      if (carries(s, log[i])) ship(s, i, s.resume_at);
    if (s.in_flight.empty()) s.delivered = log.size();
  }
}

MultiPrimaryStore::Stamp MultiPrimaryStore::stamp_for(int node, double t) {
  Node& n = nodes_[size_t(node)];
  const double pt = n.clock->local_time(t);
  Stamp stamp;
  stamp.name_rank = name_rank_[size_t(node)];
  if (config_.conflict != ConflictResolution::LwwHlc) {
    stamp.l = pt;
    return stamp;
  }
  // HLC send/local event: l' = max(l, pt); c = l' == l ? c + 1 : 0.
  if (pt > n.hlc_l) {
    n.hlc_l = pt;
    n.hlc_c = 0;
  } else {
    ++n.hlc_c;
  }
  stamp.l = n.hlc_l;
  stamp.c = n.hlc_c;
  return stamp;
}

void MultiPrimaryStore::resolve(int node, uint32_t write_id, double t) {
  Node& n = nodes_[size_t(node)];
  Entry& e = entry(write_id);
  const uint32_t key = e.key;
  switch (config_.conflict) {
    case ConflictResolution::Lww:
    case ConflictResolution::LwwHlc: {
      const uint32_t current = n.kv[key];
      if (current == kNoVersion || entry(current).stamp < e.stamp) n.kv[key] = write_id;
      return;
    }
    case ConflictResolution::Crdt: {
      n.kv[key] = std::max(n.kv[key], write_id);  // reads report the newest write (commit order) applied
      const CrdtRange* range = crdt_range(key);
      if (range->type == CrdtType::PnCounter) {
        auto& c = n.counters[key];
        if (c.empty()) c.assign(2 * size_t(node_count()), 0);
        ++c[size_t(e.origin) + (e.arg > 0 ? 0 : size_t(node_count()))];
        return;
      }
      auto& elements = n.sets[key];
      auto& dead = n.tombstones[key];
      const int16_t element = int16_t(e.arg > 0 ? e.arg : -e.arg);
      if (e.arg > 0) {
        if (!dead.count(write_id)) elements[element].insert(write_id);
        return;
      }
      for (uint32_t tag : e.removes) {
        dead.insert(tag);
        auto it = elements.find(element);
        if (it != elements.end()) it->second.erase(tag);
      }
      auto it = elements.find(element);
      if (it != elements.end() && it->second.empty()) elements.erase(it);
      return;
    }
    case ConflictResolution::Siblings: {
      auto& versions = n.siblings[key];
      const size_t before = versions.size();
      for (const Sibling& v : versions)
        if (dominates(v.clock, e.clock)) return;  // already superseded here (cannot happen for FIFO, kept for safety)
      versions.erase(std::remove_if(versions.begin(), versions.end(),
                                    [&](const Sibling& v) { return dominates(e.clock, v.clock); }),
                     versions.end());
      versions.push_back({write_id, e.clock});
      n.kv[key] = std::max(n.kv[key], write_id);
      if (versions.size() != before) recorder_.sibling({t, key, int16_t(node), uint16_t(versions.size())});
      return;
    }
  }
}

void MultiPrimaryStore::apply(int node, uint32_t write_id, double t) {
  Node& n = nodes_[size_t(node)];
  const Entry& e = entry(write_id);
  if (config_.conflict == ConflictResolution::LwwHlc) {
    // HLC receive: l' = max(l, l_m, pt); c follows whichever of them set l'.
    const double pt = n.clock->local_time(t);
    const double l = std::max({n.hlc_l, e.stamp.l, pt});
    if (l == n.hlc_l && l == e.stamp.l) n.hlc_c = std::max(n.hlc_c, e.stamp.c) + 1;
    else if (l == n.hlc_l) ++n.hlc_c;
    else if (l == e.stamp.l) n.hlc_c = e.stamp.c + 1;
    else n.hlc_c = 0;
    n.hlc_l = l;
  }
  n.log.push_back(write_id);
  ++n.applied_from[size_t(e.origin)];
  recorder_.apply({t, write_id, int16_t(node)});
  resolve(node, write_id, t);
  forward(node, t);
}

void MultiPrimaryStore::forward(int node, double t) {
  // The entry just appended to the node's log goes out on every connected stream that carries it: in a mesh only
  // the node's own commits, on a ring everything but what originated at the next node.
  const size_t index = nodes_[size_t(node)].log.size() - 1;
  for (Stream& s : streams_)
    if (s.from == node && s.connected && carries(s, nodes_[size_t(node)].log[index])) ship(s, index, t);
}

ReadResult MultiPrimaryStore::read(int node, uint32_t key, double t, const ReadOptions& /*options*/) {
  advance(t);
  return {serves_reads(node), nodes_[size_t(node)].kv[key], t + config_.read_service_s};
}

int16_t MultiPrimaryStore::draw_write_arg(uint32_t key, RandomStream& stream) const {
  if (config_.conflict == ConflictResolution::Siblings) return int16_t(1 + stream.uniform_index(100));  // a cart item
  if (config_.conflict != ConflictResolution::Crdt) return 0;
  const CrdtRange* range = crdt_range(key);
  const bool remove = stream.bernoulli(range->remove_fraction);
  if (range->type == CrdtType::PnCounter) return remove ? -1 : 1;
  const int16_t element = int16_t(1 + stream.uniform_index(range->elements));
  return remove ? int16_t(-element) : element;
}

WriteResult MultiPrimaryStore::write(int node, uint32_t key, int16_t arg, double t) {
  WriteResult result;
  Node& n = nodes_[size_t(node)];
  if (!n.up) return result;
  advance(t);
  const uint32_t write_id = uint32_t(entries_.size() + 1);
  Entry e;
  e.key = key;
  e.origin = int16_t(node);
  e.arg = arg;
  e.commit_s = t;
  e.stamp = stamp_for(node, t);
  e.stamp.write_id = write_id;
  if (config_.conflict == ConflictResolution::Crdt && arg < 0 && crdt_range(key)->type == CrdtType::OrSet) {
    auto sets = n.sets.find(key);
    if (sets != n.sets.end()) {
      auto it = sets->second.find(int16_t(-arg));
      if (it != sets->second.end()) e.removes.assign(it->second.begin(), it->second.end());
    }
  }
  if (config_.conflict == ConflictResolution::Siblings) {
    // Read-merge-write at this node: the new version descends from every version the node holds for the key.
    e.clock.assign(size_t(node_count()), 0);
    for (const Sibling& v : n.siblings[key])
      for (size_t i = 0; i < e.clock.size(); ++i) e.clock[i] = std::max(e.clock[i], v.clock[i]);
    ++e.clock[size_t(node)];
  }
  const double clock_s = n.clock->local_time(t);
  entries_.push_back(std::move(e));
  commits_by_origin_[size_t(node)].push_back(write_id);
  recorder_.commit({t, write_id, key, int16_t(node), arg, clock_s});
  n.log.push_back(write_id);
  ++n.applied_from[size_t(node)];
  resolve(node, write_id, t);
  forward(node, t);
  result.accepted = true;
  result.write_id = write_id;
  result.ack_ready_s = t + config_.write_service_s;
  return result;
}

NodeStatus MultiPrimaryStore::status(int node, double t) {
  advance(t);
  const Node& n = nodes_[size_t(node)];
  return {role(node), 1, -1, n.log.size()};
}

void MultiPrimaryStore::promote(int, uint32_t, double) {
  throw std::logic_error("multi-primary store: every node is a primary, nothing to promote");
}

void MultiPrimaryStore::rejoin(int, int, uint32_t, double) {
  throw std::logic_error("multi-primary store: nodes do not follow an upstream");
}

double MultiPrimaryStore::lag_s(int node, double t) {
  advance(t);
  const Node& n = nodes_[size_t(node)];
  if (!n.up) return -1;
  double oldest = t;
  for (int o = 0; o < node_count(); ++o) {
    const auto& committed = commits_by_origin_[size_t(o)];
    const uint32_t applied = n.applied_from[size_t(o)];
    if (applied < committed.size()) oldest = std::min(oldest, entry(committed[applied]).commit_s);
  }
  return t - oldest;
}

void MultiPrimaryStore::on_network_change(uint16_t element, bool up, double t) {
  advance(t);
  for (int i = 0; i < node_count(); ++i) {
    Node& n = nodes_[size_t(i)];
    if (n.host_element != element || n.up == up) continue;
    n.up = up;
    recorder_.role({t, int16_t(i), up ? Role::Primary : Role::Down, 1, kNoNode});
  }
  for (Stream& s : streams_) {
    if (!std::binary_search(s.route_elements.begin(), s.route_elements.end(), element)) continue;
    if (!up) {
      s.connected = false;
      s.in_flight.clear();
      s.resume_at = kNever;
    } else if (!s.connected && network_.route_up(stream_route(s.from, s.to))) {
      s.resume_at = t + config_.reconnect_delay_s;
    }
  }
}

void MultiPrimaryStore::finish(History& history) {
  advance(history.duration_s);
  history.final_primary = kNoNode;
  history.final_lineage.resize(entries_.size());
  std::iota(history.final_lineage.begin(), history.final_lineage.end(), 1u);
  if (config_.conflict == ConflictResolution::Lww || config_.conflict == ConflictResolution::LwwHlc)
    std::sort(history.final_lineage.begin(), history.final_lineage.end(),
              [&](uint32_t a, uint32_t b) { return entry(a).stamp < entry(b).stamp; });
  if (config_.conflict != ConflictResolution::Crdt) return;
  // Every CRDT key any node holds, on every node, by (key, node).
  std::set<uint32_t> keys;
  for (const Node& n : nodes_) {
    for (const auto& kv : n.counters) keys.insert(kv.first);
    for (const auto& kv : n.sets) keys.insert(kv.first);
    for (const auto& kv : n.tombstones) keys.insert(kv.first);
  }
  for (uint32_t key : keys) {
    for (int i = 0; i < node_count(); ++i) {
      const Node& n = nodes_[size_t(i)];
      CrdtFinal f;
      f.key = key;
      f.node = int16_t(i);
      if (crdt_range(key)->type == CrdtType::PnCounter) {
        auto it = n.counters.find(key);
        f.counts = it != n.counters.end() ? it->second : std::vector<int64_t>(2 * size_t(node_count()), 0);
      } else {
        auto it = n.sets.find(key);
        if (it != n.sets.end())
          for (const auto& element : it->second) f.elements.push_back(element.first);
      }
      history.crdt_final.push_back(std::move(f));
    }
  }
}

}  // namespace mrsim
