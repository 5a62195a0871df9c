// A node's local clock: offset, drift and steps over the virtual clock; see sim/clock.h.
#include "sim/clock.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>

namespace mrsim {

LocalClock::LocalClock(double offset_s, double drift_ppm) : offset_s_(offset_s), drift_ppm_(drift_ppm) {
  if (!std::isfinite(offset_s)) throw std::invalid_argument("LocalClock: offset_s must be finite");
  if (!std::isfinite(drift_ppm) || !(drift_ppm > -1e6)) {
    throw std::invalid_argument("LocalClock: drift_ppm must be finite and > -1e6, got " + std::to_string(drift_ppm));
  }
}

double LocalClock::cumulative_delta_at(double true_time_s) const {
  // First step strictly after true_time_s; everything before it applies.
  const auto after = std::upper_bound(steps_.begin(), steps_.end(), true_time_s,
                                      [](double t, const Step& s) { return t < s.at_true_s; });
  return after == steps_.begin() ? 0.0 : std::prev(after)->cumulative_delta_s;
}

double LocalClock::local_time(double true_time_s) const {
  return offset_s_ + true_time_s * rate() + cumulative_delta_at(true_time_s);
}

double LocalClock::true_time_at(double local_s) const {
  // Walk the segments between steps in true-time order. On segment [begin, end) the clock reads
  // offset + t * rate + cumulative, increasing; the first segment that reaches local_s holds the answer.
  constexpr double infinity = std::numeric_limits<double>::infinity();
  double begin = -infinity;
  double cumulative = 0.0;
  for (size_t i = 0; i <= steps_.size(); ++i) {
    const double end = i < steps_.size() ? steps_[i].at_true_s : infinity;
    if (begin < end) {  // several steps at one instant leave empty segments
      const double reading_at_begin = offset_s_ + begin * rate() + cumulative;
      if (local_s <= reading_at_begin) return begin;  // jumped over local_s at the step that opened this segment
      const double t = (local_s - offset_s_ - cumulative) / rate();
      if (t < end) return std::max(t, begin);  // max: rounding must not place it before the segment
    }
    if (i < steps_.size()) {
      begin = end;
      cumulative = steps_[i].cumulative_delta_s;
    }
  }
  return infinity;  // unreachable: the last segment is unbounded and increasing
}

void LocalClock::step(double at_true_s, double delta_s) {
  if (!std::isfinite(at_true_s) || !std::isfinite(delta_s)) {
    throw std::invalid_argument("LocalClock::step: at_true_s and delta_s must be finite");
  }
  const auto pos = std::upper_bound(steps_.begin(), steps_.end(), at_true_s,
                                    [](double t, const Step& s) { return t < s.at_true_s; });
  const double before = pos == steps_.begin() ? 0.0 : std::prev(pos)->cumulative_delta_s;
  const auto inserted = steps_.insert(pos, Step{at_true_s, delta_s, before + delta_s});
  for (auto it = std::next(inserted); it != steps_.end(); ++it) it->cumulative_delta_s += delta_s;
}

}  // namespace mrsim
