// Streaming families that compare versions with the final lineage (sim/stream_metrics.h): lost writes, stale reads
// and session guarantees.
//
// They stream where the store settles its lineage as the run goes: the single-primary store hands the history each
// write that every node's log holds (Recorder::settle), in lineage order. Its lineage is in write-id order (every
// log is: a primary appends ids larger than any before, replicas copy prefixes, a rewind truncates), so once write
// id S is settled every id up to S is decided: in the final lineage if settled, never otherwise. An operation is
// judged once the ids it names are decided; until then it waits in a queue that holds what replication has not yet
// brought to every node (it grows during an outage that leaves a node behind, not with the run). What is still
// undecided at the end is judged against the complete lineage, as the in-memory checker judges everything.
//
// Within the lineage, position order is write-id order, so these families compare ids where the in-memory checkers
// compare LineageIndex positions: version 0 (kInitial) is below every id, and a version absent from the lineage is
// treated as the checkers treat kAbsent.
//
// Stale reads and sessions keep state per key and per (client, key) that the in-memory checkers get by sorting the
// whole history. What bounds it is the key's floor: its newest write that every node held when the floor was set
// (a settled write). From then on every node's version of the key is at least the floor (each log contains the
// settled prefix, and a node's version of a key only moves forward in its log), so a read served later returns the
// floor or a newer version. State that only a read older than the floor could need is dropped; a read that
// returned such a version would contradict the store, and the family stops with an error rather than a wrong count.
#include <algorithm>
#include <deque>
#include <queue>
#include <stdexcept>
#include <string>

#include "sim/exact_distribution.h"
#include "sim/flat_map.h"
#include "sim/event_queue.h"
#include "sim/stream_families.h"

namespace mrsim {
namespace {

// check_write_safety (sim/checkers_data.cpp) for a single-primary store: acknowledged writes absent from the final
// lineage, and successful reads of such writes. No conflict resolution discards writes in this design.
class StreamWriteSafety final : public StreamFamily {
 public:
  Family family() const override { return Family::WriteSafety; }
  bool needs_lineage() const override { return true; }

  void op(const OpRecord& op, const History&) override {
    if (!op.ok()) return;
    if (op.kind == OpKind::Write) {
      ++stats_.acknowledged_writes;
      // An acknowledged write always creates a version; version 0 here can only mean it left no trace, i.e. lost.
      if (op.version == kNoVersion || !lineage().contains(op.version)) lost(op.complete_s);
    } else if (op.version != kNoVersion && !lineage().contains(op.version)) {
      ++stats_.reads_of_lost_writes;
    }
  }

  void finish(const History&, RunMetrics& m) override {
    std::sort(stats_.lost_write_ack_s.begin(), stats_.lost_write_ack_s.end());
    m.writes = stats_;
  }

 private:
  void lost(double ack_s) {
    ++stats_.lost_writes;
    stats_.lost_write_ack_s.push_back(ack_s);
  }

  WriteSafetyStats stats_;
};

// Version as a comparable number: a write id, 0 for the initial version, kAbsent when not in the lineage.
constexpr int64_t kAbsent = -2;

// A queue in one vector: the many short per-key queues here would each cost a block as std::deques, even empty.
template <typename T>
class VecQueue {
 public:
  bool empty() const { return from_ == v_.size(); }
  const T& front() const { return v_[from_]; }
  void push_back(const T& x) { v_.push_back(x); }
  void pop_front() {
    if (++from_ == v_.size()) {
      v_.clear();
      from_ = 0;
    } else if (from_ >= 16 && 2 * from_ >= v_.size()) {
      v_.erase(v_.begin(), v_.begin() + std::ptrdiff_t(from_));
      from_ = 0;
    }
  }
  typename std::vector<T>::const_iterator begin() const { return v_.begin() + std::ptrdiff_t(from_); }
  typename std::vector<T>::const_iterator end() const { return v_.end(); }

