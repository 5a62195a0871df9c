// The recorded history of one run: everything the checkers may look at, and nothing else.
// Models append observations through a Recorder while the simulation runs; at the end the world adds the final
// state of the store (the surviving lineage) and traffic counters. Checkers (sim/checkers.h) read only this.
// All times are virtual seconds. Indices (region, node, link) point into the name tables at the top.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mrsim {

enum class OpKind : uint8_t { Read = 0, Write = 1 };
enum class Outcome : uint8_t { Ok = 0, Timeout = 1, Error = 2 };  // Error: the server answered with a refusal
enum class Role : uint8_t { Primary = 0, Replica = 1, Recovering = 2, Down = 3 };

const char* to_string(OpKind kind);
const char* to_string(Outcome outcome);
const char* to_string(Role role);

// The run is cut into sample intervals [i * interval, (i + 1) * interval), i < sample_count(); the samplers take
// their samples at i * interval and the trace's series have one element per interval.
size_t sample_count(double duration_s, double interval_s);
size_t sample_index(double t, double interval_s, size_t count);  // the interval t falls in, clamped to the run

constexpr int16_t kNoNode = -1;
constexpr uint32_t kNoVersion = 0;  // the value every key has before its first write

// One logical client operation (all its attempts). 48 bytes: the bench keeps 3.6 million of these.
struct OpRecord {
  double invoke_s = 0;    // first attempt sent
  double complete_s = 0;  // final outcome known to the client (ack, or last attempt's timeout / error)
  double served_s = 0;    // when the final attempt took effect at the node (reads: snapshot time); 0 if never
  uint32_t client = 0;    // global logical client index
  uint32_t key = 0;
  uint32_t version = kNoVersion;  // write: write id created by the final attempt; read: write id returned
  int16_t node = kNoNode;         // node that served the final attempt (a read a replica forwarded: the node that
                                  // answered it, models/single_primary.h)
  uint8_t region = 0;             // client's region
  OpKind kind = OpKind::Read;
  Outcome outcome = Outcome::Ok;
  uint8_t attempts = 1;
  int16_t arg = 0;  // the write's operation where the design has one: CRDT counter +1 / -1, or-set +e (add) / -e
  bool ok() const { return outcome == Outcome::Ok; }
};

// A write taking effect on a primary (acknowledged or not). write_id is unique across the run.
struct CommitRecord {
  double t = 0;
  uint32_t write_id = 0;
  uint32_t key = 0;
  int16_t node = kNoNode;
  int16_t arg = 0;     // the write's operation (OpRecord::arg)
  double clock_s = 0;  // multi-primary: the committing node's local clock at t (what lww stamps the write with)
};

// Multi-primary: a write replicated from another node taking effect on `node` (its own node's commit is the
// CommitRecord). Every node applies every write it receives, whether or not it wins conflict resolution there.
// Leaderless: a write (or a read repair) taking effect on a replica other than its coordinator; recorded when the
// coordinator sends it, so these are not in time order.
struct ApplyRecord {
  double t = 0;
  uint32_t write_id = 0;
  int16_t node = kNoNode;
};

// A node's local clock's offset from true time, sampled at the start of every sample interval (only when some clock
// in the run is not exact).
struct ClockSample {
  double t = 0;
  uint16_t clock = 0;  // index into History::clocks
  double offset_s = 0;
};

// Multi-primary with CRDT keys: the state of one key on one node at the end of the run.
// pn-counter: `counts` holds the increments applied per origin node, then the decrements per origin node (the
// counter is their difference); or-set: `elements` are the members, ascending.
struct CrdtFinal {
  uint32_t key = 0;
  int16_t node = kNoNode;
  std::vector<int64_t> counts;
  std::vector<int16_t> elements;
};

// Multi-primary with siblings: a node's count of concurrent versions of a key changed (0 or 1 = no siblings).
struct SiblingChange {
  double t = 0;
  uint32_t key = 0;
  int16_t node = kNoNode;
  uint16_t versions = 0;
};

struct RoleChange {
  double t = 0;
  int16_t node = kNoNode;
  Role role = Role::Replica;
  uint32_t term = 0;
  int16_t upstream = kNoNode;  // replica: node it follows
};

struct HealthVerdict {
  double t = 0;
  int16_t node = kNoNode;  // probed node
  uint8_t from_region = 0;
  bool healthy = true;
};

struct DnsChange {
  double t = 0;           // time the new answer is served by the authoritative servers
  std::string record;     // "write" or "read.<client region>"
  uint8_t answer_region = 0;
  // A weighted record (models/dns.h) whose set of healthy weighted regions changed: a change even when the region
  // shown (the heaviest) stays the same.
  bool reweighted = false;
};

struct ControllerDecision {
  double t = 0;
  std::string action;  // "failover_start", "promote", "promoted", "no_candidate", "rejoin", "demote", ...
  int16_t node = kNoNode;
  std::string detail;
};

enum class FaultEventKind : uint8_t { Start = 0, End = 1 };

