// Delay distributions: the one place a scenario's random delays are described, parsed, validated and drawn. The
// leaderless store's per-message delays (models/leaderless.h) and link jitter (models/network.h) both use it.
//
// Kinds, as a scenario file writes them (durations carry units; docs/scenarios.md, "Delay distributions"):
//   {"kind": "constant", "value": "2ms"}
//   {"kind": "uniform", "min": "1ms", "max": "3ms"}
//   {"kind": "exponential", "mean": "0.6ms"}              (rate lambda = 1 / mean)
//   {"kind": "lognormal", "median": "2ms", "sigma": 0.5}   (median = exp(mu))
//   {"kind": "pareto", "x_m": "0.235ms", "alpha": 10}      (Type I: P(X > x) = (x_m / x)^alpha for x >= x_m)
//   {"kind": "weibull", "scale": "90d", "shape": 1.5}      (P(X > x) = exp(-(x / scale)^shape))
//   {"kind": "mixture", "of": [{"weight": 0.9122, "kind": "pareto", ...}, {"weight": 0.0878, ...}]}
//   {"kind": "empirical", "percentiles": {"50": "2ms", "99": "20ms", "100": "100ms"}}
//
// Sampling is by inversion from RandomStream::uniform01 (never the standard library's distributions, which differ
// between toolchains): uniform min + u (max - min); exponential via RandomStream::exponential (-log1p(-u) mean);
// Pareto x_m (1 - u)^(-1 / alpha); Weibull scale (-log1p(-u))^(1 / shape); a mixture draws one u to pick its component (cumulative weights in the order
// written), then the component's own draws; empirical is the inverse CDF through the stated (percentile, value)
// points with linear interpolation between neighbours, and the lowest stated value below the lowest stated
// percentile (state "0" for a minimum to interpolate from). Lognormal is median exp(sigma z) with z from
// RandomStream::normal (Box-Muller over two uniforms). A constant draws nothing, so a zero constant can stand for
// "off" without moving any stream.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace mrsim {

class RandomStream;

class DelayDistribution {
 public:
  enum class Kind : uint8_t { Constant, Uniform, Exponential, Lognormal, Pareto, Mixture, Empirical, Weibull };

  DelayDistribution() = default;  // constant 0
  static DelayDistribution constant(double value_s);
  static DelayDistribution uniform(double min_s, double max_s);
  static DelayDistribution exponential(double mean_s);
  static DelayDistribution lognormal(double median_s, double sigma);
  static DelayDistribution pareto(double x_m_s, double alpha);
  static DelayDistribution weibull(double scale_s, double shape);  // mean scale * Gamma(1 + 1 / shape)
  // weights > 0 summing to 1 (within 1e-9); components in the given order.
  static DelayDistribution mixture(std::vector<std::pair<double, DelayDistribution>> components);
  // (percentile in (0, 100], value) sorted by percentile, values non-decreasing, the last percentile 100.
  static DelayDistribution empirical(std::vector<std::pair<double, double>> points);

  // Parses and checks a scenario's JSON form; throws SchemaError (sim/schema.h) naming `pointer` (or the member
  // inside it) on any problem: unknown kind or key, a missing or negative duration, a Pareto alpha or x_m of 0 or
  // less, a Weibull shape or scale of 0 or less, mixture weights that do not sum to 1, empirical percentiles out of
  // (0, 100] or values that decrease. Every stated duration is at most `max_duration_s` (a day for delays; the
  // times between failures of `faults_random` are counted in days and take a longer bound).
  static DelayDistribution from_json(const nlohmann::json& v, const std::string& pointer,
                                     double max_duration_s = kMaxDelay_s);
  static constexpr double kMaxDelay_s = 86400;
  // The canonical JSON form (durations in format_duration's spelling, keys in the order above).
  nlohmann::json to_json() const;

  double sample(RandomStream& stream) const;
  // The mean in seconds; +infinity for a Pareto with alpha <= 1 (or a mixture holding one).
  double mean() const;
  Kind kind() const { return kind_; }
  bool is_zero() const { return kind_ == Kind::Constant && a_ == 0; }
  // Whether every draw is above 0: false for a constant, uniform minimum or empirical lowest value of 0 (or a mixture
  // with such a component). Exponential and Weibull draws are above 0 but for a uniform draw of exactly 0 (odds
  // 2^-53), which this counts as above.
  bool draws_positive() const;

 private:
  Kind kind_ = Kind::Constant;
  double a_ = 0, b_ = 0;  // constant: value; uniform: min, max; exponential: mean; lognormal: median, sigma;
                          // pareto: x_m, alpha; weibull: scale, shape
  std::vector<double> cumulative_;          // mixture: cumulative weights, the last forced to 1
  std::vector<DelayDistribution> parts_;    // mixture: its components
  std::vector<double> weights_;             // mixture: the weights as written (for to_json)
  std::vector<std::pair<double, double>> points_;  // empirical: (probability in (0, 1], value)
};

}  // namespace mrsim
