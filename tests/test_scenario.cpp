// Scenario loading (sim/scenario_loader.h): typed values, defaults, --set, the canonical JSON and hash, the generated
// reference, and — most of all — the one-line error messages users see for bad input.
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "sim/expect.h"
#include "sim/scenario.h"
#include "sim/scenario_loader.h"
#include "sim/schema.h"

using namespace mrsim;
using nlohmann::json;

namespace {

// Valid, short, and exercising every region reference: the error table below breaks it one field at a time.
const char* const kBase = R"({
  "name": "base",
  "duration": "2h",
  "regions": [{"name": "us-east-1"}, {"name": "us-west-2"}, {"name": "eu-west-1"}],
  "links": [{"between": ["us-east-1", "us-west-2"], "latency": "35ms", "bandwidth": "1Gbps"},
            {"between": ["us-east-1", "eu-west-1"], "latency": "40ms", "bandwidth": "1Gbps"}],
  "database": {"primary": "us-east-1", "replicas": ["us-west-2"]},
  "health_check": {"interval": "10s", "timeout": "5s"},
  "clients": [{"region": "us-east-1"}],
  "faults": [{"at": "30m", "kind": "region_outage", "region": "us-east-1", "duration": "20m"}],
  "expect": {"rto_s": "<= 300"}
})";

// Every field set, none to its default, so that a field wired to the wrong member shows up.
const char* const kFull = R"({
  "name": "full",
  "description": "Every field set.",
  "seed": 42,
  "duration": "90m",
  "regions": [
    {"name": "a", "lan_latency": "1ms", "lan_bandwidth": "1Gbps", "clock_offset": "5ms", "clock_drift_ppm": -20},
    {"name": "b", "lan_latency": "2ms", "lan_bandwidth": "100Mbps", "clock_offset": "0s", "clock_drift_ppm": 3.5},
    {"name": "c"}
  ],
  "links": [{"between": ["a", "b"], "latency": "35ms", "bandwidth": "10MBps", "cost_per_gb": 0.05},
            {"between": ["c", "b"], "latency": "70ms", "bandwidth": "1Gbps"}],
  "database": {"topology": "single-primary", "primary": "a", "replicas": ["b", "c"],
               "replication": {"mode": "sync", "overrides": {"c": "async"}, "apply_delay": "3ms",
                               "reconnect_delay": "7s"},
               "read_service_time": "4ms", "write_service_time": "6ms", "keys": 500, "entry_size": "4KiB"},
  "routing": {"kind": "dns", "policy": "failover", "ttl": "300s", "update_delay": "20s", "resolvers_per_region": 4,
              "stale_fraction": 0.25, "stale_extra": "1h"},
  "health_check": {"from": "c", "interval": "15s", "timeout": "3s", "failure_threshold": 5, "rise_threshold": 4,
                   "probe_size": "1KB"},
  "failover": {"policy": "none", "cooldown": "10m", "promotion_time": "30s", "rpc_timeout": "2s"},
  "clients": [{"region": "b", "count": 7, "rate_per_s": 12.5, "read_fraction": 0.5, "key_distribution": "zipf",
               "zipf_exponent": 1.2, "timeout": "1500ms", "max_retries": 0, "retry_backoff": "1s",
               "request_size": "1KiB", "response_size": "1MB"}],
  "faults": [{"at": "10m", "kind": "partition", "duration": "5m", "groups": [["a"], ["b", "c"]]},
             {"at": "1h", "kind": "region_outage", "duration": "30m", "region": "a"}],
  "metrics": {"window": "20s", "threshold": 0.95, "stable": "2m", "step": "500ms", "sample_interval": "5s"},
  "expect": {"rto_s": "<= 300", "/faults/0/rpo/lost_writes": "==0", "availability": ">= 0.999"}
})";

Scenario load(const std::string& text, const std::vector<std::string>& sets = {}) {
  return load_scenario_text(text, "scenarios/test.json", sets, std::nullopt);
}

