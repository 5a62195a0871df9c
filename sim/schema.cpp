#include "sim/schema.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "sim/units.h"

namespace mrsim {

using nlohmann::json;

namespace {

constexpr double kHour = 3600, kDay = 86400;
constexpr double kMiB = 1024 * 1024;
constexpr double kU32 = 4294967295.0;

using T = FieldType;
using P = Presence;

// The table. Order matters twice: it is the order of docs/scenarios.md, and the order fields are checked in — a row
// that refers to regions, the primary or the run's duration comes after the row that defines them. Defaults are the
// ones in sim/scenario.h, written in file form. Upper bounds exist so that a typo ("2000h") fails loudly instead of
// running for days (CONVENTIONS.md: put a bound on everything).
const std::vector<FieldSpec> kSchema = {
    {"/name", T::String, P::Derived, "the file name without its extension", 1, 200, false, "",
     "Short name of the scenario, shown in reports."},
    {"/description", T::String, P::Default, "\"\"", 0, 4000, false, "",
     "What the scenario shows and why, in a sentence or a paragraph."},
    {"/seed", T::Seed, P::Default, "1", 0, kNoLimit, false, "",
     "Seed of every random stream in the run (unsigned 64-bit); `--seed` overrides it."},
    {"/duration", T::Duration, P::Default, "\"1h\"", 0, 30 * kDay, true, "", "Simulated length of the run."},

    {"/regions", T::ObjectList, P::Required, "", 1, 64, false, "", "The regions; each becomes a zone of hosts."},
    {"/regions/*/name", T::String, P::Required, "", 1, 64, false, "",
     "Region name, unique; letters, digits, `-` and `_` (e.g. `us-east-1`)."},
    {"/regions/*/lan_latency", T::Duration, P::Default, "\"500us\"", 0, 10, false, "",
     "One-way latency inside the region (client edge -> app -> database)."},
    {"/regions/*/lan_bandwidth", T::Bandwidth, P::Default, "\"10Gbps\"", 0, kNoLimit, true, "",
     "Bandwidth inside the region."},
    {"/regions/*/clock_offset", T::Duration, P::Default, "\"0s\"", 0, kHour, false, "",
     "How far this region's node clocks run ahead of true time (negative offsets are not supported)."},
    {"/regions/*/clock_drift_ppm", T::Number, P::Default, "0", -1000, 1000, false, "",
     "Drift of this region's node clocks, in parts per million (negative = slow)."},

    {"/links", T::ObjectList, P::Default, "[]", 0, 2016, false, "",
     "Inter-region links; symmetric. Every pair of regions must be connected by some path."},
    {"/links/*/between", T::RegionPair, P::Required, "", 0, kNoLimit, false, "",
     "The two regions the link joins, e.g. `[\"us-east-1\", \"us-west-2\"]`; at most one link per pair."},
    {"/links/*/latency", T::Duration, P::Required, "", 0, 10, false, "", "One-way latency of the link."},
    {"/links/*/bandwidth", T::Bandwidth, P::Required, "", 0, kNoLimit, true, "", "Bandwidth of the link."},
    {"/links/*/cost_per_gb", T::Number, P::Default, "0.02", 0, 1000, false, "",
     "USD per GB crossing the link, either direction."},

    {"/database", T::Object, P::Required, "", 0, 0, false, "", "The replicated database."},
    {"/database/topology", T::Enum, P::Default, "\"single-primary\"", 0, 0, false, "single-primary",
     "Replication topology; one primary that takes every write, replicas that follow it."},
    {"/database/primary", T::RegionName, P::Required, "", 0, 0, false, "", "Region of the initial primary."},
    {"/database/replicas", T::RegionList, P::Default, "[]", 0, 63, false, "",
     "Regions holding one replica each, in promotion-preference order; not the primary, no repeats."},
    {"/database/replication", T::Object, P::Default, "{}", 0, 0, false, "", "How replicas follow the primary."},
    {"/database/replication/mode", T::Enum, P::Default, "\"async\"", 0, 0, false, "async|sync",
     "Replication mode of every replica: `sync` = the primary acknowledges a write once the replica has it."},
    {"/database/replication/overrides", T::ReplicationModes, P::Default, "{}", 0, 0, false, "async|sync",
     "Per-replica mode, e.g. `{\"us-west-2\": \"sync\"}`; keys must be replica regions."},
    {"/database/replication/apply_delay", T::Duration, P::Default, "\"1ms\"", 0, kHour, false, "",
     "Time a replica takes to apply one shipped batch."},
    {"/database/replication/reconnect_delay", T::Duration, P::Default, "\"5s\"", 0, kHour, true, "",
     "A broken replication stream retries after this long."},
    {"/database/read_service_time", T::Duration, P::Default, "\"1ms\"", 0, 10, false, "",
     "Time a node spends serving one read."},
    {"/database/write_service_time", T::Duration, P::Default, "\"2ms\"", 0, 10, false, "",
     "Time a node spends on one write (local commit)."},
    {"/database/keys", T::Integer, P::Default, "10000", 1, 1e9, false, "", "Size of the key space."},
    {"/database/entry_size", T::Size, P::Default, "\"256B\"", 1, 64 * kMiB, false, "",
     "Size of one replicated log entry."},

    {"/routing", T::Object, P::Default, "{}", 0, 0, false, "", "How clients find the primary."},
    {"/routing/kind", T::Enum, P::Default, "\"dns\"", 0, 0, false, "dns", "Routing mechanism."},
    {"/routing/policy", T::Enum, P::Default, "\"failover\"", 0, 0, false, "failover",
     "DNS policy: `failover` answers with the current primary's region."},
    {"/routing/ttl", T::Duration, P::Default, "\"1m\"", 0, kDay, false, "", "TTL of the DNS record."},
    {"/routing/update_delay", T::Duration, P::Default, "\"10s\"", 0, kDay, false, "",
     "Time from a record change to every authoritative server serving it."},
    {"/routing/resolvers_per_region", T::Integer, P::Default, "10", 1, 10000, false, "",
     "Caching resolvers per region; clients are spread over them."},
    {"/routing/stale_fraction", T::Probability, P::Default, "0", 0, 1, false, "",
     "Fraction of resolvers that keep serving an expired answer."},
    {"/routing/stale_extra", T::Duration, P::Default, "\"0s\"", 0, kDay, false, "",
     "How long past the TTL those resolvers keep it."},

    {"/health_check", T::Object, P::Default, "{}", 0, 0, false, "", "Probes of the primary."},
    {"/health_check/from", T::RegionName, P::Derived,
     "the first replica's region, else the first region that is not the primary, else the primary", 0, 0, false, "",
     "Region the checker and the failover controller run in."},
    {"/health_check/interval", T::Duration, P::Default, "\"10s\"", 0, kHour, true, "", "Time between probes."},
    {"/health_check/timeout", T::Duration, P::Default, "\"5s\"", 0, kHour, true, "",
     "A probe with no answer after this long fails; must be shorter than `interval`."},
    {"/health_check/failure_threshold", T::Integer, P::Default, "3", 1, 1000, false, "",
     "Consecutive failed probes that make the primary unhealthy."},
    {"/health_check/rise_threshold", T::Integer, P::Default, "2", 1, 1000, false, "",
     "Consecutive good probes that make it healthy again."},
    {"/health_check/probe_size", T::Size, P::Default, "\"200B\"", 1, kMiB, false, "", "Size of a probe message."},

    {"/failover", T::Object, P::Default, "{}", 0, 0, false, "", "What happens when the primary is unhealthy."},
    {"/failover/policy", T::Enum, P::Default, "\"automatic\"", 0, 0, false, "automatic|none",
     "`automatic` promotes a replica; `none` waits for the primary to come back."},
    {"/failover/cooldown", T::Duration, P::Default, "\"5m\"", 0, kDay, false, "",
     "No second failover within this long of the previous one."},
    {"/failover/promotion_time", T::Duration, P::Default, "\"5s\"", 0, kHour, false, "",
     "Time a replica needs to become a writable primary."},
    {"/failover/rpc_timeout", T::Duration, P::Default, "\"5s\"", 0, kHour, true, "",
     "Controller-to-node commands time out after this long."},

    {"/clients", T::ObjectList, P::Default, "[]", 0, 1000, false, "", "Groups of clients issuing the load."},
    {"/clients/*/region", T::RegionName, P::Required, "", 0, 0, false, "", "Region the group runs in."},
    {"/clients/*/count", T::Integer, P::Default, "100", 1, 1e6, false, "", "Logical clients in the group."},
    {"/clients/*/rate_per_s", T::Number, P::Default, "50", 0, 1e6, true, "",
     "Operations per second issued by the whole group (Poisson arrivals)."},
    {"/clients/*/read_fraction", T::Probability, P::Default, "0.9", 0, 1, false, "",
     "Fraction of operations that are reads."},
    {"/clients/*/key_distribution", T::Enum, P::Default, "\"uniform\"", 0, 0, false, "uniform|zipf",
     "How keys are chosen."},
    {"/clients/*/zipf_exponent", T::Number, P::Default, "0.99", 0, 10, true, "",
     "Exponent of the zipf key distribution (used when `key_distribution` is `zipf`)."},
    {"/clients/*/timeout", T::Duration, P::Default, "\"2s\"", 0, kHour, true, "", "Timeout of one attempt."},
    {"/clients/*/max_retries", T::Integer, P::Default, "2", 0, 100, false, "",
     "Retries after a failed attempt (attempts = 1 + max_retries)."},
    {"/clients/*/retry_backoff", T::Duration, P::Default, "\"200ms\"", 0, kHour, false, "", "Wait before a retry."},
    {"/clients/*/request_size", T::Size, P::Default, "\"512B\"", 1, 64 * kMiB, false, "", "Size of a request."},
    {"/clients/*/response_size", T::Size, P::Default, "\"1KiB\"", 1, 64 * kMiB, false, "", "Size of a response."},

    {"/faults", T::ObjectList, P::Default, "[]", 0, 1000, false, "",
     "Scheduled faults; each must start and end within the run."},
    {"/faults/*/at", T::Duration, P::Required, "", 0, kNoLimit, false, "", "When the fault starts."},
    {"/faults/*/kind", T::Enum, P::Required, "", 0, 0, false, "region_outage|partition",
     "`region_outage`: every host of `region` goes down; `partition`: links between `groups` are cut."},
    {"/faults/*/duration", T::Duration, P::Required, "", 0, kNoLimit, true, "", "How long the fault lasts."},
    {"/faults/*/region", T::RegionName, P::Optional, "", 0, 0, false, "",
     "The region that goes down (`region_outage` only; required there)."},
    {"/faults/*/groups", T::RegionGroups, P::Optional, "", 2, kNoLimit, false, "",
     "Two or more disjoint, non-empty lists of regions (`partition` only; required there); regions not listed "
     "keep all their links."},

    {"/metrics", T::Object, P::Default, "{}", 0, 0, false, "", "How metrics are computed."},
    {"/metrics/window", T::Duration, P::Default, "\"10s\"", 0, kDay, true, "",
     "RTO: sliding window of the client success ratio."},
    {"/metrics/threshold", T::Probability, P::Default, "0.99", 0, 1, false, "",
     "RTO: success ratio that counts as recovered."},
    {"/metrics/stable", T::Duration, P::Default, "\"1m\"", 0, kDay, true, "", "RTO: the ratio must hold this long."},
    {"/metrics/step", T::Duration, P::Default, "\"1s\"", 0, kHour, true, "", "RTO: resolution of the search."},
    {"/metrics/sample_interval", T::Duration, P::Default, "\"1s\"", 0, kHour, true, "",
     "Time between trace samples (lag, success ratio, latency)."},

    {"/expect", T::Expectations, P::Default, "{}", 0, 0, false, "",
     "Checks on the report, e.g. `{\"rto_s\": \"<= 300\"}`; see Expectations below."},
};

const char* const kExpectOps[] = {"<=", ">=", "==", "!=", "<", ">"};  // two-character ops first: "<=" is not "<"

std::string escape_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string child(const std::string& pointer, const std::string& key) {
  return pointer + "/" + escape_token(key);
}
std::string child(const std::string& pointer, size_t index) {
  return pointer + "/" + std::to_string(index);
}

std::string last_token(const std::string& path) {
  return path.substr(path.rfind('/') + 1);
}

// Replaces invalid UTF-8 (possible in --set values, which never went through the JSON parser) instead of throwing.
std::string dump_lenient(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string json_quoted(const std::string& s) {
  return dump_lenient(json(s));
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

std::vector<std::string> split_choices(const char* choices) {
  std::vector<std::string> out;
  std::stringstream in(choices);
  std::string item;
  while (std::getline(in, item, '|')) out.push_back(item);
  return out;
}

std::string json_quoted_list(const std::vector<std::string>& items) {
  std::vector<std::string> q;
  for (const auto& i : items) q.push_back(json_quoted(i));
  return join(q, ", ");
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// " (did you mean "ttl"?)" when a candidate is within two edits, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 3;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_distance) best_distance = d, best = c;
  }
  return best.empty() ? "" : " (did you mean " + json_quoted(best) + "?)";
}

std::vector<const FieldSpec*> children_of(const std::string& pattern) {
  std::vector<const FieldSpec*> out;
  for (const FieldSpec& row : kSchema) {
    std::string path = row.path;
    if (path.size() > pattern.size() + 1 && path.compare(0, pattern.size(), pattern) == 0 &&
        path[pattern.size()] == '/' && path.find('/', pattern.size() + 1) == std::string::npos)
      out.push_back(&row);
  }
  return out;
}

std::string format_in_unit(FieldType type, double v) {
  switch (type) {
    case T::Duration:
      return format_duration(v);
    case T::Size:
      return format_size(v);
    case T::Bandwidth:
      return format_bandwidth(v);
    default:
      return format_number(v);
  }
}

// "> 0s", ">= 1", "from 0 to 1", "" (no limit). Lists are ranges of item counts and say so.
std::string range_text(const FieldSpec& row) {
  bool lo = std::isfinite(row.min), hi = std::isfinite(row.max);
  bool is_list = row.type == T::ObjectList || row.type == T::RegionList || row.type == T::RegionGroups;
  if (row.type == T::String || row.type == T::Enum || row.type == T::Object || row.type == T::RegionName ||
      row.type == T::RegionPair || row.type == T::ReplicationModes || row.type == T::Expectations ||
      row.type == T::Seed)
    return "";
  if (is_list && row.min == 0 && !hi) return "";
  std::string a = lo ? format_in_unit(row.type, row.min) : "", b = hi ? format_in_unit(row.type, row.max) : "";
  std::string text;
  if (lo && hi)
    text = row.min_exclusive ? "> " + a + " and <= " + b : "from " + a + " to " + b;
  else if (lo)
    text = (row.min_exclusive ? "> " : ">= ") + a;
  else if (hi)
    text = "<= " + b;
  return is_list ? text + " items" : text;
}

std::string type_noun(const FieldSpec& row) {
  switch (row.type) {
    case T::Object:
      return "an object";
    case T::ObjectList:
      return "a list of objects";
    case T::String:
      return "a string";
    case T::Enum:
      return "one of " + json_quoted_list(split_choices(row.choices));
    case T::Integer:
      return "a whole number";
    case T::Seed:
      return "an unsigned 64-bit integer";
    case T::Number:
      return "a number";
    case T::Probability:
      return "a probability";
    case T::Duration:
      return "a duration";
    case T::Size:
      return "a size";
    case T::Bandwidth:
      return "a bandwidth";
    case T::RegionName:
      return "a region name";
    case T::RegionList:
      return "a list of region names";
    case T::RegionPair:
      return "a pair of region names";
    case T::RegionGroups:
      return "a list of lists of region names";
    case T::ReplicationModes:
      return "an object mapping replica regions to \"sync\" or \"async\"";
    case T::Expectations:
      return "an object mapping metrics to conditions such as \"<= 300\"";
  }
  return "a value";
}

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
                          "unknown key " + json_quoted(item.key()));
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
    if (pattern == "/health_check") check_health_check(obj, pointer);
    if (pattern == "/faults/*") check_fault(obj, pointer);
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
      if (!replicas_.empty()) return replicas_.front();
      for (const auto& r : regions_)
        if (r != primary_) return r;
      return primary_;
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
          if (path == "/database/replicas") {
            if (r == primary_)
              throw SchemaError(at, "a region other than the primary (" + json_quoted(primary_) + ")",
                                describe_json(v[i]));
            replicas_.push_back(r);
          }
        }
        return;
      }
      case T::RegionPair:
        return walk_link_ends(v, pointer);
      case T::RegionGroups:
        return walk_groups(v, pointer);
      case T::ReplicationModes: {
        if (!v.is_object()) throw SchemaError(pointer, type_noun(row), describe_json(v));
        for (auto& item : v.items()) {
          std::string at = child(pointer, item.key());
          if (std::find(replicas_.begin(), replicas_.end(), item.key()) == replicas_.end())
            throw SchemaError(at,
                              "a key that is a replica region (one of /database/replicas: " +
                                  (replicas_.empty() ? std::string("none listed") : json_quoted_list(replicas_)) + ")",
                              "key " + json_quoted(item.key()));
          if (!item.value().is_string() || (item.value() != "sync" && item.value() != "async"))
            throw SchemaError(at, "one of \"async\", \"sync\"", describe_json(item.value()));
        }
        return;
      }
      case T::Expectations:
        return walk_expectations(v, pointer);
    }
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
      value = parse(v.is_string() ? v.get<std::string>() : std::string());
    } catch (const UnitError& e) {
      throw SchemaError(pointer, e.what(), describe_json(v));
    }
    if (row.type == T::Size && std::floor(value) != value)
      throw SchemaError(pointer, "a size in whole bytes", describe_json(v));
    check_range(row, value, pointer, v);
    if (row.type == T::Size && value > kU32) fail_range(row, pointer, v);
    if (std::string(row.path) == "/duration") run_duration_s_ = value;  // the table puts it before /faults
    v = format(value);
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
      throw SchemaError(pointer, "a region defined in /regions (" + json_quoted_list(regions_) + ")", describe_json(v));
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
                          "no path from " + json_quoted(regions_.front()) + " to " + json_quoted(r));
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
                          "key " + json_quoted(key));
      }
      json& cond = item.value();
      const char* expected = "a condition \"<op> <number>\" with <op> one of <, <=, ==, !=, >=, >, such as \"<= 300\"";
      if (!cond.is_string()) throw SchemaError(at, expected, describe_json(cond));
      std::string text = cond.get<std::string>();
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
      cond = op + " " + format_number(number);
    }
  }

  void check_health_check(const json& hc, const std::string& pointer) {
    double interval = parse_duration_s(hc["interval"].get<std::string>());
    double timeout = parse_duration_s(hc["timeout"].get<std::string>());
    // A probe still outstanding when the next one is due would make consecutive-failure counting ambiguous.
    if (timeout >= interval)
      throw SchemaError(child(pointer, "timeout"),
                        "a duration shorter than interval (" + format_duration(interval) + ")",
                        describe_json(hc["timeout"]));
  }

  void check_fault(json& fault, const std::string& pointer) {
    std::string kind = fault["kind"].get<std::string>();
    const char* needed = kind == "region_outage" ? "region" : "groups";
    const char* foreign = kind == "region_outage" ? "groups" : "region";
    if (!fault.contains(needed)) {
      const FieldSpec* row = schema_row_for(std::string("/faults/*/") + needed);
      throw SchemaError(child(pointer, needed), type_noun(*row) + " (required for a " + kind + " fault)", "nothing");
    }
    if (fault.contains(foreign))
      throw SchemaError(child(pointer, foreign),
                        std::string("no \"") + foreign + "\" in a " + kind + " fault (it has \"" + needed + "\")",
                        describe_json(fault[foreign]));
    double run = run_duration_s_;
    double at = parse_duration_s(fault["at"].get<std::string>());
    double length = parse_duration_s(fault["duration"].get<std::string>());
    // Faults outside the run would silently do nothing; a fault must also heal in time for recovery to be measured.
    if (at >= run)
      throw SchemaError(child(pointer, "at"), "a start before the end of the run (" + format_duration(run) + ")",
                        describe_json(fault["at"]));
    if (at + length > run)
      throw SchemaError(child(pointer, "duration"),
                        "a duration that ends by the end of the run (at most " + format_duration(run - at) + " after " +
                            format_duration(at) + ")",
                        describe_json(fault["duration"]));
  }

  std::string name_default_;
  const std::vector<std::string>& aliases_;
  std::vector<std::string> regions_;
  std::map<std::string, std::string> region_pointer_;  // name -> pointer that defined it
  std::map<std::pair<std::string, std::string>, std::string> link_pointer_;
  std::string primary_;
  std::vector<std::string> replicas_;
  double run_duration_s_ = 0;
};

