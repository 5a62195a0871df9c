// Builds the simulated world of a scenario on SimGrid and runs it: the platform (a zone per region holding a client
// edge, an app tier, a database host and a monitor host on the region's LAN; inter-region links between zones,
// routed along the lowest-latency chain of links), the models of models/, the fault schedule, and the samplers.
// Returns the recorded history; metrics are computed from it elsewhere (sim/checkers.h).
//
// SimGrid keeps global state: call simulate() at most once per process (sweeps and tests use one process a run).
#pragma once

#include <string>
#include <vector>

#include "sim/history.h"
#include "sim/recorder.h"
#include "sim/scenario.h"

namespace mrsim {

// The lowest-latency chain of inter-region links (indices into scenario.links) from every region to every other,
// as the platform routes them (Dijkstra; ties keep the lower index). Empty from a region to itself.
std::vector<std::vector<std::vector<int>>> region_paths(const Scenario& scenario);

// `engine_config` are SimGrid settings ("KEY:VALUE", from --cfg) for debugging and sanitizer builds
// (sim/engine_config.h); a setting SimGrid rejects, or one that would change what mrsim relies on, throws InputError.
// `lockstep`: the data plane's slow reference path, an instant of SimGrid's clock at every client event
// (models/data_plane.h); the same bytes, only slower. For the tests that show it.
// `outputs`: where completed operations go besides (or instead of) History::ops (sim/recorder.h).
struct OpOutputs {
  std::vector<OpSink*> sinks;
  bool keep_ops = true;
};
History simulate(const Scenario& scenario, const std::vector<std::string>& engine_config = {}, bool lockstep = false,
                 const OpOutputs& outputs = {});

}  // namespace mrsim
