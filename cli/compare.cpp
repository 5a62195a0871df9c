#include "cli/compare.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>

#include "cli/headlines.h"
#include "cli/output_files.h"
#include "cli/stats.h"
#include "sim/expect.h"
#include "sim/scenario_loader.h"

namespace mrsim {

using Json = nlohmann::ordered_json;

namespace {

std::string fmt(std::optional<double> v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", *v);
  return buf;
}

Json num(std::optional<double> v) { return v ? Json(*v) : Json(); }

}  // namespace

int cmd_compare(const CompareOptions& o, const Simulate& simulate) {
  if (o.a.empty()) throw InputError("compare: expected one or two scenario files");
  const std::string b = o.b.empty() ? o.a : o.b;
  if (o.b.empty() && o.sets_a == o.sets_b)
    throw InputError("compare: one scenario needs two sets of overrides (--set-a, --set-b) to compare");
  const std::vector<uint64_t> seeds = parse_seeds(o.seeds, "--seeds");
  std::vector<std::string> sets_a = o.sets, sets_b = o.sets;
  sets_a.insert(sets_a.end(), o.sets_a.begin(), o.sets_a.end());
  sets_b.insert(sets_b.end(), o.sets_b.begin(), o.sets_b.end());
  const Scenario sa = load_scenario_file(o.a, sets_a, std::nullopt);  // bad input: exit 2 before any run
  const Scenario sb = load_scenario_file(b, sets_b, std::nullopt);

  std::vector<RunSpec> specs;
  for (uint64_t seed : seeds) specs.push_back({o.a, sets_a, seed});
  for (uint64_t seed : seeds) specs.push_back({b, sets_b, seed});
  std::vector<std::optional<Json>> reports(specs.size());
  size_t failed = 0;
  char dir_template[] = "/tmp/mrsim-compare-XXXXXX";
  if (!::mkdtemp(dir_template)) throw std::runtime_error("compare: cannot create a temporary directory");
  run_all(specs, o.jobs ? o.jobs : default_jobs(), 0, dir_template, simulate, [&](size_t i, RunResult&& r) {
    if (r.ok) {
      reports[i] = std::move(r.report);
    } else {
      ++failed;
      std::cerr << "compare: " << specs[i].scenario_path << " seed " << specs[i].seed << " failed (exit " << r.exit_code
                << "): " << r.stderr_tail << "\n";
    }
  });
  ::rmdir(dir_template);

  const size_t n = seeds.size();
  Json out;
  out["a"] = {{"scenario", o.a}, {"sets", sets_a}, {"scenario_hash", sa.hash}};
  out["b"] = {{"scenario", b}, {"sets", sets_b}, {"scenario_hash", sb.hash}};
  out["seeds"] = seeds;
  out["metrics"] = Json::array();
  std::printf("compare over %zu seeds (%s): A = %s, B = %s\n", n, o.seeds.c_str(),
              (o.a + (sets_a.empty() ? "" : " +" + std::to_string(sets_a.size()) + " --set")).c_str(),
              (b + (sets_b.empty() ? "" : " +" + std::to_string(sets_b.size()) + " --set")).c_str());
  for (size_t i = 0; i < sets_a.size(); ++i) std::printf("  A --set %s\n", sets_a[i].c_str());
  for (size_t i = 0; i < sets_b.size(); ++i) std::printf("  B --set %s\n", sets_b[i].c_str());
  std::printf("\n%-26s %12s %12s %12s %27s  %s\n", "metric", "A mean", "B mean", "B - A", "95% CI of B - A (paired)",
              "better");
  for (const Headline& h : kHeadlines) {
    std::vector<double> va, vb, diff;
    for (size_t s = 0; s < n; ++s) {
      const std::optional<double> x = reports[s] ? metric_value(h.metric, *reports[s]) : std::nullopt;
      const std::optional<double> y = reports[n + s] ? metric_value(h.metric, *reports[n + s]) : std::nullopt;
      if (x) va.push_back(*x);
      if (y) vb.push_back(*y);
      if (x && y) diff.push_back(*y - *x);  // paired: the same seed, the same fault schedule
    }
    const SampleStats a = sample_stats(va), bb = sample_stats(vb), d = sample_stats(diff);
    std::optional<double> mean_a = a.n ? std::optional(a.mean) : std::nullopt;
    std::optional<double> mean_b = bb.n ? std::optional(bb.mean) : std::nullopt;
    std::optional<double> mean_d = d.n ? std::optional(d.mean) : std::nullopt;
    // Better: the side the whole interval favours; "same" when every pair is equal; "unclear" when the interval
    // straddles zero.
    std::string better = "-";
    if (d.n >= 2 && d.ci95_low && d.ci95_high) {
      if (d.min == 0 && d.max == 0) better = "same";
      else if (*d.ci95_low > 0) better = h.higher_is_better ? "B" : "A";
      else if (*d.ci95_high < 0) better = h.higher_is_better ? "A" : "B";
      else better = "unclear";
    } else if (d.n == 1) {
      better = d.mean == 0 ? "same" : ((d.mean > 0) == h.higher_is_better ? "B" : "A");
    }
    const std::string ci = d.ci95_low ? "[" + fmt(d.ci95_low) + ", " + fmt(d.ci95_high) + "]" : "-";
    std::printf("%-26s %12s %12s %12s %27s  %s%s\n", h.label, fmt(mean_a).c_str(), fmt(mean_b).c_str(),
                fmt(mean_d).c_str(), ci.c_str(), better.c_str(),
                d.n < n ? (" (" + std::to_string(d.n) + " of " + std::to_string(n) + " seeds defined)").c_str() : "");
    out["metrics"].push_back({{"metric", h.metric},
                              {"label", h.label},
                              {"higher_is_better", h.higher_is_better},
                              {"a", {{"n", a.n}, {"mean", num(mean_a)}, {"std", a.n ? Json(a.std) : Json()}}},
                              {"b", {{"n", bb.n}, {"mean", num(mean_b)}, {"std", bb.n ? Json(bb.std) : Json()}}},
                              {"difference",
                               {{"n", d.n}, {"mean", num(mean_d)}, {"ci95_low", num(d.ci95_low)},
                                {"ci95_high", num(d.ci95_high)}}},
                              {"better", better}});
  }
  if (!o.report_path.empty()) {
    OutputFiles files;
    auto f = files.open(o.report_path);
    f << out.dump(1) << '\n';
    if (!f) throw InputError(o.report_path + ": cannot write");
    f.close();
    files.commit();
  }
  return failed ? 1 : 0;
}

}  // namespace mrsim
