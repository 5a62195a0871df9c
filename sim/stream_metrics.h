// Metrics computed as operations complete (`--streaming`), rather than from a history that holds every operation:
// the step towards runs whose memory does not grow with their length (docs/performance.md, "Memory that does not
// grow with the run"). Each metric family that can stream has a StreamFamily; it follows the same definition
// (docs/metrics.md) as its in-memory checker in checkers*.cpp, which stays as the reference: tests/streaming.cmake
// requires every shipped scenario's report to be byte-identical both ways.
//
// A family sees every completed operation once, in history order (invoke time, then client), as it leaves the
// recorder's window (sim/recorder.h), with the history recorded so far (name tables, faults, roles, ...: everything
// but the operations); at the end it fills its part of RunMetrics from what it kept and the finished history.
#pragma once

#include <memory>
#include <vector>

#include "sim/checkers.h"
#include "sim/recorder.h"
#include "sim/scenario.h"

namespace mrsim {

// The metric families, as compute_metrics runs them.
enum class Family { Availability, Latency, Faults, WriteSafety, StaleReads, Sessions, SplitBrain };

class StreamFamily {
 public:
  virtual ~StreamFamily() = default;
  virtual Family family() const = 0;
  virtual void begin(const History& names) { (void)names; }
  // `live`: the history as recorded up to now, without operations.
  virtual void op(const OpRecord& op, const History& live) = 0;
  // After the run: writes the family's figures into `m`. Families finish in compute_metrics' order, so one may read
  // what an earlier one wrote (the faults' RPO reads m.writes.lost_write_ack_s).
  virtual void finish(const History& history, RunMetrics& m) = 0;
};

// The families that compare versions with the final lineage (sim/stream_lineage.cpp), where the design settles it
// as the run goes.
void add_lineage_families(const Scenario& scenario, std::vector<std::unique_ptr<StreamFamily>>& families);

class StreamingMetrics final : public OpSink {
 public:
  explicit StreamingMetrics(const Scenario& scenario);
  ~StreamingMetrics() override;

  void begin(const History& names) override;
  void op(const OpRecord& op) override;

  // Whether `f` streams; if so, writes its figures into `m` (compute_metrics calls it where the in-memory checker
  // would run) and returns true.
  bool finish(Family f, const History& history, RunMetrics& m);
  bool covers(Family f) const;

 private:
  const History* live_ = nullptr;
  std::vector<std::unique_ptr<StreamFamily>> families_;
};

}  // namespace mrsim
