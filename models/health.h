// Health checking, and the RPC the control plane uses to talk to database nodes — over SimGrid comms, so probes
// and commands really cross the simulated network: they take its latency, share its bandwidth and fail with it.
//
// Follows: Route 53 / load-balancer health checks — a probe every `interval_s`, each with its own `timeout_s`; an
// endpoint turns unhealthy after `failure_threshold` consecutive failed probes and healthy again after
// `rise_threshold` consecutive good ones (HAProxy's fall/rise). A probe is good when the node's agent answers in
// time, whatever its role; the answer carries the node's role, term, upstream and log position, which the
// controller uses (like Patroni reading each member's state).
// A probe that meets a dead link fails at once in SimGrid; a real prober sees a lost packet and waits out its
// timeout, so we do too before counting it. Probe phases are drawn per target, so checkers do not fire in lockstep.
// Several vantages each run their own checkers (one per node) on their region's monitor host; HealthBoard combines
// their verdicts.
// Faults SimGrid's links cannot express (a one-way or control-plane cut, a degraded or lossy link; sim/faults.h) are
// applied by call_node itself: a request on a cut way is lost (the caller waits out its timeout), a degraded way adds
// its delay, and the agent drops its answer when the way back is cut or loses it, after it has acted on the command.
// Leaves out: the prober's own host failing over to another.
#pragma once

#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Mutex.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/network.h"
#include "models/store.h"
#include "sim/random.h"
#include "sim/scenario.h"

namespace mrsim {

class Network;
class Recorder;

// A command to a node's agent.
struct AgentRequest {
  enum class Kind : uint8_t { Status, Promote, Rejoin, Fence } kind = Kind::Status;
  uint32_t term = 0;
  int upstream = -1;
  std::string reply_to;
  // Set when faults narrower than SimGrid's links are scheduled (models/network.h): the agent answers only if
  // this route is up and does not lose the answer.
  const Route* reply_route = nullptr;
};

// Where a control-plane actor stands, for RPCs: its region and endpoint (for the route and the bytes it uses).
struct RpcCaller {
  int region = 0;
  Endpoint endpoint = Endpoint::Monitor;
  std::string name;  // unique per actor: reply mailboxes are named after it
};

// Sends `request` to `node`'s agent and waits for its answer, `timeout_s` in all. nullopt when the node did not
// answer in time for any reason (dead host, broken route, slow command).
std::optional<NodeStatus> call_node(const RpcCaller& caller, Store& db, Network& network, int node,
                                    AgentRequest request, double timeout_s, uint32_t message_bytes);

// The agent on a node's database host: serves status probes and applies the controller's commands.
// Dies with its host; the world starts a new one when the host comes back.
class NodeAgent {
 public:
  // `before_promote`, when set, must return true before the node promotes itself (lease: it takes the lease first).
  using Gate = std::function<bool(int node)>;
  NodeAgent(int node, Store& db, Network& network, double promotion_s, double reply_timeout_s, uint32_t message_bytes,
            Gate before_promote = {})
      : node_(node), db_(db), network_(network), promotion_s_(promotion_s), reply_timeout_s_(reply_timeout_s),
        message_bytes_(message_bytes), before_promote_(std::move(before_promote)) {}
  void operator()();
  static std::string mailbox_name(const Store& db, int node) { return "agent/" + db.name(node); }

 private:
  int node_;
  Store& db_;
  Network& network_;
  double promotion_s_;
  double reply_timeout_s_;
  uint32_t message_bytes_;
  Gate before_promote_;
};

// What the checkers know, shared with the controllers. Each vantage (a region probing every node) publishes its own
// verdict per node; the node's verdict is the vantages' verdicts combined by the rule (Route 53's percentage, or
// k of n) — the aggregation of a managed health-checking service, outside every simulated region. The quorum
// policy reads the vantage verdicts themselves, as votes that must reach its controller.
// The verdicts outlive the daemons (they are published, as a DCS keeps them); the lock and the wake-up signal are
// process memory and do not: a daemon killed with its host while it held the lock would leave it held for ever
// (nothing releases a dead actor's lock), and the restarted controller would wait on it until the run ends.
// start_daemons() gives each start of a controller a lock and a signal of its own (one slot per controller).
struct HealthBoard {
  HealthBoard(int nodes, const HealthCheckConfig& config, int controllers);
  void start_daemons(int controller);
  void notify_all();
  bool combine(int node) const;  // the rule over the vantage verdicts
  HealthRule rule;
  double healthy_percent;
  uint32_t k;
  std::vector<bool> healthy;                   // combined verdict, by node
  std::vector<std::vector<bool>> vantage_healthy;  // by vantage, by node
  std::vector<std::optional<NodeStatus>> last_status;
  std::vector<uint64_t> status_seq;  // bumps with every good probe
  std::vector<simgrid::s4u::MutexPtr> mutex;              // by controller
  std::vector<simgrid::s4u::ConditionVariablePtr> changed;  // by controller
};

class HealthChecker {
 public:
  // `reports_status`: the checker runs beside a controller, which reads the node statuses it brings back; a
  // remote vantage only contributes its verdict (as Route 53's checkers report healthy or not, no payload).
  HealthChecker(const HealthCheckConfig& config, int vantage, bool reports_status, int from_region, int node,
                double duration_s, RandomStream stream, Store& db, Network& network, HealthBoard& board,
                Recorder& recorder)
      : config_(config), vantage_(vantage), reports_status_(reports_status), from_region_(from_region), node_(node),
        duration_s_(duration_s), stream_(stream), db_(db), network_(network), board_(board), recorder_(recorder) {}
  void operator()();

 private:
  HealthCheckConfig config_;
  int vantage_;
  bool reports_status_;
  int from_region_;
  int node_;
  double duration_s_;
  RandomStream stream_;
  Store& db_;
  Network& network_;
  HealthBoard& board_;
  Recorder& recorder_;
};

}  // namespace mrsim
