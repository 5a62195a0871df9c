// The network as the data plane sees it: named endpoints (hosts) of each region, the static routes between them as
// SimGrid computed them from the platform, and the up/down state of every host and link on those routes.
//
// Follows: SimGrid's flow semantics for a message's fate — a message fails if any link or host on its route is down
// when it is sent or goes down while it is in flight — and the platform's latencies and bandwidths.
// Leaves out: contention between client flows (a leg takes route latency + size / bottleneck bandwidth; the control
// plane, which does use SimGrid comms, does get contention), dynamic rerouting (routes are static, as in SimGrid).
//
// Why not a SimGrid comm per client request: one exchange per logical request caps a run at ~40-90 k requests per
// wall second (docs/performance.md); client populations multiplex many logical clients in one actor instead, and
// ask this class what the network would have done.
//
// Network changes are scheduled (the fault schedule is known when the world is built). apply_until(t) applies
// every change due by t and is idempotent, so each actor that depends on the network carries the change times in
// its own event queue and applies them itself: whichever actor reaches a change time first applies it, and the
// result does not depend on which one that was.
// Unscheduled changes (a controller powering a host off to fence it) are injected at the current time by the actor
// that makes them: inject() applies the change at once and appends it to unscheduled(). Actors that use SimGrid
// comms feel it directly; client populations, which sleep until their next own event and settle replies lazily,
// catch up when they wake: before their next event they process every unscheduled change they have not seen, at
// its own time and in order (settle the replies due before it, then the change). That is exact, not an
// approximation, because a population's state between two of its wake-ups depends only on its own events: the
// change is handled as if the population had been woken at its time, without paying a wake-up per population.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/distribution.h"
#include "sim/random.h"

namespace simgrid::s4u {
class Host;
class Link;
}  // namespace simgrid::s4u

namespace mrsim {

enum class Endpoint : uint8_t { Client = 0, App = 1, Db = 2, Monitor = 3 };
constexpr int kEndpointsPerRegion = 4;

// Link jitter (`links[*].jitter`): a delay drawn for each message crossing a link, from the link's own stream
// ("network/jitter/<link name>"), added to the route's latency. Only routes that cross a jittered link point to it,
// so a scenario without jitter draws nothing and computes every transfer exactly as before.
class LinkJitter {
 public:
  LinkJitter(std::vector<std::optional<DelayDistribution>> by_wan_link, uint64_t seed,
             const std::vector<std::string>& wan_link_names);
  bool crosses(const std::vector<uint16_t>& wan_links) const;
  // The sum of one draw per jittered link in `wan_links`, in that order.
  double draw(const std::vector<uint16_t>& wan_links) const;

 private:
  std::vector<std::optional<DelayDistribution>> by_link_;
  mutable std::vector<RandomStream> streams_;  // drawing is not a change of the route, which callers hold const
};

// A route between two endpoints, or the concatenation of several (client -> app -> db).
struct Route {
  double latency_s = 0;
  double bottleneck_Bps = 0;
  std::vector<uint16_t> elements;    // hosts and links the route depends on, sorted, unique
  std::vector<uint16_t> wan_links;   // inter-region links crossed (indices into Network::wan_link_names())
  const LinkJitter* jitter = nullptr;  // set when the route crosses a jittered link
  // One message's one-way time: the latency (plus one jitter draw per jittered link) and its serialization.
  double transfer_s(double bytes) const {
    if (jitter) return latency_s + jitter->draw(wan_links) + bytes / bottleneck_Bps;
    return latency_s + bytes / bottleneck_Bps;
  }
};

struct NetworkChange {
  double t = 0;
  uint16_t element = 0;
  bool down = true;  // false: the matching "up"
};

class Network {
 public:
  using Listener = std::function<void(uint16_t element, bool now_up, double t)>;

  // hosts[r * kEndpointsPerRegion + endpoint]; wan links are the inter-region links, named "a<->b".
  Network(std::vector<simgrid::s4u::Host*> hosts, std::vector<simgrid::s4u::Link*> lan_links,
          std::vector<simgrid::s4u::Link*> wan_links, std::vector<std::string> wan_link_names);

  int region_count() const { return static_cast<int>(hosts_.size()) / kEndpointsPerRegion; }
  simgrid::s4u::Host* host(int region, Endpoint e) const { return hosts_[region * kEndpointsPerRegion + int(e)]; }
  uint16_t host_element(int region, Endpoint e) const { return uint16_t(region * kEndpointsPerRegion + int(e)); }
  uint16_t wan_element(size_t wan_link) const { return uint16_t(hosts_.size() + lan_count_ + wan_link); }

  // Route between endpoints (cached at construction). Via: client -> app of `to_region` -> db of `to_region`.
  const Route& route(int from_region, Endpoint from, int to_region, Endpoint to) const;
  const Route& client_to_db(int client_region, int db_region) const { return client_to_db_[index2(client_region, db_region)]; }
  const Route& db_to_client(int db_region, int client_region) const { return db_to_client_[index2(db_region, client_region)]; }

  bool up(uint16_t element) const { return down_count_[element] == 0; }
  bool route_up(const Route& r) const;
  // True if some element of r went down at a time in (from, to]. Exact: the down times are kept.
  bool broken_during(const Route& r, double from, double to) const;

  void schedule(std::vector<NetworkChange> changes);  // before the run; sorted here by (t, order given)
  const std::vector<double>& change_times() const { return change_times_; }
  void apply_until(double t);  // applies every scheduled change with time <= t, once
  void add_listener(Listener l) { listeners_.push_back(std::move(l)); }
  // An unscheduled change at `t` (now): applied at once; listeners run as for a scheduled one.
  void inject(uint16_t element, bool down, double t);
  const std::vector<NetworkChange>& unscheduled() const { return unscheduled_; }

  // Link jitter, by wan link (none: no jitter); before anyone copies a route. Every cached route crossing a jittered
  // link then draws it in transfer_s.
  void set_jitter(std::vector<std::optional<DelayDistribution>> by_wan_link, uint64_t seed);

  // Bytes crossing inter-region links, counted by whoever sends them.
  void account(const Route& r, double bytes);
  const std::vector<std::string>& wan_link_names() const { return wan_names_; }
  const std::vector<double>& wan_bytes() const { return wan_bytes_; }
  std::string element_name(uint16_t element) const;

  // Two routes end to end: latencies add, the narrower bandwidth bounds, either's elements break it.
  static Route concat(const Route& a, const Route& b);

 private:
  size_t index2(int a, int b) const { return size_t(a) * region_count() + b; }
  Route compute_route(int from_region, Endpoint from, int to_region, Endpoint to) const;

  std::vector<simgrid::s4u::Host*> hosts_;
  std::vector<simgrid::s4u::Link*> links_;  // lan links first (one per region), then wan links
  size_t lan_count_ = 0;
  std::vector<std::string> wan_names_;
  std::vector<double> wan_bytes_;
  std::vector<Route> routes_;  // [from endpoint][to endpoint]
  std::vector<Route> client_to_db_, db_to_client_;
  std::vector<int> down_count_;  // by element: hosts first, then links; overlapping faults nest
  std::vector<std::vector<double>> down_times_;
  std::vector<NetworkChange> changes_;
  std::vector<double> change_times_;
  size_t applied_ = 0;
  std::vector<Listener> listeners_;
  std::vector<NetworkChange> unscheduled_;
  std::unique_ptr<LinkJitter> jitter_;

  void switch_element(uint16_t element, bool is_up, double when, bool record = true);  // record: its down time
};

}  // namespace mrsim
