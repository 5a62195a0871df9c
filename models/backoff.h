// Retry backoff: "full jitter" from the AWS Architecture Blog's "Exponential Backoff and Jitter" (Brooker, 2015):
// the n-th retry (n = 0 for the first) sleeps uniform(0, min(cap, base x 2^n)). Spreading retries over the whole
// interval de-synchronises clients that failed together, which is what keeps a recovering region from being hit by
// a retry storm.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "sim/random.h"

namespace mrsim {

// One uniform01() draw from `stream` per call. `retry` beyond 1023 counts as 1023 (2^1023 is the largest power of
// two a double holds; the cap has long bounded the ceiling by then).
inline double full_jitter_backoff_s(double base_s, double cap_s, uint32_t retry, RandomStream& stream) {
  const double ceiling = std::min(cap_s, std::ldexp(base_s, int(std::min<uint32_t>(retry, 1023))));
  return stream.uniform01() * ceiling;
}

}  // namespace mrsim
