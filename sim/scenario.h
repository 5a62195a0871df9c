// The typed scenario: what a scenario file says once it has been parsed, validated and had every default filled.
// Models never see JSON; the world builder hands them pieces of this. Units are SI and carried in the names
// (seconds `_s`, bytes `_bytes`, bytes per second `_Bps`). The field table that documents, defaults and
// validates all of this lives in sim/schema.cpp — one place for each tunable.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/alerts.h"
#include "sim/clock.h"
#include "sim/distribution.h"

namespace mrsim {

struct RegionConfig {
  std::string name;
  double lan_latency_s = 0.0005;      // one-way latency inside the region (client edge -> app -> db)
  double lan_bandwidth_Bps = 1.25e9;  // 10 Gbps
  double clock_offset_s = 0.0;        // this region's node clocks: offset from true time ...
  double clock_drift_ppm = 0.0;       // ... and drift rate in parts per million
  std::optional<NtpDiscipline> ntp;   // NTP discipline of this region's node clocks; none: they free-run
  std::string jurisdiction;           // legal area the region lies in ("EU", "US"); "" = none stated
};

struct LinkConfig {
  std::string a, b;  // region names; links are symmetric
  double latency_s = 0.0;
  double bandwidth_Bps = 0.0;
  double cost_per_gb = 0.02;  // USD per GB crossing this link (either direction)
  std::optional<DelayDistribution> jitter;  // added to each message's latency on the link; none: nothing drawn
};

enum class ReplicationMode { Async, Sync, SemiSync, Cdc };

struct ReplicaConfig {
  std::string region;
  ReplicationMode mode = ReplicationMode::Async;
};

enum class KeyDistribution { Uniform, Zipf };

enum class Topology { SinglePrimary, MultiPrimary, Consensus, Leaderless };
enum class ConflictResolution { Lww, LwwHlc, Crdt, Siblings };
enum class CrdtType { PnCounter, OrSet };

// A range of keys [first, last] holding one CRDT type (conflict_resolution "crdt").
struct CrdtRange {
  uint32_t first = 0, last = 0;
  CrdtType type = CrdtType::PnCounter;
  double remove_fraction = 0.25;  // writes that decrement (counter) or remove an element (set)
  uint32_t elements = 16;         // or-set: elements are drawn from 1..elements
};

// database.cdc: the change-data-capture pipeline that feeds replicas of mode `cdc` (models/cdc_pipeline.h).
struct CdcConfig {
  double poll_interval_s = 0.5;        // Debezium poll.interval.ms (500); 0: every change is captured at once
  uint32_t max_batch_size = 2048;      // Debezium max.batch.size: changes taken per poll
  uint32_t partitions = 1;             // Kafka num.partitions (1)
  double partition_throughput = 10000; // messages/s one partition appends (acks=all)
  double mirror_linger_s = 0.005;      // MirrorMaker 2's producer linger.ms (5 since Kafka 4.0)
  double mirror_throughput = 10000;    // messages/s the mirror replicates, per partition
  double apply_rate = 2000;            // messages/s the consumer applies to the target store
  uint64_t seed = 1;                   // the run's seed, for the poll phase (sim/stores.cpp sets it; not in files)
};

// Leaderless: the WARS delays of one replica (Bailis et al., PBS, 2012), each on top of the network's latency.
struct ReplicaDelays {
  DelayDistribution write, ack, read, response;
};

struct QuorumConfig {
  uint32_t r = 1, w = 1;
  bool read_repair = false;
  bool hinted_handoff = true;
  std::vector<ReplicaDelays> delays;  // by replica, in `regions` order (overrides applied)
};

struct DatabaseConfig {
  Topology topology = Topology::SinglePrimary;
  std::string primary;                  // single-primary: region of the initial primary
  std::vector<ReplicaConfig> replicas;  // single-primary: one replica node per listed region, in file order
  std::vector<std::string> regions;     // multi-primary: one writable node per listed region, in this order
  std::string leaseholder;              // consensus: region of the initial Raft leader (leaseholder)
  double election_timeout_s = 3;        // consensus: T, election timeouts are uniform in [T, 2T)
  double lease_duration_s = 9;          // consensus: a new leader waits out the old lease
  double follower_read_staleness_s = 0; // consensus: bound of follower reads; 0 = off
  bool ring = false;                    // multi-primary: replicate around a ring (in `regions` order), not a mesh
  ConflictResolution conflict = ConflictResolution::Lww;  // multi-primary
  std::vector<CrdtRange> crdt;          // conflict "crdt": every key's type, ranges in key order
  QuorumConfig quorum;                  // leaderless: one replica per `regions` entry
  ReplicationMode mode = ReplicationMode::Async;  // replication.mode: every replica's unless overridden, and the
                                                  // primary's should it ever rejoin as a replica
  uint32_t semi_sync_wait_count = 1;    // semi-sync: receipts a commit waits for (rpl_semi_sync_source_wait_...)
  double semi_sync_timeout_s = 10;      // semi-sync: ... before the source falls back to async
  double apply_delay_s = 0.001;         // replica apply time per shipped batch (replay)
  double reconnect_delay_s = 5.0;       // a broken replication stream retries after this
  double read_service_s = 0.001;        // time the node spends serving one read
  double write_service_s = 0.002;       // ... one write (local commit)
  uint32_t keys = 10000;                // key space size
  uint32_t entry_bytes = 256;           // size of one replicated log entry
  CdcConfig cdc;                        // replicas of mode `cdc`
};

enum class WriteRouting { Primary, Local, HomeRegion };

// routing.resolvers: a population of resolvers that stretch TTLs, each by an extra time drawn once per resolver.
struct ResolverPopulation {
  enum class Extra : uint8_t { Fixed, Uniform, Exponential } distribution = Extra::Fixed;
  double fraction = 0;  // of each region's resolvers
  double min_s = 0;     // fixed: the extra time; uniform: its lower bound
  double max_s = 0;     // uniform: its upper bound
  double mean_s = 0;    // exponential: its mean
};

// routing.client_cache: a fraction of logical clients keep their own resolved answers (the JVM's
// networkaddress.cache.ttl, browsers' and stub resolvers' caches).
struct ClientCacheConfig {
  double fraction = 0;
  double ttl_s = 0;  // infinity: "forever" (the JVM's default with a security manager)
};

// routing.kind "global_lb": an anycast front door with its own health checks of the regional backends.
struct GlobalLbConfig {
  double interval_s = 5.0;
  double timeout_s = 2.0;
  uint32_t failure_threshold = 2;
  uint32_t rise_threshold = 2;
  std::string pop = "nearest";  // where requests enter: "nearest" (the client's own region's edge) or a region
  double drain_s = 300.0;       // a backend taken out for maintenance keeps its in-flight requests this long
};

// routing.kind "client": each client's ordered endpoint list and per-endpoint circuit breaker.
struct CircuitBreakerConfig {
  bool enabled = false;
  uint32_t failure_threshold = 5;  // consecutive failed attempts that open the breaker
  double open_s = 30.0;            // it stays open this long, then lets one trial through (half-open)
};

// What resolvers do when the authoritative DNS cannot be reached and an answer has expired (a `dns_outage` fault):
// RFC 8767 serve-stale (Unbound serve-expired, BIND stale-answer-enable) or a SERVFAIL.
struct ServeStaleConfig {
  bool enabled = true;
  double max_stale_s = 86400.0;      // RFC 8767's cap on how long past its TTL an answer may be served (1 to 3 days)
  double stale_answer_ttl_s = 30.0;  // RFC 8767: the TTL given to a stale answer (BIND's stale-answer-ttl)
};

struct RoutingConfig {
  std::string kind = "dns";
  std::string policy = "failover";
  double ttl_s = 60.0;
  double update_delay_s = 10.0;   // authoritative change -> served by every authoritative server
  uint32_t resolvers_per_region = 10;
  double stale_fraction = 0.0;    // fraction of resolvers that serve an expired answer for longer
  double stale_extra_s = 0.0;     // ... for this much extra time after the TTL ran out
  WriteRouting writes = WriteRouting::Primary;  // where writes go: the primary, the client's region, the key's home
  bool home_by_client = false;    // home-region: a client's home (hash of its id) rather than a key's
  bool home_moves = true;         // home-region: a lost home's keys move to its successor region
  // policy "geo": client region name -> answer region name, and the answer for client regions not in the map
  std::map<std::string, std::string> geo_map;
  std::string geo_default;
  std::map<std::string, double> weights;  // policy "weighted": region name -> weight
  std::vector<ResolverPopulation> resolvers;  // TTL-stretching populations; the other resolvers honour the TTL
  ClientCacheConfig client_cache;
  double negative_ttl_s = -1;             // how long resolvers keep "no answer" (RFC 2308); < 0: the TTL
  GlobalLbConfig global_lb;               // kind "global_lb"
  std::vector<std::string> endpoints;     // kind "client": ordered list of regions
  CircuitBreakerConfig circuit_breaker;   // kind "client"
  ServeStaleConfig serve_stale;           // during a dns_outage
};

enum class HealthRule { Percent, KOfN };

struct HealthCheckConfig {
  std::string from;               // region the failover controller runs in (and the only vantage by default)
  double interval_s = 10.0;
  double timeout_s = 5.0;
  uint32_t failure_threshold = 3;  // consecutive failed probes -> unhealthy
  uint32_t rise_threshold = 2;     // consecutive good probes -> healthy again
  uint32_t probe_bytes = 200;
  std::vector<std::string> vantages;  // regions probing every node, one checker each; [from] by default
  HealthRule rule = HealthRule::Percent;
  double healthy_percent = 18;     // percent rule: healthy while more than this % of vantages say healthy
  uint32_t k = 1;                  // k_of_n rule: unhealthy once at least k vantages say unhealthy
};

enum class FailoverPolicy { Automatic, None, Manual, Quorum, Lease, Raft };
enum class Fencing { None, Token, Stonith, Lease };

// A lease in a consensus store, with Patroni's settings (a Consul session or an etcd lease).
struct LeaseConfig {
  double ttl_s = 30;            // the store expires the leader key this long after its last renewal
  double loop_wait_s = 10;      // the holder renews every loop_wait
  double retry_timeout_s = 10;  // ... and demotes itself once a renewal has failed for retry_timeout past that
  double lock_delay_s = 0;      // Consul's lock-delay: an expired key cannot be taken for this long (etcd: 0)
};

// Raft among the controllers (etcd's defaults).
struct RaftConfig {
  double heartbeat_s = 0.1;
  double election_min_s = 1.0;  // election timeouts are drawn uniformly from [min, max)
  double election_max_s = 2.0;
};

struct FailoverConfig {
  FailoverPolicy policy = FailoverPolicy::Automatic;
  double cooldown_s = 300.0;       // no second failover within this time of the previous one
  bool failback = false;           // automatic: back to the original primary once it is healthy (and cooled down)
  double promotion_s = 5.0;        // a replica needs this long to become a writable primary
  double rpc_timeout_s = 5.0;      // controller -> node commands time out after this
  Fencing fencing = Fencing::None;
  uint32_t quorum = 0;             // quorum: observers (vantages) that must agree, reachable from the controller
  double page_after_s = 120;       // manual: the built-in paging alert's `for` (when page_on names none)
  AlertRule page_rule;             // manual: the alert that pages (page_on's rule, or node_healthy == 0 for page_after)
  double evaluation_interval_s = 1;  // manual: alerts are evaluated every metrics.sample_interval
  double reaction_median_s = 300;  // manual: the operator's reaction time is lognormal with this median ...
  double reaction_sigma = 0.5;     // ... and this sigma
  double stonith_s = 30;           // stonith: cloud API call to the host being powered off
  std::vector<std::string> consensus_regions;  // lease: the consensus store's servers; raft: the controllers
  LeaseConfig lease;
  RaftConfig raft;
};

// clients[*].session: a session guarantee for the group's reads (models/client.h). `stated`: the file gave a session
// block (even "none"); only then does the report break session metrics down by group.
enum class SessionStrategy : uint8_t { None, Sticky, ReadOwnWritesWindow, MinVersion, PrimaryReads };
struct SessionConfig {
  bool stated = false;
  SessionStrategy strategy = SessionStrategy::None;
  double window_s = 5.0;     // read-own-writes-window: reads go to the write region this long after a write
  double max_wait_s = 0.1;   // min-version: a replica behind the token waits this long, then forwards
};
const char* to_string(SessionStrategy strategy);

struct ClientGroupConfig {
  std::string region;
  uint32_t count = 100;            // logical clients in this group
  double rate_per_s = 50.0;        // operations per second issued by the whole group (Poisson)
  double read_fraction = 0.9;
  KeyDistribution key_distribution = KeyDistribution::Uniform;
  double zipf_exponent = 0.99;
  double timeout_s = 2.0;          // per attempt
  uint32_t max_retries = 2;        // attempts = 1 + max_retries
  double retry_backoff_s = 0.2;    // wait before a retry (exponential-jitter: the base)
  uint32_t request_bytes = 512;
  uint32_t response_bytes = 1024;
  bool exponential_backoff = false;  // "exponential-jitter": uniform(0, min(cap, base * 2^retry)), AWS full jitter
  double backoff_cap_s = 20.0;       // ... its cap
  SessionConfig session;
  double start_s = 0;                // the group issues operations only in [start_s, end_s)
  double end_s = -1;                 // ... -1: the end of the run
};

enum class FaultKind {
  RegionOutage, Partition, ClockSkew, ClockDrift, Maintenance,
  LinkDegradation, NodeCrash, GrayFailure, DnsOutage
};

// Which traffic a network fault cuts or degrades (docs/scenarios.md, "Faults"): the control plane is health checks,
// controller commands and consensus among controllers; the data plane is client requests and replies and the
// replication between database nodes.
enum class FaultScope : uint8_t { All, Control, Data };

struct FaultConfig {
  double at_s = 0.0;
  FaultKind kind = FaultKind::RegionOutage;
  double duration_s = 0.0;
  bool heals = true;                             // clock faults without a duration last for ever
  std::string region;                            // region_outage; clock faults: every node clock of the region
  std::string node;                              // clock faults: one node's clock ("db-<region>", ...);
                                                 // node_crash, gray_failure: the host ("db-<region>", ...)
  double offset_s = 0.0;                         // clock_skew: the step
  double drift_ppm = 0.0;                        // clock_drift: added to the clock's drift
  std::vector<std::vector<std::string>> groups;  // partition, link_degradation: links between different groups
  bool one_way = false;                          // partition: only groups[0]'s messages to the others are lost
  FaultScope scope = FaultScope::All;            // partition, link_degradation
  double added_latency_s = 0.0;                  // link_degradation: one-way latency added on each link
  std::optional<DelayDistribution> jitter;       // link_degradation: a further delay per message and link
  double loss = 0.0;                             // link_degradation: probability that a message is lost
  double slow_factor = 0.0;                      // gray_failure: 0 = the data path fails; k > 1 = k-fold slower
  // When the fault is on: [start, end) intervals in time order. One interval [at, at + duration) for a plain fault;
  // a flapping fault (`kind: "flapping"` around this one) is on for `down`, off for `up`, and so on over
  // [at, at + duration). A fault without a duration (a clock fault) has one interval ending at +infinity.
  std::vector<std::pair<double, double>> intervals;
  bool flapping = false;
  double flap_down_s = 0.0, flap_up_s = 0.0;
  bool random = false;  // drawn by `faults_random` (sim/faults_random.h), after the file's own faults
};

// Random faults (`faults_random`): each component of a kind fails after a time drawn from `between_failures` and is
// repaired after a time drawn from `to_repair`, alternately, from its own stream, for the whole run. Expanded into
// plain faults (sim/faults_random.h) before the world is built.
enum class ComponentKind : uint8_t { Region, Link, Node, Dns };
struct RandomFaultClass {
  ComponentKind kind = ComponentKind::Region;
  std::vector<std::string> targets;  // regions (region), "a<->b" link names (link), "db-<region>" (node); dns: none
  DelayDistribution between_failures;  // time to failure, from the end of the last repair
  DelayDistribution to_repair;
};
struct RandomFaultsConfig {
  std::vector<RandomFaultClass> classes;
  bool any() const { return !classes.empty(); }
};

struct MetricsConfig {
  double window_s = 10.0;        // RTO: success-ratio window
  double threshold = 0.99;       // RTO: ratio that counts as recovered
  double stable_s = 60.0;        // RTO: the ratio must hold this long
  double step_s = 1.0;           // RTO: resolution of the recovery search
  double sample_interval_s = 1.0;  // trace samples (lag, success ratio, latency)
  bool long_run = false;           // the report's long_run block without faults_random
};

// Data residency: keys [first_key, last_key] may be stored and served only in regions of `jurisdiction`.
struct ResidencyRule {
  uint32_t first_key = 0, last_key = 0;
  std::string jurisdiction;
};

struct Expectation {
  std::string metric;  // alias (e.g. "rto_s") or a JSON pointer into the report
  std::string op;      // one of < <= == != >= >
  double value = 0.0;
  std::string text;    // as written, for messages
  // A statistic over seeds ("p95 over seeds 1..20 <= 300"): the statistic (mean, min, max, p50, p95, p99) of the
  // metric over the runs with seeds first_seed..last_seed; empty for a condition on the scenario's own run.
  std::string statistic;
  uint64_t first_seed = 0, last_seed = 0;
};

struct Scenario {
  std::string name;
  std::string description;
  uint64_t seed = 1;
  double duration_s = 3600.0;
  std::vector<RegionConfig> regions;
  std::vector<LinkConfig> links;
  DatabaseConfig database;
  RoutingConfig routing;
  HealthCheckConfig health_check;
  FailoverConfig failover;
  std::vector<ClientGroupConfig> clients;
  std::vector<FaultConfig> faults;
  RandomFaultsConfig faults_random;
  MetricsConfig metrics;
  std::vector<AlertRule> alerts;         // evaluated after the run over the History (docs/metrics.md, "Alerts")
  std::vector<ResidencyRule> residency;  // checked after the run (docs/metrics.md, "Data residency")
  std::vector<Expectation> expect;

  std::string source_path;     // file it came from ("" for built-in scenarios)
  std::string canonical_json;  // the effective scenario (defaults filled, overrides applied), dumped sorted
  std::string hash;            // 16 hex digits of FNV-1a 64 over canonical_json

  int region_index(const std::string& region) const;  // -1 if absent
};

}  // namespace mrsim
