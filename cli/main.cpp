// mrsim's command line. Exit codes: 0 ok, 1 an expectation missed, 2 bad input, 3 internal error.
// The command line (cli/: this file, the bench in cli/bench.cpp, the runners) is the only place that looks at wall
// clocks and process resources (the bench's figures, check's timings); it lives outside sim/ and models/ so that
// those stay free of them without exception. Nothing it measures reaches a simulation result.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <functional>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/bench.h"
#include "cli/check_outputs.h"
#include "cli/compare.h"
#include "cli/memory_limit.h"
#include "cli/output_files.h"
#include "cli/perfetto.h"
#include "cli/runner.h"
#include "cli/shrink.h"
#include "cli/sweep.h"
#include "sim/checkers.h"
#include "sim/engine_config.h"
#include "sim/expect.h"
#include "sim/footprint.h"
#include "sim/history_jsonl.h"
#include "sim/markov.h"
#include "sim/report.h"
#include "sim/scenario_loader.h"
#include "sim/stream_metrics.h"
#include "sim/schema.h"
#include "sim/units.h"
#include "sim/world.h"

namespace po = boost::program_options;
using namespace mrsim;

namespace {

constexpr int kExitOk = 0, kExitMissed = 1, kExitBadInput = 2, kExitInternal = 3;

const char* const kUsage = R"(mrsim — deterministic discrete-event simulator for multi-region designs

usage:
  mrsim run SCENARIO [--seed N] [--set PATH=VALUE]... [--report R.json] [--trace T.json] [--history H.jsonl]
                     [--cfg=KEY:VALUE]... [--max-memory SIZE] [--lockstep] [--streaming]
  mrsim check SCENARIO... [--seed N] [--set PATH=VALUE]... [--cfg=KEY:VALUE]... [--max-memory SIZE] [--jobs N]
                          [--junit FILE] [--baseline FILE [--update-baseline [--tolerance 10%]]]
  mrsim validate SCENARIO... [--set PATH=VALUE]...
  mrsim availability SCENARIO [--set PATH=VALUE]...
  mrsim bench [--duration D] [--clients N] [--rate OPS_PER_S]
              [--design single-primary|multi-primary|consensus|leaderless]
              [--vs-baseline | --scan clients|rate [--rounds 3]] [--streaming] [--cfg=KEY:VALUE]... [--max-memory SIZE]
  mrsim sweep SCENARIO --grid PATH=V1,V2,... [--grid ...] [--seeds 1..30] [--set PATH=VALUE]... --out DIR
                       [--jobs N] [--run-timeout SECONDS] [--shard I/N]
  mrsim merge DIR... --out DIR
  mrsim compare A [B] [--seeds 1..20] [--set PATH=VALUE]... [--set-a PATH=VALUE]... [--set-b PATH=VALUE]...
                      [--jobs N] [--report R.json]
  mrsim shrink SCENARIO [--expect NAME] [--seed N] [--set PATH=VALUE]... [--out FILE] [--max-runs 300]
                       [--max-time 10m] [--jobs N]
  mrsim export --perfetto TRACE.json -o OUT.json
  mrsim schema [--json]        print the scenario reference (docs/scenarios.md), or with --json a JSON Schema
                               (draft 2020-12) of scenario files, for editors
  mrsim --version | --help

run       simulates the scenario and prints the report; --report/--trace/--history also write it as JSON,
          the timeline as JSON (docs/trace-format.md) and every client operation as JSON lines.
check     runs each scenario (one process per run) and evaluates its "expect" block, statistics over seeds
          included ("p95 over seeds 1..20 <= 300"); exit 1 if any expectation misses. --junit writes JUnit XML
          (a testcase per expectation); --baseline fails (exit 1) when a headline metric is worse than the recorded
          baseline by more than its tolerance; --update-baseline records one instead.
validate  parses and validates only.
availability  solves the continuous-time Markov chain of the scenario's faults_random components (up and down
          at rates 1 / mean time between failures and 1 / mean time to repair) and its control plane (failover,
          rerouting, leader election at 1 / their mean times) and prints each client region's expected
          availability, nines and downtime per year, without simulating (docs/availability.md). Exit 2 for a
          scenario without faults_random or a design the chain does not model.
