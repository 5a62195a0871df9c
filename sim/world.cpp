#include "sim/world.h"

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>
#include <xbt/log.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>

#include "models/client.h"
#include "models/clocks.h"
#include "models/consensus.h"
#include "models/controller.h"
#include "models/data_plane.h"
#include "models/dns.h"
#include "models/global_lb.h"
#include "models/health.h"
#include "models/network.h"
#include "models/raft.h"
#include "models/region_router.h"
#include "sim/engine_config.h"
#include "sim/faults.h"
#include "sim/footprint.h"
#include "sim/random.h"
#include "sim/recorder.h"
#include "sim/stores.h"

namespace mrsim {

namespace sg4 = simgrid::s4u;

namespace {

const char* const kEndpointNames[kEndpointsPerRegion] = {"client", "app", "db", "monitor"};

struct Platform {
  std::vector<sg4::Host*> hosts;  // region * kEndpointsPerRegion + endpoint
  std::vector<sg4::Link*> lans;
  std::vector<sg4::Link*> wans;
  std::vector<std::string> wan_names;
  sg4::Host* observer = nullptr;  // runs the fault injector and the samplers; outside every region, never fails
};

Platform build_platform(const Scenario& s) {
  Platform p;
  auto* root = sg4::create_full_zone("world");
  std::vector<sg4::NetZone*> zones;
  std::vector<simgrid::kernel::routing::NetPoint*> gateways;
  for (const auto& region : s.regions) {
    auto* zone = sg4::create_full_zone(region.name);
    zone->set_parent(root);
    auto* lan = zone->create_link(region.name + "-lan", region.lan_bandwidth_Bps)->set_latency(region.lan_latency_s);
    std::vector<sg4::Host*> hosts;
    for (const char* endpoint : kEndpointNames) hosts.push_back(zone->create_host(region.name + "-" + endpoint, 1e9));
    auto* gateway = zone->create_router(region.name + "-gw");
    for (size_t i = 0; i < hosts.size(); ++i) {
      for (size_t j = i + 1; j < hosts.size(); ++j)
        zone->add_route(hosts[i]->get_netpoint(), hosts[j]->get_netpoint(), nullptr, nullptr, {sg4::LinkInRoute(lan)}, true);
      zone->add_route(hosts[i]->get_netpoint(), gateway, nullptr, nullptr, {sg4::LinkInRoute(lan)}, true);
    }
    zone->seal();
    zones.push_back(zone);
    gateways.push_back(gateway);
    p.lans.push_back(lan);
    p.hosts.insert(p.hosts.end(), hosts.begin(), hosts.end());
  }
  for (const auto& l : s.links) {
    const std::string name = l.a + "<->" + l.b;
    p.wans.push_back(root->create_link(name, l.bandwidth_Bps)->set_latency(l.latency_s));
    p.wan_names.push_back(name);
  }
  const auto paths = region_paths(s);
  for (size_t a = 0; a < zones.size(); ++a)
    for (size_t b = a + 1; b < zones.size(); ++b) {
      std::vector<sg4::LinkInRoute> links;
      for (int l : paths[a][b]) links.emplace_back(p.wans[l]);
      root->add_route(zones[a]->get_netpoint(), zones[b]->get_netpoint(), gateways[a], gateways[b], links, true);
    }
  auto* outside = sg4::create_full_zone("observer");
  outside->set_parent(root);
  p.observer = outside->create_host("observer", 1e9);
  outside->seal();
  root->seal();
  return p;
}

// The DNS record policy of a scenario, in region indices (models/dns.h).
RecordPolicy record_policy(const Scenario& s, const Network& network, const std::vector<int>& node_regions) {
  RecordPolicy p;
  const int n = int(s.regions.size());
  p.regions = n;
  for (int r : node_regions) p.healthy_at_start |= uint64_t(1) << r;
  if (s.routing.policy == "geo") {
    p.kind = RecordPolicy::Kind::Geo;
    p.geo_map.assign(size_t(n), -1);
    for (const auto& [from, to] : s.routing.geo_map) p.geo_map[size_t(s.region_index(from))] = s.region_index(to);
    p.geo_default = s.region_index(s.routing.geo_default);
  } else if (s.routing.policy == "latency") {
    p.kind = RecordPolicy::Kind::Latency;
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b) p.latency_s.push_back(network.client_to_db(a, b).latency_s);
  } else if (s.routing.policy == "weighted") {
    p.kind = RecordPolicy::Kind::Weighted;
    p.weights.assign(size_t(n), 0.0);
    for (const auto& [region, weight] : s.routing.weights) p.weights[size_t(s.region_index(region))] = weight;
  }
  return p;
}

}  // namespace

