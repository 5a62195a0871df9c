// ExactDistribution (sim/exact_distribution.h) against summarize(), the in-memory reference: the same figures to
// the bit, in memory and after spilling to its temporary file.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/checkers.h"
#include "sim/exact_distribution.h"
#include "sim/random.h"

using namespace mrsim;

namespace {

// summarize() of a copy of `values` (it reorders its argument) against the tally fed the same values in order.
void check_same(const std::vector<double>& values, size_t cap) {
  ExactDistribution tally(cap);
  for (double v : values) tally.add(v);
  std::vector<double> copy = values;
  const Distribution expected = summarize(copy);
  const Distribution got = tally.summary();
  INFO("n = " << values.size() << ", cap = " << cap << ", spilled = " << tally.spilled());
  CHECK(got.count == expected.count);
  CHECK(got.mean == expected.mean);
  CHECK(got.p50 == expected.p50);
  CHECK(got.p95 == expected.p95);
  CHECK(got.p99 == expected.p99);
  CHECK(got.max == expected.max);
}

// n values: `distinct` == 0 draws durations uniformly on [0, 0.3) (all distinct); otherwise from `distinct` values
// (ties); `signed_values` spreads them over (-1, 1) instead.
std::vector<double> draw(RandomStream& random, size_t n, uint32_t distinct, bool signed_values) {
  std::vector<double> values;
  for (size_t i = 0; i < n; ++i) {
    double v = distinct == 0 ? random.uniform01() * 0.3 : 0.001 * (1 + random.uniform_index(distinct));
    if (signed_values) v = 2 * v / (distinct == 0 ? 0.3 : 0.001 * distinct) - 1;
    values.push_back(v);
  }
  return values;
}

}  // namespace

TEST_CASE("an exact distribution of no value, or of one, is what summarize gives", "[unit]") {
  const size_t cap = GENERATE(size_t{1}, ExactDistribution::kDefaultCap);
  ExactDistribution empty(cap);
  const Distribution none = empty.summary();
  CHECK(none.count == 0);
  CHECK_FALSE(none.mean.has_value());
  CHECK_FALSE(none.p50.has_value());
  CHECK_FALSE(none.max.has_value());
  check_same({}, cap);
  check_same({0.25}, cap);
  check_same({0.0}, cap);
}

TEST_CASE("an exact distribution matches summarize on random values, in memory and spilled", "[unit]") {
  const size_t n = GENERATE(size_t{2}, size_t{3}, size_t{99}, size_t{100}, size_t{101}, size_t{1000}, size_t{20000});
  const uint32_t distinct = GENERATE(0u, 1u, 2u, 37u, 5000u);
  const bool signed_values = GENERATE(false, true);
  RandomStream random(n * 1000003 + distinct * 2 + signed_values, "test/exact-distribution");
  const std::vector<double> values = draw(random, n, distinct, signed_values);
  // A cap above every count here: never spills; caps of 1 and 7: spills as soon as values differ, many times.
  for (size_t cap : {ExactDistribution::kDefaultCap, size_t{7}, size_t{1}}) check_same(values, cap);
}

TEST_CASE("an exact distribution may be summarised, then added to, then summarised again", "[unit]") {
  RandomStream random(7, "test/exact-distribution-twice");
  std::vector<double> values = draw(random, 3000, 0, false);
  ExactDistribution tally(16);
  for (size_t i = 0; i < 1000; ++i) tally.add(values[i]);
  std::vector<double> first(values.begin(), values.begin() + 1000);
  const Distribution a = tally.summary(), a_expected = summarize(first);
  CHECK(a.p50 == a_expected.p50);
  CHECK(a.p99 == a_expected.p99);
  for (size_t i = 1000; i < values.size(); ++i) tally.add(values[i]);
  std::vector<double> all = values;
  const Distribution b = tally.summary(), b_expected = summarize(all);
  CHECK(tally.spilled());
  CHECK(b.count == b_expected.count);
  CHECK(b.mean == b_expected.mean);
  CHECK(b.p50 == b_expected.p50);
  CHECK(b.p95 == b_expected.p95);
  CHECK(b.p99 == b_expected.p99);
  CHECK(b.max == b_expected.max);
}

TEST_CASE("an exact distribution finds ranks among extreme doubles", "[unit]") {
  // Values whose bit patterns differ only in their lowest bits, and in their highest: every radix digit matters.
  const std::vector<double> values = {1e-300, 1.0, std::nextafter(1.0, 2.0), std::nextafter(1.0, 0.0), -1e300, 1e300,
                                      -std::nextafter(0.0, 1.0), std::nextafter(0.0, 1.0), 0.5, 0.5, 2.0};
  for (size_t cap : {size_t{1}, size_t{2}, ExactDistribution::kDefaultCap}) check_same(values, cap);
  std::vector<double> many;
  for (int i = 0; i < 300; ++i) many.push_back(values[static_cast<size_t>(i * 7) % values.size()]);
  for (size_t cap : {size_t{1}, size_t{3}, ExactDistribution::kDefaultCap}) check_same(many, cap);
}
