#include "models/raft.h"

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include <limits>

#include "models/network.h"
#include "sim/recorder.h"

namespace mrsim {

namespace sg4 = simgrid::s4u;

RaftCore::RaftCore(int members, const RaftConfig& timing, RandomStream stream, Links links)
    : n_(members), timing_(timing), stream_(stream), links_(std::move(links)), members_(members) {
  for (auto& m : members_) m.heard.assign(members, 0.0);
  for (int m = 0; m < n_; ++m) reset_timer(m, 0.0);
  leadership_.push_back({0.0, -1});
}

void RaftCore::push(double t, Kind kind, int to, int from, uint32_t term, bool granted) {
  events_.push({t, seq_++, kind, to, from, term, granted, members_[to].timer, t});
}

void RaftCore::reset_timer(int m, double t) {
  const double timeout = timing_.election_min_s + stream_.uniform01() * (timing_.election_max_s - timing_.election_min_s);
  ++members_[m].timer;
  push(t + timeout, Kind::Deadline, m);
}

void RaftCore::send(int from, int to, Kind kind, double t, uint32_t term, bool granted) {
  if (!links_.delivered(from, to, t, t)) return;  // the route is down as it is sent
  const double arrives = t + links_.latency(from, to);
  events_.push({arrives, seq_++, kind, to, from, term, granted, 0, t});
}

double RaftCore::next_event() const {
  return events_.empty() ? std::numeric_limits<double>::infinity() : events_.top().t;
}

void RaftCore::run_until(double t) {
  while (!events_.empty() && events_.top().t <= t) {
    const Event e = events_.top();
    events_.pop();
    handle(e);
    note_leader(e.t);
  }
}

void RaftCore::become_follower(int m, uint32_t term) {
  Member& x = members_[m];
  if (term > x.term) {
    x.term = term;
    x.voted_for = -1;
  }
  x.state = State::Follower;
}

void RaftCore::handle(const Event& e) {
  Member& me = members_[e.to];
  const double t = e.t;
  const bool timer = e.kind == Kind::Deadline || e.kind == Kind::Heartbeat;
  if (timer && e.generation != me.timer) return;  // a timer that was reset since
  if (!links_.alive(e.to, t)) {
    // Down: a message is lost; a timer finds the member dead, which restarts (when its host is back) as a follower
    // with its term and vote (Raft persists both) and a fresh election timer.
    if (timer) {
      me.state = State::Follower;
      reset_timer(e.to, t);
    }
    return;
  }
  if (!timer && !links_.delivered(e.from, e.to, e.sent, t)) return;
  switch (e.kind) {
    case Kind::Deadline: {
      if (me.state == State::Leader) return;
      me.state = State::Candidate;
      ++me.term;
      me.voted_for = e.to;
      me.votes = 1;
      for (int o = 0; o < n_; ++o)
        if (o != e.to) send(e.to, o, Kind::RequestVote, t, me.term);
      reset_timer(e.to, t);
      return;
    }
    case Kind::Heartbeat: {
      if (me.state != State::Leader) return;
      // CheckQuorum: step down without a majority heard from within election_min.
      int heard = 1;
      for (int o = 0; o < n_; ++o)
        if (o != e.to && me.heard[o] >= t - timing_.election_min_s) ++heard;
      if (2 * heard <= n_) {
        me.state = State::Follower;
        reset_timer(e.to, t);
        return;
      }
      for (int o = 0; o < n_; ++o)
        if (o != e.to) send(e.to, o, Kind::Append, t, me.term);
      ++me.timer;
      push(t + timing_.heartbeat_s, Kind::Heartbeat, e.to);
      return;
    }
    case Kind::RequestVote: {
      if (e.term > me.term) become_follower(e.to, e.term);
      const bool grant = e.term == me.term && (me.voted_for < 0 || me.voted_for == e.from);
      if (grant) {
        me.voted_for = e.from;
        reset_timer(e.to, t);
      }
      send(e.to, e.from, Kind::Vote, t, me.term, grant);
      return;
    }
    case Kind::Vote: {
      if (e.term > me.term) {
        become_follower(e.to, e.term);
        reset_timer(e.to, t);
        return;
      }
      if (me.state != State::Candidate || e.term != me.term || !e.granted) return;
      if (2 * ++me.votes <= n_) return;
      me.state = State::Leader;
      for (int o = 0; o < n_; ++o) me.heard[o] = t;
      ++me.timer;
      push(t, Kind::Heartbeat, e.to);  // announces itself at once
      return;
    }
    case Kind::Append: {
      if (e.term < me.term) {
        send(e.to, e.from, Kind::AppendAck, t, me.term);
        return;
      }
      become_follower(e.to, e.term);
      reset_timer(e.to, t);
      send(e.to, e.from, Kind::AppendAck, t, me.term);
      return;
    }
    case Kind::AppendAck: {
      if (e.term > me.term) {
        become_follower(e.to, e.term);
        reset_timer(e.to, t);
        return;
      }
      me.heard[e.from] = t;
      return;
    }
  }
}

int RaftCore::leader() const {
  int best = -1;
  for (int m = 0; m < n_; ++m) {
    if (members_[m].state != State::Leader) continue;
    if (best < 0 || members_[m].term > members_[best].term) best = m;
  }
  return best;
}

uint32_t RaftCore::term() const {
  uint32_t t = 0;
  for (const auto& m : members_) t = std::max(t, m.term);
  return t;
}

void RaftCore::note_leader(double t) {
  // A leader whose host is down is not one (handle() demotes it at its next timer).
  int now = leader();
  if (now >= 0 && !links_.alive(now, t)) now = -1;
  if (leadership_.back().second != now) leadership_.push_back({t, now});
}

RaftGroup::RaftGroup(const RaftConfig& timing, std::vector<int> regions, std::vector<std::string> region_names,
                     RandomStream stream, double duration_s, Network& network, Recorder& recorder)
    : regions_(std::move(regions)),
      names_(std::move(region_names)),
      duration_s_(duration_s),
      network_(network),
      recorder_(recorder),
      core_(int(regions_.size()), timing, stream,
            RaftCore::Links{
                [this](int m, double) { return network_.up(network_.host_element(regions_[m], Endpoint::Monitor)); },
                [this](int a, int b) {
                  return network_.route(regions_[a], Endpoint::Monitor, regions_[b], Endpoint::Monitor).latency_s;
                },
                [this](int a, int b, double sent, double arrives) {
                  const Route& r = network_.route(regions_[a], Endpoint::Monitor, regions_[b], Endpoint::Monitor);
                  return !network_.broken_during(r, sent - 1e-12, arrives) && network_.route_up(r);
                }}) {}

void RaftGroup::operator()() {
  int announced = -1;
  for (;;) {
    const double t = core_.next_event();
    if (t >= duration_s_) break;
    if (t > sg4::Engine::get_clock()) sg4::this_actor::sleep_until(t);
    network_.apply_until(t);
    core_.run_until(t);
    const int leader = leader_region();
    if (leader != announced) {
      announced = leader;
      recorder_.decision({t, leader < 0 ? "raft_no_leader" : "raft_leader", kNoNode,
                          leader < 0 ? "term " + std::to_string(core_.term())
                                     : "controller in " + names_[leader] + ", term " +
                                           std::to_string(core_.term())});
    }
  }
}

int RaftGroup::leader_region() const {
  const int m = core_.leader();
  if (m < 0 || !network_.up(network_.host_element(regions_[m], Endpoint::Monitor))) return -1;
  return regions_[m];
}

bool RaftGroup::leads(int region) const {
  for (size_t m = 0; m < regions_.size(); ++m)
    if (regions_[m] == region) return core_.believes_leader(int(m));
  return false;
}

}  // namespace mrsim
