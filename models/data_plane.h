// The data plane: every client population's logical operations, in one event queue, run ahead of SimGrid's actors
// without an activity per operation.
//
// What runs here: the client populations (models/client.h). Their events (arrivals, attempts, serves, failures,
// network changes) touch only state that is read and written at an explicit time — the stores, the resolvers, the
// network's recorded up/down state, the recorder — and none of them is a SimGrid activity.
// What runs in SimGrid: the control plane (probes, controllers, agents, Raft, DNS updates, fault edges, samplers).
//
// The rule that makes the two one simulation: every data-plane event at time t runs after every control-plane
// action before t and before every control-plane action at or after t. The data plane is advanced from SimGrid's
// clock: each time the clock advances to T (Engine::on_time_advance, fired in the kernel before any actor runs at
// T), every data event with time <= T runs, in (time, sequence) order. Between two instants at which SimGrid has
// anything to do, nothing but the data plane can change what the data plane sees, so running those events in one
// batch gives exactly what running each at its own instant would (docs/architecture.md, "The data plane runs
// ahead").
//
// `lockstep` is the slow reference path: the data plane's actor sleeps until each of its events, so SimGrid's clock
// stops at every one, as a design with an activity per operation would. The rule above is the same in both, so
// both give the same bytes (tests/determinism.cmake).
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "sim/event_queue.h"
#include "sim/history.h"

namespace mrsim {

class ClientPopulation;

class DataPlane {
 public:
  enum class EventType : uint8_t { Arrival, AttemptStart, Serve, AttemptFailed, NetworkChange };
  struct Event {
    double t;
    uint64_t seq;  // same-time events run in the order they were scheduled
    uint32_t slot;
    uint16_t population;
    EventType type;
    Outcome outcome;  // AttemptFailed: why
    bool operator>(const Event& o) const { return t > o.t || (t == o.t && seq > o.seq); }
  };

  // `end_s`: the run's duration; the fast path's actor sleeps until it (the populations' arrivals stop there), then
  // follows the in-flight operations' tail event by event.
  DataPlane(bool lockstep, double end_s);
  ~DataPlane();
  DataPlane(const DataPlane&) = delete;
  DataPlane& operator=(const DataPlane&) = delete;

  // Takes a population; start() gives it its index, the one its events carry.
  void add(std::unique_ptr<ClientPopulation> population) { populations_.push_back(std::move(population)); }
  void schedule(double t, EventType type, uint16_t population, uint32_t slot, Outcome outcome = Outcome::Ok) {
    events_.push({t, seq_++, slot, population, type, outcome});
  }

  void start();               // each population's first events
  void advance(double until);  // every event with time <= until
  void actor();                // the SimGrid actor's body (see above)
  void finish();               // after the engine: the rest, and every reply still in flight

 private:
  bool lockstep_;
  double end_s_;
  std::vector<std::unique_ptr<ClientPopulation>> populations_;
  EventQueue<Event> events_;
  uint64_t seq_ = 0;
};

}  // namespace mrsim
