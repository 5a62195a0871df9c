// The validator's routing checks (sim/schema.cpp calls them): which keys each routing kind and DNS policy takes,
// and the region maps and weights of the record policies. Split from sim/schema.cpp along the domain.
#include "sim/schema_routing.h"

#include <algorithm>

#include "sim/schema_text.h"
#include "sim/units.h"

namespace mrsim::schema_routing {

using nlohmann::json;
using namespace schema_text;

namespace {

void check_resolver_populations(json& rt, const std::string& pointer, const AsWritten& as_written) {
  const std::string at = child(pointer, "resolvers");
  if (rt["stale_fraction"].get<double>() != 0)
    throw SchemaError(child(pointer, "stale_fraction"),
                      "0 when \"resolvers\" describes the populations (give the "
                      "stretching resolvers there)",
                      describe_json(rt["stale_fraction"]));
  double total = 0;
  for (size_t i = 0; i < rt["resolvers"].size(); ++i) {
    json& population = rt["resolvers"][i];
    const std::string extra_at = child(child(at, i), "extra");
    json& extra = population["extra"];
    const std::string d = extra["distribution"].get<std::string>();
    std::vector<std::string> needed = d == "fixed"     ? std::vector<std::string>{"min"}
                                      : d == "uniform" ? std::vector<std::string>{"min", "max"}
                                                       : std::vector<std::string>{"mean"};
    for (const char* key : {"min", "max", "mean"}) {
      const bool wanted = std::find(needed.begin(), needed.end(), key) != needed.end();
      if (wanted && !extra.contains(key))
        throw SchemaError(child(extra_at, key), "a duration (required for a " + d + " distribution)", "nothing");
      if (!wanted && extra.contains(key)) fail_foreign(extra, extra_at, key, "in a " + d + " distribution");
    }
    if (d == "uniform" &&
        parse_duration_s(extra["max"].get<std::string>()) < parse_duration_s(extra["min"].get<std::string>()))
      throw SchemaError(child(extra_at, "max"), "a duration of at least min (" + extra["min"].get<std::string>() + ")",
                        as_written(child(extra_at, "max"), extra["max"]));
    total += population["fraction"].get<double>();
    if (total > 1 + 1e-9)
      throw SchemaError(
          child(child(at, i), "fraction"),
          "fractions that sum to at most 1 over the populations (this one brings them to " + format_number(total) + ")",
          describe_json(population["fraction"]));
  }
}

}  // namespace

// A routing answer must be a region with a database node: there is nothing else to answer with.
void check_node_region(const json& v, const std::string& pointer, const std::vector<std::string>& nodes,
                       const std::string& what) {
  if (!v.is_string() || std::find(nodes.begin(), nodes.end(), v.get<std::string>()) == nodes.end())
    throw SchemaError(pointer,
                      (what.empty() ? std::string("a region") : what + "a region") + " holding a database node (" +
                          quoted_list(nodes) + ")" +
                          (v.is_string() ? did_you_mean(v.get<std::string>(), nodes) : std::string()),
                      (what.empty() ? "" : "key ") + describe_json(v));
}

void check_region_map(const json& v, const std::string& pointer, const std::vector<std::string>& regions,
                      const std::vector<std::string>& nodes) {
  if (!v.is_object()) throw SchemaError(pointer, "an object mapping region names to region names", describe_json(v));
  for (auto& item : v.items()) {
    const std::string at = child(pointer, item.key());
    if (std::find(regions.begin(), regions.end(), item.key()) == regions.end())
      throw SchemaError(at,
                        "a key that is a region defined in /regions (" + quoted_list(regions) + ")" +
                            did_you_mean(item.key(), regions),
                        "key " + shown_string(item.key()));
    check_node_region(item.value(), at, nodes);
  }
}

void check_region_weights(const json& v, const std::string& pointer, const std::vector<std::string>& nodes) {
  if (!v.is_object()) throw SchemaError(pointer, "an object mapping region names to weights", describe_json(v));
  double total = 0;
  for (auto& item : v.items()) {
    const std::string at = child(pointer, item.key());
    check_node_region(json(item.key()), at, nodes, "a key that is ");
    if (!item.value().is_number() || !(item.value().get<double>() >= 0) || item.value().get<double>() > 1e9)
      throw SchemaError(at, "a weight from 0 to 1000000000", describe_json(item.value()));
    total += item.value().get<double>();
  }
  if (!(total > 0))
    throw SchemaError(pointer, "weights that are not all 0 (at least one region must receive answers)",
                      v.empty() ? std::string("{}") : "weights summing to 0");
}

// Each routing kind and policy takes its own keys, and no other kind's.
void check_routing_kind(json& rt, const std::string& pointer, const std::vector<std::string>& regions,
                        const std::vector<std::string>& nodes, const AsWritten& as_written, const FillObject& fill) {
  const std::string kind = rt["kind"].get<std::string>(), policy = rt["policy"].get<std::string>();
  if (kind != "dns" && policy != "failover")
    throw SchemaError(child(pointer, "policy"),
                      "\"failover\" unless kind is \"dns\" (a " + kind + " routing asks no DNS record)",
                      describe_json(rt["policy"]));
  if (policy != "geo" && rt.contains("geo")) fail_foreign(rt, pointer, "geo", "unless policy is \"geo\"");
  if (policy != "weighted" && rt.contains("weights"))
    fail_foreign(rt, pointer, "weights", "unless policy is \"weighted\"");
  if (policy == "geo" && !rt.contains("geo"))
    throw SchemaError(child(pointer, "geo"), "an object (required for policy \"geo\")", "nothing");
  if (policy == "weighted" && !rt.contains("weights"))
    throw SchemaError(child(pointer, "weights"),
                      "an object mapping region names to weights (required for policy "
                      "\"weighted\")",
                      "nothing");
  if (policy == "geo") check_node_region(rt["geo"]["default"], child(child(pointer, "geo"), "default"), nodes);
  if (kind != "global_lb" && rt.contains("global_lb"))
    fail_foreign(rt, pointer, "global_lb", "unless kind is \"global_lb\"");
  if (kind == "global_lb") {
    if (!rt.contains("global_lb")) {
      rt["global_lb"] = json::object();
      fill(rt["global_lb"], child(pointer, "global_lb"));
    }
    const json& pop = rt["global_lb"]["pop"];
    if (pop != "nearest" && std::find(regions.begin(), regions.end(), pop.get<std::string>()) == regions.end())
      throw SchemaError(child(child(pointer, "global_lb"), "pop"),
                        "\"nearest\" or a region defined in /regions (" + quoted_list(regions) + ")" +
                            did_you_mean(pop.get<std::string>(), regions),
                        describe_json(pop));
    const std::string at = child(child(pointer, "global_lb"), "health_check");
    const json& hc = rt["global_lb"]["health_check"];
    if (parse_duration_s(hc["timeout"].get<std::string>()) >= parse_duration_s(hc["interval"].get<std::string>()))
      throw SchemaError(child(at, "timeout"),
                        "a duration shorter than interval (" + hc["interval"].get<std::string>() + ")",
                        as_written(child(at, "timeout"), hc["timeout"]));
  }
  if (rt.contains("resolvers")) check_resolver_populations(rt, pointer, as_written);
  if (rt.contains("client_cache")) {
    if (kind != "dns") fail_foreign(rt, pointer, "client_cache", "unless kind is \"dns\"");
    const std::string at = child(child(pointer, "client_cache"), "ttl");
    const std::string ttl = rt["client_cache"]["ttl"].get<std::string>();
    double seconds = -1;
    try {
      if (ttl != "forever") seconds = parse_duration_s(ttl);
    } catch (const std::exception&) {
    }
    if (ttl != "forever" && !(seconds >= 0 && seconds <= 86400))
      throw SchemaError(at, "a duration from 0s to 1d, or \"forever\"", describe_json(rt["client_cache"]["ttl"]));
    if (ttl != "forever") rt["client_cache"]["ttl"] = format_duration(seconds);
  }
  for (const char* key : {"endpoints", "circuit_breaker"})
    if (kind != "client" && rt.contains(key)) fail_foreign(rt, pointer, key, "unless kind is \"client\"");
  if (kind == "client") {
    if (!rt.contains("endpoints"))
      throw SchemaError(child(pointer, "endpoints"), "a list of region names (required for kind \"client\")",
                        "nothing");
    for (size_t i = 0; i < rt["endpoints"].size(); ++i)
      check_node_region(rt["endpoints"][i], child(child(pointer, "endpoints"), i), nodes);
  }
}

}  // namespace mrsim::schema_routing
