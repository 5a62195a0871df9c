// The automatic failover controller: it watches the health board and keeps the cluster and DNS in the shape of
// "one primary, everyone else following it".
//
// Follows: Patroni / Orchestrator / RDS Multi-AZ style automatic failover without fencing.
//  - When the designated primary is judged unhealthy (and the previous failover is older than `cooldown_s`), it asks
//    every healthy replica for its log position and promotes the most advanced one (least replication lag; ties go
//    to the first node), with a new term. Then it repoints the "write" DNS record to the new primary's region.
//  - It keeps every "read.<region>" record on that region while its node is healthy and serving, else on the
//    primary's region.
//  - It reconciles nodes as they become reachable: a node that still claims the primary role with an old term is
//    demoted and rejoins the new primary (rewinding divergent writes); a restarted former primary either resumes
//    (it is still the designated one) or rejoins; a replica following the wrong upstream is re-pointed.
//  - No fencing: a deposed primary that the controller cannot reach keeps accepting writes — split brain is possible
//    and is measured, not prevented.
// It runs beside the health checkers, in `health_check.from`; it dies with that region's monitor host and starts
// again when the host does. What it decided (designated primary, term, cooldown) lives in ControllerState, which
// survives the restart, as Patroni's lives in its DCS (etcd); what it was doing at the moment of death is lost.
// Leaves out: consensus among several controllers, leases, fencing/STONITH, manual approval (capability 3).
#pragma once

#include <cstdint>
#include <vector>

#include "models/health.h"
#include "sim/scenario.h"

namespace mrsim {

class AuthoritativeDns;

// The controller's durable decisions.
struct ControllerState {
  explicit ControllerState(const Store& db);
  int primary;                      // the designated primary
  uint32_t term = 1;
  double cooldown_until = 0;
  bool episode_open = false;        // a failover was decided and has not completed yet
  bool reported_no_candidate = false;
  std::vector<uint64_t> acted_on;   // status_seq last acted upon, per node
};

class FailoverController {
 public:
  FailoverController(const FailoverConfig& config, int region, double duration_s, std::vector<int> client_regions,
                     Store& db, Network& network, AuthoritativeDns& dns, HealthBoard& board, ControllerState& state,
                     Recorder& recorder, uint32_t message_bytes);
  void operator()();

 private:
  void step(double t);
  void fail_over(double t);
  void route_reads(double t);
  void reconcile(double t);
  bool serving(int node) const;
  void decide(double t, const char* action, int node, std::string detail = {});

  FailoverConfig config_;
  RpcCaller caller_;
  double duration_s_;
  std::vector<int> client_regions_;
  Store& db_;
  Network& network_;
  AuthoritativeDns& dns_;
  HealthBoard& board_;
  ControllerState& state_;
  Recorder& recorder_;
  uint32_t message_bytes_;
};

}  // namespace mrsim
