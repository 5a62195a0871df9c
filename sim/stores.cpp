#include "sim/stores.h"

#include "models/clocks.h"
#include "models/leaderless.h"
#include "models/multi_primary.h"
#include "models/network.h"
#include "models/raft_range.h"
#include "models/single_primary.h"

namespace mrsim {

BuiltStore make_store(const Scenario& s, ClockSet& clocks, Network& network, Recorder& recorder, History& h) {
  BuiltStore built;
  switch (s.database.topology) {
    case Topology::MultiPrimary: {  // one writable node per `database.regions`, in that order (the ring's order)
      std::vector<Store::NodeSpec> specs;
      for (const auto& name : s.database.regions) specs.push_back({"db-" + name, s.region_index(name)});
      built.store = std::make_unique<MultiPrimaryStore>(s.database, specs, clocks, network, recorder);
      static const char* const kConflict[] = {"lww", "lww-hlc", "crdt", "siblings"};
      h.topology = "multi-primary";
      h.conflict_resolution = kConflict[int(s.database.conflict)];
      if (s.database.conflict == ConflictResolution::Crdt) {
        h.crdt_type.assign(s.database.keys, 0);
        for (const CrdtRange& r : s.database.crdt)
          for (uint64_t k = r.first; k <= r.last; ++k) h.crdt_type[k] = r.type == CrdtType::OrSet ? 1 : 0;
      }
      break;
    }
    case Topology::Consensus: {  // one voting replica per `database.regions`, in that order
      std::vector<Store::NodeSpec> specs;
      int leader = 0;
      for (const auto& name : s.database.regions) {
        if (name == s.database.leaseholder) leader = int(specs.size());
        specs.push_back({"db-" + name, s.region_index(name)});
      }
      built.store = std::make_unique<RaftRangeStore>(s.database, specs, leader, network, recorder,
                                                     RandomStream(s.seed, "database/elections"));
      h.topology = "consensus";
      break;
    }
    case Topology::Leaderless: {  // one replica per `database.regions`, in that order; every node coordinates
      std::vector<Store::NodeSpec> specs;
      for (const auto& name : s.database.regions) specs.push_back({"db-" + name, s.region_index(name)});
      built.store = std::make_unique<LeaderlessStore>(s.database, specs, network, recorder, s.seed);
      h.topology = "leaderless";
      break;
    }
    case Topology::SinglePrimary: {  // the primary and its replicas, in region order
      std::vector<SinglePrimaryStore::NodeSpec> specs;
      for (int r = 0; r < int(s.regions.size()); ++r) {
        const std::string& name = s.regions[r].name;
        if (name == s.database.primary) {
          built.primary = int(specs.size());
          specs.push_back({"db-" + name, r, s.database.mode});
          continue;
        }
        for (const auto& rep : s.database.replicas)
          if (rep.region == name) specs.push_back({"db-" + name, r, rep.mode});
      }
      DatabaseConfig database = s.database;
      database.cdc.seed = s.seed;  // cdc pipelines draw their poll phase from the run's seed
      built.store = std::make_unique<SinglePrimaryStore>(database, specs, built.primary, network, recorder);
      h.topology = "single-primary";
      for (const auto& spec : specs) h.semi_sync = h.semi_sync || spec.mode == ReplicationMode::SemiSync;
      break;
    }
  }
  return built;
}

}  // namespace mrsim
