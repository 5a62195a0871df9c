// Seeded random streams: one per component, derived from a fixed hash of (scenario seed, stable component name).
//
// Follows FoundationDB's simulation and TigerBeetle's VOPR: one seed drives the whole run, and each component
// (a client population, a DNS resolver, a fault schedule) draws from its own stream, so adding, removing or
// reordering components never perturbs the draws of the others. A stream's seed depends only on (seed, name),
// never on creation order.
//
// Every distribution here is our own code: the standard library's distribution classes produce different values
// under libstdc++, libc++ and MSVC, which would make a scenario's history depend on the toolchain. The raw
// generator output (next_u64) is bit-exact on every platform and pinned by golden tests in tests/test_random.cpp.
// Draws that go through libm (exponential uses log1p, ZipfTable uses pow) are deterministic on one platform and
// agree across platforms to within the libm's rounding.
//
// Seeding rule (pinned by golden tests; change it only on purpose and refresh the goldens):
//   key   = seed XOR rotl64(fnv1a64(name), 17)
//   s[i]  = splitmix64(key) for i = 0..3, where splitmix64 advances key by 0x9e3779b97f4a7c15 each call
//           and returns the standard SplitMix64 finaliser of the advanced key (Vigna's reference code)
//   then xoshiro256** (Blackman & Vigna, 2018) on state s[0..3].
// The rotation keeps a name's hash from cancelling the low bits of small sequential seeds (1, 2, 3 ...).
// SplitMix64 outputs four distinct counter positions through a bijection, so the state is never all zero.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

namespace mrsim {

// 64-bit FNV-1a over the bytes of `text` (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
// Public because the scenario hash uses it too; its values are part of the determinism contract.
uint64_t fnv1a64(std::string_view text);

// A xoshiro256** stream seeded from (seed, name) by the rule in the header comment above.
// Copying a stream copies its position: both copies then produce the same sequence.
class RandomStream {
 public:
  RandomStream(uint64_t seed, std::string_view name);

  // The raw generator output; every other draw is built on it.
  uint64_t next_u64();

  // Uniform on [0, 1) with 53 random bits: (next_u64() >> 11) * 2^-53. Never returns 1.0.
  double uniform01();

  // Exponentially distributed with mean 1/rate (rate > 0, per second when used for inter-arrival times),
  // by inversion: -log1p(-u) / rate with u = uniform01(). log1p keeps precision for small u, and u < 1 keeps
  // the result finite. One draw per call.
  double exponential(double rate);

  // True with probability p: uniform01() < p. Always consumes exactly one draw, even for p <= 0 or p >= 1,
  // so changing a probability in a scenario does not shift the rest of the stream.
  bool bernoulli(double p);

  // Uniform on [0, n), n >= 1, without modulo bias: Lemire's multiply-shift ("Fast random integer generation in
  // an interval", 2019) on the high 32 bits of next_u64(), rejecting the 2^32 mod n low products that would
  // bias it. Usually one draw per call; rarely more.
  uint32_t uniform_index(uint32_t n);

  // Standard normal by Box-Muller: sqrt(-2 log(1 - u1)) * cos(2 pi u2). Always two draws.
  double normal();
  // Lognormal with the given median (= exp(mu)) and sigma: median * exp(sigma * normal()). Two draws.
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }

 private:
  uint64_t state_[4];
};

// Zipf over ranks [0, n): P(k) proportional to 1 / (k + 1)^exponent. Exponent 0 is uniform; around 1 is the
// classic skew of key popularity (YCSB's zipfian default is 0.99).
//
// Sampling is by inverse CDF: a cumulative table of n doubles is built once (summed in rank order, so it is the
// same on every run), and sample() binary-searches it with one uniform01() draw. That is exact for the
// distribution as tabulated, with no approximation from rejection or Gray et al.'s closed form, at the cost of
// 8 bytes per rank (a few million ranks = tens of MB; build one table per key space and share it).
// Exponent 0 builds no table and draws uniform_index(n) instead.
class ZipfTable {
 public:
  ZipfTable(uint32_t n, double exponent);

  uint32_t sample(RandomStream& stream) const;

  uint32_t size() const { return n_; }
  double exponent() const { return exponent_; }

 private:
  uint32_t n_;
  double exponent_;
  std::vector<double> cumulative_;  // cumulative_[k] = P(rank <= k); last entry forced to exactly 1.0
  // Guide table (Chen & Asau, 1974): guide_[j] = the first rank whose cumulative probability exceeds j / n. A draw
  // u in [j / n, (j + 1) / n) lies between guide_[j] and guide_[j + 1], so the search is over a few entries instead
  // of the whole table — the same rank as the whole-table search, found in expected constant time.
  std::vector<uint32_t> guide_;
};

}  // namespace mrsim
