#include "sim/faults.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace mrsim {

namespace {

int group_of(const FaultConfig& f, const std::string& region) {
  for (size_t g = 0; g < f.groups.size(); ++g)
    if (std::find(f.groups[g].begin(), f.groups[g].end(), region) != f.groups[g].end()) return int(g);
  return -1;
}

// The links a partition or a degradation touches: those whose two regions are in different groups.
std::vector<size_t> links_between_groups(const Scenario& s, const FaultConfig& f) {
  std::vector<size_t> links;
  for (size_t l = 0; l < s.links.size(); ++l) {
    const int ga = group_of(f, s.links[l].a), gb = group_of(f, s.links[l].b);
    if (ga >= 0 && gb >= 0 && ga != gb) links.push_back(l);
  }
  return links;
}

uint8_t planes_of(FaultScope scope) {
  switch (scope) {
    case FaultScope::Control: return uint8_t(Plane::Control);
    case FaultScope::Data: return uint8_t(Plane::Data);
    case FaultScope::All: break;
  }
  return kBothPlanes;
}

// "db-us-east-1" -> (region, endpoint); the schema has checked the name.
std::pair<int, Endpoint> host_of(const Scenario& s, const std::string& node) {
  const auto dash = node.find('-');
  const std::string role = node.substr(0, dash), region = node.substr(dash + 1);
  const Endpoint e = role == "app" ? Endpoint::App : role == "monitor" ? Endpoint::Monitor : Endpoint::Db;
  return {s.region_index(region), e};
}

// The elements a fault takes down while it is on.
std::vector<uint16_t> fault_elements(const Scenario& s, const Network& net, const FaultConfig& f) {
  std::vector<uint16_t> elements;
  switch (f.kind) {
    case FaultKind::RegionOutage: {
      // The datacenter goes dark; its users (the client edge) and the region's network stay.
      const int r = s.region_index(f.region);
      for (Endpoint e : {Endpoint::App, Endpoint::Db, Endpoint::Monitor}) elements.push_back(net.host_element(r, e));
      break;
    }
    case FaultKind::NodeCrash: {
      const auto [region, endpoint] = host_of(s, f.node);
      elements.push_back(net.host_element(region, endpoint));
      break;
    }
    case FaultKind::GrayFailure:
      if (f.slow_factor == 0) {
        const auto [region, endpoint] = host_of(s, f.node);
        elements.push_back(net.data_path(net.host_element(region, endpoint)));
      }
      break;
    case FaultKind::Partition:
      for (size_t l : links_between_groups(s, f)) {
        if (f.scope == FaultScope::All && !f.one_way) {  // the link itself: SimGrid's comms feel it too
          elements.push_back(net.wan_element(l));
          continue;
        }
        // The direction groups[0] -> groups[1] for a one-way cut; both otherwise.
        const bool first_is_a = group_of(f, s.links[l].a) == 0;
        for (Plane plane : {Plane::Control, Plane::Data}) {
          if (!(planes_of(f.scope) & uint8_t(plane))) continue;
          if (!f.one_way || first_is_a) elements.push_back(net.directed_link(l, plane, false));
          if (!f.one_way || !first_is_a) elements.push_back(net.directed_link(l, plane, true));
        }
      }
      break;
    default: break;  // clocks, maintenance, degradation, DNS: not an element going down
  }
  return elements;
}

std::string signed_text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%+g", v);
  return buffer;
}

std::string groups_text(const FaultConfig& f, const char* separator) {
  std::string d;
  for (size_t g = 0; g < f.groups.size(); ++g) {
    d += g ? separator : "";
    d += "[";
    for (size_t i = 0; i < f.groups[g].size(); ++i) d += (i ? ", " : "") + f.groups[g][i];
    d += "]";
  }
  return d;
}

std::string number_text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

}  // namespace

std::vector<std::pair<int, int>> wan_ends(const Scenario& s) {
  std::vector<std::pair<int, int>> ends;
  for (const auto& l : s.links) ends.emplace_back(s.region_index(l.a), s.region_index(l.b));
  return ends;
}

bool needs_fault_elements(const Scenario& s) {
  for (const auto& f : s.faults) {
    if (f.kind == FaultKind::Partition && (f.one_way || f.scope != FaultScope::All)) return true;
    if (f.kind == FaultKind::GrayFailure && f.slow_factor == 0) return true;
  }
  return false;
}

