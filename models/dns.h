// GeoDNS: an authoritative service holding one failover record for writes ("write" -> the primary's region) and
// one geo record per client region for reads ("read.<region>" -> that region while it is healthy, else another),
// and the recursive resolvers clients use, each with its own cache.
//
// Follows: Route 53-style managed DNS. A record change is served by every authoritative server `update_delay_s`
// after the controller makes it (Route 53 reports INSYNC within about 60 s). Resolvers cache an answer for its TTL
// measured on their own clock (the region's LocalClock, so clock faults move expiries). A configurable fraction of
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

  // Record ids are small integers: kWriteRecord, then kReadRecordBase + client region.
  static constexpr int kWriteRecord = 0;
  static constexpr int kReadRecordBase = 1;
  static int read_record(int region) { return kReadRecordBase + region; }

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

// The resolvers of one client region.
class ResolverPool {
 public:
  // `records`: how many records exist (ids 0 .. records-1); all must be defined before the pool is made.
  ResolverPool(const RoutingConfig& config, const RegionConfig& region, const AuthoritativeDns& authority, int records,
               RandomStream& stream);

  int resolve(uint32_t client, int record, double t);  // region the client will contact
  bool is_stale_resolver(uint32_t resolver) const { return stretches_[resolver]; }

 private:
  struct Entry {
    int region = -1;
    double expires_local = 0;
  };
  RoutingConfig config_;
  LocalClock clock_;
  const AuthoritativeDns& authority_;
  std::vector<bool> stretches_;             // by resolver
  std::vector<std::vector<Entry>> caches_;  // by resolver, by record
};

}  // namespace mrsim