// The message of the InputError that loading throws; fails the test when nothing is thrown.
std::string load_error(const std::string& text, const std::vector<std::string>& sets = {},
                       const std::string& origin = "bad.json") {
  try {
    load_scenario_text(text, origin, sets, std::nullopt);
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("no InputError for this input");
  return "";
}

std::string base_with(const std::string& pointer, const char* value_json) {
  json doc = json::parse(kBase);
  if (value_json) doc[json::json_pointer(pointer)] = json::parse(value_json);
  else doc[json::json_pointer(pointer.substr(0, pointer.rfind('/')))].erase(pointer.substr(pointer.rfind('/') + 1));
  return doc.dump(2);
}

struct FileErrorCase {
  const char* change;   // pointer in kBase to replace (or remove, when value is nullptr)
  const char* value;    // JSON text
  const char* where;    // pointer the message must name
  const char* expected; // words after "expected"
  const char* found;    // words after "found"
};

const std::vector<FileErrorCase> kFileErrors = {
    // unknown keys, with a hint when close
    {"/colour", "1", "/colour", "one of the keys name, description, seed, duration", "unknown key \"colour\""},
    {"/routing/tll", "\"60s\"", "/routing/tll", "(did you mean \"ttl\"?)", "unknown key \"tll\""},
    {"/regions/1/latency", "\"1ms\"", "/regions/1/latency", "one of the keys name, lan_latency", "unknown key"},
    // wrong types
    {"/seed", "\"one\"", "/seed", "an unsigned 64-bit integer", "\"one\""},
    {"/seed", "1.5", "/seed", "an unsigned 64-bit integer", "1.5"},
    {"/seed", "-3", "/seed", "an unsigned 64-bit integer", "-3"},
    {"/regions", "{}", "/regions", "a list of objects", "{}"},
    {"/regions/0", "\"us-east-1\"", "/regions/0", "an object with keys name, lan_latency", "\"us-east-1\""},
    {"/database", "[]", "/database", "an object with keys topology, primary", "[]"},
    {"/clients/0/count", "\"5\"", "/clients/0/count", "a whole number from 1 to 1000000", "\"5\""},
    {"/clients/0/count", "2.5", "/clients/0/count", "a whole number", "2.5"},
    {"/clients/0/rate_per_s", "true", "/clients/0/rate_per_s", "a number > 0", "true"},
    {"/description", "7", "/description", "a string", "7"},
    {"/database/replication/mode", "\"quasi-sync\"", "/database/replication/mode",
     "one of \"async\", \"sync\", \"semi-sync\"", "\"quasi-sync\""},
    {"/database/topology", "\"sharded\"", "/database/topology",
     "one of \"single-primary\", \"multi-primary\", \"consensus\", \"leaderless\"", "\"sharded\""},
    {"/failover/policy", "\"operator\"", "/failover/policy", "one of \"automatic\", \"none\", \"manual\", \"quorum\", \"lease\", \"raft\"", "\"operator\""},
    // units
    {"/routing/ttl", "60", "/routing/ttl", "a duration with a unit such as \"35ms\" or \"2h\"", "60"},
    {"/routing/ttl", "\"60\"", "/routing/ttl", "a duration with a unit", "\"60\""},
    {"/routing/ttl", "\"60 seconds\"", "/routing/ttl", "a duration with a unit", "\"60 seconds\""},
    {"/routing/ttl", "\"-5s\"", "/routing/ttl", "a duration that is not negative", "\"-5s\""},
    {"/links/0/bandwidth", "\"1Gb\"", "/links/0/bandwidth", "a bandwidth with a unit such as \"1Gbps\"", "\"1Gb\""},
    {"/database/entry_size", "\"4kb\"", "/database/entry_size", "a size with a unit", "\"4kb\""},
    {"/database/entry_size", "\"0.5B\"", "/database/entry_size", "a size in whole bytes", "\"0.5B\""},
    // ranges
    {"/duration", "\"0s\"", "/duration", "a duration > 0s and <= 366d", "\"0s\""},
    {"/duration", "\"9000h\"", "/duration", "a duration > 0s and <= 366d", "\"9000h\""},
    {"/links/0/bandwidth", "\"0bps\"", "/links/0/bandwidth", "a bandwidth > 0Bps", "\"0bps\""},
    {"/clients/0/rate_per_s", "0", "/clients/0/rate_per_s", "a number > 0", "0"},
    {"/clients/0/timeout", "\"0s\"", "/clients/0/timeout", "a duration > 0s", "\"0s\""},
    {"/clients/0/count", "0", "/clients/0/count", "a whole number from 1 to 1000000", "0"},
    {"/clients/0/read_fraction", "1.5", "/clients/0/read_fraction", "a probability from 0 to 1", "1.5"},
    {"/routing/stale_fraction", "-0.1", "/routing/stale_fraction", "a probability from 0 to 1", "-0.1"},
    {"/metrics/threshold", "2", "/metrics/threshold", "a probability from 0 to 1", "2"},
    {"/health_check/failure_threshold", "0", "/health_check/failure_threshold", "a whole number from 1 to 1000",
     "0"},
    {"/health_check/rise_threshold", "0", "/health_check/rise_threshold", "a whole number from 1 to 1000", "0"},
    {"/regions", "[]", "/regions", "a list of objects from 1 to 64 items", "[]"},
    // required fields
    {"/regions", nullptr, "/regions", "a list of objects (required)", "nothing"},
    {"/database/primary", nullptr, "/database/primary", "a region name (required for a single-primary database)",
     "nothing"},
    {"/links/0/between", nullptr, "/links/0/between", "a pair of region names (required)", "nothing"},
    {"/links/0/latency", nullptr, "/links/0/latency", "a duration (required)", "nothing"},
    {"/links/0/bandwidth", nullptr, "/links/0/bandwidth", "a bandwidth (required)", "nothing"},
    {"/clients/0/region", nullptr, "/clients/0/region", "a region name (required)", "nothing"},
    {"/faults/0/at", nullptr, "/faults/0/at", "a duration (required)", "nothing"},
    {"/faults/0/kind", nullptr, "/faults/0/kind",
     "one of \"region_outage\", \"partition\", \"clock_skew\", \"clock_drift\", \"maintenance\" (required)", "nothing"},
    {"/faults/0/duration", nullptr, "/faults/0/duration", "a duration (required for a region_outage fault)", "nothing"},
    {"/faults/0/region", nullptr, "/faults/0/region", "a region name (required for a region_outage fault)",
     "nothing"},
    // regions: definitions and references
    {"/regions/1/name", "\"us-east-1\"", "/regions/1/name",
     "a region name not used before (/regions/0/name already defines it)", "\"us-east-1\""},
    {"/regions/1/name", "\"us west\"", "/regions/1/name", "a region name of 1 to 64 letters", "\"us west\""},
    {"/links/0/between/1", "\"ap-south-1\"", "/links/0/between/1",
     "a region defined in /regions (\"us-east-1\", \"us-west-2\", \"eu-west-1\")", "\"ap-south-1\""},
    {"/database/primary", "\"ap-south-1\"", "/database/primary", "a region defined in /regions", "\"ap-south-1\""},
    {"/database/replicas/0", "\"ap-south-1\"", "/database/replicas/0", "a region defined in /regions",
     "\"ap-south-1\""},
    {"/health_check/from", "\"ap-south-1\"", "/health_check/from", "a region defined in /regions", "\"ap-south-1\""},
    {"/clients/0/region", "\"ap-south-1\"", "/clients/0/region", "a region defined in /regions", "\"ap-south-1\""},
    {"/faults/0/region", "\"ap-south-1\"", "/faults/0/region", "a region defined in /regions", "\"ap-south-1\""},
    {"/faults/0", R"({"at": "1m", "kind": "partition", "duration": "1m", "groups": [["us-east-1"], ["mars"]]})",
     "/faults/0/groups/1/0", "a region defined in /regions", "\"mars\""},
    {"/database/replication", R"({"overrides": {"mars": "sync"}})", "/database/replication/overrides/mars",
     "a key that is a replica region (one of /database/replicas: \"us-west-2\")", "key \"mars\""},
    {"/database/replication", R"({"overrides": {"eu-west-1": "sync"}})", "/database/replication/overrides/eu-west-1",
     "a key that is a replica region", "key \"eu-west-1\""},
    {"/database/replication", R"({"overrides": {"us-west-2": "fast"}})", "/database/replication/overrides/us-west-2",
     "one of \"async\", \"sync\"", "\"fast\""},
    // links
    {"/links/0/between", R"(["us-east-1", "us-east-1"])", "/links/0/between", "two different regions",
     "[\"us-east-1\",\"us-east-1\"]"},
    {"/links/1/between", R"(["us-west-2", "us-east-1"])", "/links/1/between",
     "a pair of regions not linked before (/links/0/between already links them)", "[\"us-west-2\",\"us-east-1\"]"},
    {"/links/0/between", R"(["us-east-1"])", "/links/0/between", "a pair of region names", "[\"us-east-1\"]"},
    {"/links", R"([{"between": ["us-east-1", "us-west-2"], "latency": "1ms", "bandwidth": "1Gbps"}])", "/links",
     "links that connect every pair of regions", "no path from \"us-east-1\" to \"eu-west-1\""},
    // database
    {"/database/replicas", R"(["us-east-1"])", "/database/replicas/0",
     "a region other than the primary (\"us-east-1\")", "\"us-east-1\""},
    {"/database/replicas", R"(["us-west-2", "us-west-2"])", "/database/replicas/1", "a region not listed before",
     "\"us-west-2\""},
    // faults
    {"/faults/0/at", "\"-1m\"", "/faults/0/at", "a duration that is not negative", "\"-1m\""},
    {"/faults/0/at", "\"3h\"", "/faults/0/at", "a start before the end of the run (2h)", "\"3h\""},
    {"/faults/0/duration", "\"2h\"", "/faults/0/duration",
     "a duration that ends by the end of the run (at most 1.5h after 30m)", "\"2h\""},
    {"/faults/0/duration", "\"0s\"", "/faults/0/duration", "a duration > 0s", "\"0s\""},
    {"/faults/0/kind", "\"meteor\"", "/faults/0/kind", "one of \"region_outage\", \"partition\"", "\"meteor\""},
    {"/faults/0/groups", R"([["us-east-1"], ["us-west-2"]])", "/faults/0/groups",
     "no \"groups\" in a region_outage fault (it has \"region\")", "[[\"us-east-1\"],[\"us-west-2\"]]"},
    {"/faults/0", R"({"at": "1m", "kind": "partition", "duration": "1m"})", "/faults/0/groups",
     "a list of lists of region names (required for a partition fault)", "nothing"},
    {"/faults/0", R"({"at": "1m", "kind": "partition", "duration": "1m", "groups": [["us-east-1", "us-west-2"]]})",
     "/faults/0/groups", "two or more lists of region names", "[[\"us-east-1\",\"us-west-2\"]]"},
    {"/faults/0", R"({"at": "1m", "kind": "partition", "duration": "1m", "groups": [["us-east-1"], []]})",
     "/faults/0/groups/1", "a non-empty list of region names", "[]"},
    {"/faults/0",
     R"({"at": "1m", "kind": "partition", "duration": "1m", "groups": [["us-east-1", "eu-west-1"], ["eu-west-1"]]})",
     "/faults/0/groups/1/0", "a region in only one group (/faults/0/groups/0/1 already has it)", "\"eu-west-1\""},
    {"/faults/0",
     R"({"at": "1m", "kind": "partition", "duration": "1m", "region": "us-east-1",
         "groups": [["us-east-1"], ["eu-west-1"]]})",
     "/faults/0/region", "no \"region\" in a partition fault (it has \"groups\")", "\"us-east-1\""},
    // health check
    {"/health_check/timeout", "\"10s\"", "/health_check/timeout", "a duration shorter than interval (10s)",
     "\"10s\""},
    {"/health_check/timeout", "\"1m\"", "/health_check/timeout", "a duration shorter than interval (10s)", "\"1m\""},
    // expect
    {"/expect/rto", "\"<= 1\"", "/expect/rto",
     "a metric alias (did you mean \"rto_s\"?) or a JSON pointer into the report starting with \"/\"",
     "key \"rto\""},
    {"/expect/happiness", "\"> 1\"", "/expect/happiness", "a metric alias (rto_s, rpo_s, lost_writes", "key"},
    {"/expect/rto_s", "\"300\"", "/expect/rto_s", "a condition \"<op> <number>\"", "\"300\""},
    {"/expect/rto_s", "\"<= five\"", "/expect/rto_s", "a condition \"<op> <number>\"", "\"<= five\""},
    {"/expect/rto_s", "\"=< 5\"", "/expect/rto_s", "a condition \"<op> <number>\"", "\"=< 5\""},
    {"/expect/rto_s", "\"<=\"", "/expect/rto_s", "a condition \"<op> <number>\"", "\"<=\""},
    {"/expect/rto_s", "300", "/expect/rto_s", "a condition \"<op> <number>\"", "300"},
    {"/expect/rto_s", "\"<= 5s\"", "/expect/rto_s", "a condition \"<op> <number>\"", "\"<= 5s\""},
    // quantities beyond a double: an overflow is out of the field's range, an underflow says so, and -0 is 0
    {"/faults/0/at", "\"1.7976931348623157e308s\"", "/faults/0/at", "a duration from 0s to 366d",
     "\"1.7976931348623157e308s\""},
    {"/faults/0/at", "\"366.001d\"", "/faults/0/at", "a duration from 0s to 366d", "\"366.001d\""},
    {"/faults/0/duration", "\"1e400s\"", "/faults/0/duration", "a duration > 0s and <= 366d", "\"1e400s\""},
    {"/routing/ttl", "\"1e308d\"", "/routing/ttl", "a duration from 0s to 1d", "\"1e308d\""},
    {"/links/0/bandwidth", "\"1e-324bps\"", "/links/0/bandwidth",
     "a bandwidth of 0 or at least 4.9e-324Bps (smaller nonzero numbers underflow a double to 0)", "\"1e-324bps\""},
    {"/duration", "\"-0s\"", "/duration", "a duration > 0s and <= 366d", "\"-0s\""},
    {"/clients/0/timeout", "\"-0.0ms\"", "/clients/0/timeout", "a duration > 0s", "\"-0.0ms\""},
    // checks across fields quote the value as it was written, not its canonical rewrite ("3h", "1.5h", "10s")
    {"/faults/0/at", "\"180m\"", "/faults/0/at", "a start before the end of the run (2h)", "\"180m\""},
    {"/faults/0/duration", "\"5400001ms\"", "/faults/0/duration",
     "a duration that ends by the end of the run (at most 1.5h after 30m)", "\"5400001ms\""},
    {"/health_check/timeout", "\"10000ms\"", "/health_check/timeout", "a duration shorter than interval (10s)",
     "\"10000ms\""},
};

}  // namespace

