// The scenario format as a JSON Schema (draft 2020-12), generated from the one field table (sim/schema_table.cpp),
// so editors complete and check scenario files. It states what a schema can: types, enums, ranges, unit patterns,
// defaults, descriptions, required keys, no unknown keys. Rules across fields (a region must be defined, faults
// end within the run, a ring needs three nodes) stay with mrsim validate.
#include <cmath>
#include <string>

#include "sim/schema.h"
#include "sim/units.h"

namespace mrsim {

using Json = nlohmann::ordered_json;

namespace {
// An Enum's (or a ReplicationModes map's) choices, "async|sync" -> ["async", "sync"].
Json choices_of(const FieldSpec& row) {
  Json choices = Json::array();
  const std::string all = row.choices;
  for (size_t start = 0;;) {
    const size_t bar = all.find('|', start);
    choices.push_back(all.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return choices;
}


Json node_for(const FieldSpec& row) {
  Json n;
  const bool lo = std::isfinite(row.min), hi = std::isfinite(row.max);
  auto range = [&](Json& j) {
    if (lo) j[row.min_exclusive ? "exclusiveMinimum" : "minimum"] = row.min;
    if (hi) j["maximum"] = row.max;
  };
  switch (row.type) {
    case FieldType::Object:
      n["type"] = "object";
      n["properties"] = Json::object();
      n["additionalProperties"] = false;
      break;
    case FieldType::ObjectList:
      n["type"] = "array";
      n["items"] = {{"type", "object"}, {"properties", Json::object()}, {"additionalProperties", false}};
      if (lo) n["minItems"] = row.min;
      if (hi) n["maxItems"] = row.max;
      break;
    case FieldType::String:
      n["type"] = "string";
      if (lo) n["minLength"] = row.min;
      if (hi) n["maxLength"] = row.max;
      break;
    case FieldType::Enum:
      n["enum"] = choices_of(row);
      break;
    case FieldType::Integer:
      n["type"] = "integer";
      range(n);
      break;
    case FieldType::Seed:
      n["type"] = "integer";
      n["minimum"] = 0;
      n["maximum"] = 18446744073709551615.0;
      break;
    case FieldType::Number:
    case FieldType::Probability:
      n["type"] = "number";
      range(n);
      break;
    case FieldType::Duration:
      n["type"] = "string";
      n["pattern"] = duration_pattern(lo && row.min < 0);
      break;
    case FieldType::Size:
      n["type"] = "string";
      n["pattern"] = size_pattern();
      break;
    case FieldType::Bandwidth:
      n["type"] = "string";
      n["pattern"] = bandwidth_pattern();
      break;
    case FieldType::RegionName:
      n["type"] = "string";
      break;
    case FieldType::RegionList:
      n = {{"type", "array"}, {"items", {{"type", "string"}}}, {"uniqueItems", true}};
      if (lo) n["minItems"] = row.min;
      if (hi) n["maxItems"] = row.max;
      break;
    case FieldType::NameList:
      n = {{"type", "array"}, {"items", {{"type", "string"}}}, {"uniqueItems", true}};
      if (lo) n["minItems"] = row.min;
      if (hi) n["maxItems"] = row.max;
      break;
    case FieldType::RegionPair:
      n = {{"type", "array"}, {"items", {{"type", "string"}}}, {"minItems", 2}, {"maxItems", 2}};
      break;
    case FieldType::KeyRange:
      n = {{"type", "array"},
           {"items", {{"type", "integer"}, {"minimum", 0}, {"maximum", row.max}}},
           {"minItems", 2},
           {"maxItems", 2}};
      break;
    case FieldType::RegionGroups:
      n = {{"type", "array"},
           {"items", {{"type", "array"}, {"items", {{"type", "string"}}}, {"minItems", 1}}},
           {"minItems", 2}};
      break;
    case FieldType::ReplicationModes:
      n = {{"type", "object"}, {"additionalProperties", {{"enum", choices_of(row)}}}};
      break;
    case FieldType::RegionMap:
      n = {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}};
      break;
    case FieldType::RegionWeights:
      n = {{"type", "object"}, {"additionalProperties", {{"type", "number"}, {"minimum", 0}}}};
      break;
    case FieldType::Boolean:
      n["type"] = "boolean";
      break;
    case FieldType::Distribution:
      n = {{"type", "object"}, {"required", {"kind"}},
           {"properties", {{"kind", {{"enum", {"constant", "uniform", "exponential", "lognormal", "pareto", "weibull",
                                               "mixture", "empirical"}}}}}}};
      break;
    case FieldType::Expectations:
      n = {{"type", "object"},
           {"additionalProperties",
            {{"type", "string"},
             {"pattern", "^((mean|min|max|p50|p95|p99) over seeds [0-9]+\\.\\.[0-9]+ )?(<=|>=|==|!=|<|>) *-?[0-9.eE+-]+$"}}}};
      break;
  }
  if (row.help && *row.help) n["description"] = row.help;
  if (row.presence == Presence::Default) {
    try {
      n["default"] = Json::parse(row.default_value);
    } catch (const std::exception&) {
    }
  }
  return n;
}

// The object schema that holds the children of `pattern` (the root for "").
Json& container(Json& root, const std::string& parent) {
  Json* at = &root;
  size_t pos = 1;
  while (pos < parent.size() + 1 && !parent.empty()) {
    const size_t slash = parent.find('/', pos);
    const std::string token = parent.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    if (token == "*") at = &(*at)["items"];
    else at = &(*at)["properties"][token];
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  return (*at).contains("items") && !(*at).contains("properties") ? (*at)["items"] : *at;
}

}  // namespace

nlohmann::ordered_json scenario_json_schema() {
  Json root;
  root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  root["$id"] = "urn:mrsim:scenario";
  root["title"] = "mrsim scenario";
  root["description"] = "A scenario file of mrsim (docs/scenarios.md). Generated by `mrsim schema --json` from the field "
                        "table; `mrsim validate` also checks the rules across fields that a schema cannot state.";
  root["type"] = "object";
  root["properties"] = Json::object();
  root["additionalProperties"] = false;
  for (const FieldSpec& row : scenario_schema()) {
    const std::string path = row.path;
    const size_t slash = path.rfind('/');
    const std::string parent = path.substr(0, slash), key = path.substr(slash + 1);
    if (key == "*") continue;  // the list row itself carries its items
    Json& holder = container(root, parent);
    holder["properties"][key] = node_for(row);
    if (row.presence == Presence::Required) holder["required"].push_back(key);
  }
  return root;
}

}  // namespace mrsim