// Lowest-latency chain of inter-region links between every pair of regions (Dijkstra; ties keep the lower index,
// so the result does not depend on anything but the scenario).
std::vector<std::vector<std::vector<int>>> region_paths(const Scenario& s) {
  const int n = int(s.regions.size());
  std::vector<std::vector<std::vector<int>>> paths(n, std::vector<std::vector<int>>(n));
  for (int src = 0; src < n; ++src) {
    std::vector<double> dist(n, std::numeric_limits<double>::infinity());
    std::vector<int> via_link(n, -1), prev(n, -1);
    std::vector<bool> done(n, false);
    dist[src] = 0;
    for (int round = 0; round < n; ++round) {
      int u = -1;
      for (int v = 0; v < n; ++v)
        if (!done[v] && (u < 0 || dist[v] < dist[u])) u = v;
      if (u < 0 || dist[u] == std::numeric_limits<double>::infinity()) break;
      done[u] = true;
      for (int l = 0; l < int(s.links.size()); ++l) {
        const int a = s.region_index(s.links[l].a), b = s.region_index(s.links[l].b);
        const int v = a == u ? b : (b == u ? a : -1);
        if (v < 0 || done[v]) continue;
        const double d = dist[u] + s.links[l].latency_s;
        if (d < dist[v]) {
          dist[v] = d;
          prev[v] = u;
          via_link[v] = l;
        }
      }
    }
    for (int dst = 0; dst < n; ++dst) {
      if (dst == src) continue;
      if (prev[dst] < 0) throw std::logic_error("regions not connected: validation should have refused this");
      for (int v = dst; v != src; v = prev[v]) paths[src][dst].insert(paths[src][dst].begin(), via_link[v]);
    }
  }
  return paths;
}

