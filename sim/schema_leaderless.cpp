// Cross-field checks of a leaderless database (database.topology "leaderless"): see sim/schema_text.h.
#include <algorithm>
#include <set>

#include "sim/schema_text.h"

namespace mrsim::schema_text {

using nlohmann::json;

void check_leaderless(const json& db, const std::string& pointer, const std::vector<std::string>& regions) {
  const size_t n = db["regions"].size();
  const std::string q = child(pointer, "quorum");
  for (const char* key : {"r", "w"})
    if (db["quorum"][key].get<uint64_t>() > n)
      throw SchemaError(child(q, key),
                        "a quorum of at most N = " + std::to_string(n) + " (the replicas in /database/regions)",
                        describe_json(db["quorum"][key]));
  std::set<std::string> seen;
  const json& overrides = db["delays"]["replicas"];
  for (size_t i = 0; i < overrides.size(); ++i) {
    const std::string at = child(child(child(child(pointer, "delays"), "replicas"), i), "region");
    const std::string region = overrides[i]["region"].get<std::string>();
    if (std::find(regions.begin(), regions.end(), region) == regions.end())
      throw SchemaError(at, "a region in /database/regions (" + quoted_list(regions) + ")",
                        describe_json(overrides[i]["region"]));
    if (!seen.insert(region).second)
      throw SchemaError(at, "a region not overridden before", describe_json(overrides[i]["region"]));
  }
}

}  // namespace mrsim::schema_text
