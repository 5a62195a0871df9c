// Random faults (`faults_random`, docs/scenarios.md "Random faults"): the renewal process of each component turned
// into plain faults before the world is built, so the models, the fault injector and every checker see nothing but
// the scenario's fault list.
//
// Each component (a region, a link, a database host, the DNS provider) is up from t = 0 for a time drawn from its
// class's `between_failures`, then down for a time drawn from `to_repair`, then up again, and so on: an alternating
// renewal process, the model behind the usual MTBF / MTTR availability A = MTBF / (MTBF + MTTR). Draws alternate
// (up, down, up, ...) on the component's own stream, named "faults_random/<class>/<target>" (class region, link,
// node or dns; the DNS provider's target is "authoritative"), so adding a component or a class never moves another's
// schedule, and a scenario without `faults_random` draws nothing.
//
// A failure becomes one fault: a region's a `region_outage`, a link a<->b's a `partition` with groups [[a], [b]]
// (which cuts exactly that link), a host's a `node_crash`, the DNS provider's a `dns_outage`. Fault times are put on
// a millisecond grid (a draw below 1 ms counts as 1 ms, so every fault lasts and every up time passes), so that the
// list written back as a scenario file (random_faults_json) reads back to the same faults. A failure drawn at or
// after the end of the run is not a fault; a repair that the end of the run cuts ends the fault there.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "sim/scenario.h"

namespace mrsim {

// The bound on faults drawn in one run: a time between failures typed in minutes for days fails loudly.
constexpr size_t kMaxRandomFaults = 10000;

// The faults `s.faults_random` draws for s.seed over s.duration_s, each marked `random`, sorted by (start, then the
// order drawn: class in the order regions, links, nodes, dns; target in its list's order; failures in time order).
// Throws SchemaError (sim/schema.h) at the class's `between_failures` when more than kMaxRandomFaults are drawn.
std::vector<FaultConfig> expand_random_faults(const Scenario& s);

// The same faults as scenario-file fault objects (`kind`, `at`, `duration` and `region`, `groups` or `node`), in the
// same order: appended to a file's `faults` (and `faults_random` removed) they replay the run.
nlohmann::json random_faults_json(const Scenario& s);

// The class's name in stream names, pointers and reports: "region", "link", "node", "dns".
const char* component_kind_name(ComponentKind kind);

}  // namespace mrsim
