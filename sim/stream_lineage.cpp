// Streaming families that compare versions with the final lineage (sim/stream_metrics.h): lost writes.
//
// They stream where the store settles its lineage as the run goes: the single-primary store hands the history each
// write that every node's log holds (Recorder::settle), in lineage order. Its lineage is in write-id order (every
// log is: a primary appends ids larger than any before, replicas copy prefixes, a rewind truncates), so once write
// id S is settled every id up to S is decided: in the final lineage if settled, never otherwise. An operation is
// judged once the ids it names are decided; until then it waits in a queue that holds what replication has not yet
// brought to every node (it grows during an outage that leaves a node behind, not with the run). What is still
// undecided at the end is judged against the complete lineage, as the in-memory checker judges everything.
#include <algorithm>
#include <deque>
#include <stdexcept>

#include "sim/stream_metrics.h"

namespace mrsim {
namespace {

// Which write ids the history's lineage holds, read as it grows: one bit per id.
class SettledIds {
 public:
  // Takes the lineage entries recorded since the last call.
  void absorb(const std::vector<uint32_t>& lineage) {
    for (; seen_ < lineage.size(); ++seen_) {
      const uint32_t id = lineage[seen_];
      if (id <= settled_max_) throw std::logic_error("the settled lineage is not in write-id order");
      if (id / 64 >= bits_.size()) bits_.resize(id / 64 + 1 + bits_.size() / 2, 0);
      bits_[id / 64] |= uint64_t{1} << (id % 64);
      settled_max_ = std::max(settled_max_, id);
    }
  }
  bool decided(uint32_t id) const { return id <= settled_max_; }
  bool contains(uint32_t id) const { return id / 64 < bits_.size() && (bits_[id / 64] >> (id % 64) & 1u); }

 private:
  std::vector<uint64_t> bits_;
  size_t seen_ = 0;
  uint32_t settled_max_ = 0;
};

// check_write_safety (sim/checkers_data.cpp) for a single-primary store: acknowledged writes absent from the final
// lineage, and successful reads of such writes. No conflict resolution discards writes in this design.
class StreamWriteSafety final : public StreamFamily {
 public:
  Family family() const override { return Family::WriteSafety; }

  void op(const OpRecord& op, const History& live) override {
    if (!op.ok()) return;
    settled_.absorb(live.final_lineage);
    if (op.kind == OpKind::Write) {
      ++stats_.acknowledged_writes;
      // An acknowledged write always creates a version; version 0 here can only mean it left no trace, i.e. lost.
      if (op.version == kNoVersion) {
        lost(op.complete_s);
        return;
      }
    } else if (op.version == kNoVersion) {
      return;
    }
    waiting_.push_back({op.version, op.complete_s, op.kind == OpKind::Write});
    while (!waiting_.empty() && settled_.decided(waiting_.front().version)) {
      judge(waiting_.front());
      waiting_.pop_front();
    }
  }

  void finish(const History& history, RunMetrics& m) override {
    settled_.absorb(history.final_lineage);  // complete now
    for (const Waiting& w : waiting_) judge(w);
    waiting_.clear();
    std::sort(stats_.lost_write_ack_s.begin(), stats_.lost_write_ack_s.end());
    m.writes = stats_;
  }

 private:
  struct Waiting {
    uint32_t version;
    double complete_s;
    bool write;
  };
  void lost(double ack_s) {
    ++stats_.lost_writes;
    stats_.lost_write_ack_s.push_back(ack_s);
  }
  void judge(const Waiting& w) {
    if (settled_.contains(w.version)) return;
    if (w.write) lost(w.complete_s); else ++stats_.reads_of_lost_writes;
  }

  SettledIds settled_;
  std::deque<Waiting> waiting_;
  WriteSafetyStats stats_;
};

}  // namespace

void add_lineage_families(const Scenario& scenario, std::vector<std::unique_ptr<StreamFamily>>& families) {
  if (scenario.database.topology != Topology::SinglePrimary) return;  // only this store settles its lineage early
  families.push_back(std::make_unique<StreamWriteSafety>());
}

}  // namespace mrsim
