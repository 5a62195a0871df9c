// The single-primary store's compacted log (models/single_primary.h, Log): once the shared prefix is dropped, the
// log's last entry stays readable even when a rewind keeps nothing past that prefix (a deposed primary whose every
// unshared entry is discarded), as read(), follows_history() and a rejoin look at it.
#include <catch2/catch.hpp>

#include "models/single_primary.h"

using namespace mrsim;

namespace {

Log log_of(uint32_t first_id, size_t n) {
  Log log;
  for (size_t i = 0; i < n; ++i) log.push_back({uint32_t(first_id + i), uint32_t(i % 3), double(i)});
  return log;
}

}  // namespace

TEST_CASE("a compacted log keeps its positions and its last shared entry", "[unit]") {
  Log log = log_of(1, 6);  // write ids 1..6 at positions 0..5
  log.drop_to(4);          // positions 0..3 are shared by every node: dropped
  CHECK(log.base() == 4);
  CHECK(log.size() == 6);
  CHECK(log[4].write_id == 5);
  CHECK(log[3].write_id == 4);  // the last dropped entry, still readable
  CHECK(log.back().write_id == 6);

  SECTION("a rewind to the shared prefix leaves the last shared entry as the log's last") {
    log.resize(4);
    CHECK(log.size() == 4);
    CHECK_FALSE(log.empty());
    CHECK(log.back().write_id == 4);
    CHECK(log[log.size() - 1].write_id == 4);
    log.push_back({9, 0, 9.0});  // the new upstream's next entry follows it
    CHECK(log.back().write_id == 9);
    CHECK(log[4].write_id == 9);
  }
  SECTION("compacting again moves the last dropped entry on") {
    log.push_back({7, 0, 7.0});
    log.drop_to(6);
    CHECK(log[5].write_id == 6);
    CHECK(log.back().write_id == 7);
  }
}