TEST_CASE("a full scenario loads into the typed values it spells", "[unit]") {
  Scenario s = load(kFull);
  CHECK(s.name == "full");
  CHECK(s.description == "Every field set.");
  CHECK(s.seed == 42);
  CHECK(s.duration_s == 5400);
  REQUIRE(s.regions.size() == 3);
  CHECK(s.regions[0].name == "a");
  CHECK(s.regions[0].lan_latency_s == 0.001);
  CHECK(s.regions[0].lan_bandwidth_Bps == 1.25e8);
  CHECK(s.regions[0].clock_offset_s == 0.005);
  CHECK(s.regions[0].clock_drift_ppm == -20);
  CHECK(s.regions[1].lan_bandwidth_Bps == 1.25e7);
  CHECK(s.regions[1].clock_drift_ppm == 3.5);
  CHECK(s.region_index("c") == 2);
  CHECK(s.region_index("z") == -1);
  REQUIRE(s.links.size() == 2);
  CHECK(s.links[0].a == "a");
  CHECK(s.links[0].b == "b");
  CHECK(s.links[0].latency_s == 0.035);
  CHECK(s.links[0].bandwidth_Bps == 1e7);
  CHECK(s.links[0].cost_per_gb == 0.05);
  CHECK(s.links[1].a == "c");
  CHECK(s.links[1].cost_per_gb == 0.02);
  CHECK(s.database.topology == mrsim::Topology::SinglePrimary);
  CHECK(s.database.primary == "a");
  REQUIRE(s.database.replicas.size() == 2);
  CHECK(s.database.replicas[0].region == "b");
  CHECK(s.database.replicas[0].mode == ReplicationMode::Sync);
  CHECK(s.database.replicas[1].region == "c");
  CHECK(s.database.replicas[1].mode == ReplicationMode::Async);
  CHECK(s.database.apply_delay_s == 0.003);
  CHECK(s.database.reconnect_delay_s == 7);
  CHECK(s.database.read_service_s == 0.004);
  CHECK(s.database.write_service_s == 0.006);
  CHECK(s.database.keys == 500);
  CHECK(s.database.entry_bytes == 4096);
  CHECK(s.routing.kind == "dns");
  CHECK(s.routing.policy == "failover");
  CHECK(s.routing.ttl_s == 300);
  CHECK(s.routing.update_delay_s == 20);
  CHECK(s.routing.resolvers_per_region == 4);
  CHECK(s.routing.stale_fraction == 0.25);
  CHECK(s.routing.stale_extra_s == 3600);
  CHECK(s.health_check.from == "c");
  CHECK(s.health_check.interval_s == 15);
  CHECK(s.health_check.timeout_s == 3);
  CHECK(s.health_check.failure_threshold == 5);
  CHECK(s.health_check.rise_threshold == 4);
  CHECK(s.health_check.probe_bytes == 1000);
  CHECK(s.failover.policy == FailoverPolicy::None);
  CHECK(s.failover.cooldown_s == 600);
  CHECK(s.failover.promotion_s == 30);
  CHECK(s.failover.rpc_timeout_s == 2);
  REQUIRE(s.clients.size() == 1);
  const ClientGroupConfig& c = s.clients[0];
  CHECK(c.region == "b");
  CHECK(c.count == 7);
  CHECK(c.rate_per_s == 12.5);
  CHECK(c.read_fraction == 0.5);
  CHECK(c.key_distribution == KeyDistribution::Zipf);
  CHECK(c.zipf_exponent == 1.2);
  CHECK(c.timeout_s == 1.5);
  CHECK(c.max_retries == 0);
  CHECK(c.retry_backoff_s == 1);
  CHECK(c.request_bytes == 1024);
  CHECK(c.response_bytes == 1000000);
  REQUIRE(s.faults.size() == 2);
  CHECK(s.faults[0].kind == FaultKind::Partition);
  CHECK(s.faults[0].at_s == 600);
  CHECK(s.faults[0].duration_s == 300);
  CHECK(s.faults[0].groups == std::vector<std::vector<std::string>>{{"a"}, {"b", "c"}});
  CHECK(s.faults[0].region.empty());
  CHECK(s.faults[1].kind == FaultKind::RegionOutage);
  CHECK(s.faults[1].region == "a");
  CHECK(s.faults[1].groups.empty());
  CHECK(s.metrics.window_s == 20);
  CHECK(s.metrics.threshold == 0.95);
  CHECK(s.metrics.stable_s == 120);
  CHECK(s.metrics.step_s == 0.5);
  CHECK(s.metrics.sample_interval_s == 5);
  // nlohmann::json keeps object keys sorted, so expectations come in key order.
  REQUIRE(s.expect.size() == 3);
  CHECK(s.expect[0].metric == "/faults/0/rpo/lost_writes");
  CHECK(s.expect[0].op == "==");
  CHECK(s.expect[0].value == 0);
  CHECK(s.expect[1].metric == "availability");
  CHECK(s.expect[1].op == ">=");
  CHECK(s.expect[1].value == 0.999);
  CHECK(s.expect[2].metric == "rto_s");
  CHECK(s.expect[2].text == "<= 300");
  CHECK(s.source_path == "scenarios/test.json");
}

