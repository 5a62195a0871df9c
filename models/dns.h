// GeoDNS: an authoritative service holding one failover record for writes ("write" -> the primary's region) and
// one geo record per client region for reads ("read.<region>" -> that region while it is healthy, else another),
// and the recursive resolvers clients use, each with its own cache.
//
// Follows: Route 53-style managed DNS. A record change is served by every authoritative server `update_delay_s`
// after the controller makes it (Route 53 reports INSYNC within about 60 s). Resolvers cache an answer for its TTL
// measured on their own clock (the region's resolvers clock, models/clocks.h, so clock faults move expiries). A configurable fraction of
// resolvers keeps serving an expired answer for `stale_extra_s` more (TTL stretching and serve-stale behaviour of
// real resolvers, RFC 8767; measured by Moura et al., "Cache me if you can", IMC 2019). Each logical client uses one
// resolver of its region, chosen by client index, so a stale resolver keeps all of its clients on the old answer.
// The run starts in steady state: each resolver's next refresh falls at a random phase within the period it holds
// an answer (TTL, or TTL + stale_extra for a stretching resolver).
// Record policies (`routing.policy`), as Route 53 routing policies with health checks attached to the records, for
// the "read.<R>" records and, under write-local routing, the "write.<R>" records ("write" always follows the
// primary, moved by the controller; "home.<R>" by the region router):
//  - failover: the controller's choice (its own region while healthy, else the one the controller picks);
//  - geo: Route 53 geolocation: the region the map gives the client's region, else the default, if healthy;
//  - latency: Route 53 latency-based routing: the healthy region with the lowest route latency from the client's
//    region (Route 53 measures latency between AWS regions; here the client -> app -> db route's);
//  - weighted: Route 53 weighted records: each resolver query draws an answer among the healthy weighted regions
//    with probability weight / (sum of their weights), from the resolver pool's own stream.
// Under geo, latency and weighted the health of each region's node is what the controller last told
// (set_region_healthy), served `update_delay_s` later like any record change; a region with no healthy candidate
// has no answer (NXDOMAIN/NODATA; the client fails the attempt at once). The controller still decides its own
// moves of those records (they show as its decisions, and latest_requested() returns them) but the policy's answer
// is what the authoritative servers serve.
// Resolver populations (`routing.resolvers`): besides the simple form (a `stale_fraction` of resolvers stretching
// every answer by `stale_extra`), populations of resolvers each stretching by an extra time drawn once per resolver
// from a fixed, uniform or exponential distribution (serve-stale and max-ttl clamps differ per operator); the rest
// honour the TTL. Negative caching (RFC 2308): a "no answer" is kept for `negative_ttl` (default: the TTL).
// Client caches (ClientDnsCache): a fraction of logical clients keep the answer they got for their own TTL, or for
// ever, on top of their resolver's cache, as the JVM does with networkaddress.cache.ttl; they keep only answers,
// never a "no answer" (the JVM's negative cache is separate and short), and fill at their first use.
// DNS outages (a `dns_outage` fault, set_outages): while the authoritative service cannot be reached, a resolver
// whose answer has expired cannot refresh it. With RFC 8767 serve-stale (`routing.serve_stale`, as BIND's
// stale-answer-enable or Unbound's serve-expired) it keeps serving that answer while it is expired for less than
// `max_stale`, trying the authoritative servers again `stale_answer_ttl` later each time (RFC 8767's failure recheck
// timer; BIND's stale-refresh-time); past `max_stale`, or without serve-stale, it answers SERVFAIL, and the client
// fails the attempt at once, as on a "no answer". A SERVFAIL is not cached: the next query tries again. A resolver
// holding a fresh answer is unaffected. Record changes made during the outage reach a resolver only at its first
// refresh after the outage ends (its next expiry, or the end of its stale answer's TTL).
// Leaves out: the query round trip to the authoritative servers (resolution is instant; RFC 8767's client response
// timer, the 1.8 s a resolver waits before answering stale, is not modelled), outages of the resolvers themselves,
// caching of SERVFAILs (RFC 9520), Route 53's geoproximity bias and the nesting of geolocation areas (a map entry
// names a client region, else the default answers).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/clock.h"
#include "sim/random.h"
#include "sim/scenario.h"

