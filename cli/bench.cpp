#include "cli/bench.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/bench_baseline.h"
#include "sim/checkers.h"
#include "sim/footprint.h"
#include "sim/scenario_loader.h"
#include "sim/stream_metrics.h"
#include "sim/units.h"
#include "sim/world.h"

namespace mrsim {

namespace {

constexpr int kExitOk = 0, kExitBadInput = 2, kExitInternal = 3;
constexpr double kDefaultRate = 1000;  // the bench's ops per simulated second; the rate scan's operation budget

std::string bench_scenario_text(const std::string& duration, uint32_t clients, double rate, const std::string& design) {
  // Three regions, the flagship's design and fault, 10,000 clients split evenly.
  nlohmann::json j = nlohmann::json::parse(R"({
    "name": "bench",
    "description": "Benchmark: the flagship design under a fixed load; one region outage in the middle.",
    "seed": 1,
    "regions": [{"name": "us-east-1"}, {"name": "us-west-2"}, {"name": "eu-west-1"}],
    "links": [
      {"between": ["us-east-1", "us-west-2"], "latency": "35ms", "bandwidth": "1Gbps"},
      {"between": ["us-east-1", "eu-west-1"], "latency": "40ms", "bandwidth": "1Gbps"},
      {"between": ["us-west-2", "eu-west-1"], "latency": "70ms", "bandwidth": "1Gbps"}],
    "database": {"primary": "us-east-1", "replicas": ["us-west-2", "eu-west-1"], "keys": 100000},
    "routing": {"ttl": "60s"},
    "health_check": {"from": "us-west-2"}
  })");
  j["duration"] = duration;
  if (design == "multi-primary")
    j["database"] = {{"topology", "multi-primary"}, {"regions", {"us-east-1", "us-west-2", "eu-west-1"}},
                     {"conflict_resolution", "lww"}, {"keys", 100000}};
  else if (design == "consensus")
    // One Raft range with a voting replica per region, the leaseholder in us-east-1 (CockroachDB's defaults:
    // election timeout 3 s, lease 9 s), as scenarios/consensus-region-loss.json.
    j["database"] = {{"topology", "consensus"}, {"regions", {"us-east-1", "us-west-2", "eu-west-1"}},
                     {"leaseholder", "us-east-1"}, {"keys", 100000}};
  else if (design == "leaderless") {
    // Cassandra's QUORUM on three replicas, every message delayed by PBS's LinkedIn SSD write fit.
    const nlohmann::json lnkd = nlohmann::json::parse(R"({"kind": "mixture", "of": [
        {"weight": 0.9122, "kind": "pareto", "x_m": "235us", "alpha": 10},
        {"weight": 0.0878, "kind": "exponential", "mean": "602.4us"}]})");
    j["database"] = {{"topology", "leaderless"}, {"regions", {"us-east-1", "us-west-2", "eu-west-1"}},
                     {"quorum", {{"r", 2}, {"w", 2}}},
                     {"delays", {{"write", lnkd}, {"ack", lnkd}, {"read", lnkd}, {"response", lnkd}}},
                     {"keys", 100000}};
  } else if (design != "single-primary")
    throw InputError("--design: expected single-primary, multi-primary, consensus or leaderless, found \"" + design +
                     "\"");
  const char* regions[] = {"us-east-1", "us-west-2", "eu-west-1"};
  for (int r = 0; r < 3; ++r) {
    const uint32_t count = clients / 3 + (uint32_t(r) < clients % 3 ? 1 : 0);
    j["clients"].push_back({{"region", regions[r]}, {"count", count}, {"rate_per_s", rate / 3},
                            {"key_distribution", "zipf"}});
  }
  j["faults"] = nlohmann::json::array();
  // The schema allows at most a million sample intervals per run; the bench writes no trace, so past 11.5 days it
  // samples less often rather than refusing its own scenario.
  double run_s = 0;
  try {
    run_s = parse_duration_s(duration);
  } catch (const UnitError&) {
  }  // the loader reports a bad --duration with its field
  if (run_s > 1e6) j["metrics"]["sample_interval"] = format_duration(std::ceil(run_s / 1e6));
  return j.dump();
}

Scenario bench_scenario(const std::string& duration, uint32_t clients, double rate, const std::string& design) {
  Scenario s = load_scenario_text(bench_scenario_text(duration, clients, rate, design), "<bench>", {}, std::nullopt);
  // A region outage at the middle of the run, for 20 minutes or a third of the run, whichever is shorter.
  FaultConfig outage;
  outage.kind = FaultKind::RegionOutage;
  outage.region = "us-east-1";
  outage.at_s = s.duration_s / 2;
  outage.duration_s = std::min(1200.0, s.duration_s / 3);
  s.faults.push_back(outage);
  return s;
}

