// An event queue that pops in (time, sequence) order, like a binary heap, but keeps the events that arrive in time
// order out of the heap.
//
// Why: a data plane's events are mostly scheduled a fixed delay ahead (an attempt's timeout at start + 2 s, a
// request's arrival one link latency on). Such events arrive in nondecreasing time, so they need no heap: they join
// one of a few FIFO lanes, and only the events that would break every lane's order go to the heap. At 100,000 operations a second
// a region outage leaves hundreds of thousands of timeouts pending; in a heap each push and pop walks ~20 levels
// of a structure far larger than the cache, in the lane it is one append and one read at the front
// (docs/performance.md, "Across scale").
//
// Exactness: `Event` carries a sequence number that is unique and increases with each push, and each lane holds its
// events in (time, sequence) order (an event joins a lane only if its time is at least the lane's last one's, and
// its sequence is larger than every earlier one's). pop() takes the smallest of the heap's top and the lanes' fronts
// by (time, sequence), so the order out is the one a single heap gives, event for event.
#pragma once

#include <cstddef>
#include <deque>
#include <queue>
#include <vector>

namespace mrsim {

// Event: has `double t`, `uint64_t seq` and `operator>` comparing (t, seq).
template <class Event, size_t Lanes = 4>
class EventQueue {
 public:
  // Best fit, as in patience sorting: the lane whose last event is the latest not after e, else an empty lane, else
  // the heap. Events a fixed delay apart then keep to their own lanes (timeouts in one, one link's requests in
  // another), and a far-future event (a fault's edge scheduled at the start) takes one lane, not all of them.
  void push(const Event& e) {
    std::deque<Event>* best = nullptr;
    std::deque<Event>* vacant = nullptr;
    for (auto& lane : lanes_) {
      if (lane.empty()) {
        if (!vacant) vacant = &lane;
      } else if (!(lane.back().t > e.t) && (!best || best->back().t < lane.back().t)) {
        best = &lane;
      }
    }
    if (!best) best = vacant;
    if (best) {
      best->push_back(e);
    } else {
      heap_.push(e);
    }
    ++size_;
  }
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  const Event& top() const {
    const std::deque<Event>* lane = first_lane();
    return lane ? lane->front() : heap_.top();
  }
  void pop() {
    std::deque<Event>* lane = const_cast<std::deque<Event>*>(first_lane());
    if (lane) {
      lane->pop_front();
    } else {
      heap_.pop();
    }
    --size_;
  }

 private:
  // The lane whose front comes first, if it comes before the heap's top; else null (the heap's top is first).
  const std::deque<Event>* first_lane() const {
    const std::deque<Event>* first = nullptr;
    for (const auto& lane : lanes_)
      if (!lane.empty() && (!first || first->front() > lane.front())) first = &lane;
    if (first && !heap_.empty() && first->front() > heap_.top()) return nullptr;
    return first;
  }

  std::deque<Event> lanes_[Lanes];
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> heap_;
  size_t size_ = 0;
};

}  // namespace mrsim
