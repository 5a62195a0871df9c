// Builds the scenario's database design: one Store (models/store.h) per `database.topology`. Adding a design adds
// a branch here, its model, its schema rows and its docs; nothing else in the world builder changes.
#pragma once

#include <memory>

#include "models/store.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace mrsim {

class ClockSet;
class Network;
class Recorder;

struct BuiltStore {
  std::unique_ptr<Store> store;
  // The node that starts as the single primary; -1 for designs where every node takes writes (multi-primary,
  // leaderless, consensus ranges behind a local gateway). Those get a region router instead of a failover
  // controller, and no "write" DNS record.
  int primary = -1;
};

// Also fills the history's design description (topology, conflict_resolution, crdt_type).
BuiltStore make_store(const Scenario& s, ClockSet& clocks, Network& network, Recorder& recorder, History& h);

}  // namespace mrsim