std::vector<NetworkChange> fault_changes(const Scenario& s, const Network& net) {
  std::vector<NetworkChange> changes;
  for (const auto& f : s.faults) {
    if (f.kind == FaultKind::Maintenance) {
      // The app tier stops once the load balancer has drained it, and comes back at the end.
      const double stop = f.at_s + s.routing.global_lb.drain_s;
      if (stop < f.at_s + f.duration_s) {
        changes.push_back({stop, net.host_element(s.region_index(f.region), Endpoint::App), true});
        changes.push_back({f.at_s + f.duration_s, net.host_element(s.region_index(f.region), Endpoint::App), false});
      }
      continue;
    }
    const std::vector<uint16_t> elements = fault_elements(s, net, f);
    for (const auto& [from, to] : f.intervals) {
      for (uint16_t e : elements) changes.push_back({from, e, true});
      for (uint16_t e : elements) changes.push_back({to, e, false});
    }
  }
  return changes;
}

std::unique_ptr<LinkEffects> fault_effects(const Scenario& s, const Network& net) {
  auto effects = std::make_unique<LinkEffects>(s.seed, net.wan_link_names());
  for (size_t l = 0; l < s.links.size(); ++l)
    if (s.links[l].jitter) effects->set_jitter(l, *s.links[l].jitter);
  for (const auto& f : s.faults) {
    if (f.kind == FaultKind::LinkDegradation)
      for (size_t l : links_between_groups(s, f))
        for (const auto& [from, to] : f.intervals)
          effects->add_degradation(l, {from, to, planes_of(f.scope), f.added_latency_s, f.jitter, f.loss});
    if (f.kind == FaultKind::GrayFailure && f.slow_factor > 0) {
      const auto [region, endpoint] = host_of(s, f.node);
      for (const auto& [from, to] : f.intervals)
        effects->add_slowdown(net.host_element(region, endpoint), from, to, f.slow_factor);
    }
  }
  if (!effects->any()) return nullptr;
  return effects;
}

const char* fault_kind_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::RegionOutage: return "region_outage";
    case FaultKind::Partition: return "partition";
    case FaultKind::ClockSkew: return "clock_skew";
    case FaultKind::ClockDrift: return "clock_drift";
    case FaultKind::Maintenance: return "maintenance";
    case FaultKind::LinkDegradation: return "link_degradation";
    case FaultKind::NodeCrash: return "node_crash";
    case FaultKind::GrayFailure: return "gray_failure";
    case FaultKind::DnsOutage: return "dns_outage";
  }
  return "fault";
}

std::string fault_description(const FaultConfig& f) {
  std::string d;
  switch (f.kind) {
    case FaultKind::RegionOutage:
    case FaultKind::Maintenance: d = f.region; break;
    case FaultKind::ClockSkew:
    case FaultKind::ClockDrift:
      d = (f.node.empty() ? "every clock of " + f.region : f.node) +
          (f.kind == FaultKind::ClockSkew ? " steps " + signed_text(f.offset_s) + " s"
                                          : " drifts " + signed_text(f.drift_ppm) + " ppm");
      break;
    case FaultKind::Partition:
      d = groups_text(f, f.one_way ? " -/-> " : " | ");
      if (f.scope != FaultScope::All) d += f.scope == FaultScope::Control ? " (control plane)" : " (data plane)";
      break;
    case FaultKind::LinkDegradation:
      d = groups_text(f, " | ") + ": +" + number_text(f.added_latency_s * 1000) + " ms" +
          (f.jitter ? ", jitter" : "") + (f.loss > 0 ? ", loss " + number_text(f.loss) : "");
      if (f.scope != FaultScope::All) d += f.scope == FaultScope::Control ? " (control plane)" : " (data plane)";
      break;
    case FaultKind::NodeCrash: d = f.node; break;
    case FaultKind::GrayFailure:
      d = f.node + (f.slow_factor == 0 ? ": data path fails" : ": data path " + number_text(f.slow_factor) + "x slower");
      break;
    case FaultKind::DnsOutage: d = "authoritative DNS unreachable"; break;
  }
  if (f.flapping) d += " (flapping: down " + number_text(f.flap_down_s) + " s, up " + number_text(f.flap_up_s) + " s)";
  return d;
}

}  // namespace mrsim
