// mrsim sweep / mrsim merge (docs/sweeps.md). The only state is in the output directory:
//  - sweep.json: the sweep's definition and every run's key (written first, compared on resume and merge);
//  - runs.jsonl: one line per finished run, appended with a single write() and fsync'd as the run finishes, so a
//    kill -9 at any moment loses no finished run and leaves at most one partial last line, dropped on resume;
//  - runs.csv, summary.csv: derived from runs.jsonl, rewritten (temporary file, then rename) every 10 % of the runs
//    and at the end.
// A run's key is the hash of its effective scenario (the file with every override applied) and its seed.
#include "cli/sweep.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/read_text.h"
#include "cli/stats.h"
#include "sim/scenario_loader.h"

namespace mrsim {

using Json = nlohmann::ordered_json;

namespace {

constexpr const char* kFormat = "mrsim-sweep-1";

std::string fnv_hex(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

bool exists(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

void write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw InputError(path + ": cannot write");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw InputError(path + ": cannot write");
}

void make_dir(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir)) throw InputError(dir + ": cannot create the directory");
}

// ---------------------------------------------------------------------------------------------------------------
// The plan

struct Axis {
  std::string path;
  std::vector<std::string> values;
};

std::vector<Axis> parse_grid(const std::vector<std::string>& grids) {
  std::vector<Axis> axes;
  for (const std::string& g : grids) {
    const size_t eq = g.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError("--grid " + g + ": expected PATH=v1,v2,... such as routing.ttl=30s,60s,300s");
    Axis a;
    a.path = g.substr(0, eq);
    std::stringstream in(g.substr(eq + 1));
    std::string v;
    while (std::getline(in, v, ',')) {
      if (v.empty()) throw InputError("--grid " + g + ": expected values separated by single commas, found an empty value");
      a.values.push_back(v);
    }
    if (a.values.empty()) throw InputError("--grid " + g + ": expected at least one value after \"=\"");
    for (const Axis& other : axes)
      if (other.path == a.path) throw InputError("--grid " + g + ": expected each path once, found " + a.path + " twice");
    axes.push_back(std::move(a));
  }
  return axes;
}

std::pair<unsigned, unsigned> parse_shard(const std::string& text) {
  const size_t slash = text.find('/');
  auto bad = [&] {
    return InputError("--shard: expected i/N with 1 <= i <= N, such as 2/8, found \"" + text + "\"");
  };
  if (slash == std::string::npos) throw bad();
  const std::string i = text.substr(0, slash), n = text.substr(slash + 1);
  if (i.empty() || n.empty() || i.size() > 6 || n.size() > 6 || i.find_first_not_of("0123456789") != std::string::npos ||
      n.find_first_not_of("0123456789") != std::string::npos)
    throw bad();
  const unsigned a = unsigned(std::stoul(i)), b = unsigned(std::stoul(n));
  if (a < 1 || b < 1 || a > b) throw bad();
  return {a, b};
}

// Every run of the sweep, validated, with its key; the definition that sweep.json holds.
Json plan_sweep(const SweepOptions& o, const std::vector<Axis>& axes, const std::vector<uint64_t>& seeds) {
  const Scenario base = load_scenario_file(o.scenario, o.sets, std::nullopt);
  Json def;
  def["format"] = kFormat;
  def["scenario"] = o.scenario;
  def["scenario_hash"] = base.hash;
  def["sets"] = o.sets;
  def["grid"] = Json::array();
  for (const Axis& a : axes) def["grid"].push_back({{"path", a.path}, {"values", a.values}});
  def["seeds"] = seeds;
  def["sweep_id"] = fnv_hex(base.hash + "|" + def["grid"].dump() + "|" + def["seeds"].dump());
  def["runs"] = Json::array();
  // Grid points in odometer order, the first axis slowest; every point is validated before any run starts.
  std::vector<size_t> digit(axes.size(), 0);
  for (bool more = true; more;) {
    std::vector<std::string> sets = o.sets;
    Json point = Json::object();
    for (size_t a = 0; a < axes.size(); ++a) {
      sets.push_back(axes[a].path + "=" + axes[a].values[digit[a]]);
      point[axes[a].path] = axes[a].values[digit[a]];
    }
    const Scenario s = load_scenario_file(o.scenario, sets, std::nullopt);
    for (uint64_t seed : seeds)
      def["runs"].push_back({{"key", fnv_hex(s.hash + "|seed=" + std::to_string(seed))}, {"grid", point}, {"seed", seed}});
    more = false;
    for (size_t a = axes.size(); a-- > 0;) {
      if (++digit[a] < axes[a].values.size()) {
        more = true;
        break;
      }
      digit[a] = 0;
    }
  }
  return def;
}

// ---------------------------------------------------------------------------------------------------------------
// Results: runs.jsonl, runs.csv, summary.csv

// The lines of runs.jsonl that parse; a partial last line (a kill while appending) is dropped.
std::vector<Json> read_runs(const std::string& path) {
  std::vector<Json> lines;
  std::istringstream in(read_text_or_empty(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    try {
      lines.push_back(Json::parse(line));
    } catch (const std::exception&) {
      // a line cut short by a kill: the run is not recorded and will run again
    }
  }
  return lines;
}

void append_line(const std::string& path, const Json& line) {
  const std::string text = line.dump() + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) throw InputError(path + ": cannot write");
  const ssize_t n = ::write(fd, text.data(), text.size());
  ::fsync(fd);
  ::close(fd);
  if (n != ssize_t(text.size())) throw InputError(path + ": cannot write");
}

void flatten(const Json& v, const std::string& pointer, std::vector<std::pair<std::string, const Json*>>& out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      std::string key = it.key();
      std::string escaped;
      for (char c : key) escaped += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
      flatten(it.value(), pointer + "/" + escaped, out);
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) flatten(v[i], pointer + "/" + std::to_string(i), out);
  } else {
    out.emplace_back(pointer, &v);
  }
}

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string q = "\"";
  for (char c : text) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string cell_of(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return csv_cell(v.get<std::string>());
  return csv_cell(v.dump());
}

