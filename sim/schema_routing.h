// Internal to the validator (sim/schema.cpp): the routing section's checks, in sim/schema_routing.cpp.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/schema.h"

namespace mrsim::schema_routing {

// What the user wrote at a pointer before the canonical rewrite, described for "found ...".
using AsWritten = std::function<std::string(const std::string& pointer, const nlohmann::json& now)>;
// Fills an object row's defaults in place (the validator's walk), for an object added by a rule.
using FillObject = std::function<void(nlohmann::json& object, const std::string& pointer)>;

// A routing answer must be a region holding a database node (`nodes`): there is nothing else to answer with.
// `what` prefixes the expectation ("a key that is ") when the value checked is a key.
void check_node_region(const nlohmann::json& v, const std::string& pointer, const std::vector<std::string>& nodes,
                       const std::string& what = "");
// routing.geo.map: defined client regions to regions holding a node.
void check_region_map(const nlohmann::json& v, const std::string& pointer, const std::vector<std::string>& regions,
                      const std::vector<std::string>& nodes);
// routing.weights: regions holding a node to weights >= 0, not all 0.
void check_region_weights(const nlohmann::json& v, const std::string& pointer, const std::vector<std::string>& nodes);
// Each routing kind and DNS policy takes its own keys and no other's; fills global_lb's defaults under its kind.
void check_routing_kind(nlohmann::json& rt, const std::string& pointer, const std::vector<std::string>& regions,
                        const std::vector<std::string>& nodes, const AsWritten& as_written, const FillObject& fill);

}  // namespace mrsim::schema_routing