const char* const kAdvice = "shorten --duration or lower --rate or --clients";

struct Figures {
  double ops = 0;
  double sim_s = 0;  // wall time of the simulation
  double all_s = 0;  // ... and of computing every metric
  double max_rss_mib = 0;
};

// The History is gone when this returns, so what runs next (the baseline) does not stack on its memory. With
// `streamed`, the streaming families' work is part of the simulation's wall time.
Figures timed_run(const Scenario& s, const std::vector<std::string>& engine_config, StreamingMetrics* streamed) {
  Figures f;
  OpOutputs outputs;
  if (streamed) {
    outputs.sinks.push_back(streamed);
    outputs.keep_ops = !streamed->streams_everything(s, false);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const History h = simulate(s, engine_config, false, outputs);
  const auto t1 = std::chrono::steady_clock::now();
  const RunMetrics m = compute_metrics(h, s, streamed);
  const auto t2 = std::chrono::steady_clock::now();
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  f.ops = double(m.availability.all.attempted);  // every operation that completed: History::ops, when held
  f.sim_s = std::chrono::duration<double>(t1 - t0).count();
  f.all_s = std::chrono::duration<double>(t2 - t0).count();
  f.max_rss_mib = usage.ru_maxrss / 1024.0;
  return f;
}

void print_baseline(const Scenario& s, const Figures& f) {
  const auto t0 = std::chrono::steady_clock::now();
  BaselineResult b = run_baseline(s);
  const auto t1 = std::chrono::steady_clock::now();
  const double wall_s = std::chrono::duration<double>(t1 - t0).count();
  const double ops = double(b.ops.size());
  const double events_per_op = ops > 0 ? double(b.events) / ops : 0;
  b = BaselineResult{};  // freed outside the timing, as the simulation's history is
  std::printf("baseline: the same load through a plain priority-queue event loop (cli/bench_baseline.h: no SimGrid, "
              "no faults, retries, timeouts or replication)\n");
  std::printf("baseline operations:           %.0f (%s the simulation's), %.2f events per operation\n", ops,
              ops == f.ops ? "the same as" : "not the same as", events_per_op);
  std::printf("baseline wall time:            %.3f s\n", wall_s);
  std::printf("baseline ops per wall second:  %.0f\n", ops / wall_s);
  const double per_op = wall_s / ops;
  std::printf("mrsim / baseline, wall time per operation: %.1fx (simulation), %.1fx (simulation + metrics)\n",
              f.sim_s / f.ops / per_op, f.all_s / f.ops / per_op);
}

int single_bench(const BenchOptions& o) {
  const Scenario s = bench_scenario(o.duration, o.clients, o.rate, o.design);
  std::optional<StreamingMetrics> streamed;
  if (o.streaming) streamed.emplace(s);
  const MemoryEstimate estimate = estimate_memory(s, {false, streamed && streamed->streams_everything(s, false)});
  refuse_if_over_limit("bench", estimate, o.memory_limit, kAdvice);
  const Figures f = timed_run(s, o.engine_config, streamed ? &*streamed : nullptr);
  std::printf("bench: %s, %u logical clients, %.0f ops/s offered, %g simulated s, 1 region outage\n",
              o.design.c_str(), o.clients, o.rate, s.duration_s);
  std::printf("operations simulated:          %.0f\n", f.ops);
  std::printf("simulation wall time:          %.2f s\n", f.sim_s);
  std::printf("simulated ops per wall second: %.0f (simulation), %.0f (simulation + metrics)\n", f.ops / f.sim_s,
              f.ops / f.all_s);
  std::printf("peak memory (max RSS):         %.1f MiB\n", f.max_rss_mib);
  std::printf("estimated before the run:      %.1f MiB (docs/performance.md)\n", estimate.bytes / 1048576.0);
  if (streamed)
    std::printf("metrics:                       streamed%s\n",
                streamed->streams_everything(s, false) ? ", no history held" : " where they can, the rest from the history");
  if (o.vs_baseline) {
    std::fflush(stdout);
    print_baseline(s, f);
  }
  return kExitOk;
}

// One scan point: `mrsim bench` with the point's flags, run as a child process (/proc/self/exe; SimGrid allows one
// simulation per process, and a fresh process's peak memory is the one a user sees), its figures read from what it
// prints.
struct PointArgs {
  std::string duration, design;
  uint32_t clients;
  double rate;
};

bool run_point_in_child(const PointArgs& p, const BenchOptions& o, Figures& f, int& exit_code) {
  std::vector<std::string> args = {"mrsim", "bench", "--duration", p.duration, "--clients", std::to_string(p.clients),
                                   "--rate", format_number(p.rate), "--design", p.design};
  for (const auto& cfg : o.engine_config) args.push_back("--cfg=" + cfg);
  if (o.streaming) args.push_back("--streaming");
  if (std::isfinite(o.memory_limit.bytes))
    args.push_back("--max-memory=" + std::to_string(uint64_t(o.memory_limit.bytes)) + "B");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("bench: pipe failed: " + std::string(std::strerror(errno)));
  std::fflush(stdout);
  std::fflush(stderr);
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("bench: fork failed: " + std::string(std::strerror(errno)));
  if (pid == 0) {
    ::close(fds[0]);
    ::dup2(fds[1], 1);
    ::close(fds[1]);
    ::execv("/proc/self/exe", argv.data());
    std::fprintf(stderr, "mrsim: bench: cannot run /proc/self/exe: %s\n", std::strerror(errno));
    std::_Exit(3);
  }
  ::close(fds[1]);
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) text.append(buf, size_t(n));
    else if (n == 0 || errno != EINTR) break;
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  if (exit_code != 0) return false;
  // The lines single_bench prints: the operations, the ops per wall second (whose 6 or more digits give the wall
  // times more precisely than the printed seconds), the peak.
  double per_s_sim = 0, per_s_all = 0;
  bool ops = false, rates = false, peak = false;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    ops = ops || std::sscanf(line.c_str(), "operations simulated: %lf", &f.ops) == 1;
    rates = rates || std::sscanf(line.c_str(), "simulated ops per wall second: %lf (simulation), %lf", &per_s_sim,
                                 &per_s_all) == 2;
    peak = peak || std::sscanf(line.c_str(), "peak memory (max RSS): %lf", &f.max_rss_mib) == 1;
  }
  if (!ops || !rates || !peak || !(per_s_sim > 0) || !(per_s_all > 0)) {
    std::fprintf(stderr, "mrsim: bench: the child's figures are unreadable:\n%s", text.c_str());
    exit_code = 3;
    return false;
  }
  f.sim_s = f.ops / per_s_sim;
  f.all_s = f.ops / per_s_all;
  return true;
}

