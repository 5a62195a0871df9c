// mrsim shrink (docs/shrink.md). The search in three steps:
//  1. the first run (the scenario as given) and the run without any fault, side by side: which expectations miss,
//     and whether the faults have anything to do with it;
//  2. ddmin (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", 2002) over the fault list:
//     the list split in n parts, each part tried alone, then each complement; the first candidate that still
//     misses, in that fixed order, becomes the list (n back to 2, or n - 1 for a complement); when none misses, n
//     doubles until every part is one fault;
//  3. for each remaining fault, a bisection of its duration (start kept) and then of its start (end kept), down
//     to the larger of 1 s and 1 % of what is bisected; clock faults without a duration only get the start's.
// Every candidate runs in a child process (run_all, cli/runner.h). A batch holds up to --jobs candidates that the
// sequential search might need next — in ddmin the next untried candidates in order, in a bisection the next
// levels of its decision tree — and every decision is taken in the sequential order from the cached results. So
// within the budget the result does not depend on --jobs or on which child finished first; more jobs only run
// candidates that turn out not to be needed.
// The shrunk scenario is written as people write scenarios by cli/shrink_output.cpp.
#include "cli/shrink.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/output_files.h"
#include "cli/shrink_output.h"
#include "sim/expect.h"
#include "sim/faults_random.h"
#include "sim/scenario_loader.h"
#include "sim/units.h"