TEST_CASE("a minimal scenario gets the defaults of sim/scenario.h", "[unit]") {
  Scenario s = load(R"({"regions": [{"name": "r1"}, {"name": "r2"}],
                        "links": [{"between": ["r1", "r2"], "latency": "10ms", "bandwidth": "1Gbps"}],
                        "database": {"primary": "r1"},
                        "clients": [{"region": "r2"}],
                        "faults": [{"at": "1m", "kind": "region_outage", "region": "r1", "duration": "1m"}]})");
  const Scenario d;
  CHECK(s.name == "test");  // the file stem of "scenarios/test.json"
  CHECK(s.description.empty());
  CHECK(s.seed == d.seed);
  CHECK(s.duration_s == d.duration_s);

  const RegionConfig region;
  CHECK(s.regions[1].lan_latency_s == region.lan_latency_s);
  CHECK(s.regions[1].lan_bandwidth_Bps == region.lan_bandwidth_Bps);
  CHECK(s.regions[1].clock_offset_s == region.clock_offset_s);
  CHECK(s.regions[1].clock_drift_ppm == region.clock_drift_ppm);
  CHECK(s.links[0].cost_per_gb == LinkConfig{}.cost_per_gb);

  const DatabaseConfig db;
  CHECK(s.database.topology == db.topology);
  CHECK(s.database.replicas.empty());
  CHECK(s.database.apply_delay_s == db.apply_delay_s);
  CHECK(s.database.reconnect_delay_s == db.reconnect_delay_s);
  CHECK(s.database.read_service_s == db.read_service_s);
  CHECK(s.database.write_service_s == db.write_service_s);
  CHECK(s.database.keys == db.keys);
  CHECK(s.database.entry_bytes == db.entry_bytes);

  const RoutingConfig routing;
  CHECK(s.routing.kind == routing.kind);
  CHECK(s.routing.policy == routing.policy);
  CHECK(s.routing.ttl_s == routing.ttl_s);
  CHECK(s.routing.update_delay_s == routing.update_delay_s);
  CHECK(s.routing.resolvers_per_region == routing.resolvers_per_region);
  CHECK(s.routing.stale_fraction == routing.stale_fraction);
  CHECK(s.routing.stale_extra_s == routing.stale_extra_s);

  const HealthCheckConfig hc;
  CHECK(s.health_check.from == "r2");  // no replica: the first region that is not the primary
  CHECK(s.health_check.interval_s == hc.interval_s);
  CHECK(s.health_check.timeout_s == hc.timeout_s);
  CHECK(s.health_check.failure_threshold == hc.failure_threshold);
  CHECK(s.health_check.rise_threshold == hc.rise_threshold);
  CHECK(s.health_check.probe_bytes == hc.probe_bytes);

  const FailoverConfig fo;
  CHECK(s.failover.policy == fo.policy);
  CHECK(s.failover.cooldown_s == fo.cooldown_s);
  CHECK(s.failover.promotion_s == fo.promotion_s);
  CHECK(s.failover.rpc_timeout_s == fo.rpc_timeout_s);

  const ClientGroupConfig cg;
  const ClientGroupConfig& c = s.clients[0];
  CHECK(c.count == cg.count);
  CHECK(c.rate_per_s == cg.rate_per_s);
  CHECK(c.read_fraction == cg.read_fraction);
  CHECK(c.key_distribution == cg.key_distribution);
  CHECK(c.zipf_exponent == cg.zipf_exponent);
  CHECK(c.timeout_s == cg.timeout_s);
  CHECK(c.max_retries == cg.max_retries);
  CHECK(c.retry_backoff_s == cg.retry_backoff_s);
  CHECK(c.request_bytes == cg.request_bytes);
  CHECK(c.response_bytes == cg.response_bytes);

  const MetricsConfig m;
  CHECK(s.metrics.window_s == m.window_s);
  CHECK(s.metrics.threshold == m.threshold);
  CHECK(s.metrics.stable_s == m.stable_s);
  CHECK(s.metrics.step_s == m.step_s);
  CHECK(s.metrics.sample_interval_s == m.sample_interval_s);
  CHECK(s.expect.empty());

  // Every default is written into the canonical JSON, so a report's scenario block is complete.
  json canonical = json::parse(s.canonical_json);
  CHECK(canonical["routing"]["ttl"] == "1m");
  CHECK(canonical["health_check"]["from"] == "r2");
  CHECK(canonical["clients"][0]["response_size"] == "1KiB");
  CHECK(canonical["name"] == "test");
}

