#include "models/data_plane.h"

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include <algorithm>
#include <limits>

#include "models/client.h"

namespace mrsim {

namespace sg4 = simgrid::s4u;

DataPlane::DataPlane(bool lockstep, double end_s) : lockstep_(lockstep), end_s_(end_s) {}

DataPlane::~DataPlane() = default;

void DataPlane::start() {
  for (size_t p = 0; p < populations_.size(); ++p) populations_[p]->start(*this, uint16_t(p));
}

void DataPlane::advance(double until) {
  while (!events_.empty() && events_.top().t <= until) {
    const Event e = events_.top();
    events_.pop();
    populations_[e.population]->handle(e);
  }
}

void DataPlane::actor() {
  for (;;) {
    const double now = sg4::Engine::get_clock();
    advance(now);  // the instant the actor runs at: time 0, or one SimGrid merged with a later event's
    if (events_.empty()) return;
    const double next = events_.top().t;
    // The fast path needs no wake-up before the run's end: every instant something else happens advances the data
    // plane (the clock's signal), and nothing else can change what it sees in between. After the end it follows
    // the tail event by event, so that the run lasts until its last operation completes, as it always has.
    sg4::this_actor::sleep_until(lockstep_ ? next : std::max(next, end_s_));
    // SimGrid merges instants closer than its precision (1e-9 s): a sleep can end just before its date, and then
    // this instant is the event's.
    if (sg4::Engine::get_clock() <= now) advance(next);
  }
}

void DataPlane::finish() {
  advance(std::numeric_limits<double>::infinity());
  for (auto& p : populations_) p->settle_all();
}

}  // namespace mrsim
