// The validator: one pass over a scenario document, driven by the table in sim/schema_table.cpp.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

#include "sim/distribution.h"
#include "sim/schema_routing.h"
#include "sim/schema_text.h"
#include "sim/units.h"

namespace mrsim {

using nlohmann::json;
using namespace schema_text;

namespace {

constexpr double kU32 = 4294967295.0;

using T = FieldType;
using P = Presence;

const char* const kExpectOps[] = {"<=", ">=", "==", "!=", "<", ">"};  // two-character ops first: "<=" is not "<"

bool valid_region_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

// One pass over the document in table order. Region names are collected as /regions is walked, so every later
// reference can be checked where it is met, and the error points at the reference.
class Walker {
 public:
  Walker(const std::string& name_default, const std::vector<std::string>& aliases)
      : name_default_(name_default), aliases_(aliases) {}

  void walk_object(json& obj, const std::string& pattern, const std::string& pointer) {
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

  // routing.serve_stale goes with routing kind "dns"; filled with its defaults when a dns_outage fault needs it.
  void check_serve_stale(json& scenario) {
    json& rt = scenario["routing"];
    if (routing_kind_ != "dns" && rt.contains("serve_stale"))
      fail_foreign(rt, "/routing", "serve_stale", "unless kind is \"dns\"");
    if (dns_outage_ && !rt.contains("serve_stale")) {
      rt["serve_stale"] = json::object();
      walk_value(rt["serve_stale"], *schema_row_for("/routing/serve_stale"), "/routing/serve_stale");
    }
  }

 private:
  [[noreturn]] void fail_range(const FieldSpec& row, const std::string& pointer, const json& value) {
    throw SchemaError(pointer, type_noun(row) + " " + range_text(row), describe_json(value));
  }

  void check_range(const FieldSpec& row, double v, const std::string& pointer, const json& value) {
    if (v < row.min || v > row.max || (row.min_exclusive && v == row.min)) fail_range(row, pointer, value);
  }

  json derive(const std::string& path) {
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

  void walk_value(json& v, const FieldSpec& row, const std::string& pointer) {
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

  // Regions holding a database node: the primary and the replicas, or (multi-primary) `database.regions`.
  std::vector<std::string> node_regions() const {
    if (multi_primary_) return db_regions_;
    std::vector<std::string> out{primary_};
    out.insert(out.end(), replicas_.begin(), replicas_.end());
    return out;
  }

  void walk_quantity(json& v, const FieldSpec& row, const std::string& pointer) {
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

  void define_region(const std::string& name, const std::string& pointer, const json& v) {
    if (!valid_region_name(name))
      throw SchemaError(pointer, "a region name of 1 to 64 letters, digits, '-' or '_'", describe_json(v));
    auto [it, fresh] = region_pointer_.emplace(name, pointer);
    if (!fresh)
      throw SchemaError(pointer, "a region name not used before (" + it->second + " already defines it)",
                        describe_json(v));
    regions_.push_back(name);
  }

  void check_region_ref(const json& v, const std::string& pointer) {
    if (!v.is_string() || !region_pointer_.count(v.get<std::string>()))
      throw SchemaError(pointer, "a region defined in /regions (" + quoted_list(regions_) + ")", describe_json(v));
  }

  void walk_link_ends(const json& v, const std::string& pointer) {
    if (!v.is_array() || v.size() != 2)
      throw SchemaError(pointer, "a pair of region names such as [\"us-east-1\", \"us-west-2\"]", describe_json(v));
    check_region_ref(v[0], child(pointer, 0));
    check_region_ref(v[1], child(pointer, 1));
    std::string a = v[0].get<std::string>(), b = v[1].get<std::string>();
    if (a == b) throw SchemaError(pointer, "two different regions", describe_json(v));
    auto key = std::minmax(a, b);
    auto [it, fresh] = link_pointer_.emplace(std::make_pair(key.first, key.second), pointer);
    if (fresh) link_names_.push_back(a + "<->" + b);
    if (!fresh)
      throw SchemaError(pointer, "a pair of regions not linked before (" + it->second + " already links them)",
                        describe_json(v));
  }

  void check_connected(const std::string& pointer) {
    if (regions_.empty()) return;
    std::set<std::string> reached = {regions_.front()};
    // At most |regions| rounds; each round adds at least one region or stops.
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [ends, where] : link_pointer_) {
        bool has_a = reached.count(ends.first), has_b = reached.count(ends.second);
        if (has_a != has_b) reached.insert(has_a ? ends.second : ends.first), grew = true;
      }
    }
    for (const auto& r : regions_)
      if (!reached.count(r))
        throw SchemaError(pointer, "links that connect every pair of regions",
                          "no path from " + shown_string(regions_.front()) + " to " + shown_string(r));
  }

  void walk_groups(const json& v, const std::string& pointer) {
    if (!v.is_array() || v.size() < 2)
      throw SchemaError(pointer, "two or more lists of region names such as [[\"a\"], [\"b\", \"c\"]]",
                        describe_json(v));
    std::map<std::string, std::string> placed;
    for (size_t g = 0; g < v.size(); ++g) {
      std::string group_at = child(pointer, g);
      if (!v[g].is_array() || v[g].empty())
        throw SchemaError(group_at, "a non-empty list of region names", describe_json(v[g]));
      for (size_t i = 0; i < v[g].size(); ++i) {
        std::string at = child(group_at, i);
        check_region_ref(v[g][i], at);
        auto [it, fresh] = placed.emplace(v[g][i].get<std::string>(), at);
        if (!fresh)
          throw SchemaError(at, "a region in only one group (" + it->second + " already has it)",
                            describe_json(v[g][i]));
      }
    }
  }

  void walk_expectations(json& v, const std::string& pointer) {
    if (!v.is_object()) throw SchemaError(pointer, "an object mapping metrics to conditions", describe_json(v));
    for (auto& item : v.items()) {
      const std::string& key = item.key();
      std::string at = child(pointer, key);
      bool is_alias = std::find(aliases_.begin(), aliases_.end(), key) != aliases_.end();
      if (!is_alias && (key.empty() || key[0] != '/')) {
        std::string hint = did_you_mean(key, aliases_);
        throw SchemaError(at,
                          "a metric alias" + (hint.empty() ? " (" + join(aliases_, ", ") + ")" : hint) +
                              " or a JSON pointer into the report starting with \"/\"",
                          "key " + shown_string(key));
      }
      if (!is_alias) {
        // Checked now rather than found absent after the run: "~" must be "~0" or "~1" in a JSON pointer.
        try {
          json::json_pointer pointer_syntax(key);
        } catch (const json::exception&) {
          throw SchemaError(at, "a JSON pointer into the report (with \"~\" written only as \"~0\" or \"~1\")",
                            "key " + shown_string(key));
        }
      }
      json& cond = item.value();
      const char* expected = "a condition \"<op> <number>\" with <op> one of <, <=, ==, !=, >=, >, such as \"<= 300\", "
                             "or one over seeds such as \"p95 over seeds 1..20 <= 300\"";
      if (!cond.is_string()) throw SchemaError(at, expected, describe_json(cond));
      std::string text = cond.get<std::string>();
      // "<statistic> over seeds <from>..<to> <op> <number>": the statistic of the metric over those seeds' runs.
      std::string over;
      {
        std::istringstream words(text);
        std::string stat, w1, w2, range;
        if (words >> stat >> w1 >> w2 >> range && w1 == "over" && w2 == "seeds") {
          const char* const stats[] = {"mean", "min", "max", "p50", "p95", "p99"};
          if (std::find(std::begin(stats), std::end(stats), stat) == std::end(stats))
            throw SchemaError(at, "a statistic over seeds, one of mean, min, max, p50, p95, p99", describe_json(cond));
          const size_t dots = range.find("..");
          uint64_t from = 0, to = 0;
          const bool numbers =
              dots != std::string::npos && dots > 0 && dots + 2 < range.size() &&
              range.find_first_not_of("0123456789.") == std::string::npos &&
              std::from_chars(range.data(), range.data() + dots, from).ptr == range.data() + dots &&
              std::from_chars(range.data() + dots + 2, range.data() + range.size(), to).ptr == range.data() + range.size();
          if (!numbers || to < from || to - from >= 10000)
            throw SchemaError(at, "a seed range \"<from>..<to>\" of 1 to 10000 seeds, such as 1..20", describe_json(cond));
          over = stat + " over seeds " + std::to_string(from) + ".." + std::to_string(to) + " ";
          std::string rest;
          std::getline(words, rest);
          text = rest;
        }
      }
      size_t i = text.find_first_not_of(' ');
      std::string op;
      for (const char* candidate : kExpectOps)
        if (i != std::string::npos && text.compare(i, std::char_traits<char>::length(candidate), candidate) == 0) {
          op = candidate;
          break;
        }
      if (op.empty()) throw SchemaError(at, expected, describe_json(cond));
      size_t start = text.find_first_not_of(' ', i + op.size());
      size_t end = text.find_last_not_of(' ');
      double number = 0;
      if (start == std::string::npos) throw SchemaError(at, expected, describe_json(cond));
      auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + end + 1, number);
      if (ec != std::errc() || ptr != text.data() + end + 1 || !std::isfinite(number))
        throw SchemaError(at, expected, describe_json(cond));
      cond = over + op + " " + format_number(number == 0 ? 0.0 : number);  // "-0" is 0
    }
  }

  // What the user wrote at `pointer` (before the canonical rewrite), described for "found ...".
  std::string as_written(const std::string& pointer, const json& now) const {
    auto it = as_written_.find(pointer);
    return describe_json(it == as_written_.end() ? now : it->second);
  }

  void check_failover(json& fo, const std::string& pointer) {
    schema_text::check_failover(fo, pointer, multi_primary_, vantage_count_, written());
  }

  void check_health_check(json& hc, const std::string& pointer) {
    vantage_count_ = schema_text::check_health_check(hc, pointer, written());
  }

  schema_text::AsWritten written() const {
    return [this](const std::string& pointer, const json& now) { return as_written(pointer, now); };
  }

  // The RTO search evaluates the success ratio over [t, t + window] at every step; the trace has one sample per
  // interval. Both walk the whole run, so the run bounds how fine they may be (kMaxStepsPerRun, kMaxSamplesPerRun).
  void check_metrics(const json& m, const std::string& pointer) {
    double window = parse_duration_s(m["window"].get<std::string>());
    double step = parse_duration_s(m["step"].get<std::string>());
    double sample = parse_duration_s(m["sample_interval"].get<std::string>());
    double run = run_duration_s_;
    auto at_least = [&](const char* key, double least, const std::string& why) {
      throw SchemaError(child(pointer, key), "a duration of at least " + format_duration(least) + " (" + why + ")",
                        as_written(child(pointer, key), m[key]));
    };
    double least_step = run / kMaxStepsPerRun;
    if (step < least_step)
      at_least("step", least_step,
               "the " + format_duration(run) + " run allows at most " + format_number(kMaxStepsPerRun) + " steps");
    if (window < step) at_least("window", step, "the step, so that no operation falls between two windows");
    double least_sample = run / kMaxSamplesPerRun;
    if (sample < least_sample)
      at_least("sample_interval", least_sample,
               "the " + format_duration(run) + " run allows at most " + format_number(kMaxSamplesPerRun) + " samples");
  }


  FaultChecks fault_checks() {
    return FaultChecks{routing_kind_, regions_, link_names_, node_regions(), run_duration_s_, dns_outage_,
                       region_drift_, slowing_ppm_, written()};
  }
  void check_fault(json& fault, const std::string& pointer) {
    FaultChecks checks = fault_checks();
    schema_text::check_fault(fault, pointer, checks);
  }
  void check_random_class(json& c, const std::string& pattern, const std::string& pointer) {
    FaultChecks checks = fault_checks();
    schema_text::check_random_class(c, pattern, pointer, checks);
  }

  void check_database(json& db, const std::string& pointer) {
    // multi_primary_ stands for "every node takes writes": multi-primary, consensus (through the gateways) and
    // leaderless route alike.
    const std::string topology = db["topology"].get<std::string>();
    multi_primary_ = topology != "single-primary";
    const bool leaderless = topology == "leaderless";
    const char* design = topology == "multi-primary" ? "a multi-primary database"
                         : topology == "consensus"   ? "a consensus database"
                         : leaderless                ? "a leaderless database"
                                                     : "a single-primary database";
    auto refuse = [&](const char* key, const std::string& why) {
      if (db.contains(key)) fail_foreign(db, pointer, key, std::string("on ") + design + " (" + why + ")");
    };
    auto need = [&](const char* key) {
      if (db.contains(key)) return;
      const FieldSpec* row = schema_row_for(std::string("/database/") + key);
      throw SchemaError(child(pointer, key), type_noun(*row) + " (required for " + design + ")", "nothing");
    };
    if (!leaderless) {
      refuse("quorum", "quorums are the leaderless design's");
      refuse("delays", "per-message delay distributions are the leaderless design's");
    }
    if (!multi_primary_) {
      need("primary");
      refuse("regions", "its nodes are the primary and the replicas");
      refuse("layout", "replicas follow the primary");
      refuse("conflict_resolution", "one primary orders every write; conflicts need several writers");
      refuse("crdt", "CRDTs are a conflict resolution of multi-primary databases");
      schema_text::check_semi_sync(db, pointer);
      check_cdc(db, pointer);
      return;
    }
    refuse("cdc", "a cdc pipeline feeds a replica of a single primary");
    need("regions");
    if (topology == "consensus") return schema_text::check_consensus(db, pointer, db_regions_);
    refuse("leaseholder", "every node in \"regions\" is a primary");
    refuse("primary", "every node in \"regions\" is a primary");
    if (!db["replicas"].empty())
      throw SchemaError(child(pointer, "replicas"), std::string("[] on ") + design + " (every node in \"regions\" "
                        "takes writes)", describe_json(db["replicas"]));
    json& repl = db["replication"];
    if (repl["mode"] != "async")
      throw SchemaError(child(child(pointer, "replication"), "mode"),
                        std::string("\"async\" on ") + design + " (each node ships its own writes asynchronously)",
                        describe_json(repl["mode"]));
    if (leaderless) return check_leaderless(db, pointer, refuse, need);
    if (!db.contains("layout")) db["layout"] = "mesh";
    if (db["layout"] == "ring" && db["regions"].size() < 3)
      throw SchemaError(child(pointer, "layout"),
                        "\"mesh\" for 2 nodes (a ring needs at least 3: /database/regions lists " +
                            std::to_string(db["regions"].size()) + ")",
                        "\"ring\"");
    if (!db.contains("conflict_resolution")) db["conflict_resolution"] = "lww";
    const bool crdt = db["conflict_resolution"] == "crdt";
    if (!crdt && db.contains("crdt"))
      fail_foreign(db, pointer, "crdt", "unless conflict_resolution is \"crdt\"");
    if (crdt) need("crdt"), schema_text::check_crdt_ranges(db, pointer);
  }

  // database.cdc goes with replicas of mode "cdc": filled with its defaults for them, refused without them.
  void check_cdc(json& db, const std::string& pointer) {
    const std::vector<std::string> modes = schema_text::replica_modes(db);
    const bool any = std::find(modes.begin(), modes.end(), "cdc") != modes.end();
    if (!any && db.contains("cdc"))
      fail_foreign(db, pointer, "cdc", "unless some replica's replication mode is \"cdc\" (replication.mode or an "
                   "override)");
    if (any && !db.contains("cdc")) {
      db["cdc"] = json::object();
      walk_value(db["cdc"], *schema_row_for("/database/cdc"), child(pointer, "cdc"));
    }
  }

  template <class Refuse, class Need>
  void check_leaderless(json& db, const std::string& pointer, Refuse& refuse, Need& need) {
    refuse("layout", "every coordinator sends to every replica itself");
    refuse("conflict_resolution", "versions are ordered by write id, last writer wins");
    refuse("crdt", "CRDTs are a conflict resolution of multi-primary databases");
    need("quorum");
    if (!db.contains("delays")) {
      db["delays"] = json::object();
      walk_value(db["delays"], *schema_row_for("/database/delays"), child(pointer, "delays"));
    }
    schema_text::check_leaderless(db, pointer, db_regions_);
  }

  void check_routing(json& rt, const std::string& pointer) {
    if (!rt.contains("write_routing")) rt["write_routing"] = multi_primary_ ? "local" : "primary";
    const std::string writes = rt["write_routing"].get<std::string>();
    if (!multi_primary_ && writes != "primary")
      throw SchemaError(child(pointer, "write_routing"),
                        "\"primary\" on a single-primary database (only the primary takes writes)",
                        describe_json(rt["write_routing"]));
    if (multi_primary_ && writes == "primary")
      throw SchemaError(child(pointer, "write_routing"),
                        "\"local\" or \"home-region\" on a multi-primary database (it has no one primary)",
                        describe_json(rt["write_routing"]));
    for (const char* key : {"home", "home_failover"}) {
      if (writes != "home-region" && rt.contains(key))
        fail_foreign(rt, pointer, key, "unless write_routing is \"home-region\"");
    }
    if (writes == "home-region") {
      if (!rt.contains("home")) rt["home"] = "key";
      if (!rt.contains("home_failover")) rt["home_failover"] = "successor";
    }
    schema_routing::check_routing_kind(rt, pointer, regions_, node_regions(),
                                       [&](const std::string& at, const json& now) { return as_written(at, now); },
                                       [&](json& lb, const std::string& at) {
                                         walk_value(lb, *schema_row_for("/routing/global_lb"), at);
                                       });
  }

  void check_client(json& c, const std::string& pointer) {
    // A window reaching past the run is cut at its end (a shortened run keeps the file's burst times).
    const double start = c.contains("start") ? parse_duration_s(c["start"].get<std::string>()) : 0.0;
    if (c.contains("end") && parse_duration_s(c["end"].get<std::string>()) <= start)
      throw SchemaError(child(pointer, "end"), "an end after the start (" + format_duration(start) + ")",
                        as_written(child(pointer, "end"), c["end"]));
    const bool exponential = c.contains("backoff") && c["backoff"] == "exponential-jitter";
    if (!exponential && c.contains("backoff_cap"))
      fail_foreign(c, pointer, "backoff_cap", "unless backoff is \"exponential-jitter\"");
    if (c.contains("session")) check_session(c["session"], child(pointer, "session"));
  }

  void check_session(json& session, const std::string& pointer) {
    const std::string strategy = session["strategy"].get<std::string>();
    if (strategy != "read-own-writes-window" && session.contains("window"))
      fail_foreign(session, pointer, "window", "unless strategy is \"read-own-writes-window\"");
    if (strategy != "min-version" && session.contains("max_wait"))
      fail_foreign(session, pointer, "max_wait", "unless strategy is \"min-version\"");
    if (strategy == "read-own-writes-window" && !session.contains("window")) session["window"] = "5s";
    if (strategy == "min-version" && !session.contains("max_wait")) session["max_wait"] = "100ms";
    if (multi_primary_ && (strategy == "min-version" || strategy == "primary-reads"))
      throw SchemaError(child(pointer, "strategy"),
                        "\"none\", \"sticky\" or \"read-own-writes-window\" on a multi-primary database (it has no "
                        "one primary to read from or forward to)",
                        describe_json(session["strategy"]));
    if (routing_kind_ == "client" && strategy != "none" && strategy != "min-version")
      throw SchemaError(child(pointer, "strategy"),
                        "\"none\" or \"min-version\" under routing.kind \"client\" (each client already stays on "
                        "its endpoint, and reads and writes walk the same list)",
                        describe_json(session["strategy"]));
  }

  std::string name_default_;
  bool dns_outage_ = false;  // some fault is a dns_outage
  const std::vector<std::string>& aliases_;
  std::vector<std::string> regions_;
  std::map<std::string, std::string> region_pointer_;  // name -> pointer that defined it
  std::map<std::pair<std::string, std::string>, std::string> link_pointer_;
  std::vector<std::string> link_names_;  // "a<->b" in file order, as the world names the links
  std::string primary_;
  std::vector<std::string> replicas_;
  bool multi_primary_ = false;
  std::string health_from_;
  std::string routing_kind_;
  size_t vantage_count_ = 1;
  std::vector<std::string> db_regions_;                  // multi-primary nodes
  std::map<std::string, double> region_drift_;           // /regions/*/clock_drift_ppm by region
  std::map<std::string, double> slowing_ppm_;            // negative drift faults so far, by clock or region
  double run_duration_s_ = 0;
  std::map<std::string, json> as_written_;  // quantities as the file or --set spelled them, by pointer
};

}  // namespace

SchemaError::SchemaError(std::string pointer_, std::string expected_, std::string found_)
    : std::runtime_error(pointer_ + ": expected " + expected_ + ", found " + found_),
      pointer(std::move(pointer_)),
      expected(std::move(expected_)),
      found(std::move(found_)) {}

void validate_scenario_json(json& scenario, const std::string& name_default,
                            const std::vector<std::string>& metric_aliases) {
  Walker walker(name_default, metric_aliases);
  walker.walk_object(scenario, "", "");
  walker.check_serve_stale(scenario);
  validate_post_run_rules(scenario);
}

}  // namespace mrsim
