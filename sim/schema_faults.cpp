// Checks of the fault schedule: each fault against its kind and the rest of the scenario (regions, run length,
// routing), and each faults_random class against the components it names. Run by the walker (sim/schema.cpp) on
// blocks whose every default is filled; the walker's state they read and write is passed in (FaultChecks).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "sim/distribution.h"
#include "sim/schema_text.h"
#include "sim/units.h"

namespace mrsim::schema_text {

using nlohmann::json;

namespace {

[[noreturn]] void fail_absent(const std::string& pointer, const char* key, const std::string& why) {
  const FieldSpec* row = schema_row_for(std::string("/faults/*/") + key);
  throw SchemaError(child(pointer, key), type_noun(*row) + " (" + why + ")", "nothing");
}

// A clock's rate is 1 + (drift of its region + every drift fault on it) * 1e-6; it must stay above zero even if
// every slowing fault on the clock overlaps (an NTP slew adds at most its max_slew_ppm, and only toward true time).
void check_drift_total(const json& fault, const std::string& pointer, FaultChecks& w) {
  const std::string target = fault.contains("node") ? fault["node"].get<std::string>() : fault["region"].get<std::string>();
  std::string region = target;
  for (const char* prefix : {"db-", "monitor-", "resolvers-"})
    if (target.rfind(prefix, 0) == 0 && w.region_drift.count(target.substr(std::strlen(prefix))))
      region = target.substr(std::strlen(prefix));
  double& slowing = w.slowing_ppm[target];
  const double ppm = fault["drift_ppm"].get<double>();
  if (ppm < 0) slowing += ppm;
  const double base = w.region_drift.count(region) ? w.region_drift[region] : 0.0;
  const double region_slowing = target == region ? 0.0 : w.slowing_ppm[region];
  const double total = base + slowing + region_slowing;
  if (!(total > -1e6))
    throw SchemaError(child(pointer, "drift_ppm"),
                      "a drift that keeps the clock running (the region's " + format_number(base) +
                          " ppm and the slowing drift faults on this clock may overlap, and must stay above "
                          "-1000000 ppm together)",
                      describe_json(fault["drift_ppm"]) + ", which brings it to " + format_number(total) + " ppm");
}

}  // namespace

void check_fault(json& fault, const std::string& pointer, FaultChecks& w) {
  const std::string kind = fault["kind"].get<std::string>();
  const bool clock = kind == "clock_skew" || kind == "clock_drift";
  // The keys each kind needs, and the keys no other kind may carry.
  std::vector<std::string> needed, allowed;
  if (kind == "region_outage" || kind == "maintenance") needed = {"region", "duration"};
  if (kind == "maintenance" && w.routing_kind != "global_lb")
    throw SchemaError(child(pointer, "kind"), "a fault other than \"maintenance\" unless routing.kind is \"global_lb\" "
                      "(only a load balancer drains a backend)", describe_json(fault["kind"]));
  if (kind == "partition") needed = {"groups", "duration"}, allowed = {"direction", "scope"};
  if (kind == "link_degradation") needed = {"groups", "duration"}, allowed = {"scope", "added_latency", "jitter", "loss"};
  if (kind == "node_crash") needed = {"node", "duration"};
  if (kind == "gray_failure") needed = {"node", "duration"}, allowed = {"slowdown"};
  if (kind == "dns_outage") {
    needed = {"duration"}, w.dns_outage = true;
    if (w.routing_kind != "dns")
      throw SchemaError(child(pointer, "kind"), "a fault other than \"dns_outage\" unless routing.kind is \"dns\" "
                        "(only DNS clients use resolvers)", describe_json(fault["kind"]));
  }
  if (kind == "clock_skew") needed = {"offset"}, allowed = {"region", "node", "duration"};
  if (kind == "clock_drift") needed = {"drift_ppm"}, allowed = {"region", "node", "duration"};
  if (!clock && kind != "maintenance") allowed.push_back("flapping");
  for (const auto& key : needed)
    if (!fault.contains(key)) fail_absent(pointer, key.c_str(), "required for a " + kind + " fault");
  for (const char* key : {"region", "groups", "node", "offset", "drift_ppm", "duration", "direction", "scope",
                          "added_latency", "jitter", "loss", "slowdown", "flapping"}) {
    const bool ok = std::find(needed.begin(), needed.end(), key) != needed.end() ||
                    std::find(allowed.begin(), allowed.end(), key) != allowed.end();
    if (!ok && fault.contains(key))
      fail_foreign(fault, pointer, key,
                   "in a " + kind + " fault" + (clock ? "" : " (it has \"" + needed.front() + "\")"));
  }
  if (kind == "partition" && fault.value("direction", "both") == "one-way" && fault["groups"].size() != 2)
    throw SchemaError(child(pointer, "groups"),
                      "exactly two groups in a one-way partition (the first's messages to the second are lost)",
                      std::to_string(fault["groups"].size()) + " groups");
  if (kind == "link_degradation" && !fault.contains("added_latency") && !fault.contains("jitter") &&
      !fault.contains("loss"))
    throw SchemaError(pointer, "at least one of \"added_latency\", \"jitter\" or \"loss\" in a link_degradation fault",
                      "none");
  if (kind == "node_crash" || kind == "gray_failure") {
    const std::string node = fault["node"].get<std::string>();
    std::vector<std::string> hosts;
    const std::vector<const char*> prefixes =
        kind == "node_crash" ? std::vector<const char*>{"db-", "app-", "monitor-"} : std::vector<const char*>{"db-"};
    for (const auto& r : w.regions)
      for (const char* prefix : prefixes) hosts.push_back(prefix + r);
    if (std::find(hosts.begin(), hosts.end(), node) == hosts.end())
      throw SchemaError(child(pointer, "node"),
                        std::string(kind == "node_crash" ? "a host named db-<region>, app-<region> or monitor-<region>"
                                                         : "a database node named db-<region>") +
                            " for a region in /regions" + did_you_mean(node, hosts),
                        describe_json(fault["node"]));
  }
  if (clock) {
    const bool has_region = fault.contains("region"), has_node = fault.contains("node");
    if (has_region == has_node)
      throw SchemaError(has_node ? child(pointer, "node") : pointer,
                        "either \"region\" (every clock of a region) or \"node\" (one clock) in a " + kind + " fault",
                        has_node ? "both" : "neither");
    if (has_node) {
      const std::string node = fault["node"].get<std::string>();
      std::vector<std::string> clocks;
      for (const auto& r : w.regions)
        for (const char* prefix : {"db-", "monitor-", "resolvers-"}) clocks.push_back(prefix + r);
      if (std::find(clocks.begin(), clocks.end(), node) == clocks.end())
        throw SchemaError(child(pointer, "node"),
                          "a clock named db-<region>, monitor-<region> or resolvers-<region> for a region in "
                          "/regions" + did_you_mean(node, clocks),
                          describe_json(fault["node"]));
    }
    if (kind == "clock_drift") check_drift_total(fault, pointer, w);
  }
  double run = w.run_s;
  double at = parse_duration_s(fault["at"].get<std::string>());
  // Faults outside the run would silently do nothing; a fault must also heal in time for recovery to be measured.
  if (at >= run)
    throw SchemaError(child(pointer, "at"), "a start before the end of the run (" + format_duration(run) + ")",
                      w.as_written(child(pointer, "at"), fault["at"]));
  if (!fault.contains("duration")) return;
  double length = parse_duration_s(fault["duration"].get<std::string>());
  if (fault.contains("flapping")) {
    const double period = parse_duration_s(fault["flapping"]["down"].get<std::string>()) +
                          parse_duration_s(fault["flapping"]["up"].get<std::string>());
    constexpr double kMaxFlaps = 100000;  // each on-period is two scheduled changes and two trace events
    if (length / period > kMaxFlaps)
      throw SchemaError(child(pointer, "flapping"),
                        "at most " + format_number(kMaxFlaps) + " on-periods (down + up at least " +
                            format_duration(length / kMaxFlaps) + " over this duration)",
                        format_number(std::ceil(length / period)) + " on-periods");
  }
  if (at + length > run)
    throw SchemaError(child(pointer, "duration"),
                      "a duration that ends by the end of the run (at most " + format_duration(run - at) + " after " +
                          format_duration(at) + ")",
                      w.as_written(child(pointer, "duration"), fault["duration"]));
}

// A class of `faults_random`: its targets name components of this scenario (links in either order, rewritten in
// their `between` order), and every repair and time between failures lasts (a zero draw would be a fault that is
// no fault, or failures at one instant without end).
void check_random_class(json& c, const std::string& pattern, const std::string& pointer, FaultChecks& w) {
  if (pattern == "/faults_random/dns") {  // its faults are dns_outage faults
    if (w.routing_kind != "dns")
      throw SchemaError(pointer, "no DNS provider failures unless routing.kind is \"dns\" (only DNS clients use "
                        "resolvers)", "a dns class");
    w.dns_outage = true;
  }
  for (const char* key : {"between_failures", "to_repair"}) {
    const DelayDistribution d = DelayDistribution::from_json(c[key], child(pointer, key), kMaxTimeBetweenFailures_s);
    if (!d.draws_positive())
      throw SchemaError(child(pointer, key),
                        "a distribution of durations above 0s (its constant, uniform minimum, empirical lowest "
                        "value or some mixture component's is 0s)",
                        shown_text(c[key].dump()));
  }
  if (!c.contains("targets")) return;  // dns: the one provider
  json& targets = c["targets"];
  const bool links = pattern == "/faults_random/links";
  const bool nodes = pattern == "/faults_random/nodes";
  if (!links && !nodes) return;  // regions: a RegionList, checked as it was walked
  std::vector<std::string> known;
  if (links) known = w.link_names;
  if (nodes)
    for (const auto& r : w.node_regions) known.push_back("db-" + r);
  std::set<std::string> seen;
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string at = child(child(pointer, "targets"), i);
    std::string name = targets[i].get<std::string>();
    if (links && std::find(known.begin(), known.end(), name) == known.end()) {
      const size_t arrow = name.find("<->");  // "b<->a" names the link written [a, b]
      if (arrow != std::string::npos) {
        const std::string reversed = name.substr(arrow + 3) + "<->" + name.substr(0, arrow);
        if (std::find(known.begin(), known.end(), reversed) != known.end()) name = reversed;
      }
    }
    if (std::find(known.begin(), known.end(), name) == known.end())
      throw SchemaError(at,
                        std::string(links ? "a link of /links, named \"a<->b\"" :
                                            "a database node, named \"db-<region>\"") +
                            " (" + (known.empty() ? std::string("none") : quoted_list(known)) + ")" +
                            did_you_mean(name, known),
                        describe_json(targets[i]));
    if (!seen.insert(name).second) throw SchemaError(at, "a target not listed before", describe_json(targets[i]));
    targets[i] = name;
  }
}

}  // namespace mrsim::schema_text
