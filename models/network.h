// The network as the data plane sees it: named endpoints (hosts) of each region, the static routes between them as
// SimGrid computed them from the platform, and the up/down state of every host and link on those routes.
//
// Follows: SimGrid's flow semantics for a message's fate — a message fails if any link or host on its route is down
// when it is sent or goes down while it is in flight — and the platform's latencies and bandwidths.
// Leaves out: contention between client flows (a leg takes route latency + size / bottleneck bandwidth; the control
// plane, which does use SimGrid comms, does get contention), dynamic rerouting (routes are static, as in SimGrid).
//
// Why not a SimGrid comm per client request: one exchange per logical request caps a run at ~40-90 k requests per
// wall second (docs/performance.md); client populations multiplex many logical clients in the data plane instead, and
// ask this class what the network would have done.
//
// Network changes are scheduled (the fault schedule is known when the world is built). apply_until(t) applies
// every change due by t and is idempotent, so each actor that depends on the network carries the change times in
// its own event queue and applies them itself: whichever actor reaches a change time first applies it, and the
// result does not depend on which one that was.
// Unscheduled changes (a controller powering a host off to fence it) are injected at the current time by the actor
// that makes them: inject() applies the change at once and appends it to unscheduled(). Actors that use SimGrid
// comms feel it directly; client populations (models/data_plane.h) process every unscheduled change they have not
// seen before their next event, at its own time and in order (settle the replies due before it, then the change).
// That is exact, not an approximation, because a population's state between two of its events depends only on
// those events: the change is handled as if the population had had an event at its time.
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

// Which traffic a route carries: the control plane (health checks, controller commands, consensus among
// controllers: every route with a monitor host at one end) or the data plane (client requests and replies,
// replication between database nodes).
enum class Plane : uint8_t { Control = 1, Data = 2 };
constexpr uint8_t kBothPlanes = 3;

// A link_degradation fault on one inter-region link, while it is on: a one-way delay added to each message, a
// further delay drawn per message, and the probability that a message is lost; on the planes in `planes`.
struct Degradation {
  double from_s = 0, to_s = 0;  // [from, to)
  uint8_t planes = kBothPlanes;
  double added_s = 0;
  std::optional<DelayDistribution> jitter;
  double loss = 0;
};

struct Route;

// What happens to each message rather than to a route's up/down state: a link's own jitter (`links[*].jitter`),
// link_degradation faults, and gray failures that slow a host's data path k-fold. Each link draws from its own
// streams ("network/jitter/<link>", "network/degradation/<link>", "network/loss/<link>"), and only routes that cross
// an affected link point here, so a scenario without any of these draws nothing and computes every transfer
// exactly as a plain route does.
class LinkEffects {
 public:
  LinkEffects(uint64_t seed, const std::vector<std::string>& wan_link_names);
  void set_jitter(size_t wan_link, DelayDistribution d);
  void add_degradation(size_t wan_link, Degradation d);  // in time order per link
  void add_slowdown(uint16_t host_element, double from_s, double to_s, double factor);
  bool crosses(const Route& r) const;  // a jittered or degraded link on r
  bool any() const;
  // One message's extra one-way delay on r, sent at t: one jitter draw per jittered link, in r's order, then the
  // degradations on r's plane that are on at t (added delay plus one draw of their jitter).
  double delay(const Route& r, double t) const;
  // The degradations' part of delay() alone (control-plane RPCs: SimGrid gives them the link's own latency).
  double degradation_delay(const Route& r, double t) const;
  bool degraded(const Route& r) const;  // a degraded link on r
  // Whether a message sent on r at t is lost: one draw per degraded link with a loss on r's plane, on at t.
  bool lost(const Route& r, double t) const;
  // A message of a TCP stream (replication) sent on r at t: the delay the degradations on at t add, and for each
  // loss a retransmission after Linux's retransmission timeout (200 ms minimum, doubling per retry, at most
  // tcp_retries2 = 15 retries, after which the message is counted as arriving then). Static jitter is left to
  // transfer_s, which replication streams do not use.
  double stream_delay(const Route& r, double t) const;
  // The k of a gray failure slowing `host_element` at t (1 when none).
  double slow_factor(uint16_t host_element, double t) const;
  bool any_slowdown() const { return !slow_.empty(); }

 private:
  const Degradation* active(size_t wan_link, uint8_t plane, double t) const;
  double added_delay(size_t wan_link, const Degradation& d) const;  // added latency plus one jitter draw
  std::vector<std::optional<DelayDistribution>> jitter_;
  std::vector<std::vector<Degradation>> degradations_;
  struct Slowdown {
    uint16_t host;
    double from_s, to_s, factor;
  };
  std::vector<Slowdown> slow_;
  mutable std::vector<RandomStream> jitter_streams_, degradation_streams_, loss_streams_;
};

