// The consensus store a lease lives in, and the lease keeper on each database host.
//
// Follows: Patroni on etcd or Consul. The store is a replicated service with one server per region in
// `failover.consensus_regions`; an operation from a caller succeeds when the caller reaches a majority of its
// servers (their monitor hosts up, the routes to them whole), and takes a round trip to the farthest server of the
// nearest majority (the leader's commit needs that majority). The leader key holds the primary's name; it expires
// `ttl` after its last renewal, and after expiry nobody may take it for `lock_delay` (Consul's lock-delay; etcd 0).
// The store times the TTL itself; its servers' clocks are taken as exact.
//  - The primary's keeper renews every `loop_wait` (Patroni's HA loop). It keeps the local time at which it sent
//    its last successful renewal, read on the node's own clock (models/clocks.h): with `fencing: lease` the primary
//    demotes itself (stops accepting writes) once its own clock says loop_wait + retry_timeout have passed since
//    then. The schema makes ttl > loop_wait + retry_timeout, so the holder steps down before the store frees the key
//    — as long as its clock is right: a clock stepped back by more than the margin (ttl - loop_wait -
//    retry_timeout, plus lock_delay) keeps it writing after another node has taken the lease.
//  - A replica becomes primary only after it has taken the key (the promote command asks its keeper to take it).
// Leaves out: the store's own leader elections and their pauses (models/raft.h models those for controllers),
// Patroni's maximum_lag_on_failover and the watchdog, and the store's storage.
#pragma once

#include <cstdint>
#include <vector>

#include "models/network.h"

namespace mrsim {

class LocalClock;
class Recorder;
class Store;

class ConsensusStore {
 public:
  ConsensusStore(std::vector<int> server_regions, double ttl_s, double lock_delay_s, Network& network);

  // Whether an operation from (region, endpoint) reaches a majority now, and if so its round trip.
  bool reachable(int region, Endpoint from) const;
  double round_trip_s(int region, Endpoint from) const;

  int holder(double t) const { return t < expires_at_ ? holder_ : -1; }
  bool free(double t) const { return t >= expires_at_ + lock_delay_s_; }
  // Take or renew the key for `node` at t (the operation's commit time). False if someone else holds it, or it
  // expired less than lock_delay ago and was not ours.
  bool acquire(int node, double t);
  // Set at t = 0: the initial primary holds the key.
  void grant(int node, double t) { holder_ = node; expires_at_ = t + ttl_s_; }

 private:
  std::vector<int> servers_;
  double ttl_s_;
  double lock_delay_s_;
  Network& network_;
  int holder_ = -1;
  double expires_at_ = -1e300;
};

// The keeper's memory of its node's last successful renewal, which outlives the keeper (it is on disk in Patroni's
// case; here it only matters while the node is primary, and a restarted primary comes back Recovering anyway).
struct LeaseKeeperState {
  double last_renewed_local = 0;  // the node's own clock when it sent its last successful renewal
};

class LeaseKeeper {
 public:
  LeaseKeeper(int node, double loop_wait_s, double retry_timeout_s, bool self_fence, double duration_s,
              ConsensusStore& dcs, Store& db, Network& network, const LocalClock& clock, LeaseKeeperState& state,
              Recorder& recorder);
  void operator()();

 private:
  int node_;
  double loop_wait_s_, retry_timeout_s_;
  bool self_fence_;
  double duration_s_;
  ConsensusStore& dcs_;
  Store& db_;
  Network& network_;
  const LocalClock& clock_;
  LeaseKeeperState& state_;
  Recorder& recorder_;
};

// A node's agent asks this before promoting under the lease policy: takes the key for `node` through the store
// (sleeping the round trip). True if the node now holds it.
bool take_lease(ConsensusStore& dcs, int node, int region, const LocalClock& clock, LeaseKeeperState& state);

}  // namespace mrsim
