#include "models/health.h"

#include <simgrid/Exception.hpp>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Mailbox.hpp>

#include <memory>

#include "models/network.h"
#include "sim/recorder.h"

namespace mrsim {

namespace sg4 = simgrid::s4u;

namespace {

struct AgentReply {
  NodeStatus status;
};

uint64_t next_rpc_id = 0;  // mailbox names only; deterministic (one simulation per process, cooperative actors)
// Reply mailboxes nobody will send to again: the exchange completed, or the agent never learnt the name. SimGrid
// keeps every mailbox until the run ends, so a fresh one per call grew a year's run by about 350 bytes a probe;
// a mailbox is reused only when it is empty and no late answer can reach it (one whose call timed out is not).
std::vector<std::string> idle_reply_mailboxes;

// Sends with a deadline; the payload stays ours unless the receiver took it.
template <typename T>
bool send(sg4::Mailbox* mb, std::unique_ptr<T> payload, uint64_t bytes, double timeout_s) {
  if (timeout_s <= 0) return false;
  T* raw = payload.release();
  try {
    mb->put(raw, bytes, timeout_s);
    return true;
  } catch (const simgrid::Exception&) {
    delete raw;
    return false;
  }
}

}  // namespace

std::optional<NodeStatus> call_node(const RpcCaller& caller, Store& db, Network& network, int node,
                                    AgentRequest request, double timeout_s, uint32_t message_bytes) {
  const double start = sg4::Engine::get_clock();
  const double deadline = start + timeout_s;
  const int node_region = db.region(node);
  // Request and reply travel the same route with the same size; both are counted here, where the route is known.
  network.account(network.route(caller.region, caller.endpoint, node_region, Endpoint::Db), 2.0 * message_bytes);
  std::optional<NodeStatus> result;
  // Faults SimGrid's links cannot express (a one-way or control-plane cut, a degraded link) are applied here: the
  // request is lost, or arrives later; the agent drops the answer on a cut or lossy way back (models/network.h).
  const Route& there = network.route(caller.region, caller.endpoint, node_region, Endpoint::Db);
  const Route& back = network.route(node_region, Endpoint::Db, caller.region, caller.endpoint);
  const bool degraded = there.effects && there.effects->degraded(there);
  if (network.fault_elements() || degraded) {
    request.reply_route = &back;
    if (!network.route_up(there) || there.lost(start)) {
      sg4::this_actor::sleep_until(deadline);
      return std::nullopt;
    }
    if (degraded) {
      const double later = start + there.effects->degradation_delay(there, start);
      if (later >= deadline) {
        sg4::this_actor::sleep_until(deadline);
        return std::nullopt;
      }
      sg4::this_actor::sleep_until(later);
    }
  }
  if (idle_reply_mailboxes.empty()) {
    request.reply_to = "reply/" + caller.name + "/" + std::to_string(next_rpc_id++);
  } else {
    request.reply_to = std::move(idle_reply_mailboxes.back());
    idle_reply_mailboxes.pop_back();
  }
  bool reusable = true;  // false once the agent may answer to request.reply_to after this call has stopped listening
  if (send(sg4::Mailbox::by_name(NodeAgent::mailbox_name(db, node)), std::make_unique<AgentRequest>(request),
           message_bytes, timeout_s)) {
    reusable = false;
    AgentReply* reply = nullptr;
    try {
      const double left = deadline - sg4::Engine::get_clock();
      if (left > 0) {
        sg4::Mailbox::by_name(request.reply_to)->get_async<AgentReply>(&reply)->wait_for(left);
        reusable = true;  // the one answer arrived: the mailbox is empty again
        result = reply->status;
        if (degraded) {  // the answer's own added delay
          const double arrives = sg4::Engine::get_clock() + back.effects->degradation_delay(back, sg4::Engine::get_clock());
          if (arrives >= deadline) result.reset(); else sg4::this_actor::sleep_until(arrives);
        }
      }
    } catch (const simgrid::Exception&) {
    }
    delete reply;
  }
  if (reusable) idle_reply_mailboxes.push_back(std::move(request.reply_to));
  // A comm that failed early stands for a packet that was lost: the caller only gives up at its deadline.
  if (!result && sg4::Engine::get_clock() < deadline) sg4::this_actor::sleep_until(deadline);
  return result;
}

void NodeAgent::operator()() {
  sg4::Actor::self()->daemonize();  // serves for as long as anyone else runs
  sg4::Mailbox* inbox = sg4::Mailbox::by_name(mailbox_name(db_, node_));
  for (;;) {
    std::unique_ptr<AgentRequest> request;
    try {
      request.reset(inbox->get<AgentRequest>());
    } catch (const simgrid::Exception&) {
      continue;  // the sender gave up or its link died mid-transfer
    }
    const double now = sg4::Engine::get_clock();
    switch (request->kind) {
      case AgentRequest::Kind::Status: break;
      case AgentRequest::Kind::Promote:
        if (before_promote_ && !before_promote_(node_)) break;
        if (db_.role(node_) != Role::Primary) sg4::this_actor::sleep_for(promotion_s_);
        db_.promote(node_, request->term, sg4::Engine::get_clock());
        break;
      case AgentRequest::Kind::Rejoin: db_.rejoin(node_, request->upstream, request->term, now); break;
      case AgentRequest::Kind::Fence: db_.fence(node_, request->term, now); break;
    }
    const double replied = sg4::Engine::get_clock();
    if (request->reply_route && (!network_.route_up(*request->reply_route) || request->reply_route->lost(replied)))
      continue;  // the answer is lost on the way back
    auto reply = std::make_unique<AgentReply>();
    reply->status = db_.status(node_, sg4::Engine::get_clock());
    send(sg4::Mailbox::by_name(request->reply_to), std::move(reply), message_bytes_, reply_timeout_s_);
  }
}

HealthBoard::HealthBoard(int nodes, const HealthCheckConfig& config, int controllers)
    : rule(config.rule),
      healthy_percent(config.healthy_percent),
      k(config.k),
      healthy(nodes, true),
      vantage_healthy(config.vantages.size(), std::vector<bool>(nodes, true)),
      last_status(nodes),
      status_seq(nodes, 0),
      mutex(controllers),
      changed(controllers) {}

void HealthBoard::start_daemons(int controller) {
  mutex[controller] = sg4::Mutex::create();
  changed[controller] = sg4::ConditionVariable::create();
}

void HealthBoard::notify_all() {
  for (auto& c : changed)
    if (c) c->notify_all();
}

bool HealthBoard::combine(int node) const {
  const size_t n = vantage_healthy.size();
  size_t up = 0;
  for (const auto& v : vantage_healthy) up += v[node] ? 1 : 0;
  if (rule == HealthRule::KOfN) return n - up < k;
  return double(up) * 100.0 > healthy_percent * double(n);  // Route 53: healthy while MORE than X% say so
}

void HealthChecker::operator()() {
  const RpcCaller caller{from_region_, Endpoint::Monitor,
                         "checker/" + std::to_string(vantage_) + "/" + db_.name(node_)};
  bool healthy = board_.vantage_healthy[vantage_][node_];  // a restarted checker resumes from its published verdict
  uint32_t failures = 0, successes = 0;
  // The first probe at a random phase within one interval (of the run's start, or of a restart with the host).
  double next = sg4::Engine::get_clock() + stream_.uniform01() * config_.interval_s;
  while (next < duration_s_) {
    sg4::this_actor::sleep_until(next);
    next += config_.interval_s;
    const auto status = call_node(caller, db_, network_, node_, {}, config_.timeout_s, config_.probe_bytes);
    const double now = sg4::Engine::get_clock();
    if (status) {
      failures = 0;
      ++successes;
      if (reports_status_) {
        board_.last_status[node_] = status;
        ++board_.status_seq[node_];
      }
      if (!healthy && successes >= config_.rise_threshold) healthy = true;
    } else {
      successes = 0;
      ++failures;
      if (healthy && failures >= config_.failure_threshold) healthy = false;
    }
    board_.vantage_healthy[vantage_][node_] = healthy;
    const bool combined = board_.combine(node_);
    if (combined != board_.healthy[node_]) {
      board_.healthy[node_] = combined;
      recorder_.health({now, int16_t(node_), uint8_t(from_region_), combined});
    }
    board_.notify_all();
  }
}

}  // namespace mrsim
