// A node's own local clock, derived from the simulation's virtual ("true") clock.
//
// Follows an NTP-disciplined host clock as a distributed system experiences it: a fixed offset from true time, a
// constant frequency error (drift, in parts per million), and steps — the sudden jumps ntpd/chronyd make when the
// offset grows past their step threshold, or an operator sets the time. Anything a real system would time with
// its local wall clock (timestamps for last-writer-wins, leases, TTLs) reads this, so clock-skew faults have real
// effects.
//
// Leaves out slewing (the gradual rate adjustment a daemon uses for small offsets; model it as drift if needed),
// drift that varies with time or temperature, reading granularity, and leap seconds. Local time is wall-clock-like,
// not monotonic: a backward step makes it run back.
//
//   local_time(t) = offset_s + t * (1 + drift_ppm * 1e-6) + (sum of delta_s over steps with at_true_s <= t)
#pragma once

#include <vector>

namespace mrsim {

class LocalClock {
 public:
  // drift_ppm must be > -1e6 (the clock must move forward); both arguments must be finite.
  explicit LocalClock(double offset_s = 0, double drift_ppm = 0);

  // What this clock reads at true (virtual) time true_time_s. A step at exactly true_time_s is already applied.
  double local_time(double true_time_s) const;

  // The earliest true time at which this clock reads local_s or later: when a timer set for local time local_s
  // fires. The inverse of local_time where local time is continuous; across a forward step (a gap no reading
  // passes through) it is the instant of the step; after a backward step, a local time already reached maps to
  // the first time it was reached. Costs O(number of steps).
  double true_time_at(double local_s) const;

  // A clock step at true time at_true_s: local times from then on are shifted by delta_s (negative = back).
  // Steps may be added in any order; they are kept sorted by true time (ties keep insertion order), so queries
  // before and after each step stay correct.
  void step(double at_true_s, double delta_s);

  double offset_s() const { return offset_s_; }
  double drift_ppm() const { return drift_ppm_; }

 private:
  struct Step {
    double at_true_s;
    double delta_s;
    double cumulative_delta_s;  // sum of delta_s over this step and every earlier one
  };

  double rate() const { return 1.0 + drift_ppm_ * 1e-6; }
  // Sum of deltas of steps with at_true_s <= true_time_s.
  double cumulative_delta_at(double true_time_s) const;

  double offset_s_;
  double drift_ppm_;
  std::vector<Step> steps_;  // sorted by at_true_s
};

}  // namespace mrsim
