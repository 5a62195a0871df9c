// The one interface every database design implements: what client populations, node agents, health checkers, the
// controllers and the samplers call. A design (single primary with replicas, multi-primary with its conflict
// resolution, ...) is one class behind it, in its own file; adding one touches its model, the schema and the docs,
// not the clients or the checkers.
//
// A store has one node per data-holding region. Every method takes the virtual time `t` of the call: stores
// evaluate replication lazily, bringing their state up to t whenever something observes it.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/history.h"

namespace mrsim {

class RandomStream;

struct NodeStatus {
  Role role = Role::Down;
  uint32_t term = 0;
  int upstream = -1;
  uint64_t log_size = 0;
};

// What a read asks for beyond its key: a session's minimum version (models/client.h, session "min-version").
struct ReadOptions {
  uint32_t min_version = kNoVersion;  // the node must have applied this write id (or a later one of its lineage)
  double max_wait_s = 0;              // ... waiting for it at most this long before forwarding to the primary
  uint32_t request_bytes = 0, response_bytes = 0;  // what a forwarded read carries between the nodes
};

struct ReadResult {
  bool served = false;   // false: the node refuses the read (down, recovering, or no quorum)
  uint32_t version = kNoVersion;  // the version (write id) the read returns
  double ready_s = 0;    // when the node can send the reply (its service time, and any wait or forwarding)
  int node = -1;         // the node that answered, when the read was forwarded to another; -1: the node asked
};

struct WriteResult {
  bool accepted = false;     // false: the node refuses writes (not a primary, or down)
  uint32_t write_id = 0;
  double ack_ready_s = 0;    // when the node can send the acknowledgement (after sync replicas, if any)
  bool waits_on_sync = false;
};

class Store {
 public:
  struct NodeSpec {
    std::string name;
    int region = 0;
  };

  explicit Store(std::vector<NodeSpec> nodes) : specs_(std::move(nodes)) {}
  virtual ~Store() = default;

  int node_count() const { return int(specs_.size()); }
  const std::string& name(int node) const { return specs_[node].name; }
  int region(int node) const { return specs_[node].region; }
  int node_in_region(int region) const {  // -1 if the region holds no node
    for (int i = 0; i < node_count(); ++i)
      if (specs_[i].region == region) return i;
    return -1;
  }

  virtual Role role(int node) const = 0;
  // True for designs whose every up node takes clients' requests whatever its role, forwarding what it cannot do
  // itself (a consensus range's gateways); region routers then keep clients on any healthy node, not only primaries.
  virtual bool every_node_answers() const { return false; }

  // Data plane.
  virtual bool serves_reads(int node) const = 0;
  // A read arriving at `node` at t. Designs that forward (a coordinator, a leaseholder elsewhere) or wait put that
  // time into ready_s; the others return t plus their read service time.
  virtual ReadResult read(int node, uint32_t key, double t, const ReadOptions& options = {}) = 0;
  // `arg`: the write's operation where the design has one (a CRDT's increment or element), else 0.
  virtual WriteResult write(int node, uint32_t key, int16_t arg, double t) = 0;
  // The operation a client's write carries, drawn from the client's stream; designs without one draw nothing.
  virtual int16_t draw_write_arg(uint32_t /*key*/, RandomStream& /*stream*/) const { return 0; }
  // True if a route a write acknowledged at `node` waited on (to a sync replica and back) broke in (from, to].
  virtual bool ack_wait_broken(int /*node*/, double /*from*/, double /*to*/) const { return false; }
  // For a write whose wait was broken: when it is acknowledged after all (semi-sync: at the source's fallback to
  // async), or infinity if never.
  virtual double ack_after_break(int /*node*/, uint32_t /*write_id*/, double /*t*/) {
    return std::numeric_limits<double>::infinity();
  }

  // Control plane: what a node's agent reports and does when a command reaches it.
  virtual NodeStatus status(int node, double t) = 0;
  virtual void promote(int node, uint32_t term, double t) = 0;
  virtual void rejoin(int node, int upstream, uint32_t term, double t) = 0;
  // Fencing: the node's storage learns `term`; a primary whose own term is not newer stops taking writes and
  // waits, read-only, to be told what it is (Recovering). A primary fencing itself passes its own term.
  virtual void fence(int /*node*/, uint32_t /*term*/, double /*t*/) {}

  // Replication lag of `node` at t for the lag sampler; negative when the node has none to report.
  virtual double lag_s(int node, double t) = 0;

  // Once the run is over: the store's final state into the history (see History::final_lineage).
  virtual void finish(History& history) = 0;

 private:
  std::vector<NodeSpec> specs_;
};

}  // namespace mrsim
