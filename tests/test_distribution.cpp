// Delay distributions (sim/distribution.h): each sampler against its closed-form mean and tail, the JSON form's
// round trip, and that a constant draws nothing.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "sim/distribution.h"
#include "sim/random.h"
#include "sim/schema.h"

using mrsim::DelayDistribution;
using mrsim::RandomStream;
using nlohmann::json;

namespace {

constexpr int kDraws = 200000;

// The sample mean of kDraws draws lies within 5 standard errors of the mean (variance given in closed form).
void check_mean(const DelayDistribution& d, double mean, double variance) {
  RandomStream stream(7, "test/distribution");
  double sum = 0;
  for (int i = 0; i < kDraws; ++i) sum += d.sample(stream);
  const double measured = sum / kDraws, tolerance = 5 * std::sqrt(variance / kDraws);
  INFO("mean " << mean << " +- " << tolerance << ", measured " << measured);
  CHECK(std::abs(measured - mean) <= tolerance);
  CHECK(d.mean() == Approx(mean).epsilon(1e-12));
}

// The fraction of draws at or below x lies within 5 standard errors of cdf.
void check_cdf(const DelayDistribution& d, double x, double cdf) {
  RandomStream stream(11, "test/distribution");
  int below = 0;
  for (int i = 0; i < kDraws; ++i) below += d.sample(stream) <= x;
  const double measured = double(below) / kDraws, tolerance = 5 * std::sqrt(cdf * (1 - cdf) / kDraws) + 1e-9;
  INFO("P(X <= " << x << ") = " << cdf << " +- " << tolerance << ", measured " << measured);
  CHECK(std::abs(measured - cdf) <= tolerance);
}

}  // namespace

TEST_CASE("each delay distribution draws with its closed-form mean and tail", "[unit]") {
  SECTION("uniform") {
    const double a = 0.001, b = 0.005;
    check_mean(DelayDistribution::uniform(a, b), (a + b) / 2, (b - a) * (b - a) / 12);
    check_cdf(DelayDistribution::uniform(a, b), 0.002, (0.002 - a) / (b - a));
  }
  SECTION("exponential") {
    const double m = 0.0006024;
    check_mean(DelayDistribution::exponential(m), m, m * m);
    check_cdf(DelayDistribution::exponential(m), 0.001, 1 - std::exp(-0.001 / m));
  }
  SECTION("pareto") {
    const double xm = 0.000235, alpha = 10;
    check_mean(DelayDistribution::pareto(xm, alpha), alpha * xm / (alpha - 1),
               xm * xm * alpha / ((alpha - 1) * (alpha - 1) * (alpha - 2)));
    check_cdf(DelayDistribution::pareto(xm, alpha), 1.1 * xm, 1 - std::pow(1 / 1.1, alpha));
    CHECK(std::isinf(DelayDistribution::pareto(xm, 1.0).mean()));
  }
  SECTION("lognormal") {
    const double median = 0.002, sigma = 0.5;
    const double mean = median * std::exp(sigma * sigma / 2);
    check_mean(DelayDistribution::lognormal(median, sigma), mean,
               (std::exp(sigma * sigma) - 1) * median * median * std::exp(sigma * sigma));
    check_cdf(DelayDistribution::lognormal(median, sigma), median, 0.5);
  }
  SECTION("weibull") {
    // Mean scale Gamma(1 + 1/k), variance scale^2 (Gamma(1 + 2/k) - Gamma(1 + 1/k)^2), P(X <= x) = 1 - exp(-(x/s)^k).
    for (const double shape : {0.7, 1.0, 1.5, 3.0}) {
      INFO("shape " << shape);
      const double scale = 90 * 86400.0, g1 = std::tgamma(1 + 1 / shape), g2 = std::tgamma(1 + 2 / shape);
      check_mean(DelayDistribution::weibull(scale, shape), scale * g1, scale * scale * (g2 - g1 * g1));
      check_cdf(DelayDistribution::weibull(scale, shape), scale / 2, 1 - std::exp(-std::pow(0.5, shape)));
    }
  }
  SECTION("mixture: 91.22% Pareto + 8.78% exponential (PBS's LinkedIn SSD write fit)") {
    const double w = 0.9122, xm = 0.000235, alpha = 10, m = 0.0006024;
    const auto d = DelayDistribution::mixture(
        {{w, DelayDistribution::pareto(xm, alpha)}, {1 - w, DelayDistribution::exponential(m)}});
    const double pm = alpha * xm / (alpha - 1), p2 = xm * xm * alpha / (alpha - 2);  // Pareto mean, E[X^2]
    const double mean = w * pm + (1 - w) * m, second = w * p2 + (1 - w) * 2 * m * m;
    check_mean(d, mean, second - mean * mean);
    // P(X <= 2 x_m): the Pareto part's CDF weighted, plus the exponential part's.
    check_cdf(d, 2 * xm, w * (1 - std::pow(0.5, alpha)) + (1 - w) * (1 - std::exp(-2 * xm / m)));
  }
  SECTION("empirical: linear between stated percentiles, the lowest value below the first") {
    const auto d = DelayDistribution::empirical({{50, 0.002}, {90, 0.010}, {100, 0.050}});
    const double mean = 0.5 * 0.002 + 0.4 * (0.002 + 0.010) / 2 + 0.1 * (0.010 + 0.050) / 2;
    const double second = 0.5 * 0.002 * 0.002 + 0.4 * (0.002 * 0.002 + 0.002 * 0.010 + 0.010 * 0.010) / 3 +
                          0.1 * (0.010 * 0.010 + 0.010 * 0.050 + 0.050 * 0.050) / 3;
    check_mean(d, mean, second - mean * mean);
    check_cdf(d, 0.006, 0.5 + 0.4 * (0.006 - 0.002) / (0.010 - 0.002));
  }
}

