// The fault schedule as the world applies it: what each fault kind does to the network (scheduled up/down changes of
// hosts, links, data paths and directed links; models/network.h), to messages (link degradation, slowed hosts:
// LinkEffects), and how a fault is named in the report and the trace. One place for every kind; the clocks
// (models/clocks.h), the load balancer's drains (maintenance) and the DNS (dns_outage) read their own faults.
//
// Kinds (docs/scenarios.md, "Faults", says what each leaves out):
//  - region_outage: the region's app, database and monitor hosts go down; its clients and network stay.
//  - partition: the inter-region links between regions of different groups are cut; `scope` cuts only the control
//    plane or only the data plane (models/network.h, Plane); `one-way` loses only groups[0]'s messages to
//    groups[1], the other way still arrives.
//  - link_degradation: on the links between the groups, each message takes `added_latency` more, plus a draw of
//    `jitter`, and is lost with probability `loss` (a lost request or reply is noticed at its sender's timeout; a
//    replication stream retransmits as TCP does).
//  - node_crash: one host ("db-<region>", "app-<region>", "monitor-<region>") goes down and comes back; what it
//    stored survives (the database node rejoins from its own log).
//  - gray_failure: the data path of a database node fails (factor 0) or slows k-fold while its host and its health
//    endpoint stay up.
//  - flapping: any of the above switched on for `down` and off for `up`, repeatedly (FaultConfig::intervals).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/network.h"
#include "sim/scenario.h"

namespace mrsim {

// The two regions (indices) of every inter-region link, in s.links order.
std::vector<std::pair<int, int>> wan_ends(const Scenario& s);
// Whether some fault needs the network's virtual elements (scoped or one-way partitions, failing gray failures).
bool needs_fault_elements(const Scenario& s);
// Every scheduled network change of the faults, over each fault's on-intervals.
std::vector<NetworkChange> fault_changes(const Scenario& s, const Network& net);
// Link jitter, link degradations and slowed hosts; null when the scenario has none.
std::unique_ptr<LinkEffects> fault_effects(const Scenario& s, const Network& net);

const char* fault_kind_name(FaultKind kind);
std::string fault_description(const FaultConfig& f);

}  // namespace mrsim
