// Internal to the schema's files (schema_table*.cpp, schema.cpp, schema_walk*.cpp, schema_docs.cpp,
// schema_rules.cpp): how a table row, a JSON pointer and a list read in words. Not for models or the CLI; they see
// sim/schema.h.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/schema.h"

namespace mrsim::schema_text {

// What the user wrote at a pointer before the canonical rewrite, described for "found ...".
using AsWritten = std::function<std::string(const std::string& pointer, const nlohmann::json& now)>;
// The health checks' vantages and rule, and the failover policy against them (sim/schema_failover.cpp). The first
// returns the number of vantages.
size_t check_health_check(nlohmann::json& hc, const std::string& pointer, const AsWritten& as_written);
void check_failover(nlohmann::json& fo, const std::string& pointer, bool multi_primary, size_t vantages,
                    const AsWritten& as_written);

// A leaderless database's quorums against its N replicas, and its per-replica delay overrides against its regions
// (sim/schema_leaderless.cpp).
// The walker's state the fault checks read and write (sim/schema_faults.cpp).
struct FaultChecks {
  const std::string& routing_kind;
  const std::vector<std::string>& regions;
  const std::vector<std::string>& link_names;  // "a<->b" in file order
  std::vector<std::string> node_regions;       // the regions with a database node
  double run_s;
  bool& dns_outage;                             // set when some fault or random class is a DNS outage
  std::map<std::string, double>& region_drift;  // /regions/*/clock_drift_ppm by region
  std::map<std::string, double>& slowing_ppm;   // negative drift faults so far, by clock or region
  AsWritten as_written;
};
void check_fault(nlohmann::json& fault, const std::string& pointer, FaultChecks& walker);
void check_random_class(nlohmann::json& c, const std::string& pattern, const std::string& pointer, FaultChecks& walker);

void check_leaderless(const nlohmann::json& db, const std::string& pointer, const std::vector<std::string>& regions);
// sim/schema_database.cpp: each replica's replication mode, in /database/replicas order; and the design checks.
std::vector<std::string> replica_modes(const nlohmann::json& db);
void check_consensus(nlohmann::json& db, const std::string& pointer, const std::vector<std::string>& regions);
void check_semi_sync(const nlohmann::json& db, const std::string& pointer);
void check_crdt_ranges(const nlohmann::json& db, const std::string& pointer);

// Alerts and data residency against the rest of a walked document (sim/schema_rules.cpp).
void validate_post_run_rules(const nlohmann::json& scenario);
// A KeyRange value ([first, last]), checked and put in its canonical spelling (sim/schema_rules.cpp).
void walk_key_range(nlohmann::json& v, const FieldSpec& row, const std::string& pointer);

// The rows one level below `pattern` ("" for the top level), in table order.
std::vector<const FieldSpec*> children_of(const std::string& pattern);

// "> 0s", "from 1ms to 1h", ">= 2 items", "" (no limit or not a quantity).
std::string range_text(const FieldSpec& row);
// "a duration", "one of \"async\", \"sync\"", "a list of objects".
std::string type_noun(const FieldSpec& row);
// A value of the row's type in its canonical spelling: "1ms", "100Tbps", "0.5".
std::string format_in_unit(FieldType type, double v);

// JSON pointer pieces: "~" and "/" escaped in a token.
std::string escape_token(const std::string& key);
std::string child(const std::string& pointer, const std::string& key);
std::string child(const std::string& pointer, size_t index);
std::string last_token(const std::string& path);

std::string join(const std::vector<std::string>& items, const std::string& sep);
std::vector<std::string> split_choices(const char* choices);
// "\"a\", \"b\"" — every item shown_string()'d, and after `max_items` "and N more".
std::string quoted_list(const std::vector<std::string>& items, size_t max_items = 8);
// " (did you mean \"ttl\"?)" when a candidate is within two edits of `word`, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);
// A key the object may not carry here: "no \"<key>\" <why>", found what it holds.
[[noreturn]] void fail_foreign(const nlohmann::json& obj, const std::string& pointer, const std::string& key,
                               const std::string& why);

}  // namespace mrsim::schema_text
