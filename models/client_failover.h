// Client-side failover (routing.kind "client"): each logical client holds an ordered list of regional endpoints,
// stays on its current one while it answers, and moves to the next after a failed attempt (wrapping around), as
// database drivers with a multi-host connection string do (libpq's `host=a,b,c`, MongoDB and Cassandra drivers,
// JDBC failover URLs). Retries wait as the client group's backoff says (exponential with full jitter is the usual
// companion: models/backoff.h).
// An optional circuit breaker per (client group, endpoint), as resilience4j's or Hystrix's: after
// `failure_threshold` consecutive failed attempts on an endpoint (by any client of the group) it opens and clients
// skip it for `open`; then it is half-open: one trial attempt goes through, and its success closes the breaker, its
// failure opens it again. When every endpoint's breaker is open the attempt fails at once (the breaker's fast
// failure), without touching the network.
// Reads and writes walk the same list: a write a replica refuses is a failed attempt and moves the client on, as
// libpq's target_session_attrs=read-write searches its hosts for the primary.
// Leaves out: failing back to the first endpoint once it recovers (a client stays where it is until that endpoint
// fails), connection pools, and breakers judged on failure rates over sliding windows rather than consecutive
// failures.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/scenario.h"

namespace mrsim {

class EndpointFailover {
 public:
  EndpointFailover() = default;
  // `endpoints`: regions in the order clients try them; `clients`: logical clients of the group.
  EndpointFailover(std::vector<int> endpoints, const CircuitBreakerConfig& breaker, uint32_t clients);

  // The region client `client` (0 .. clients-1, within its group) sends its attempt to at t, or -1 when every
  // breaker is open. Skips open breakers; claims a half-open breaker's one trial.
  int endpoint(uint32_t client, double t);
  // The attempt of `client` to `region` ended at t: success or failure.
  void result(uint32_t client, int region, bool ok, double t);

 private:
  struct Breaker {
    uint32_t failures = 0;  // consecutive
    bool open = false;
    double open_until = 0;
    bool trial_out = false;  // half-open: the one trial is in flight
  };
  bool admits(Breaker& b, double t);
  int index_of(int region) const;

  std::vector<int> endpoints_;
  CircuitBreakerConfig config_;
  std::vector<uint8_t> current_;   // by client: index into endpoints_ (at most 64)
  std::vector<Breaker> breakers_;  // by endpoint index
};

}  // namespace mrsim