namespace mrsim {

// The answer of a record policy, as a pure function of (client region, healthy regions): what the authoritative
// servers would serve. Regions are indices into the scenario's regions; `healthy` has bit r set when region r holds
// a node judged healthy (at most 64 regions, as the schema allows).
struct RecordPolicy {
  enum class Kind : uint8_t { Failover, Geo, Latency, Weighted } kind = Kind::Failover;
  std::vector<int> geo_map;          // geo: by client region, the answer region, or -1 for the default
  int geo_default = -1;              // geo
  std::vector<double> latency_s;     // latency: [client region * regions + region], route latency
  std::vector<double> weights;       // weighted: by region, >= 0
  int regions = 0;
  uint64_t healthy_at_start = 0;     // the regions holding a node: every node starts healthy

  static constexpr int kNoAnswer = -1;
  // geo and latency: the answer; weighted: the heaviest healthy weighted region (what the record history shows).
  int answer(int client_region, uint64_t healthy) const;
  // weighted: one draw among the healthy weighted regions, one uniform01() from `stream`; kNoAnswer if none.
  int draw(uint64_t healthy, RandomStream& stream) const;
  // The regions an answer may name under `healthy`: what a change of health changes (weighted: the healthy regions
  // of positive weight; geo and latency: the answer itself, compared by the caller).
  uint64_t weighted_candidates(uint64_t healthy) const;
};

class Recorder;

class AuthoritativeDns {
 public:
  AuthoritativeDns(const RoutingConfig& config, Recorder& recorder, std::vector<std::string> region_names);

  // Record ids are small integers: kWriteRecord ("write", the primary's region), then per region R
  // "read.<R>" (kReadRecordBase + R), "write.<R>" (where region R's clients write under write-local routing) and
  // "home.<R>" (where the keys homed in R are written under home-region routing).
  static constexpr int kWriteRecord = 0;
  static constexpr int kReadRecordBase = 1;
  static int read_record(int region) { return kReadRecordBase + region; }
  int local_write_record(int region) const { return kReadRecordBase + int(region_names_.size()) + region; }
  int home_record(int region) const { return kReadRecordBase + 2 * int(region_names_.size()) + region; }
  int record_count() const { return int(records_.size()); }

  void define(int record, int region);  // initial answer at t = 0
  // The controller asks for a change at t; it is served from t + update_delay_s on. Returns that time.
  double change(int record, int region, double t);
  int answer(int record, double t) const;          // what the authoritative servers say at t
  int latest_requested(int record) const;          // the last answer asked for, served or not yet
  bool defined(int record) const { return !records_[record].empty(); }

  // Record policies (header comment). `policy` is built by the world from the scenario; records defined after
  // this call follow it when they are policy records (read.<R>, and write.<R> under write-local routing).
  void set_policy(RecordPolicy policy);
  // The controller tells the DNS service a region's health as its health checks see it; a change is served
  // `update_delay_s` later. Idempotent: telling the same health again changes nothing.
  void set_region_healthy(int region, bool healthy, double t);
  // True when resolvers must draw each answer (weighted policy record): answer() then shows only the heaviest.
  bool drawn(int record) const { return drawn_[record]; }
  int draw(int record, double t, RandomStream& stream) const;
  double ttl_s() const { return config_.ttl_s; }
  // DNS outages: [start, end) intervals of true time in which resolvers cannot reach the authoritative servers.
  void set_outages(std::vector<std::pair<double, double>> intervals);
  bool has_outages() const { return !outages_.empty(); }
  bool out(double t) const;

 std::string record_name(int record) const;

