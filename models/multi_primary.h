// A multi-primary (active-active) key-value store: one writable node per listed region; each commits the writes
// routed to it and ships them asynchronously to the others, which resolve conflicts.
//
// Follows:
//  - Shipping: MySQL multi-source / Galera-less multi-master and DynamoDB global tables as the guides set them up.
//    `mesh`: every node streams its own commits to every other node over one connection each (DynamoDB global
//    tables, multi-source MySQL). `ring`: each node streams everything it applies, its own commits and what it
//    received, to the next node in `regions` order, and a write stops before reaching its origin again (circular
//    MySQL replication with log_slave_updates and server_id loop detection) — so one dead node cuts the ring for
//    every write that must pass it. A stream is the single-primary one: entries are serialized at the route's
//    bottleneck bandwidth, travel its latency and are applied after `apply_delay`; a break loses what is in flight,
//    the stream reconnects `reconnect_delay` after its route is whole again and resends from the last applied
//    entry. A node's host going down keeps its data (disk); it comes back writable and its streams resume.
//  - Conflict resolution (`conflict_resolution`):
//    - `lww`: every write is stamped with its node's local wall clock (models/clocks.h) at commit; on every node the
//      write with the highest stamp wins (ties: node name, then commit order on that node) — Cassandra cells,
//      DynamoDB global tables. A skewed clock lets an earlier write win.
//    - `lww-hlc`: the same with hybrid logical clocks (Kulkarni et al., "Logical Physical Clocks", 2014): a node's
//      HLC moves past the stamp of every write it applies, so a write committed after its node applied another
//      always wins over it, whatever the skew (CockroachDB, YugabyteDB).
//    - `crdt`: each key is a CRDT of its declared type, op-based (Shapiro et al., 2011) over the FIFO streams: a
//      PN-counter (writes add +1 or -1; each node's count per origin, merged by per-origin maxima, equals the sum of
//      the ops it applied because each origin's ops arrive in order, once) or an add-wins OR-set (an add tags the
//      element with its write id; a remove drops the tags its node had seen) — Riak data types, Redis CRDB.
//    - `siblings`: version vectors (Dynamo, Riak with allow_mult): a write at a node supersedes the versions that
//      node holds for the key, as the shopping cart's read-merge-write does when the read and the write reach the
//      same node; versions neither of which supersedes the other are kept side by side, and a read returns them all.
//  - Reads are served from the node's current state; every node serves reads and writes while its host is up.
// Leaves out: anti-entropy beyond the streams (Merkle-tree repair, read repair), hinted handoff, quorums (every
// write commits at one node), tombstone garbage collection, CRDT types other than PN-counters and OR-sets, and
// storage and CPU capacity (service times are fixed).
//
// Replication is evaluated lazily, as in the single-primary store: whenever something observes the store at t,
// every stream event up to t (arrival, reconnection) is processed in time order first.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "models/network.h"
#include "models/store.h"
#include "sim/scenario.h"

namespace mrsim {

class ClockSet;
class LocalClock;
class Recorder;

class MultiPrimaryStore final : public Store {
 public:
  MultiPrimaryStore(const DatabaseConfig& config, std::vector<NodeSpec> nodes, const ClockSet& clocks, Network& network,
                    Recorder& recorder);

  Role role(int node) const override { return nodes_[node].up ? Role::Primary : Role::Down; }

  bool serves_reads(int node) const override { return nodes_[node].up; }
  ReadResult read(int node, uint32_t key, double t, const ReadOptions& options = {}) override;
  WriteResult write(int node, uint32_t key, int16_t arg, double t) override;
  int16_t draw_write_arg(uint32_t key, RandomStream& stream) const override;

  NodeStatus status(int node, double t) override;
  void promote(int node, uint32_t term, double t) override;
  void rejoin(int node, int upstream, uint32_t term, double t) override;

  // The age of the oldest write committed elsewhere that has not reached the node: now minus its commit time; 0
  // when nothing is missing, -1 while the node is down.
  double lag_s(int node, double t) override;
  void finish(History& history) override;

 private:
  // Conflict resolution's rank of a write: later ranks win. Stamps compare (l, c), then node name, then commit order.
  struct Stamp {
    double l = 0;     // lww: the local clock reading; lww-hlc: the HLC's physical part
    uint32_t c = 0;   // lww-hlc: the HLC's logical counter
    uint16_t name_rank = 0;
    uint32_t write_id = 0;
    bool operator<(const Stamp& o) const {
      if (l != o.l) return l < o.l;
      if (c != o.c) return c < o.c;
      if (name_rank != o.name_rank) return name_rank < o.name_rank;
      return write_id < o.write_id;
    }
  };
  struct Entry {
    uint32_t key = 0;
    int16_t origin = 0;
    int16_t arg = 0;
    double commit_s = 0;
    Stamp stamp;
    std::vector<uint32_t> removes;  // or-set remove: the add tags (write ids) its node had seen
    std::vector<uint32_t> clock;    // siblings: the version vector (writes per origin)
  };
  struct InFlight {
    uint32_t write_id;
    size_t log_index;  // in the sender's log
    double arrival_s;
  };
  struct Stream {  // from -> to
    int from = 0, to = 0;
    bool connected = true;
    double resume_at = std::numeric_limits<double>::infinity();
    double tx_free_at = 0;
    size_t delivered = 0;   // index in from's log up to which everything this stream carries has been applied
    std::deque<InFlight> in_flight;
    std::vector<uint16_t> route_elements;
  };
  struct Sibling {
    uint32_t write_id;
    std::vector<uint32_t> clock;
  };
  struct Node {
    bool up = true;
    uint16_t host_element = 0;
    const LocalClock* clock = nullptr;
    std::vector<uint32_t> log;  // write ids in the order this node applied them (its own commits included)
    std::vector<uint32_t> kv;   // key -> the version a read returns (lww: the winner; crdt: the last applied)
    double hlc_l = -std::numeric_limits<double>::infinity();  // lww-hlc: the node's HLC (l, c)
    uint32_t hlc_c = 0;
    std::vector<uint32_t> applied_from;  // writes applied per origin (each origin's arrive in its commit order)
    std::map<uint32_t, std::vector<int64_t>> counters;  // pn-counter key -> P per origin, then N per origin
    std::map<uint32_t, std::map<int16_t, std::set<uint32_t>>> sets;  // or-set key -> element -> add tags
    std::map<uint32_t, std::set<uint32_t>> tombstones;  // or-set key -> removed add tags
    std::map<uint32_t, std::vector<Sibling>> siblings;  // siblings key -> concurrent versions
  };

  Entry& entry(uint32_t write_id) { return entries_[write_id - 1]; }
  bool carries(const Stream& s, uint32_t write_id) const;
  void advance(double t);
  void ship(Stream& s, size_t log_index, double start);  // sends the sender's log entry, paced by the bandwidth
  void forward(int node, double t);
  void apply(int node, uint32_t write_id, double t);
  void resolve(int node, uint32_t write_id, double t);
  void on_network_change(uint16_t element, bool up, double t);
  Stamp stamp_for(int node, double t);
  const Route& stream_route(int from, int to) const;
  const CrdtRange* crdt_range(uint32_t key) const;

  DatabaseConfig config_;
  std::vector<Node> nodes_;
  std::vector<Stream> streams_;
  std::vector<uint16_t> name_rank_;
  std::vector<Entry> entries_;  // by write id - 1
  std::vector<std::vector<uint32_t>> commits_by_origin_;  // write ids each node committed, in order
  Network& network_;
  Recorder& recorder_;
};

}  // namespace mrsim
