#include "sim/markov.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>

#include "sim/scenario_loader.h"

namespace mrsim {

Ctmc::Ctmc(int states) : n_(states), rates_(size_t(states) * size_t(states), 0.0) {
  if (states < 1) throw std::invalid_argument("Ctmc: at least one state");
}

void Ctmc::add_rate(int from, int to, double rate) {
  if (from < 0 || from >= n_ || to < 0 || to >= n_ || from == to) throw std::invalid_argument("Ctmc::add_rate: state");
  if (!(rate > 0) || !std::isfinite(rate)) throw std::invalid_argument("Ctmc::add_rate: rate must be > 0 and finite");
  rates_[size_t(from) * size_t(n_) + size_t(to)] += rate;
}

std::vector<double> Ctmc::generator() const {
  std::vector<double> q = rates_;
  for (int i = 0; i < n_; ++i) {
    double out = 0;
    for (int j = 0; j < n_; ++j) out += rates_[size_t(i) * size_t(n_) + size_t(j)];
    q[size_t(i) * size_t(n_) + size_t(i)] = -out;
  }
  return q;
}

Ctmc::Solution Ctmc::steady_state() const {
  const std::vector<double> q = generator();
  // pi Q = 0 is Q^T pi^T = 0; its rows are dependent (every row of Q sums to 0), so the last one gives way to
  // sum pi = 1.
  Eigen::MatrixXd a(n_, n_);
  for (int i = 0; i < n_; ++i)
    for (int j = 0; j < n_; ++j) a(j, i) = q[size_t(i) * size_t(n_) + size_t(j)];
  a.row(n_ - 1).setOnes();
  Eigen::VectorXd b = Eigen::VectorXd::Zero(n_);
  b(n_ - 1) = 1;
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(a);
  if (!lu.isInvertible())  // an irreducible chain's system is regular; a singular one has no unique steady state
    throw std::runtime_error("Markov chain: singular balance equations (rank " + std::to_string(lu.rank()) + " of " +
                             std::to_string(n_) + "): the chain is reducible");
  const Eigen::VectorXd x = lu.solve(b);

  Solution s;
  s.pi.assign(x.data(), x.data() + n_);
  double scale = 0, sum = 0;
  for (int i = 0; i < n_; ++i) scale = std::max(scale, std::abs(q[size_t(i) * size_t(n_) + size_t(i)]));
  for (double p : s.pi) sum += p;
  double worst = std::abs(sum - 1);
  for (int j = 0; j < n_; ++j) {
    double flow = 0;
    for (int i = 0; i < n_; ++i) flow += s.pi[size_t(i)] * q[size_t(i) * size_t(n_) + size_t(j)];
    worst = std::max(worst, scale > 0 ? std::abs(flow) / scale : std::abs(flow));
  }
  for (double p : s.pi) worst = std::max(worst, -p);  // a probability below 0 is a failed solve too
  s.residual = worst;
  if (!(worst <= 1e-9))
    throw std::runtime_error("Markov chain: the steady state's residual is " + std::to_string(worst) +
                             " (above 1e-9): the chain is reducible or too stiff");
  return s;
}

double nines(double availability) {
  return availability >= 1 ? std::numeric_limits<double>::infinity() : -std::log10(1 - availability);
}

double downtime_minutes_per_year(double availability) { return (1 - availability) * 365.25 * 24 * 60; }

namespace {

// One component that fails and is repaired: a region (all of it) or one database node.
struct Component {
  std::string name;
  ComponentKind kind;
  int region = -1;  // region: that region; node: the node's region
  double fail_rate = 0, repair_rate = 0;
};

[[noreturn]] void refuse(const Scenario& s, const std::string& what) {
  throw InputError(s.source_path + ": availability: " + what);
}

double rate_of(const Scenario& s, const DelayDistribution& d, const std::string& what) {
  const double mean = d.mean();
  if (!(mean > 0) || !std::isfinite(mean))
    refuse(s, what + " has mean " + std::to_string(mean) + " s: the chain needs a finite mean above 0");
  return 1 / mean;
}

std::vector<Component> components_of(const Scenario& s) {
  std::vector<Component> out;
  for (size_t k = 0; k < s.faults_random.classes.size(); ++k) {
    const RandomFaultClass& c = s.faults_random.classes[k];
    static const char* const kClass[] = {"regions", "links", "nodes", "dns"};
    const std::string at = std::string("/faults_random/") + kClass[size_t(c.kind)];
    if (c.kind == ComponentKind::Link)
      refuse(s, at + ": link failures are not modelled by the chain (it covers region and node failures)");
    if (c.kind == ComponentKind::Dns)
      refuse(s, at + ": DNS outages are not modelled by the chain (it covers region and node failures)");
    std::vector<std::string> targets = c.targets;
    if (targets.empty() && c.kind == ComponentKind::Region)  // the loader fills them in; "every region" otherwise
      for (const auto& r : s.regions) targets.push_back(r.name);
    const double fail = rate_of(s, c.between_failures, at + "/between_failures");
    const double repair = rate_of(s, c.to_repair, at + "/to_repair");
    for (const auto& t : targets) {
      const std::string region = c.kind == ComponentKind::Node && t.rfind("db-", 0) == 0 ? t.substr(3) : t;
      const int r = s.region_index(region);
      if (r < 0) refuse(s, at + ": no region for the target \"" + t + "\"");
      out.push_back({t, c.kind, r, fail, repair});
    }
  }
  if (out.size() > 16) refuse(s, std::to_string(out.size()) + " failing components: the chain takes at most 16");
  return out;
}

// The state of the chain: which components are down, who leads (the primary or the leaseholder; -1: none), and
// for each client region with a database node of its own whether the router has sent its clients elsewhere.
struct State {
  uint32_t down = 0;
  int leader = 0;
  uint32_t rerouted = 0;
  bool operator<(const State& o) const {
    return std::tie(down, leader, rerouted) < std::tie(o.down, o.leader, o.rerouted);
  }
};

// Round trip between two regions' monitor/database hosts: the link latency both ways plus a LAN hop at each end.
double round_trip_s(const Scenario& s, int a, int b) {
  double lan = s.regions[size_t(a)].lan_latency_s + s.regions[size_t(b)].lan_latency_s;
  if (a == b) return 2 * lan;
  for (const auto& l : s.links)
    if ((l.a == s.regions[size_t(a)].name && l.b == s.regions[size_t(b)].name) ||
        (l.b == s.regions[size_t(a)].name && l.a == s.regions[size_t(b)].name))
      return 2 * (l.latency_s + lan);
  return 2 * lan;
}

// How long after a node is lost the controller acts on it: probes every `interval` at a phase uniform over one
// interval, `failure_threshold` of them must fail, and the last one fails at its timeout.
double detection_s(const HealthCheckConfig& h) {
  return h.interval_s / 2 + (h.failure_threshold - 1) * h.interval_s + h.timeout_s;
}

// How long after the authoritative DNS changes the last of a client region's failing ops is invoked, plus the
// retries' span (which the episode correction takes off again): the change reaches every authoritative server
// after `update_delay`; then each of the region's N resolvers keeps the old answer for what is left of its TTL. A
// resolver is queried by its clients' ops at q per second (the region's `rate_per_s` of the record's kind over N),
// and by their retries too while they fail: it holds an answer at a random time with probability
// p = TTL / (TTL + 1 / (attempts q)), for a remaining time R uniform over [0, TTL). An op whose last attempt finds
// the old answer fails; the last such op through a resolver is invoked G ~ Exp(q) before R (less the span). The
// region's last failing op is the largest R - G over its N resolvers, whose mean is integrated numerically from
//   P(R - G <= x) = (1 - p) + p (x / TTL + (1 - exp(-q (TTL - x))) / (q TTL)),  0 <= x <= TTL.
// A stale fraction adds its extra time.
double dns_change_s(const RoutingConfig& r, double queries_per_s, double attempts) {
  const double n = std::max<uint32_t>(r.resolvers_per_region, 1);
  const double q = queries_per_s / n, ttl = r.ttl_s;
  double last = 0;
  if (q > 0 && ttl > 0) {
    const double p = ttl / (ttl + 1 / (attempts * q));
    constexpr int kSteps = 2000;  // midpoint rule; the integrand is smooth and bounded by 1
    for (int i = 0; i < kSteps; ++i) {
      const double x = (i + 0.5) * ttl / kSteps;
      const double below = (1 - p) + p * (x / ttl + (1 - std::exp(-q * (ttl - x))) / (q * ttl));
      last += (1 - std::pow(below, n)) * ttl / kSteps;
    }
  }
  if (r.stale_fraction > 0) last += r.stale_extra_s;
  return r.update_delay_s + last;
}

}  // namespace

AvailabilityModel model_availability(const Scenario& s) {
  if (!s.faults_random.any())
    refuse(s, "the scenario has no faults_random: the chain models random component failures, add a "
              "faults_random block");
  const std::vector<Component> comps = components_of(s);
  const int regions = int(s.regions.size());
  const bool consensus = s.database.topology == Topology::Consensus;
  if (s.database.topology != Topology::SinglePrimary && !consensus)
    refuse(s, std::string("database.topology \"") +
                  (s.database.topology == Topology::MultiPrimary ? "multi-primary" : "leaderless") +
                  "\" is not modelled (the chain covers single-primary with automatic or no failover, and consensus)");
  if (s.routing.kind != "dns")
    refuse(s, "routing.kind \"" + s.routing.kind + "\" is not modelled (the chain covers DNS routing)");
  if (!s.routing.resolvers.empty() || s.routing.client_cache.fraction > 0)
    refuse(s, "TTL-stretching resolver populations (routing.resolvers) and client caches (routing.client_cache) are "
              "not modelled");
  if (s.routing.writes != WriteRouting::Primary && !consensus)
    refuse(s, "routing.writes other than \"primary\" is not modelled for single-primary");
  const bool automatic = s.failover.policy == FailoverPolicy::Automatic;
  if (!automatic && s.failover.policy != FailoverPolicy::None)
    refuse(s, "failover.policy other than \"automatic\" or \"none\" is not modelled");
  if (consensus && s.database.follower_read_staleness_s > 0)
    refuse(s, "consensus follower reads (database.consensus.follower_read_staleness > 0) are not modelled");

  // Database nodes, as sim/stores.cpp builds them: single-primary in region order, consensus in `database.regions`.
  std::vector<int> node_region;
  int initial_leader = 0;
  if (consensus) {
    for (const auto& name : s.database.regions) {
      if (name == s.database.leaseholder) initial_leader = int(node_region.size());
      node_region.push_back(s.region_index(name));
    }
  } else {
    for (int r = 0; r < regions; ++r) {
      const std::string& name = s.regions[size_t(r)].name;
      bool is_node = name == s.database.primary;
      if (is_node) initial_leader = int(node_region.size());
      for (const auto& rep : s.database.replicas) is_node = is_node || rep.region == name;
      if (is_node) node_region.push_back(r);
    }
  }
  const int nodes = int(node_region.size());
  auto node_in_region = [&](int r) {
    for (int n = 0; n < nodes; ++n)
      if (node_region[size_t(n)] == r) return n;
    return -1;
  };
  for (const auto& c : comps)
    if (c.kind == ComponentKind::Node && node_in_region(c.region) < 0)
      refuse(s, "faults_random names " + c.name + ", which is not a database node of this design");

  // Client regions and their weights (offered load), and what their ops need.
  std::vector<double> load(size_t(regions), 0.0);
  bool reads = false, writes = false;
  for (const auto& g : s.clients) {
    load[size_t(s.region_index(g.region))] += g.rate_per_s;
    reads = reads || g.read_fraction > 0;
    writes = writes || g.read_fraction < 1;
  }
  const int controller = s.region_index(s.health_check.from);

  AvailabilityModel m;
  m.design = consensus ? "consensus" : automatic ? "single-primary, automatic failover" : "single-primary, no failover";
  // Each client region's reads query its read record, and its writes the write record: their mean rates over the
  // client regions stand for every region's.
  double read_rate = 0, write_rate = 0, client_regions = 0, attempts = 1;
  for (int r = 0; r < regions; ++r) client_regions += load[size_t(r)] > 0 ? 1 : 0;
  for (const auto& g : s.clients) {
    read_rate += g.rate_per_s * g.read_fraction / client_regions;
    write_rate += g.rate_per_s * (1 - g.read_fraction) / client_regions;
    attempts = std::max(attempts, 1.0 + g.max_retries);
  }
  m.reroute_s = automatic ? detection_s(s.health_check) + dns_change_s(s.routing, read_rate, attempts) : 0;
  if (consensus) {
    // The followers' timeouts are uniform in [T, 2T): the first of k runs out at T + T / (k + 1) on average; the
    // winner needs one round trip of votes; after a leader's loss it also waits out the old lease.
    const double t = s.database.election_timeout_s, k = double(nodes - 1);
    double votes = 0;
    for (int a = 0; a < nodes; ++a)
      for (int b = 0; b < nodes; ++b) votes = std::max(votes, a == b ? 0.0 : round_trip_s(s, node_region[a], node_region[b]));
    const double election = t + t / (k + 1) + votes;
    m.election_s = std::max(election, s.database.lease_duration_s);
    m.election_after_majority_s = election;
  } else if (automatic) {
    // Detection, then the controller asks each replica for its position and promotes the most advanced one
    // (promotion_time plus the round trips), then the write record changes in DNS.
    // (Round trips from the initial primary's replicas stand for every later failover's: a tenth of a second.)
    double calls = s.failover.promotion_s, rtt_sum = 0;
    for (int n = 0; n < nodes; ++n)
      if (n != initial_leader) rtt_sum += round_trip_s(s, controller, node_region[size_t(n)]);
    calls += rtt_sum + (nodes > 1 ? rtt_sum / (nodes - 1) : 0);  // a status call to each, then the promote call
    m.failover_s = detection_s(s.health_check) + calls + dns_change_s(s.routing, write_rate, attempts);
  }

  auto region_up = [&](const State& st, int r) {
    for (size_t c = 0; c < comps.size(); ++c)
      if (comps[c].kind == ComponentKind::Region && comps[c].region == r && ((st.down >> c) & 1u)) return false;
    return true;
  };
  auto node_up = [&](const State& st, int n) {
    if (n < 0) return false;
    const int r = node_region[size_t(n)];
    for (size_t c = 0; c < comps.size(); ++c)
      if (comps[c].region == r && ((st.down >> c) & 1u)) return false;  // the region, or the node itself
    return true;
  };
  auto majority = [&](const State& st) {
    int up = 0;
    for (int n = 0; n < nodes; ++n) up += node_up(st, n) ? 1 : 0;
    return 2 * up > nodes;
  };
  // Instantaneous rules: a returned local node takes its clients back (they could be served either way); a range
  // without a majority has no leader.
  auto normalize = [&](State st) {
    for (int r = 0; r < regions; ++r)
      if (((st.rerouted >> r) & 1u) && node_up(st, node_in_region(r))) st.rerouted &= ~(1u << r);
    if (consensus && !majority(st)) st.leader = -1;
    return st;
  };
  // The failover's choice: the replica whose stream from the primary is shortest (the least lagged under async
  // replication), ties to the lower node index.
  auto candidate = [&](const State& st) {
    int best = -1;
    for (int n = 0; n < nodes; ++n) {
      if (n == st.leader || !node_up(st, n)) continue;
      if (best < 0 || round_trip_s(s, node_region[size_t(st.leader)], node_region[size_t(n)]) <
                          round_trip_s(s, node_region[size_t(st.leader)], node_region[size_t(best)]))
        best = n;
    }
    return best;
  };
  auto transitions = [&](const State& st, const std::function<void(State, double)>& to) {
    for (size_t c = 0; c < comps.size(); ++c) {
      State next = st;
      next.down ^= 1u << c;
      to(normalize(next), ((st.down >> c) & 1u) ? comps[c].repair_rate : comps[c].fail_rate);
    }
    const bool control = automatic && region_up(st, controller);
    if (control)
      for (int r = 0; r < regions; ++r) {
        const int local = node_in_region(r);
        if (local < 0 || load[size_t(r)] <= 0 || ((st.rerouted >> r) & 1u) || node_up(st, local)) continue;
        State next = st;
        next.rerouted |= 1u << r;
        to(normalize(next), 1 / m.reroute_s);
      }
    if (consensus) {
      if (!majority(st) || (st.leader >= 0 && node_up(st, st.leader))) return;
      std::vector<int> voters;
      for (int n = 0; n < nodes; ++n)
        if (node_up(st, n)) voters.push_back(n);
      const double rate = 1 / (st.leader >= 0 ? m.election_s : m.election_after_majority_s) / double(voters.size());
      for (int n : voters) {
        State next = st;
        next.leader = n;
        to(normalize(next), rate);
      }
    } else if (control && !node_up(st, st.leader)) {
      const int best = candidate(st);
      if (best < 0) return;
      State next = st;
      next.leader = best;
      // The controller pointed the lost primary's region's read record at the primary when it judged it down, and
      // moves it with the write record: its clients are back with everyone's writes, not a reroute later.
      const int old_region = node_region[size_t(st.leader)];
      if (load[size_t(old_region)] > 0) next.rerouted |= 1u << old_region;
      to(normalize(next), 1 / m.failover_s);
    }
  };
  auto served = [&](const State& st, int r) {
    const bool leader_ok = st.leader >= 0 && node_up(st, st.leader);
    const int local = node_in_region(r);
    const bool local_ok = node_up(st, local);
    // A region without a node of its own is sent to the nearest serving one from the start.
    if (consensus) return leader_ok && (local < 0 || local_ok || ((st.rerouted >> r) & 1u));
    const bool reads_ok = local_ok || (leader_ok && (local < 0 || ((st.rerouted >> r) & 1u)));
    return (!reads || reads_ok) && (!writes || leader_ok);
  };

  // Enumerate the reachable states breadth first from the initial one.
  std::map<State, int> index;
  std::vector<State> states;
  std::vector<std::pair<std::pair<int, int>, double>> edges;
  State start;
  start.leader = initial_leader;
  start = normalize(start);
  index[start] = 0;
  states.push_back(start);
  for (size_t i = 0; i < states.size(); ++i) {
    const State st = states[i];
    transitions(st, [&](State next, double rate) {
      auto it = index.find(next);
      if (it == index.end()) {
        if (int(states.size()) >= kMaxMarkovStates)
          refuse(s, "the chain has more than " + std::to_string(kMaxMarkovStates) +
                        " reachable states: fewer failing components, please");
        it = index.emplace(next, int(states.size())).first;
        states.push_back(next);
      }
      if (it->second != int(i)) edges.push_back({{int(i), it->second}, rate});
    });
  }
  Ctmc chain(int(states.size()));
  for (const auto& e : edges) chain.add_rate(e.first.first, e.first.second, e.second);
  const Ctmc::Solution sol = chain.steady_state();
  m.states = chain.size();
  m.residual = sol.residual;

  // The downtime metric (docs/metrics.md, "Long runs") measures an episode during which a client region cannot be
  // served by the grid windows of length W holding a failed op: an op fails only if its last retry fails too, so the
  // failing ops stop `span` (the retries' timeouts and backoffs) before the episode ends, and the windows that
  // touch an interval of length L cover L + W on average. Each episode therefore measures W - span more than its
  // length; episodes start at the rate at which the chain enters unserved states (the flux out of them).
  const double window = s.metrics.window_s;
  auto retry_span = [&](int r) {  // the shortest among the region's groups (r < 0: every group): its ops fail last
    double best = -1;
    for (const auto& g : s.clients) {
      if (r >= 0 && s.region_index(g.region) != r) continue;
      double span = 0;
      for (uint32_t k = 0; k < g.max_retries; ++k)
        span += g.timeout_s + (g.exponential_backoff ? std::min(g.backoff_cap_s, g.retry_backoff_s * std::pow(2.0, k)) / 2
                                                     : g.retry_backoff_s);
      best = best < 0 ? span : std::min(best, span);
    }
    return std::max(best, 0.0);
  };
  double chain_up = 0;
  auto measured = [&](const std::function<bool(const State&)>& up, int r) {
    double unserved = 0, flux = 0;
    for (size_t i = 0; i < states.size(); ++i)
      if (!up(states[i])) unserved += sol.pi[i];
    for (const auto& e : edges)
      if (!up(states[size_t(e.first.first)]) && up(states[size_t(e.first.second)]))
        flux += sol.pi[size_t(e.first.first)] * e.second;
    m.episodes_per_day = r < 0 ? flux * 86400 : m.episodes_per_day;
    chain_up = 1 - unserved;
    return std::min(1.0, std::max(0.0, 1 - (unserved + flux * (window - retry_span(r)))));
  };
  for (int r = 0; r < regions; ++r) {
    if (load[size_t(r)] <= 0) continue;
    const double a = measured([&](const State& st) { return served(st, r); }, r);
    m.by_region.push_back({s.regions[size_t(r)].name, a, chain_up});
  }
  // Overall: the union, some client region cannot be served.
  m.overall = measured(
      [&](const State& st) {
        for (int r = 0; r < regions; ++r)
          if (load[size_t(r)] > 0 && !served(st, r)) return false;
        return true;
      },
      -1);
  m.overall_chain = chain_up;
  return m;
}

}  // namespace mrsim