 private:
  struct Version {
    double from_s;
    int region;
  };
  struct Health {
    double from_s;
    uint64_t healthy;
  };
  bool policy_record(int record) const;
  int client_region_of(int record) const;
  void push(int record, double from, int region, bool reweighted = false);
  RoutingConfig config_;
  RecordPolicy policy_;
  std::vector<Health> health_;      // healthy regions, in time order (policy records only)
  std::vector<int> requested_;      // by record: the controller's last request (policy records ignore it)
  std::vector<bool> drawn_;         // by record
  std::vector<std::pair<double, double>> outages_;  // in time order
  Recorder& recorder_;
  std::vector<std::string> region_names_;
  std::vector<std::vector<Version>> records_;  // per record, in time order
};

// Which record a client's write resolves: "write" (the primary's region), "write.<its own region>" (write-local),
// or "home.<home region>" (region affinity: the key's home, key index modulo the number of nodes, or the client's,
// a fixed hash of its index modulo the number of nodes, in `database.regions` order).
class WriteRecords {
 public:
  WriteRecords(WriteRouting routing, bool home_by_client, const AuthoritativeDns& dns, std::vector<int> node_regions)
      : routing_(routing), home_by_client_(home_by_client), dns_(dns), node_regions_(std::move(node_regions)) {}
  int record(int client_region, uint32_t client, uint32_t key) const;
  int home_region(uint32_t client, uint32_t key) const;

 private:
  WriteRouting routing_;
  bool home_by_client_;
  const AuthoritativeDns& dns_;
  std::vector<int> node_regions_;
};

// The resolvers of one client region.
class ResolverPool {
 public:
  // `records`: how many records exist (ids 0 .. records-1); all must be defined before the pool is made.
  // `stream` places the resolvers' cache phases; `draws` is the pool's own stream for weighted answers (a separate
  // stream, so that a weighted policy leaves every other draw of the run where it was).
  ResolverPool(const RoutingConfig& config, const LocalClock& clock, const AuthoritativeDns& authority, int records,
               RandomStream& stream, RandomStream draws);

  // Region the client will contact, or RecordPolicy::kNoAnswer when the authoritative servers had none.
  int resolve(uint32_t client, int record, double t);
  double extra_s(uint32_t resolver) const { return extra_s_[resolver]; }  // beyond the TTL; 0 honours it
  // When a resolver's cached answer for `record` expires (local time; during a stale answer: its next retry).
  double expires_local(uint32_t resolver, int record) const { return caches_[resolver][record].expires_local; }

 private:
  struct Entry {
    int region = -1;
    bool stale = false;            // served past its expiry during a DNS outage
    double expires_local = 0;      // stale: when the resolver tries the authoritative servers again
    double stale_since_local = 0;  // stale: when the answer expired
  };
  int unreachable(Entry& e, double local, double keep);  // an expired answer during a DNS outage
  RoutingConfig config_;
  const LocalClock& clock_;  // the region's resolvers clock (models/clocks.h)
  const AuthoritativeDns& authority_;
  RandomStream draws_;
  double negative_ttl_s_;
  std::vector<double> extra_s_;             // by resolver: how long past the TTL it keeps an answer
  std::vector<std::vector<Entry>> caches_;  // by resolver, by record
};

// The client-side caches of one client group (header comment).
class ClientDnsCache {
 public:
  ClientDnsCache() = default;
  // Exactly round(fraction x clients) clients cache, chosen by a shuffle drawn from `stream`.
  ClientDnsCache(const ClientCacheConfig& config, uint32_t clients, int records, RandomStream stream);
  bool enabled() const { return !slot_of_.empty(); }
  // `client`: index within the group; `global_client`: what the resolver pool knows it by.
  int resolve(uint32_t client, uint32_t global_client, int record, double t, ResolverPool& resolvers);

 private:
  struct Entry {
    int region = -1;
    double expires = -1;  // true time (client clocks are exact)
  };
  double ttl_s_ = 0;
  int records_ = 0;
  std::vector<int32_t> slot_of_;  // by client: -1, or its row of entries_
  std::vector<Entry> entries_;    // [slot * records + record]
};

}  // namespace mrsim
