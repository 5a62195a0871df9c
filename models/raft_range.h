// A range replicated by Raft across regions, with a leaseholder: database.topology "consensus".
//
// Follows: CockroachDB's (and Spanner's) replication of one range across regions, one voting replica per region in
// `database.regions`.
//  - Clients talk to the node in their own region (the gateway, CockroachDB's DistSender), which forwards to the
//    leaseholder, here always the Raft leader. The leader appends a write and sends it to every follower it can
//    reach; it commits once a majority of regions (itself included) holds it, so the commit takes the leader's round
//    trip to the nearest majority; the gateway then answers the client. Followers apply a committed entry when they
//    learn of the commit, one leader-to-follower latency after it; entries apply in log order.
//  - Reads go to the leaseholder, which serves what is committed. With `consensus.follower_read_staleness` > 0 a
//    gateway's own replica serves the read when its applied state is no older than that bound (CockroachDB's
//    bounded-staleness follower reads), else the read goes to the leaseholder.
//  - Losing a follower's region (a minority) loses nothing and stops nothing. Losing the leader's region, or cutting
//    the leader off from a majority: the followers that can still form a majority hear no more heartbeats, and the
//    first whose election timeout (uniform in [T, 2T), T = `consensus.election_timeout`, CockroachDB's 15 ticks of
//    200 ms) runs out among the most up-to-date wins after one round trip of votes to the nearest majority. It serves
//    once the old leader's lease has run out (`consensus.lease_duration` after the old leader lost its majority), so
//    two leaseholders never overlap. Writes and leaseholder reads arriving meanwhile wait for it. With no majority
//    anywhere, nothing commits and leaseholder reads wait, until a heal lets an election happen.
//  - An entry commits only if a majority holds it before a break: one still in flight to the majority when the
//    leader loses it is never committed (never acknowledged, and not in the surviving lineage). An acknowledged write
//    is therefore never lost: RPO is 0 by construction.
//  - A follower cut off from the leader catches up when it can be reached again: the missing entries are sent at the
//    route's bandwidth, one latency away.
// Leaves out: several ranges (with leaseholders in different regions), non-voting replicas, PreVote and CheckQuorum
// messages (their effect, a leader that cannot reach a majority stepping down, is modelled directly), lease transfers
// and leaseholder preferences, closed timestamps (a follower's freshness is its apply lag), the failover controller
// (the range elects its own leaders; the world gives consensus designs region routers, as for multi-primary).
//
// Evaluated lazily, like the other stores: leadership changes are settled when something observes the range at a
// later time; their role changes are recorded at the times they happened.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <vector>

#include "models/network.h"
#include "models/store.h"
#include "sim/random.h"
#include "sim/scenario.h"

namespace mrsim {

class Recorder;

class RaftRangeStore final : public Store {
 public:
  // Node `leader` starts as the leader (and leaseholder), term 1.
  RaftRangeStore(const DatabaseConfig& config, std::vector<NodeSpec> nodes, int leader, Network& network,
                 Recorder& recorder, RandomStream elections);

  Role role(int node) const override { return nodes_[size_t(node)].role; }
  bool every_node_answers() const override { return true; }

  bool serves_reads(int node) const override;
  ReadResult read(int node, uint32_t key, double t, const ReadOptions& options = {}) override;
  WriteResult write(int node, uint32_t key, int16_t arg, double t) override;
  bool ack_wait_broken(int node, double from, double to) const override;
  double ack_after_break(int node, uint32_t write_id, double t) override;

  NodeStatus status(int node, double t) override;
  void promote(int, uint32_t, double) override {}  // the range elects its own leaders
  void rejoin(int, int, uint32_t, double) override {}

  double lag_s(int node, double t) override;
  void finish(History& history) override;

 private:
  static constexpr double kNever = std::numeric_limits<double>::infinity();
  struct Entry {
    uint32_t write_id;
    uint32_t key;
    double append_s;  // on the leader
    double commit_s;  // when a majority holds it (the leader learns it one latency later); kNever: never committed
    int16_t leader;
  };
  struct Node {
    uint16_t host = 0;
    Role role = Role::Replica;
    std::vector<uint32_t> kv;
    std::vector<double> kv_append;  // append time of the entry kv holds: an older one never overwrites it
    uint64_t applied = 0;           // entries applied
    size_t sent = 0;                // log entries up to here are scheduled to reach this node
    // (apply time, log index): a min-heap. The log index is the order writes reached their gateways; the leader's
    // order is append time, and entries apply in it (their apply times follow append times on a steady network).
    std::vector<std::pair<double, size_t>> pending;
  };
  struct Waiting {  // a write whose acknowledgement has not reached its gateway yet
    size_t index;
    int gateway;
    std::vector<double> arrival;  // per node: when it holds the entry (kNever: it will not)
  };

  const Route& route(int from, int to) const;
  bool reachable(int a, int b) const;  // both directions up
  int majority() const { return node_count() / 2 + 1; }
  // The time a majority holds an entry whose per-node arrivals these are (the leader's own among them).
  double majority_at(const std::vector<double>& arrival) const;
  void settle(double t);            // leadership changes due by t
  void on_network_change(double t);
  void settle_breaks(double t);
  void elect(double t, double lease_end);
  void schedule_catch_up(int node, double t);
  void apply(Node& n, double t);
  static void push(Node& n, double at, size_t index);
  void set_role(int node, Role role, double t);
  double ack_time(const Waiting& w) const;

  DatabaseConfig config_;
  std::vector<Node> nodes_;
  Network& network_;
  Recorder& recorder_;
  RandomStream elections_;
  std::vector<Entry> log_;
  std::deque<Waiting> waiting_;
  uint32_t next_write_id_ = 1;
  uint32_t term_ = 1;
  int leader_ = -1;                 // serving leader (leaseholder), or -1
  int pending_leader_ = -1;         // elected, serving from pending_at_
  double pending_at_ = kNever;
  double lease_end_ = 0;            // the last leaseholder's lease runs out then
  double no_majority_at_ = -1;
};

}  // namespace mrsim
