// Statistics over seeds, for sweeps, comparisons and seed expectations: a sample of one metric's values across runs.
#pragma once

#include <optional>
#include <vector>

namespace mrsim {

struct SampleStats {
  size_t n = 0;
  double mean = 0, std = 0;           // std: sample standard deviation (n - 1), 0 when n < 2
  std::optional<double> ci95_low, ci95_high;  // mean -+ t(0.975, n - 1) x std / sqrt(n); undefined when n < 2
  double min = 0, p50 = 0, p95 = 0, p99 = 0, max = 0;  // nearest-rank percentiles, as docs/metrics.md defines them
};

// Summarises `values` (any order). n == 0 gives all zeros and no interval.
SampleStats sample_stats(std::vector<double> values);

// The 0.975 quantile of Student's t distribution with `df` degrees of freedom (df >= 1).
double t975(size_t df);

}  // namespace mrsim