sweep     runs the grid's every point with every seed, one process per run, all cores unless --jobs; writes
          DIR/runs.jsonl as runs finish, DIR/runs.csv and DIR/summary.csv (mean, std, 95 % CI, percentiles per
          point); run again, it skips the runs already done. --shard I/N runs every N-th run from the I-th
          (docs/sweeps.md). Exit 1 if a run failed (each is recorded with its exit code and stderr).
merge     combines the DIRs of one sweep's shards into --out, refusing other sweeps and duplicate runs; exit 1 if
          runs are missing (listed).
compare   runs A and B (two files, or one with --set-a / --set-b) on the same seeds and prints each headline
          metric's means, the paired difference B - A with its 95 % confidence interval, and the better side.
shrink    for a scenario whose "expect" misses (typically under many faults), searches for a minimal fault
          schedule that still misses: delta debugging over the fault list, then each remaining fault's duration and
          start bisected; one process per candidate, all cores unless --jobs. A candidate still misses when one of
          the expectations that missed in the first run (and not in the run without faults) misses again
          (--expect NAME: when that one does). Writes the schedule as a scenario, with the original's expect block
          (--out, default <stem>.shrunk.json here), and prints it and its replay command. The search stops after
          --max-runs runs (300) or --max-time of wall time (10m) and then writes the smallest schedule found so
          far. Exit 0 when every expectation holds (nothing to shrink), 1 when a schedule was written
          (docs/shrink.md).
export    --perfetto writes a trace (run --trace) as Chrome trace-event JSON for ui.perfetto.dev and
          chrome://tracing: node roles, health verdicts and faults as slices, decisions and DNS changes as
          instants, lag, success ratio, stale reads and clock offsets as counters.
bench     runs a fixed scenario (10,000 logical clients, 1,000 ops/s in total, one simulated hour by default) and
          prints simulated client operations per wall-clock second and peak memory; --design multi-primary runs
          the same load on three writable nodes (mesh, last-writer-wins, writes to the local region);
          --design consensus on one Raft range with a voter per region (leaseholder us-east-1); --design
          leaderless on a three-replica quorum store (R = W = 2, PBS's LinkedIn SSD delays). --vs-baseline then
          runs the same load through a plain priority-queue event loop (no SimGrid, no faults, retries or
          replication) and prints mrsim's wall time per operation as a ratio to it. --scan clients runs the bench
          at 10 to 1,000,000 clients, --scan rate at 1,000 to 100,000 ops/s (about the same operations each), one
          child process per point in turn, --rounds times over (default 3), and prints each point's median wall
          microseconds per operation and the largest to smallest ratio (docs/performance.md).

--seed N          overrides the scenario's seed
--max-memory SIZE refuses (exit 2, before simulating) a run estimated to hold more memory than SIZE ("4GiB");
                  default 80 % of the machine's memory. The whole history is held for the checkers; validate
                  prints the estimate
--set PATH=VALUE  overrides any scenario field: dotted (routing.ttl=300s, clients.0.count=50) or a JSON pointer
                  (/routing/ttl=300s); VALUE is JSON if it parses as JSON, else a string
--lockstep        run: the slow reference data plane, a SimGrid instant at every client event instead of running
                  client operations ahead between control-plane instants; the same bytes out, 2-3 times slower
                  (docs/architecture.md, "Why the data plane is multiplexed, and runs ahead")
--streaming       run, bench: computes the metric families that can stream as operations complete rather than
                  from the held history, with the same report; when every family the scenario needs streams and no
                  --trace is asked for, the run holds no history of operations, and its memory follows what is in
                  flight or not yet on every node rather than its length (docs/performance.md, "Memory that does
                  not grow with the run")
--cfg=KEY:VALUE   passes a SimGrid setting to the engine, for debugging and sanitizer builds (AddressSanitizer is
                  exact only with contexts/factory:thread, docs/hardening.md); the replay command lists it. mrsim
                  refuses network/model and contexts/nthreads; other keys can change results, so keep them out of
                  comparisons. A setting SimGrid rejects is bad input

exit codes: 0 ok, 1 an expectation missed, 2 bad input (the message names the file, the JSON pointer, what was
expected and what was found), 3 internal error
)";

struct CommonOptions {
  std::vector<std::string> scenarios;
  std::vector<std::string> sets;
  std::vector<std::string> engine_config;  // --cfg
  std::optional<uint64_t> seed;
  std::string report_path, trace_path, history_path;
  MemoryLimit memory_limit;  // --max-memory, or a share of the machine's memory (cli/memory_limit.h)
  bool lockstep = false;     // --lockstep (models/data_plane.h)
  bool streaming = false;    // --streaming (sim/stream_metrics.h)
};


std::string replay_command(const Scenario& s, const std::vector<std::string>& sets,
                           const std::vector<std::string>& engine_config) {
  std::string cmd = "mrsim run " + shell_quote(s.source_path) + " --seed " + std::to_string(s.seed);
  for (const auto& set : sets) cmd += " --set " + shell_quote(set);
  for (const auto& cfg : engine_config) cmd += " " + shell_quote("--cfg=" + cfg);
  return cmd;
}

RunInfo run_info(const Scenario& s, const std::vector<std::string>& sets,
                 const std::vector<std::string>& engine_config) {
  RunInfo info;
  info.seed = s.seed;
  info.scenario_name = s.name;
  info.scenario_hash = s.hash;
  info.version = MRSIM_VERSION;
  info.command = replay_command(s, sets, engine_config);
  info.duration_s = s.duration_s;
  return info;
}

void write_json(OutputFiles& files, const std::string& path, const nlohmann::ordered_json& j) {
  auto out = files.open(path);
  out << j.dump(1) << '\n';
  if (!out) throw InputError(path + ": cannot write");
}

std::string expectation_lines(const std::vector<ExpectationResult>& results, bool& all_held) {
  std::ostringstream out;
  all_held = true;
  for (const auto& r : results) {
    all_held = all_held && r.held;
    out << (r.held ? "  held    " : "  MISSED  ") << r.expectation.metric << ' ' << r.expectation.text << "  (actual: ";
    if (r.found) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6g", r.actual);
      out << buf;
    } else {
      out << "absent";
    }
    out << ")\n";
  }
  return out.str();
}

