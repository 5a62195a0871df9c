// A leaderless (Dynamo-style) quorum store: every key has one replica in each region of `database.regions` (N of
// them); the node in the client's region coordinates each operation, sending it to all N replicas.
//
// Follows: Dynamo (DeCandia et al., 2007) as Apache Cassandra and Riak run it, and the WARS model of PBS (Bailis et
// al., "Probabilistically Bounded Staleness for Practical Partial Quorums", VLDB 2012):
//  - A write: the coordinator sends it to every replica; replica i applies it W_i after it arrives and acknowledges
//    with delay A_i; the coordinator acknowledges the client at the W-th earliest acknowledgement (the commit). Each
//    message also takes the network's one-way time between the two database hosts (with link jitter, if any; zero
//    for the coordinator's own replica), on top of the drawn delay.
//  - A read: the coordinator asks every replica; replica i reads its state R_i after the request arrives and
//    answers with delay S_i; the coordinator answers at the R-th earliest response, with the newest version among
//    those R (read repair on: it writes that version back, asynchronously, to those of the R that were older).
//  - Versions are ordered by write id, i.e. the order writes reach their coordinators: last writer wins on
//    perfectly synchronised clocks (Cassandra's client timestamps without skew; no siblings).
//  - Availability: replicas the coordinator cannot reach (host down, route cut) when it sends are not asked; with
//    fewer than W (or R) reachable it refuses at once, sending nothing (Cassandra's UnavailableException). A
//    message's fate is decided when it is sent: a cut while it is in flight does not lose it.
//  - Hinted handoff (on by default, as in Cassandra and Riak): a write for an unreachable replica is kept by the
//    coordinator and sent when the route is whole again; hints never count toward W.
// Leaves out: sloppy quorums (a write counts only its key's N replicas), consistent-hashing placement (every node
// holds every key, one replica per region), Cassandra's max_hint_window (hints are kept for ever) and blocking read
// repair, Merkle-tree anti-entropy, speculative retry, per-replica service capacity (the delay distributions stand
// for the replica's whole service; `read_service_time` and `write_service_time` are not used), and the size of
// acknowledgements and read requests (counted as empty; writes and read responses carry `entry_size`), and a
// session's minimum version (ReadOptions::min_version: a read returns what its R responders hold).
//
// Evaluated lazily per key: each replica keeps, per key, the newest version it had applied by the last time the
// store was observed, and the applies due after that (at most as many as there are messages in flight).
#pragma once

#include <cstdint>
#include <map>
#include <queue>
#include <vector>

#include "models/network.h"
#include "models/store.h"
#include "sim/random.h"
#include "sim/scenario.h"

namespace mrsim {

class Recorder;

class LeaderlessStore final : public Store {
 public:
  LeaderlessStore(const DatabaseConfig& config, std::vector<NodeSpec> nodes, Network& network, Recorder& recorder,
                  uint64_t seed);

  Role role(int node) const override { return network_.up(replicas_[size_t(node)].host_element) ? Role::Primary : Role::Down; }

  bool serves_reads(int node) const override { return role(node) == Role::Primary; }
  ReadResult read(int node, uint32_t key, double t, const ReadOptions& options = {}) override;
  WriteResult write(int node, uint32_t key, int16_t arg, double t) override;

  NodeStatus status(int node, double t) override;
  void promote(int node, uint32_t term, double t) override;
  void rejoin(int node, int upstream, uint32_t term, double t) override;

  // No replication stream to lag behind: a replica's staleness is per key and shows in t-visibility instead.
  double lag_s(int /*node*/, double /*t*/) override { return -1; }
  void finish(History& history) override;

 private:
  struct Pending {
    double t;
    uint32_t write_id;
  };
  struct Replica {
    uint16_t host_element = 0;
    std::vector<uint32_t> applied;                    // key -> newest write id applied by the last advance()
    std::map<uint32_t, std::vector<Pending>> pending;  // key -> applies due after it
  };
  struct Due {  // one pending apply, for advance()
    double t;
    uint64_t seq;
    uint32_t replica;
    uint32_t key;
    bool operator>(const Due& o) const { return t != o.t ? t > o.t : seq > o.seq; }
  };
  struct Hint {
    int coordinator, replica;
    uint32_t key, write_id;
    double delay_s;  // the replica's write delay, drawn when the write was sent
  };

  const Route& route(int from, int to) const { return network_.route(region(from), Endpoint::Db, region(to), Endpoint::Db); }
  bool reachable(int from, int to) const { return network_.route_up(route(from, to)); }
  void advance(double t);
  // Records an ApplyRecord unless the replica is the coordinator's own (its CommitRecord stands for it).
  void schedule_apply(int replica, uint32_t key, uint32_t write_id, double at, int coordinator);
  uint32_t state_at(int replica, uint32_t key, double at) const;
  void on_network_change(uint16_t element, bool up, double t);

  QuorumConfig quorum_;
  uint32_t entry_bytes_;
  std::vector<Replica> replicas_;
  std::vector<RandomStream> streams_;  // per coordinator
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
  uint64_t seq_ = 0;
  std::vector<Hint> hints_;
  uint32_t writes_ = 0;  // write ids are 1..writes_
  Network& network_;
  Recorder& recorder_;
};

}  // namespace mrsim
