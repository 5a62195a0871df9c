// The scenario schema: one table row per tunable (JSON path, type, default, range, one line of help). Validation,
// default filling, normalisation and the scenario reference (docs/scenarios.md) all come from this table, so they
// cannot drift apart. The loader (sim/scenario.cpp) adds file reading, --set overrides and the typed Scenario.
//
// Three files: sim/schema_table.cpp (the table, and how a row reads in words), sim/schema.cpp (the validator) and
// sim/schema_docs.cpp (docs/scenarios.md).
#pragma once

#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mrsim {

enum class FieldType {
  Object,            // a fixed set of keys, each a row of its own
  ObjectList,        // array of objects; rows below "<path>/*"
  String,            // text of min to max characters
  Enum,              // one of `choices`
  Integer,           // whole number in [min, max]
  Seed,              // unsigned 64-bit integer
  Number,            // any number in range
  Probability,       // number in [0, 1]
  Duration,          // "35ms", "2h" -> seconds
  Size,              // "4KiB" -> whole bytes
  Bandwidth,         // "1Gbps" -> bytes per second
  RegionName,        // a name defined in /regions (the /regions/*/name row defines them)
  RegionList,        // array of defined region names, no repeats
  RegionPair,        // [a, b]: two different defined regions
  KeyRange,          // [first, last]: whole numbers, first <= last <= max
  RegionGroups,      // array of >= 2 disjoint non-empty arrays of defined regions
  ReplicationModes,  // object: replica region -> "sync" | "async" | "cdc"
  RegionMap,         // object: defined region -> defined region
  RegionWeights,     // object: region holding a database node -> number >= 0, not all 0
  Expectations,      // object: metric alias or "/report/pointer" -> "<op> <number>"
  Boolean,           // true or false
  Distribution,      // a delay distribution object (sim/distribution.h), checked and rewritten there; `max`, when
                     // above 0, bounds the durations it states (a day otherwise)
  NameList,          // array of distinct strings naming components (links "a<->b", nodes "db-<region>"), checked
                     // against the scenario by the row's cross-field check
};

enum class Presence {
  Required,  // no default: the file must say it
  Default,   // `default_value` (JSON text) is filled in when absent
  Derived,   // filled in from other fields when absent; `default_value` describes the rule in words
  Optional,  // may be absent and stays absent (a rule elsewhere decides when it is needed)
};

struct FieldSpec {
  const char* path;  // JSON pointer pattern; "*" stands for every array index
  FieldType type;
  Presence presence;
  const char* default_value;  // JSON text of the default (file form, e.g. "\"60s\""), or the rule for Derived
  double min;                 // range in base units (s, B, B/s) or item count for lists
  double max;
  bool min_exclusive;   // "> min" rather than ">= min"
  const char* choices;  // Enum: "async|sync"
  const char* help;     // one line
};

constexpr double kNoLimit = std::numeric_limits<double>::infinity();
// The longest duration a `faults_random` distribution may state: a century (a disk's MTBF is about that).
constexpr double kMaxTimeBetweenFailures_s = 100 * 365 * 86400.0;

const std::vector<FieldSpec>& scenario_schema();

// Cross-field bounds, checked once the rows they join are known (those rows' help lines say so). The RTO search takes
// one step per `metrics.step` over the run, and the trace one sample per `metrics.sample_interval`, so the run's
// duration divided by each is bounded. 10,000,000 steps take about 2 s per fault that never recovers; a million
// samples take about 1.5 GB in the trace (measured on the flagship), so a run longer than 11.5 days samples less
// often than every second.
constexpr double kMaxStepsPerRun = 1e7;
constexpr double kMaxSamplesPerRun = 1e6;

// A user error inside the scenario JSON. The loader turns it into the one-line message
// `<file>: <pointer>: expected <expected>, found <found>`.
struct SchemaError : std::runtime_error {
  SchemaError(std::string pointer_, std::string expected_, std::string found_);
  std::string pointer;
  std::string expected;
  std::string found;
};

// Checks `scenario` against the table, in place: fills every default, derives the Derived fields, and rewrites
// quantities in their canonical spelling (units.h format_*), so the result is the effective scenario. Throws
// SchemaError at the first problem. `name_default` is the file stem. `metric_aliases` are the expect-block names.
void validate_scenario_json(nlohmann::json& scenario, const std::string& name_default,
                            const std::vector<std::string>& metric_aliases);

// For --set: the table row for a concrete pointer ("/clients/0/count" -> "/clients/*/count"), or nullptr. Keys of
// the free-form maps (expect, replication overrides) match their map's row.
const FieldSpec* schema_row_for(const std::string& pattern);

// "one of the keys kind, policy, ttl, ... (did you mean "ttl"?)" for an unknown `key` in the object at `pattern`.
std::string known_keys_expectation(const std::string& pattern, const std::string& key);

// A short description of a JSON value for "found ...": "\"35\"", "35", "an object", "a list of 3 items". Strings are
// shown as shown_string() shows them.
std::string describe_json(const nlohmann::json& value);

// How user text appears in a message: control characters escaped (\n, \u001b) and invalid UTF-8 replaced, so a
// message stays on one line, and cut at a character boundary after `max_bytes` with "... (N bytes)" after it. 80
// bytes never cut a valid region name (at most 64) or a scenario's own JSON pointers.
constexpr size_t kMaxShownBytes = 80;
std::string shown_text(const std::string& text, size_t max_bytes = kMaxShownBytes);
// A JSON pointer, shown: "(top level)" for "", and cut at twice the usual length, so that no valid pointer is (a
// 64-character region name after /database/replication/overrides/ is the longest).
std::string shown_pointer(const std::string& pointer);
// A string as JSON with quotes, shown: "\"us-east-1\"", or "\"aaaa...\" (100000 bytes)" when cut.
std::string shown_string(const std::string& text);
// "1 item", "3 items".
std::string count_of(size_t n, const std::string& singular, const std::string& plural);

// docs/scenarios.md, generated from the table; `metric_aliases` are (name, meaning) pairs of the expect block.
// The scenario format as a JSON Schema (draft 2020-12), generated from the table (sim/schema_json.cpp).
nlohmann::ordered_json scenario_json_schema();

std::string schema_reference_markdown(const std::vector<std::pair<std::string, std::string>>& metric_aliases);

}  // namespace mrsim