int cmd_run(const CommonOptions& o) {
  if (o.scenarios.size() != 1) throw InputError("run: expected exactly one scenario file, found " + std::to_string(o.scenarios.size()));
  const Scenario s = load_scenario_file(o.scenarios[0], o.sets, o.seed);
  std::optional<StreamingMetrics> streamed;
  if (o.streaming) streamed.emplace(s);
  const bool keep_ops = !streamed || !streamed->streams_everything(s, !o.trace_path.empty());
  refuse_if_over_limit(o.scenarios[0], estimate_memory(s, {!o.trace_path.empty(), !keep_ops}), o.memory_limit);
  OutputFiles files;
  // Open the outputs before simulating, so an unwritable path fails fast and leaves nothing behind.
  std::ofstream history_out;
  if (!o.history_path.empty()) history_out = files.open(o.history_path);
  // The history file is written as operations complete, so it needs no history held for it.
  std::optional<HistoryJsonl> history_writer;
  OpOutputs outputs;
  if (history_out.is_open()) outputs.sinks.push_back(&history_writer.emplace(history_out));
  if (streamed) outputs.sinks.push_back(&*streamed);
  outputs.keep_ops = keep_ops;
  const History h = simulate(s, o.engine_config, o.lockstep, outputs);
  if (history_writer) history_writer->flush();
  const RunInfo info = run_info(s, o.sets, o.engine_config);
  const auto report = report_json(info, compute_metrics(h, s, streamed ? &*streamed : nullptr));
  bool held = true;
  const std::string expectations = expectation_lines(evaluate_expectations(s, report), held);
  if (!o.report_path.empty()) write_json(files, o.report_path, report);
  if (!o.trace_path.empty()) write_json(files, o.trace_path, trace_json(info, h, s.metrics, s.alerts));
  if (history_out.is_open()) {
    history_writer.reset();
    history_out.close();
  }
  files.commit();
  std::cout << report_text(report);
  if (!s.expect.empty()) std::cout << "\nexpectations:\n" << expectations;
  return kExitOk;
}

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const InputError& e) {
    std::cerr << "mrsim: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "mrsim: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
}

