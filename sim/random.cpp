// Seeded random streams and our own distributions; see sim/random.h for the seeding rule and why.
#include "sim/random.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace mrsim {
namespace {

constexpr uint64_t rotl64(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

// SplitMix64 (Vigna's reference code): advances `x` and returns a well-mixed 64-bit value.
uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

uint64_t fnv1a64(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

RandomStream::RandomStream(uint64_t seed, std::string_view name) {
  uint64_t key = seed ^ rotl64(fnv1a64(name), 17);
  for (uint64_t& word : state_) word = splitmix64(key);
}

uint64_t RandomStream::next_u64() {
  // xoshiro256** 1.0 (Blackman & Vigna), transcribed from the reference implementation.
  const uint64_t result = rotl64(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl64(state_[3], 45);
  return result;
}

double RandomStream::uniform01() {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

double RandomStream::exponential(double rate) {
  if (!(rate > 0) || !std::isfinite(rate)) {
    throw std::invalid_argument("RandomStream::exponential: rate must be finite and > 0, got " + std::to_string(rate));
  }
  return -std::log1p(-uniform01()) / rate;
}

bool RandomStream::bernoulli(double p) {
  return uniform01() < p;
}

uint32_t RandomStream::uniform_index(uint32_t n) {
  if (n == 0) throw std::invalid_argument("RandomStream::uniform_index: n must be >= 1");
  uint64_t product = (next_u64() >> 32) * static_cast<uint64_t>(n);
  uint32_t low = static_cast<uint32_t>(product);
  if (low < n) {
    const uint32_t threshold = static_cast<uint32_t>(-n) % n;  // 2^32 mod n: the low products that would bias
    while (low < threshold) {
      product = (next_u64() >> 32) * static_cast<uint64_t>(n);
      low = static_cast<uint32_t>(product);
    }
  }
  return static_cast<uint32_t>(product >> 32);
}

ZipfTable::ZipfTable(uint32_t n, double exponent) : n_(n), exponent_(exponent) {
  if (n == 0) throw std::invalid_argument("ZipfTable: n must be >= 1");
  if (!(exponent >= 0) || !std::isfinite(exponent)) {
    throw std::invalid_argument("ZipfTable: exponent must be finite and >= 0, got " + std::to_string(exponent));
  }
  if (exponent == 0) return;  // uniform: sample() uses uniform_index, no table needed
  cumulative_.resize(n);
  double total = 0;
  for (uint32_t k = 0; k < n; ++k) {
    total += 1.0 / std::pow(static_cast<double>(k) + 1.0, exponent);
    cumulative_[k] = total;
  }
  for (double& c : cumulative_) c /= total;
  cumulative_.back() = 1.0;  // so every u in [0, 1) lands on a rank, whatever the rounding of the sum
  guide_.resize(size_t(n) + 1);
  for (uint32_t j = 0; j <= n; ++j) {
    const double threshold = static_cast<double>(j) / static_cast<double>(n);
    guide_[j] = static_cast<uint32_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), threshold) -
                                      cumulative_.begin());
  }
}

uint32_t ZipfTable::sample(RandomStream& stream) const {
  if (cumulative_.empty()) return stream.uniform_index(n_);
  // The first rank whose cumulative probability exceeds u: P(rank k) = cumulative_[k] - cumulative_[k-1].
  const double u = stream.uniform01();
  // The bucket j with j / n <= u < (j + 1) / n, computed with the same divisions as the guide (u * n may round).
  const double n = static_cast<double>(n_);
  uint32_t j = std::min(static_cast<uint32_t>(u * n), n_ - 1);
  while (j > 0 && u < static_cast<double>(j) / n) --j;
  while (j + 1 < n_ && u >= static_cast<double>(j + 1) / n) ++j;
  // The answer (the first rank whose cumulative probability exceeds u) lies in [guide_[j], guide_[j + 1]].
  const auto first = cumulative_.begin() + guide_[j];
  const auto last = cumulative_.begin() + std::min<size_t>(size_t(guide_[j + 1]) + 1, cumulative_.size());
  return static_cast<uint32_t>(std::upper_bound(first, last, u) - cumulative_.begin());
}

double RandomStream::normal() {
  const double u1 = uniform01(), u2 = uniform01();
  return std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace mrsim
