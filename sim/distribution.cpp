#include "sim/distribution.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "sim/random.h"
#include "sim/schema.h"
#include "sim/units.h"

namespace mrsim {

using nlohmann::json;

namespace {

constexpr size_t kMaxComponents = 16, kMaxPoints = 1000;
constexpr int kMaxDepth = 4;  // mixtures of mixtures, at most this deep
constexpr double kWeightTolerance = 1e-9;

std::string at(const std::string& pointer, const std::string& key) { return pointer + "/" + key; }

const char* const kKinds =
    "\"constant\", \"uniform\", \"exponential\", \"lognormal\", \"pareto\", \"weibull\", \"mixture\", \"empirical\"";

void only_keys(const json& v, const std::string& pointer, const std::vector<std::string>& keys, const std::string& kind) {
  for (const auto& item : v.items()) {
    if (item.key() == "kind" || std::find(keys.begin(), keys.end(), item.key()) != keys.end()) continue;
    std::string list;
    for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
    throw SchemaError(at(pointer, item.key()), "for a " + kind + " distribution the keys kind, " + list,
                      "unknown key " + shown_string(item.key()));
  }
}

double duration(const json& v, const std::string& pointer, const std::string& key, const std::string& kind,
                bool positive, double max_s) {
  const std::string where = at(pointer, key);
  if (!v.contains(key)) throw SchemaError(where, "a duration (required for a " + kind + " distribution)", "nothing");
  const json& d = v.at(key);
  double s = 0;
  try {
    s = parse_duration_s(d.is_string() ? d.get<std::string>() : std::string());
  } catch (const UnitError& e) {
    throw SchemaError(where, e.what(), describe_json(d));
  }
  // Every stated duration has a bound: a typo ("2000h" for a delay) fails loudly.
  if (s > max_s || (positive && s <= 0))
    throw SchemaError(where,
                      std::string("a duration ") + (positive ? "> 0s" : "from 0s") + " and <= " + format_duration(max_s),
                      describe_json(d));
  return s;
}

double number(const json& v, const std::string& pointer, const std::string& key, const std::string& kind, double lo,
              double hi, bool lo_exclusive, const std::string& why) {
  const std::string where = at(pointer, key);
  if (!v.contains(key)) throw SchemaError(where, "a number (required for a " + kind + " distribution)", "nothing");
  const json& n = v.at(key);
  if (!n.is_number()) throw SchemaError(where, "a number", describe_json(n));
  const double x = n.get<double>();
  if (!(x >= lo) || x > hi || (lo_exclusive && x == lo))
    throw SchemaError(where, "a number " + std::string(lo_exclusive ? "> " : ">= ") + format_number(lo) + " and <= " +
                                 format_number(hi) + why,
                      describe_json(n));
  return x;
}

DelayDistribution parse(const json& v, const std::string& pointer, int depth, double max_s) {
  if (!v.is_object() || !v.contains("kind"))
    throw SchemaError(pointer, std::string("a distribution: an object with \"kind\" one of ") + kKinds,
                      v.is_object() ? "an object without \"kind\"" : describe_json(v));
  const json& k = v.at("kind");
  const std::string kind = k.is_string() ? k.get<std::string>() : "";
  if (kind == "constant") {
    only_keys(v, pointer, {"value"}, kind);
    return DelayDistribution::constant(duration(v, pointer, "value", kind, false, max_s));
  }
  if (kind == "uniform") {
    only_keys(v, pointer, {"min", "max"}, kind);
    const double lo = duration(v, pointer, "min", kind, false, max_s), hi = duration(v, pointer, "max", kind, false, max_s);
    if (hi < lo)
      throw SchemaError(at(pointer, "max"), "a duration at least min (" + format_duration(lo) + ")",
                        describe_json(v.at("max")));
    return DelayDistribution::uniform(lo, hi);
  }
  if (kind == "exponential") {
    only_keys(v, pointer, {"mean"}, kind);
    return DelayDistribution::exponential(duration(v, pointer, "mean", kind, true, max_s));
  }
  if (kind == "lognormal") {
    only_keys(v, pointer, {"median", "sigma"}, kind);
    return DelayDistribution::lognormal(duration(v, pointer, "median", kind, true, max_s),
                                        number(v, pointer, "sigma", kind, 0, 10, false, ""));
  }
  if (kind == "pareto") {
    only_keys(v, pointer, {"x_m", "alpha"}, kind);
    return DelayDistribution::pareto(duration(v, pointer, "x_m", kind, true, max_s),
                                     number(v, pointer, "alpha", kind, 0, 1000, true, " (the Pareto shape)"));
  }
  if (kind == "weibull") {
    only_keys(v, pointer, {"scale", "shape"}, kind);
    return DelayDistribution::weibull(duration(v, pointer, "scale", kind, true, max_s),
                                      number(v, pointer, "shape", kind, 0, 100, true, " (the Weibull shape)"));
  }
  if (kind == "mixture") {
    only_keys(v, pointer, {"of"}, kind);
    const std::string of_at = at(pointer, "of");
    if (!v.contains("of")) throw SchemaError(of_at, "a list of weighted distributions (required for a mixture)", "nothing");
    const json& of = v.at("of");
    if (!of.is_array() || of.size() < 2 || of.size() > kMaxComponents)
      throw SchemaError(of_at, "a list of 2 to " + std::to_string(kMaxComponents) + " weighted distributions",
                        describe_json(of));
    if (depth >= kMaxDepth)
      throw SchemaError(of_at, "mixtures nested at most " + std::to_string(kMaxDepth) + " deep", "deeper nesting");
    std::vector<std::pair<double, DelayDistribution>> parts;
    double sum = 0;
    for (size_t i = 0; i < of.size(); ++i) {
      const std::string item_at = of_at + "/" + std::to_string(i);
      if (!of[i].is_object()) throw SchemaError(item_at, "a distribution with a \"weight\"", describe_json(of[i]));
      const double w = number(of[i], item_at, "weight", "mixture's component", 0, 1, true, "");
      json rest = of[i];
      rest.erase("weight");
      parts.emplace_back(w, parse(rest, item_at, depth + 1, max_s));
      sum += w;
    }
    if (std::fabs(sum - 1) > kWeightTolerance)
      throw SchemaError(of_at, "weights that sum to 1", "weights that sum to " + format_number(sum));
    return DelayDistribution::mixture(std::move(parts));
  }
  if (kind == "empirical") {
    only_keys(v, pointer, {"percentiles"}, kind);
    const std::string p_at = at(pointer, "percentiles");
    if (!v.contains("percentiles"))
      throw SchemaError(p_at, "an object mapping percentiles to durations (required for an empirical table)", "nothing");
    const json& table = v.at("percentiles");
    if (!table.is_object() || table.empty() || table.size() > kMaxPoints)
      throw SchemaError(p_at, "an object of 1 to " + std::to_string(kMaxPoints) +
                                  " percentiles mapped to durations, such as {\"50\": \"2ms\", \"100\": \"20ms\"}",
                        describe_json(table));
    std::vector<std::pair<double, double>> points;
    for (const auto& item : table.items()) {
      const std::string& key = item.key();
      double p = 0;
      const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), p);
      if (ec != std::errc() || end != key.data() + key.size() || !(p > 0) || p > 100)
        throw SchemaError(at(p_at, key), "a percentile from 0 (exclusive) to 100", "key " + shown_string(key));
      points.emplace_back(p, duration(table, p_at, key, kind, false, max_s));
    }
    // JSON object keys come in text order ("100" before "50"); the table is in percentile order.
    std::sort(points.begin(), points.end());
    for (size_t i = 1; i < points.size(); ++i) {
      if (points[i].first == points[i - 1].first)
        throw SchemaError(p_at, "each percentile once", "percentile " + format_number(points[i].first) + " twice");
      if (points[i].second < points[i - 1].second)
        throw SchemaError(p_at, "values that increase with the percentile",
                          "percentile " + format_number(points[i].first) + " at " + format_duration(points[i].second) +
                              ", below percentile " + format_number(points[i - 1].first) + " at " +
                              format_duration(points[i - 1].second));
    }
    if (points.back().first != 100)
      throw SchemaError(p_at, "a value for percentile \"100\" (the largest delay)",
                        "the highest percentile " + format_number(points.back().first));
    return DelayDistribution::empirical(std::move(points));
  }
  throw SchemaError(at(pointer, "kind"), std::string("one of ") + kKinds, describe_json(k));
}

}  // namespace

