// Checks of the post-run rules (alerts, data residency) against the rest of a walked scenario: they name nodes,
// regions, clocks, jurisdictions and keys that the earlier rows define. Run after the table walk (schema.cpp), on a
// document whose every default is filled; errors point at the rule's field, as every SchemaError does. The residency
// rules' key ranges ([first, last]) are checked here too, as the walk meets them.
#include <algorithm>
#include <cmath>
#include <set>

#include "sim/alerts.h"
#include "sim/schema_text.h"

namespace mrsim {

using nlohmann::json;
using namespace schema_text;

namespace {

// The names an alert's label may take: database nodes, client-side regions, clocks.
std::vector<std::string> label_values(const json& s, const std::string& key) {
  std::vector<std::string> regions, out;
  for (const json& r : s["regions"]) regions.push_back(r["name"].get<std::string>());
  if (key == "region") return regions;
  if (key == "clock") {
    for (const std::string& r : regions)
      for (const char* prefix : {"db-", "monitor-", "resolvers-"}) out.push_back(prefix + r);
    return out;
  }
  const json& db = s["database"];
  if (db.contains("regions"))
    for (const json& r : db["regions"]) out.push_back("db-" + r.get<std::string>());
  if (db.contains("primary")) out.push_back("db-" + db["primary"].get<std::string>());
  for (const json& r : db["replicas"]) out.push_back("db-" + r.get<std::string>());
  return out;
}

void check_alerts(const json& s) {
  std::set<std::string> names;
  for (size_t i = 0; i < s["alerts"].size(); ++i) {
    const json& a = s["alerts"][i];
    const std::string at = child("/alerts", i);
    const std::string name = a["name"].get<std::string>();
    if (!names.insert(name).second)
      throw SchemaError(child(at, "name"), "a name no earlier alert has", describe_json(a["name"]));
    AlertRule rule;
    if (auto expected = parse_alert_expr(a["expr"].get<std::string>(), rule))
      throw SchemaError(child(at, "expr"), *expected, describe_json(a["expr"]));
    if (rule.label_key.empty()) continue;
    const std::vector<std::string> known = label_values(s, rule.label_key);
    if (std::find(known.begin(), known.end(), rule.label_value) == known.end())
      throw SchemaError(child(at, "expr"),
                        "a " + rule.label_key + " of this scenario (" + quoted_list(known) + ")" +
                            did_you_mean(rule.label_value, known),
                        shown_string(rule.label_value) + " in " + describe_json(a["expr"]));
  }
}

void check_page_on(const json& s) {
  const json& fo = s["failover"];
  if (!fo.contains("page_on")) return;
  const std::string at = "/failover/page_on";
  if (fo["policy"] != "manual")
    throw SchemaError(at, "no \"page_on\" unless policy is \"manual\" (only an operator is paged)",
                      describe_json(fo["page_on"]));
  std::vector<std::string> names;
  for (const json& a : s["alerts"]) {
    AlertRule rule;
    parse_alert_expr(a["expr"].get<std::string>(), rule);
    if (rule.series == "node_healthy") names.push_back(a["name"].get<std::string>());
  }
  if (std::find(names.begin(), names.end(), fo["page_on"].get<std::string>()) == names.end())
    throw SchemaError(at,
                      "the name of an alert over node_healthy (" +
                          (names.empty() ? std::string("the scenario has none") : quoted_list(names)) +
                          "): the controller sees health verdicts while the run goes on, not the other series",
                      describe_json(fo["page_on"]));
}

void check_residency(const json& s) {
  std::vector<std::string> jurisdictions;
  for (const json& r : s["regions"])
    if (r.contains("jurisdiction")) jurisdictions.push_back(r["jurisdiction"].get<std::string>());
  std::sort(jurisdictions.begin(), jurisdictions.end());
  jurisdictions.erase(std::unique(jurisdictions.begin(), jurisdictions.end()), jurisdictions.end());
  const uint64_t keys = s["database"]["keys"].get<uint64_t>();
  const json& rules = s["residency"];
  for (size_t i = 0; i < rules.size(); ++i) {
    const json& rule = rules[i];
    const std::string at = child("/residency", i);
    const std::string jurisdiction = rule["jurisdiction"].get<std::string>();
    if (std::find(jurisdictions.begin(), jurisdictions.end(), jurisdiction) == jurisdictions.end())
      throw SchemaError(child(at, "jurisdiction"),
                        "a jurisdiction some region states (" +
                            (jurisdictions.empty() ? std::string("no region states one")
                                                   : quoted_list(jurisdictions)) +
                            ")",
                        describe_json(rule["jurisdiction"]));
    const uint64_t first = rule["keys"][0].get<uint64_t>(), last = rule["keys"][1].get<uint64_t>();
    if (last >= keys)
      throw SchemaError(child(at, "keys"),
                        "keys within the key space 0.." + std::to_string(keys - 1) + " (database.keys is " +
                            std::to_string(keys) + ")",
                        describe_json(rule["keys"]));
    for (size_t j = 0; j < i; ++j) {
      const uint64_t other_first = rules[j]["keys"][0].get<uint64_t>(), other_last = rules[j]["keys"][1].get<uint64_t>();
      if (first <= other_last && other_first <= last)
        throw SchemaError(child(at, "keys"),
                          "a range not overlapping " + child(child("/residency", j), "keys") + " (" +
                              describe_json(rules[j]["keys"]) + ")",
                          describe_json(rule["keys"]));
    }
  }
}

}  // namespace

void schema_text::walk_key_range(json& v, const FieldSpec& row, const std::string& pointer) {
  const std::string expected =
      "a key range [first, last] of whole numbers from 0 to " + format_in_unit(row.type, row.max) + ", first <= last";
  if (!v.is_array() || v.size() != 2) throw SchemaError(pointer, expected, describe_json(v));
  for (size_t i = 0; i < 2; ++i)
    if (!v[i].is_number() || v[i].get<double>() < 0 || v[i].get<double>() > row.max ||
        std::floor(v[i].get<double>()) != v[i].get<double>())
      throw SchemaError(child(pointer, i), expected, describe_json(v[i]));
  if (v[0].get<double>() > v[1].get<double>()) throw SchemaError(pointer, expected, describe_json(v));
  // 5.0 and 5 are the same key; keep one spelling in the canonical JSON.
  v = json::array({static_cast<uint64_t>(v[0].get<double>()), static_cast<uint64_t>(v[1].get<double>())});
}

void schema_text::validate_post_run_rules(const json& scenario) {
  check_alerts(scenario);
  check_page_on(scenario);
  check_residency(scenario);
}

}  // namespace mrsim
