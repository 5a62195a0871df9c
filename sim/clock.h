// A node's own local clock, derived from the simulation's virtual ("true") clock.
//
// Follows a host clock as a distributed system experiences it: an offset from true time, a frequency error (drift,
// in parts per million) that can change over time, and steps — the sudden jumps ntpd/chronyd make when the offset
// grows past their step threshold, or an operator (or a bad NTP server) sets the time. Anything a real system would
// stamp or time with its local wall clock (last-writer-wins timestamps, resolver TTL expiry, leases) reads this, so
// clock faults have real effects. `disciplined_clock` builds the clock of a node under NTP discipline (ntpd/chronyd:
// slew at a bounded rate toward true time, step past a threshold, poll at an interval) and clock faults.
//
// Leaves out: reading granularity, leap seconds, drift that varies with temperature, and NTP's frequency training
// (PLL/FLL): the discipline corrects the offset it measures at each poll, so a drifting clock keeps a residual
// offset of about drift x poll interval. NTP servers are always reachable and exact (a partition does not stop
// the discipline). Local time is wall-clock-like, not monotonic: a backward step makes it run back.
//
// The clock is piecewise linear in true time: local_time(t) = local_at_start + (t - start) * (1 + ppm * 1e-6) on
// each segment, with a jump at each step.
#pragma once

#include <optional>
#include <vector>

namespace mrsim {

class LocalClock {
 public:
  // drift_ppm must be > -1e6 (the clock must move forward); both arguments must be finite.
  explicit LocalClock(double offset_s = 0, double drift_ppm = 0);

  // What this clock reads at true (virtual) time true_time_s. A step or rate change at exactly true_time_s is
  // already applied.
  double local_time(double true_time_s) const;
  double offset_at(double true_time_s) const { return local_time(true_time_s) - true_time_s; }

  // The earliest true time at which this clock reads local_s or later: when a timer set for local time local_s
  // fires. The inverse of local_time where local time is continuous; across a forward step (a gap no reading
  // passes through) it is the instant of the step; after a backward step, a local time already reached maps to
  // the first time it was reached. Costs O(number of changes).
  double true_time_at(double local_s) const;

  // A clock step at true time at_true_s: local times from then on are shifted by delta_s (negative = back).
  void step(double at_true_s, double delta_s);
  // From true time at_true_s on, the clock's frequency error is drift_ppm (> -1e6: the clock keeps moving).
  void set_drift(double at_true_s, double drift_ppm);
  // Changes may be added in any order; they are kept sorted by true time (ties keep insertion order), so queries
  // before and after each change stay correct. Adding in time order costs O(1).

  double offset_s() const { return offset_s_; }
  double drift_ppm() const { return drift_ppm_; }
  bool is_exact() const { return offset_s_ == 0 && drift_ppm_ == 0 && changes_.empty(); }

 private:
  struct Change {
    double at_true_s;
    bool is_step;
    double value;  // step: delta_s; rate change: drift_ppm
  };
  struct Segment {
    double start_s;
    double local_at_start_s;  // after any step at start_s
    double rate;              // 1 + ppm * 1e-6
  };
  void apply(const Change& c);  // extends segments_ with a change at or after the last segment's start
  size_t segment_at(double true_time_s) const;

  double offset_s_;
  double drift_ppm_;
  std::vector<Change> changes_;    // sorted by at_true_s
  std::vector<Segment> segments_;  // sorted by start_s; segments_[0] starts at -infinity
};

// NTP discipline of one clock, as ntpd/chronyd do it.
struct NtpDiscipline {
  double poll_s = 64;             // ntpd's default minpoll is 64 s
  double step_threshold_s = 0.128;  // ntpd -x off: offsets beyond 128 ms are stepped
  double max_slew_ppm = 500;      // ntpd slews at most 500 ppm
};

// A clock event from a fault.
struct ClockEvent {
  double at_s;
  double step_s = 0;     // step by this much
  double drift_ppm = 0;  // add this much to the frequency error from at_s on
};

// The clock of one node over [0, until_s]: base offset and drift, the fault events (any order), and the NTP
// discipline when there is one. At each poll the discipline measures the offset θ from true time; beyond the
// threshold it steps by -θ, else it sets a frequency correction of -θ / poll, at most max_slew_ppm either way, until
// the next poll. Throws std::invalid_argument if the frequency would reach -1e6 ppm (a clock that stops).
LocalClock disciplined_clock(double offset_s, double drift_ppm, std::vector<ClockEvent> events,
                             const std::optional<NtpDiscipline>& ntp, double until_s);

}  // namespace mrsim
