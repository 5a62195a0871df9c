// A Distribution (count, mean, nearest-rank p50 / p95 / p99, max; sim/checkers.h) of a stream of values, exact, in
// memory that does not grow with the number of values: what the streaming metrics (sim/stream_metrics.h) use where
// the in-memory checkers hold every value and call summarize().
//
// Values are tallied in a value -> count table, which stays small when the values repeat (a run's latencies take few
// distinct doubles: the flagship's million successful operations have 59). The table is open-addressed (linear
// probing over a power-of-two array of (value, count) records), not a tree: where values do not repeat (a region
// outage at 100,000 operations a second makes hundreds of thousands of distinct latencies, since complete - invoke
// rounds differently for each invoke time) a tree's walk through tens of thousands of nodes dominated the family's
// cost. When the table passes `cap` distinct
// values it is written out, as (value, count) records of 16 bytes, to an anonymous temporary file (std::tmpfile) and
// cleared, as often as it fills again: the file, on disk, grows by at most 16 bytes a value. summary() then finds
// each percentile's value exactly, by radix selection over the order-preserving bit pattern of the doubles: one pass
// over the file per 16 bits of the pattern, each a histogram of the next 16 bits among the records that share the
// bits already chosen (4 passes; the three percentiles share them). Memory: the table (2 to 4 slots of 16 bytes a
// distinct value, at most 4 MB at the default cap) and, during summary() only, three histograms of 2^16 counts
// (1.5 MB), or the sorted table when nothing spilled.
//
// Exactness against summarize(): count and max are plain; the percentiles are the values at the same ranks (-0 and
// +0 compare equal to summarize() and to the table, which keeps the first seen; their order is the bit pattern's in
// a spilled tally: both print as 0). The mean is the sum in add() order divided by the count, so values added in the
// order summarize() would see them in its vector give the same bits (floating-point addition does not associate:
// callers that compare against an in-memory reference feed both the same order, the history's).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include "sim/checkers.h"

namespace mrsim {

class ExactDistribution {
 public:
  static constexpr size_t kDefaultCap = size_t{1} << 16;  // distinct values held in memory before spilling

  explicit ExactDistribution(size_t cap = kDefaultCap);
  ExactDistribution(ExactDistribution&&) = default;
  ExactDistribution& operator=(ExactDistribution&&) = default;

  void add(double value);
  uint64_t count() const { return count_; }
  bool spilled() const { return spill_ != nullptr; }
  // Reads the spill file (if any) a few times; the tally stays usable (add() may follow).
  Distribution summary();

 private:
  struct CloseFile {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  struct Slot {  // count 0: empty
    double value;
    uint64_t count;
  };
  void spill();  // writes the table's records to the spill file and empties it
  void grow();   // doubles the table

  size_t cap_;
  std::vector<Slot> slots_;  // a power of two in size, at most half full
  size_t distinct_ = 0;      // occupied slots
  std::unique_ptr<std::FILE, CloseFile> spill_;
  uint64_t count_ = 0;
  double sum_ = 0, max_ = 0;
};

}  // namespace mrsim
