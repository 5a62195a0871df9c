// A first-in first-out queue of plain records that keeps at most about `memory_cap` of them in memory and the rest
// in a temporary file (std::tmpfile: removed when the queue goes or the process ends), in order. For queues that
// are short in a steady run and long only for a while (the operations awaiting their lineage during an outage,
// sim/stream_metrics.h): memory stays bounded, and the file holds only what waits. Records leave in the order they
// came whatever was spilled, so nothing computed from them depends on the cap.
#pragma once

#include <cstdio>
#include <deque>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace mrsim {

template <typename T>
class SpillQueue {
  static_assert(std::is_trivially_copyable_v<T>, "records are written to the file byte for byte");

 public:
  explicit SpillQueue(size_t memory_cap = size_t{1} << 20, size_t chunk = size_t{1} << 16)
      : cap_(memory_cap), chunk_(chunk) {}
  ~SpillQueue() {
    if (file_) std::fclose(file_);
  }
  SpillQueue(const SpillQueue&) = delete;
  SpillQueue& operator=(const SpillQueue&) = delete;

  bool empty() const { return head_.empty() && spilled_ == 0 && tail_.empty(); }
  size_t size() const { return head_.size() + spilled_ + tail_.size(); }
  size_t spilled() const { return spilled_; }  // records in the file now

  void push_back(const T& r) {
    if (spilled_ == 0 && tail_.empty() && head_.size() < cap_) {
      head_.push_back(r);
      return;
    }
    tail_.push_back(r);
    if (tail_.size() >= chunk_) spill_tail();
  }

  const T& front() {
    refill();
    return head_.front();
  }
  void pop_front() {
    refill();
    head_.pop_front();
  }

 private:
  void spill_tail() {
    if (!file_) file_ = std::tmpfile();
    if (!file_) throw std::runtime_error("cannot create a temporary file for the queue of operations awaiting their lineage");
    std::fseek(file_, 0, SEEK_END);
    if (std::fwrite(tail_.data(), sizeof(T), tail_.size(), file_) != tail_.size())
      throw std::runtime_error("cannot write the queue of operations awaiting their lineage to a temporary file");
    spilled_ += tail_.size();
    tail_.clear();
  }
  // The oldest records are in head_, then the file (from read_at_), then tail_.
  void refill() {
    if (!head_.empty()) return;
    if (spilled_ > 0) {
      std::vector<T> chunk(std::min(spilled_, chunk_));
      std::fseek(file_, long(read_at_ * sizeof(T)), SEEK_SET);
      if (std::fread(chunk.data(), sizeof(T), chunk.size(), file_) != chunk.size())
        throw std::runtime_error("cannot read back the queue of operations awaiting their lineage");
      read_at_ += chunk.size();
      spilled_ -= chunk.size();
      head_.assign(chunk.begin(), chunk.end());
      if (spilled_ == 0) {  // the file is drained: start it afresh next time
        std::fclose(file_);
        file_ = nullptr;
        read_at_ = 0;
      }
      return;
    }
    head_.assign(tail_.begin(), tail_.end());
    tail_.clear();
  }

  size_t cap_, chunk_;
  std::deque<T> head_;
  std::vector<T> tail_;
  std::FILE* file_ = nullptr;
  size_t spilled_ = 0, read_at_ = 0;
};

}  // namespace mrsim