TEST_CASE("the health checker runs in the first replica's region by default", "[unit]") {
  SECTION("with replicas") {
    CHECK(load(kBase, {"health_check={}"}).health_check.from == "us-west-2");
  }
  SECTION("a single region checks itself") {
    Scenario s = load(R"({"regions": [{"name": "solo"}], "database": {"primary": "solo"}})");
    CHECK(s.health_check.from == "solo");
  }
}

TEST_CASE("each bad field gives one line naming the file, the pointer, what was expected and what was found",
          "[unit]") {
  auto c = GENERATE(from_range(kFileErrors));
  CAPTURE(c.change, c.value ? c.value : "(removed)");
  std::string text = base_with(c.change, c.value);
  std::string what = load_error(text);
  CHECK_THAT(what, Catch::StartsWith(std::string("bad.json: ") + c.where + ": expected "));
  CHECK_THAT(what, Catch::Contains(c.expected));
  CHECK_THAT(what, Catch::Contains(std::string(", found ") + c.found));
  CHECK(what.find('\n') == std::string::npos);
}

TEST_CASE("bad JSON text is reported with its line and column", "[unit]") {
  auto [text, expected] = GENERATE(table<std::string, std::string>({
      {"{\n  \"seed\": 1,\n}", "bad.json: line 3, column 1: expected string literal, found '}'"},
      {"{\n  \"seed\": tru\n}", "bad.json: line 2, column"},
      {"", "bad.json: line 1, column 1: expected '[', '{', or a literal, found end of input"},
      {"{\"seed\": 1} {", "bad.json: line 1, column 13: expected end of input"},
      {"{\"seed\": 1, /* no comments */ \"name\": \"x\"}", "bad.json: line 1, column"},
      {"{\n \"routing\": {\"ttl\": \"1m\",\n  \"ttl\": \"2m\"}}",
       "bad.json: /routing/ttl: expected each key once per object, found \"ttl\" a second time"},
      {R"({"clients": [{"region": "a"}, {"region": "b", "count": 1, "count": 2}]})",
       "bad.json: /clients/1/count: expected each key once per object"},
      {"[1, 2]", "bad.json: (top level): expected an object with keys name, description"},
  }));
  CAPTURE(text);
  CHECK_THAT(load_error(text), Catch::StartsWith(expected));
}

TEST_CASE("a file that cannot be opened is named with the reason", "[unit]") {
  SECTION("missing") {
    CHECK_THROWS_WITH(load_scenario_file("/nonexistent/dir/s.json", {}, std::nullopt),
                      "/nonexistent/dir/s.json: cannot open: No such file or directory");
  }
  SECTION("a directory") {
    CHECK_THROWS_WITH(load_scenario_file(MRSIM_SOURCE_DIR "/tests", {}, std::nullopt),
                      MRSIM_SOURCE_DIR "/tests: cannot open: is a directory");
  }
}

TEST_CASE("overrides by --set take dotted paths and JSON pointers before validation", "[unit]") {
  Scenario s = load(kBase, {"routing.ttl=300s", "/clients/0/count=5", "database.replication.mode=sync",
                            "clients.0.read_fraction=0.5", "expect.split_brain_incidents=== 0",
                            "/database/replication/overrides/us-west-2=async", "metrics={\"window\": \"30s\"}",
                            "faults.0.region=us-west-2", "links.1.between.0=us-west-2"});
  CHECK(s.routing.ttl_s == 300);
  CHECK(s.clients[0].count == 5);
  CHECK(s.clients[0].read_fraction == 0.5);
  CHECK(s.database.replicas[0].mode == ReplicationMode::Async);  // the override beats the mode
  CHECK(s.database.mode == ReplicationMode::Sync);                 // ... and the primary keeps the mode
  CHECK(s.metrics.window_s == 30);
  CHECK(s.metrics.stable_s == 60);  // replacing an object leaves its other fields to their defaults
  CHECK(s.faults[0].region == "us-west-2");
  CHECK(s.links[1].a == "us-west-2");
  REQUIRE(s.expect.size() == 2);
  CHECK(s.expect[0].metric == "rto_s");
  CHECK(s.expect[1].metric == "split_brain_incidents");
  CHECK(s.expect[1].op == "==");

  SECTION("pointer paths unescape ~1 and ~0, so report pointers can be expect keys") {
    Scenario t = load(kBase, {"/expect/~1faults~10~1rto_s=< 60"});
    REQUIRE(t.expect.size() == 2);
    CHECK(t.expect[0].metric == "/faults/0/rto_s");
    CHECK(t.expect[0].value == 60);
  }
  SECTION("a section absent from the file is created") {
    Scenario t = load(kBase, {"failover.policy=none"});
    CHECK(t.failover.policy == FailoverPolicy::None);
  }
  SECTION("later sets win, and --seed beats --set seed") {
    Scenario t = load_scenario_text(kBase, "x.json", {"seed=5", "routing.ttl=1s", "routing.ttl=2s"}, 99);
    CHECK(t.seed == 99);
    CHECK(t.routing.ttl_s == 2);
  }
}