TEST_CASE("a constant delay draws nothing from its stream", "[unit]") {
  RandomStream a(3, "test/constant"), b(3, "test/constant");
  CHECK(DelayDistribution::constant(0.004).sample(a) == 0.004);
  CHECK(a.next_u64() == b.next_u64());
}

TEST_CASE("a delay distribution's JSON form reads back to the same distribution", "[unit]") {
  const json written = json::parse(R"({"kind": "mixture", "of": [
      {"weight": 0.9122, "kind": "pareto", "x_m": "235us", "alpha": 10},
      {"weight": 0.0878, "kind": "empirical", "percentiles": {"50": "2ms", "100": "20ms", "99": "10ms"}}]})");
  const json canonical = DelayDistribution::from_json(written, "/d").to_json();
  CHECK(DelayDistribution::from_json(canonical, "/d").to_json() == canonical);
  CHECK(canonical["of"][1]["percentiles"]["99"] == "10ms");
  CHECK(DelayDistribution::from_json(canonical, "/d").mean() == DelayDistribution::from_json(written, "/d").mean());
}

TEST_CASE("bad delay distributions are refused where they are wrong", "[unit]") {
  auto where = [](const char* text) {
    try {
      DelayDistribution::from_json(json::parse(text), "/d");
    } catch (const mrsim::SchemaError& e) {
      return e.pointer;
    }
    return std::string("accepted");
  };
  CHECK(where(R"({"kind": "pareto", "x_m": "1ms", "alpha": 0})") == "/d/alpha");
  CHECK(where(R"({"kind": "pareto", "x_m": "0s", "alpha": 2})") == "/d/x_m");
  CHECK(where(R"({"kind": "mixture", "of": [{"weight": 0.5, "kind": "constant", "value": "1ms"},
                                             {"weight": 0.4, "kind": "constant", "value": "2ms"}]})") == "/d/of");
  CHECK(where(R"({"kind": "empirical", "percentiles": {"50": "5ms", "100": "1ms"}})") == "/d/percentiles");
  CHECK(where(R"({"kind": "empirical", "percentiles": {"50": "5ms", "90": "10ms"}})") == "/d/percentiles");
  CHECK(where(R"({"kind": "uniform", "min": "5ms", "max": "1ms"})") == "/d/max");
  CHECK(where(R"({"kind": "exponential", "mean": "1ms", "rate": 2})") == "/d/rate");
  CHECK(where(R"({"kind": "gamma"})") == "/d/kind");
  CHECK(where(R"({"kind": "weibull", "scale": "1ms", "shape": 0})") == "/d/shape");
  CHECK(where(R"({"kind": "weibull", "scale": "1ms", "shape": -1.5})") == "/d/shape");
  CHECK(where(R"({"kind": "weibull", "scale": "0s", "shape": 1.5})") == "/d/scale");
  CHECK(where(R"({"kind": "weibull", "scale": "90d", "shape": 1.5})") == "/d/scale");  // delays: a day at most
}

TEST_CASE("a Weibull distribution reads back, and takes longer durations where its row allows them", "[unit]") {
  const json written = json::parse(R"({"kind": "weibull", "scale": "2160h", "shape": 1.5})");
  const DelayDistribution d = DelayDistribution::from_json(written, "/d", 100 * 365 * 86400.0);
  CHECK(d.to_json() == json::parse(R"({"kind": "weibull", "scale": "90d", "shape": 1.5})"));
  CHECK(d.mean() == Approx(90 * 86400.0 * std::tgamma(1 + 1 / 1.5)).epsilon(1e-12));
  CHECK(d.draws_positive());
  CHECK_FALSE(DelayDistribution::constant(0).draws_positive());
  CHECK_FALSE(DelayDistribution::uniform(0, 1).draws_positive());
}
