// A node's local clock: piecewise linear over the virtual clock, with steps; see sim/clock.h.
#include "sim/clock.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>

namespace mrsim {

namespace {
constexpr double kInfinity = std::numeric_limits<double>::infinity();

void check_drift(double drift_ppm) {
  if (!std::isfinite(drift_ppm) || !(drift_ppm > -1e6))
    throw std::invalid_argument("LocalClock: drift_ppm must be finite and > -1e6, got " + std::to_string(drift_ppm));
}
}  // namespace

LocalClock::LocalClock(double offset_s, double drift_ppm) : offset_s_(offset_s), drift_ppm_(drift_ppm) {
  if (!std::isfinite(offset_s)) throw std::invalid_argument("LocalClock: offset_s must be finite");
  check_drift(drift_ppm);
  // The first segment is unbounded to the left; it reads offset_s at true time 0.
  segments_.push_back({-kInfinity, 0.0, 1.0 + drift_ppm * 1e-6});
}

size_t LocalClock::segment_at(double true_time_s) const {
  // Last segment starting at or before true_time_s (segments_[0] starts at -infinity).
  const auto after = std::upper_bound(segments_.begin(), segments_.end(), true_time_s,
                                      [](double t, const Segment& s) { return t < s.start_s; });
  return size_t(std::prev(after) - segments_.begin());
}

double LocalClock::local_time(double true_time_s) const {
  const Segment& s = segments_[segment_at(true_time_s)];
  if (s.start_s == -kInfinity) return offset_s_ + true_time_s * s.rate;
  return s.local_at_start_s + (true_time_s - s.start_s) * s.rate;
}

double LocalClock::true_time_at(double local_s) const {
  // The first segment whose readings reach local_s holds the answer; readings increase within a segment.
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& s = segments_[i];
    const double end = i + 1 < segments_.size() ? segments_[i + 1].start_s : kInfinity;
    double t;
    if (s.start_s == -kInfinity) {
      t = (local_s - offset_s_) / s.rate;
    } else {
      if (local_s <= s.local_at_start_s) return s.start_s;  // jumped over local_s at the change opening this segment
      t = s.start_s + (local_s - s.local_at_start_s) / s.rate;
    }
    if (t < end) return std::max(t, s.start_s);  // max: rounding must not place it before the segment
  }
  return kInfinity;  // unreachable: the last segment is unbounded and increasing
}

void LocalClock::apply(const Change& c) {
  const double before = local_time(c.at_true_s);  // includes any change already at this instant
  const double rate = segments_.back().rate;
  Segment next{c.at_true_s, before, rate};
  if (c.is_step) next.local_at_start_s += c.value;
  else next.rate = 1.0 + c.value * 1e-6;
  if (segments_.back().start_s == c.at_true_s) segments_.back() = next;
  else segments_.push_back(next);
}

void LocalClock::step(double at_true_s, double delta_s) {
  if (!std::isfinite(at_true_s) || !std::isfinite(delta_s))
    throw std::invalid_argument("LocalClock::step: at_true_s and delta_s must be finite");
  const Change c{at_true_s, true, delta_s};
  const bool in_order = changes_.empty() || changes_.back().at_true_s <= at_true_s;
  const auto pos = std::upper_bound(changes_.begin(), changes_.end(), at_true_s,
                                    [](double t, const Change& x) { return t < x.at_true_s; });
  changes_.insert(pos, c);
  if (in_order) return apply(c);
  segments_.resize(1);  // replay every change in time order
  for (const Change& x : changes_) apply(x);
}

void LocalClock::set_drift(double at_true_s, double drift_ppm) {
  if (!std::isfinite(at_true_s)) throw std::invalid_argument("LocalClock::set_drift: at_true_s must be finite");
  check_drift(drift_ppm);
  const Change c{at_true_s, false, drift_ppm};
  const bool in_order = changes_.empty() || changes_.back().at_true_s <= at_true_s;
  const auto pos = std::upper_bound(changes_.begin(), changes_.end(), at_true_s,
                                    [](double t, const Change& x) { return t < x.at_true_s; });
  changes_.insert(pos, c);
  if (in_order) return apply(c);
  segments_.resize(1);
  for (const Change& x : changes_) apply(x);
}

LocalClock disciplined_clock(double offset_s, double drift_ppm, std::vector<ClockEvent> events,
                             const std::optional<NtpDiscipline>& ntp, double until_s) {
  LocalClock clock(offset_s, drift_ppm);
  std::stable_sort(events.begin(), events.end(), [](const ClockEvent& a, const ClockEvent& b) { return a.at_s < b.at_s; });
  double intrinsic_ppm = drift_ppm;  // base drift plus the drift faults in force
  double correction_ppm = 0;         // the discipline's slew
  size_t next_event = 0;
  double next_poll = ntp ? ntp->poll_s : kInfinity;
  while (next_event < events.size() || next_poll <= until_s) {
    const bool event_first = next_event < events.size() && events[next_event].at_s <= next_poll;
    if (event_first) {
      const ClockEvent& e = events[next_event++];
      if (e.step_s != 0) clock.step(e.at_s, e.step_s);
      if (e.drift_ppm != 0) {
        intrinsic_ppm += e.drift_ppm;
        if (!(intrinsic_ppm + correction_ppm > -1e6))
          throw std::invalid_argument("clock: drift faults add up to " + std::to_string(intrinsic_ppm) +
                                      " ppm, which stops the clock");
        clock.set_drift(e.at_s, intrinsic_ppm + correction_ppm);
      }
      continue;
    }
    const double theta = clock.offset_at(next_poll);
    if (std::abs(theta) > ntp->step_threshold_s) {
      clock.step(next_poll, -theta);
      correction_ppm = 0;
    } else {
      correction_ppm = std::clamp(-theta / ntp->poll_s * 1e6, -ntp->max_slew_ppm, ntp->max_slew_ppm);
    }
    if (!(intrinsic_ppm + correction_ppm > -1e6))
      throw std::invalid_argument("clock: drift faults add up to a rate that stops the clock");
    clock.set_drift(next_poll, intrinsic_ppm + correction_ppm);
    next_poll += ntp->poll_s;
  }
  return clock;
}

}  // namespace mrsim