std::string number_cell(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return "";
  return Json(*v).dump();
}

void write_tables(const std::string& dir, const Json& def, std::vector<Json> runs) {
  // Rows in the sweep's own order (grid point, then seed), whatever order the runs finished in.
  std::map<std::string, size_t> order;
  for (size_t i = 0; i < def["runs"].size(); ++i) order[def["runs"][i]["key"].get<std::string>()] = i;
  std::stable_sort(runs.begin(), runs.end(), [&](const Json& a, const Json& b) {
    return order[a.value("key", "")] < order[b.value("key", "")];
  });
  std::vector<std::string> axes;
  for (const Json& a : def["grid"]) axes.push_back(a["path"].get<std::string>());
  // Metric columns: every scalar of every report, in order of first appearance.
  std::vector<std::string> columns;
  std::set<std::string> seen;
  std::vector<std::map<std::string, const Json*>> values(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!runs[i].contains("report")) continue;
    std::vector<std::pair<std::string, const Json*>> flat;
    flatten(runs[i]["report"], "", flat);
    for (const auto& [pointer, v] : flat) {
      values[i][pointer] = v;
      if (seen.insert(pointer).second) columns.push_back(pointer);
    }
  }
  std::ostringstream csv;
  csv << "key,seed";
  for (const auto& a : axes) csv << ',' << csv_cell(a);
  csv << ",status,exit_code,wall_s";
  for (const auto& c : columns) csv << ',' << csv_cell(c);
  csv << '\n';
  for (size_t i = 0; i < runs.size(); ++i) {
    const Json& r = runs[i];
    csv << cell_of(r["key"]) << ',' << cell_of(r["seed"]);
    for (const auto& a : axes) csv << ',' << cell_of(r["grid"].value(a, Json()));
    csv << ',' << cell_of(r["status"]) << ',' << cell_of(r["exit_code"]) << ',' << cell_of(r["wall_s"]);
    for (const auto& c : columns) {
      auto it = values[i].find(c);
      csv << ',' << (it == values[i].end() ? std::string() : cell_of(*it->second));
    }
    csv << '\n';
  }
  write_atomically(dir + "/runs.csv", csv.str());

  // Summary: per grid point, every numeric column over the point's successful runs.
  std::ostringstream sum;
  for (const auto& a : axes) sum << csv_cell(a) << ',';
  sum << "metric,n,mean,std,ci95_low,ci95_high,min,p50,p95,max\n";
  std::map<std::string, std::vector<size_t>> by_point;  // point (as JSON text) -> run indices
  std::vector<std::string> point_order;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (runs[i]["status"] != "ok") continue;
    const std::string p = runs[i]["grid"].dump();
    if (!by_point.count(p)) point_order.push_back(p);
    by_point[p].push_back(i);
  }
  for (const std::string& p : point_order) {
    const Json point = Json::parse(p);
    for (const auto& c : columns) {
      std::vector<double> xs;
      for (size_t i : by_point[p]) {
        auto it = values[i].find(c);
        if (it == values[i].end()) continue;
        if (it->second->is_number()) xs.push_back(it->second->get<double>());
        else if (it->second->is_boolean()) xs.push_back(it->second->get<bool>() ? 1.0 : 0.0);
      }
      if (xs.empty()) continue;
      const SampleStats s = sample_stats(xs);
      for (const auto& a : axes) sum << cell_of(point.value(a, Json())) << ',';
      sum << csv_cell(c) << ',' << s.n << ',' << number_cell(s.mean) << ',' << number_cell(s.std) << ','
          << number_cell(s.ci95_low) << ',' << number_cell(s.ci95_high) << ',' << number_cell(s.min) << ','
          << number_cell(s.p50) << ',' << number_cell(s.p95) << ',' << number_cell(s.max) << '\n';
    }
  }
  write_atomically(dir + "/summary.csv", sum.str());
}

