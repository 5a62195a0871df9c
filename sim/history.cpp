// Names of the history enums, as they appear in reports, traces and history files.
#include "sim/history.h"

#include <algorithm>
#include <cmath>

namespace mrsim {

const char* to_string(OpKind kind) {
  switch (kind) {
    case OpKind::Read: return "read";
    case OpKind::Write: return "write";
  }
  return "unknown";
}

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::Ok: return "ok";
    case Outcome::Timeout: return "timeout";
    case Outcome::Error: return "error";
  }
  return "unknown";
}

const char* cdc_stage_name(int stage) {
  static const char* const kNames[kCdcStages] = {"capture", "log", "mirror", "apply"};
  return stage >= 0 && stage < kCdcStages ? kNames[stage] : "unknown";
}

const char* to_string(Role role) {
  switch (role) {
    case Role::Primary: return "primary";
    case Role::Replica: return "replica";
    case Role::Recovering: return "recovering";
    case Role::Down: return "down";
  }
  return "unknown";
}

// The slack absorbs the rounding of i * interval / interval, so a time the samplers compute as i * interval always
// lands in interval i, and a duration that is a whole number of intervals gets no empty last interval.
constexpr double kIntervalSlack = 1e-9;

size_t sample_count(double duration_s, double interval_s) {
  if (!(interval_s > 0) || !(duration_s > 0)) return 0;
  return static_cast<size_t>(std::ceil(duration_s / interval_s - kIntervalSlack));
}

size_t sample_index(double t, double interval_s, size_t count) {
  const double b = std::floor(t / interval_s + kIntervalSlack);
  if (!(b > 0) || count == 0) return 0;
  return std::min(count - 1, static_cast<size_t>(b));
}

}  // namespace mrsim
