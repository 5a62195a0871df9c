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
  int16_t node = kNoNode;         // node that served the final attempt
  uint8_t region = 0;             // client's region
  OpKind kind = OpKind::Read;
  Outcome outcome = Outcome::Ok;
  uint8_t attempts = 1;
  bool ok() const { return outcome == Outcome::Ok; }
};

// A write taking effect on a primary (acknowledged or not). write_id is unique across the run.
struct CommitRecord {
  double t = 0;
  uint32_t write_id = 0;
  uint32_t key = 0;
  int16_t node = kNoNode;
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

struct LinkTraffic {
  uint16_t link = 0;
  uint64_t bytes = 0;
};

struct History {
  // Name tables.
  std::vector<std::string> regions;
  std::vector<std::string> nodes;         // database nodes
  std::vector<uint8_t> node_region;       // region index of each node
  std::vector<std::string> links;         // inter-region links, "a<->b"
  std::vector<double> link_cost_per_gb;
  double duration_s = 0;

  std::vector<OpRecord> ops;  // sorted by (invoke_s, client) at the end of the run
  std::vector<CommitRecord> commits;
  std::vector<RoleChange> roles;  // includes the initial roles at t = 0
  std::vector<HealthVerdict> health;
  std::vector<DnsChange> dns;  // includes the initial answers at t = 0
  std::vector<ControllerDecision> decisions;
  std::vector<FaultEvent> faults;
  std::vector<LagSample> lag;
  std::vector<LinkTraffic> traffic;

  // The surviving lineage: the write ids, in the store's order, of the log of the authoritative primary at the
  // end of the run after replication has drained (the primary with the highest term; ties: lowest node index).
  std::vector<uint32_t> final_lineage;
  int16_t final_primary = kNoNode;
};

}  // namespace mrsim
