#include "models/consensus.h"

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include <algorithm>

#include "models/store.h"
#include "sim/clock.h"
#include "sim/recorder.h"

namespace mrsim {

namespace sg4 = simgrid::s4u;

ConsensusStore::ConsensusStore(std::vector<int> server_regions, double ttl_s, double lock_delay_s, Network& network)
    : servers_(std::move(server_regions)), ttl_s_(ttl_s), lock_delay_s_(lock_delay_s), network_(network) {}

namespace {
// One-way latencies to the servers the caller reaches, ascending.
std::vector<double> reachable_latencies(const std::vector<int>& servers, const Network& network, int region,
                                        Endpoint from) {
  std::vector<double> latencies;
  for (int s : servers) {
    const Route& r = network.route(region, from, s, Endpoint::Monitor);
    if (network.route_up(r)) latencies.push_back(r.latency_s);
  }
  std::sort(latencies.begin(), latencies.end());
  return latencies;
}
}  // namespace

bool ConsensusStore::reachable(int region, Endpoint from) const {
  return reachable_latencies(servers_, network_, region, from).size() > servers_.size() / 2;
}

double ConsensusStore::round_trip_s(int region, Endpoint from) const {
  const auto latencies = reachable_latencies(servers_, network_, region, from);
  const size_t majority = servers_.size() / 2 + 1;
  return latencies.size() >= majority ? 2 * latencies[majority - 1] : 0;
}

bool ConsensusStore::acquire(int node, double t) {
  if (holder(t) == node) {  // a renewal
    expires_at_ = t + ttl_s_;
    return true;
  }
  if (holder(t) >= 0) return false;  // someone else holds a live key
  // Expired or never held: the last holder may take it back at once, anyone else once lock_delay has passed.
  if (holder_ != node && !free(t)) return false;
  holder_ = node;
  expires_at_ = t + ttl_s_;
  return true;
}

bool take_lease(ConsensusStore& dcs, int node, int region, const LocalClock& clock, LeaseKeeperState& state) {
  const double sent = sg4::Engine::get_clock();
  if (!dcs.reachable(region, Endpoint::Db)) return false;
  sg4::this_actor::sleep_for(dcs.round_trip_s(region, Endpoint::Db));
  if (!dcs.reachable(region, Endpoint::Db) || !dcs.acquire(node, sg4::Engine::get_clock())) return false;
  state.last_renewed_local = clock.local_time(sent);
  return true;
}

LeaseKeeper::LeaseKeeper(int node, double loop_wait_s, double retry_timeout_s, bool self_fence, double duration_s,
                         ConsensusStore& dcs, Store& db, Network& network, const LocalClock& clock,
                         LeaseKeeperState& state, Recorder& recorder)
    : node_(node), loop_wait_s_(loop_wait_s), retry_timeout_s_(retry_timeout_s), self_fence_(self_fence),
      duration_s_(duration_s), dcs_(dcs), db_(db), network_(network), clock_(clock), state_(state),
      recorder_(recorder) {}

void LeaseKeeper::operator()() {
  const int region = db_.region(node_);
  double next = sg4::Engine::get_clock();
  while (next < duration_s_) {
    sg4::this_actor::sleep_until(next);
    next += loop_wait_s_;
    if (db_.role(node_) != Role::Primary) continue;
    // A renewal is an acquire by the holder: it keeps the key, or takes it back if nobody else took it meanwhile.
    // A renewal the store refuses, or cannot commit, counts as failed.
    if (take_lease(dcs_, node_, region, clock_, state_)) continue;
    if (!self_fence_) continue;
    // The deadline, on this node's own clock; sleep until it (or the next loop) and check again.
    const double deadline_local = state_.last_renewed_local + loop_wait_s_ + retry_timeout_s_;
    const double now = sg4::Engine::get_clock();
    if (clock_.local_time(now) < deadline_local) {
      const double at = clock_.true_time_at(deadline_local);
      if (at < next) next = std::max(at, now);
      continue;
    }
    const NodeStatus s = db_.status(node_, now);
    db_.fence(node_, s.term, now);
    recorder_.decision({now, "lease_expired_demote", int16_t(node_),
                        "no renewal since local " + std::to_string(state_.last_renewed_local) + " s"});
  }
}

}  // namespace mrsim
