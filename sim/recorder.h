// The one place models report what happened. A thin, append-only front of History: models call it with the
// virtual time of each observation; checkers later read the History it fills. Never printed from, never read back
// by models (they keep their own state).
#pragma once

#include <utility>

#include "sim/history.h"

namespace mrsim {

class Recorder {
 public:
  History& history() { return history_; }

  // A client operation takes its place in the history when it is invoked and fills it when it completes. The data
  // plane runs arrivals in time order (models/data_plane.h), so the history is in invoke order without a sort.
  size_t invoke_op() {
    history_.ops.emplace_back();
    history_.ops.back().complete_s = kPending;
    return history_.ops.size() - 1;
  }
  void complete_op(size_t index, const OpRecord& r) { history_.ops[index] = r; }
  static constexpr double kPending = -1;  // an invoked operation that has not completed
  void commit(const CommitRecord& r) { history_.commits.push_back(r); }
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

 private:
  History history_;
};

}  // namespace mrsim
