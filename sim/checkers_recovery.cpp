// Recovery checkers: per fault, RTO with its breakdown and per-client recovery, and RPO (docs/metrics.md).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "sim/checkers_recovery.h"

namespace mrsim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Grid arithmetic (RTO) compares sums of user-given decimals such as 0.1; a femtosecond of slack keeps
// "T + stable + window <= duration" from failing on representation error alone.
constexpr double kTimeSlack = 1e-9;

// Sorted invoke times of one op kind, all ops and successful ops: window counts become two binary searches.
struct InvokeTimes {
  std::vector<double> all, ok;
  static uint64_t count_in(const std::vector<double>& v, double from, double to) {
    return static_cast<uint64_t>(std::lower_bound(v.begin(), v.end(), to) - std::lower_bound(v.begin(), v.end(), from));
  }
};

}  // namespace

// The roles the run starts with are recorded at t = 0 but are not changes: a node's first record only sets what
// "previous" means.
std::vector<RoleChange> promotions(const History& history) {
  std::map<int16_t, Role> previous;
  std::vector<RoleChange> out;
  if (history.topology != "single-primary") return out;  // every node takes writes; one coming back is no promotion
  for (const RoleChange& r : history.roles) {
    const auto it = previous.find(r.node);
    if (it != previous.end() && it->second != Role::Primary && r.role == Role::Primary) out.push_back(r);
    previous[r.node] = r.role;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Faults: RTO, its breakdown, per-client recovery, RPO

namespace {

struct FaultWindow {
  uint32_t index = 0;
  std::string kind, description;
  double start_s = 0;
  std::optional<double> end_s;
  double effective_end() const { return end_s ? *end_s : kInfinity; }
};

// Faults from their start/end events, ordered by (start, index).
std::vector<FaultWindow> fault_windows(const History& history) {
  std::map<uint32_t, FaultWindow> by_index;
  std::set<uint32_t> started;
  for (const FaultEvent& e : history.faults) {
    FaultWindow& w = by_index[e.fault];
    w.index = e.fault;
    if (w.kind.empty()) w.kind = e.kind;
    if (w.description.empty()) w.description = e.description;
    if (e.what == FaultEventKind::Start) {
      if (started.insert(e.fault).second) w.start_s = e.t;
    } else {
      w.end_s = e.t;  // a flapping fault starts and ends many times: it spans its first start to its last end
    }
  }
  std::vector<FaultWindow> windows;
  for (auto& [index, w] : by_index) windows.push_back(std::move(w));
  std::stable_sort(windows.begin(), windows.end(),
                   [](const FaultWindow& a, const FaultWindow& b) { return a.start_s < b.start_s; });
  return windows;
}

bool window_holds(const InvokeTimes& times, double from, double to, double threshold) {
  return ratio_holds(InvokeTimes::count_in(times.all, from, to), InvokeTimes::count_in(times.ok, from, to), threshold);
}

std::optional<double> recovery_time(const InvokeTimes (&times)[2], const MetricsConfig& config, double start,
                                    double duration) {
  RecoveryGrid grid(config, start, duration);
  while (grid.searching()) {
    const uint64_t j = grid.next();
    grid.decide(window_holds(times[0], grid.from(j), grid.to(j), config.threshold) &&
                window_holds(times[1], grid.from(j), grid.to(j), config.threshold));
  }
  return grid.rto();
}

std::vector<double> promotion_times(const History& history) {
  std::vector<double> times;
  for (const RoleChange& r : promotions(history)) times.push_back(r.t);
  return times;
}

// Times at which a DNS record starts being served with an answer other than its previous one (a record's first
// entry is its initial definition, not a change), and at which the global load balancer moves a point of
// presence's requests to another backend (models/global_lb.h): both move where clients' requests go.
std::vector<double> routing_change_times(const History& history) {
  std::map<std::string, uint8_t> previous;
  std::vector<double> times;
  for (const DnsChange& d : history.dns) {
    const auto it = previous.find(d.record);
    if (it != previous.end() && (it->second != d.answer_region || d.reweighted)) times.push_back(d.t);
    previous[d.record] = d.answer_region;
  }
  for (const ControllerDecision& d : history.decisions)
    if (d.action == "lb_reroute") times.push_back(d.t);
  return times;
}

std::optional<double> first_time_at_or_after(const std::vector<double>& times, double start) {
  std::optional<double> first;
  for (double t : times)
    if (t >= start && (!first || t < *first)) first = t;
  if (first) return *first - start;
  return std::nullopt;
}

// Per-client op lists (op indices, invoke order), compressed: ops of client c are
// ops_by_client[offset[c] .. offset[c + 1]).
struct ClientOps {
  std::vector<uint32_t> offset, ops_by_client;
  explicit ClientOps(const History& history) {
    uint32_t clients = 0;
    for (const OpRecord& op : history.ops) clients = std::max(clients, op.client + 1);
    offset.assign(static_cast<size_t>(clients) + 1, 0);
    for (const OpRecord& op : history.ops) ++offset[op.client + 1];
    for (size_t c = 0; c < clients; ++c) offset[c + 1] += offset[c];
    ops_by_client.resize(history.ops.size());
    std::vector<uint32_t> fill(offset.begin(), offset.end() - 1);
    for (size_t i = 0; i < history.ops.size(); ++i) ops_by_client[fill[history.ops[i].client]++] = static_cast<uint32_t>(i);
  }
};

ClientRecovery client_recovery(const History& history, const ClientOps& by_client, double start, double until) {
  // Ops are sorted by invoke time, so the ops invoked in [start, until) are one index range.
  auto by_invoke = [](const OpRecord& op, double t) { return op.invoke_s < t; };
  size_t lo = static_cast<size_t>(std::lower_bound(history.ops.begin(), history.ops.end(), start, by_invoke) -
                                  history.ops.begin());
  size_t hi = static_cast<size_t>(std::lower_bound(history.ops.begin(), history.ops.end(), until, by_invoke) -
                                  history.ops.begin());
  std::map<uint32_t, uint32_t> last_failure;  // client -> op index
  for (size_t i = lo; i < hi; ++i) {
    if (!history.ops[i].ok()) last_failure[history.ops[i].client] = static_cast<uint32_t>(i);
  }
  std::vector<double> recovery;
  for (const auto& [client, failed] : last_failure) {
    auto begin = by_client.ops_by_client.begin() + by_client.offset[client];
    auto end = by_client.ops_by_client.begin() + by_client.offset[client + 1];
    double value = kInfinity;
    for (auto it = std::upper_bound(begin, end, failed); it != end; ++it) {
      if (history.ops[*it].ok()) {
        value = history.ops[*it].invoke_s - start;
        break;
      }
    }
    recovery.push_back(value);
  }
  return summarize_client_recovery(recovery);
}

}  // namespace

bool ratio_holds(uint64_t total, uint64_t ok, double threshold) {
  if (total == 0) return true;
  return static_cast<double>(ok) / static_cast<double>(total) >= threshold;
}

RecoveryGrid::RecoveryGrid(const MetricsConfig& config, double start, double duration)
    : start_(start), step_(config.step_s), window_(config.window_s) {
  if (!(config.step_s > 0) || !(config.window_s > 0)) return;
  const double latest_start = duration - config.stable_s - config.window_s + kTimeSlack;
  if (start > latest_start) return;
  last_candidate_ = static_cast<uint64_t>(std::floor((latest_start - start) / config.step_s));
  stable_steps_ = static_cast<uint64_t>(std::floor(config.stable_s / config.step_s + kTimeSlack));
  searching_ = true;
}

// The first grid time ending a run of stable_steps + 1 that hold; grid times past last_candidate + stable_steps
// cannot end one whose first time is a candidate.
void RecoveryGrid::decide(bool holds) {
  run_ = holds ? run_ + 1 : 0;
  if (run_ >= stable_steps_ + 1 && next_ - stable_steps_ <= last_candidate_) {
    rto_ = static_cast<double>(next_ - stable_steps_) * step_;
    searching_ = false;
    return;
  }
  if (++next_ > last_candidate_ + stable_steps_) searching_ = false;
}

ClientRecovery summarize_client_recovery(std::vector<double>& recovery) {
  ClientRecovery result;
  result.impacted_clients = recovery.size();
  if (recovery.empty()) {
    result.p50_s = result.p99_s = result.max_s = 0.0;
    return result;
  }
  std::sort(recovery.begin(), recovery.end());
  const auto first_unrecovered = std::lower_bound(recovery.begin(), recovery.end(), kInfinity);
  result.not_recovered = static_cast<uint64_t>(recovery.end() - first_unrecovered);
  auto finite = [](double v) -> std::optional<double> {
    if (v == kInfinity) return std::nullopt;
    return v;
  };
  result.p50_s = finite(percentile_nearest_rank(recovery, 50));
  result.p99_s = finite(percentile_nearest_rank(recovery, 99));
  result.max_s = finite(recovery.back());
  return result;
}

FaultStats fault_stats(const History& history, const std::vector<double>& lost_write_ack_s,
                       const std::function<std::optional<double>(double start)>& rto,
                       const std::function<ClientRecovery(double start, double until)>& clients) {
  std::vector<FaultWindow> windows = fault_windows(history);
  FaultStats stats;

  std::vector<double> detections, decisions;
  for (const HealthVerdict& v : history.health)
    if (!v.healthy) detections.push_back(v.t);
  for (const ControllerDecision& d : history.decisions)
    if (d.action == "failover_start") decisions.push_back(d.t);
  const std::vector<double> promotions = promotion_times(history), routing_changes = routing_change_times(history);

  std::vector<FaultMetrics> metrics(windows.size());
  for (size_t f = 0; f < windows.size(); ++f) {
    const FaultWindow& w = windows[f];
    FaultMetrics& m = metrics[f];
    m.index = w.index;
    m.kind = w.kind;
    m.description = w.description;
    m.start_s = w.start_s;
    m.end_s = w.end_s;
    m.rto_s = rto(w.start_s);
    m.recovered = m.rto_s.has_value();
    m.detection_s = first_time_at_or_after(detections, w.start_s);
    m.decision_s = first_time_at_or_after(decisions, w.start_s);
    m.promotion_s = first_time_at_or_after(promotions, w.start_s);
    m.routing_s = first_time_at_or_after(routing_changes, w.start_s);
    double until = history.duration_s;
    for (size_t g = f + 1; g < windows.size(); ++g) {
      if (windows[g].start_s > w.start_s) {
        until = std::min(until, windows[g].start_s);
        break;
      }
    }
    m.client_recovery = clients(w.start_s, until);
  }

  // RPO: a lost write belongs to the first fault (by start) still active after its ack. Ends are not monotone in
  // start order (nested faults), but their running maximum is, so "first fault with end > ack" is a binary search.
  std::vector<double> running_end(windows.size());
  for (size_t f = 0; f < windows.size(); ++f) {
    running_end[f] = f == 0 ? windows[f].effective_end() : std::max(running_end[f - 1], windows[f].effective_end());
  }
  std::vector<std::optional<double>> oldest_lost(windows.size());
  for (double ack : lost_write_ack_s) {
    size_t f = static_cast<size_t>(std::upper_bound(running_end.begin(), running_end.end(), ack) - running_end.begin());
    if (f == windows.size()) {
      ++stats.lost_writes_unattributed;
    } else if (ack < windows[f].start_s) {
      ++metrics[f].lost_writes;
      if (!oldest_lost[f] || ack < *oldest_lost[f]) oldest_lost[f] = ack;
    } else {
      ++metrics[f].lost_writes_after_fault;
    }
  }
  for (size_t f = 0; f < windows.size(); ++f) {
    if (oldest_lost[f]) metrics[f].data_loss_window_s = windows[f].start_s - *oldest_lost[f];
  }

  std::stable_sort(metrics.begin(), metrics.end(),
                   [](const FaultMetrics& a, const FaultMetrics& b) { return a.index < b.index; });
  stats.faults = std::move(metrics);
  return stats;
}

FaultStats check_faults(const History& history, const MetricsConfig& config,
                        const std::vector<double>& lost_write_ack_s) {
  InvokeTimes times[2];
  for (const OpRecord& op : history.ops) {
    InvokeTimes& t = times[op.kind == OpKind::Write ? 1 : 0];
    t.all.push_back(op.invoke_s);
    if (op.ok()) t.ok.push_back(op.invoke_s);
  }
  for (InvokeTimes& t : times) {
    std::sort(t.all.begin(), t.all.end());
    std::sort(t.ok.begin(), t.ok.end());
  }
  ClientOps by_client(history);
  return fault_stats(
      history, lost_write_ack_s,
      [&](double start) { return recovery_time(times, config, start, history.duration_s); },
      [&](double start, double until) { return client_recovery(history, by_client, start, until); });
}

FaultStats check_faults(const History& history, const MetricsConfig& config) {
  return check_faults(history, config, check_write_safety(history).lost_write_ack_s);
}

}  // namespace mrsim
