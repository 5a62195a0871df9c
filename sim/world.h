// Builds the simulated world of a scenario on SimGrid and runs it: the platform (a zone per region holding a client
// edge, an app tier, a database host and a monitor host on the region's LAN; inter-region links between zones,
// routed along the lowest-latency chain of links), the models of models/, the fault schedule, and the samplers.
// Returns the recorded history; metrics are computed from it elsewhere (sim/checkers.h).
//
// SimGrid keeps global state: call simulate() at most once per process (sweeps and tests use one process a run).
#pragma once

#include "sim/history.h"
#include "sim/scenario.h"

namespace mrsim {

History simulate(const Scenario& scenario);

}  // namespace mrsim