// A child of sweep or compare: one simulation, its report.
nlohmann::ordered_json simulate_report(const RunSpec& spec) {
  const Scenario s = load_scenario_file(spec.scenario_path, spec.sets, spec.seed);
  const History h = simulate(s);
  return report_json(run_info(s, spec.sets, {}), compute_metrics(h, s));
}

struct CheckOptions {
  std::string junit_path, baseline_path;
  bool update_baseline = false;
  double tolerance = 0.1;
  unsigned jobs = 0;
};

// Each scenario's own run, and the runs of the seeds its statistics over seeds need, each in a process of its own
// (SimGrid allows one simulation per process), in parallel; then its verdict.
int cmd_check(const CommonOptions& o, const CheckOptions& c) {
  if (o.scenarios.empty()) throw InputError("check: expected at least one scenario file");
  // Validate everything first: a typo in the last file should not cost the runs of the others.
  std::vector<Scenario> scenarios;
  for (const auto& path : o.scenarios) {
    scenarios.push_back(load_scenario_file(path, o.sets, o.seed));
    refuse_if_over_limit(path, estimate_memory(scenarios.back()), o.memory_limit);
  }
  check_engine_config(o.engine_config);
  const Simulate simulate_one = [&](const RunSpec& spec) {
    const Scenario s = load_scenario_file(spec.scenario_path, spec.sets, spec.seed);
    const History h = simulate(s, o.engine_config);
    return report_json(run_info(s, spec.sets, o.engine_config), compute_metrics(h, s));
  };
  char work[] = "/tmp/mrsim-check-XXXXXX";
  if (!::mkdtemp(work)) throw std::runtime_error("check: cannot create a temporary directory");
  int worst = kExitOk;
  std::vector<CheckedScenario> checked;
  for (size_t k = 0; k < scenarios.size(); ++k) {
    const Scenario& s = scenarios[k];
    std::vector<uint64_t> seeds = seeds_needed(s);
    if (std::find(seeds.begin(), seeds.end(), s.seed) == seeds.end()) seeds.insert(seeds.begin(), s.seed);
    std::vector<RunSpec> specs;
    for (uint64_t seed : seeds) specs.push_back({o.scenarios[k], o.sets, seed});
    std::map<uint64_t, nlohmann::ordered_json> reports;
    std::string error;
    const auto t0 = std::chrono::steady_clock::now();
    run_all(specs, c.jobs ? c.jobs : default_jobs(), 0, work, simulate_one, [&](size_t i, RunResult&& r) {
      if (r.ok) reports[specs[i].seed] = std::move(r.report);
      else if (error.empty() || specs[i].seed == s.seed)
        error = "the run with seed " + std::to_string(specs[i].seed) + " failed (exit " + std::to_string(r.exit_code) +
                "): " + r.stderr_tail;
    });
    CheckedScenario result;
    result.path = o.scenarios[k];
    result.name = s.name;
    result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto own = reports.find(s.seed);
    if (own == reports.end()) {
      result.error = error;
      std::cout << "FAIL " << result.path << "  (replay: " << replay_command(s, o.sets, o.engine_config) << ")\n  "
                << error << "\n";
      worst = std::max(worst, kExitInternal);
      checked.push_back(std::move(result));
      continue;
    }
    result.report = own->second;
    result.results = evaluate_expectations(s, own->second, reports);
    bool held = true;
    const std::string lines = expectation_lines(result.results, held);
    std::cout << (held ? "PASS " : "FAIL ") << result.path << "  (replay: "
              << replay_command(s, o.sets, o.engine_config) << ")\n" << lines;
    if (s.expect.empty()) std::cout << "  (no expectations)\n";
    if (!error.empty()) std::cout << "  " << error << "\n";
    worst = std::max(worst, held ? kExitOk : kExitMissed);
    checked.push_back(std::move(result));
  }
  ::rmdir(work);
  if (!c.junit_path.empty()) write_junit(c.junit_path, checked);
  if (c.update_baseline) {
    write_baseline(c.baseline_path, checked, c.tolerance);
    std::cout << "\nbaseline recorded in " << c.baseline_path << "\n";
  } else if (!c.baseline_path.empty()) {
    const size_t regressions = compare_baseline(c.baseline_path, checked, std::cout);
    if (regressions) {
      std::cout << regressions << " metric(s) regressed beyond the baseline's tolerance\n";
      worst = std::max(worst, kExitMissed);
    }
  }
  return worst;
}

