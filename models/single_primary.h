// A single-primary replicated key-value store: one node per region that holds data, each with its own log.
//
// Follows: PostgreSQL streaming replication / MySQL binlog replication as operated by Patroni or Orchestrator.
//  - Writes commit on the primary, which appends (write id, key) to its log and streams entries to its replicas in
//    log order over one connection per replica: each entry is serialized at the route's bottleneck bandwidth, then
//    travels the route's latency, then is replayed after `apply_delay_s`. Lag is therefore real: it grows with
//    distance, write rate and catch-up after a break.
//  - A stream breaks when any host or link on its route goes down (entries in flight are lost and re-sent); once the
//    route is whole again it reconnects after `reconnect_delay_s` and resumes from the replica's position.
//  - `sync` replicas: the primary acknowledges a write only after every connected sync replica has replayed it and
//    its acknowledgement has travelled back (PostgreSQL synchronous_commit=remote_apply). A sync replica whose stream
//    is broken is dropped from the wait set until it reconnects (Patroni synchronous_mode without _strict, MySQL
//    semi-sync fallback); writes already waiting on it when it broke are never acknowledged.
//  - `semi-sync` replicas, as MySQL's rpl_semi_sync_source with wait point AFTER_SYNC: a commit waits until
//    `semi_sync.wait_for_replica_count` of them have *received* it (the entry's transfer and latency, not its
//    replay) and their acknowledgements have travelled back. A commit that has not got them `semi_sync.timeout`
//    after it began switches the source to async: it and every commit waiting with it are acknowledged then, and
//    later commits do not wait ("semi_sync_off" in the trace). The source switches back ("semi_sync_on") once a
//    connected semi-sync replica's stream has sent everything committed (MySQL's try_switch_on, when the dump
//    thread sends an event at or past the newest commit). A stream that breaks while commits wait on it gives
//    them nothing, even if it reconnects within the timeout (a reconnect takes reconnect_delay, 5 s, and a
//    resend); a promoted primary starts with semi-sync on.
//  - Terms: promotion gives the node a higher term. A node is told to rejoin as a replica of the current primary;
//    it rewinds its log to the longest common prefix with its new upstream (pg_rewind) and so discards divergent
//    writes — which is how acknowledged writes get lost.
//  - A host that goes down keeps its log (disk). A former primary restarts as Recovering (read-only, refusing
//    reads and writes) until the controller tells it what it is; a former replica resumes streaming.
//  - `cdc` replicas are fed by a change-data-capture pipeline (models/cdc_pipeline.h) instead of the primary's
//    stream: ship() asks the pipeline when an entry is applied; a broken route keeps what already reached the target
//    region, and promoting or re-pointing the replica drops the rest.
//  - A read carrying a session's minimum version (ReadOptions, models/client.h "min-version"), as the "version
//    tracking" of session-affinity designs (a write returns its version, a read asks for at least that one): a
//    replica that has replayed that write id, or a later one (ids grow across the run, so a later id is a later
//    point of the history it follows), answers at once. Otherwise, if the entry is already on its stream and replays
//    within `max_wait`, it answers once replayed; if not, after `max_wait` it forwards the read to the primary
//    (its upstream, else any primary), which answers with its state at the read's arrival at the replica; the reply
//    comes back the same way. The wait trusts the stream as shipped: a break during the wait is not foreseen, and a
//    stream that is down (reconnecting) is waited on in vain, then forwarded around. With no primary, or no route to
//    it, at the time the read arrives, the replica refuses the read at once (a real one would first wait max_wait).
// Leaves out: storage and CPU capacity (service times are fixed, no queueing), the detection delay of a broken TCP
// stream (it is known at once), cascading replication. Several writable nodes: models/multi_primary.h.
//
// Replication is evaluated lazily: a replica's state is brought up to time t (drain) whenever something observes it
// at t — a read, a status query, a lag sample, a commit on its upstream. The result is the same as if every entry
// had been an event, without paying for one.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "models/cdc_pipeline.h"
#include "models/network.h"
#include "models/store.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace mrsim {

class Recorder;

struct LogEntry {
  uint32_t write_id = 0;
  uint32_t key = 0;
  double commit_s = 0;
};

// A node's log, indexed by position in the run's history. The prefix every node's log shares can never be rewound
// (a rewind keeps the common prefix with the new upstream, which contains it), so the store drops it from every log
// at once (SinglePrimaryStore::compact) and the log keeps only its suffix from `base()`: memory follows what is not
// yet everywhere, not the length of the run.
//
// The last dropped entry (position base() - 1, the same in every log) stays readable: a rewind may keep nothing past
// the shared prefix (a deposed primary whose every unshared entry is discarded), and the log's last entry is then
// that one, which read(), follows_history() and the rejoin's comparisons look at.
class Log {
 public:
  size_t size() const { return base_ + entries_.size(); }
  bool empty() const { return size() == 0; }
  size_t base() const { return base_; }
  // base() - 1 <= i < size() (base() - 1 only when base() > 0)
  const LogEntry& operator[](size_t i) const { return i < base_ ? last_dropped_ : entries_[i - base_]; }
  const LogEntry& back() const { return entries_.empty() ? last_dropped_ : entries_.back(); }  // !empty()
  void push_back(const LogEntry& e) { entries_.push_back(e); }
  void resize(size_t n) { entries_.resize(n - base_); }  // n >= base()
  void drop_to(size_t n) {  // base() < n <= size(): entries before position n go
    last_dropped_ = (*this)[n - 1];
    entries_.erase(entries_.begin(), entries_.begin() + std::ptrdiff_t(n - base_));
    base_ = n;
  }
  std::deque<LogEntry>::const_iterator begin() const { return entries_.begin(); }  // the kept suffix
  std::deque<LogEntry>::const_iterator end() const { return entries_.end(); }