History simulate(const Scenario& s, const std::vector<std::string>& engine_config, bool lockstep,
                 const OpOutputs& outputs) {
  check_engine_config(engine_config);  // before the Engine: SimGrid aborts on a setting it rejects
  std::vector<std::string> args = engine_arguments(engine_config);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = int(args.size());
  xbt_log_control_set("root.thres:critical");
  sg4::Engine engine(&argc, argv.data());
  // LV08 (the default) multiplies latencies by 13.01; CM02 takes the platform's latencies as they are.
  sg4::Engine::set_config("network/model:CM02");
  bool deadlocked = false;
  sg4::Engine::on_deadlock_cb([&deadlocked] { deadlocked = true; });

  Platform platform = build_platform(s);
  Network network(platform.hosts, platform.lans, platform.wans, platform.wan_names, wan_ends(s),
                  needs_fault_elements(s));
  network.schedule(fault_changes(s, network));
  network.set_effects(fault_effects(s, network));

  Recorder recorder;
  History& h = recorder.history();
  h.duration_s = s.duration_s;
  for (const auto& r : s.regions) h.regions.push_back(r.name);
  h.links = platform.wan_names;
  for (const auto& l : s.links) h.link_cost_per_gb.push_back(l.cost_per_gb);

  // Growing a vector of millions of records doubles its memory while copying: size it for the offered load. The
  // memory estimate charges exactly this reservation, and the CLI refuses a run whose estimate is over its limit.
  recorder.keep_ops(outputs.keep_ops);
  for (OpSink* sink : outputs.sinks) recorder.add_sink(sink);
  if (outputs.keep_ops) h.ops.reserve(planned_operation_records(s));

  ClockSet clocks(s);
  for (int c = 0; c < clocks.count(); ++c) h.clocks.push_back(clocks.name(c));

  // The store (sim/stores.h). Designs without a single primary (every node takes writes) get region routers.
  BuiltStore built = make_store(s, clocks, network, recorder, h);
  std::unique_ptr<Store> store = std::move(built.store);
  const int primary = built.primary;
  const bool multi = primary < 0;
  Store& db = *store;
  std::vector<int> node_regions;
  for (int n = 0; n < db.node_count(); ++n) {
    h.nodes.push_back(db.name(n));
    h.node_region.push_back(uint8_t(db.region(n)));
    node_regions.push_back(db.region(n));
  }

  AuthoritativeDns dns(s.routing, recorder, h.regions);
  if (s.routing.policy != "failover") dns.set_policy(record_policy(s, network, node_regions));
  std::vector<std::pair<double, double>> dns_outages;
  for (const auto& f : s.faults)
    if (f.kind == FaultKind::DnsOutage) dns_outages.insert(dns_outages.end(), f.intervals.begin(), f.intervals.end());
  dns.set_outages(std::move(dns_outages));
  std::vector<int> client_regions;
  for (const auto& g : s.clients) client_regions.push_back(s.region_index(g.region));
  std::sort(client_regions.begin(), client_regions.end());
  client_regions.erase(std::unique(client_regions.begin(), client_regions.end()), client_regions.end());
  // A client region without a node of its own is served by the primary's region, or (multi-primary) the nearest
  // node's region.
  auto serving_region = [&](int client_region) {
    if (db.node_in_region(client_region) >= 0) return client_region;
    if (!multi) return db.region(primary);
    int best = node_regions.front();
    for (int r : node_regions)
      if (network.client_to_db(client_region, r).latency_s < network.client_to_db(client_region, best).latency_s) best = r;
    return best;
  };
  if (!multi) dns.define(AuthoritativeDns::kWriteRecord, db.region(primary));
  for (int r : client_regions) dns.define(AuthoritativeDns::read_record(r), serving_region(r));
  if (s.routing.writes == WriteRouting::Local)
    for (int r : client_regions) dns.define(dns.local_write_record(r), serving_region(r));
  if (s.routing.writes == WriteRouting::HomeRegion)
    for (int r : node_regions) dns.define(dns.home_record(r), r);
  const WriteRecords write_records(s.routing.writes, s.routing.home_by_client, dns, node_regions);
  std::vector<std::unique_ptr<ResolverPool>> resolvers(s.regions.size());
  for (int r : client_regions) {
    RandomStream stream(s.seed, "resolvers/" + s.regions[r].name);
    resolvers[r] = std::make_unique<ResolverPool>(s.routing, clocks.clock(r, ClockRole::Resolvers), dns,
                                                  dns.record_count(), stream,
                                                  RandomStream(s.seed, "resolvers/" + s.regions[r].name + "/answers"));
  }

  // The global load balancer and its health checkers: at each client region's edge (its point of presence), one
  // per backend region.
  std::unique_ptr<GlobalLoadBalancer> lb;
  if (s.routing.kind == "global_lb") {
    const int fixed_pop = s.routing.global_lb.pop == "nearest" ? -1 : s.region_index(s.routing.global_lb.pop);
    lb = std::make_unique<GlobalLoadBalancer>(network, dns, node_regions, fixed_pop);
    const std::vector<int> pops = fixed_pop < 0 ? client_regions : std::vector<int>{fixed_pop};
    for (int pop : pops)
      for (int r : node_regions) {
        const std::string name = "global_lb/health/" + s.regions[pop].name + "/" + s.regions[r].name;
        sg4::Actor::create(name, network.host(pop, Endpoint::Client),
                           LbHealthChecker(s.routing.global_lb, pop, r, s.duration_s, RandomStream(s.seed, name),
                                           network, db, *lb, recorder));
      }
    // Planned maintenance: the operator drains the backend from the load balancer at the start and puts it back at
    // the end (its app tier's stop and start are scheduled network changes, see fault_changes).
    const bool maintenance = std::any_of(s.faults.begin(), s.faults.end(),
                                         [](const FaultConfig& f) { return f.kind == FaultKind::Maintenance; });
    if (maintenance)
      sg4::Actor::create("global_lb/maintenance", platform.observer, [&s, &lb, &recorder, &db] {
      struct Edge {
        double t;
        int region;
        bool drained;
      };
      std::vector<Edge> edges;
      for (const auto& f : s.faults)
        if (f.kind == FaultKind::Maintenance) {
          edges.push_back({f.at_s, s.region_index(f.region), true});
          edges.push_back({f.at_s + f.duration_s, s.region_index(f.region), false});
        }
      std::stable_sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.t < b.t; });
      for (const Edge& e : edges) {
        sg4::this_actor::sleep_until(e.t);
        lb->set_drained(e.region, e.drained);
        recorder.decision({e.t, e.drained ? "lb_drain" : "lb_undrain", int16_t(db.node_in_region(e.region)),
                           "global load balancer: backend region " + s.regions[e.region].name +
                               (e.drained ? " taken out for maintenance" : " back in rotation")});
      }
    });
  }
  std::vector<int> endpoints;
  for (const auto& e : s.routing.endpoints) endpoints.push_back(s.region_index(e));

  // Clients: every population in the data plane (models/data_plane.h), advanced from SimGrid's clock.
  DataPlane data_plane(lockstep, s.duration_s);
  std::vector<std::unique_ptr<ZipfTable>> zipfs;
  uint32_t first_client = 0;
  const bool sessions_stated = std::any_of(s.clients.begin(), s.clients.end(),
                                           [](const ClientGroupConfig& g) { return g.session.stated; });
  for (size_t g = 0; g < s.clients.size(); ++g) {
    const auto& group = s.clients[g];
    const int r = s.region_index(group.region);
    if (sessions_stated)
      h.client_groups.push_back({to_string(group.session.strategy), uint8_t(r), first_client, group.count,
                                 group.request_bytes, group.response_bytes});
    const ZipfTable* zipf = nullptr;
    if (group.key_distribution == KeyDistribution::Zipf) {
      zipfs.push_back(std::make_unique<ZipfTable>(s.database.keys, group.zipf_exponent));
      zipf = zipfs.back().get();
    }
    ClientPopulation::Context ctx{network, db, dns, *resolvers[r], write_records, recorder, zipf, s.database.keys,
                                  lb.get()};
    const std::string name = "clients/" + std::to_string(g) + "/" + group.region;
    const bool client_failover = s.routing.kind == "client";
    EndpointFailover failover;
    if (client_failover) failover = EndpointFailover(endpoints, s.routing.circuit_breaker, group.count);
    ClientDnsCache cache;
    if (s.routing.client_cache.fraction > 0)
      cache = ClientDnsCache(s.routing.client_cache, group.count, dns.record_count(),
                             RandomStream(s.seed, name + "/client_cache"));
    data_plane.add(std::make_unique<ClientPopulation>(group, r, first_client, s.duration_s, RandomStream(s.seed, name),
                                                      ctx, RandomStream(s.seed, name + "/backoff"), std::move(failover),
                                                      client_failover, std::move(cache)));
    first_client += group.count;
  }
  data_plane.start();
  // The clock's signal is process-wide and outlives this function: it reaches the data plane only during the run.
  auto advancing = std::make_shared<DataPlane*>(&data_plane);
  sg4::Engine::on_time_advance_cb([advancing](double) {
    if (*advancing) (*advancing)->advance(sg4::Engine::get_clock());
  });
  sg4::Actor::create("data-plane", platform.observer, [&data_plane] { data_plane.actor(); });

  // Control plane: node agents (and, under the lease policy, their lease keepers), the consensus store or the Raft
  // group, health checkers in every vantage region and the controllers.
  const uint32_t message_bytes = s.health_check.probe_bytes;
  const FailoverPolicy policy = s.failover.policy;
  std::vector<int> consensus_regions;
  for (const auto& r : s.failover.consensus_regions) consensus_regions.push_back(s.region_index(r));
  std::unique_ptr<ConsensusStore> dcs;
  std::vector<LeaseKeeperState> keepers(db.node_count());
  if (policy == FailoverPolicy::Lease) {
    dcs = std::make_unique<ConsensusStore>(consensus_regions, s.failover.lease.ttl_s, s.failover.lease.lock_delay_s,
                                           network);
    dcs->grant(primary, 0.0);
    keepers[primary].last_renewed_local = clocks.clock(db.region(primary), ClockRole::Db).local_time(0.0);
  }
  auto start_agent = [&](int node) {
    const int region = db.region(node);
    NodeAgent::Gate gate;
    if (dcs)
      gate = [&dcs, &keepers, &clocks, region](int n) {
        return take_lease(*dcs, n, region, clocks.clock(region, ClockRole::Db), keepers[n]);
      };
    sg4::Actor::create("agent/" + db.name(node), network.host(region, Endpoint::Db),
                       NodeAgent(node, db, network, s.failover.promotion_s, s.failover.rpc_timeout_s, message_bytes,
                                 gate));
    if (dcs)
      sg4::Actor::create("keeper/" + db.name(node), network.host(region, Endpoint::Db),
                         LeaseKeeper(node, s.failover.lease.loop_wait_s, s.failover.lease.retry_timeout_s,
                                     s.failover.fencing == Fencing::Lease, s.duration_s, *dcs, db, network,
                                     clocks.clock(region, ClockRole::Db), keepers[node], recorder));
  };
  for (int n = 0; n < db.node_count(); ++n) start_agent(n);
  network.add_listener([&](uint16_t element, bool up, double) {
    for (int n = 0; n < db.node_count(); ++n)
      if (up && element == network.host_element(db.region(n), Endpoint::Db)) start_agent(n);
  });
  std::unique_ptr<RaftGroup> raft;
  if (policy == FailoverPolicy::Raft) {
    raft = std::make_unique<RaftGroup>(s.failover.raft, consensus_regions, h.regions, RandomStream(s.seed, "raft"), s.duration_s,
                                       network, recorder);
    sg4::Actor::create("raft", platform.observer, [&raft] { (*raft)(); });
  }
  // Where the controllers run: one in health_check.from, or (raft) one per member. Each vantage region's monitor
  // host runs a checker per node. The daemons of a monitor host start again when it comes back; the board and the
  // controllers' decisions outlive them (see models/controller.h).
  const int from = s.region_index(s.health_check.from);
  std::vector<int> controller_regions = policy == FailoverPolicy::Raft ? consensus_regions : std::vector<int>{from};
  std::vector<int> vantage_regions;
  for (const auto& r : s.health_check.vantages) vantage_regions.push_back(s.region_index(r));
  HealthBoard board(db.node_count(), s.health_check, int(controller_regions.size()));
  ControllerState controller_state(db, s.failover.page_rule.for_s);
  std::vector<int> monitor_starts(s.regions.size(), 0);
  auto is_controller_region = [&](int r) {
    return std::find(controller_regions.begin(), controller_regions.end(), r) != controller_regions.end();
  };
  const bool any_local = std::any_of(vantage_regions.begin(), vantage_regions.end(), is_controller_region);
  auto start_monitor = [&](int region) {
    const std::string suffix = monitor_starts[region]++ ? "#" + std::to_string(monitor_starts[region]) : "";
    for (size_t v = 0; v < vantage_regions.size(); ++v) {
      if (vantage_regions[v] != region) continue;
      for (int n = 0; n < db.node_count(); ++n) {
        // The first vantage's streams keep the names they had when there was only one.
        const std::string name = (v ? "health/" + s.regions[region].name + "/" : "health/") + db.name(n) + suffix;
        sg4::Actor::create(name, network.host(region, Endpoint::Monitor),
                           HealthChecker(s.health_check, int(v), !any_local || is_controller_region(region), region,
                                         n, s.duration_s, RandomStream(s.seed, name), db, network, board, recorder));
      }
    }
    for (size_t c = 0; c < controller_regions.size(); ++c) {
      if (controller_regions[c] != region) continue;
      board.start_daemons(int(c));
      const std::string name = (controller_regions.size() > 1 ? "controller/" + s.regions[region].name : "controller") + suffix;
      if (multi)
        sg4::Actor::create(name, network.host(region, Endpoint::Monitor),
                           RegionRouter(s.routing, policy == FailoverPolicy::Automatic, int(c), s.duration_s,
                                        client_regions, db, network, dns, board, recorder));
      else
        sg4::Actor::create(name, network.host(region, Endpoint::Monitor),
                           FailoverController(s.failover, region, int(c), s.duration_s, client_regions, db, network,
                                              dns, board, controller_state, recorder, message_bytes,
                                              ControllerPeers{vantage_regions, dcs.get(), raft.get()},
                                              RandomStream(s.seed, "operator/" + s.regions[region].name)));
    }
  };
  std::vector<bool> daemon_region(s.regions.size(), false);
  for (int r : vantage_regions) daemon_region[r] = true;
  for (int r : controller_regions) daemon_region[r] = true;
  for (int r = 0; r < int(s.regions.size()); ++r)
    if (daemon_region[r]) start_monitor(r);
  network.add_listener([&](uint16_t element, bool up, double t) {
    if (!up || t >= s.duration_s) return;
    for (int r = 0; r < int(s.regions.size()); ++r)
      if (daemon_region[r] && element == network.host_element(r, Endpoint::Monitor)) start_monitor(r);
  });

  // Fault injector: applies the schedule (idempotently, see models/network.h) and records each fault's edges.
  sg4::Actor::create("faults", platform.observer, [&] {
    struct Edge {
      double t;
      uint32_t fault;
      FaultEventKind what;
    };
    std::vector<Edge> edges;
    for (uint32_t i = 0; i < s.faults.size(); ++i)
      for (const auto& [from, to] : s.faults[i].intervals) {
        edges.push_back({from, i, FaultEventKind::Start});
        if (std::isfinite(to)) edges.push_back({to, i, FaultEventKind::End});
      }
    std::stable_sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.t < b.t; });
    for (const Edge& e : edges) {
      sg4::this_actor::sleep_until(e.t);
      network.apply_until(e.t);
      const auto& f = s.faults[e.fault];
      recorder.fault({e.t, e.fault, e.what, fault_kind_name(f.kind), fault_description(f)});
    }
  });

  // Lag sampler: one sample of each replica at the start of every sample interval (sim/history.h).
  sg4::Actor::create("lag-sampler", platform.observer, [&] {
    const size_t samples = sample_count(s.duration_s, s.metrics.sample_interval_s);
    for (size_t i = 0; i < samples; ++i) {
      const double t = double(i) * s.metrics.sample_interval_s;
      sg4::this_actor::sleep_until(t);
      for (int n = 0; n < db.node_count(); ++n) {
        const double lag = db.lag_s(n, t);
        if (lag >= 0) recorder.lag({t, int16_t(n), lag});
      }
      if (clocks.any_inexact())
        for (int c = 0; c < clocks.count(); ++c) recorder.clock({t, uint16_t(c), clocks.at(c).offset_at(t)});
    }
  });

  recorder.begin_ops();
  engine.run();
  *advancing = nullptr;
  if (deadlocked) throw std::logic_error("the simulation deadlocked (an actor waits for something that cannot happen)");

  data_plane.finish();
  db.finish(h);
  // Stores record some decisions and role changes when they settle them, after later ones (semi-sync's switches, a
  // consensus range's leadership): time order.
  std::stable_sort(h.roles.begin(), h.roles.end(), [](const RoleChange& a, const RoleChange& b) { return a.t < b.t; });
  std::stable_sort(h.decisions.begin(), h.decisions.end(),
                   [](const ControllerDecision& a, const ControllerDecision& b) { return a.t < b.t; });
  h.decisions.erase(std::remove_if(h.decisions.begin(), h.decisions.end(),
                                   [&](const ControllerDecision& d) { return d.t >= s.duration_s && d.action.rfind("semi_sync", 0) == 0; }),
                    h.decisions.end());
  for (size_t l = 0; l < network.wan_bytes().size(); ++l)
    h.traffic.push_back({uint16_t(l), uint64_t(network.wan_bytes()[l])});
  // Every operation completes before the data plane's queue empties; one that did not would not be in the history.
  recorder.finish_ops();
  return std::move(recorder.history());
}

}  // namespace mrsim