// A route between two endpoints, or the concatenation of several (client -> app -> db).
struct Route {
  double latency_s = 0;
  double bottleneck_Bps = 0;
  std::vector<uint16_t> elements;    // hosts and links the route depends on, sorted, unique
  std::vector<uint16_t> wan_links;   // inter-region links crossed (indices into Network::wan_link_names())
  const LinkEffects* effects = nullptr;  // set when the route crosses a jittered or degraded link
  Plane plane = Plane::Data;
  // One message's one-way time, sent at t: the latency (plus the link effects) and its serialization.
  double transfer_s(double bytes, double t) const {
    if (effects) return latency_s + effects->delay(*this, t) + bytes / bottleneck_Bps;
    return latency_s + bytes / bottleneck_Bps;
  }
  bool lost(double t) const { return effects && effects->lost(*this, t); }
};

struct NetworkChange {
  double t = 0;
  uint16_t element = 0;
  bool down = true;  // false: the matching "up"
};

class Network {
 public:
  using Listener = std::function<void(uint16_t element, bool now_up, double t)>;

  // hosts[r * kEndpointsPerRegion + endpoint]; wan links are the inter-region links, named "a<->b", between the
  // regions `wan_ends` gives (a, b).
  // `fault_elements`: also keep the elements that faults narrower than a host or a link need (see below); routes
  // then carry them, so a scenario without such faults keeps the shorter routes.
  Network(std::vector<simgrid::s4u::Host*> hosts, std::vector<simgrid::s4u::Link*> lan_links,
          std::vector<simgrid::s4u::Link*> wan_links, std::vector<std::string> wan_link_names,
          std::vector<std::pair<int, int>> wan_ends = {}, bool fault_elements = false);

  int region_count() const { return static_cast<int>(hosts_.size()) / kEndpointsPerRegion; }
  simgrid::s4u::Host* host(int region, Endpoint e) const { return hosts_[region * kEndpointsPerRegion + int(e)]; }
  uint16_t host_element(int region, Endpoint e) const { return uint16_t(region * kEndpointsPerRegion + int(e)); }
  uint16_t wan_element(size_t wan_link) const { return uint16_t(hosts_.size() + lan_count_ + wan_link); }
  // Elements past the physical ones (hosts and links, which SimGrid turns off), kept with `fault_elements`:
  //  - a host's data path (a gray failure takes it down while the host, and its health endpoint, stay up);
  //  - each inter-region link per plane and direction (scoped and one-way partitions).
  // Data-plane routes carry their end hosts' data paths; every route carries, for each link it crosses, the element
  // of its plane and direction. Down virtual elements break routes (route_up, broken_during) and reach listeners,
  // but no SimGrid resource: control-plane RPCs check them themselves (models/health.h).
  bool fault_elements() const { return fault_elements_; }
  uint16_t data_path(uint16_t host_element) const { return uint16_t(physical_count() + host_element); }
  // Direction: from wan_ends[l].first to .second (false) or back (true).
  uint16_t directed_link(size_t wan_link, Plane plane, bool reverse) const {
    return uint16_t(physical_count() + hosts_.size() + wan_link * 4 + (plane == Plane::Data ? 2 : 0) + (reverse ? 1 : 0));
  }
  const std::vector<std::pair<int, int>>& wan_ends() const { return wan_ends_; }

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

  // Link jitter, degradations and slowdowns; before anyone copies a route. Every cached route crossing an affected
  // link then points to them (transfer_s, lost).
  void set_effects(std::unique_ptr<LinkEffects> effects);
  const LinkEffects* effects() const { return effects_.get(); }

  // Bytes crossing inter-region links, counted by whoever sends them.
  void account(const Route& r, double bytes);
  const std::vector<std::string>& wan_link_names() const { return wan_names_; }
  const std::vector<double>& wan_bytes() const { return wan_bytes_; }
  std::string element_name(uint16_t element) const;

  // Two routes end to end: latencies add, the narrower bandwidth bounds, either's elements break it.
  static Route concat(const Route& a, const Route& b);

 private:
  size_t index2(int a, int b) const { return size_t(a) * region_count() + b; }
  size_t physical_count() const { return hosts_.size() + links_.size(); }
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
  std::unique_ptr<LinkEffects> effects_;
  std::vector<std::pair<int, int>> wan_ends_;
  bool fault_elements_ = false;

  void switch_element(uint16_t element, bool is_up, double when, bool record = true);  // record: its down time
};

}  // namespace mrsim