std::string display_path(const std::string& path) {
  std::string out;
  std::stringstream in(path.substr(1));
  std::string token;
  while (std::getline(in, token, '/')) {
    if (token == "*")
      out += "[]";
    else
      out += (out.empty() ? "" : ".") + token;
  }
  return out;
}

std::string markdown_cell(std::string text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string type_cell(const FieldSpec& row) {
  switch (row.type) {
    case T::Object:
      return "object";
    case T::ObjectList:
      return "list of objects";
    case T::String:
      return "string";
    case T::Enum: {
      std::vector<std::string> c;
      for (const auto& s : split_choices(row.choices)) c.push_back("`" + s + "`");
      return join(c, " or ");
    }
    case T::Integer:
      return "integer";
    case T::Seed:
      return "unsigned integer";
    case T::Number:
      return "number";
    case T::Probability:
      return "probability";
    case T::Duration:
      return "duration";
    case T::Size:
      return "size";
    case T::Bandwidth:
      return "bandwidth";
    case T::RegionName:
      return "region name";
    case T::RegionList:
      return "list of region names";
    case T::RegionPair:
      return "pair of region names";
    case T::RegionGroups:
      return "list of lists of region names";
    case T::ReplicationModes:
      return "object: replica region to `sync` or `async`";
    case T::Expectations:
      return "object: metric to condition";
  }
  return "";
}

std::string default_cell(const FieldSpec& row) {
  switch (row.presence) {
    case P::Required:
      return "**required**";
    case P::Optional:
      return "-";
    case P::Derived:
      return row.default_value;
    case P::Default:
      break;
  }
  json d = json::parse(row.default_value);
  if (row.type == T::Object) return "(defaults below)";
  // An empty string in backticks would vanish when rendered; show it as JSON instead.
  return "`" + (d.is_string() && !d.get<std::string>().empty() ? d.get<std::string>() : d.dump()) + "`";
}

}  // namespace