TEST_CASE("a bad --set names the argument", "[unit]") {
  auto [argument, expected] = GENERATE(table<std::string, std::string>({
      {"routing.ttl", "bad.json: --set routing.ttl: expected PATH=VALUE, found no \"=\""},
      {"=5", "bad.json: --set =5: expected a field path such as routing.ttl or /routing/ttl before \"=\""},
      {"routing.tll=5", "bad.json: --set routing.tll=5: expected one of the keys kind, policy, ttl"},
      {"routing.tll=5", "(did you mean \"ttl\"?), found unknown key \"tll\""},
      {"/nosuch=1", "bad.json: --set /nosuch=1: expected one of the keys name, description"},
      {"clients.1.count=5", "bad.json: --set clients.1.count=5: expected an index below 1 (/clients has 1 item), "
                            "found index 1"},
      {"clients.x.count=5", "bad.json: --set clients.x.count=5: expected an index into the list /clients, "
                            "found \"x\""},
      {"database.replicas.3=us-west-2", "bad.json: --set database.replicas.3=us-west-2: expected an index below 1"},
      {"routing.ttl.unit=s", "bad.json: --set routing.ttl.unit=s: expected nothing after /routing/ttl"},
      {"routing..ttl=1s", "bad.json: --set routing..ttl=1s: expected no empty component in the path"},
      {"expect.rto_s.x=1", "bad.json: --set expect.rto_s.x=1: expected nothing after /expect/rto_s"},
      // Bad values are reported where they land, like file errors, and say which --set put them there.
      {"routing.ttl=300", "bad.json: /routing/ttl: expected a duration with a unit such as \"35ms\" or \"2h\""},
      {"routing.ttl=300", "found 300 (from --set routing.ttl=300)"},
      {"clients.0.count=many", "bad.json: /clients/0/count: expected a whole number from 1 to 1000000, found "
                               "\"many\" (from --set clients.0.count=many)"},
      {"clients.0={}", "bad.json: /clients/0/region: expected a region name (required), found nothing (from --set "
                       "clients.0={})"},
      {"database.primary=mars", "bad.json: /database/primary: expected a region defined in /regions"},
      {"regions.0.name=\xff", "bad.json: /regions/0/name: expected a region name of 1 to 64 letters"},
      // A report pointer that is not a JSON pointer is refused now, not found absent after the run.
      {"/expect/~1faults~10~2rto_s=<= 5", "bad.json: /expect/~1faults~10~02rto_s: expected a JSON pointer into the "
                                          "report (with \"~\" written only as \"~0\" or \"~1\"), found key "
                                          "\"/faults/0~2rto_s\""},
      // A VALUE that is JSON beyond a double's range is refused as such; one that is a quantity stays a string.
      {"seed=1e400", "bad.json: --set seed=1e400: expected a number a double can hold (magnitude at most 1.8e308), "
                     "found 1e400"},
      {"description=[1, 1e-400]", "bad.json: --set description=[1, 1e-400]: expected a number a double can hold (0, or "
                                  "magnitude at least 4.9e-324; smaller ones underflow to 0) (in VALUE at /1), found "
                                  "1e-400"},
      {"faults.0.at=1e400s", "bad.json: /faults/0/at: expected a duration from 0s to 366d, found \"1e400s\""},
      {"links.0.bandwidth=1e-324bps", "bad.json: /links/0/bandwidth: expected a bandwidth of 0 or at least "
                                      "4.9e-324Bps (smaller nonzero numbers underflow a double to 0), found "
                                      "\"1e-324bps\""},
  }));
  CAPTURE(argument);
  CHECK_THAT(load_error(kBase, {argument}), Catch::Contains(expected));
}

TEST_CASE("the canonical JSON and hash are stable and follow the effective values", "[unit]") {
  Scenario a = load(kBase);
  Scenario b = load(kBase);
  CHECK(a.canonical_json == b.canonical_json);
  CHECK(a.hash == b.hash);
  CHECK(a.hash.size() == 16);
  CHECK(a.hash.find_first_not_of("0123456789abcdef") == std::string::npos);

  SECTION("a changed value changes the hash") {
    CHECK(load(kBase, {"routing.ttl=30s"}).hash != a.hash);
    CHECK(load_scenario_text(kBase, "x.json", {}, 2).hash != a.hash);
  }
  SECTION("spelling the same value differently, or spelling out a default, does not") {
    CHECK(load(kBase, {"routing.ttl=60s"}).hash == a.hash);
    CHECK(load(kBase, {"duration=120m"}).hash == a.hash);
    CHECK(load(kBase, {"clients.0.count=100.0"}).hash == a.hash);
    CHECK(load(kBase, {"expect.rto_s=<=300"}).hash == a.hash);
    json reordered = json::parse(kBase);
    CHECK(load(reordered.dump(4)).hash == a.hash);
  }
  SECTION("the canonical JSON loads back to itself") {
    Scenario again = load(a.canonical_json);
    CHECK(again.canonical_json == a.canonical_json);
  }
  SECTION("the hash is FNV-1a 64 of the canonical text") {
    // Pinned so that a report's hash can be recomputed by other tools from canonical_json alone.
    uint64_t h = 14695981039346656037ull;
    for (unsigned char ch : a.canonical_json) h = (h ^ ch) * 1099511628211ull;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    CHECK(a.hash == hex);
  }
}

TEST_CASE("docs/scenarios.md is the reference generated from the schema", "[unit]") {
  std::ifstream in(MRSIM_SOURCE_DIR "/docs/scenarios.md", std::ios::binary);
  REQUIRE(in);
  std::stringstream committed;
  committed << in.rdbuf();
  // On a mismatch, regenerate the file from scenario_reference_markdown() (e.g. a two-line program) and commit it.
  CHECK(committed.str() == scenario_reference_markdown());
}

