// The faults family as operations complete (sim/stream_metrics.h): RTO and client recovery counted from the
// operations in history order, with state that grows with faults and clients but not with operations; the rest (the
// breakdown, RPO) is fault_stats' (sim/checkers_recovery.h), as for check_faults.
//
// It relies on the recorder's promise: when an operation invoked at t arrives, every fault that started at or before
// t is in the live history (a fault's start is recorded at its time, an operation leaves the recorder's window after
// it completes). A fault start at or before an operation already counted breaks that promise and stops the run
// (std::logic_error), rather than give a wrong figure.
//
// RTO: per distinct fault start, the grid windows [T_j, T_j + window) (RecoveryGrid) open as invoke times pass T_j and
// close as they pass T_j + window. A window's counts are differences of running counts (ops of each kind, all and
// successful, invoked so far): the counts when the first op invoked at or after a bound arrives are those of the ops
// invoked before it, which is what check_faults' binary searches count. Each grid time is decided once its window
// closes; the open windows are at most window / step + 1 snapshots of four counts. A search ends when it finds the
// RTO or passes its last grid time; at the end of the run the remaining windows close with the final counts.
//
// Client recovery: a fault's interval [start, next later start or run end) is open while no later start has been
// reached, so at most one (the latest start reached) collects: for each client, whether its last failure there has
// been followed by a success yet, and the first such success's time. When the interval closes, clients still waiting
// wait on for their first success at any later time (per client, the list of starts it owes one to).
#include <deque>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "sim/checkers_recovery.h"
#include "sim/stream_families.h"

namespace mrsim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Operations invoked so far, by kind (read, write): all, and successful.
struct Counts {
  uint64_t all[2] = {0, 0}, ok[2] = {0, 0};
};

class RtoSearch {
 public:
  RtoSearch(const MetricsConfig& config, double start, double duration)
      : grid_(config, start, duration), threshold_(config.threshold) {}
  bool searching() const { return grid_.searching(); }
  std::optional<double> rto() const { return grid_.rto(); }

  // Settles the grid bounds at or before `invoke_s` (+infinity: all of them), `counts` being those of the ops
  // invoked before it.
  void advance(double invoke_s, const Counts& counts) {
    while (grid_.searching()) {
      const uint64_t j = grid_.next();
      if (j < opened_ && grid_.to(j) <= invoke_s) {
        const Counts& at = open_.front();
        bool holds = true;
        for (int kind = 0; kind < 2; ++kind)
          holds = holds && ratio_holds(counts.all[kind] - at.all[kind], counts.ok[kind] - at.ok[kind], threshold_);
        open_.pop_front();
        grid_.decide(holds);
      } else if (grid_.from(opened_) <= invoke_s) {
        open_.push_back(counts);
        ++opened_;
      } else {
        break;
      }
    }
    if (!grid_.searching()) open_.clear();
  }

 private:
  RecoveryGrid grid_;
  double threshold_;
  uint64_t opened_ = 0;     // windows 0 .. opened_ - 1 have started
  std::deque<Counts> open_;  // counts at the start of windows grid_.next() .. opened_ - 1
};

// Client recovery after one fault start.
struct StartRecovery {
  double start = 0;
  bool closed = false;            // the interval has ended: only successes of waiting clients matter
  uint64_t waiting = 0;           // clients still owing a success after the interval closed
  std::vector<double> recovery;   // recovery times settled so far
  std::optional<ClientRecovery> result;  // once closed and nobody waits
};

class FaultsFamily final : public StreamFamily {
 public:
  explicit FaultsFamily(const MetricsConfig& config) : config_(config) {}
  Family family() const override { return Family::Faults; }
  void begin(const History& names) override { duration_ = names.duration_s; }
  void op(const OpRecord& op, const History& live) override;
  void finish(const History& history, RunMetrics& m) override;

 private:
  void take_fault_events(const History& history);
  void reach_start(double start);
  void close_interval();
  void settle(StartRecovery& r);

  MetricsConfig config_;
  double duration_ = 0;
  size_t fault_events_ = 0;        // History::faults taken so far
  std::set<uint32_t> started_;     // faults whose first start has been taken
  bool any_op_ = false;
  double last_invoke_s_ = 0;
  Counts counts_;
  std::map<double, RtoSearch> searches_;  // by fault start
  std::vector<RtoSearch*> active_;        // ... those still searching
  std::set<double> unreached_;            // fault starts no op has been invoked at or after yet
  std::map<double, StartRecovery> recovery_;  // by fault start reached
  StartRecovery* collecting_ = nullptr;       // the one whose interval is open
  struct ClientState {
    uint32_t client;
    bool waiting;  // failed, no success since
    double recovery_s;
  };
  std::vector<ClientState> impacted_;   // of the open interval
  std::vector<int64_t> slot_;           // client -> index in impacted_, or -1
  std::vector<std::vector<StartRecovery*>> owed_;  // client -> closed intervals awaiting its first success
};