// ---------------------------------------------------------------------------------------------------------------
// Progress

class Progress {
 public:
  Progress(size_t total) : total_(total), tty_(::isatty(2)), start_(std::chrono::steady_clock::now()) {}
  void update(size_t done, size_t failed) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta = done > 0 ? elapsed / double(done) * double(total_ - done) : 0;
    char line[200];
    if (tty_) {
      const int width = 30, filled = total_ ? int(width * done / total_) : width;
      std::snprintf(line, sizeof line, "\r[%-*s] %zu/%zu runs, %zu failed, %.0f s elapsed, ETA %.0f s ", width,
                    std::string(size_t(filled), '#').c_str(), done, total_, failed, elapsed, eta);
      std::cerr << line << (done == total_ ? "\n" : "") << std::flush;
      return;
    }
    const size_t tenth = total_ ? done * 10 / total_ : 10;
    if (tenth == last_tenth_ && done != total_) return;
    last_tenth_ = tenth;
    std::snprintf(line, sizeof line, "sweep: %zu/%zu runs (%zu%%), %zu failed, %.0f s elapsed, about %.0f s left\n",
                  done, total_, total_ ? done * 100 / total_ : 100, failed, elapsed, eta);
    std::cerr << line << std::flush;
  }

 private:
  size_t total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  size_t last_tenth_ = size_t(-1);
};

}  // namespace

int cmd_sweep(const SweepOptions& o, const Simulate& simulate) {
  if (o.scenario.empty()) throw InputError("sweep: expected a scenario file");
  if (o.out.empty()) throw InputError("sweep: expected --out DIR");
  if (o.run_timeout_s < 0 || !std::isfinite(o.run_timeout_s))
    throw InputError("--run-timeout: expected a number of seconds >= 0");
  const std::vector<Axis> axes = parse_grid(o.grids);
  const std::vector<uint64_t> seeds = parse_seeds(o.seeds, "--seeds");
  std::pair<unsigned, unsigned> shard{1, 1};
  if (!o.shard.empty()) shard = parse_shard(o.shard);
  Json def = plan_sweep(o, axes, seeds);
  def["shard"] = o.shard.empty() ? Json() : Json(o.shard);

  make_dir(o.out);
  const std::string def_path = o.out + "/sweep.json", runs_path = o.out + "/runs.jsonl";
  if (exists(def_path)) {
    Json old;
    try {
      old = Json::parse(read_text_or_empty(def_path));
    } catch (const std::exception&) {
      throw InputError(def_path + ": expected a sweep definition, found unreadable JSON");
    }
    if (old.value("sweep_id", "") != def["sweep_id"] || old.value("shard", Json()) != def["shard"])
      throw InputError(o.out + ": holds another sweep (its sweep.json differs: scenario, --set, --grid, --seeds or "
                       "--shard); give another --out");
  } else {
    write_atomically(def_path, def.dump(1) + "\n");
  }

  // Resume: keep the runs that succeeded, forget failed ones (they run again).
  std::vector<Json> kept;
  std::set<std::string> done;
  const std::vector<Json> previous = read_runs(runs_path);
  for (const Json& r : previous)
    if (r.value("status", "") == "ok" && done.insert(r.value("key", "")).second) kept.push_back(r);
  if (kept.size() != previous.size() || (exists(runs_path) && !read_text_or_empty(runs_path).empty() &&
                                          read_text_or_empty(runs_path).back() != '\n')) {
    std::string text;
    for (const Json& r : kept) text += r.dump() + "\n";
    write_atomically(runs_path, text);
  }

  std::vector<RunSpec> specs;
  std::vector<const Json*> planned;
  const Json& runs = def["runs"];
  for (size_t i = 0; i < runs.size(); ++i) {
    if (i % shard.second != shard.first - 1) continue;
    if (done.count(runs[i]["key"].get<std::string>())) continue;
    RunSpec spec{o.scenario, o.sets, runs[i]["seed"].get<uint64_t>()};
    for (const auto& [path, value] : runs[i]["grid"].items()) spec.sets.push_back(path + "=" + value.get<std::string>());
    specs.push_back(std::move(spec));
    planned.push_back(&runs[i]);
  }
  const size_t skipped = done.size();
  if (skipped) std::cerr << "sweep: " << skipped << " runs already done in " << o.out << ", skipped\n";
  std::vector<Json> all = kept;
  size_t finished = 0, failed = 0;
  Progress progress(specs.size());
  progress.update(0, 0);
  const unsigned jobs = o.jobs ? o.jobs : default_jobs();
  run_all(specs, jobs, o.run_timeout_s, o.out, simulate, [&](size_t i, RunResult&& r) {
    Json line;
    line["key"] = (*planned[i])["key"];
    line["seed"] = (*planned[i])["seed"];
    line["grid"] = (*planned[i])["grid"];
    line["status"] = r.ok ? "ok" : "failed";
    line["exit_code"] = r.exit_code;
    line["wall_s"] = std::round(r.wall_s * 1000) / 1000;
    if (!r.ok) line["stderr_tail"] = r.timed_out ? r.stderr_tail : r.stderr_tail;
    if (r.ok) line["report"] = std::move(r.report);
    append_line(runs_path, line);
    all.push_back(std::move(line));
    ++finished;
    failed += !r.ok;
    progress.update(finished, failed);
    if (specs.size() >= 10 && finished % (specs.size() / 10) == 0 && finished != specs.size())
      write_tables(o.out, def, all);
  });
  write_tables(o.out, def, all);
  std::cerr << "sweep: " << all.size() << " runs in " << o.out << " (" << finished << " run now, " << skipped
            << " from before), " << failed << " failed\n";
  return failed ? 1 : 0;
}

