// docs/scenarios.md, generated from the schema table (sim/schema_table.cpp).
#include <sstream>

#include "sim/schema_text.h"

namespace mrsim {

using nlohmann::json;
using namespace schema_text;

namespace {

using T = FieldType;
using P = Presence;

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
    case T::KeyRange:
      return "key range `[first, last]`";
    case T::RegionGroups:
      return "list of lists of region names";
    case T::ReplicationModes:
      return "object: replica region to a replication mode";
    case T::Expectations:
      return "object: metric to condition";
    case T::RegionMap:
      return "object: region to region";
    case T::RegionWeights:
      return "object: region to weight";
    case T::Boolean:
      return "`true` or `false`";
    case T::Distribution:
      return "delay distribution (below)";
    case T::NameList:
      return "list of names";
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

std::string schema_reference_markdown(const std::vector<std::pair<std::string, std::string>>& metric_aliases) {
  std::ostringstream md;
  md << "# Scenario reference\n\n"
        "<!-- Generated from the field table in sim/schema_table.cpp by scenario_reference_markdown(); do not edit by "
        "hand.\n     tests/test_scenario.cpp fails when this file and the table disagree. -->\n\n"
        "A scenario is one JSON object. Every field below has a default unless it is marked **required**; unknown "
        "keys\nare errors. Errors name the file, the JSON pointer of the field, what was expected and what was "
        "found.\n\n"
        "The file is strict JSON: no comments, each key once per object, at most 64 levels of nesting (a scenario "
        "needs five),\nand every number within a double's range (`1e400` and `1e-400` are errors, not infinity and "
        "zero; `-0` is 0).\n\n"
        "## Units\n\n"
        "Durations, sizes and bandwidths are strings with a unit; a bare number is an error, because `35` could be "
        "seconds\nor milliseconds.\n\n"
        "- duration: `ns`, `us`, `ms`, `s`, `m` or `min` (minutes), `h`, `d` - e.g. `\"35ms\"`, `\"1.5s\"`, "
        "`\"2h\"`\n"
        "- size: `B`, `KB`, `MB`, `GB`, `TB` (powers of 1000), `KiB`, `MiB`, `GiB`, `TiB` (powers of 1024) - e.g. "
        "`\"4KiB\"`\n"
        "- bandwidth: `bps`, `Kbps`, `Mbps`, `Gbps`, `Tbps` (bits per second), `Bps`, `KBps`, `MBps`, `GBps`, "
        "`TBps`\n  (bytes per second) - e.g. `\"1Gbps\"`, `\"10MBps\"`\n\n"
        "None may be negative (`\"-0s\"` is zero). The effective scenario (Scenario::canonical_json, hashed into the "
        "report)\nwrites each quantity in the largest unit that is exact, e.g. `\"60s\"` becomes `\"1m\"`.\n\n"
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
  for (const FieldSpec& row : scenario_schema()) {
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
  md << "\n## Delay distributions\n\n"
        "A delay distribution (`database.delays.*`, `links[*].jitter`, `faults_random.*`) is an object with a "
        "`kind`; durations carry\nunits, at most 1d (in `faults_random`: 36500d for `between_failures`, 366d for "
        "`to_repair`).\n\n"
        "| kind | keys | draws |\n|---|---|---|\n"
        "| `constant` | `value` | always `value` (draws no random number) |\n"
        "| `uniform` | `min`, `max` (>= min) | min + u (max - min) |\n"
        "| `exponential` | `mean` (> 0) | -mean ln(1 - u); the rate is 1 / mean |\n"
        "| `lognormal` | `median` (> 0), `sigma` (0 to 10) | median exp(sigma z), z standard normal (Box-Muller) |\n"
        "| `pareto` | `x_m` (> 0), `alpha` (> 0) | x_m (1 - u)^(-1/alpha): P(X > x) = (x_m / x)^alpha |\n"
        "| `weibull` | `scale` (> 0), `shape` (> 0, at most 100) | scale (-ln(1 - u))^(1/shape): P(X > x) = "
        "exp(-(x / scale)^shape); mean scale Gamma(1 + 1/shape) |\n"
        "| `mixture` | `of`: 2 to 16 distributions, each with a `weight` > 0; weights sum to 1 | one u picks a "
        "component by its weight, which then draws |\n"
        "| `empirical` | `percentiles`: percentile (0 to 100, `\"100\"` required) to duration, values not "
        "decreasing | inverse CDF, linear between stated points; below the lowest stated percentile, its value |\n\n"
        "u is uniform on [0, 1) from the component's own random stream. Example, PBS's LinkedIn SSD write fit: "
        "`{\"kind\": \"mixture\", \"of\": [{\"weight\": 0.9122, \"kind\": \"pareto\", \"x_m\": \"235us\", "
        "\"alpha\": 10}, {\"weight\": 0.0878, \"kind\": \"exponential\", \"mean\": \"602.4us\"}]}`.\n";
  md << "\n## Random faults\n\n"
        "`faults_random` draws faults for each component of each class it names: a region (`region_outage`), a link "
        "`a<->b`\n(`partition` with groups `[[a], [b]]`), a database host `db-<region>` (`node_crash`), the "
        "authoritative DNS provider\n(`dns_outage`). A component is up from the start of the run for a "
        "`between_failures` draw, down for a `to_repair`\ndraw, up again for a new `between_failures` draw, and so "
        "on (an alternating renewal process: with means MTBF and\nMTTR it is down MTTR / (MTBF + MTTR) of the time "
        "in the long run). Each component draws from its own stream,\n`faults_random/<class>/<target>` with class "
        "`region`, `link`, `node` or `dns` (target `authoritative`), so the\nschedule depends only on the seed and "
        "the component. Fault times fall on whole milliseconds; a draw below 1 ms counts\nas 1 ms. A failure drawn "
        "at or after the end of the run is no fault, and a repair the end of the run cuts ends\nthere. The faults "
        "follow the file's `faults` in the report's fault list, by start time (ties: regions, links, nodes,\ndns, "
        "then target order), and count toward the `long_run` block of the report (docs/metrics.md, \"Long runs\"). A "
        "run draws\nat most 10000 of them. Example, a year of regional outages: `{\"regions\": {\"between_failures\": "
        "{\"kind\":\n\"exponential\", \"mean\": \"90d\"}, \"to_repair\": {\"kind\": \"lognormal\", \"median\": "
        "\"1.5h\", \"sigma\": 0.8}}}`.\n";
  md << "\n## `expect`\n\n"
        "An object; each key names a metric of the report and each value is a condition `\"<op> <number>\"` with "
        "`<op>`\none of `<`, `<=`, `==`, `!=`, `>=`, `>`, e.g. `{\"rto_s\": \"<= 300\", \"split_brain_incidents\": "
        "\"== 0\"}`.\n`mrsim check` runs the scenario and fails when a condition does not hold. A key is either a "
        "JSON pointer into the\nreport (starting with `/`) or one of these aliases (full definitions in "
        "docs/metrics.md).\n\nA condition can also state a statistic over seeds: `\"p95 over seeds 1..20 <= 300\"` "
        "holds when the 95th percentile\n(nearest rank) of the metric over the runs with seeds 1 to 20 is at most "
        "300. The statistics are `mean`, `min`,\n`max`, `p50`, `p95` and `p99`; a run whose value is undefined makes "
        "the statistic undefined (a miss). `mrsim check`\nruns those seeds in parallel, one process each, besides "
        "the scenario's own run (docs/sweeps.md).\n\n"
        "| Alias | Meaning |\n|---|---|\n";
  for (const auto& [alias, meaning] : metric_aliases)
    md << "| `" << alias << "` | " << markdown_cell(meaning) << " |\n";
  return md.str();
}

}  // namespace mrsim
