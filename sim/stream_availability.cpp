// Availability and latency as operations complete (sim/stream_metrics.h): the same tallies check_availability and
// check_latency run over the held operations (sim/checkers.h), fed one operation at a time. Latency's samples are
// ExactDistribution (sim/exact_distribution.h), whose memory does not grow with the operations; fed in history
// order like check_latency's vectors, it gives the same figures to the bit.
#include "sim/exact_distribution.h"
#include "sim/stream_families.h"

namespace mrsim {
namespace {

class AvailabilityFamily final : public StreamFamily {
 public:
  Family family() const override { return Family::Availability; }
  void op(const OpRecord& op, const History&) override { tally_.add(op); }
  void finish(const History& history, RunMetrics& m) override { m.availability = tally_.result(history); }

 private:
  AvailabilityTally tally_;
};

class LatencyFamily final : public StreamFamily {
 public:
  Family family() const override { return Family::Latency; }
  void op(const OpRecord& op, const History&) override { tally_.add(op); }
  void finish(const History& history, RunMetrics& m) override { m.latency = tally_.result(history); }

 private:
  LatencyTally<ExactDistribution> tally_;
};

}  // namespace

std::unique_ptr<StreamFamily> make_availability_family() { return std::make_unique<AvailabilityFamily>(); }
std::unique_ptr<StreamFamily> make_latency_family() { return std::make_unique<LatencyFamily>(); }

}  // namespace mrsim
