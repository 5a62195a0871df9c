#include "models/client_failover.h"

#include <cassert>

namespace mrsim {

EndpointFailover::EndpointFailover(std::vector<int> endpoints, const CircuitBreakerConfig& breaker, uint32_t clients)
    : endpoints_(std::move(endpoints)), config_(breaker), current_(clients, 0), breakers_(endpoints_.size()) {
  assert(!endpoints_.empty() && endpoints_.size() <= 255);
}

int EndpointFailover::index_of(int region) const {
  for (size_t i = 0; i < endpoints_.size(); ++i)
    if (endpoints_[i] == region) return int(i);
  return -1;
}

bool EndpointFailover::admits(Breaker& b, double t) {
  if (!config_.enabled || !b.open) return true;
  if (t < b.open_until || b.trial_out) return false;
  b.trial_out = true;  // half-open: this attempt is the trial
  return true;
}

int EndpointFailover::endpoint(uint32_t client, double t) {
  const size_t n = endpoints_.size();
  for (size_t k = 0; k < n; ++k) {
    const size_t i = (current_[client] + k) % n;
    if (!admits(breakers_[i], t)) continue;
    current_[client] = uint8_t(i);
    return endpoints_[i];
  }
  return -1;
}

void EndpointFailover::result(uint32_t client, int region, bool ok, double t) {
  const int i = index_of(region);
  if (i < 0) return;
  Breaker& b = breakers_[size_t(i)];
  if (ok) {
    b = Breaker{};
    return;
  }
  ++b.failures;
  const bool trial_failed = b.open && b.trial_out;
  if (config_.enabled && (trial_failed || (!b.open && b.failures >= config_.failure_threshold))) {
    b.open = true;
    b.open_until = t + config_.open_s;
  }
  b.trial_out = false;
  if (current_[client] == uint8_t(i)) current_[client] = uint8_t((size_t(i) + 1) % endpoints_.size());
}

}  // namespace mrsim