int cmd_validate(const CommonOptions& o) {
  if (o.scenarios.empty()) throw InputError("validate: expected at least one scenario file");
  for (const auto& path : o.scenarios) {
    const Scenario s = load_scenario_file(path, o.sets, o.seed);
    const MemoryEstimate memory = estimate_memory(s);
    std::cout << "ok " << path << "  (" << s.name << ", hash " << s.hash << "; a run holds about "
              << format_memory(memory.bytes) << ", " << int(100 * memory.dominant_share() + 0.5) << " % of it for "
              << memory.dominant().what << ")\n";
  }
  return kExitOk;
}

int cmd_availability(const CommonOptions& o) {
  if (o.scenarios.size() != 1)
    throw InputError("availability: expected exactly one scenario file, found " + std::to_string(o.scenarios.size()));
  const Scenario s = load_scenario_file(o.scenarios[0], o.sets, o.seed);
  const AvailabilityModel m = model_availability(s);
  std::printf("mrsim %s  scenario %s  hash %s\n", MRSIM_VERSION, s.name.c_str(), s.hash.c_str());
  std::printf("availability model: %s; continuous-time Markov chain of %d states (residual %.1e)\n",
              m.design.c_str(), m.states, m.residual);
  if (m.failover_s > 0) std::printf("  failover (primary lost -> writes served again): mean %.3f s\n", m.failover_s);
  if (m.reroute_s > 0) std::printf("  rerouting (a region's node lost -> its clients elsewhere): mean %.3f s\n", m.reroute_s);
  if (m.election_s > 0)
    std::printf("  election: mean %.3f s after a leaseholder's loss, %.3f s after a majority's return\n", m.election_s,
                m.election_after_majority_s);
  std::printf("\n   client region   availability    nines  downtime min/year\n");
  auto row = [](const std::string& name, double a) {
    std::printf("   %-14s %13.8f %8.3f %18.2f\n", name.c_str(), a, nines(a), downtime_minutes_per_year(a));
  };
  row("(all)", m.overall);
  for (const auto& r : m.by_region) row(r.region, r.availability);
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return kExitBadInput;
  }
  const std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (command == "--version") {
    std::cout << "mrsim " << MRSIM_VERSION << '\n';
    return kExitOk;
  }
  return guarded([&]() -> int {
    CommonOptions o;
    std::string seed_text, max_memory_text;
    BenchOptions bench;
    SweepOptions sweep;
    CompareOptions compare;
    CheckOptions check;
    std::string tolerance_text, perfetto_trace;
    std::string seeds_text, out_dir;
    unsigned jobs = 0;
    ShrinkOptions shrink;
    std::string max_time_text, max_runs_text;
    po::options_description opts;
    opts.add_options()("scenario", po::value(&o.scenarios)->multitoken(), "")("set", po::value(&o.sets)->composing(), "")(
        "cfg", po::value(&o.engine_config)->composing(), "")(
        "seed", po::value(&seed_text), "")("report", po::value(&o.report_path), "")("trace", po::value(&o.trace_path), "")(
        "history", po::value(&o.history_path), "")("duration", po::value(&bench.duration), "")(
        "clients", po::value(&bench.clients), "")("rate", po::value(&bench.rate), "")("design", po::value(&bench.design), "")(
        "vs-baseline", "")("scan", po::value(&bench.scan), "")("rounds", po::value(&bench.rounds), "")(
        "max-memory", po::value(&max_memory_text), "")("grid", po::value(&sweep.grids)->composing(), "")(
        "seeds", po::value(&seeds_text), "")("jobs", po::value(&jobs), "")("out", po::value(&out_dir), "")(
        "run-timeout", po::value(&sweep.run_timeout_s), "")("shard", po::value(&sweep.shard), "")(
        "set-a", po::value(&compare.sets_a)->composing(), "")("set-b", po::value(&compare.sets_b)->composing(), "")(
        "junit", po::value(&check.junit_path), "")("baseline", po::value(&check.baseline_path), "")(
        "update-baseline", "")("json", "")("perfetto", po::value(&perfetto_trace), "")(
        "output,o", po::value(&out_dir), "")("tolerance", po::value(&tolerance_text), "")(
        "expect", po::value(&shrink.expect), "")("max-runs", po::value(&max_runs_text), "")(
        "max-time", po::value(&max_time_text), "")(
        "lockstep", "")("streaming", "")("help,h", "");
    po::positional_options_description positional;
    positional.add("scenario", -1);
    po::variables_map vm;
    try {
      po::store(po::command_line_parser(argc - 1, argv + 1).options(opts).positional(positional).run(), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      throw InputError(std::string("command line: ") + e.what() + " (see mrsim --help)");
    }
    if (vm.count("help")) {
      std::cout << kUsage;
      return kExitOk;
    }
    if (!seed_text.empty()) {
      size_t used = 0;
      unsigned long long seed = 0;
      try {
        seed = std::stoull(seed_text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != seed_text.size() || seed_text[0] == '-')
        throw InputError("--seed: expected a non-negative integer, found \"" + seed_text + "\"");
      o.seed = seed;
    }
    o.lockstep = vm.count("lockstep") > 0;
    o.streaming = vm.count("streaming") > 0;
    const bool run_outputs = !o.trace_path.empty() || !o.history_path.empty();
    if (run_outputs && command != "run") throw InputError(command + ": --trace and --history go with run");
    if (!o.report_path.empty() && command != "run" && command != "compare")
      throw InputError(command + ": --report goes with run and compare");
    auto only_with = [&](const char* flag, std::initializer_list<const char*> commands) {
      if (!vm.count(flag)) return;
      for (const char* c : commands)
        if (command == c) return;
      std::string list;
      for (const char* c : commands) list += std::string(list.empty() ? "" : " and ") + c;
      throw InputError(command + ": --" + flag + " goes with " + list);
    };
    only_with("lockstep", {"run"});
    only_with("streaming", {"run", "bench"});
    only_with("grid", {"sweep"});
    only_with("shard", {"sweep"});
    only_with("run-timeout", {"sweep"});
    only_with("out", {"sweep", "merge", "shrink"});
    only_with("seeds", {"sweep", "compare"});
    only_with("jobs", {"sweep", "compare", "check", "shrink"});
    only_with("expect", {"shrink"});
    only_with("max-runs", {"shrink"});
    only_with("max-time", {"shrink"});
    only_with("junit", {"check"});
    only_with("json", {"schema"});
    only_with("perfetto", {"export"});
    only_with("output", {"export"});
    only_with("vs-baseline", {"bench"});
    only_with("scan", {"bench"});
    only_with("rounds", {"bench"});
    if (command == "export") {
      if (!vm.count("perfetto")) throw InputError("export: expected --perfetto TRACE.json -o OUT.json");
      return cmd_export_perfetto(perfetto_trace, out_dir);
    }
    only_with("baseline", {"check"});
    only_with("update-baseline", {"check"});
    only_with("tolerance", {"check"});
    only_with("set-a", {"compare"});
    only_with("set-b", {"compare"});
    if (command == "sweep") {
      if (o.scenarios.size() != 1) throw InputError("sweep: expected exactly one scenario file");
      if (o.seed) throw InputError("sweep: give the seeds with --seeds, not --seed");
      sweep.scenario = o.scenarios[0];
      sweep.sets = o.sets;
      if (!seeds_text.empty()) sweep.seeds = seeds_text;
      sweep.jobs = jobs;
      sweep.out = out_dir;
      return cmd_sweep(sweep, simulate_report);
    }
    if (command == "merge") return cmd_merge(o.scenarios, out_dir);
    if (command == "shrink") {
      if (o.scenarios.size() != 1) throw InputError("shrink: expected exactly one scenario file");
      if (!o.engine_config.empty()) throw InputError("shrink: --cfg goes with run, check and bench");
      if (vm.count("max-memory")) throw InputError("shrink: --max-memory goes with run, check and bench");
      shrink.scenario = o.scenarios[0];
      shrink.sets = o.sets;
      shrink.seed = o.seed;
      shrink.out = out_dir;
      shrink.jobs = jobs;
      if (vm.count("max-runs")) {
        const std::string& t = max_runs_text;
        if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos || std::stoul(t) < 1)
          throw InputError("--max-runs: expected a whole number of runs from 1 to 999999999, found \"" + t + "\"");
        shrink.max_runs = std::stoul(t);
      }
      if (vm.count("max-time")) {
        try {
          shrink.max_time_s = parse_duration_s(max_time_text);
        } catch (const std::exception&) {
          throw InputError("--max-time: expected a duration such as 10m or 90s, found \"" + max_time_text + "\"");
        }
      }
      return cmd_shrink(shrink, simulate_report);
    }
    if (command == "compare") {
      if (o.scenarios.empty() || o.scenarios.size() > 2) throw InputError("compare: expected one or two scenario files");
      if (o.seed) throw InputError("compare: give the seeds with --seeds, not --seed");
      compare.a = o.scenarios[0];
      if (o.scenarios.size() == 2) compare.b = o.scenarios[1];
      compare.sets = o.sets;
      if (!seeds_text.empty()) compare.seeds = seeds_text;
      compare.jobs = jobs;
      compare.report_path = o.report_path;
      return cmd_compare(compare, simulate_report);
    }
    if (!o.engine_config.empty() && command != "run" && command != "check" && command != "bench")
      throw InputError(command + ": --cfg goes with run, check and bench");
    if (vm.count("max-memory") && command != "run" && command != "check" && command != "bench")
      throw InputError(command + ": --max-memory goes with run, check and bench");
    o.memory_limit = memory_limit(vm.count("max-memory") ? std::optional(max_memory_text) : std::nullopt);
    if (command == "run") return cmd_run(o);
    if (command == "check") {
      check.jobs = jobs;
      check.update_baseline = vm.count("update-baseline") > 0;
      if (check.update_baseline && check.baseline_path.empty())
        throw InputError("check: --update-baseline needs --baseline FILE");
      if (!tolerance_text.empty()) {
        if (!check.update_baseline) throw InputError("check: --tolerance is recorded with --update-baseline");
        std::string t = tolerance_text;
        if (!t.empty() && t.back() == '%') t.pop_back();
        size_t used = 0;
        double percent = -1;
        try {
          percent = std::stod(t, &used);
        } catch (const std::exception&) {
        }
        if (used != t.size() || t.empty() || !(percent >= 0 && percent <= 1000))
          throw InputError("--tolerance: expected a percentage from 0 to 1000, such as 10%, found \"" + tolerance_text + "\"");
        check.tolerance = percent / 100;
      }
      return cmd_check(o, check);
    }
    if (command == "validate") return cmd_validate(o);
    if (command == "availability") {
      if (o.seed) throw InputError("availability: the chain draws nothing; --seed goes with run");
      return cmd_availability(o);
    }
    if (command == "bench") {
      bench.duration_given = vm.count("duration") > 0;
      bench.clients_given = vm.count("clients") > 0;
      bench.rate_given = vm.count("rate") > 0;
      bench.vs_baseline = vm.count("vs-baseline") > 0;
      bench.rounds_given = vm.count("rounds") > 0;
      bench.streaming = o.streaming;
      bench.engine_config = o.engine_config;
      bench.memory_limit = o.memory_limit;
      return cmd_bench(bench);
    }
    if (command == "schema") {
      if (vm.count("json")) std::cout << scenario_json_schema().dump(2) << '\n';
      else std::cout << scenario_reference_markdown();
      return kExitOk;
    }
    throw InputError("unknown command \"" + command +
                     "\": expected run, check, validate, availability, sweep, merge, compare, shrink, export, bench or schema (see "
                     "mrsim --help)");
  });
}
