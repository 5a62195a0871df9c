// The faults family's pieces (docs/metrics.md, "Recovery"), shared by its in-memory checker (check_faults,
// sim/checkers_recovery.cpp) and its streaming family (sim/stream_recovery.cpp): the two differ only in how they
// count the operations, never in what a figure means.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "sim/checkers.h"

namespace mrsim {

// Whether a window with `total` operations of a kind, `ok` of them successful, meets the RTO's success ratio (an
// empty window does).
bool ratio_holds(uint64_t total, uint64_t ok, double threshold);

// The RTO's search after one fault start: grid times T_j = start + j * step, each with its window [T_j, T_j + window);
// the RTO is the first T_i - start such that the success ratio of every kind holds in the windows of every grid time
// in [T_i, T_i + stable], with T_i + stable + window inside the run. A caller decides the grid times in order
// (decide(holds of next())) while searching(); windows' bounds are from() and to(), computed the one way both
// callers compare invoke times with.
class RecoveryGrid {
 public:
  RecoveryGrid(const MetricsConfig& config, double start, double duration);
  bool searching() const { return searching_; }
  uint64_t next() const { return next_; }  // the grid time decide() settles
  double from(uint64_t j) const { return start_ + static_cast<double>(j) * step_; }
  double to(uint64_t j) const { return from(j) + window_; }
  void decide(bool holds);
  std::optional<double> rto() const { return rto_; }  // once not searching; undefined: not recovered

 private:
  double start_, step_, window_;
  uint64_t last_candidate_ = 0, stable_steps_ = 0, next_ = 0, run_ = 0;
  bool searching_ = false;
  std::optional<double> rto_;
};

// A fault's client recovery from each impacted client's recovery time (the first success after its last failure in
// the fault's interval, minus the fault's start; +infinity when it never succeeded). Reorders `recovery`.
ClientRecovery summarize_client_recovery(std::vector<double>& recovery);

// Everything the faults family reports, given the two figures that need the operations, per fault start (faults
// that start together share them): `rto(start)` and `clients(start, until)`, over the ops invoked in
// [start, until), `until` being the next later fault start or the run's end. The rest (the breakdown, RPO from
// `lost_write_ack_s`) comes from the history without its operations.
FaultStats fault_stats(const History& history, const std::vector<double>& lost_write_ack_s,
                       const std::function<std::optional<double>(double start)>& rto,
                       const std::function<ClientRecovery(double start, double until)>& clients);

}  // namespace mrsim
