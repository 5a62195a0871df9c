#include "models/clocks.h"

namespace mrsim {

namespace {
const char* const kRolePrefix[] = {"db-", "monitor-", "resolvers-"};
}

ClockSet::ClockSet(const Scenario& s) {
  for (const RegionConfig& region : s.regions) {
    for (const char* prefix : kRolePrefix) {
      const std::string name = prefix + region.name;
      std::vector<ClockEvent> events;
      for (const FaultConfig& f : s.faults) {
        if (f.kind != FaultKind::ClockSkew && f.kind != FaultKind::ClockDrift) continue;
        if (f.node.empty() ? f.region != region.name : f.node != name) continue;
        const double step = f.kind == FaultKind::ClockSkew ? f.offset_s : 0.0;
        const double ppm = f.kind == FaultKind::ClockDrift ? f.drift_ppm : 0.0;
        events.push_back({f.at_s, step, ppm});
        if (f.heals) events.push_back({f.at_s + f.duration_s, -step, -ppm});
      }
      const bool inexact = region.clock_offset_s != 0 || region.clock_drift_ppm != 0 || region.ntp || !events.empty();
      any_inexact_ = any_inexact_ || inexact;
      clocks_.push_back(disciplined_clock(region.clock_offset_s, region.clock_drift_ppm, std::move(events), region.ntp,
                                          s.duration_s));
      names_.push_back(name);
    }
  }
}

}  // namespace mrsim
