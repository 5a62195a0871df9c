// A global load balancer with one anycast address (routing.kind "global_lb"): a client's request enters at the
// point of presence of its own region (the anycast edge nearest to it) and is forwarded to a regional backend — the
// app tier and database node of a region — that the load balancer's own health checks find healthy. With a named
// `pop`, every request enters by that one region's edge instead (a single regional front door), and pays the way
// there and back; its checks are the only ones.
//
// Follows: AWS Global Accelerator (and GCP's global external load balancer): anycast edges, one endpoint group per
// region, health checks run by the accelerator itself, and traffic shifted off an unhealthy endpoint as soon as it
// is judged unhealthy — no DNS record and no TTL on the path. Reads, and writes under write-local routing, go to the
// healthy backend of lowest route latency from the client's region. Writes of a single-primary database go to the
// primary's region and home-region writes to the key's home, as the controller set them: the controller configures
// the endpoint groups (an endpoint-group change), so the load balancer follows its "write" and "home.<R>" records
// the moment they change, with no update delay and no TTL.
// Health checks: each point of presence (the edge of each client region) has its own checker of each backend,
// probing the backend's app tier and database node over the route its requests take (edge -> app -> db) every
// `interval` at a seeded phase, so a PoP cut from a backend by a partition stops sending there while others go on; a
// probe fails when the route is down when it is sent or breaks before its answer, which is known after its timeout;
// `failure_threshold` consecutive failures take the backend out, `rise_threshold` consecutive successes put it back. So
// a region loss is detected after between (failure_threshold - 1) x interval + timeout and failure_threshold x interval
// + timeout. Leaves out: the edge's own failures (a region's edge outlives its datacenter, as anycast PoPs are separate
// from the regions behind them), traffic dials and endpoint weights,
// client-affinity (source-IP stickiness).
// Connection draining: a backend that fails (region outage, partition) loses its in-flight requests with it, and
// no drain can save them; a backend taken out for planned `maintenance` is drained first — no new requests from
// the moment it is taken out, and its app tier stops `drain` later (AWS's deregistration delay, 300 s by default),
// so requests already in flight finish.
#pragma once

#include <cstdint>
#include <vector>

#include "models/network.h"
#include "sim/random.h"
#include "sim/scenario.h"

namespace mrsim {

class AuthoritativeDns;
class Network;
class Recorder;
class Store;

class GlobalLoadBalancer {
 public:
  // `node_regions`: the regions holding a database node (the candidate backends). `pop`: the region whose edge
  // every request enters by, or -1 for each client's own region's edge (anycast's nearest).
  GlobalLoadBalancer(const Network& network, const AuthoritativeDns& dns, std::vector<int> node_regions, int pop);

  // The PoP a client region's requests enter by; the PoPs that run checkers are the values this takes.
  int pop_of(int client_region) const { return pop_ < 0 ? client_region : pop_; }
  // A request's way from a client region through its PoP to a backend's app tier and node, and the reply's.
  const Route& request_route(int client_region, int backend) const {
    return request_[size_t(client_region) * by_latency_.size() + size_t(backend)];
  }
  const Route& reply_route(int backend, int client_region) const {
    return reply_[size_t(backend) * by_latency_.size() + size_t(client_region)];
  }

  // The region a request from `client_region` for `record` (the DNS record the client would have resolved:
  // AuthoritativeDns ids) is forwarded to, or -1 when no backend is healthy. Constant time.
  int backend(int client_region, int record) const {
    const bool controller_record = record == kWriteRecordId || record >= first_home_record_;
    return controller_record ? controller_target(record) : nearest_[size_t(client_region)];
  }
  // The checker at `pop` (a client region's edge) judged `backend` healthy or not. Returns the backend that PoP's
  // reads and write-local writes now go to when that changed, else -2 (-1 is "none healthy").
  int set_healthy(int pop, int backend, bool healthy);
  bool healthy(int pop, int backend) const { return healthy_[size_t(pop)][size_t(backend)]; }
  // Maintenance: a drained backend gets no new requests from any PoP, whatever its checkers say (nested).
  void set_drained(int backend, bool drained);

 private:
  int controller_target(int record) const;
  void recompute();

  static constexpr int kWriteRecordId = 0;  // AuthoritativeDns::kWriteRecord (checked in global_lb.cpp)
  const AuthoritativeDns& dns_;
  int first_home_record_;  // "home.<R>" records from here on; "write" and these follow the controller
  int pop_;                                   // -1: each client region's own edge
  std::vector<std::vector<int>> by_latency_;  // by PoP region: node regions, lowest route latency first
  std::vector<Route> request_, reply_;        // [client * regions + backend], [backend * regions + client]
  std::vector<std::vector<bool>> healthy_;    // by PoP (client region), by backend region
  std::vector<int> nearest_;                  // by client region: the first healthy of by_latency_, or -1
  std::vector<int> drained_;                  // by backend region: maintenance windows open
};

// The health checker, at one point of presence (a client region's edge host), of one backend region.
class LbHealthChecker {
 public:
  LbHealthChecker(const GlobalLbConfig& config, int pop, int backend, double duration_s, RandomStream stream,
                  Network& network, const Store& db, GlobalLoadBalancer& lb, Recorder& recorder);
  void operator()();

 private:
  GlobalLbConfig config_;
  int pop_;
  int backend_;
  double duration_s_;
  RandomStream stream_;
  Network& network_;
  const Store& db_;
  GlobalLoadBalancer& lb_;
  Recorder& recorder_;
};

}  // namespace mrsim