 private:
  std::vector<T> v_;
  size_t from_ = 0;
};

// Each key's floor as of the operation being judged: settled writes take effect as floors once the judged
// operations' invoke time reaches the time they were settled (a read invoked then is served then or later).
class Floors {
 public:
  void settled(uint32_t write_id, uint32_t key, double t) { queue_.push_back({t, key, write_id}); }
  // Advances to `t`; calls raised(key, floor) for every floor that rose.
  template <typename Raised>
  void advance(double t, Raised raised) {
    while (!queue_.empty() && queue_.front().t <= t) {
      const Settle e = queue_.front();
      queue_.pop_front();
      if (e.key >= floor_.size()) floor_.resize(size_t(e.key) + 1 + floor_.size() / 2, 0);
      floor_[e.key] = e.write_id;
      raised(e.key, e.write_id);
    }
  }
  uint32_t floor(uint32_t key) const { return key < floor_.size() ? floor_[key] : 0; }
  // A read of `key` returned `version` (in the lineage, or 0): it must not be older than the key's floor.
  void check_read(uint32_t key, uint32_t version, double invoke_s) const {
    const uint32_t f = floor(key);
    if (version < f)
      throw std::logic_error("streaming metrics: a read invoked at " + std::to_string(invoke_s) + " s returned version " +
                             std::to_string(version) + " of key " + std::to_string(key) +
                             ", older than write " + std::to_string(f) + ", which every node held before");
  }

 private:
  struct Settle {
    double t;
    uint32_t key, write_id;
  };
  std::deque<Settle> queue_;
  std::vector<uint32_t> floor_;  // by key (keys are dense indices); 0: none yet
};

// check_stale_reads (sim/checkers_data.cpp): a successful read is stale when a surviving write of its key was
// acknowledged before the read was invoked and is newer than the version it returned.
class StreamStaleReads final : public StreamFamily {
 public:
  // `keep_times`: keep each stale read's invoke time (StaleReadStats::stale_invoke_s), which only alerts read.
  explicit StreamStaleReads(bool keep_times) : keep_times_(keep_times) {}
  Family family() const override { return Family::StaleReads; }
  bool needs_lineage() const override { return true; }
  void settled(uint32_t write_id, uint32_t key, double t) override {
    floors_.settled(write_id, key, t);
    keys_.try_emplace(key).first->versions.push_back(write_id);
  }

  void op(const OpRecord& op, const History&) override {
    floors_.advance(op.invoke_s, [this](uint32_t key, uint32_t floor) { raise_floor(key, floor); });
    // Surviving writes acknowledged before this invoke, in (ack, id) order: the running maximum per key.
    while (!acked_.empty() && acked_.top().ack_s < op.invoke_s) {
      const Acked a = acked_.top();
      acked_.pop();
      KeyState& k = *keys_.try_emplace(a.key).first;
      if (!k.any || a.id > k.newest) {
        k.any = true;
        k.newest = a.id;
        k.stairs.push_back({a.ack_s, a.id});
      }
    }
    if (!op.ok()) return;
    if (op.kind == OpKind::Write) {
      if (op.version != kNoVersion && lineage().contains(op.version)) acked_.push({op.complete_s, op.version, op.key});
      return;
    }
    ++stats_.successful_reads;
    if (op.version != kNoVersion && !lineage().contains(op.version)) return;  // a read of a lost write
    floors_.check_read(op.key, op.version, op.invoke_s);
    const KeyState* found = keys_.find(op.key);
    if (!found || !found->any || found->newest <= op.version) return;
    const KeyState& k = *found;
    ++stats_.stale_reads;
    if (keep_times_) stats_.stale_invoke_s.push_back(op.invoke_s);
    // Lineage versions of the key in (read, newest]: the list holds every settled one from the floor up.
    const auto from = std::upper_bound(k.versions.begin(), k.versions.end(), op.version);
    const auto to = std::upper_bound(from, k.versions.end(), k.newest);
    const uint64_t depth = uint64_t(to - from);
    depth_sum_ += double(depth);
    stats_.depth_max = std::max(stats_.depth_max, depth);
    // The first acknowledgement (in ack order) whose running maximum passed the version read.
    const auto superseded = std::upper_bound(k.stairs.begin(), k.stairs.end(), op.version,
                                             [](uint32_t v, const Stair& s) { return v < s.newest; });
    ages_.add(op.invoke_s - superseded->ack_s);
  }

