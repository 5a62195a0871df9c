#include "models/controller.h"

#include <simgrid/Exception.hpp>
#include <simgrid/s4u/Engine.hpp>

#include <algorithm>
#include <mutex>

#include "models/dns.h"
#include "models/network.h"
#include "sim/recorder.h"

namespace mrsim {

namespace sg4 = simgrid::s4u;

namespace {
// How often the controller re-evaluates without being woken by a probe result.
constexpr double kTick_s = 1.0;
}  // namespace

ControllerState::ControllerState(const Store& db) : primary(0), acted_on(db.node_count(), 0) {
  for (int i = 0; i < db.node_count(); ++i)
    if (db.role(i) == Role::Primary) primary = i;
}

FailoverController::FailoverController(const FailoverConfig& config, int region, double duration_s,
                                       std::vector<int> client_regions, Store& db, Network& network,
                                       AuthoritativeDns& dns, HealthBoard& board, ControllerState& state,
                                       Recorder& recorder, uint32_t message_bytes)
    : config_(config),
      caller_{region, Endpoint::Monitor, "controller"},
      duration_s_(duration_s),
      client_regions_(std::move(client_regions)),
      db_(db),
      network_(network),
      dns_(dns),
      board_(board),
      state_(state),
      recorder_(recorder),
      message_bytes_(message_bytes) {}

void FailoverController::decide(double t, const char* action, int node, std::string detail) {
  recorder_.decision({t, action, int16_t(node), std::move(detail)});
}

bool FailoverController::serving(int node) const {
  // Before its first probe a node is taken to be as the scenario started it: healthy and serving.
  const auto& s = board_.last_status[node];
  return board_.healthy[node] && (!s || s->role == Role::Primary || s->role == Role::Replica);
}

void FailoverController::operator()() {
  std::unique_lock<sg4::Mutex> lock(*board_.mutex);
  try {
    while (sg4::Engine::get_clock() < duration_s_) {
      board_.changed->wait_until(lock, std::min(sg4::Engine::get_clock() + kTick_s, duration_s_));
      const double now = sg4::Engine::get_clock();
      if (now >= duration_s_) break;
      step(now);
    }
  } catch (const simgrid::ForcefulKillException&) {
    // Killed with its host. This start's lock dies with it (HealthBoard::start_daemons gives the next start its
    // own), and unlocking it from the dying actor blocks the kill under thread contexts: let it go unreleased.
    lock.release();
    throw;
  }
}

void FailoverController::step(double t) {
  if (config_.policy == FailoverPolicy::Automatic && !board_.healthy[state_.primary] && t >= state_.cooldown_until) fail_over(t);
  route_reads(sg4::Engine::get_clock());
  reconcile(sg4::Engine::get_clock());
}

void FailoverController::fail_over(double t) {
  if (!state_.episode_open) {
    state_.episode_open = true;
    state_.reported_no_candidate = false;
    decide(t, "failover_start", state_.primary, "primary judged unhealthy");
  }
  // Ask every healthy replica where it is; promote the most advanced.
  int best = -1;
  uint64_t best_log = 0;
  for (int n = 0; n < db_.node_count(); ++n) {
    if (n == state_.primary || !board_.healthy[n]) continue;
    const auto s = call_node(caller_, db_, network_, n, {}, config_.rpc_timeout_s, message_bytes_);
    if (!s || s->role != Role::Replica) continue;
    if (best < 0 || s->log_size > best_log) {
      best = n;
      best_log = s->log_size;
    }
  }
  if (best < 0) {
    if (!state_.reported_no_candidate) decide(sg4::Engine::get_clock(), "no_candidate", state_.primary, "no healthy replica answered");
    state_.reported_no_candidate = true;
    return;
  }
  decide(sg4::Engine::get_clock(), "promote", best, "log position " + std::to_string(best_log));
  AgentRequest promote;
  promote.kind = AgentRequest::Kind::Promote;
  promote.term = state_.term + 1;
  const auto s = call_node(caller_, db_, network_, best, promote, config_.promotion_s + config_.rpc_timeout_s,
                           message_bytes_);
  const double now = sg4::Engine::get_clock();
  if (!s || s->role != Role::Primary) {
    decide(now, "promote_failed", best);
    return;
  }
  state_.term = promote.term;
  const int old = state_.primary;
  state_.primary = best;
  state_.episode_open = false;
  state_.cooldown_until = now + config_.cooldown_s;
  state_.acted_on[best] = board_.status_seq[best];  // its last probe predates the promotion
  decide(now, "promoted", best, "term " + std::to_string(state_.term) + ", replacing " + db_.name(old));
  dns_.change(AuthoritativeDns::kWriteRecord, db_.region(state_.primary), now);
}

void FailoverController::route_reads(double t) {
  for (int n = 0; n < db_.node_count(); ++n) dns_.set_region_healthy(db_.region(n), serving(n), t);  // policies
  for (int region : client_regions_) {
    const int record = AuthoritativeDns::read_record(region);
    const int local = db_.node_in_region(region);
    const int want = local >= 0 && serving(local) ? region : db_.region(state_.primary);
    if (dns_.latest_requested(record) == want) continue;
    decide(t, "reroute_reads", local, dns_.record_name(record) + " -> region " + std::to_string(want));
    dns_.change(record, want, t);
  }
}

void FailoverController::reconcile(double t) {
  for (int n = 0; n < db_.node_count(); ++n) {
    const auto& s = board_.last_status[n];
    if (!board_.healthy[n] || !s || board_.status_seq[n] <= state_.acted_on[n]) continue;
    AgentRequest command;
    const char* action = nullptr;
    if (n == state_.primary) {
      if (s->role == Role::Recovering) {
        command.kind = AgentRequest::Kind::Promote;
        action = "resume_primary";
      }
    } else if (s->role == Role::Primary) {
      command.kind = AgentRequest::Kind::Rejoin;
      action = "demote";
    } else if (s->role == Role::Recovering || (s->role == Role::Replica && s->upstream != state_.primary)) {
      command.kind = AgentRequest::Kind::Rejoin;
      action = "rejoin";
    }
    if (!action) continue;
    state_.acted_on[n] = board_.status_seq[n];
    command.term = state_.term;
    command.upstream = state_.primary;
    decide(t, action, n, "follow " + db_.name(state_.primary) + ", term " + std::to_string(state_.term));
    const double timeout = config_.rpc_timeout_s + (command.kind == AgentRequest::Kind::Promote ? config_.promotion_s : 0);
    if (!call_node(caller_, db_, network_, n, command, timeout, message_bytes_))
      decide(sg4::Engine::get_clock(), "command_failed", n, action);
    t = sg4::Engine::get_clock();
  }
}

}  // namespace mrsim
