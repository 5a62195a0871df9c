#include "models/cdc_pipeline.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/single_primary.h"
#include "sim/recorder.h"

namespace mrsim {

namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();
enum Stage { kCapture = 0, kLog = 1, kMirror = 2, kApply = 3 };

// The key's partition: a fixed 32-bit mix of the key (MurmurHash3's finalizer; Kafka hashes the serialized key with
// murmur2), so that neighbouring keys spread over the partitions.
uint32_t partition_of(uint32_t key, uint32_t partitions) {
  uint32_t h = key;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h % partitions;
}
}  // namespace

CdcPipeline::CdcPipeline(const CdcConfig& config, int16_t node, const std::string& name, Recorder& recorder)
    : config_(config), node_(node), recorder_(recorder), stream_(config.seed, "cdc/" + name) {
  reset(0);
}

void CdcPipeline::record(const Transit& x, double left_s) {
  CdcTransit r;
  r.write_id = x.write_id;
  r.node = node_;
  r.commit_s = x.commit_s;
  r.enter_s = x.enter_s;
  for (int s = 0; s < kCdcStages; ++s) r.stage_s[s] = x.stage_s[s] <= left_s ? x.stage_s[s] : kNever;
  r.left_s = left_s;
  recorder_.cdc(r);
}

void CdcPipeline::settle(double t) {
  while (!shipped_.empty() && shipped_.front().stage_s[kApply] <= t) {
    record(shipped_.front(), shipped_.front().stage_s[kApply]);
    shipped_.pop_front();
  }
}

void CdcPipeline::capture(Transit& x, double from) {
  double captured = from;
  if (config_.poll_interval_s > 0) {  // the first poll at or after `from` with room left in its batch
    const double first = started_s_ + poll_phase_s_;
    int64_t k = std::max<int64_t>(0, int64_t(std::ceil((from - first) / config_.poll_interval_s)));
    if (first + double(k) * config_.poll_interval_s < from) ++k;  // rounding
    if (k < poll_index_) k = poll_index_;
    if (k == poll_index_ && poll_taken_ >= config_.max_batch_size) ++k;
    if (k != poll_index_) poll_index_ = k, poll_taken_ = 0;
    ++poll_taken_;
    captured = first + double(k) * config_.poll_interval_s;
  }
  x.stage_s[kCapture] = captured;
}

void CdcPipeline::append(Transit& x, double from) {
  double& log_free = log_free_s_[x.partition];
  log_free = std::max(from, log_free) + 1.0 / config_.partition_throughput;
  x.stage_s[kLog] = log_free;
}

double CdcPipeline::ship(const LogEntry& e, double resume_s, double latency_s) {
  settle(resume_s);  // the caller's now is at least resume_s
  Transit x;
  if (!held_.empty() && held_.front().write_id == e.write_id) {
    x = held_.front();  // cut off before the mirror: it resumes with this one
    held_.pop_front();
    // What the source had not captured or appended when it went down is captured or appended again once it is back.
    if (x.stage_s[kCapture] == kNever) capture(x, std::max(x.enter_s, resume_s));
    if (x.stage_s[kLog] == kNever) append(x, std::max(x.stage_s[kCapture], resume_s));
  } else {
    x.write_id = e.write_id;
    x.partition = partition_of(e.key, config_.partitions);
    x.commit_s = e.commit_s;
    x.enter_s = std::max(e.commit_s, started_s_);
    capture(x, x.enter_s);
    append(x, x.stage_s[kCapture]);
  }
  // mirror: a batch opens with the first message after the last one was sent and goes `linger` later.
  const double in = std::max(x.stage_s[kLog], resume_s);
  double& close = batch_close_s_[x.partition];
  if (in > close) close = in + config_.mirror_linger_s;
  double& mirror_free = mirror_free_s_[x.partition];
  mirror_free = std::max(close, mirror_free) + 1.0 / config_.mirror_throughput;
  x.stage_s[kMirror] = mirror_free + latency_s;
  // apply: in log order, once every earlier change has arrived.
  ready_s_ = std::max(ready_s_, x.stage_s[kMirror]);
  apply_free_s_ = std::max(ready_s_, apply_free_s_) + 1.0 / config_.apply_rate;
  x.stage_s[kApply] = apply_free_s_;
  shipped_.push_back(x);
  return x.stage_s[kApply];
}

size_t CdcPipeline::cut(double t, bool source_up) {
  settle(t);
  size_t kept = 0;
  while (kept < shipped_.size() && shipped_[kept].stage_s[kMirror] <= t) ++kept;
  // The rest go back to the source cluster, ahead of anything already held there (later in the log).
  while (shipped_.size() > kept) {
    Transit x = shipped_.back();
    shipped_.pop_back();
    x.stage_s[kMirror] = x.stage_s[kApply] = kNever;  // not mirrored yet
    held_.push_front(x);
  }
  if (!source_up) {  // nothing more is captured or appended until the source is back
    for (Transit& x : held_) {
      if (x.stage_s[kCapture] > t) x.stage_s[kCapture] = kNever;
      if (x.stage_s[kLog] > t) x.stage_s[kLog] = kNever;
    }
    poll_index_ = -1;
    poll_taken_ = 0;
    for (double& free : log_free_s_) free = std::min(free, t);
  }
  // Roll the mirror and the apply back to the survivors: whatever comes next enters the mirror after t.
  for (size_t p = 0; p < mirror_free_s_.size(); ++p) {
    mirror_free_s_[p] = std::min(mirror_free_s_[p], t);
    batch_close_s_[p] = std::min(batch_close_s_[p], t);
  }
  ready_s_ = std::min(ready_s_, t);
  apply_free_s_ = shipped_.empty() ? std::min(apply_free_s_, t) : shipped_.back().stage_s[kApply];
  return kept;
}

void CdcPipeline::reset(double t) {
  settle(t);
  for (const Transit& x : shipped_) record(x, t);
  for (const Transit& x : held_) record(x, t);
  shipped_.clear();
  held_.clear();
  started_s_ = t;
  if (config_.poll_interval_s > 0) poll_phase_s_ = stream_.uniform01() * config_.poll_interval_s;
  poll_index_ = -1;
  poll_taken_ = 0;
  log_free_s_.assign(config_.partitions, 0.0);
  mirror_free_s_.assign(config_.partitions, 0.0);
  batch_close_s_.assign(config_.partitions, -kNever);
  ready_s_ = apply_free_s_ = 0;
}

void CdcPipeline::finish() {
  for (const Transit& x : shipped_) record(x, x.stage_s[kApply]);
  for (const Transit& x : held_) record(x, kNever);
  shipped_.clear();
  held_.clear();
}

}  // namespace mrsim
