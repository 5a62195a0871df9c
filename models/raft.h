// Leader election among the failover controllers, as Raft does it (Ongaro & Ousterhout, "In Search of an
// Understandable Consensus Algorithm", 2014, §5.2), with etcd's settings: the leader sends heartbeats every
// `heartbeat` (etcd: 100 ms); a follower that hears none for its election timeout, drawn uniformly from
// [election_min, election_max) each time it is reset (etcd: 1000 ms, randomised up to twice that), becomes a
// candidate for the next term and asks every member for its vote; each member grants one vote per term, first
// come; a candidate with a majority is leader. etcd's CheckQuorum: a leader that has not heard from a majority within
// election_min steps down, so a leader cut off on the minority side stops acting. Messages take the route's one-way
// latency between the members' monitor hosts and are lost when the route is down when sent or breaks in flight;
// a member whose host is down does nothing and restarts as a follower.
// There is no leader without a majority, and two candidates whose timeouts fire within a message's latency of each
// other split the vote and try again: a narrow timeout range makes elections slower, not faster.
// Leaves out: the replicated log (the controllers' decisions live in ControllerState, see models/controller.h;
// Raft's up-to-date check on votes is moot without a log), PreVote, and leadership transfer.
//
// RaftCore is the protocol with its own event queue and no SimGrid, so known-answer tests drive it directly; in a
// run one actor (RaftGroup) drives it on the simulated clock, asking the Network what reaches whom.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "sim/random.h"
#include "sim/scenario.h"

namespace mrsim {

class Network;
class Recorder;

class RaftCore {
 public:
  struct Links {
    std::function<bool(int member, double t)> alive;
    std::function<double(int from, int to)> latency;
    std::function<bool(int from, int to, double sent, double arrives)> delivered;  // lost otherwise
  };
  RaftCore(int members, const RaftConfig& timing, RandomStream stream, Links links);

  double next_event() const;   // +inf when none
  void run_until(double t);    // processes every event at or before t
  int leader() const;          // a live member that believes it leads (the highest term's if several), else -1
  uint32_t term() const;       // the highest term any member has reached
  bool believes_leader(int member) const { return members_[member].state == State::Leader; }
  // Leadership as it changed: (time, leader or -1).
  const std::vector<std::pair<double, int>>& leadership() const { return leadership_; }

 private:
  enum class Kind : uint8_t { Deadline, Heartbeat, RequestVote, Vote, Append, AppendAck };
  enum class State : uint8_t { Follower, Candidate, Leader };
  struct Event {
    double t;
    uint64_t seq;
    Kind kind;
    int to, from;
    uint32_t term;
    bool granted;
    uint64_t generation;  // timers: ignored if the member's timer has moved on
    double sent;
    bool operator>(const Event& o) const { return t > o.t || (t == o.t && seq > o.seq); }
  };
  struct Member {
    State state = State::Follower;
    uint32_t term = 0;
    int voted_for = -1;
    int votes = 0;
    uint64_t timer = 0;
    std::vector<double> heard;  // leader: last answer from each member
  };

  void push(double t, Kind kind, int to, int from = -1, uint32_t term = 0, bool granted = false);
  void reset_timer(int m, double t);
  void send(int from, int to, Kind kind, double t, uint32_t term, bool granted = false);
  void become_follower(int m, uint32_t term);
  void handle(const Event& e);
  void note_leader(double t);

  int n_;
  RaftConfig timing_;
  RandomStream stream_;
  Links links_;
  std::vector<Member> members_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
  uint64_t seq_ = 0;
  std::vector<std::pair<double, int>> leadership_;
};

// The actor driving RaftCore in a run: the members are the controllers in `regions` (their monitor hosts).
class RaftGroup {
 public:
  RaftGroup(const RaftConfig& timing, std::vector<int> regions, std::vector<std::string> region_names,
            RandomStream stream, double duration_s, Network& network, Recorder& recorder);
  void operator()();
  // The region whose controller leads now, or -1.
  int leader_region() const;
  // Whether the controller in `region` believes it leads (during CheckQuorum's window a deposed leader on the
  // minority side still does, and acts).
  bool leads(int region) const;

 private:
  std::vector<int> regions_;
  std::vector<std::string> names_;  // by region index
  double duration_s_;
  Network& network_;
  Recorder& recorder_;
  RaftCore core_;
};

}  // namespace mrsim