DelayDistribution DelayDistribution::constant(double value_s) {
  DelayDistribution d;
  d.a_ = value_s;
  return d;
}

DelayDistribution DelayDistribution::uniform(double min_s, double max_s) {
  DelayDistribution d;
  d.kind_ = Kind::Uniform;
  d.a_ = min_s, d.b_ = max_s;
  return d;
}

DelayDistribution DelayDistribution::exponential(double mean_s) {
  DelayDistribution d;
  d.kind_ = Kind::Exponential;
  d.a_ = mean_s;
  return d;
}

DelayDistribution DelayDistribution::lognormal(double median_s, double sigma) {
  DelayDistribution d;
  d.kind_ = Kind::Lognormal;
  d.a_ = median_s, d.b_ = sigma;
  return d;
}

DelayDistribution DelayDistribution::pareto(double x_m_s, double alpha) {
  DelayDistribution d;
  d.kind_ = Kind::Pareto;
  d.a_ = x_m_s, d.b_ = alpha;
  return d;
}

DelayDistribution DelayDistribution::weibull(double scale_s, double shape) {
  DelayDistribution d;
  d.kind_ = Kind::Weibull;
  d.a_ = scale_s, d.b_ = shape;
  return d;
}

DelayDistribution DelayDistribution::mixture(std::vector<std::pair<double, DelayDistribution>> components) {
  DelayDistribution d;
  d.kind_ = Kind::Mixture;
  double sum = 0;
  for (auto& [w, part] : components) {
    sum += w;
    d.weights_.push_back(w);
    d.cumulative_.push_back(sum);
    d.parts_.push_back(std::move(part));
  }
  d.cumulative_.back() = 1.0;  // a draw never falls past the last component
  return d;
}