namespace mrsim {

using Json = nlohmann::json;
using Faults = std::vector<Json>;

std::vector<Json> concrete_faults(const Json& scenario, const Scenario& loaded) {
  std::vector<Json> faults;
  if (scenario.is_object() && scenario.contains("faults") && scenario["faults"].is_array())
    for (const Json& f : scenario["faults"]) faults.push_back(f);
  // Random faults, drawn from the seed, written back as plain faults (sim/faults_random.h): each candidate then
  // carries the ones it keeps in its `faults` and no `faults_random`.
  if (loaded.faults_random.any())
    for (const Json& f : random_faults_json(loaded)) faults.push_back(f);
  return faults;
}

namespace {

enum class Verdict { Misses, Holds, Error };

struct Outcome {
  Verdict verdict = Verdict::Holds;
  std::string misses;  // the target expectations that missed: "availability >= 0.999 (actual 0.97)", ...
};

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string described(const ExpectationResult& r) {
  return r.expectation.metric + " " + r.expectation.text + " (actual " + (r.found ? number(r.actual) : "absent") + ")";
}

using shrink_output::cut;
using shrink_output::default_out;
using shrink_output::like;
using shrink_output::one_line;
using shrink_output::read_original;
using shrink_output::suffixed;
using shrink_output::write_json;

std::string key_of(const Faults& faults) {
  return Json(faults).dump();
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

class Search {
 public:
  Search(const ShrinkOptions& o, const Json& document, const Scenario& scenario, const Simulate& simulate,
         std::string work)
      : o_(o),
        document_(document),
        scenario_(scenario),
        simulate_(simulate),
        work_(std::move(work)),
        jobs_(o.jobs ? o.jobs : default_jobs()),
        start_(std::chrono::steady_clock::now()) {}

  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }
  uint64_t runs() const { return runs_; }
  uint64_t errors() const { return errors_; }
  const std::string& first_error() const { return first_error_; }
  const std::string& cut_short() const { return cut_short_; }
  void set_status(std::string status) { status_ = std::move(status); }

  // Runs each candidate in a child, at most --jobs at a time, each killed when the time budget runs out; the
  // results in the candidates' order.
  std::vector<RunResult> launch(const std::vector<Faults>& batch) {
    std::vector<RunSpec> specs;
    for (size_t i = 0; i < batch.size(); ++i) {
      const std::string path = work_ + "/candidate-" + std::to_string(runs_ + i) + ".json";
      std::ofstream out(path, std::ios::binary);
      out << candidate_document(batch[i]).dump(1) << '\n';
      out.close();
      if (!out) throw std::runtime_error("shrink: cannot write " + path);
      specs.push_back({path, {}, scenario_.seed});
    }
    std::vector<RunResult> results(batch.size());
    const double left = std::max(o_.max_time_s - elapsed(), 0.001);
    run_all(specs, jobs_, left, work_, simulate_, [&](size_t i, RunResult&& r) { results[i] = std::move(r); });
    for (const RunSpec& spec : specs) std::remove(spec.scenario_path.c_str());
    runs_ += batch.size();
    return results;
  }

  // The expectations whose miss counts.
  void set_targets(std::set<std::string> targets) { targets_ = std::move(targets); }

  // Whether a run still misses: a target misses (for the run without faults, with a value).
  Outcome judge(const RunResult& r, bool no_faults) {
    Outcome out;
    if (!r.ok) {
      ++errors_;
      if (first_error_.empty())
        first_error_ =
            "exit " + std::to_string(r.exit_code) + (r.timed_out ? " (timed out)" : "") + ": " + r.stderr_tail;
      out.verdict = Verdict::Error;
      return out;
    }
    for (const ExpectationResult& e : evaluate_expectations(scenario_, r.report)) {
      if (!targets_.count(e.expectation.metric) || e.held) continue;
      // A metric undefined without faults (rto_s, client_recovery_p99_s) is not a miss the faults caused.
      if (no_faults && !e.found) continue;
      out.verdict = Verdict::Misses;
      out.misses += (out.misses.empty() ? "" : "; ") + described(e);
    }
    return out;
  }

  void remember(const Faults& faults, Outcome outcome) { cache_[key_of(faults)] = std::move(outcome); }

  const Outcome* cached(const Faults& faults) const {
    auto it = cache_.find(key_of(faults));
    return it == cache_.end() ? nullptr : &it->second;
  }

  // How many more candidates may run now: --jobs, within what is left of the run and time budgets. 0 marks the
  // search cut short.
  size_t slots() {
    if (!cut_short_.empty()) return 0;
    if (runs_ >= o_.max_runs) {
      cut_short_ = "the run budget (--max-runs " + std::to_string(o_.max_runs) + ") is spent";
      return 0;
    }
    if (elapsed() >= o_.max_time_s) {
      cut_short_ = "the time budget (--max-time " + format_duration(o_.max_time_s) + ") is spent";
      return 0;
    }
    return size_t(std::min<uint64_t>(jobs_, o_.max_runs - runs_));
  }

  // Runs the (uncached, distinct) candidates and caches their outcomes; false when the search is cut short.
  bool run(const std::vector<Faults>& batch) {
    if (batch.empty()) return cut_short_.empty();
    std::vector<RunResult> results = launch(batch);
    for (size_t i = 0; i < batch.size(); ++i) {
      if (results[i].timed_out) {  // killed when the time budget ran out: no verdict
        cut_short_ = "the time budget (--max-time " + format_duration(o_.max_time_s) + ") is spent";
        continue;
      }
      remember(batch[i], judge(results[i], batch[i].empty()));
    }
    std::fprintf(stderr, "shrink: %llu runs, %s: %s\n", static_cast<unsigned long long>(runs_),
                 seconds(elapsed()).c_str(), status_.c_str());
    return cut_short_.empty();
  }

  // The index of the first candidate that still misses, deciding in the candidates' order; nullopt when none does
  // or the budget ran out first (cut_short() says which).
  std::optional<size_t> first_missing(const std::vector<Faults>& candidates) {
    while (true) {
      std::vector<Faults> batch;
      std::set<std::string> keys;
      std::optional<size_t> room;  // asked only when something must run
      for (size_t i = 0; i < candidates.size(); ++i) {
        if (const Outcome* known = cached(candidates[i])) {
          if (known->verdict != Verdict::Misses) continue;
          if (batch.empty()) return i;
          break;  // the ones before it decide first
        }
        if (!room) room = slots();
        if (*room == 0) return std::nullopt;
        if (keys.insert(key_of(candidates[i])).second) batch.push_back(candidates[i]);
        if (batch.size() == *room) break;
      }
      if (batch.empty()) return std::nullopt;
      if (!run(batch)) return std::nullopt;
    }
  }

  // Bisection between `pass` (assumed to hold) and `fail` (known to miss) in whole seconds, until they are at most
  // `resolution` apart; returns the last value known to miss. A batch holds the midpoints of the next levels of the
  // decision tree, breadth first, the "still misses" branch first.
  double bisect(double pass, double fail, double resolution, const std::function<Faults(double)>& make) {
    auto mid = [&](double p, double f) -> std::optional<double> {
      if (std::fabs(f - p) <= resolution) return std::nullopt;
      const double m = std::round((p + f) / 2);
      if (!(std::min(p, f) < m && m < std::max(p, f))) return std::nullopt;
      return m;
    };
    while (auto m = mid(pass, fail)) {
      if (const Outcome* known = cached(make(*m))) {
        (known->verdict == Verdict::Misses ? fail : pass) = *m;
        continue;
      }
      const size_t room = slots();
      if (room == 0) break;
      std::vector<Faults> batch;
      std::set<std::string> keys;
      std::deque<std::pair<double, double>> queue{{pass, fail}};
      while (!queue.empty() && batch.size() < room) {
        const auto [p, f] = queue.front();
        queue.pop_front();
        const auto mm = mid(p, f);
        if (!mm) continue;
        Faults candidate = make(*mm);
        if (const Outcome* known = cached(candidate)) {
          queue.push_back(known->verdict == Verdict::Misses ? std::make_pair(p, *mm) : std::make_pair(*mm, f));
          continue;
        }
        if (keys.insert(key_of(candidate)).second) batch.push_back(std::move(candidate));
        queue.push_back({p, *mm});
        queue.push_back({*mm, f});
      }
      if (!run(batch)) break;
    }
    return fail;
  }

  Json candidate_document(const Faults& faults) const {
    Json d = document_;
    if (d.contains("faults_random")) {  // expanded into `faults` by concrete_faults once it knows them
      d.erase("faults_random");
      d["metrics"]["long_run"] = true;  // the long-run figures the expectations may name stay in the report
    }
    d["faults"] = faults;
    d["seed"] = scenario_.seed;
    d["name"] = suffixed(scenario_.name, "-shrink-candidate");
    return d;
  }

 private:
  const ShrinkOptions& o_;
  const Json& document_;
  const Scenario& scenario_;
  const Simulate& simulate_;
  std::string work_;
  unsigned jobs_;
  std::chrono::steady_clock::time_point start_;
  std::set<std::string> targets_;
  std::map<std::string, Outcome> cache_;
  uint64_t runs_ = 0, errors_ = 0;
  std::string first_error_, cut_short_, status_;
};

// ddmin over `c`, which is known to miss.
Faults ddmin(Search& search, Faults c) {
  size_t n = 2;
  while (c.size() >= 2) {
    n = std::min(n, c.size());
    std::vector<Faults> candidates;
    for (size_t i = 0; i < n; ++i)
      candidates.emplace_back(c.begin() + long(c.size() * i / n), c.begin() + long(c.size() * (i + 1) / n));
    if (n > 2)  // with two parts each complement is the other part
      for (size_t i = 0; i < n; ++i) {
        Faults complement(c.begin(), c.begin() + long(c.size() * i / n));
        complement.insert(complement.end(), c.begin() + long(c.size() * (i + 1) / n), c.end());
        candidates.push_back(std::move(complement));
      }
    search.set_status("delta debugging, " + std::to_string(c.size()) + " faults left, in " + std::to_string(n) +
                      " parts");
    const std::optional<size_t> found = search.first_missing(candidates);
    if (!search.cut_short().empty()) break;
    if (found) {
      c = candidates[*found];
      n = *found < n ? 2 : std::max<size_t>(n - 1, 2);
      continue;
    }
    if (n >= c.size()) break;
    n = std::min(c.size(), 2 * n);
  }
  return c;
}

std::optional<double> duration_field(const Json& fault, const char* field) {
  if (!fault.contains(field) || !fault[field].is_string()) return std::nullopt;
  try {
    return parse_duration_s(fault[field].get<std::string>());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string fault_kind(const Json& fault) {
  return fault.contains("kind") && fault["kind"].is_string() ? fault["kind"].get<std::string>() : "fault";
}

// Each fault's interval, in the list's order: the duration bisected with the start kept, then the start with the
// end kept; a fault without a duration (a clock fault that lasts) gets its start bisected toward the end of the run.
Faults shrink_intervals(Search& search, Faults c, double run_end) {
  for (size_t k = 0; k < c.size() && search.cut_short().empty(); ++k) {
    const std::optional<double> at = duration_field(c[k], "at");
    if (!at) continue;
    search.set_status("fault " + std::to_string(k + 1) + " of " + std::to_string(c.size()) + " (" + fault_kind(c[k]) +
                      "): bisecting its interval");
    if (const std::optional<double> duration = duration_field(c[k], "duration")) {
      const double resolution = std::max(1.0, 0.01 * *duration);
      auto with_duration = [&](double d) {
        Faults g = c;
        g[k]["duration"] = format_duration(d);
        return g;
      };
      const double d = search.bisect(0, *duration, resolution, with_duration);
      if (d != *duration) c = with_duration(d);
      const double end = *at + d;
      auto with_start = [&](double a) {
        Faults g = c;
        g[k]["at"] = format_duration(a);
        g[k]["duration"] = format_duration(end - a);
        return g;
      };
      const double a = search.bisect(end, *at, resolution, with_start);
      if (a != *at) c = with_start(a);
    } else {
      auto with_start = [&](double a) {
        Faults g = c;
        g[k]["at"] = format_duration(a);
        return g;
      };
      const double a = search.bisect(run_end, *at, std::max(1.0, 0.01 * (run_end - *at)), with_start);
      if (a != *at) c = with_start(a);
    }
  }
  return c;
}

}  // namespace

int cmd_shrink(const ShrinkOptions& o, const Simulate& simulate) {
  if (o.scenario.empty()) throw InputError("shrink: expected a scenario file");
  if (o.max_runs < 1) throw InputError("--max-runs: expected at least 1 run");
  if (!(o.max_time_s > 0) || !std::isfinite(o.max_time_s)) throw InputError("--max-time: expected a duration > 0");
  const Json document = scenario_document(o.scenario, o.sets);
  const Scenario scenario = load_scenario_file(o.scenario, o.sets, o.seed);
  std::vector<std::string> plain, over_seeds;
  for (const Expectation& e : scenario.expect) (e.statistic.empty() ? plain : over_seeds).push_back(e.metric);
  auto join = [](const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
  };
  if (scenario.expect.empty())
    throw InputError("shrink: " + o.scenario + " has no \"expect\" block: shrink needs an expectation that misses");
  if (!o.expect.empty()) {
    std::vector<std::string> all = plain;
    all.insert(all.end(), over_seeds.begin(), over_seeds.end());
    if (std::find(all.begin(), all.end(), o.expect) == all.end())
      throw InputError("--expect " + o.expect + ": " + o.scenario + " has no such expectation; it has " + join(all));
    if (std::find(plain.begin(), plain.end(), o.expect) == plain.end())
      throw InputError("--expect " + o.expect +
                       ": a statistic over seeds; shrink works on the run's own expectations (" +
                       (plain.empty() ? std::string("none here") : join(plain)) + ")");
  }
  if (plain.empty())
    throw InputError("shrink: every expectation of " + o.scenario +
                     " is a statistic over seeds; shrink works on the run's own expectations");
  const Faults faults = concrete_faults(document, scenario);
  if (faults.empty())
    throw InputError("shrink: " + o.scenario + " has no faults: there is no fault schedule to shrink");

  // The output is opened first, so that an unwritable --out fails before the search rather than after it; it is
  // renamed into place only when a schedule is written.
  const std::string out_path = o.out.empty() ? default_out(o.scenario) : o.out;
  OutputFiles files;
  std::ofstream out = files.open(out_path);

  char work[] = "/tmp/mrsim-shrink-XXXXXX";
  if (!::mkdtemp(work)) throw std::runtime_error("shrink: cannot create a temporary directory");
  struct RemoveDir {
    std::string dir;
    ~RemoveDir() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } remove_work{work};
  Search search(o, document, scenario, simulate, work);

  // 1. The first run, and beside it (when the budget allows) the run without any fault.
  search.set_status("the first run and the run without faults");
  std::vector<Faults> first = {faults};
  if (o.max_runs >= 2) first.push_back({});
  std::vector<RunResult> results = search.launch(first);
  const RunResult& original = results[0];
  if (original.timed_out)
    throw InputError("shrink: the first run of " + o.scenario + " did not finish within --max-time " +
                     format_duration(o.max_time_s) + "; give it more");
  if (!original.ok)
    throw std::runtime_error("the first run of " + o.scenario + " failed (exit " + std::to_string(original.exit_code) +
                             "): " + original.stderr_tail);
  std::vector<std::string> missed;
  for (const ExpectationResult& e : evaluate_expectations(scenario, original.report)) {
    if (!e.expectation.statistic.empty()) continue;
    std::cerr << "shrink: first run: " << (e.held ? "held    " : "MISSED  ") << described(e) << "\n";
    if (!e.held) missed.push_back(e.expectation.metric);
  }
  const std::string skipped = over_seeds.empty() ? ""
                                                 : " (not looked at: the statistics over seeds " + join(over_seeds) +
                                                       "; mrsim check runs them)";
  if (missed.empty()) {
    std::cout << "shrink: every expectation of " << o.scenario << " holds (" << join(plain) << ")" << skipped
              << ": nothing to shrink\n";
    return 0;
  }
  if (!o.expect.empty() && std::find(missed.begin(), missed.end(), o.expect) == missed.end()) {
    std::cout << "shrink: " << o.expect << " holds in the run of " << o.scenario
              << ": nothing to shrink (missed: " << join(missed) << ")\n";
    return 0;
  }
  std::vector<std::string> targets = o.expect.empty() ? missed : std::vector<std::string>{o.expect};
  // A miss that the run without any fault has too (with a value: rto_s is undefined without faults) is not the
  // faults' doing. The search looks for the others; when every target is such a miss, the schedule is empty.
  std::vector<std::string> not_the_faults;
  const bool have_empty_run = first.size() > 1 && !results[1].timed_out;
  if (have_empty_run && results[1].ok)
    for (const ExpectationResult& e : evaluate_expectations(scenario, results[1].report))
      if (!e.held && e.found && std::find(targets.begin(), targets.end(), e.expectation.metric) != targets.end())
        not_the_faults.push_back(e.expectation.metric);
  const bool needs_no_fault = !targets.empty() && not_the_faults.size() == targets.size();
  if (!not_the_faults.empty() && !needs_no_fault) {
    std::vector<std::string> rest;
    for (const std::string& t : targets)
      if (std::find(not_the_faults.begin(), not_the_faults.end(), t) == not_the_faults.end()) rest.push_back(t);
    targets = rest;
    std::cerr << "shrink: " << join(not_the_faults) << " misses without any fault too: left out; the search keeps "
              << join(targets) << " missing\n";
  }
  search.set_targets({targets.begin(), targets.end()});
  search.remember(faults, search.judge(original, false));
  if (have_empty_run) search.remember({}, search.judge(results[1], true));

  // 2. and 3.: which faults, then how little of each.
  Faults best;
  if (!needs_no_fault) {
    best = ddmin(search, faults);
    best = shrink_intervals(search, best, scenario.duration_s);
  }
  const Outcome* outcome = search.cached(best);
  const std::string misses = outcome ? outcome->misses : std::string();

  // The schedule as a scenario that replays the miss.
  Json shrunk = search.candidate_document(best);
  shrunk["name"] = suffixed(scenario.name, "-shrunk");
  std::string from = o.scenario;
  for (const std::string& set : o.sets) from += " --set " + shell_quote(set);
  if (o.seed) from += " --seed " + std::to_string(*o.seed);
  shrunk["description"] = cut(
      "Shrunk by mrsim shrink from " + from + " (seed " + std::to_string(scenario.seed) + "): " +
          (needs_no_fault ? "no fault: the expectation misses without any of its " + std::to_string(faults.size())
                          : std::to_string(best.size()) + " of its " + std::to_string(faults.size()) +
                                " faults, the fewest and shortest found that still make " + join(targets) + " miss") +
          ": " + misses + (search.cut_short().empty() ? "" : "; the search was cut short: " + search.cut_short()) +
          ". The original's description: " + scenario.description,
      4000);
  load_scenario_text(shrunk.dump(), out_path, {}, std::nullopt);  // the written file replays as it ran
  const nlohmann::ordered_json as_written = read_original(o.scenario);
  write_json(out, like(shrunk, as_written.is_object() ? &as_written : nullptr, true), 0);
  out << '\n';
  out.close();
  if (!out) throw InputError(out_path + ": cannot write");
  files.commit();

  if (needs_no_fault)
    std::cout << "shrink: without any fault still: " << misses << "; the faults are not the cause\n";
  else
    std::cout << "shrink: " << best.size() << " of " << faults.size() << " faults still make " << join(targets)
              << " miss: " << misses << "\n";
  for (const Json& f : best) std::cout << "  " << one_line(f) << "\n";
  if (!not_the_faults.empty() && !needs_no_fault)
    std::cout << "left out: " << join(not_the_faults) << ", which misses without any fault too\n";
  if (!search.cut_short().empty())
    std::cout << "the search was cut short: " << search.cut_short()
              << "; the schedule written is the smallest found so far, and it still misses\n";
  std::cout << "runs: " << search.runs() << " (at most " << o.max_runs << "), wall time " << seconds(search.elapsed())
            << "\n";
  if (search.errors())
    std::cout << search.errors()
              << " candidate(s) did not run to the end and counted as not missing; the first: " << search.first_error()
              << "\n";
  std::cout << "written: " << out_path << "\nreplay: mrsim run " << shell_quote(out_path) << "\n";
  return 1;
}

}  // namespace mrsim
