// How much memory a run will hold, estimated from the typed scenario before anything is simulated.
//
// A run keeps its whole history in memory until the checkers have read it (sim/history.h, sim/checkers.h), so the
// memory a valid scenario needs grows with its length, its load, its key space and its sample count; values inside
// the documented ranges can need more than any machine has (30 days of the flagship, a million operations a second
// for two hours, a billion keys). The CLI compares this estimate with a share of the machine's memory and refuses
// the run up front, naming the field that drives it — rather than dying of std::bad_alloc half an hour in. The
// limit lives in the CLI (the only code that looks at the machine); this file is a pure function of the scenario.
//
// The coefficients were measured (max RSS under /usr/bin/time -v) and rounded up; docs/performance.md lists the
// runs. The estimate is a sum of terms each taken at its own peak — the simulation's and the checkers' peaks do not
// coincide — so it errs high, by about 10-40 % on the shipped scenarios and the bench.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace mrsim {

// One thing a run holds a lot of.
struct MemoryTerm {
  std::string what;      // "390 million client operations at 114 B each"
  std::string fields;    // the scenario fields that drive it, as JSON pointers: "/duration, /clients/*/rate_per_s"
  std::string advice;    // what to change: "shorten /duration or lower /clients/*/rate_per_s"
  double count = 0;      // operations, keys, samples, ...
  double bytes_each = 0;
  double bytes = 0;      // count * bytes_each
};

struct MemoryEstimate {
  double bytes = 0;                // the whole run's peak, baseline included
  double baseline_bytes = 0;       // the process, SimGrid and the platform, before any history
  std::vector<MemoryTerm> terms;   // every term that grows with the scenario, largest first
  const MemoryTerm& dominant() const { return terms.front(); }
  double dominant_share() const { return bytes > 0 ? dominant().bytes / bytes : 0; }
  // "33.4 GiB (390 million client operations at 86 B each)"
  std::string summary() const;
};

struct MemoryEstimateOptions {
  bool trace = false;  // --trace: the trace's sample series are built as JSON, about 56 bytes per value
  // --streaming where every family streams (StreamingMetrics::streams_everything): no history of operations, only
  // those whose lineage is not yet settled (at worst, the longest fault's operations).
  bool streaming = false;
};

MemoryEstimate estimate_memory(const Scenario& scenario, const MemoryEstimateOptions& options = {});

// How many operation records the world reserves up front (the offered load and 1 % for Poisson's spread): the
// estimate charges exactly this, so a run the CLI let through cannot reserve more than it was charged for.
size_t planned_operation_records(const Scenario& scenario);

// "33.4 GiB", "157 MiB", "512 KiB", "100 B": binary units, three significant digits.
std::string format_memory(double bytes);

}  // namespace mrsim