SchemaError::SchemaError(std::string pointer_, std::string expected_, std::string found_)
    : std::runtime_error(pointer_ + ": expected " + expected_ + ", found " + found_),
      pointer(std::move(pointer_)),
      expected(std::move(expected_)),
      found(std::move(found_)) {}

const std::vector<FieldSpec>& scenario_schema() {
  return kSchema;
}

std::string known_keys_expectation(const std::string& pattern, const std::string& key) {
  std::vector<std::string> keys;
  for (const FieldSpec* row : children_of(pattern)) keys.push_back(last_token(row->path));
  return "one of the keys " + join(keys, ", ") + did_you_mean(key, keys);
}

const FieldSpec* schema_row_for(const std::string& pattern) {
  for (const FieldSpec& row : kSchema)
    if (pattern == row.path) return &row;
  return nullptr;
}

std::string describe_json(const json& value) {
  constexpr size_t kMax = 60;
  if (value.is_object()) return value.empty() ? "{}" : "an object";
  std::string text = dump_lenient(value);
  if (text.size() <= kMax) return text;
  if (value.is_array()) return "a list of " + std::to_string(value.size()) + " items";
  return text.substr(0, kMax) + "...";
}

void validate_scenario_json(json& scenario, const std::string& name_default,
                            const std::vector<std::string>& metric_aliases) {
  Walker walker(name_default, metric_aliases);
  walker.walk_object(scenario, "", "");
}

