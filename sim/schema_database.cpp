// Checks of a database's design-specific settings against the rest of its block: consensus ranges, semi-sync sources,
// CRDT key ranges (the leaderless ones are in sim/schema_leaderless.cpp). Run by the walker (sim/schema.cpp) on a
// database block whose every default is filled.
#include <algorithm>
#include <string>
#include <vector>

#include "sim/schema_text.h"

namespace mrsim::schema_text {

using nlohmann::json;

std::vector<std::string> replica_modes(const json& db) {
  const json& repl = db["replication"];
  std::vector<std::string> modes;
  for (const json& r : db["replicas"]) {
    const std::string region = r.get<std::string>();
    modes.push_back((repl["overrides"].contains(region) ? repl["overrides"][region] : repl["mode"]).get<std::string>());
  }
  return modes;
}

// Raft across regions: a majority must survive the loss of any one region, so at least three; the leaseholder is
// one of them (the first by default).
void check_consensus(json& db, const std::string& pointer, const std::vector<std::string>& regions_listed) {
  auto refuse = [&](const char* key, const std::string& why) {
    if (db.contains(key))
      throw SchemaError(child(pointer, key), std::string("no \"") + key + "\" on a consensus database (" + why + ")",
                        describe_json(db[key]));
  };
  refuse("primary", "the range elects its leader; \"leaseholder\" names the first");
  refuse("layout", "every replica hears from the leader");
  refuse("conflict_resolution", "the leader orders every write");
  refuse("crdt", "CRDTs are a conflict resolution of multi-primary databases");
  refuse("quorum", "a write commits on a majority of the regions");
  refuse("delays", "messages take the network's time");
  const json& regions = db["regions"];
  if (regions.size() < 3)
    throw SchemaError(child(pointer, "regions"),
                      "at least 3 regions on a consensus database (with " + std::to_string(regions.size()) +
                          ", losing any one leaves no majority, and writes stop)",
                      describe_json(regions));
  if (!db["replicas"].empty())
    throw SchemaError(child(pointer, "replicas"), "[] on a consensus database (every region in \"regions\" holds "
                      "a voting replica)", describe_json(db["replicas"]));
  if (db["replication"]["mode"] != "async")
    throw SchemaError(child(child(pointer, "replication"), "mode"),
                      "\"async\" on a consensus database (Raft commits on a majority; there is no mode to choose)",
                      describe_json(db["replication"]["mode"]));
  if (!db.contains("leaseholder")) db["leaseholder"] = regions[0];
  if (std::find(regions.begin(), regions.end(), db["leaseholder"]) == regions.end())
    throw SchemaError(child(pointer, "leaseholder"), "one of /database/regions (" + quoted_list(regions_listed) + ")",
                      describe_json(db["leaseholder"]));
}

// A semi-sync source cannot wait for more receipts than it has semi-sync replicas (MySQL would wait out every
// commit's timeout and run async for ever).
void check_semi_sync(const json& db, const std::string& pointer) {
  const std::vector<std::string> modes = replica_modes(db);
  const size_t semi = size_t(std::count(modes.begin(), modes.end(), "semi-sync"));
  const size_t sync = size_t(std::count(modes.begin(), modes.end(), "sync"));
  if (semi == 0) return;
  // One source either waits for semi-sync receipts (MySQL) or for sync replicas' replay (PostgreSQL), not both.
  if (sync > 0)
    throw SchemaError(child(pointer, "replication"), "replicas that are \"sync\" or \"semi-sync\", not both",
                      std::to_string(sync) + " sync and " + std::to_string(semi) + " semi-sync");
  const json& count = db["semi_sync"]["wait_for_replica_count"];
  if (count.get<uint64_t>() > semi)
    throw SchemaError(child(child(pointer, "semi_sync"), "wait_for_replica_count"),
                      "at most " + std::to_string(semi) + " (the replicas in mode \"semi-sync\")",
                      describe_json(count));
}

void check_crdt_ranges(const json& db, const std::string& pointer) {
  const uint64_t keys = db["keys"].get<uint64_t>();
  uint64_t next = 0;
  const std::string at = child(pointer, "crdt");
  for (size_t i = 0; i < db["crdt"].size(); ++i) {
    const json& range = db["crdt"][i];
    const uint64_t first = range["first_key"].get<uint64_t>(), last = range["last_key"].get<uint64_t>();
    if (first != next)
      throw SchemaError(child(child(at, i), "first_key"),
                        "key " + std::to_string(next) + " (ranges follow each other in key order, without gaps or "
                        "overlaps)", describe_json(range["first_key"]));
    if (last < first || last >= keys)
      throw SchemaError(child(child(at, i), "last_key"),
                        "a key from " + std::to_string(first) + " to " + std::to_string(keys - 1) +
                            " (the key space is 0.." + std::to_string(keys - 1) + ")",
                        describe_json(range["last_key"]));
    next = last + 1;
  }
  if (next < keys)
    throw SchemaError(at, "ranges that give every key 0.." + std::to_string(keys - 1) + " a CRDT type",
                      "keys " + std::to_string(next) + ".." + std::to_string(keys - 1) + " with none");
}

}  // namespace mrsim::schema_text