DelayDistribution DelayDistribution::empirical(std::vector<std::pair<double, double>> points) {
  DelayDistribution d;
  d.kind_ = Kind::Empirical;
  for (const auto& [p, v] : points) d.points_.emplace_back(p / 100, v);
  return d;
}

DelayDistribution DelayDistribution::from_json(const json& v, const std::string& pointer, double max_duration_s) {
  return parse(v, pointer, 0, max_duration_s);
}

json DelayDistribution::to_json() const {
  json j;
  switch (kind_) {
    case Kind::Constant:
      return {{"kind", "constant"}, {"value", format_duration(a_)}};
    case Kind::Uniform:
      return {{"kind", "uniform"}, {"min", format_duration(a_)}, {"max", format_duration(b_)}};
    case Kind::Exponential:
      return {{"kind", "exponential"}, {"mean", format_duration(a_)}};
    case Kind::Lognormal:
      return {{"kind", "lognormal"}, {"median", format_duration(a_)}, {"sigma", b_}};
    case Kind::Pareto:
      return {{"kind", "pareto"}, {"x_m", format_duration(a_)}, {"alpha", b_}};
    case Kind::Weibull:
      return {{"kind", "weibull"}, {"scale", format_duration(a_)}, {"shape", b_}};
    case Kind::Mixture: {
      j = {{"kind", "mixture"}, {"of", json::array()}};
      for (size_t i = 0; i < parts_.size(); ++i) {
        json part = parts_[i].to_json();
        part["weight"] = weights_[i];
        j["of"].push_back(part);
      }
      return j;
    }
    case Kind::Empirical: {
      j = {{"kind", "empirical"}, {"percentiles", json::object()}};
      for (const auto& [p, v] : points_) j["percentiles"][format_number(p * 100)] = format_duration(v);
      return j;
    }
  }
  return j;
}

double DelayDistribution::sample(RandomStream& stream) const {
  switch (kind_) {
    case Kind::Constant:
      return a_;
    case Kind::Uniform:
      return a_ + stream.uniform01() * (b_ - a_);
    case Kind::Exponential:
      return stream.exponential(1 / a_);
    case Kind::Lognormal:
      return stream.lognormal(a_, b_);
    case Kind::Pareto:
      // 1 - u is in (0, 1], so the result is finite and at least x_m.
      return a_ * std::pow(1 - stream.uniform01(), -1 / b_);
    case Kind::Weibull:
      // Inversion of P(X > x) = exp(-(x / scale)^shape); -log1p(-u) is an exponential draw of mean 1.
      return a_ * std::pow(-std::log1p(-stream.uniform01()), 1 / b_);
    case Kind::Mixture: {
      const double u = stream.uniform01();
      size_t i = 0;
      while (i + 1 < cumulative_.size() && u >= cumulative_[i]) ++i;
      return parts_[i].sample(stream);
    }
    case Kind::Empirical: {
      const double u = stream.uniform01();
      if (u <= points_.front().first) return points_.front().second;
      size_t i = 1;
      while (i + 1 < points_.size() && u > points_[i].first) ++i;
      const auto& [p0, v0] = points_[i - 1];
      const auto& [p1, v1] = points_[i];
      return v0 + (v1 - v0) * (u - p0) / (p1 - p0);
    }
  }
  return 0;
}

double DelayDistribution::mean() const {
  switch (kind_) {
    case Kind::Constant:
      return a_;
    case Kind::Uniform:
      return (a_ + b_) / 2;
    case Kind::Exponential:
      return a_;
    case Kind::Lognormal:
      return a_ * std::exp(b_ * b_ / 2);
    case Kind::Pareto:
      return b_ > 1 ? b_ * a_ / (b_ - 1) : std::numeric_limits<double>::infinity();
    case Kind::Weibull:
      return a_ * std::tgamma(1 + 1 / b_);
    case Kind::Mixture: {
      double m = 0;
      for (size_t i = 0; i < parts_.size(); ++i) m += weights_[i] * parts_[i].mean();
      return m;
    }
    case Kind::Empirical: {
      // The lowest value's mass below the first point, then trapezoids between neighbours.
      double m = points_.front().first * points_.front().second;
      for (size_t i = 1; i < points_.size(); ++i)
        m += (points_[i].first - points_[i - 1].first) * (points_[i].second + points_[i - 1].second) / 2;
      return m;
    }
  }
  return 0;
}

bool DelayDistribution::draws_positive() const {
  switch (kind_) {
    case Kind::Constant:
    case Kind::Uniform:
      return a_ > 0;
    case Kind::Exponential:
    case Kind::Lognormal:
    case Kind::Pareto:
    case Kind::Weibull:
      return true;
    case Kind::Mixture:
      return std::all_of(parts_.begin(), parts_.end(), [](const DelayDistribution& p) { return p.draws_positive(); });
    case Kind::Empirical:
      return points_.front().second > 0;
  }
  return false;
}

}  // namespace mrsim