int scan_bench(const BenchOptions& o) {
  double duration_s = 0;
  try {
    duration_s = parse_duration_s(o.duration);
  } catch (const UnitError&) {
    // the loader says what is wrong with it, naming the field
    bench_scenario(o.duration, o.clients, o.rate, o.design);
    throw InputError("--duration: expected a duration such as 1h or 10m, found \"" + o.duration + "\"");
  }
  struct Point {
    double value;
    std::string duration;
  };
  std::vector<Point> points;
  const bool clients_scan = o.scan == "clients";
  if (clients_scan) {
    for (double c : {10.0, 100.0, 1e3, 1e4, 1e5, 1e6}) points.push_back({c, o.duration});
  } else {
    // About the same number of operations at every rate: the default rate's over --duration (3.6 million for the
    // hour), each point at least a 60th of --duration (60 s for the hour) so the outage keeps its shape.
    const double budget = kDefaultRate * duration_s;
    for (double r : {1e3, 3e3, 1e4, 3e4, 1e5})
      points.push_back({r, format_duration(std::max(budget / r, duration_s / 60))});
  }
  // Validate every point before the first runs: a bad --duration should not cost the others.
  std::vector<Scenario> scenarios;
  std::vector<PointArgs> args;
  for (const Point& p : points) {
    args.push_back(clients_scan ? PointArgs{p.duration, o.design, uint32_t(p.value), o.rate}
                                : PointArgs{p.duration, o.design, o.clients, p.value});
    scenarios.push_back(bench_scenario(args.back().duration, args.back().clients, args.back().rate, o.design));
  }
  const char* per = o.rounds == 1 ? "one child process per point, in turn"
                                   : "one child process per point and round, points in turn within each round, "
                                     "each round from the next point; each figure is the point's median over the "
                                     "rounds";
  if (clients_scan)
    std::printf("bench --scan clients: %s, %.0f ops/s offered, %g simulated s per point, 1 region outage, %u round%s; "
                "%s\n",
                o.design.c_str(), o.rate, duration_s, o.rounds, o.rounds == 1 ? "" : "s", per);
  else
    std::printf("bench --scan rate: %s, %u logical clients, about %.0f operations per point (at least %g simulated "
                "s), 1 region outage, %u round%s; %s\n",
                o.design.c_str(), o.clients, kDefaultRate * duration_s, duration_s / 60, o.rounds,
                o.rounds == 1 ? "" : "s", per);
  // Rounds, not repetitions of a point: a slow minute of a shared machine then falls on one round of several points
  // rather than on every run of one point, and the median drops it. Each round starts one point further on, so no
  // point always runs first (right after the largest point's process has returned its memory) or last.
  std::vector<bool> skipped(points.size(), false);
  for (size_t i = 0; i < points.size(); ++i) {
    try {
      refuse_if_over_limit("bench", estimate_memory(scenarios[i]), o.memory_limit, kAdvice);
    } catch (const InputError& e) {
      std::printf("%12.0f skipped: %s\n", points[i].value, e.what());
      skipped[i] = true;
    }
  }
  std::vector<std::vector<Figures>> runs(points.size());
  int worst = kExitOk;
  for (uint32_t round = 0; round < o.rounds; ++round) {
    for (size_t k = 0; k < points.size(); ++k) {
      const size_t i = (k + round) % points.size();
      if (skipped[i]) continue;
      Figures f;
      int code = 0;
      if (!run_point_in_child(args[i], o, f, code)) {
        std::printf("%12.0f failed: the child exited %d (its message is above)\n", points[i].value, code);
        worst = std::max(worst, code == kExitBadInput ? kExitBadInput : kExitInternal);
        skipped[i] = true;
        continue;
      }
      runs[i].push_back(f);
    }
  }
  std::printf("%12s %12s %12s %9s %20s %19s %10s\n", clients_scan ? "clients" : "ops/s", "simulated s", "operations",
              "wall s", "us/op (simulation)", "us/op (+ metrics)", "peak MiB");
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  };
  double lo_sim = 0, hi_sim = 0, lo_all = 0, hi_all = 0;
  int measured = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    if (skipped[i] || runs[i].empty()) continue;
    std::vector<double> sim, all, wall;
    double peak = 0;
    for (const Figures& f : runs[i]) {
      sim.push_back(1e6 * f.sim_s / f.ops);
      all.push_back(1e6 * f.all_s / f.ops);
      wall.push_back(f.all_s);
      peak = std::max(peak, f.max_rss_mib);
    }
    const double us_sim = median(sim), us_all = median(all);
    std::printf("%12.0f %12g %12.0f %9.2f %20.3f %19.3f %10.1f\n", points[i].value, scenarios[i].duration_s,
                runs[i].front().ops, median(wall), us_sim, us_all, peak);
    if (measured++ == 0) {
      lo_sim = hi_sim = us_sim;
      lo_all = hi_all = us_all;
    } else {
      lo_sim = std::min(lo_sim, us_sim);
      hi_sim = std::max(hi_sim, us_sim);
      lo_all = std::min(lo_all, us_all);
      hi_all = std::max(hi_all, us_all);
    }
  }
  if (measured >= 2)
    std::printf("per-operation cost, largest / smallest: %.2fx (simulation), %.2fx (simulation + metrics); flat "
                "means within 1.2x\n",
                hi_sim / lo_sim, hi_all / lo_all);
  else
    std::printf("per-operation cost, largest / smallest: needs two measured points, %d measured\n", measured);
  return worst;
}

}  // namespace

int cmd_bench(const BenchOptions& o) {
  if (!o.scan.empty() && o.scan != "clients" && o.scan != "rate")
    throw InputError("--scan: expected clients or rate, found \"" + o.scan + "\"");
  if (o.design != "single-primary" && o.design != "multi-primary" && o.design != "consensus" &&
      o.design != "leaderless")
    throw InputError("--design: expected single-primary, multi-primary, consensus or leaderless, found \"" + o.design +
                     "\"");
  if (o.scan.empty() && o.rounds_given) throw InputError("bench: --rounds goes with --scan");
  if (o.scan.empty()) return single_bench(o);
  if (o.vs_baseline) throw InputError("bench: --vs-baseline goes with a single bench, not with --scan");
  if (o.scan == "clients" && o.clients_given) throw InputError("bench: --scan clients sets the clients; drop --clients");
  if (o.scan == "rate" && o.rate_given) throw InputError("bench: --scan rate sets the rate; drop --rate");
  if (o.rounds < 1 || o.rounds > 100) throw InputError("--rounds: expected 1 to 100, found " + std::to_string(o.rounds));
  return scan_bench(o);
}

}  // namespace mrsim
