// FlatMap (sim/flat_map.h), the streaming families' open-addressed map, against std::map under random inserts,
// lookups and erasures: the backward-shift erase must leave every other entry findable, across growth and across
// runs that wrap around the end of the slot array.
#include <catch2/catch.hpp>
#include <map>
#include <vector>

#include "sim/flat_map.h"
#include "sim/random.h"

using namespace mrsim;

namespace {

// Random operations on `universe` keys (few keys: long probe runs and many erasures of neighbours), checking every
// key against the reference after each step. Returns the number of mismatches.
int mismatches_after_random_operations(uint64_t seed, uint32_t universe, int steps, uint64_t key_shift) {
  RandomStream rng(seed, "flat-map-test");
  FlatMap<uint64_t> map;
  std::map<uint64_t, uint64_t> ref;
  int bad = 0;
  for (int step = 0; step < steps; ++step) {
    const uint64_t key = uint64_t(rng.uniform_index(universe)) << key_shift;
    const uint32_t what = rng.uniform_index(3);
    if (what == 0) {
      const auto [value, created] = map.try_emplace(key);
      const bool ref_created = ref.find(key) == ref.end();
      if (created != ref_created) ++bad;
      *value += uint64_t(step);
      ref[key] += uint64_t(step);
    } else if (what == 1) {
      map.erase(key);
      ref.erase(key);
    }
    if (map.size() != ref.size()) ++bad;
    for (uint32_t k = 0; k < universe; ++k) {
      const uint64_t probe = uint64_t(k) << key_shift;
      const uint64_t* got = map.find(probe);
      const auto it = ref.find(probe);
      if ((got == nullptr) != (it == ref.end()) || (got && *got != it->second)) ++bad;
    }
  }
  return bad;
}

}  // namespace

TEST_CASE("the flat map holds what std::map holds through inserts and backward-shift erasures", "[unit]") {
  CHECK(mismatches_after_random_operations(1, 40, 3000, 0) == 0);     // stays in the first 64 slots: wraps around
  CHECK(mismatches_after_random_operations(2, 500, 3000, 0) == 0);    // grows several times
  CHECK(mismatches_after_random_operations(3, 300, 2000, 32) == 0);   // keys that differ only in their high bits
}

TEST_CASE("a flat map's erase of an absent key changes nothing", "[unit]") {
  FlatMap<int> map;
  *map.try_emplace(7).first = 70;
  map.erase(8);
  REQUIRE(map.find(7) != nullptr);
  CHECK(*map.find(7) == 70);
  CHECK(map.size() == 1);
  map.erase(7);
  CHECK(map.find(7) == nullptr);
  CHECK(map.size() == 0);
}
