// The failover controllers: they watch the health board and keep the cluster and DNS in the shape of
// "one primary, everyone else following it". One class, whose policy (failover.policy) decides when a failover
// starts and whose fencing (failover.fencing) decides what happens to the deposed primary.
//
// The steps, whatever the policy (Patroni / Orchestrator / RDS Multi-AZ style):
//  - When the designated primary is judged unhealthy (and the previous failover is older than `cooldown_s`), it asks
//    every healthy replica for its log position and promotes the most advanced one (least replication lag; ties go
//    to the first node), with a new term. Then it repoints the "write" DNS record to the new primary's region.
//  - It keeps every "read.<region>" record on that region while its node is healthy and serving, else on the
//    primary's region.
//  - It reconciles nodes as they become reachable: a node that still claims the primary role with an old term is
//    demoted and rejoins the new primary (rewinding divergent writes); a restarted former primary either resumes
//    (it is still the designated one) or rejoins; a replica following the wrong upstream is re-pointed.
//  - With failover.failback (automatic only), once the primary the run started with is healthy again, follows the
//    current primary and the cooldown has passed, it promotes it back and the write record follows (Route 53
//    failover records return to the primary as soon as its health check passes); the deposed primary is demoted
//    when next seen. Under a flapping fault the cooldown is what stops a switch on every flap.
// When a failover starts, by policy:
//  - automatic: at once (one watcher, in `health_check.from`).
//  - manual: an alert (failover.page_on, a rule of the scenario's `alerts` over node_healthy, or by default
//    node_healthy == 0 for page_after) pages an operator when it fires for the designated primary — evaluated here
//    while the run goes on, with the same state machine and evaluation times as the report's alerts (sim/alerts.h);
//    the operator's reaction time is lognormal (median 5 min: the Google SRE book's on-call response time for
//    user-facing services), after which they run the same steps, or stand down if the alert has resolved.
//  - quorum: when at least `quorum` vantages judge the primary unhealthy and their verdicts reach the controller
//    (the route from the vantage's monitor host is up): Orchestrator/raft's or MHA's several managers agreeing.
//  - lease: when the leader key in the consensus store (models/consensus.h) is free; the promoted replica must take
//    it before it promotes itself (Patroni).
//  - raft: controllers in `consensus_regions` elect a leader (models/raft.h); only the leader acts.
// Fencing of the deposed primary:
//  - none: a deposed primary that the controller cannot reach keeps accepting writes — split brain is possible and
//    is measured, not prevented.
//  - token: after a promotion every other node is sent the new term; a primary's storage that learns a newer term
//    refuses writes. The term only fences what it reaches: a primary cut off with its own clients is not fenced.
//  - stonith: before promoting, the controller powers the old primary's host off through the cloud API (outside
//    every simulated region, so reachable from any live controller) and waits `stonith_time` for it to be off; the
//    host stays off (an unscheduled network change, models/network.h).
//  - lease: the primary's own keeper demotes it when its lease runs out (models/consensus.h).
// A controller runs on its region's monitor host and dies with it; it starts again when the host does. What it
// decided (designated primary, term, cooldown, the page) lives in ControllerState, which survives the restart, as
// Patroni's lives in its DCS (etcd); what it was doing at the moment of death is lost.
// Leaves out: the operator's mistakes, a failed STONITH call (the API always answers), fencing of the old primary's
// clients' connections (they stay open until the node stops answering).
#pragma once

#include <cstdint>
#include <vector>

#include "models/health.h"
#include "sim/random.h"
#include "sim/scenario.h"

namespace mrsim {

class AuthoritativeDns;
class ConsensusStore;
class RaftGroup;

// The controller's durable decisions.
struct ControllerState {
  ControllerState(const Store& db, double page_for_s);
  int primary;                      // the designated primary
  int home;                         // the primary the run started with (failback returns to it)
  uint32_t term = 1;
  double cooldown_until = 0;
  bool episode_open = false;        // a failover was decided and has not completed yet
  bool reported_no_candidate = false;
  std::vector<uint64_t> acted_on;   // status_seq last acted upon, per node
  // manual: the paging alert's state (evaluated every evaluation interval, as Prometheus does), whether the
  // operator was paged, and when they act
  AlertState page_alert{0};
  uint64_t next_evaluation = 0;     // index of the next evaluation time not yet fed to page_alert
  bool page_condition = false;      // the alert's condition as of the last step
  bool paged = false;
  double act_at = 0;
  bool reported_waiting = false;    // lease: "waiting for the lease" decided once per episode
  int fenced = -1;                  // stonith: the node last powered off (once per deposed primary)
};

// What a controller needs beyond the health board, by policy (null where the policy does not use it).
struct ControllerPeers {
  std::vector<int> vantage_regions;  // quorum: where each vantage's verdicts come from
  ConsensusStore* dcs = nullptr;     // lease
  RaftGroup* raft = nullptr;         // raft
};

class FailoverController {
 public:
  FailoverController(const FailoverConfig& config, int region, int slot, double duration_s,
                     std::vector<int> client_regions, Store& db, Network& network, AuthoritativeDns& dns,
                     HealthBoard& board, ControllerState& state, Recorder& recorder, uint32_t message_bytes,
                     ControllerPeers peers, RandomStream stream);
  void operator()();

 private:
  void step(double t);
  bool primary_down() const;
  void page(double t);
  bool page_condition() const;
  void fail_over(double t);
  void fail_back(double t);
  // Promotes `node` at term + 1; on success it becomes the designated primary, the write record follows it and
  // the cooldown starts. False when the promotion failed.
  bool promote(int node, const std::string& detail);
  bool lease_free();
  void stonith(int node);
  void send_fences();
  void route_reads(double t);
  void reconcile(double t);
  bool serving(int node) const;
  void decide(double t, const char* action, int node, std::string detail = {});

  FailoverConfig config_;
  RpcCaller caller_;
  int slot_;
  double duration_s_;
  std::vector<int> client_regions_;
  Store& db_;
  Network& network_;
  AuthoritativeDns& dns_;
  HealthBoard& board_;
  ControllerState& state_;
  Recorder& recorder_;
  uint32_t message_bytes_;
  ControllerPeers peers_;
  RandomStream stream_;
};

}  // namespace mrsim
