// The one place models report what happened. A thin, append-only front of History: models call it with the
// virtual time of each observation; checkers later read the History it fills. Never printed from, never read back
// by models (they keep their own state).
#pragma once

#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "sim/history.h"

namespace mrsim {

// Receives every completed client operation once, in the history's order: invoke time, then client (operations
// invoked at the same instant), then invoke order. Operations that never complete are not passed on.
class OpSink {
 public:
  virtual ~OpSink() = default;
  virtual void begin(const History& names) { (void)names; }  // the name tables, complete, before the first op
  virtual void op(const OpRecord& op) = 0;
  virtual void committed(const CommitRecord& r) { (void)r; }
  // A write that is in the final lineage whatever happens later (Recorder::settle), at the time it was known.
  virtual void settled(uint32_t write_id, uint32_t key, double t) { (void)write_id, (void)key, (void)t; }
};

class Recorder {
 public:
  History& history() { return history_; }

  // Completed operations go to History::ops and to every sink added, as they leave the reorder window below. With
  // `keep` false (a run whose consumers all stream), History holds no operations, commits or settled lineage: the
  // records that grow with every operation reach the sinks only.
  void keep_ops(bool keep) { keep_ops_ = keep; }
  void add_sink(OpSink* sink) { sinks_.push_back(sink); }

  // A client operation takes its place when it is invoked and is filled in when it completes. The data plane runs
  // arrivals in time order (models/data_plane.h), so places are taken in invoke order; an operation leaves the
  // window once it and every operation invoked before it have completed and no later one can share its instant.
  // The window therefore holds only what is in flight (at most one client timeout times its attempts, plus
  // backoffs, of arrivals), however long the run.
  void begin_ops() {  // the name tables are complete
    for (OpSink* sink : sinks_) sink->begin(history_);
  }
  uint64_t invoke_op(double invoke_s);
  void complete_op(uint64_t place, const OpRecord& r);
  // The run is over: what completed leaves the window; what never completed is dropped.
  void finish_ops();
  static constexpr double kPending = -1;  // an invoked operation that has not completed
  size_t ops_in_window() const { return window_.size(); }

  void commit(const CommitRecord& r) {
    if (keep_ops_) history_.commits.push_back(r);
    for (OpSink* sink : sinks_) sink->committed(r);
  }
  void role(const RoleChange& r) { history_.roles.push_back(r); }
  void health(const HealthVerdict& r) { history_.health.push_back(r); }
  void dns(DnsChange r) { history_.dns.push_back(std::move(r)); }
  void decision(ControllerDecision r) { history_.decisions.push_back(std::move(r)); }
  void fault(FaultEvent r) { history_.faults.push_back(std::move(r)); }
  void lag(const LagSample& r) { history_.lag.push_back(r); }
  void apply(const ApplyRecord& r) { history_.applies.push_back(r); }
  void clock(const ClockSample& r) { history_.clock_samples.push_back(r); }
  void sibling(const SiblingChange& r) { history_.siblings.push_back(r); }
  void cdc(const CdcTransit& r) { history_.cdc.push_back(r); }
  // A write that is in the final lineage whatever happens later, in lineage order, known at `t`: a store that knows
  // it early (the single-primary store, for the prefix every node's log shares) settles it as the run goes, and
  // the rest at its finish().
  void settle(uint32_t write_id, uint32_t key, double t) {
    if (keep_ops_) history_.final_lineage.push_back(write_id);
    for (OpSink* sink : sinks_) sink->settled(write_id, key, t);
  }

 private:
  void release(bool closing);
  void emit(const OpRecord& r);

  History history_;
  bool keep_ops_ = true;
  std::vector<OpSink*> sinks_;
  std::deque<OpRecord> window_;  // places window_base_, window_base_ + 1, ...
  uint64_t window_base_ = 0;
  double latest_invoke_s_ = -1;
};

}  // namespace mrsim
