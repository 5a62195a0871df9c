#include "sim/stream_metrics.h"

#include "sim/stream_families.h"

namespace mrsim {

StreamingMetrics::StreamingMetrics(const Scenario& scenario) {
  families_.push_back(make_availability_family());
  families_.push_back(make_latency_family());
  families_.push_back(make_faults_family(scenario.metrics));
}

StreamingMetrics::~StreamingMetrics() = default;

void StreamingMetrics::begin(const History& names) {
  live_ = &names;
  for (auto& f : families_) f->begin(names);
}

void StreamingMetrics::op(const OpRecord& op) {
  for (auto& f : families_) f->op(op, *live_);
}

bool StreamingMetrics::covers(Family family) const {
  for (const auto& f : families_)
    if (f->family() == family) return true;
  return false;
}

bool StreamingMetrics::finish(Family family, const History& history, RunMetrics& m) {
  for (auto& f : families_)
    if (f->family() == family) {
      f->finish(history, m);
      return true;
    }
  return false;
}

}  // namespace mrsim
