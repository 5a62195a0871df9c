#include "models/client.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "models/store.h"
#include "models/backoff.h"
#include "models/dns.h"
#include "models/global_lb.h"
#include "models/network.h"
#include "sim/recorder.h"

namespace mrsim {

ClientPopulation::ClientPopulation(const ClientGroupConfig& config, int region, uint32_t first_client,
                                   double duration_s, RandomStream stream, Context context, RandomStream backoff,
                                   EndpointFailover failover, bool client_failover, ClientDnsCache client_cache)
    : config_(config),
      region_(region),
      first_client_(first_client),
      duration_s_(duration_s),
      stream_(stream),
      ctx_(context),
      routing_(client_failover ? Routing::Client : context.lb ? Routing::GlobalLb : Routing::Dns),
      backoff_stream_(backoff),
      failover_(std::move(failover)),
      client_cache_(std::move(client_cache)) {
  if (config_.session.strategy != SessionStrategy::None) sessions_.assign(config_.count, Session{});
  for (int target = 0; target < ctx_.network.region_count(); ++target) {
    request_route_.push_back(ctx_.lb ? &ctx_.lb->request_route(region_, target)
                                     : &ctx_.network.client_to_db(region_, target));
    reply_route_.push_back(ctx_.lb ? &ctx_.lb->reply_route(target, region_)
                                   : &ctx_.network.db_to_client(target, region_));
  }
}

void ClientPopulation::schedule(double t, EventType type, uint32_t slot, Outcome outcome) {
  plane_->schedule(t, type, index_, slot, outcome);
}

uint32_t ClientPopulation::allocate_slot() {
  if (free_slots_.empty()) {
    slots_.emplace_back();
    return uint32_t(slots_.size() - 1);
  }
  const uint32_t s = free_slots_.back();
  free_slots_.pop_back();
  return s;
}

void ClientPopulation::start(DataPlane& plane, uint16_t index) {
  plane_ = &plane;
  index_ = index;
  for (double t : ctx_.network.change_times()) schedule(t, EventType::NetworkChange, 0);
  // Arrivals only in [start, end): the first one a Poisson gap after the start (0 + gap is the gap, bit for bit).
  if (config_.rate_per_s > 0)
    schedule(config_.start_s + stream_.exponential(config_.rate_per_s), EventType::Arrival, 0);
}

void ClientPopulation::handle(const DataPlane::Event& e) {
  // Unscheduled changes made since this population's last event, at their own times (models/network.h).
  const auto& unscheduled = ctx_.network.unscheduled();
  for (; unscheduled_seen_ < unscheduled.size() && unscheduled[unscheduled_seen_].t <= e.t; ++unscheduled_seen_) {
    settle_replies(unscheduled[unscheduled_seen_].t);
    on_network_change(unscheduled[unscheduled_seen_].t);
  }
  settle_replies(e.t);
  switch (e.type) {
    case EventType::Arrival: on_arrival(e.t); break;
    case EventType::AttemptStart: start_attempt(e.slot, e.t); break;
    case EventType::Serve: serve(e.slot, e.t); break;
    case EventType::AttemptFailed: attempt_failed(e.slot, e.outcome, e.t); break;
    case EventType::NetworkChange: on_network_change(e.t); break;
  }
}

void ClientPopulation::settle_all() { settle_replies(std::numeric_limits<double>::infinity()); }

void ClientPopulation::on_arrival(double t) {
  const double end = config_.end_s < 0 ? duration_s_ : std::min(config_.end_s, duration_s_);
  if (t >= end) return;
  const double next = t + stream_.exponential(config_.rate_per_s);
  if (next < end) schedule(next, EventType::Arrival, 0);

  const uint32_t s = allocate_slot();
  Slot& slot = slots_[s];
  slot = Slot{};
  OpRecord& r = slot.rec;
  r.invoke_s = t;
  r.client = first_client_ + stream_.uniform_index(config_.count);
  r.region = uint8_t(region_);
  r.kind = stream_.bernoulli(config_.read_fraction) ? OpKind::Read : OpKind::Write;
  r.key = ctx_.zipf ? ctx_.zipf->sample(stream_) : stream_.uniform_index(ctx_.keys);
  if (r.kind == OpKind::Write) r.arg = ctx_.database.draw_write_arg(r.key, stream_);
  r.attempts = 0;
  slot.record = ctx_.recorder.invoke_op(t);
  start_attempt(s, t);
}

void ClientPopulation::start_attempt(uint32_t s, double t) {
  Slot& slot = slots_[s];
  OpRecord& r = slot.rec;
  ++r.attempts;
  r.node = kNoNode;
  r.served_s = 0;
  slot.attempt_start = t;
  const int record = r.kind == OpKind::Read ? read_record(r, t) : ctx_.write_records.record(region_, r.client, r.key);
  int16_t* sticky = r.kind == OpKind::Read && config_.session.strategy == SessionStrategy::Sticky
                        ? &sessions_[r.client - first_client_].sticky_region
                        : nullptr;
  if (sticky && *sticky >= 0) {
    slot.target_region = *sticky;
  } else {
    switch (routing_) {
      case Routing::Dns:
        slot.target_region = client_cache_.enabled()
                                 ? client_cache_.resolve(r.client - first_client_, r.client, record, t, ctx_.resolvers)
                                 : ctx_.resolvers.resolve(r.client, record, t);
        break;
      case Routing::GlobalLb: slot.target_region = ctx_.lb->backend(region_, record); break;
      case Routing::Client: slot.target_region = failover_.endpoint(r.client - first_client_, t); break;
    }
    if (sticky && slot.target_region >= 0) *sticky = int16_t(slot.target_region);
  }
  // No answer (NXDOMAIN/NODATA), no healthy backend (the load balancer's 503) or every breaker open: nothing to
  // connect to, the attempt fails at once.
  if (slot.target_region < 0) {
    slot.phase = Phase::Waiting;
    schedule(t, EventType::AttemptFailed, s, Outcome::Error);
    return;
  }
  const Route& route = *request_route_[size_t(slot.target_region)];
  const double arrival = t + route.transfer_s(config_.request_bytes, t);
  if (!ctx_.network.route_up(route) || arrival - t > config_.timeout_s || route.lost(t)) {
    slot.phase = Phase::Waiting;
    schedule(t + config_.timeout_s, EventType::AttemptFailed, s, Outcome::Timeout);
    return;
  }
  ctx_.network.account(route, config_.request_bytes);
  slot.phase = Phase::Request;
  schedule(arrival, EventType::Serve, s);
}

void ClientPopulation::serve(uint32_t s, double t) {
  Slot& slot = slots_[s];
  OpRecord& r = slot.rec;
  const double deadline = slot.attempt_start + config_.timeout_s;
  if (ctx_.network.broken_during(*request_route_[size_t(slot.target_region)], slot.attempt_start, t)) {
    slot.phase = Phase::Waiting;
    schedule(deadline, EventType::AttemptFailed, s, Outcome::Timeout);
    return;
  }
  Store& db = ctx_.database;
  const int node = db.node_in_region(slot.target_region);
  int served_by = node;
  Outcome outcome = Outcome::Error;
  double reply_send = t;
  slot.waits_on_sync = false;
  if (node >= 0 && r.kind == OpKind::Read && db.serves_reads(node)) {
    const ReadResult read = sessions_.empty() ? db.read(node, r.key, t) : db.read(node, r.key, t, read_options(r));
    if (read.served) {
      r.version = read.version;
      reply_send = read.ready_s;
      outcome = Outcome::Ok;
      if (read.node >= 0) served_by = read.node;
    }
  } else if (node >= 0 && r.kind == OpKind::Write) {
    const WriteResult w = db.write(node, r.key, r.arg, t);
    if (w.accepted) {
      r.version = w.write_id;
      reply_send = w.ack_ready_s;
      slot.waits_on_sync = w.waits_on_sync;
      outcome = Outcome::Ok;
    }
  }
  r.node = int16_t(served_by);
  r.served_s = t;
  // A gray failure slowing the serving node's data path: its answer takes k times as long (models/network.h).
  if (const LinkEffects* fx = ctx_.network.effects(); fx && fx->any_slowdown() && served_by >= 0)
    reply_send = t + (reply_send - t) * fx->slow_factor(ctx_.network.host_element(db.region(served_by), Endpoint::Db), t);
  const Route& back = *reply_route_[size_t(slot.target_region)];
  const double reply_at = reply_send + back.transfer_s(config_.response_bytes, reply_send);
  // The way back can be cut while the way there was not (a one-way partition): the reply is lost.
  if (reply_at > deadline || back.lost(reply_send) || (ctx_.network.fault_elements() && !ctx_.network.route_up(back))) {
    slot.phase = Phase::Waiting;
    schedule(deadline, EventType::AttemptFailed, s, Outcome::Timeout);
    return;
  }
  ctx_.network.account(back, config_.response_bytes);
  if (outcome != Outcome::Ok) {
    slot.phase = Phase::Waiting;
    schedule(reply_at, EventType::AttemptFailed, s, outcome);
    return;
  }
  slot.phase = Phase::Reply;
  slot.reply_from = t;
  slot.reply_at = reply_at;
  replies_.push({reply_at, seq_++, s, slot.generation});
}

void ClientPopulation::settle_replies(double until) {
  while (!replies_.empty() && replies_.top().t <= until) {
    const PendingReply p = replies_.top();
    replies_.pop();
    if (slots_[p.slot].generation != p.generation) continue;
    finish(p.slot, Outcome::Ok, p.t);
  }
}

void ClientPopulation::on_network_change(double t) {
  ctx_.network.apply_until(t);
  // Replies still in flight: a break in (serve time, t] loses them (or the sync acknowledgement they wait for).
  for (uint32_t s = 0; s < slots_.size(); ++s) {
    Slot& slot = slots_[s];
    if (slot.phase != Phase::Reply) continue;
    const Route& back = *reply_route_[size_t(slot.target_region)];
    const bool reply_broken = ctx_.network.broken_during(back, slot.reply_from, t);
    const bool wait_broken =
        !reply_broken && slot.waits_on_sync && ctx_.database.ack_wait_broken(slot.rec.node, slot.reply_from, t);
    if (!reply_broken && !wait_broken) continue;
    ++slot.generation;
    if (wait_broken) {  // the acknowledgement may still come, later (a semi-sync source's fallback)
      const double acked = ctx_.database.ack_after_break(slot.rec.node, slot.rec.version, t);
      const double reply_at = acked + back.transfer_s(config_.response_bytes, acked);
      if (reply_at <= slot.attempt_start + config_.timeout_s) {
        slot.reply_at = reply_at;
        replies_.push({reply_at, seq_++, s, slot.generation});
        continue;
      }
    }
    slot.phase = Phase::Waiting;
    schedule(slot.attempt_start + config_.timeout_s, EventType::AttemptFailed, s, Outcome::Timeout);
  }
}

void ClientPopulation::attempt_failed(uint32_t s, Outcome why, double t) {
  Slot& slot = slots_[s];
  if (routing_ == Routing::Client && slot.target_region >= 0)
    failover_.result(slot.rec.client - first_client_, slot.target_region, false, t);
  if (config_.session.strategy == SessionStrategy::Sticky && slot.rec.kind == OpKind::Read) {
    int16_t& sticky = sessions_[slot.rec.client - first_client_].sticky_region;
    if (sticky == slot.target_region) sticky = -1;  // the region failed the client: resolve again next time
  }
  if (slot.rec.attempts <= config_.max_retries) {
    const double wait = config_.exponential_backoff
                            ? full_jitter_backoff_s(config_.retry_backoff_s, config_.backoff_cap_s,
                                                    slot.rec.attempts - 1, backoff_stream_)
                            : config_.retry_backoff_s;
    schedule(t + wait, EventType::AttemptStart, s);
    return;
  }
  finish(s, why, t);
}

void ClientPopulation::finish(uint32_t s, Outcome outcome, double t) {
  Slot& slot = slots_[s];
  if (routing_ == Routing::Client && outcome == Outcome::Ok)
    failover_.result(slot.rec.client - first_client_, slot.target_region, true, t);
  slot.rec.outcome = outcome;
  slot.rec.complete_s = t;
  if (!sessions_.empty() && outcome == Outcome::Ok && slot.rec.kind == OpKind::Write) {
    Session& session = sessions_[slot.rec.client - first_client_];
    session.last_write_ack_s = t;
    session.last_write_version = std::max(session.last_write_version, slot.rec.version);
  }
  ctx_.recorder.complete_op(slot.record, slot.rec);
  slot.phase = Phase::Idle;
  ++slot.generation;
  free_slots_.push_back(s);
}

int ClientPopulation::read_record(const OpRecord& r, double t) const {
  const int local = AuthoritativeDns::read_record(region_);
  switch (config_.session.strategy) {
    case SessionStrategy::PrimaryReads: return ctx_.write_records.record(region_, r.client, r.key);
    case SessionStrategy::ReadOwnWritesWindow: {
      const Session& session = sessions_[r.client - first_client_];
      const bool recent = session.last_write_version != kNoVersion &&
                          t - session.last_write_ack_s < config_.session.window_s;
      return recent ? ctx_.write_records.record(region_, r.client, r.key) : local;
    }
    default: return local;
  }
}

ReadOptions ClientPopulation::read_options(const OpRecord& r) const {
  ReadOptions options;
  if (config_.session.strategy != SessionStrategy::MinVersion) return options;
  options.min_version = sessions_[r.client - first_client_].last_write_version;
  options.max_wait_s = config_.session.max_wait_s;
  options.request_bytes = config_.request_bytes;
  options.response_bytes = config_.response_bytes;
  return options;
}

}  // namespace mrsim
