// The validator: one pass over a scenario document, driven by the table in sim/schema_table.cpp. The walk itself and
// the values by type are here; the cross-field checks of the deployment (regions, links, database, routing, health
// checks, failover) are in sim/schema_walk_deployment.cpp, those of the run (clients, faults, metrics, expectations)
// in sim/schema_walk_run.cpp. The walker's class is in sim/schema_walk.h.
#include <algorithm>
#include <cmath>
#include <set>

#include "sim/distribution.h"
#include "sim/schema_routing.h"
#include "sim/schema_walk.h"
#include "sim/units.h"

namespace mrsim {

using nlohmann::json;
using namespace schema_text;

namespace {

constexpr double kU32 = 4294967295.0;

using T = FieldType;
using P = Presence;

}  // namespace

namespace schema_walk {

void Walker::walk_object(json& obj, const std::string& pattern, const std::string& pointer) {
  std::vector<const FieldSpec*> rows = children_of(pattern);
  std::vector<std::string> keys;
  for (const FieldSpec* row : rows) keys.push_back(last_token(row->path));
  if (!obj.is_object()) throw SchemaError(pointer, "an object with keys " + join(keys, ", "), describe_json(obj));
  for (const auto& item : obj.items()) {
    if (std::find(keys.begin(), keys.end(), item.key()) == keys.end())
      throw SchemaError(child(pointer, item.key()), known_keys_expectation(pattern, item.key()),
                        "unknown key " + shown_string(item.key()));
  }
  for (const FieldSpec* row : rows) {
    std::string key = last_token(row->path);
    std::string at = child(pointer, key);
    if (!obj.contains(key)) {
      switch (row->presence) {
        case P::Required:
          throw SchemaError(at, type_noun(*row) + " (required)", "nothing");
        case P::Optional:
          continue;
        case P::Default:
          obj[key] = json::parse(row->default_value);
          break;
        case P::Derived:
          obj[key] = derive(row->path);
          break;
      }
    }
    walk_value(obj[key], *row, at);
  }
  if (pattern == "/regions/*") region_drift_[obj["name"].get<std::string>()] = obj["clock_drift_ppm"].get<double>();
  if (pattern == "/database") check_database(obj, pointer);
  if (pattern == "/routing") {
    check_routing(obj, pointer);
    routing_kind_ = obj["kind"].get<std::string>();
  }
  if (pattern == "/health_check") check_health_check(obj, pointer);
  if (pattern == "/failover") check_failover(obj, pointer);
  if (pattern == "/faults/*") check_fault(obj, pointer);
  if (pattern == "/clients/*") check_client(obj, pointer);
  if (pattern == "/metrics") check_metrics(obj, pointer);
  if (pattern.rfind("/faults_random/", 0) == 0) check_random_class(obj, pattern, pointer);
}

[[noreturn]] void Walker::fail_range(const FieldSpec& row, const std::string& pointer, const json& value) {
  throw SchemaError(pointer, type_noun(row) + " " + range_text(row), describe_json(value));
}

void Walker::check_range(const FieldSpec& row, double v, const std::string& pointer, const json& value) {
  if (v < row.min || v > row.max || (row.min_exclusive && v == row.min)) fail_range(row, pointer, value);
}

json Walker::derive(const std::string& path) {
  if (path == "/name") return name_default_;
  if (path == "/health_check/from") {
    // Probing from a replica's region is what a real deployment does: it is where the controller would promote.
    if (multi_primary_) {
      // Outside every data region if there is such a region, so the controller outlives any node's region.
      for (const auto& r : regions_)
        if (std::find(db_regions_.begin(), db_regions_.end(), r) == db_regions_.end()) return r;
      return db_regions_.back();
    }
    if (!replicas_.empty()) return replicas_.front();
    for (const auto& r : regions_)
      if (r != primary_) return r;
    return primary_;
  }
  if (path == "/health_check/vantages") return json::array({health_from_});
  if (path == "/faults_random/regions/targets") return regions_;
  if (path == "/faults_random/links/targets") return link_names_;
  if (path == "/faults_random/nodes/targets") {
    json nodes = json::array();
    for (const auto& r : node_regions()) nodes.push_back("db-" + r);
    return nodes;
  }
  if (path == "/failover/consensus_regions") {
    if (multi_primary_) return db_regions_;
    json regions = json::array();
    for (const auto& r : regions_)
      if (r == primary_ || std::find(replicas_.begin(), replicas_.end(), r) != replicas_.end()) regions.push_back(r);
    return regions;
  }
  throw std::logic_error("schema: no derivation rule for " + path);
}

void Walker::walk_value(json& v, const FieldSpec& row, const std::string& pointer) {
  const std::string path = row.path;
  switch (row.type) {
    case T::Object:
      walk_object(v, path, pointer);
      return;
    case T::ObjectList: {
      if (!v.is_array()) throw SchemaError(pointer, "a list of objects", describe_json(v));
      check_range(row, static_cast<double>(v.size()), pointer, v);
      for (size_t i = 0; i < v.size(); ++i) walk_object(v[i], path + "/*", child(pointer, i));
      if (path == "/links") check_connected(pointer);
      return;
    }
    case T::String: {
      if (!v.is_string()) throw SchemaError(pointer, "a string", describe_json(v));
      const std::string s = v.get<std::string>();
      if (path == "/regions/*/name") return define_region(s, pointer, v);
      if (s.size() < row.min || s.size() > row.max)
        throw SchemaError(pointer,
                          "a string of " + format_number(row.min) + " to " + format_number(row.max) + " characters",
                          describe_json(v));
      return;
    }
    case T::Enum: {
      auto choices = split_choices(row.choices);
      if (!v.is_string() || std::find(choices.begin(), choices.end(), v.get<std::string>()) == choices.end())
        throw SchemaError(pointer, type_noun(row), describe_json(v));
      return;
    }
    case T::Integer: {
      if (!v.is_number() || std::floor(v.get<double>()) != v.get<double>())
        throw SchemaError(pointer, "a whole number " + range_text(row), describe_json(v));
      double d = v.get<double>();
      check_range(row, d, pointer, v);
      v = static_cast<uint64_t>(d);  // 5.0 and 5 are the same setting; keep one spelling in the canonical JSON
      return;
    }
    case T::Seed:
      if (!v.is_number_unsigned()) throw SchemaError(pointer, type_noun(row), describe_json(v));
      return;
    case T::Number:
    case T::Probability:
      if (!v.is_number()) throw SchemaError(pointer, type_noun(row) + " " + range_text(row), describe_json(v));
      check_range(row, v.get<double>(), pointer, v);
      if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>() && std::fabs(v.get<double>()) < 1e15)
        v = static_cast<int64_t>(v.get<double>());  // one spelling for 1 and 1.0 in the canonical JSON
      return;
    case T::Duration:
    case T::Size:
    case T::Bandwidth:
      return walk_quantity(v, row, pointer);
    case T::RegionName:
      check_region_ref(v, pointer);
      if (path == "/database/primary") primary_ = v.get<std::string>();
      if (path == "/health_check/from") health_from_ = v.get<std::string>();
      return;
    case T::RegionList: {
      if (!v.is_array()) throw SchemaError(pointer, type_noun(row), describe_json(v));
      check_range(row, static_cast<double>(v.size()), pointer, v);
      std::set<std::string> seen;
      for (size_t i = 0; i < v.size(); ++i) {
        std::string at = child(pointer, i);
        check_region_ref(v[i], at);
        std::string r = v[i].get<std::string>();
        if (!seen.insert(r).second) throw SchemaError(at, "a region not listed before", describe_json(v[i]));
        if (path == "/database/regions") db_regions_.push_back(r);
        if (path == "/database/replicas") {
          if (r == primary_)
            throw SchemaError(at, "a region other than the primary (" + shown_string(primary_) + ")",
                              describe_json(v[i]));
          replicas_.push_back(r);
        }
      }
      return;
    }
    case T::RegionPair:
      return walk_link_ends(v, pointer);
    case T::KeyRange:
      return walk_key_range(v, row, pointer);
    case T::RegionGroups:
      return walk_groups(v, pointer);
    case T::ReplicationModes: {
      if (!v.is_object()) throw SchemaError(pointer, type_noun(row), describe_json(v));
      for (auto& item : v.items()) {
        std::string at = child(pointer, item.key());
        if (std::find(replicas_.begin(), replicas_.end(), item.key()) == replicas_.end())
          throw SchemaError(at,
                            "a key that is a replica region (one of /database/replicas: " +
                                (replicas_.empty() ? std::string("none listed") : quoted_list(replicas_)) + ")",
                            "key " + shown_string(item.key()));
        const auto modes = split_choices(row.choices);
        if (!item.value().is_string() ||
            std::find(modes.begin(), modes.end(), item.value().get<std::string>()) == modes.end())
          throw SchemaError(at, "one of " + quoted_list(modes), describe_json(item.value()));
      }
      return;
    }
    case T::Expectations:
      return walk_expectations(v, pointer);
    case T::Boolean:
      if (!v.is_boolean()) throw SchemaError(pointer, type_noun(row), describe_json(v));
      return;
    case T::Distribution:
      // Canonical spelling, as quantities get.
      v = DelayDistribution::from_json(v, pointer, row.max > 0 ? row.max : DelayDistribution::kMaxDelay_s).to_json();
      return;
    case T::NameList: {
      if (!v.is_array()) throw SchemaError(pointer, type_noun(row), describe_json(v));
      check_range(row, static_cast<double>(v.size()), pointer, v);
      std::set<std::string> seen;
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string at = child(pointer, i);
        if (!v[i].is_string() || v[i].get<std::string>().empty() || v[i].get<std::string>().size() > 200)
          throw SchemaError(at, "a name of 1 to 200 characters", describe_json(v[i]));
        if (!seen.insert(v[i].get<std::string>()).second)
          throw SchemaError(at, "a name not listed before", describe_json(v[i]));
      }
      return;
    }
    case T::RegionMap:
      return schema_routing::check_region_map(v, pointer, regions_, node_regions());
    case T::RegionWeights:
      return schema_routing::check_region_weights(v, pointer, node_regions());
  }
}

