// The controller of a multi-primary design: it keeps DNS pointing every region's clients at a node that is up.
// Nothing is promoted — every node already takes writes — so what fails over is routing alone.
//
// Follows: the guide's ActiveActiveRouter behind GeoDNS health checks (Route 53 latency/geolocation records with
// health checks, as DynamoDB global tables or Aurora multi-writer set-ups are fronted):
//  - "read.<R>" and (write-local) "write.<R>" answer region R while R's node is judged healthy and serving, else
//    the nearest region whose node is (lowest client-to-database latency; ties: the lower region index), and go
//    back to R when it is healthy again;
//  - (home-region) "home.<H>", where the keys or clients homed in H are written, answers H while H's node is
//    healthy; when it is not, the controller moves H's keys to H's successor — the next region in
//    `database.regions` order whose node is healthy — unless `home_failover` is `never`, and moves them back when H
//    is healthy again.
// With `failover.policy` `none` it changes nothing: every region's clients stay on their own region's node (or the
// nearest at the start), whatever the checkers say — the usual set-up where a partition must not send clients to a
// region they may not reach.
// It runs on the monitor host of `health_check.from`, beside the checkers, and dies and restarts with it.
// Leaves out: draining in-flight writes before a home moves (a write to the old home racing one to the new can
// conflict, and conflict resolution decides), weighted or latency-measured routing, client-side retries to
// another region.
#pragma once

#include <vector>

#include "models/health.h"
#include "sim/scenario.h"

namespace mrsim {

class AuthoritativeDns;

class RegionRouter {
 public:
  RegionRouter(const RoutingConfig& routing, bool reroutes, int slot, double duration_s, std::vector<int> client_regions, Store& store,
               Network& network, AuthoritativeDns& dns, HealthBoard& board, Recorder& recorder)
      : routing_(routing), reroutes_(reroutes), slot_(slot), duration_s_(duration_s), client_regions_(std::move(client_regions)), store_(store),
        network_(network), dns_(dns), board_(board), recorder_(recorder) {}
  void operator()();

 private:
  void step(double t);
  void point(int record, int region, double t, const char* action);
  bool serving(int node) const;
  int nearest_serving(int client_region) const;  // -1 if no node serves

  RoutingConfig routing_;
  bool reroutes_;
  int slot_;
  double duration_s_;
  std::vector<int> client_regions_;
  Store& store_;
  Network& network_;
  AuthoritativeDns& dns_;
  HealthBoard& board_;
  Recorder& recorder_;
};

}  // namespace mrsim