  void finish(const History&, RunMetrics& m) override {
    if (stats_.successful_reads > 0)
      stats_.stale_read_rate = double(stats_.stale_reads) / double(stats_.successful_reads);
    if (stats_.stale_reads > 0) stats_.depth_mean = depth_sum_ / double(stats_.stale_reads);
    stats_.age_s = ages_.summary();
    m.stale_reads = std::move(stats_);
  }

 private:
  struct Stair {
    double ack_s;
    uint32_t newest;  // the running maximum from this acknowledgement on
  };
  struct KeyState {
    bool any = false;    // a surviving write of the key was acknowledged before the judged invoke time
    uint32_t newest = 0;  // ... the newest of them
    VecQueue<Stair> stairs;
    VecQueue<uint32_t> versions;  // the key's settled lineage versions from its floor up, ascending
  };
  struct Acked {
    double ack_s;
    uint32_t id, key;
    bool operator>(const Acked& o) const { return ack_s != o.ack_s ? ack_s > o.ack_s : id > o.id; }
  };

  // Reads from now on return the floor or newer: what only an older read could need goes.
  // A key left with nothing above its floor is forgotten: its newest acknowledged write is at or below the floor, so
  // no later read can be stale against it, and a write acknowledged later starts the running maximum afresh, which
  // changes nothing above the floor.
  void raise_floor(uint32_t key, uint32_t floor) {
    KeyState* found = keys_.find(key);
    if (!found) return;
    KeyState& k = *found;
    while (!k.versions.empty() && k.versions.front() <= floor) k.versions.pop_front();
    while (!k.stairs.empty() && k.stairs.front().newest <= floor) k.stairs.pop_front();
    if (k.versions.empty() && k.stairs.empty() && (!k.any || k.newest <= floor)) keys_.erase(key);
  }

  bool keep_times_;
  Floors floors_;
  FlatMap<KeyState> keys_;
  std::priority_queue<Acked, std::vector<Acked>, std::greater<Acked>> acked_;
  StaleReadStats stats_;
  double depth_sum_ = 0;
  ExactDistribution ages_;
};

// check_sessions and check_session_groups (sim/checkers_data.cpp): each successful read of a client against what
// that client had seen complete on the key before the read was invoked: its last write (read-your-writes) and the
// newest version it read (monotonic reads); and, per client group that states a session, the same counts with its
// reads' latency and how many crossed regions.
class StreamSessions final : public StreamFamily {
 public:
  Family family() const override { return Family::Sessions; }
  bool needs_lineage() const override { return true; }
  void settled(uint32_t write_id, uint32_t key, double t) override { floors_.settled(write_id, key, t); }
  void begin(const History& names) override {
    groups_.assign(names.client_groups.size(), GroupSessionStats{});
    group_latencies_.clear();
    group_latencies_.resize(names.client_groups.size());
  }

  void op(const OpRecord& op, const History& live) override {
    floors_.advance(op.invoke_s, [](uint32_t, uint32_t) {});
    // Completions before this invoke take effect, in (complete, history order) order.
    while (!completions_.empty() && completions_.top().t < op.invoke_s) {
      const Completion c = completions_.top();
      completions_.pop();
      State& s = *states_.try_emplace(c.client_key).first;
      --s.pending;
      if (c.write) {
        s.has_write = true;
        s.last_write = c.version;
      } else if (c.version != kAbsent) {
        s.newest_read = std::max(s.newest_read, c.version);
      }
    }
    if (!op.ok()) return;
    const uint64_t client_key = (uint64_t{op.client} << 32) | op.key;
    const int64_t version = op.version == kNoVersion ? 0 : lineage().contains(op.version) ? op.version : kAbsent;
    const int g = groups_.empty() ? -1 : group_of(live.client_groups, op.client);
    if (op.kind == OpKind::Read && g >= 0) {
      tally_session_group_read(groups_[size_t(g)], live, size_t(g), op);
      group_latencies_[size_t(g)].add(op.complete_s - op.invoke_s);
    }
    if (op.kind == OpKind::Read && version != kAbsent) {
      floors_.check_read(op.key, op.version, op.invoke_s);
      if (const State* found = states_.find(client_key)) {
        const State& s = *found;
        if (s.has_write && s.last_write != kAbsent && version < s.last_write) {
          ++stats_.read_your_writes_violations;
          if (g >= 0) ++groups_[size_t(g)].sessions.read_your_writes_violations;
          flag(op.client, 1);
        }
        if (version < s.newest_read) {
          ++stats_.monotonic_read_violations;
          if (g >= 0) ++groups_[size_t(g)].sessions.monotonic_read_violations;
          flag(op.client, 2);
        }
      }
    }
    const auto [state, created] = states_.try_emplace(client_key);
    if (created) order_.push_back(client_key);
    ++state->pending;
    completions_.push({op.complete_s, seq_++, client_key, version, op.kind == OpKind::Write});
    if (states_.size() >= 2 * swept_size_ + 1024) sweep();
  }