void Walker::walk_quantity(json& v, const FieldSpec& row, const std::string& pointer) {
  double (*parse)(std::string_view) = row.type == T::Duration ? parse_duration_s
                                      : row.type == T::Size   ? parse_size_bytes
                                                              : parse_bandwidth_Bps;
  std::string (*format)(double) = row.type == T::Duration ? format_duration
                                  : row.type == T::Size   ? format_size
                                                          : format_bandwidth;
  double value = 0;
  try {
    // A JSON number has no unit; the parser's message ("... with a unit such as ...") says what to write.
    std::string text = v.is_string() ? v.get<std::string>() : std::string();
    // Rows whose range goes below zero (a clock step) take a sign; every other quantity is never negative.
    const bool negative = row.min < 0 && !text.empty() && text[0] == '-';
    value = parse(negative ? text.substr(1) : text);
    if (negative) value = -value;
  } catch (const UnitError& e) {
    // A number too large for a double is out of any row's range; the range is the more useful thing to say.
    if (e.problem == UnitError::Problem::Overflow) fail_range(row, pointer, v);
    throw SchemaError(pointer, e.what(), describe_json(v));
  }
  if (row.type == T::Size && std::floor(value) != value)
    throw SchemaError(pointer, "a size in whole bytes", describe_json(v));
  check_range(row, value, pointer, v);
  if (row.type == T::Size && value > kU32) fail_range(row, pointer, v);
  if (std::string(row.path) == "/duration") run_duration_s_ = value;  // the table puts it before /faults
  // Cross-field checks below run after the rewrite, and must quote what the user wrote, not "1.5h" for "90m".
  as_written_[pointer] = v;
  v = value < 0 ? "-" + format(-value) : format(value == 0 ? 0.0 : value);
}

// What the user wrote at `pointer` (before the canonical rewrite), described for "found ...".
std::string Walker::as_written(const std::string& pointer, const json& now) const {
  auto it = as_written_.find(pointer);
  return describe_json(it == as_written_.end() ? now : it->second);
}

schema_text::AsWritten Walker::written() const {
  return [this](const std::string& pointer, const json& now) { return as_written(pointer, now); };
}

}  // namespace schema_walk

SchemaError::SchemaError(std::string pointer_, std::string expected_, std::string found_)
    : std::runtime_error(pointer_ + ": expected " + expected_ + ", found " + found_),
      pointer(std::move(pointer_)),
      expected(std::move(expected_)),
      found(std::move(found_)) {}

void validate_scenario_json(json& scenario, const std::string& name_default,
                            const std::vector<std::string>& metric_aliases) {
  schema_walk::Walker walker(name_default, metric_aliases);
  walker.walk_object(scenario, "", "");
  walker.check_serve_stale(scenario);
  validate_post_run_rules(scenario);
}

}  // namespace mrsim
