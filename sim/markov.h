// The Markov cross-check (`mrsim availability`, docs/availability.md): the long-horizon availability of a design
// under random component failures, computed as the steady state of a continuous-time Markov chain instead of by
// simulation. The chain sees the same component model as `faults_random` (each component up for a time with the
// mean of `between_failures`, then down for a time with the mean of `to_repair`) and the control plane's reactions
// (failover, rerouting, leader election) as transitions at the rate 1 / (their mean time, derived from the
// scenario's own settings). What it abstracts, and by how much that matters, is in docs/availability.md.
//
// Everything here is a pure function of the scenario: no randomness, no simulation; the states are enumerated from
// the initial one in a fixed order (breadth first over std::map keys), so the same scenario gives the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace mrsim {

// A small continuous-time Markov chain: states 0..n-1, transition rates between them (per second), and its
// stationary distribution pi (pi Q = 0, sum pi = 1), solved densely. Meant for a few thousand states at most.
class Ctmc {
 public:
  explicit Ctmc(int states);
  // Adds `rate` (> 0, finite) to the rate from `from` to `to` (from != to).
  void add_rate(int from, int to, double rate);
  int size() const { return n_; }
  // The generator matrix Q, row-major n x n: Q[i][j] is the rate i -> j, Q[i][i] = -sum of row i's other rates.
  std::vector<double> generator() const;

  struct Solution {
    std::vector<double> pi;
    double residual = 0;  // max_j |(pi Q)_j| / max_i |Q_ii|, and |sum pi - 1|, whichever is larger
  };
  // Replaces one balance equation by the normalization sum pi = 1 and solves the dense system with a
  // full-pivoting LU. Throws std::runtime_error if the system is singular (a reducible chain) or the residual
  // exceeds 1e-9 (a chain too stiff for double precision).
  Solution steady_state() const;

 private:
  int n_;
  std::vector<double> rates_;  // n x n, off-diagonal only
};

// The chain's answer for one scenario.
struct AvailabilityModel {
  struct Region {
    std::string region;
    double availability = 0;  // fraction of time the client region can be served, as docs/metrics.md ("Long runs")
                              // measures it: each episode's windows included
    double chain = 0;         // the chain's own probability of the states in which it can be served
  };
  std::string design;             // "single-primary, automatic failover" or "consensus"
  std::vector<Region> by_region;  // client regions, in the scenario's region order
  double overall = 0;             // some client region cannot be served (the union), as the downtime metric's overall
  double overall_chain = 0;       // ... the chain's own probability
  double episodes_per_day = 0;    // overall: how often an episode of downtime starts
  int states = 0;                 // reachable states of the chain
  double residual = 0;            // of the steady-state solve
  // The mean times the control plane's transitions stand for (seconds), for the report and the docs; 0 when the
  // design has no such transition.
  double failover_s = 0;          // single-primary: primary lost -> its clients' writes served by the new primary
  double reroute_s = 0;           // a region's own database node lost -> its clients sent to another region
  double election_s = 0;          // consensus: leaseholder lost -> a new leaseholder serves
  double election_after_majority_s = 0;  // consensus: a majority regained -> a leaseholder serves
};

// Builds and solves the chain of `s` (which must have `faults_random`). Throws InputError (exit 2) naming what is
// not modelled: no random faults, a component kind or design or routing the chain does not cover, or more than
// kMaxStates reachable states.
AvailabilityModel model_availability(const Scenario& s);
constexpr int kMaxMarkovStates = 4096;

// Nines: -log10(1 - availability) (infinity at 1); downtime per year: (1 - availability) * 365.25 days in minutes.
double nines(double availability);
double downtime_minutes_per_year(double availability);

}  // namespace mrsim
