// The data plane's event queue (sim/event_queue.h): its lanes and heap together pop in exactly the (time, sequence)
// order of one binary heap, whatever mix of fixed delays, random delays, ties and far-future events is pushed.
#include <catch2/catch.hpp>
#include <functional>
#include <queue>
#include <vector>

#include "sim/event_queue.h"
#include "sim/random.h"

using namespace mrsim;

namespace {

struct Ev {
  double t;
  uint64_t seq;
  bool operator>(const Ev& o) const { return t > o.t || (t == o.t && seq > o.seq); }
};

// Pushes the same events into an EventQueue and a plain heap, interleaved with pops, and returns whether both pop
// the same sequence numbers in the same order. `delay` gives each new event's offset from the current time.
template <class Delay>
bool same_order_as_heap(uint64_t seed, Delay delay) {
  RandomStream rng(seed, "event-queue-test");
  EventQueue<Ev> q;
  std::priority_queue<Ev, std::vector<Ev>, std::greater<Ev>> ref;
  uint64_t seq = 0;
  double now = 0;
  for (int i = 0; i < 4; ++i) {  // far-future events pushed first, as a fault's edges are
    const Ev e{1000.0 + i, seq++};
    q.push(e);
    ref.push(e);
  }
  for (int step = 0; step < 20000; ++step) {
    const int pushes = int(rng.uniform_index(3));
    for (int k = 0; k < pushes; ++k) {
      const Ev e{now + delay(rng), seq++};
      q.push(e);
      ref.push(e);
    }
    if (ref.empty()) continue;
    if (q.size() != ref.size()) return false;
    const Ev a = q.top(), b = ref.top();
    if (a.t != b.t || a.seq != b.seq) return false;
    q.pop();
    ref.pop();
    now = a.t;
  }
  while (!ref.empty()) {
    if (q.empty() || q.top().seq != ref.top().seq) return false;
    q.pop();
    ref.pop();
  }
  return q.empty();
}

}  // namespace

TEST_CASE("the event queue pops in one heap's (time, sequence) order", "[unit]") {
  SECTION("fixed delays: a timeout, three link latencies, and same-instant events") {
    const double delays[] = {2.0, 0.035, 0.040, 0.070, 0.0};
    CHECK(same_order_as_heap(1, [&](RandomStream& r) { return delays[r.uniform_index(5)]; }));
  }
  SECTION("random delays, which mostly go to the heap") {
    CHECK(same_order_as_heap(2, [](RandomStream& r) { return r.exponential(10.0); }));
  }
  SECTION("a mix of fixed and random delays, with ties") {
    CHECK(same_order_as_heap(3, [](RandomStream& r) {
      return r.bernoulli(0.5) ? 2.0 : r.bernoulli(0.5) ? 0.0 : double(r.uniform_index(4)) * 0.25;
    }));
  }
}

TEST_CASE("the event queue's pops follow a heap's order when a lane's order would differ", "[unit]") {
  // Pushed 5 then 3: 3 goes to a vacant lane, not behind 5; then 4 fits the lane behind 3.
  EventQueue<Ev, 2> q;
  q.push({5, 0});
  q.push({3, 1});
  q.push({4, 2});
  q.push({1, 3});  // no lane fits and none is vacant: the heap
  q.push({4, 4});  // equal time, later sequence: after {4, 2}
  std::vector<uint64_t> order;
  while (!q.empty()) {
    order.push_back(q.top().seq);
    q.pop();
  }
  CHECK(order == std::vector<uint64_t>{3, 1, 2, 4, 0});
}
