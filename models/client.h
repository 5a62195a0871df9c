// A population of logical clients in one region, driven by one SimGrid actor.
//
// Follows: an open-loop workload (arrivals do not wait for completions, as users and upstream services do not):
// Poisson arrivals at `rate_per_s` for the whole group
// in [start, end) (the whole run by default), each operation from a uniformly chosen client, a read with
// probability `read_fraction` else a write, on a key drawn uniformly or by Zipf (a write's operation, where the
// store's design has one, is drawn by the store from the client's stream). A read resolves "read.<own region>" and a
// write the record the routing gives it (WriteRecords: the primary, the own region, or the home region) through
// the client's resolver, then travels
// client -> app tier of the answered region -> its database node and back. Each attempt has a timeout; a failed
// attempt (timeout or refusal) is retried after a fixed backoff, up to `max_retries` times; the operation's outcome
// is its last attempt's. A request sent over a dead route is lost and the client learns of it only at the timeout
// (no TCP reset from a dead region), as is a request or reply whose route breaks in flight.
// How an attempt finds its region depends on routing.kind: `dns` resolves the record through the client's resolver
// (models/dns.h); `global_lb` asks the global load balancer, bypassing DNS (models/global_lb.h); `client` takes
// the client's current endpoint from its ordered list (models/client_failover.h), which learns each attempt's
// result. A retry waits `retry_backoff`, or with `exponential-jitter` a full-jitter draw (models/backoff.h) from
// the population's own backoff stream.
// A session strategy (clients[*].session, docs/metrics.md "Session guarantees") changes where and how a read goes:
// `sticky` keeps, per client, the region its first read attempt was sent to and skips resolution while it has one;
// an attempt that fails there (timeout or refusal) forgets it, so the next attempt resolves again and sticks to the
// new answer (a sticky client does not follow DNS changes, failover or failback, until its region fails it; writes
// follow the write record as always). `read-own-writes-window` sends a read through the write record while less
// than `window` has passed since the client's last acknowledged write (the cookie is set at the acknowledgement).
// `primary-reads` sends every read through the write record. `min-version` passes the client's last acknowledged
// write id with the read (ReadOptions), and the store decides to answer, wait or forward (models/store.h).
// Per-client session state exists only when the group has a strategy.
// Leaves out: client-side DNS caches, connection pools, closed-loop clients.
//
// Why no actor per client, nor per population: see models/network.h and models/data_plane.h. A population's events
// run in the data plane's one queue, advanced from SimGrid's clock; an operation costs no SimGrid activity. Its
// completion is settled without an event, because nothing else depends on it — a reply in flight is checked
// against the network's recorded down times when the population passes its arrival time, and at every network
// change.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/client_failover.h"
#include "models/data_plane.h"
#include "models/dns.h"
#include "models/store.h"
#include "sim/event_queue.h"
#include "sim/history.h"
#include "sim/random.h"
#include "sim/scenario.h"

namespace mrsim {

class Network;
class Store;
class AuthoritativeDns;
class ResolverPool;
class WriteRecords;
class GlobalLoadBalancer;
class Recorder;
struct Route;

class ClientPopulation {
 public:
  struct Context {
    Network& network;
    Store& database;
    const AuthoritativeDns& dns;
    ResolverPool& resolvers;
    const WriteRecords& write_records;
    Recorder& recorder;
    const ZipfTable* zipf;  // shared key-popularity table, nullptr for uniform keys
    uint32_t keys;
    const GlobalLoadBalancer* lb = nullptr;  // routing.kind "global_lb"
  };

  // `backoff`: the population's own stream for exponential-jitter backoff draws. `failover`: for routing.kind
  // "client", the group's endpoint list (empty otherwise).
  ClientPopulation(const ClientGroupConfig& config, int region, uint32_t first_client, double duration_s,
                   RandomStream stream, Context context, RandomStream backoff, EndpointFailover failover = {},
                   bool client_failover = false, ClientDnsCache client_cache = {});
  ClientPopulation(const ClientPopulation&) = delete;
  ClientPopulation& operator=(const ClientPopulation&) = delete;

  // Driven by the data plane (models/data_plane.h), which owns the event queue: `start` schedules the first
  // events, `handle` runs one, `settle_all` completes every reply still in flight once the queue is empty.
  void start(DataPlane& plane, uint16_t index);
  void handle(const DataPlane::Event& e);
  void settle_all();

 private:
  using EventType = DataPlane::EventType;
  enum class Phase : uint8_t { Idle, Request, Reply, Waiting };
  struct Slot {
    OpRecord rec;
    uint64_t record = 0;  // its place in the recorder's window (Recorder::invoke_op)
    double attempt_start = 0;
    double reply_from = 0;  // serve time: start of the reply leg (and of any sync wait)
    double reply_at = 0;
    int target_region = 0;
    Phase phase = Phase::Idle;
    bool waits_on_sync = false;
    uint32_t generation = 0;  // invalidates a pending reply whose attempt failed meanwhile
  };
  struct PendingReply {
    double t;
    uint64_t seq;
    uint32_t slot;
    uint32_t generation;
    bool operator>(const PendingReply& o) const { return t > o.t || (t == o.t && seq > o.seq); }
  };

  void schedule(double t, EventType type, uint32_t slot, Outcome outcome = Outcome::Ok);
  uint32_t allocate_slot();
  void on_arrival(double t);
  void start_attempt(uint32_t slot, double t);
  void serve(uint32_t slot, double t);
  void attempt_failed(uint32_t slot, Outcome why, double t);
  void on_network_change(double t);
  void settle_replies(double until);
  void finish(uint32_t slot, Outcome outcome, double t);
  int read_record(const OpRecord& r, double t) const;
  ReadOptions read_options(const OpRecord& r) const;

  ClientGroupConfig config_;
  int region_;
  uint32_t first_client_;
  double duration_s_;
  RandomStream stream_;
  Context ctx_;
  enum class Routing : uint8_t { Dns, GlobalLb, Client } routing_;
  // By target region, the routes a request and its reply take: the network's client <-> app -> db routes, or
  // through the load balancer's point of presence. Pointers into the Network or the load balancer, set once.
  std::vector<const Route*> request_route_, reply_route_;
  RandomStream backoff_stream_;
  EndpointFailover failover_;
  ClientDnsCache client_cache_;  // routing.client_cache; disabled (empty) without it

  // Session state by client - first_client_, allocated only when the group has a session strategy.
  struct Session {
    double last_write_ack_s = 0;
    uint32_t last_write_version = kNoVersion;  // kNoVersion: no acknowledged write yet
    int16_t sticky_region = -1;                // sticky: the region reads stay on; -1: resolve
  };
  std::vector<Session> sessions_;

  DataPlane* plane_ = nullptr;
  uint16_t index_ = 0;
  EventQueue<PendingReply> replies_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  uint64_t seq_ = 0;  // replies' order at equal times
  size_t unscheduled_seen_ = 0;  // Network::unscheduled() changes handled so far
};

}  // namespace mrsim
