// A change-data-capture pipeline that feeds one replica of a single-primary store (replication mode `cdc`).
//
// Follows: the chain "PostgreSQL primary -> Debezium -> Kafka -> MirrorMaker 2 -> Kafka in the target region ->
// consumer -> the replica", with each stage a FIFO queue evaluated by Lindley's recursion (departure =
// max(arrival, previous departure) + service), lazily, one change at a time in log order:
//  - capture: Debezium polls the primary's log every `poll_interval` (poll.interval.ms, 500 ms) and takes at most
//    `max_batch_size` changes a poll (max.batch.size, 2048); the rest wait for the next poll. Polls recur at the
//    same interval from a phase drawn uniformly in [0, poll_interval) each time the pipeline (re)starts (a connector
//    starts at no particular instant; stream "cdc/<node>"), so Poisson commits wait poll_interval / 2 on average.
//    0 captures at once.
//  - log: the change is appended to partition hash(key) mod `partitions` of the source cluster (Kafka's default
//    num.partitions is 1), one message every 1 / `partition_throughput` seconds per partition (deterministic
//    service: Poisson commits at a partition make an M/D/1 queue when capture is immediate).
//  - mirror: MirrorMaker 2 copies each partition (one task per partition): a batch opens with a message and is sent
//    `mirror_linger` later (the producer's linger.ms, 5 ms since Kafka 4.0), its messages leave 1 / `mirror_throughput`
//    apart, then cross the route's one-way latency to the target cluster.
//  - apply: one consumer applies the changes to the replica at `apply_rate` a second, in source commit order: a
//    reorder buffer by log position holds a change until every earlier one has arrived.
//    Simplification: real sinks apply partitions independently (per-key order only); applying in commit order keeps
//    the replica's log a prefix of the primary's, which rejoining and rewinding rely on, and makes apply times
//    non-decreasing in log order.
// Failures (what the single-primary store tells the pipeline):
//  - The route from the primary breaks while the replica's host is up (a link, or the primary's region lost): changes
//    already in the target cluster survive and are applied in order up to the first one that is not; the rest wait
//    in the source cluster, and the mirror resumes from that offset when the stream reconnects, entering the mirror at
//    max(their append time, the reconnect) — nothing is lost by a link break. Changes committed meanwhile are
//    captured and appended on their own schedule (the source region is up) and mirrored from the reconnect.
//  - The replica's host goes down, the replica is promoted or re-pointed to another upstream: everything still in the
//    pipeline is dropped (a promoted replica stops its consumer and takes writes at once; its source region's
//    queues died with it), and the pipeline starts afresh from the new upstream. What was dropped on promotion is the
//    region loss's RPO: the changes not yet in the target region when it was lost, and those still in the target
//    consumer's queue when the replica was promoted.
// Leaves out: the target cluster's own append (taken as instant), Kafka's replication within a cluster, consumer
// rebalances, at-least-once duplicates (the apply deduplicates by log position), byte-based batching limits, the
// replica's `apply_delay` (the consumer's rate replaces it) and the entry's bandwidth on the link (its bytes are
// still counted as traffic).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "sim/history.h"
#include "sim/random.h"
#include "sim/scenario.h"

namespace mrsim {

class Recorder;
struct LogEntry;

class CdcPipeline {
 public:
  // `name`: the node's, naming the pipeline's random stream.
  CdcPipeline(const CdcConfig& config, int16_t node, const std::string& name, Recorder& recorder);

  // Change `e` enters the pipeline. `resume_s`: the earliest the mirror may carry it (a fresh commit passes its commit
  // time, a reconnecting stream the reconnect); `latency_s`: one-way latency from the source to the target region.
  // Returns when the change is applied at the target. Changes come in log order.
  double ship(const LogEntry& e, double resume_s, double latency_s);
  // The mirror's route broke at t, the target's host still up: returns how many of the changes shipped and not yet
  // applied survive (the first ones, in log order); the others wait in the source cluster for the next ship().
  // If the source is down too (`source_up` false), what it had not captured and appended by t waits for it to
  // come back (and is captured and appended again from then on).
  size_t cut(double t, bool source_up);
  // Everything in the pipeline is dropped at t; it starts afresh at t (a new upstream, or none).
  void reset(double t);
  // End of the run: records what is still in the pipeline.
  void finish();

 private:
  struct Transit {
    uint32_t write_id;
    uint32_t partition;
    double commit_s, enter_s;
    double stage_s[kCdcStages];
  };
  void capture(Transit& x, double from);  // the capture stage, for a change there from `from`
  void append(Transit& x, double from);   // the log stage
  void settle(double t);                  // records the changes applied by t
  void record(const Transit& x, double left_s);

  CdcConfig config_;
  int16_t node_;
  Recorder& recorder_;
  RandomStream stream_;
  double started_s_ = 0;
  double poll_phase_s_ = 0;
  // Stage state (Lindley): the current poll and how much it took; per partition, when the log and the mirror are next
  // free and when the mirror's open batch is sent; the apply's reorder point and when it is next free.
  int64_t poll_index_ = -1;
  uint32_t poll_taken_ = 0;
  std::vector<double> log_free_s_, mirror_free_s_, batch_close_s_;
  double ready_s_ = 0, apply_free_s_ = 0;
  std::deque<Transit> shipped_;  // through ship(), not yet applied (as of the last settle), in log order
  std::deque<Transit> held_;     // cut off in the source cluster; the mirror resumes with the first
};

}  // namespace mrsim
