// The validator's cross-field checks of the run: partition groups, expectations, metrics steps, faults and random
// fault classes, clients and their sessions (the walk is in sim/schema.cpp).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

#include "sim/schema_walk.h"
#include "sim/units.h"

namespace mrsim {

using nlohmann::json;
using namespace schema_text;

namespace {

const char* const kExpectOps[] = {"<=", ">=", "==", "!=", "<", ">"};  // two-character ops first: "<=" is not "<"

}  // namespace

namespace schema_walk {

void Walker::walk_groups(const json& v, const std::string& pointer) {
  if (!v.is_array() || v.size() < 2)
    throw SchemaError(pointer, "two or more lists of region names such as [[\"a\"], [\"b\", \"c\"]]",
                      describe_json(v));
  std::map<std::string, std::string> placed;
  for (size_t g = 0; g < v.size(); ++g) {
    std::string group_at = child(pointer, g);
    if (!v[g].is_array() || v[g].empty())
      throw SchemaError(group_at, "a non-empty list of region names", describe_json(v[g]));
    for (size_t i = 0; i < v[g].size(); ++i) {
      std::string at = child(group_at, i);
      check_region_ref(v[g][i], at);
      auto [it, fresh] = placed.emplace(v[g][i].get<std::string>(), at);
      if (!fresh)
        throw SchemaError(at, "a region in only one group (" + it->second + " already has it)",
                          describe_json(v[g][i]));
    }
  }
}

void Walker::walk_expectations(json& v, const std::string& pointer) {
  if (!v.is_object()) throw SchemaError(pointer, "an object mapping metrics to conditions", describe_json(v));
  for (auto& item : v.items()) {
    const std::string& key = item.key();
    std::string at = child(pointer, key);
    bool is_alias = std::find(aliases_.begin(), aliases_.end(), key) != aliases_.end();
    if (!is_alias && (key.empty() || key[0] != '/')) {
      std::string hint = did_you_mean(key, aliases_);
      throw SchemaError(at,
                        "a metric alias" + (hint.empty() ? " (" + join(aliases_, ", ") + ")" : hint) +
                            " or a JSON pointer into the report starting with \"/\"",
                        "key " + shown_string(key));
    }
    if (!is_alias) {
      // Checked now rather than found absent after the run: "~" must be "~0" or "~1" in a JSON pointer.
      try {
        json::json_pointer pointer_syntax(key);
      } catch (const json::exception&) {
        throw SchemaError(at, "a JSON pointer into the report (with \"~\" written only as \"~0\" or \"~1\")",
                          "key " + shown_string(key));
      }
    }
    json& cond = item.value();
    const char* expected = "a condition \"<op> <number>\" with <op> one of <, <=, ==, !=, >=, >, such as \"<= 300\", "
                           "or one over seeds such as \"p95 over seeds 1..20 <= 300\"";
    if (!cond.is_string()) throw SchemaError(at, expected, describe_json(cond));
    std::string text = cond.get<std::string>();
    // "<statistic> over seeds <from>..<to> <op> <number>": the statistic of the metric over those seeds' runs.
    std::string over;
    {
      std::istringstream words(text);
      std::string stat, w1, w2, range;
      if (words >> stat >> w1 >> w2 >> range && w1 == "over" && w2 == "seeds") {
        const char* const stats[] = {"mean", "min", "max", "p50", "p95", "p99"};
        if (std::find(std::begin(stats), std::end(stats), stat) == std::end(stats))
          throw SchemaError(at, "a statistic over seeds, one of mean, min, max, p50, p95, p99", describe_json(cond));
        const size_t dots = range.find("..");
        uint64_t from = 0, to = 0;
        const bool numbers =
            dots != std::string::npos && dots > 0 && dots + 2 < range.size() &&
            range.find_first_not_of("0123456789.") == std::string::npos &&
            std::from_chars(range.data(), range.data() + dots, from).ptr == range.data() + dots &&
            std::from_chars(range.data() + dots + 2, range.data() + range.size(), to).ptr == range.data() + range.size();
        if (!numbers || to < from || to - from >= 10000)
          throw SchemaError(at, "a seed range \"<from>..<to>\" of 1 to 10000 seeds, such as 1..20", describe_json(cond));
        over = stat + " over seeds " + std::to_string(from) + ".." + std::to_string(to) + " ";
        std::string rest;
        std::getline(words, rest);
        text = rest;
      }
    }
    size_t i = text.find_first_not_of(' ');
    std::string op;
    for (const char* candidate : kExpectOps)
      if (i != std::string::npos && text.compare(i, std::char_traits<char>::length(candidate), candidate) == 0) {
        op = candidate;
        break;
      }
    if (op.empty()) throw SchemaError(at, expected, describe_json(cond));
    size_t start = text.find_first_not_of(' ', i + op.size());
    size_t end = text.find_last_not_of(' ');
    double number = 0;
    if (start == std::string::npos) throw SchemaError(at, expected, describe_json(cond));
    auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + end + 1, number);
    if (ec != std::errc() || ptr != text.data() + end + 1 || !std::isfinite(number))
      throw SchemaError(at, expected, describe_json(cond));
    cond = over + op + " " + format_number(number == 0 ? 0.0 : number);  // "-0" is 0
  }
}

// The RTO search evaluates the success ratio over [t, t + window] at every step; the trace has one sample per
// interval. Both walk the whole run, so the run bounds how fine they may be (kMaxStepsPerRun, kMaxSamplesPerRun).
void Walker::check_metrics(const json& m, const std::string& pointer) {
  double window = parse_duration_s(m["window"].get<std::string>());
  double step = parse_duration_s(m["step"].get<std::string>());
  double sample = parse_duration_s(m["sample_interval"].get<std::string>());
  double run = run_duration_s_;
  auto at_least = [&](const char* key, double least, const std::string& why) {
    throw SchemaError(child(pointer, key), "a duration of at least " + format_duration(least) + " (" + why + ")",
                      as_written(child(pointer, key), m[key]));
  };
  double least_step = run / kMaxStepsPerRun;
  if (step < least_step)
    at_least("step", least_step,
             "the " + format_duration(run) + " run allows at most " + format_number(kMaxStepsPerRun) + " steps");
  if (window < step) at_least("window", step, "the step, so that no operation falls between two windows");
  double least_sample = run / kMaxSamplesPerRun;
  if (sample < least_sample)
    at_least("sample_interval", least_sample,
             "the " + format_duration(run) + " run allows at most " + format_number(kMaxSamplesPerRun) + " samples");
}

FaultChecks Walker::fault_checks() {
  return FaultChecks{routing_kind_, regions_, link_names_, node_regions(), run_duration_s_, dns_outage_,
                     region_drift_, slowing_ppm_, written()};
}

void Walker::check_fault(json& fault, const std::string& pointer) {
  FaultChecks checks = fault_checks();
  schema_text::check_fault(fault, pointer, checks);
}

void Walker::check_random_class(json& c, const std::string& pattern, const std::string& pointer) {
  FaultChecks checks = fault_checks();
  schema_text::check_random_class(c, pattern, pointer, checks);
}

void Walker::check_client(json& c, const std::string& pointer) {
  // A window reaching past the run is cut at its end (a shortened run keeps the file's burst times).
  const double start = c.contains("start") ? parse_duration_s(c["start"].get<std::string>()) : 0.0;
  if (c.contains("end") && parse_duration_s(c["end"].get<std::string>()) <= start)
    throw SchemaError(child(pointer, "end"), "an end after the start (" + format_duration(start) + ")",
                      as_written(child(pointer, "end"), c["end"]));
  const bool exponential = c.contains("backoff") && c["backoff"] == "exponential-jitter";
  if (!exponential && c.contains("backoff_cap"))
    fail_foreign(c, pointer, "backoff_cap", "unless backoff is \"exponential-jitter\"");
  if (c.contains("session")) check_session(c["session"], child(pointer, "session"));
}

void Walker::check_session(json& session, const std::string& pointer) {
  const std::string strategy = session["strategy"].get<std::string>();
  if (strategy != "read-own-writes-window" && session.contains("window"))
    fail_foreign(session, pointer, "window", "unless strategy is \"read-own-writes-window\"");
  if (strategy != "min-version" && session.contains("max_wait"))
    fail_foreign(session, pointer, "max_wait", "unless strategy is \"min-version\"");
  if (strategy == "read-own-writes-window" && !session.contains("window")) session["window"] = "5s";
  if (strategy == "min-version" && !session.contains("max_wait")) session["max_wait"] = "100ms";
  if (multi_primary_ && (strategy == "min-version" || strategy == "primary-reads"))
    throw SchemaError(child(pointer, "strategy"),
                      "\"none\", \"sticky\" or \"read-own-writes-window\" on a multi-primary database (it has no "
                      "one primary to read from or forward to)",
                      describe_json(session["strategy"]));
  if (routing_kind_ == "client" && strategy != "none" && strategy != "min-version")
    throw SchemaError(child(pointer, "strategy"),
                      "\"none\" or \"min-version\" under routing.kind \"client\" (each client already stays on "
                      "its endpoint, and reads and writes walk the same list)",
                      describe_json(session["strategy"]));
}

}  // namespace schema_walk

}  // namespace mrsim
