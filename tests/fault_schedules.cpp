// Property test: every valid fault schedule finishes. For each scenario given on the command line it runs the
// schedules that once broke a run (regression_faults), then draws random
// schedules of every fault kind (region outages, partitions one-way or of one plane, degraded links, node crashes,
// gray failures, clock faults, some flapping) — overlapping, back to back, repeating on one region within seconds,
// starting at t = 0, ending at the end of the run — runs each to the end (simulation, every checker, the report)
// in a child process of its own (SimGrid allows one simulation per process), and fails if any child crashes,
// deadlocks, throws, or outlives a wall-clock bound. A failing schedule is written out as a scenario file with
// the command that replays it. Single-primary stores compact their logs at every commit here (4096 in mrsim), so
// that five-minute runs exercise the compacted logs through every fault; results do not depend on it, but a crash
// found only with compaction replays with `mrsim run` only if the schedule also compacts there.
//
// usage: mrsim_fault_schedules OUT_DIR SCHEDULES SCENARIO...
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/read_text.h"
#include "models/single_primary.h"
#include "sim/checkers.h"
#include "sim/random.h"
#include "sim/report.h"
#include "sim/scenario_loader.h"
#include "sim/units.h"
#include "sim/world.h"

using namespace mrsim;
using json = nlohmann::json;

