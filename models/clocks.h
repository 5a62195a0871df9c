// The local clocks of every simulated node: per region, the database node's, the monitor's (health checkers and
// controller) and the resolver pool's. Each is a LocalClock (sim/clock.h) built before the run from the region's
// offset, drift and NTP discipline and from the scenario's clock faults, so it is a pure function of the scenario:
// reading it never changes the simulation's course, and the same scenario gives the same readings.
//
// Follows: hosts that each keep their own time, disciplined (or not) by ntpd/chronyd against always-reachable
// servers. A `clock_skew` fault steps the hit clocks by its offset (and back by it when it ends); a `clock_drift`
// fault adds its drift from `at` (and removes it when it ends). A fault on a region hits its three clocks.
// Leaves out: what sim/clock.h leaves out; one clock per role per region (the hosts of one role share it).
#pragma once

#include <string>
#include <vector>

#include "sim/clock.h"
#include "sim/scenario.h"

namespace mrsim {

enum class ClockRole : uint8_t { Db = 0, Monitor = 1, Resolvers = 2 };

class ClockSet {
 public:
  explicit ClockSet(const Scenario& scenario);

  const LocalClock& clock(int region, ClockRole role) const { return clocks_[index(region, role)]; }
  int count() const { return int(clocks_.size()); }
  const LocalClock& at(int index) const { return clocks_[index]; }
  const std::string& name(int index) const { return names_[index]; }  // "db-us-east-1", "monitor-…", "resolvers-…"
  // True if any clock is not true time (an offset, a drift, an NTP discipline or a clock fault): only then does the
  // trace carry clock samples.
  bool any_inexact() const { return any_inexact_; }

 private:
  static int index(int region, ClockRole role) { return region * 3 + int(role); }
  std::vector<LocalClock> clocks_;
  std::vector<std::string> names_;
  bool any_inexact_ = false;
};

}  // namespace mrsim
