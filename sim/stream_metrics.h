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

#include <deque>
#include <memory>
#include <vector>

#include "sim/checkers.h"
#include "sim/recorder.h"
#include "sim/scenario.h"
#include "sim/spill_queue.h"

namespace mrsim {

// The metric families, as compute_metrics runs them.
enum class Family { Availability, Latency, Faults, WriteSafety, StaleReads, Sessions, SplitBrain };

// The final lineage as the store settles it (Recorder::settle), for stores whose lineage is in write-id order (the
// single-primary store: a primary appends ids larger than any before, replicas copy prefixes, a rewind truncates).
// Once id S is settled every id up to S is decided: in the lineage if settled, never otherwise. Held as the ids up
// to S that the lineage skipped (writes that were lost), which grow with lost writes, not with writes.
class SettledLineage {
 public:
  void add(uint32_t write_id);  // in lineage order; throws std::logic_error if not in write-id order
  void complete() { complete_ = true; }  // the run is over: the lineage is whole
  bool decided(uint32_t write_id) const { return complete_ || write_id <= max_; }
  bool contains(uint32_t write_id) const;

 private:
  std::vector<uint32_t> skipped_;  // ascending
  uint32_t max_ = 0;
  bool complete_ = false;
};

class StreamFamily {
 public:
  virtual ~StreamFamily() = default;
  virtual Family family() const = 0;
  virtual void begin(const History& names) { (void)names; }
  // `live`: the history as recorded up to now, without operations. A family that compares versions with the final
  // lineage (needs_lineage) gets each operation only once every id it names is decided, with `lineage` telling
  // which are in it; StreamingMetrics holds operations until then, in order.
  virtual void op(const OpRecord& op, const History& live) = 0;
  virtual bool needs_lineage() const { return false; }
  virtual void settled(uint32_t write_id, uint32_t key, double t) { (void)write_id, (void)key, (void)t; }
  virtual void committed(const CommitRecord& r, const History& live) { (void)r, (void)live; }
  void attach(const SettledLineage* lineage) { lineage_ = lineage; }
  // After the run: writes the family's figures into `m`. Families finish in compute_metrics' order, so one may read
  // what an earlier one wrote (the faults' RPO reads m.writes.lost_write_ack_s).
  virtual void finish(const History& history, RunMetrics& m) = 0;

 protected:
  const SettledLineage& lineage() const { return *lineage_; }

 private:
  const SettledLineage* lineage_ = nullptr;
};

class StreamingMetrics final : public OpSink {
 public:
  explicit StreamingMetrics(const Scenario& scenario);
  ~StreamingMetrics() override;

  void begin(const History& names) override;
  void op(const OpRecord& op) override;
  void settled(uint32_t write_id, uint32_t key, double t) override;
  void committed(const CommitRecord& r) override;

  // Whether `f` streams; if so, writes its figures into `m` (compute_metrics calls it where the in-memory checker
  // would run) and returns true.
  bool finish(Family f, const History& history, RunMetrics& m);
  bool covers(Family f) const;
  // Whether the run can hold no operations (nor commits, nor the lineage; Recorder::keep_ops): every family that
  // reads them streams for this scenario, and no trace (`trace`) is asked for.
  bool streams_everything(const Scenario& scenario, bool trace) const;

 private:
  void release(bool all);  // passes decided operations to the families that need the lineage

  const History* live_ = nullptr;
  std::vector<std::unique_ptr<StreamFamily>> families_;
  bool any_lineage_family_ = false;
  SettledLineage lineage_;
  // Operations not yet decided, in history order: what replication has not yet brought to every node (it grows
  // during an outage that leaves a node behind, not with the run; past a million it spills to a temporary file).
  SpillQueue<OpRecord> waiting_;
  bool finished_ = false;
};

}  // namespace mrsim
