// The validator's cross-field checks of the deployment: region names and references, links and their
// connectedness, the database design, routing, health checks and failover (the walk is in sim/schema.cpp).
#include <algorithm>
#include <cctype>
#include <set>

#include "sim/schema_routing.h"
#include "sim/schema_walk.h"

namespace mrsim {

using nlohmann::json;
using namespace schema_text;

namespace {

bool valid_region_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

}  // namespace

namespace schema_walk {

// Regions holding a database node: the primary and the replicas, or (multi-primary) `database.regions`.
std::vector<std::string> Walker::node_regions() const {
  if (multi_primary_) return db_regions_;
  std::vector<std::string> out{primary_};
  out.insert(out.end(), replicas_.begin(), replicas_.end());
  return out;
}

void Walker::define_region(const std::string& name, const std::string& pointer, const json& v) {
  if (!valid_region_name(name))
    throw SchemaError(pointer, "a region name of 1 to 64 letters, digits, '-' or '_'", describe_json(v));
  auto [it, fresh] = region_pointer_.emplace(name, pointer);
  if (!fresh)
    throw SchemaError(pointer, "a region name not used before (" + it->second + " already defines it)",
                      describe_json(v));
  regions_.push_back(name);
}

void Walker::check_region_ref(const json& v, const std::string& pointer) {
  if (!v.is_string() || !region_pointer_.count(v.get<std::string>()))
    throw SchemaError(pointer, "a region defined in /regions (" + quoted_list(regions_) + ")", describe_json(v));
}

void Walker::walk_link_ends(const json& v, const std::string& pointer) {
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

void Walker::check_connected(const std::string& pointer) {
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

void Walker::check_failover(json& fo, const std::string& pointer) {
  schema_text::check_failover(fo, pointer, multi_primary_, vantage_count_, written());
}

void Walker::check_health_check(json& hc, const std::string& pointer) {
  vantage_count_ = schema_text::check_health_check(hc, pointer, written());
}

void Walker::check_database(json& db, const std::string& pointer) {
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
void Walker::check_cdc(json& db, const std::string& pointer) {
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
void Walker::check_leaderless(json& db, const std::string& pointer, Refuse& refuse, Need& need) {
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

void Walker::check_routing(json& rt, const std::string& pointer) {
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

// routing.serve_stale goes with routing kind "dns"; filled with its defaults when a dns_outage fault needs it.
void Walker::check_serve_stale(json& scenario) {
  json& rt = scenario["routing"];
  if (routing_kind_ != "dns" && rt.contains("serve_stale"))
    fail_foreign(rt, "/routing", "serve_stale", "unless kind is \"dns\"");
  if (dns_outage_ && !rt.contains("serve_stale")) {
    rt["serve_stale"] = json::object();
    walk_value(rt["serve_stale"], *schema_row_for("/routing/serve_stale"), "/routing/serve_stale");
  }
}

}  // namespace schema_walk

}  // namespace mrsim
