#include "cli/stats.h"

#include <algorithm>
#include <cmath>

namespace mrsim {

double t975(size_t df) {
  // Student's t, two-sided 95 %: the standard table (e.g. NIST/SEMATECH e-Handbook, table 1.4.2.7) for 1..30
  // degrees of freedom; beyond, 1.96 + 2.4 / df, within 0.002 of the exact quantile.
  static const double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                  2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                  2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df == 0) return std::nan("");
  if (df <= 30) return kTable[df - 1];
  return 1.96 + 2.4 / double(df);
}

SampleStats sample_stats(std::vector<double> values) {
  SampleStats s;
  s.n = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / double(s.n);
  if (s.n >= 2) {
    double squares = 0;
    for (double v : values) squares += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(squares / double(s.n - 1));
    const double half = t975(s.n - 1) * s.std / std::sqrt(double(s.n));
    s.ci95_low = s.mean - half;
    s.ci95_high = s.mean + half;
  }
  auto rank = [&](double percent) {
    double r = std::ceil(percent * double(s.n) / 100.0);
    r = std::clamp(r, 1.0, double(s.n));
    return values[size_t(r) - 1];
  };
  s.min = values.front();
  s.max = values.back();
  s.p50 = rank(50);
  s.p95 = rank(95);
  s.p99 = rank(99);
  return s;
}

}  // namespace mrsim
