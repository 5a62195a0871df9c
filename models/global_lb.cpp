#include "models/global_lb.h"

#include <algorithm>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/dns.h"
#include "models/network.h"
#include "models/store.h"
#include "sim/recorder.h"

namespace mrsim {

namespace sg4 = simgrid::s4u;

static_assert(AuthoritativeDns::kWriteRecord == 0, "GlobalLoadBalancer::kWriteRecordId mirrors it");

GlobalLoadBalancer::GlobalLoadBalancer(const Network& network, const AuthoritativeDns& dns,
                                       std::vector<int> node_regions, int pop)
    : dns_(dns), first_home_record_(dns.home_record(0)), pop_(pop) {
  const int n = network.region_count();
  healthy_.assign(size_t(n), std::vector<bool>(size_t(n), false));
  for (auto& by_backend : healthy_)
    for (int r : node_regions) by_backend[size_t(r)] = true;
  by_latency_.resize(size_t(n));
  for (int client = 0; client < n; ++client) {
    std::vector<int>& order = by_latency_[size_t(client)];
    order = node_regions;
    std::sort(order.begin(), order.end());  // ties keep the lower region index
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return network.client_to_db(client, a).latency_s < network.client_to_db(client, b).latency_s;
    });
  }
  for (int client = 0; client < n; ++client)
    for (int backend = 0; backend < n; ++backend) {
      if (pop_ < 0 || pop_ == client) {
        request_.push_back(network.client_to_db(client, backend));
        continue;
      }
      request_.push_back(Network::concat(network.route(client, Endpoint::Client, pop_, Endpoint::Client),
                                network.client_to_db(pop_, backend)));
    }
  for (int backend = 0; backend < n; ++backend)
    for (int client = 0; client < n; ++client) {
      if (pop_ < 0 || pop_ == client) {
        reply_.push_back(network.db_to_client(backend, client));
        continue;
      }
      reply_.push_back(Network::concat(network.db_to_client(backend, pop_),
                              network.route(pop_, Endpoint::Client, client, Endpoint::Client)));
    }
  recompute();
}

int GlobalLoadBalancer::controller_target(int record) const {
  return dns_.latest_requested(record);
}

int GlobalLoadBalancer::set_healthy(int pop, int backend, bool healthy) {
  // Under one fixed PoP its own region's entry stands for every client region's.
  const int before = nearest_[size_t(pop)];
  healthy_[size_t(pop)][size_t(backend)] = healthy;
  recompute();
  return nearest_[size_t(pop)] == before ? -2 : nearest_[size_t(pop)];
}

void GlobalLoadBalancer::set_drained(int backend, bool drained) {
  if (drained_.empty()) drained_.assign(healthy_.size(), 0);
  drained_[size_t(backend)] += drained ? 1 : -1;
  recompute();
}

void GlobalLoadBalancer::recompute() {
  nearest_.assign(by_latency_.size(), -1);
  for (size_t client = 0; client < by_latency_.size(); ++client) {
    const size_t pop = size_t(pop_of(int(client)));
    for (int r : by_latency_[pop])
      if (healthy_[pop][size_t(r)] && (drained_.empty() || drained_[size_t(r)] == 0)) {
        nearest_[client] = r;
        break;
      }
  }
}

LbHealthChecker::LbHealthChecker(const GlobalLbConfig& config, int pop, int backend, double duration_s,
                                 RandomStream stream, Network& network, const Store& db, GlobalLoadBalancer& lb,
                                 Recorder& recorder)
    : config_(config),
      pop_(pop),
      backend_(backend),
      duration_s_(duration_s),
      stream_(stream),
      network_(network),
      db_(db),
      lb_(lb),
      recorder_(recorder) {}

void LbHealthChecker::operator()() {
  const Route& route = network_.client_to_db(pop_, backend_);
  const uint32_t kProbeBytes = 200;  // an HTTP health check and its answer
  const double round_trip = 2 * route.transfer_s(kProbeBytes, 0.0);  // the route as it is at the start
  const int node = db_.node_in_region(backend_);
  uint32_t failures = 0, successes = 0;
  bool healthy = true;
  // The checkers of different regions are not synchronised: each starts at its own seeded phase.
  for (double probe = stream_.uniform01() * config_.interval_s; probe < duration_s_; probe += config_.interval_s) {
    sg4::this_actor::sleep_until(probe);
    network_.apply_until(probe);
    bool ok = network_.route_up(route) && round_trip < config_.timeout_s;
    const double verdict_at = ok ? probe + round_trip : probe + config_.timeout_s;
    sg4::this_actor::sleep_until(verdict_at);
    network_.apply_until(verdict_at);
    ok = ok && !network_.broken_during(route, probe, verdict_at);
    failures = ok ? 0 : failures + 1;
    successes = ok ? successes + 1 : 0;
    const bool was = healthy;
    if (healthy && failures >= config_.failure_threshold) healthy = false;
    if (!healthy && successes >= config_.rise_threshold) healthy = true;
    if (healthy == was) continue;
    const int now_to = lb_.set_healthy(pop_, backend_, healthy);
    const std::string pop = "global load balancer, PoP of region " + std::to_string(pop_);
    recorder_.decision({verdict_at, healthy ? "lb_backend_up" : "lb_backend_down", int16_t(node),
                        pop + ": backend region " + std::to_string(backend_)});
    // Where this PoP's requests go changed: a routing change (the RTO breakdown's routing_s).
    if (now_to != -2)
      recorder_.decision({verdict_at, "lb_reroute", kNoNode, pop + " -> region " + std::to_string(now_to)});
  }
}

}  // namespace mrsim