 private:
  size_t base_ = 0;
  LogEntry last_dropped_;  // the entry at base_ - 1, once base_ > 0
  std::deque<LogEntry> entries_;
};

class SinglePrimaryStore final : public Store {
 public:
  struct NodeSpec {
    std::string name;
    int region = 0;
    ReplicationMode mode = ReplicationMode::Async;  // when this node is a replica
  };

  // Node `primary` starts as primary (term 1); every other node starts as its replica.
  SinglePrimaryStore(const DatabaseConfig& config, std::vector<NodeSpec> nodes, int primary, Network& network,
                     Recorder& recorder);

  Role role(int node) const override { return nodes_[node].role; }

  bool serves_reads(int node) const override;
  ReadResult read(int node, uint32_t key, double t, const ReadOptions& options = {}) override;
  WriteResult write(int node, uint32_t key, int16_t arg, double t) override;
  bool ack_wait_broken(int primary, double from, double to) const override;

  NodeStatus status(int node, double t) override;
  void promote(int node, uint32_t term, double t) override;
  void rejoin(int node, int upstream, uint32_t term, double t) override;
  void fence(int node, uint32_t term, double t) override;

  double ack_after_break(int node, uint32_t write_id, double t) override;

  double lag_s(int node, double t) override;  // -1 unless the node is a replica
  void finish(History& history) override;

  // Compaction every `commits` commits (4096 unless set). Results do not depend on it; the property test
  // (tests/fault_schedules.cpp) sets 1, so that runs of minutes exercise the compacted logs through every fault.
  static void set_compact_every(uint32_t commits) { compact_every_ = commits < 1 ? 1 : commits; }

 private:
  struct InFlight {
    LogEntry entry;
    double arrival_s;
  };
  struct Stream {  // upstream -> this node
    bool connected = false;
    double resume_at = std::numeric_limits<double>::infinity();
    double tx_free_at = 0;
    std::deque<InFlight> in_flight;
  };
  struct Node {
    NodeSpec spec;
    uint16_t host_element = 0;
    Role role = Role::Replica;
    uint32_t term = 1;
    int upstream = -1;
    bool was_primary = false;  // before its host went down
    Log log;
    std::vector<uint32_t> kv;  // key -> newest write id replayed
    Stream in;
    std::unique_ptr<CdcPipeline> cdc;  // replication mode cdc: the pipeline that feeds this node, else null
  };

  const Route& stream_route(int from, int to) const;
  void on_network_change(uint16_t element, bool up, double t);
  void drain(Node& n, double t);
  ReadResult read_behind(Node& n, uint32_t key, double t, const ReadOptions& options);
  double ship(Node& n, const LogEntry& e, double start);
  static bool follows_history(const Node& n, const Node& up);  // n's log is a prefix of up's
  void disconnect(Node& n, double t);
  void cut_cdc(Node& n, double t);
  void set_role(Node& n, Role role, double t);
  void rebuild_kv(Node& n);
  void compact(double t);

  // The dropped common prefix: each key's newest write id in it (what rebuild_kv starts from), and how many commits
  // since the last compaction.
  std::vector<uint32_t> settled_kv_;
  uint32_t commits_since_compact_ = 0;
  static inline uint32_t compact_every_ = 4096;

  // The semi-sync source's state (MySQL's rpl_semi_sync_source_status) and the commits still waiting for
  // receipts; each holds, per node, when that node's acknowledgement reaches the primary (infinity: never).
  struct Waiting {
    uint32_t write_id;
    double commit_s;
    std::vector<double> acks;
  };
  struct SemiSync {
    bool on = true;
    double off_at = std::numeric_limits<double>::infinity();  // a waiting commit's timeout will switch it off then
    double off_since = 0;
    std::deque<Waiting> waiting;
  };
  bool has_semi_sync_ = false;
  SemiSync semi_;
  double semi_sync_wait(uint32_t write_id, double t, std::vector<double> acks);  // when the commit is acknowledged
  void semi_sync_breaks(double t);
  void settle_semi_sync(int primary, double t);
  double kth_ack(const std::vector<double>& acks) const;

  DatabaseConfig config_;
  std::vector<Node> nodes_;
  Network& network_;
  Recorder& recorder_;
  uint32_t next_write_id_ = 1;
};

}  // namespace mrsim