TEST_CASE("every bad-input fixture is rejected for the reason its name gives", "[unit]") {
  auto [file, expected] = GENERATE(table<std::string, std::string>({
      {"unknown_key.json", "/routing/tll: expected one of the keys"},
      {"bare_number_duration.json", "/routing/ttl: expected a duration with a unit"},
      {"undefined_region.json", "/database/replicas/0: expected a region defined in /regions"},
      {"malformed.json", ": line 4, column 1: expected string literal, found '}'"},
      {"disconnected.json", "/links: expected links that connect every pair of regions"},
      {"fault_after_end.json", "/faults/0/duration: expected a duration that ends by the end of the run"},
      {"probability_out_of_range.json", "/clients/0/read_fraction: expected a probability from 0 to 1"},
      {"overlapping_partition.json", "/faults/0/groups/1/0: expected a region in only one group"},
      {"number_overflow.json", "/clients/0/rate_per_s (line 4, column 53): expected a number a double can hold "
                               "(magnitude at most 1.8e308), found 1e400"},
  }));
  std::string path = std::string(MRSIM_SOURCE_DIR) + "/tests/bad_input/" + file;
  CAPTURE(path);
  try {
    load_scenario_file(path, {}, std::nullopt);
    FAIL("loaded without error");
  } catch (const InputError& e) {
    CHECK_THAT(std::string(e.what()), Catch::StartsWith(path + ": "));
    CHECK_THAT(std::string(e.what()), Catch::Contains(expected));
  }
}

TEST_CASE("nesting deeper than 64 levels is refused where it happens, however deep it goes", "[unit]") {
  // 100,000 levels used to overflow the stack (a segfault with no message) when the value was described.
  size_t depth = GENERATE(size_t{65}, size_t{100000});
  CAPTURE(depth);
  std::string deep = std::string(depth, '[') + std::string(depth, ']');
  SECTION("in the file: the pointer, cut short, and the line and column of level 65") {
    std::string what = load_error("{\"name\": " + deep + "}");
    // The object is level 1 and the name's list level 2, at column 10: level 65 opens at column 73, at /name and 63
    // more levels.
    std::string pointer = "/name";
    for (int i = 0; i < 63; ++i) pointer += "/0";
    CHECK_THAT(what, Catch::StartsWith("bad.json: " + pointer + " (line 1, column 73)"));
    CHECK_THAT(what, Catch::Contains(" (line 1, column 73): expected at most 64 levels of nested lists and objects, "
                                     "found a list or object at level 65"));
    CHECK(what.size() < 400);
  }
  SECTION("in a --set VALUE") {
    std::string what = load_error(kBase, {"description=" + deep});
    CHECK_THAT(what, Catch::StartsWith("bad.json: --set description=[[[["));
    CHECK_THAT(what, Catch::Contains("expected at most 64 levels of nested lists and objects (in VALUE at /0/0/0/"));
    CHECK(what.size() < 500);
  }
}

TEST_CASE("64 levels of nesting parse, and the validator describes them without recursing into trouble", "[unit]") {
  // The object is level 1; 63 more in the name make 64.
  std::string what = load_error("{\"name\": " + std::string(63, '[') + std::string(63, ']') + "}");
  CHECK(what == "bad.json: /name: expected a string, found a list of 1 item");
}

TEST_CASE("numbers beyond a double in the file name their pointer, and their line when the parser knows it", "[unit]") {
  auto [text, expected] = GENERATE(table<std::string, std::string>({
      {"{\n  \"seed\": 1e400\n}",
       "bad.json: /seed (line 2, column 11): expected a number a double can hold (magnitude at most 1.8e308), found "
       "1e400"},
      {R"({"clients": [{"region": "a", "rate_per_s": -1e999}]})",
       "bad.json: /clients/0/rate_per_s (line 1, column 44): expected a number a double can hold"},
      {"{\"seed\": 1" + std::string(400, '0') + "}",
       "bad.json: /seed (line 1, column 10): expected a number a double can hold (magnitude at most 1.8e308), found "
       "10000000000000000000000000000000000000000000000000000000000000000000000000000000... (401 bytes)"},
      {"1e400", "bad.json: line 1, column 1: expected a number a double can hold"},
      {R"({"routing": {"stale_fraction": 1e-400}})",
       "bad.json: /routing/stale_fraction: expected a number a double can hold (0, or magnitude at least 4.9e-324; "
       "smaller ones underflow to 0), found 1e-400"},
  }));
  CAPTURE(text);
  CHECK_THAT(load_error(text), Catch::StartsWith(expected));
}

TEST_CASE("a negative zero is zero: in a number, an integer and a quantity", "[unit]") {
  Scenario s = load(kBase, {"seed=-0", "routing.stale_fraction=-0.0", "routing.ttl=-0s", "clients.0.max_retries=-0"});
  CHECK(s.seed == 0);
  CHECK(s.routing.stale_fraction == 0);
  CHECK(s.routing.ttl_s == 0);
  CHECK(s.clients[0].max_retries == 0);
  json canonical = json::parse(s.canonical_json);
  CHECK(canonical["seed"].dump() == "0");
  CHECK(canonical["routing"]["stale_fraction"].dump() == "0");
  CHECK(canonical["routing"]["ttl"] == "0s");
  CHECK(load(kBase, {"seed=0", "routing.stale_fraction=0", "routing.ttl=0s", "clients.0.max_retries=0"}).hash ==
        s.hash);
}