  void finish(const History& history, RunMetrics& m) override {
    for (size_t c = 0; c < flags_.size(); ++c) {
      const uint8_t f = flags_[c];
      stats_.clients_with_read_your_writes_violations += f & 1;
      stats_.clients_with_monotonic_read_violations += f >> 1 & 1;
      const int g = f == 0 || groups_.empty() ? -1 : group_of(history.client_groups, uint32_t(c));
      if (g < 0) continue;
      groups_[size_t(g)].sessions.clients_with_read_your_writes_violations += f & 1;
      groups_[size_t(g)].sessions.clients_with_monotonic_read_violations += f >> 1 & 1;
    }
    m.sessions = stats_;
    for (size_t g = 0; g < groups_.size(); ++g) {
      describe_session_group(groups_[g], history, g);
      groups_[g].read_latency_s = group_latencies_[g].summary();
    }
    m.session_groups = std::move(groups_);
  }

 private:
  struct State {
    bool has_write = false;
    int64_t last_write = kAbsent;
    int64_t newest_read = kAbsent;  // below every version: nothing read yet
    uint32_t pending = 0;           // completions not yet taken into account
  };
  struct Completion {
    double t;      // the operation's completion
    uint64_t seq;  // history order
    uint64_t client_key;
    int64_t version;
    bool write;
    bool operator>(const Completion& o) const { return t > o.t || (t == o.t && seq > o.seq); }
  };
  void flag(uint32_t client, uint8_t bit) {
    if (client >= flags_.size()) flags_.resize(size_t(client) + 1, 0);
    flags_[client] |= bit;
  }
  // A (client, key) whose last write and newest read are at or below the key's floor can contradict no later read
  // (every later read returns the floor or newer): forgetting it changes no count.
  // Walks the states in the order they were created (the map itself is never iterated).
  void sweep() {
    std::vector<uint64_t> kept;
    for (uint64_t client_key : order_) {
      const State* found = states_.find(client_key);
      if (!found) continue;
      const State& s = *found;
      const int64_t floor = floors_.floor(uint32_t(client_key));
      if (s.pending == 0 && s.last_write <= floor && s.newest_read <= floor)
        states_.erase(client_key);
      else
        kept.push_back(client_key);
    }
    order_.swap(kept);
    swept_size_ = states_.size();
  }

  Floors floors_;
  FlatMap<State> states_;
  std::vector<uint64_t> order_;  // the keys of states_, in the order they were created
  size_t swept_size_ = 0;
  EventQueue<Completion> completions_;  // most latencies take a few values, so most completions skip its heap
  uint64_t seq_ = 0;
  std::vector<uint8_t> flags_;  // per client: 1 read-your-writes, 2 monotonic reads
  SessionStats stats_;
  std::vector<GroupSessionStats> groups_;  // by History::client_groups (empty unless a group states a session)
  std::vector<ExactDistribution> group_latencies_;
};

}  // namespace

void add_lineage_families(const Scenario& scenario, std::vector<std::unique_ptr<StreamFamily>>& families) {
  if (scenario.database.topology != Topology::SinglePrimary) return;  // only this store settles its lineage early
  families.push_back(std::make_unique<StreamWriteSafety>());
  families.push_back(std::make_unique<StreamStaleReads>(!scenario.alerts.empty()));
  families.push_back(std::make_unique<StreamSessions>());
  families.push_back(make_split_brain_family());
}

}  // namespace mrsim
