// check_split_brain (sim/checkers_data.cpp) as a stream, for the single-primary store: intervals in which two or more
// nodes hold the primary role (role changes at one instant applied together), and the commits inside them.
//
// Role changes and commits are recorded as they happen, in time order. A commit at t belongs to an interval when the
// roles after every change at or before t show two primaries; a change at t itself may still be recorded after the
// commit, so commits wait until the clock has passed their instant (a later commit or role change), then are kept
// only if they fell inside an interval. What is held is the current instant's commits and the intervals' own.
// Whether a kept commit survives (the final lineage) and was acknowledged (its write's operation, which completes
// after the commit) is judged at the end.
#include <map>
#include <set>
#include <stdexcept>

#include "sim/stream_families.h"

namespace mrsim {
namespace {

class StreamSplitBrain final : public StreamFamily {
 public:
  Family family() const override { return Family::SplitBrain; }

  // A write's commit is recorded before the write completes, so its acknowledgement finds it among the candidates
  // if it is still waiting or was kept.
  void op(const OpRecord& op, const History&) override {
    if (op.kind != OpKind::Write || !op.ok()) return;
    const auto it = candidates_.find(op.version);
    if (it != candidates_.end()) it->second = true;
  }

  void committed(const CommitRecord& c, const History& live) override {
    follow_roles(live.roles, c.t);
    place_waiting_before(c.t);
    waiting_.push_back({c.t, c.node, c.write_id});
    candidates_[c.write_id] = false;
  }

  void finish(const History& history, RunMetrics& m) override {
    follow_roles(history.roles, std::numeric_limits<double>::infinity());
    place_waiting_before(std::numeric_limits<double>::infinity());
    if (open_) intervals_.back().end_s = history.duration_s;  // still two primaries at run end

    SplitBrainStats stats;
    for (const Interval& interval : intervals_) {
      std::map<int16_t, SplitBrainSide> sides;
      for (int16_t node : interval.primaries) sides[node];
      for (const Kept& c : interval.commits) {
        const bool in_lineage = lineage().contains(c.write_id);
        tally_split_brain_commit(sides, c.node, in_lineage, !in_lineage && acked(c.write_id));
      }
      add_split_brain_interval(stats, history, interval.start_s, interval.end_s, interval.ended, std::move(sides));
    }
    m.split_brain = std::move(stats);
  }

 private:
  struct Kept {
    double t;
    int16_t node;
    uint32_t write_id;
  };
  struct Interval {
    double start_s = 0, end_s = 0;
    bool ended = false;
    std::set<int16_t> primaries;
    std::vector<Kept> commits;
  };

  bool acked(uint32_t id) const {
    const auto it = candidates_.find(id);
    return it != candidates_.end() && it->second;
  }

  // Applies the role changes recorded since the last call; the instant of the last one is complete once `now` has
  // passed it (or another instant has begun).
  void follow_roles(const std::vector<RoleChange>& roles, double now) {
    for (; seen_ < roles.size(); ++seen_) {
      const RoleChange& r = roles[seen_];
      if (has_instant_ && r.t < instant_) throw std::logic_error("streaming split brain: role changes out of time order");
      if (has_instant_ && r.t > instant_) close_instant();
      place_waiting_before(r.t);  // made under the roles before this change
      has_instant_ = true;
      instant_ = r.t;
      instant_open_ = true;
      role_[r.node] = r.role;
    }
    if (instant_open_ && now > instant_) close_instant();
  }

  void close_instant() {
    if (!instant_open_) return;
    instant_open_ = false;
    std::set<int16_t> primaries;
    for (const auto& [node, r] : role_)
      if (r == Role::Primary) primaries.insert(node);
    if (primaries.size() >= 2) {
      if (!open_) intervals_.push_back({instant_, 0, false, {}, {}});
      open_ = true;
      intervals_.back().primaries.insert(primaries.begin(), primaries.end());
    } else if (open_) {
      intervals_.back().end_s = instant_;
      intervals_.back().ended = true;
      open_ = false;
    }
  }

  // Commits before `t` were made under the roles as they now stand.
  void place_waiting_before(double t) {
    size_t i = 0;
    for (; i < waiting_.size() && waiting_[i].t < t; ++i)
      if (open_)
        intervals_.back().commits.push_back(waiting_[i]);
      else
        candidates_.erase(waiting_[i].write_id);
    waiting_.erase(waiting_.begin(), waiting_.begin() + std::ptrdiff_t(i));
  }

  std::map<int16_t, Role> role_;
  size_t seen_ = 0;
  bool has_instant_ = false, instant_open_ = false, open_ = false;
  double instant_ = 0;
  std::vector<Interval> intervals_;
  std::vector<Kept> waiting_;  // commits of the current instant
  std::map<uint32_t, bool> candidates_;  // the write ids of waiting and kept commits -> acknowledged
};

}  // namespace

std::unique_ptr<StreamFamily> make_split_brain_family() { return std::make_unique<StreamSplitBrain>(); }

}  // namespace mrsim
