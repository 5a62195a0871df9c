#include "models/controller.h"

#include <simgrid/Exception.hpp>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>

#include "models/consensus.h"
#include "models/dns.h"
#include "models/network.h"
#include "models/raft.h"
#include "sim/recorder.h"

namespace mrsim {

namespace sg4 = simgrid::s4u;

namespace {
// How often the controller re-evaluates without being woken by a probe result.
constexpr double kTick_s = 1.0;
}  // namespace

ControllerState::ControllerState(const Store& db, double page_for_s)
    : primary(0), acted_on(db.node_count(), 0), page_alert(page_for_s) {
  for (int i = 0; i < db.node_count(); ++i)
    if (db.role(i) == Role::Primary) primary = i;
  home = primary;
}

FailoverController::FailoverController(const FailoverConfig& config, int region, int slot, double duration_s,
                                       std::vector<int> client_regions, Store& db, Network& network,
                                       AuthoritativeDns& dns, HealthBoard& board, ControllerState& state,
                                       Recorder& recorder, uint32_t message_bytes, ControllerPeers peers,
                                       RandomStream stream)
    : config_(config),
      caller_{region, Endpoint::Monitor, "controller/" + std::to_string(slot)},
      slot_(slot),
      duration_s_(duration_s),
      client_regions_(std::move(client_regions)),
      db_(db),
      network_(network),
      dns_(dns),
      board_(board),
      state_(state),
      recorder_(recorder),
      message_bytes_(message_bytes),
      peers_(std::move(peers)),
      stream_(stream) {}

void FailoverController::decide(double t, const char* action, int node, std::string detail) {
  recorder_.decision({t, action, int16_t(node), std::move(detail)});
}

bool FailoverController::serving(int node) const {
  // Before its first probe a node is taken to be as the scenario started it: healthy and serving.
  const auto& s = board_.last_status[node];
  return board_.healthy[node] && (!s || s->role == Role::Primary || s->role == Role::Replica);
}

void FailoverController::operator()() {
  std::unique_lock<sg4::Mutex> lock(*board_.mutex[slot_]);
  try {
    while (sg4::Engine::get_clock() < duration_s_) {
      double wake = std::min(sg4::Engine::get_clock() + kTick_s, duration_s_);
      if (config_.policy == FailoverPolicy::Manual) {
        // Wake for the evaluation at which a pending page fires, and for the operator.
        const auto pending = state_.page_alert.pending_since();
        const double dt = config_.evaluation_interval_s;
        double due = state_.paged ? state_.act_at
                     : pending    ? std::ceil((*pending + config_.page_rule.for_s) / dt - 1e-9) * dt
                                  : -1;
        if (due > sg4::Engine::get_clock()) wake = std::min(wake, due);
      }
      // Under `automatic` with the primary judged healthy, and under `none`, a step depends on nothing but the board
      // (every change to it notifies), so a tick between probe results would find nothing to do: sleep until the next
      // one. A year of 1 s ticks is 31.5 million wake-ups for nothing (docs/performance.md).
      if ((config_.policy == FailoverPolicy::Automatic && !primary_down()) || config_.policy == FailoverPolicy::None)
        wake = duration_s_;
      board_.changed[slot_]->wait_until(lock, wake);
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

bool FailoverController::primary_down() const {
  if (config_.policy != FailoverPolicy::Quorum) return !board_.healthy[state_.primary];
  // Votes: vantages judging the primary unhealthy whose verdict reaches this controller.
  uint32_t votes = 0;
  for (size_t v = 0; v < peers_.vantage_regions.size(); ++v) {
    if (board_.vantage_healthy[v][state_.primary]) continue;
    const int r = peers_.vantage_regions[v];
    if (network_.route_up(network_.route(r, Endpoint::Monitor, caller_.region, Endpoint::Monitor))) ++votes;
  }
  return votes >= config_.quorum;
}

void FailoverController::step(double t) {
  if (config_.policy == FailoverPolicy::Raft && !peers_.raft->leads(caller_.region)) return;
  const bool down = primary_down();
  switch (config_.policy) {
    case FailoverPolicy::None: break;
    case FailoverPolicy::Manual: page(t); break;
    default:
      if (down && t >= state_.cooldown_until) fail_over(t);
      else if (!down && config_.failback && config_.policy == FailoverPolicy::Automatic &&
               state_.primary != state_.home && board_.healthy[state_.home] && t >= state_.cooldown_until)
        fail_back(t);
  }
  route_reads(sg4::Engine::get_clock());
  reconcile(sg4::Engine::get_clock());
}

bool FailoverController::page_condition() const {
  const AlertRule& rule = config_.page_rule;
  if (!rule.label_key.empty() && rule.label_value != db_.name(state_.primary)) return false;
  return rule.holds(board_.healthy[state_.primary] ? 1.0 : 0.0);
}

void FailoverController::page(double t) {
  // Feed the evaluation times since the last step: the condition held at each as it was then (a change of the
  // health board wakes this controller, so it was constant in between).
  const double dt = config_.evaluation_interval_s;
  for (double g; (g = double(state_.next_evaluation) * dt) <= t; ++state_.next_evaluation) {
    const bool firing = state_.page_alert.observe(g, state_.page_condition);
    if (firing && !state_.paged) {
      state_.paged = true;
      const double reaction = stream_.lognormal(config_.reaction_median_s, config_.reaction_sigma);
      state_.act_at = g + reaction;
      char detail[200];
      std::snprintf(detail, sizeof detail, "alert %s fired (%s for %g s); the operator acts in %.1f s",
                    config_.page_rule.name.c_str(), config_.page_rule.text.c_str(), config_.page_rule.for_s, reaction);
      decide(g, "paged", state_.primary, detail);
    }
    if (!firing && state_.paged && !state_.page_alert.pending_since()) {
      decide(g, "page_resolved", state_.primary, "the alert resolved before the operator acted");
      state_.paged = false;
    }
  }
  state_.page_condition = page_condition();
  if (!state_.paged || t < state_.act_at || t < state_.cooldown_until) return;
  const int before = state_.primary;
  fail_over(t);
  if (state_.primary != before) {
    state_.paged = false;
    state_.page_alert = AlertState(config_.page_rule.for_s);
    state_.page_condition = page_condition();
  }
}

bool FailoverController::lease_free() {
  ConsensusStore& dcs = *peers_.dcs;
  const bool ok = dcs.reachable(caller_.region, Endpoint::Monitor);
  if (ok) sg4::this_actor::sleep_for(dcs.round_trip_s(caller_.region, Endpoint::Monitor));
  if (ok && dcs.free(sg4::Engine::get_clock())) return true;
  if (!state_.reported_waiting)
    decide(sg4::Engine::get_clock(), "waiting_for_lease", state_.primary,
           ok ? "the leader key is still held" : "the consensus store has no majority from here");
  state_.reported_waiting = true;
  return false;
}

void FailoverController::stonith(int node) {
  decide(sg4::Engine::get_clock(), "stonith", node, "power off " + db_.name(node) + " through the cloud API");
  sg4::this_actor::sleep_for(config_.stonith_s);
  network_.inject(network_.host_element(db_.region(node), Endpoint::Db), true, sg4::Engine::get_clock());
  decide(sg4::Engine::get_clock(), "stonith_done", node, db_.name(node) + " is off");
}

void FailoverController::send_fences() {
  AgentRequest fence;
  fence.kind = AgentRequest::Kind::Fence;
  fence.term = state_.term;
  for (int n = 0; n < db_.node_count(); ++n) {
    if (n == state_.primary) continue;
    const bool ok = call_node(caller_, db_, network_, n, fence, config_.rpc_timeout_s, message_bytes_).has_value();
    decide(sg4::Engine::get_clock(), ok ? "fence_token" : "fence_unreached", n, "term " + std::to_string(state_.term));
  }
}

void FailoverController::fail_over(double t) {
  if (!state_.episode_open) {
    state_.episode_open = true;
    state_.reported_no_candidate = false;
    state_.reported_waiting = false;
    decide(t, "failover_start", state_.primary, "primary judged unhealthy");
  }
  if (config_.policy == FailoverPolicy::Lease && !lease_free()) return;
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
  // Pacemaker's rule: recovery waits for the fence to succeed.
  if (config_.fencing == Fencing::Stonith && state_.fenced != state_.primary) {
    state_.fenced = state_.primary;
    stonith(state_.primary);
  }
  promote(best, "log position " + std::to_string(best_log));
}

bool FailoverController::promote(int node, const std::string& detail) {
  decide(sg4::Engine::get_clock(), "promote", node, detail);
  AgentRequest promote;
  promote.kind = AgentRequest::Kind::Promote;
  promote.term = state_.term + 1;
  const auto s = call_node(caller_, db_, network_, node, promote, config_.promotion_s + config_.rpc_timeout_s,
                           message_bytes_);
  const double now = sg4::Engine::get_clock();
  if (!s || s->role != Role::Primary) {
    decide(now, "promote_failed", node);
    return false;
  }
  state_.term = promote.term;
  const int old = state_.primary;
  state_.primary = node;
  state_.episode_open = false;
  state_.cooldown_until = now + config_.cooldown_s;
  state_.acted_on[node] = board_.status_seq[node];  // its last probe predates the promotion
  decide(now, "promoted", node, "term " + std::to_string(state_.term) + ", replacing " + db_.name(old));
  dns_.change(AuthoritativeDns::kWriteRecord, db_.region(state_.primary), now);
  if (config_.fencing == Fencing::Token) send_fences();
  return true;
}

void FailoverController::fail_back(double t) {
  // Only to a home node that follows the current primary: one that has not rejoined yet would lose what it missed.
  const auto& s = board_.last_status[state_.home];
  if (!s || s->role != Role::Replica || s->upstream != state_.primary) return;
  decide(t, "failback_start", state_.home, "the original primary is healthy again");
  promote(state_.home, "failback");
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