TEST_CASE("echoed user text is cut and escaped, so every message stays one short line", "[unit]") {
  const std::string huge(100000, 'x');
  auto [text, sets, expected] = GENERATE_COPY(table<std::string, std::vector<std::string>, std::string>({
      {base_with("/routing/" + huge, "1"), {}, "found unknown key \"xxxxxxxxxx"},
      {base_with("/routing/" + huge, "1"), {}, "xxx...\" (100000 bytes)"},
      {base_with("/description", ("\"" + huge + "\"").c_str()), {}, "xxx...\" (100000 bytes)"},
      {"{\"" + huge + "\": 1, \"" + huge + "\": 2}", {}, "bad.json: /xxxxxxxxxx"},
      {"{\"" + huge + "\": 1, \"" + huge + "\": 2}", {},
       "xxx... (100001 bytes): expected each key once per object, found \"xxxxxxxxxx"},
      {"{\"" + huge + "\": 1, \"" + huge + "\": 2}", {}, "xxx...\" (100000 bytes) a second time"},
      {kBase, {"routing." + huge + "=1"}, "bad.json: --set routing.xxxxxxxx"},
      {kBase, {"routing." + huge + "=1"}, "xxx... (100010 bytes): expected one of the keys"},
      {kBase, {"routing.ttl=" + huge}, "found \"xxxxxxxx"},
      {kBase, {"routing.ttl=" + huge}, "xxx...\" (100000 bytes) (from --set routing.ttl=xxxxxxx"},
      {kBase, {"routing.ttl=" + huge}, "xxx... (100012 bytes))"},
      {kBase, {"expect./" + huge + "=1"}, "/expect/~1xxxxxxxxxxxxxx"},
      {kBase, {"expect." + huge + "=<= 1"}, "bad.json: /expect/xxxxxxxxxx"},
      // pointers are cut at 160 bytes, room for a 64-character region name after /database/replication/overrides/
      {kBase, {"expect." + huge + "=<= 1"}, "xxx... (100008 bytes): expected a metric alias"},
      // control characters and invalid UTF-8 are shown escaped, never raw
      {base_with("/routing/t\ntl\x1b", "\"1s\""), {}, R"(bad.json: /routing/t\ntl\u001b: expected one of the keys)"},
      {kBase, {"routing.t\ntl=1s"}, R"(bad.json: --set routing.t\ntl=1s: expected one of the keys)"},
      {kBase,
       {"routing.ttl=\x1b[31m\xff"},
       "found \"\\u001b[31m\xEF\xBF\xBD\" (from --set routing.ttl=\\u001b[31m\xEF\xBF\xBD)"},
  }));
  CAPTURE(expected);
  std::string what = load_error(text, sets);
  CHECK_THAT(what, Catch::Contains(expected));
  CHECK(what.find('\n') == std::string::npos);
  // Each echo is at most ~100 bytes; the rest is our own words, the longest of which lists every metric alias (a list
  // that grows with the alias table, so it is measured rather than counted in the bound).
  size_t alias_list = 0;
  for (const ExpectationAlias& alias : expectation_aliases()) alias_list += std::strlen(alias.name) + 2;
  CHECK(what.size() < 600 + alias_list);
}

TEST_CASE("a list in a message is counted with a noun that agrees", "[unit]") {
  const std::string long_name(100, 'r');
  CHECK_THAT(load_error(base_with("/name", ("[\"" + long_name + "\"]").c_str())),
             Catch::EndsWith("found a list of 1 item"));
  CHECK_THAT(load_error(base_with("/name", ("[\"" + long_name + "\", 2]").c_str())),
             Catch::EndsWith("found a list of 2 items"));
}

// Item 3: each lower bound that keeps a run finite, and each bound across fields. The value just past the bound is
// refused with exit-2 style message naming the pointer; the bound itself loads.
TEST_CASE("bounds that keep a run finite refuse the value just past them and accept the bound itself", "[unit]") {
  struct BoundCase {
    std::vector<std::string> past;
    std::string message;
    std::vector<std::string> at;
  };
  // A 30-day run needs samples at least 2.592s apart (a million samples); the cases that set it say so.
  const std::vector<std::string> month = {"duration=30d", "metrics.sample_interval=1h"};
  const std::vector<std::string> year = {"duration=366d", "metrics.sample_interval=1h", "metrics.step=10s"};
  auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  auto c = GENERATE_COPY(values<BoundCase>({
      {{"health_check.interval=99.999ms", "health_check.timeout=50ms"},
       "bad.json: /health_check/interval: expected a duration from 100ms to 1h, found \"99.999ms\"",
       {"health_check.interval=100ms", "health_check.timeout=50ms"}},
      {{"metrics.step=999us"}, "bad.json: /metrics/step: expected a duration from 1ms to 1h, found \"999us\"",
       {"metrics.step=1ms"}},
      {{"metrics.window=999us", "metrics.step=1ms"},
       "bad.json: /metrics/window: expected a duration from 1ms to 1d, found \"999us\"",
       {"metrics.window=1ms", "metrics.step=1ms"}},
      {{"metrics.sample_interval=999us"},
       "bad.json: /metrics/sample_interval: expected a duration from 1ms to 1h, found \"999us\"",
       {"duration=1000s", "faults.0.at=1m", "faults.0.duration=1m", "metrics.sample_interval=1ms"}},
      // window >= step
      {{"metrics.step=2s", "metrics.window=1999ms"},
       "bad.json: /metrics/window: expected a duration of at least 2s (the step, so that no operation falls between "
       "two windows), found \"1999ms\"",
       {"metrics.step=2s", "metrics.window=2000ms"}},
      // duration / step <= 10,000,000
      {with(month, {"metrics.step=259ms"}),
       "bad.json: /metrics/step: expected a duration of at least 259.2ms (the 30d run allows at most 10000000 steps), "
       "found \"259ms\"",
       with(month, {"metrics.step=259.2ms"})},
      // duration / sample_interval <= 1,000,000
      {{"duration=30d", "metrics.sample_interval=2.591s"},
       "bad.json: /metrics/sample_interval: expected a duration of at least 2.592s (the 30d run allows at most "
       "1000000 samples), found \"2.591s\"",
       {"duration=30d", "metrics.sample_interval=2.592s"}},
      // upper bounds that used to be missing
      {{"links.0.bandwidth=100.001Tbps"},
       "bad.json: /links/0/bandwidth: expected a bandwidth > 0Bps and <= 100Tbps, found \"100.001Tbps\"",
       {"links.0.bandwidth=100Tbps"}},
      {{"regions.0.lan_bandwidth=12500.001GBps"},
       "bad.json: /regions/0/lan_bandwidth: expected a bandwidth > 0Bps and <= 100Tbps, found \"12500.001GBps\"",
       {"regions.0.lan_bandwidth=12500GBps"}},
      {with(year, {"faults.0.at=0s", "faults.0.duration=366.001d"}),
       "bad.json: /faults/0/duration: expected a duration > 0s and <= 366d, found \"366.001d\"",
       with(year, {"faults.0.at=0s", "faults.0.duration=366d"})},
  }));
  CAPTURE(c.past, c.at);
  CHECK_THAT(load_error(kBase, c.past), Catch::StartsWith(c.message));
  CHECK_NOTHROW(load(kBase, c.at));
}

TEST_CASE("the help of each bounded duration says why", "[unit]") {
  // The reason lives in the table, next to the bound, and so reaches docs/scenarios.md and `mrsim schema`.
  auto [path, words] = GENERATE(table<std::string, std::string>({
      {"/health_check/interval", "at least 100ms"},
      {"/metrics/step", "at least `duration` / 10,000,000"},
      {"/metrics/sample_interval", "at least `duration` / 1,000,000"},
      {"/metrics/window", "at least `step`"},
  }));
  const FieldSpec* row = schema_row_for(path);
  REQUIRE(row);
  CHECK_THAT(std::string(row->help), Catch::Contains(words));
}