struct FaultEvent {
  double t = 0;
  uint32_t fault = 0;  // index into the scenario's fault list
  FaultEventKind what = FaultEventKind::Start;
  std::string kind;         // "region_outage", "partition"
  std::string description;  // "us-east-1", "[us-east-1] | [us-west-2, eu-west-1]"
};

// Lag of a replica at a sample time: now minus the commit time of the oldest upstream entry it has not applied
// (0 when caught up). Sampled at the start of every sample interval (sample_times), so each of the trace's
// intervals holds exactly one sample of each replica.
struct LagSample {
  double t = 0;
  int16_t node = kNoNode;
  double lag_s = 0;
};

// A change's passage through the change-data-capture pipeline that feeds replica `node` (models/cdc_pipeline.h):
// when it entered (its commit, or the pipeline's start if later) and when it left each stage, in stage order
// (capture, the source log, the mirror, the apply). A stage it never left is +infinity; `left_s` is when it left
// the pipeline: applied, or dropped (a region lost, the replica promoted or re-pointed). One record per passage,
// written when the change leaves the pipeline (or at the end of the run, with the times it would have had).
constexpr int kCdcStages = 4;
struct CdcTransit {
  uint32_t write_id = 0;
  int16_t node = kNoNode;
  double commit_s = 0;
  double enter_s = 0;
  double stage_s[kCdcStages] = {0, 0, 0, 0};
  double left_s = 0;
};
const char* cdc_stage_name(int stage);  // "capture", "log", "mirror", "apply"

struct LinkTraffic {
  uint16_t link = 0;
  uint64_t bytes = 0;
};

// A group of logical clients (the scenario's clients[g]): clients first_client .. first_client + count - 1, with
// its session strategy and message sizes. Recorded only when some group of the run states a session (the report's
// per-group breakdown, docs/metrics.md "Session guarantees"); empty otherwise.
struct ClientGroup {
  std::string strategy;  // "none", "sticky", "read-own-writes-window", "min-version", "primary-reads"
  uint8_t region = 0;
  uint32_t first_client = 0;
  uint32_t count = 0;
  uint32_t request_bytes = 0, response_bytes = 0;
};

struct History {
  // Name tables.
  std::vector<std::string> regions;
  std::vector<std::string> nodes;         // database nodes
  std::vector<uint8_t> node_region;       // region index of each node
  std::vector<std::string> links;         // inter-region links, "a<->b"
  std::vector<double> link_cost_per_gb;
  std::vector<std::string> clocks;        // node clocks, "db-<region>", "monitor-<region>", "resolvers-<region>"
  double duration_s = 0;
  // The design: "single-primary", "multi-primary" or "leaderless", and for multi-primary its conflict resolution
  // ("lww", "lww-hlc", "crdt", "siblings").
  std::string topology = "single-primary";
  std::string conflict_resolution;
  bool semi_sync = false;  // single-primary with semi-sync replicas: the store records its fallbacks as decisions
  // crdt: each key's type, by key index (empty otherwise); 0 = pn-counter, 1 = or-set.
  std::vector<uint8_t> crdt_type;

  // ops, commits and final_lineage grow with every operation; a run whose metrics all stream keeps them empty and
  // hands each record to its sinks instead (Recorder::keep_ops, sim/stream_metrics.h).
  std::vector<OpRecord> ops;  // in history order: invoke time, then client (the recorder's window)
  std::vector<CommitRecord> commits;
  std::vector<RoleChange> roles;  // includes the initial roles at t = 0
  std::vector<HealthVerdict> health;
  std::vector<DnsChange> dns;  // includes the initial answers at t = 0
  std::vector<ControllerDecision> decisions;
  std::vector<FaultEvent> faults;
  std::vector<LagSample> lag;
  std::vector<LinkTraffic> traffic;
  std::vector<ApplyRecord> applies;  // multi-primary (in time order) and leaderless (in send order)
  std::vector<ClockSample> clock_samples;
  std::vector<CrdtFinal> crdt_final;  // multi-primary crdt: every key written, every node, by (key, node)
  std::vector<SiblingChange> siblings;  // multi-primary siblings
  std::vector<ClientGroup> client_groups;  // by group index; empty unless some group states a session
  std::vector<CdcTransit> cdc;  // single-primary with replicas of mode cdc, in the order changes left the pipelines

  // The surviving lineage: the write ids, in the store's order, of the log of the authoritative primary at the
  // end of the run after replication has drained (the primary with the highest term; ties: lowest node index).
  // Multi-primary: every write committed anywhere, in conflict resolution's order (the order in which a later
  // one wins: for lww by clock stamp, for lww-hlc by hybrid timestamp, ties by node name; for crdt and siblings,
  // where nothing is discarded, commit order). Leaderless: every write a coordinator accepted, in write id order
  // (the order the versions compare in).
  std::vector<uint32_t> final_lineage;
  int16_t final_primary = kNoNode;
};

}  // namespace mrsim