std::string schema_reference_markdown(const std::vector<std::pair<std::string, std::string>>& metric_aliases) {
  std::ostringstream md;
  md << "# Scenario reference\n\n"
        "<!-- Generated from the field table in sim/schema.cpp by scenario_reference_markdown(); do not edit by "
        "hand.\n     tests/test_scenario.cpp fails when this file and the table disagree. -->\n\n"
        "A scenario is one JSON object. Every field below has a default unless it is marked **required**; unknown "
        "keys\nare errors. Errors name the file, the JSON pointer of the field, what was expected and what was "
        "found.\n\n"
        "## Units\n\n"
        "Durations, sizes and bandwidths are strings with a unit; a bare number is an error, because `35` could be "
        "seconds\nor milliseconds.\n\n"
        "- duration: `ns`, `us`, `ms`, `s`, `m` or `min` (minutes), `h`, `d` - e.g. `\"35ms\"`, `\"1.5s\"`, "
        "`\"2h\"`\n"
        "- size: `B`, `KB`, `MB`, `GB`, `TB` (powers of 1000), `KiB`, `MiB`, `GiB`, `TiB` (powers of 1024) - e.g. "
        "`\"4KiB\"`\n"
        "- bandwidth: `bps`, `Kbps`, `Mbps`, `Gbps`, `Tbps` (bits per second), `Bps`, `KBps`, `MBps`, `GBps`, "
        "`TBps`\n  (bytes per second) - e.g. `\"1Gbps\"`, `\"10MBps\"`\n\n"
        "None may be negative. The effective scenario (Scenario::canonical_json, hashed into the report) writes each "
        "quantity\nin the largest unit that is exact, e.g. `\"60s\"` becomes `\"1m\"`.\n\n"
        "## Overrides\n\n"
        "`--set PATH=VALUE` changes one field before validation. PATH is dotted (`database.replication.mode`, "
        "`clients.0.count`)\nor a JSON pointer (`/routing/ttl`); array indices must exist. VALUE is read as JSON if "
        "it parses, else as a\nstring: `--set routing.ttl=300s`, `--set clients.0.count=5`. `--seed N` replaces "
        "`seed`.\n";
  auto open_section = [&](const std::string& title, const std::string& text) {
    md << "\n## " << title << "\n\n"
       << text << "\n\n"
       << "| Field | Type | Default | Range | Meaning |\n|---|---|---|---|---|\n";
  };
  open_section("Top level", "Fields of the scenario object itself.");
  for (const FieldSpec& row : kSchema) {
    std::string path = row.path;
    bool top = path.find('/', 1) == std::string::npos;
    if (row.type == T::Expectations) continue;  // has its own section below
    if (top && (row.type == T::Object || row.type == T::ObjectList)) {
      std::string shape = row.type == T::ObjectList ? "A list of objects" : "An object";
      std::string presence = row.presence == P::Required ? " (**required**)" : "";
      std::string range = range_text(row);
      open_section("`" + display_path(path) + "`",
                   shape + presence + ". " + row.help + (range.empty() ? "" : " Length: " + range + "."));
      continue;
    }
    md << "| `" << display_path(path) << "` | " << markdown_cell(type_cell(row)) << " | "
       << markdown_cell(default_cell(row)) << " | " << markdown_cell(range_text(row)) << " | "
       << markdown_cell(row.help) << " |\n";
  }
  md << "\n## `expect`\n\n"
        "An object; each key names a metric of the report and each value is a condition `\"<op> <number>\"` with "
        "`<op>`\none of `<`, `<=`, `==`, `!=`, `>=`, `>`, e.g. `{\"rto_s\": \"<= 300\", \"split_brain_incidents\": "
        "\"== 0\"}`.\n`mrsim check` runs the scenario and fails when a condition does not hold. A key is either a "
        "JSON pointer into the\nreport (starting with `/`) or one of these aliases (full definitions in "
        "docs/metrics.md):\n\n"
        "| Alias | Meaning |\n|---|---|\n";
  for (const auto& [alias, meaning] : metric_aliases)
    md << "| `" << alias << "` | " << markdown_cell(meaning) << " |\n";
  return md.str();
}

}  // namespace mrsim
