#include "sim/recorder.h"

#include <algorithm>
#include <stdexcept>

namespace mrsim {

uint64_t Recorder::invoke_op(double invoke_s) {
  if (invoke_s < latest_invoke_s_) throw std::logic_error("an operation was invoked out of time order");
  const bool later = invoke_s > latest_invoke_s_;
  latest_invoke_s_ = invoke_s;
  if (later) release(false);  // the instant of the window's front may be closed now
  window_.emplace_back();
  window_.back().invoke_s = invoke_s;
  window_.back().complete_s = kPending;
  return window_base_ + window_.size() - 1;
}

void Recorder::complete_op(uint64_t place, const OpRecord& r) {
  if (place < window_base_ || place - window_base_ >= window_.size() || r.invoke_s != window_[place - window_base_].invoke_s)
    throw std::logic_error("an operation completed that is not in flight");
  window_[place - window_base_] = r;
  if (r.invoke_s == window_.front().invoke_s) release(false);  // the front instant may be complete now
}

void Recorder::finish_ops() {
  release(true);
  window_.clear();
}

void Recorder::emit(const OpRecord& r) {
  if (keep_ops_) history_.ops.push_back(r);
  for (OpSink* sink : sinks_) sink->op(r);
}

// Leaves the window: the front instant's operations, once all have completed and (unless the run is over) a later
// instant has begun, ordered by client (stably: one client's operations keep their invoke order).
void Recorder::release(bool closing) {
  while (!window_.empty()) {
    const double t = window_.front().invoke_s;
    if (!closing && t >= latest_invoke_s_) return;
    size_t group = 0;
    bool complete = true;
    for (; group < window_.size() && window_[group].invoke_s == t; ++group)
      complete = complete && window_[group].complete_s != kPending;
    if (!complete && !closing) return;
    if (group > 1)
      std::stable_sort(window_.begin(), window_.begin() + std::ptrdiff_t(group),
                       [](const OpRecord& a, const OpRecord& b) { return a.client < b.client; });
    for (size_t i = 0; i < group; ++i)
      if (window_.front().complete_s != kPending) {
        emit(window_.front());
        window_.pop_front();
        ++window_base_;
      } else {
        window_.pop_front();  // closing: never completed
        ++window_base_;
      }
  }
}

}  // namespace mrsim
