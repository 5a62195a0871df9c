// The recorder's reorder window (sim/recorder.h): operations leave it in history order, however they complete;
// and the spill queue that holds operations awaiting their lineage (sim/spill_queue.h).
#include <catch2/catch.hpp>
#include <algorithm>
#include <vector>

#include "sim/recorder.h"
#include "sim/spill_queue.h"

using namespace mrsim;

namespace {

struct Collect final : OpSink {
  std::vector<OpRecord> ops;
  void op(const OpRecord& op) override { ops.push_back(op); }
};

OpRecord done(double invoke, uint32_t client, double complete) {
  OpRecord r;
  r.invoke_s = invoke;
  r.client = client;
  r.complete_s = complete;
  return r;
}

}  // namespace

TEST_CASE("the recorder's window releases operations in history order, holding only what is in flight", "[unit]") {
  Recorder rec;
  Collect sink;
  rec.add_sink(&sink);
  rec.begin_ops();
  const uint64_t a = rec.invoke_op(1.0);  // completes last
  const uint64_t b = rec.invoke_op(2.0);  // client 7, then client 3 at the same instant
  const uint64_t c = rec.invoke_op(2.0);
  rec.complete_op(b, done(2.0, 7, 2.5));
  rec.complete_op(c, done(2.0, 3, 2.6));
  CHECK(sink.ops.empty());  // op a, invoked first, is still in flight
  CHECK(rec.ops_in_window() == 3);
  rec.complete_op(a, done(1.0, 5, 3.0));
  REQUIRE(sink.ops.size() == 1);  // a leaves; the instant 2.0 may still gain operations
  CHECK(sink.ops[0].client == 5);
  const uint64_t d = rec.invoke_op(4.0);  // a later instant closes 2.0: ordered by client there
  REQUIRE(sink.ops.size() == 3);
  CHECK(sink.ops[1].client == 3);
  CHECK(sink.ops[2].client == 7);
  CHECK(rec.ops_in_window() == 1);
  const uint64_t e = rec.invoke_op(5.0);  // never completes: dropped at the end
  (void)e;
  rec.complete_op(d, done(4.0, 1, 4.1));
  rec.finish_ops();
  REQUIRE(sink.ops.size() == 4);
  CHECK(sink.ops[3].client == 1);
  CHECK(rec.history().ops.size() == 4);  // History::ops got the same, in the same order
  CHECK(rec.history().ops[1].client == 3);
}

TEST_CASE("a recorder that streams keeps no operations, and refuses operations out of order", "[unit]") {
  Recorder rec;
  Collect sink;
  rec.keep_ops(false);
  rec.add_sink(&sink);
  const uint64_t a = rec.invoke_op(1.0);
  rec.complete_op(a, done(1.0, 0, 1.5));
  rec.finish_ops();
  CHECK(sink.ops.size() == 1);
  CHECK(rec.history().ops.empty());
  CHECK_THROWS_AS(rec.invoke_op(0.5), std::logic_error);
  CHECK_THROWS_AS(rec.complete_op(a, done(1.0, 0, 1.5)), std::logic_error);  // already left the window
}

TEST_CASE("a spill queue gives its records back in order, however many went to its file", "[unit]") {
  SpillQueue<uint64_t> q(4, 3);  // 4 in memory, then chunks of 3 to the file
  uint64_t next_in = 0, next_out = 0;
  size_t most_spilled = 0;
  // Pushes and pops interleaved in a fixed irregular pattern: bursts that spill, drains that read back.
  for (int round = 0; round < 200; ++round) {
    const int pushes = (round * 7) % 11, pops = (round * 5) % 9;
    for (int i = 0; i < pushes; ++i) q.push_back(next_in++);
    most_spilled = std::max(most_spilled, q.spilled());
    for (int i = 0; i < pops && !q.empty(); ++i) {
      REQUIRE(q.front() == next_out);
      q.pop_front();
      ++next_out;
    }
    REQUIRE(q.size() == next_in - next_out);
  }
  while (!q.empty()) {
    REQUIRE(q.front() == next_out);
    q.pop_front();
    ++next_out;
  }
  CHECK(next_out == next_in);
  CHECK(most_spilled > 0);  // the file was used
}
