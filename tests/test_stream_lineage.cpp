// The streaming families that compare versions with the final lineage (sim/stream_lineage.cpp): their guards. That
// they give the in-memory checkers' numbers is shown on every shipped scenario (tests/determinism.cmake, --streaming).
#include <catch2/catch.hpp>
#include <string>

#include "sim/scenario_loader.h"
#include "sim/stream_metrics.h"

using namespace mrsim;

namespace {

Scenario flagship() {
  return load_scenario_file(std::string(MRSIM_SOURCE_DIR) + "/scenarios/active-passive-dns.json", {}, std::nullopt);
}

History names() {
  History h;
  h.regions = {"us-east-1", "us-west-2", "eu-west-1"};
  h.nodes = {"db-us-east-1", "db-us-west-2", "db-eu-west-1"};
  h.node_region = {0, 1, 2};
  return h;
}

OpRecord read_of(uint32_t key, uint32_t version, double invoke_s) {
  OpRecord op;
  op.kind = OpKind::Read;
  op.key = key;
  op.version = version;
  op.invoke_s = invoke_s;
  op.complete_s = invoke_s + 0.01;
  op.node = 1;
  return op;
}

}  // namespace

TEST_CASE("a streamed read older than a version every node held stops the run rather than miscount", "[unit]") {
  const Scenario s = flagship();
  const History h = names();
  StreamingMetrics m(s);
  m.begin(h);
  m.settled(1, 7, 1.0);
  m.settled(2, 7, 2.0);  // from t = 2 every node holds write 2 of key 7
  m.op(read_of(7, 1, 1.5));  // invoked before the floor rose: version 1 is still what a node may hold
  m.op(read_of(7, 2, 2.5));  // the floor itself
  CHECK_THROWS_AS(m.op(read_of(7, 1, 3.0)), std::logic_error);  // after it: a store bug, not a stale read
}

TEST_CASE("a settled lineage out of write-id order is refused", "[unit]") {
  const Scenario s = flagship();
  const History h = names();
  StreamingMetrics m(s);
  m.begin(h);
  m.settled(5, 1, 1.0);
  CHECK_THROWS_AS(m.settled(3, 1, 1.5), std::logic_error);
}