void FaultsFamily::take_fault_events(const History& history) {
  for (; fault_events_ < history.faults.size(); ++fault_events_) {
    const FaultEvent& e = history.faults[fault_events_];
    if (e.what != FaultEventKind::Start || !started_.insert(e.fault).second) continue;
    if (any_op_ && !(e.t > last_invoke_s_))
      throw std::logic_error("streaming faults: fault " + std::to_string(e.fault) +
                             " started at or before an operation already counted");
    if (searches_.count(e.t) == 0) {
      RtoSearch& s = searches_.emplace(e.t, RtoSearch(config_, e.t, duration_)).first->second;
      if (s.searching()) active_.push_back(&s);
    }
    unreached_.insert(e.t);
  }
}

void FaultsFamily::settle(StartRecovery& r) {
  r.result = summarize_client_recovery(r.recovery);
  r.recovery = {};
}

void FaultsFamily::close_interval() {
  if (!collecting_) return;
  StartRecovery& r = *collecting_;
  for (const ClientState& c : impacted_) {
    slot_[c.client] = -1;
    if (!c.waiting) {
      r.recovery.push_back(c.recovery_s);
    } else {
      ++r.waiting;
      if (c.client >= owed_.size()) owed_.resize(c.client + size_t{1});
      owed_[c.client].push_back(&r);
    }
  }
  impacted_.clear();
  r.closed = true;
  collecting_ = nullptr;
  if (r.waiting == 0) settle(r);
}

void FaultsFamily::reach_start(double start) {
  close_interval();
  collecting_ = &recovery_[start];
  collecting_->start = start;
}

void FaultsFamily::op(const OpRecord& op, const History& live) {
  take_fault_events(live);
  const double x = op.invoke_s;
  while (!unreached_.empty() && *unreached_.begin() <= x) {
    reach_start(*unreached_.begin());
    unreached_.erase(unreached_.begin());
  }
  if (x >= duration_) close_interval();

  for (size_t i = 0; i < active_.size();) {
    active_[i]->advance(x, counts_);
    if (active_[i]->searching()) {
      ++i;
    } else {
      active_[i] = active_.back();
      active_.pop_back();
    }
  }
  const int kind = op.kind == OpKind::Write ? 1 : 0;
  ++counts_.all[kind];
  counts_.ok[kind] += op.ok();

  if (op.ok() && op.client < owed_.size() && !owed_[op.client].empty()) {
    for (StartRecovery* r : owed_[op.client]) {
      r->recovery.push_back(x - r->start);
      if (--r->waiting == 0) settle(*r);
    }
    owed_[op.client].clear();
    owed_[op.client].shrink_to_fit();
  }
  if (collecting_) {
    if (op.client >= slot_.size()) slot_.resize(op.client + size_t{1}, -1);
    int64_t& slot = slot_[op.client];
    if (!op.ok()) {
      if (slot < 0) {
        slot = static_cast<int64_t>(impacted_.size());
        impacted_.push_back({op.client, true, 0});
      }
      impacted_[static_cast<size_t>(slot)].waiting = true;
    } else if (slot >= 0 && impacted_[static_cast<size_t>(slot)].waiting) {
      impacted_[static_cast<size_t>(slot)] = {op.client, false, x - collecting_->start};
    }
  }
  any_op_ = true;
  last_invoke_s_ = x;
}

void FaultsFamily::finish(const History& history, RunMetrics& m) {
  take_fault_events(history);
  close_interval();
  for (RtoSearch* s : active_) s->advance(kInfinity, counts_);
  active_.clear();
  for (auto& [start, r] : recovery_) {
    if (r.result) continue;
    r.recovery.insert(r.recovery.end(), r.waiting, kInfinity);  // never succeeded after their last failure
    settle(r);
  }
  owed_.clear();
  FaultStats stats = fault_stats(
      history, m.writes.lost_write_ack_s,
      [&](double start) {
        const auto it = searches_.find(start);
        if (it == searches_.end()) throw std::logic_error("streaming faults: a fault start was never taken");
        return it->second.rto();
      },
      [&](double start, double until) {
        (void)until;  // the interval the stream saw ended at the first later start reached, or the run's end
        const auto it = recovery_.find(start);
        if (it != recovery_.end()) return *it->second.result;
        std::vector<double> none;  // no operation was invoked at or after the start
        return summarize_client_recovery(none);
      });
  m.faults = std::move(stats.faults);
  m.lost_writes_unattributed = stats.lost_writes_unattributed;
}

}  // namespace

std::unique_ptr<StreamFamily> make_faults_family(const MetricsConfig& config) {
  return std::make_unique<FaultsFamily>(config);
}

}  // namespace mrsim
