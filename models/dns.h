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
// Leaves out: the query round trip to the authoritative servers (resolution is instant), client-side caches
// (browsers, JVM), negative caching, and DNS outages (capability 4).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/clock.h"
#include "sim/scenario.h"

namespace mrsim {

class Recorder;
class RandomStream;

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
  double ttl_s() const { return config_.ttl_s; }

 std::string record_name(int record) const;

 private:
  struct Version {
    double from_s;
    int region;
  };
  RoutingConfig config_;
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
  ResolverPool(const RoutingConfig& config, const LocalClock& clock, const AuthoritativeDns& authority, int records,
               RandomStream& stream);

  int resolve(uint32_t client, int record, double t);  // region the client will contact
  bool is_stale_resolver(uint32_t resolver) const { return stretches_[resolver]; }

 private:
  struct Entry {
    int region = -1;
    double expires_local = 0;
  };
  RoutingConfig config_;
  const LocalClock& clock_;  // the region's resolvers clock (models/clocks.h)
  const AuthoritativeDns& authority_;
  std::vector<bool> stretches_;             // by resolver
  std::vector<std::vector<Entry>> caches_;  // by resolver, by record
};

}  // namespace mrsim
