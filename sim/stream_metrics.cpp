#include "sim/stream_metrics.h"

#include <algorithm>
#include <stdexcept>

#include "sim/stream_families.h"

namespace mrsim {

void SettledLineage::add(uint32_t write_id) {
  if (write_id <= max_) throw std::logic_error("the settled lineage is not in write-id order");
  for (uint32_t id = max_ + 1; id < write_id; ++id) skipped_.push_back(id);
  max_ = write_id;
}

bool SettledLineage::contains(uint32_t write_id) const {
  return write_id != 0 && write_id <= max_ && !std::binary_search(skipped_.begin(), skipped_.end(), write_id);
}

StreamingMetrics::StreamingMetrics(const Scenario& scenario) {
  families_.push_back(make_availability_family());
  families_.push_back(make_latency_family());
  families_.push_back(make_faults_family(scenario.metrics));
  add_lineage_families(scenario, families_);
  for (auto& f : families_) {
    f->attach(&lineage_);
    any_lineage_family_ = any_lineage_family_ || f->needs_lineage();
  }
}

StreamingMetrics::~StreamingMetrics() = default;

void StreamingMetrics::begin(const History& names) {
  live_ = &names;
  for (auto& f : families_) f->begin(names);
}

void StreamingMetrics::op(const OpRecord& op) {
  for (auto& f : families_)
    if (!f->needs_lineage()) f->op(op, *live_);
  if (!any_lineage_family_) return;
  waiting_.push_back(op);
  release(false);
}

void StreamingMetrics::settled(uint32_t write_id, uint32_t key, double t) {
  if (!any_lineage_family_) return;
  lineage_.add(write_id);
  for (auto& f : families_)
    if (f->needs_lineage()) f->settled(write_id, key, t);
}

void StreamingMetrics::committed(const CommitRecord& r) {
  for (auto& f : families_) f->committed(r, *live_);
}

void StreamingMetrics::release(bool all) {
  while (!waiting_.empty()) {
    const OpRecord& op = waiting_.front();
    if (!all && op.ok() && op.version != kNoVersion && !lineage_.decided(op.version)) return;
    for (auto& f : families_)
      if (f->needs_lineage()) f->op(op, *live_);
    waiting_.pop_front();
  }
}

bool StreamingMetrics::covers(Family family) const {
  for (const auto& f : families_)
    if (f->family() == family) return true;
  return false;
}

bool StreamingMetrics::streams_everything(const Scenario& s, bool trace) const {
  for (Family f : {Family::Availability, Family::Latency, Family::Faults, Family::WriteSafety, Family::StaleReads,
                   Family::Sessions, Family::SplitBrain})
    if (!covers(f)) return false;
  // What else reads operations or per-write records: the trace's and alerts' series, data residency, long runs'
  // downtime, semi-sync's fallbacks and the cdc pipelines' transits.
  bool per_write_records = false;
  for (const auto& r : s.database.replicas)
    per_write_records = per_write_records || r.mode == ReplicationMode::SemiSync || r.mode == ReplicationMode::Cdc;
  return !trace && s.alerts.empty() && s.residency.empty() && !s.faults_random.any() && !s.metrics.long_run &&
         !per_write_records;
}

bool StreamingMetrics::finish(Family family, const History& history, RunMetrics& m) {
  if (!finished_) {  // the run is over: the store has settled the rest of its lineage
    finished_ = true;
    lineage_.complete();
    release(true);
  }
  for (auto& f : families_)
    if (f->family() == family) {
      f->finish(history, m);
      return true;
    }
  return false;
}

}  // namespace mrsim
