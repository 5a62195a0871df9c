#include "sim/faults_random.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "sim/random.h"
#include "sim/schema.h"
#include "sim/units.h"

namespace mrsim {

using nlohmann::json;

namespace {

constexpr double kGrid_s = 0.001;  // fault times are whole milliseconds

// Whole milliseconds, as the double nearest to the decimal (so that it prints and reads back as written).
int64_t milliseconds(double t) {
  return std::llround(t * 1000);
}
double seconds_of(int64_t ms) {
  return static_cast<double>(ms) / 1000;
}

const char* class_key(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::Region:
      return "regions";
    case ComponentKind::Link:
      return "links";
    case ComponentKind::Node:
      return "nodes";
    case ComponentKind::Dns:
      return "dns";
  }
  return "";
}

// The fault one failure of `target` is, over [at, end).
FaultConfig fault_of(ComponentKind kind, const std::string& target, double at, double end) {
  FaultConfig f;
  f.at_s = at;
  f.duration_s = end - at;
  f.intervals = {{at, at + f.duration_s}};  // as a plain fault's: [at, at + duration)
  f.random = true;
  switch (kind) {
    case ComponentKind::Region:
      f.kind = FaultKind::RegionOutage;
      f.region = target;
      break;
    case ComponentKind::Link: {
      const size_t arrow = target.find("<->");  // validation rewrote every target as "a<->b", a link's own name
      f.kind = FaultKind::Partition;
      f.groups = {{target.substr(0, arrow)}, {target.substr(arrow + 3)}};
      break;
    }
    case ComponentKind::Node:
      f.kind = FaultKind::NodeCrash;
      f.node = target;
      break;
    case ComponentKind::Dns:
      f.kind = FaultKind::DnsOutage;
      break;
  }
  return f;
}

}  // namespace

const char* component_kind_name(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::Region:
      return "region";
    case ComponentKind::Link:
      return "link";
    case ComponentKind::Node:
      return "node";
    case ComponentKind::Dns:
      return "dns";
  }
  return "component";
}

std::vector<FaultConfig> expand_random_faults(const Scenario& s) {
  std::vector<FaultConfig> faults;
  // Classes in a fixed order whatever order the file (or the typed config) lists them in.
  for (ComponentKind kind : {ComponentKind::Region, ComponentKind::Link, ComponentKind::Node, ComponentKind::Dns}) {
    for (const RandomFaultClass& c : s.faults_random.classes) {
      if (c.kind != kind) continue;
      const std::vector<std::string> targets =
          kind == ComponentKind::Dns ? std::vector<std::string>{"authoritative"} : c.targets;
      for (const std::string& target : targets) {
        RandomStream stream(s.seed, std::string("faults_random/") + component_kind_name(kind) + "/" + target);
        // The alternating renewal process, on continuous time; only the faults it yields go on the grid.
        double t = 0;
        while (true) {
          const double up = std::max(c.between_failures.sample(stream), kGrid_s);
          const int64_t at_ms = milliseconds(t + up);
          const double at = seconds_of(at_ms);
          if (at >= s.duration_s) break;
          const double repair = std::max(c.to_repair.sample(stream), kGrid_s);
          const double end = std::min(seconds_of(std::max(milliseconds(t + up + repair), at_ms + 1)), s.duration_s);
          if (faults.size() >= kMaxRandomFaults)
            throw SchemaError("/faults_random/" + std::string(class_key(kind)) + "/between_failures",
                              "times between failures that draw at most " + std::to_string(kMaxRandomFaults) +
                                  " faults over the " + format_duration(s.duration_s) + " run",
                              "more with seed " + std::to_string(s.seed));
          faults.push_back(fault_of(kind, target, at, end));
          t += up + repair;
          if (t >= s.duration_s) break;
        }
      }
    }
  }
  // By start; equal starts keep the order drawn.
  std::stable_sort(faults.begin(), faults.end(),
                   [](const FaultConfig& a, const FaultConfig& b) { return a.at_s < b.at_s; });
  return faults;
}

json random_faults_json(const Scenario& s) {
  json list = json::array();
  for (const FaultConfig& f : expand_random_faults(s)) {
    json j;
    j["at"] = format_duration(f.at_s);
    j["duration"] = format_duration(f.duration_s);
    switch (f.kind) {
      case FaultKind::RegionOutage:
        j["kind"] = "region_outage";
        j["region"] = f.region;
        break;
      case FaultKind::Partition:
        j["kind"] = "partition";
        j["groups"] = f.groups;
        break;
      case FaultKind::NodeCrash:
        j["kind"] = "node_crash";
        j["node"] = f.node;
        break;
      default:
        j["kind"] = "dns_outage";
        break;
    }
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace mrsim