int cmd_merge(const std::vector<std::string>& dirs, const std::string& out) {
  if (dirs.empty()) throw InputError("merge: expected at least one sweep directory");
  if (out.empty()) throw InputError("merge: expected --out DIR");
  Json def;
  std::map<std::string, std::string> owner;  // key -> directory it came from
  std::vector<Json> all;
  for (const std::string& dir : dirs) {
    Json d;
    try {
      d = Json::parse(read_text_or_empty(dir + "/sweep.json"));
    } catch (const std::exception&) {
      throw InputError(dir + ": expected a sweep directory (with sweep.json), found none");
    }
    if (d.value("format", "") != kFormat) throw InputError(dir + "/sweep.json: expected format " + std::string(kFormat));
    if (def.is_null()) {
      def = d;
    } else if (d["sweep_id"] != def["sweep_id"]) {
      std::string why = d["scenario_hash"] != def["scenario_hash"] ? "the scenario or its --set overrides differ"
                        : d["grid"] != def["grid"]                  ? "the --grid differs"
                                                                     : "the --seeds differ";
      throw InputError(dir + ": a shard of another sweep than " + dirs.front() + " (" + why + ")");
    }
    for (Json& r : read_runs(dir + "/runs.jsonl")) {
      if (r.value("status", "") != "ok") continue;
      const std::string key = r.value("key", "");
      auto [it, fresh] = owner.emplace(key, dir);
      if (!fresh) throw InputError("run " + key + " (seed " + r["seed"].dump() + ") is in both " + it->second + " and " + dir);
      all.push_back(std::move(r));
    }
  }
  std::vector<std::string> missing;
  for (const Json& r : def["runs"])
    if (!owner.count(r["key"].get<std::string>())) missing.push_back("seed " + r["seed"].dump() + " at " + r["grid"].dump());
  make_dir(out);
  def["shard"] = Json();
  write_atomically(out + "/sweep.json", def.dump(1) + "\n");
  std::string text;
  for (const Json& r : all) text += r.dump() + "\n";
  write_atomically(out + "/runs.jsonl", text);
  write_tables(out, def, all);
  std::cerr << "merge: " << all.size() << " of " << def["runs"].size() << " runs into " << out << "\n";
  if (!missing.empty()) {
    std::cerr << "merge: " << missing.size() << " runs missing:\n";
    for (size_t i = 0; i < missing.size() && i < 20; ++i) std::cerr << "  " << missing[i] << "\n";
    if (missing.size() > 20) std::cerr << "  ... and " << missing.size() - 20 << " more\n";
    return 1;
  }
  return 0;
}

}  // namespace mrsim
