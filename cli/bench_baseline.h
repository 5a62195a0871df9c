// The bench's physical reference (`mrsim bench --vs-baseline`, issue 12): the bench's load run through a plain C++
// priority-queue event loop, no SimGrid, in the same process, so that mrsim's speed can be given as a ratio to the
// floor that survives a noisy machine.
//
// The same operations as the simulation: for each client group its own stream ("clients/<g>/<region>", the name
// the world gives the group's population), Poisson arrivals from the group's start, a uniformly chosen client, a
// read with the group's read_fraction else a write, a key from a ZipfTable of the group's exponent (or uniform): the
// same draws in the same order, so the same arrivals, clients, kinds and keys as mrsim (designs whose writes draw an
// operation, CRDTs and siblings, draw one more number per write in mrsim; the bench's designs do not). Then three
// events per operation, as mrsim spends: the arrival at the client, the serve at the database node of the region
// the operation goes to (reads: the client's region; writes: the primary's region for single-primary, the
// client's region for the other designs), which reads or bumps the key's version in a std::vector<uint32_t>, and
// the reply's arrival, which appends an OpRecord to a std::vector. One std::priority_queue of {t, seq, slot, type}
// ordered by (t, seq), as a client population's.
// A leg takes the route's latency plus its size over the route's bottleneck bandwidth, as Route::transfer_s does
// without link effects: client -> app of the target region -> its database and back, the latency of the LAN link
// of each region a leg leaves or enters (one hop client -> app inside a region, app -> db one more) plus the
// lowest-latency chain of inter-region links between the regions (recomputed here from the typed Scenario by the
// same rule as the platform: Dijkstra, ties to the lower link index). The serve adds the store's read or write
// service time before the reply leaves.
// Leaves out: faults, timeouts, retries, DNS, health checks, failover, replication and every design's own message
// exchange (a consensus write's forwarding and majority round, a quorum's fan-out and PBS delays), node clocks,
// link effects, traffic accounting, and the checkers. It is the floor, not a model.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/history.h"
#include "sim/scenario.h"

namespace mrsim {

struct BaselineResult {
  std::vector<OpRecord> ops;  // in completion order
  uint64_t events = 0;        // events popped from the queue
  uint32_t writes = 0;        // the last write id
};

// Runs the scenario's client load through the reference loop. Only regions, links, database.{topology, primary,
// keys, read/write service times}, clients and duration are read; faults and everything else are ignored.
BaselineResult run_baseline(const Scenario& s);

}  // namespace mrsim