namespace {

constexpr double kRun_s = 300;          // each schedule runs for five simulated minutes
constexpr unsigned kWallLimit_s = 120;  // a run of five simulated minutes takes about a second: this is a hang

std::string seconds(double t) { return format_duration(t); }

// One random schedule of 1 to 6 faults over `regions`. Start times mix the edges the deadlock hid behind: t = 0,
// the previous fault's end (back to back), inside the previous fault (overlap), a few seconds after it (repeat),
// the end of the run; durations are mostly a few seconds.
json random_faults(RandomStream& r, const std::vector<std::string>& regions) {
  json faults = json::array();
  const uint32_t n = 1 + r.uniform_index(6);
  double prev_at = 0, prev_end = 0;
  for (uint32_t i = 0; i < n; ++i) {
    double length = r.bernoulli(0.7) ? double(1 + r.uniform_index(5)) : double(1 + r.uniform_index(120));
    double at = 0;
    switch (r.uniform_index(6)) {
      case 0: at = 0; break;
      case 1: at = prev_end; break;
      case 2: at = prev_at + (prev_end - prev_at) * r.uniform01(); break;
      case 3: at = prev_end + double(1 + r.uniform_index(10)); break;
      case 4: at = kRun_s - length; break;
      default: at = double(r.uniform_index(uint32_t(kRun_s - 1))); break;
    }
    at = double(int64_t(at * 1000)) / 1000;  // whole milliseconds: exact in the file's units
    if (at >= kRun_s) at = kRun_s - 1;
    if (at + length > kRun_s) length = kRun_s - at;
    json f = {{"at", seconds(at)}, {"duration", seconds(length)}};
    if (r.bernoulli(0.2)) {
      // A clock fault on a region's clocks: a step of up to 5 s either way or a drift of up to 500 ppm either way,
      // healing or lasting for ever.
      f["region"] = regions[r.uniform_index(uint32_t(regions.size()))];
      const bool back = r.bernoulli(0.5);
      if (r.bernoulli(0.5)) {
        f["kind"] = "clock_skew";
        f["offset"] = (back ? "-" : "") + seconds(double(1 + r.uniform_index(5000)) / 1000);
      } else {
        f["kind"] = "clock_drift";
        f["drift_ppm"] = (back ? -1.0 : 1.0) * double(1 + r.uniform_index(500));
      }
      if (r.bernoulli(0.3)) f.erase("duration");
    } else if (r.bernoulli(0.2)) {
      // One host: a crash of any of a region's hosts, or a gray failure (failing or slow) of its database node.
      const std::string region = regions[r.uniform_index(uint32_t(regions.size()))];
      if (r.bernoulli(0.5)) {
        const char* hosts[] = {"db-", "app-", "monitor-"};
        f["kind"] = "node_crash";
        f["node"] = hosts[r.uniform_index(3)] + region;
      } else {
        f["kind"] = "gray_failure";
        f["node"] = "db-" + region;
        if (r.bernoulli(0.5)) f["slowdown"] = double(2 + r.uniform_index(50));
      }
    } else if (regions.size() < 2 || r.bernoulli(0.6)) {
      f["kind"] = "region_outage";
      f["region"] = regions[r.uniform_index(uint32_t(regions.size()))];
    } else {
      // Two groups: a random non-empty proper subset against the rest (some regions may be left out of both).
      json a = json::array(), b = json::array();
      const uint32_t lone = r.uniform_index(uint32_t(regions.size()));
      for (uint32_t k = 0; k < regions.size(); ++k) {
        if (k == lone) a.push_back(regions[k]);
        else if (r.bernoulli(0.85)) b.push_back(regions[k]);
      }
      if (b.empty()) b.push_back(regions[(lone + 1) % regions.size()]);
      f["kind"] = "partition";
      f["groups"] = {a, b};
      const char* scopes[] = {"all", "control", "data"};
      if (r.bernoulli(0.3)) f["scope"] = scopes[r.uniform_index(3)];
      if (r.bernoulli(0.2)) {
        f["kind"] = "link_degradation";
        f["added_latency"] = seconds(double(r.uniform_index(200)) / 1000);
        f["loss"] = double(r.uniform_index(11)) / 10;
      } else if (r.bernoulli(0.3)) {
        f["direction"] = "one-way";
      }
    }
    // Any fault but a clock fault may flap, down and up for a few seconds each.
    if (f.contains("duration") && f["kind"] != "clock_skew" && f["kind"] != "clock_drift" && r.bernoulli(0.1))
      f["flapping"] = {{"down", seconds(double(1 + r.uniform_index(5)))}, {"up", seconds(double(1 + r.uniform_index(5)))}};
    faults.push_back(f);
    prev_at = at;
    prev_end = at + length;
  }
  return faults;
}

// Schedules that once ended a run early, run before the random ones on every scenario (regions by index).
//  - the report: short outages of two regions, repeating ten seconds apart (a restarted controller waited
//    for a lock its killed predecessor held);
//  - back-to-back outages of one region (its hosts were switched up and down within one instant);
//  - a replica cut off while its upstream was rewound after a partition (it resumed streaming from a shorter log).
json regression_faults(int which, const std::vector<std::string>& regions) {
  const std::string& a = regions[0];
  const std::string& b = regions[1 % regions.size()];
  const std::string& c = regions[2 % regions.size()];
  switch (which) {
    case 0: {
      json faults = json::array();
      for (int i = 0; i < 3; ++i) {
        faults.push_back({{"at", seconds(60 + 10 * i)}, {"duration", "3s"}, {"kind", "region_outage"}, {"region", a}});
        faults.push_back({{"at", seconds(61 + 10 * i)}, {"duration", "3s"}, {"kind", "region_outage"}, {"region", b}});
      }
      return faults;
    }
    case 1:
      return {{{"at", "2s"}, {"duration", "3s"}, {"kind", "region_outage"}, {"region", b}},
              {{"at", "0s"}, {"duration", "5s"}, {"kind", "region_outage"}, {"region", a}},
              {{"at", "5s"}, {"duration", "4s"}, {"kind", "region_outage"}, {"region", a}},
              {{"at", "296s"}, {"duration", "4s"}, {"kind", "region_outage"}, {"region", b}},
              {{"at", "299s"}, {"duration", "1s"}, {"kind", "region_outage"}, {"region", c}},
              {{"at", "299s"}, {"duration", "1s"}, {"kind", "region_outage"}, {"region", a}}};
    default:
      if (regions.size() < 3) return json::array();
      return {{{"at", "0s"}, {"duration", "2s"}, {"kind", "region_outage"}, {"region", b}},
              {{"at", "8s"}, {"duration", "1s"}, {"kind", "region_outage"}, {"region", b}},
              {{"at", "8.875s"}, {"duration", "104s"}, {"kind", "partition"}, {"groups", {{b}, {a, c}}}},
              {{"at", "97.902s"}, {"duration", "38s"}, {"kind", "region_outage"}, {"region", c}}};
  }
}
constexpr int kRegressions = 3;

// Runs the whole pipeline in a child; returns "" when it finished, else what went wrong.
std::string run_in_child(const Scenario& s) {
  std::cout.flush();
  const pid_t child = ::fork();
  if (child < 0) return "fork failed";
  if (child == 0) {
    ::alarm(kWallLimit_s);
    try {
      const History h = simulate(s);
      RunInfo info;
      info.seed = s.seed;
      info.scenario_name = s.name;
      info.duration_s = s.duration_s;
      const auto report = report_json(info, compute_metrics(h, s));
      const auto trace = trace_json(info, h, s.metrics, s.alerts);
      std::_Exit(report.empty() || trace.empty() ? 4 : 0);
    } catch (const std::exception& e) {
      std::cerr << "  exception: " << e.what() << '\n';
      std::_Exit(3);
    }
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    return "still running after " + std::to_string(kWallLimit_s) + " wall seconds";
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "exit code " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: mrsim_fault_schedules OUT_DIR SCHEDULES SCENARIO...\n";
    return 2;
  }
  const std::string out_dir = argv[1];
  const int schedules = std::atoi(argv[2]);
  SinglePrimaryStore::set_compact_every(1);
  int runs = 0, passed = 0, failures = 0;
  for (int a = 3; a < argc; ++a) {
    const std::string path = argv[a];
    json base = json::parse(read_text_or_empty(path));
    std::vector<std::string> regions;
    for (const auto& region : base.at("regions")) regions.push_back(region.at("name").get<std::string>());
    const std::string stem = path.substr(path.find_last_of('/') + 1);
    RandomStream r(1, "fault-schedules/" + stem);
    for (int i = -kRegressions; i < schedules; ++i) {
      json j = base;
      j["duration"] = seconds(kRun_s);
      j.erase("expect");
      j["faults"] = i < 0 ? regression_faults(i + kRegressions, regions) : random_faults(r, regions);
      const std::string text = j.dump(1);
      Scenario s;
      try {
        s = load_scenario_text(text, stem, {}, std::nullopt);
      } catch (const InputError& e) {
        // The generator only writes valid schedules: a refusal is a bug in this test or in validation.
        std::cerr << "FAIL " << stem << " schedule " << i << ": refused: " << e.what() << '\n';
        ++failures;
        continue;
      }
      ++runs;
      const std::string problem = run_in_child(s);
      if (problem.empty()) {
        ++passed;
        continue;
      }
      ++failures;
      const std::string file = out_dir + "/" + stem.substr(0, stem.size() - 5) + "-schedule-" + (i < 0 ? "regression" + std::to_string(i + kRegressions) : std::to_string(i)) + ".json";
      std::ofstream(file) << text << '\n';
      std::cerr << "FAIL " << stem << (i < 0 ? " regression " : " schedule ") << (i < 0 ? i + kRegressions : i) << ": "
                << problem << "\n  replay: mrsim run " << file
                << "\n  faults: " << j["faults"].dump() << '\n';
    }
  }
  std::cout << "fault schedules: " << runs << " runs over " << (argc - 3) << " scenario(s)\n";
  std::cout << passed << " passed, " << failures << " failed\n";
  return failures == 0 && runs > 0 ? 0 : 1;
}
