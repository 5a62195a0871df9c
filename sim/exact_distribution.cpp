#include "sim/exact_distribution.h"

#include <array>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace mrsim {
namespace {

struct Record {  // one spilled map entry
  double value;
  uint64_t count;
};

// The double's bits, mapped so that unsigned order is the numeric order (negatives reversed below positives).
uint64_t order_key(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
}

double from_order_key(uint64_t key) {
  const uint64_t bits = (key >> 63) ? key & ~(uint64_t{1} << 63) : ~key;
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

constexpr int kDigitBits = 16;
constexpr size_t kBuckets = size_t{1} << kDigitBits;
constexpr size_t kReadRecords = 4096;

}  // namespace

ExactDistribution::ExactDistribution(size_t cap) : cap_(cap < 1 ? 1 : cap) {}

void ExactDistribution::add(double value) {
  if (count_ == 0 || value > max_) max_ = value;  // the first of equal maxima, as max_element keeps
  sum_ += value;
  ++count_;
  ++counts_[value];
  if (counts_.size() > cap_) spill();
}

void ExactDistribution::spill() {
  if (!spill_) {
    spill_.reset(std::tmpfile());
    if (!spill_) throw std::runtime_error("cannot create a temporary file for a distribution's values");
  }
  std::FILE* f = spill_.get();
  if (std::fseek(f, 0, SEEK_END) != 0) throw std::runtime_error("cannot seek in a distribution's temporary file");
  std::vector<Record> records;
  records.reserve(counts_.size());
  for (const auto& [value, count] : counts_) records.push_back({value, count});
  if (std::fwrite(records.data(), sizeof(Record), records.size(), f) != records.size())
    throw std::runtime_error("cannot write a distribution's temporary file");
  counts_.clear();
}

Distribution ExactDistribution::summary() {
  Distribution d;
  d.count = count_;
  if (count_ == 0) return d;
  d.mean = sum_ / static_cast<double>(count_);
  d.max = max_;
  const std::array<uint64_t, 3> ranks = {nearest_rank_index(count_, 50), nearest_rank_index(count_, 95),
                                         nearest_rank_index(count_, 99)};
  std::array<double, 3> values{};
  if (!spill_) {
    // The map in ascending order: the value where the running count first passes each rank (ranks ascend).
    size_t next = 0;
    uint64_t below = 0;
    for (auto it = counts_.begin(); it != counts_.end() && next < ranks.size(); ++it) {
      below += it->second;
      while (next < ranks.size() && ranks[next] < below) values[next++] = it->first;
    }
  } else {
    spill();
    std::FILE* f = spill_.get();
    // Per rank: the key's high bits chosen so far, how many bits, and the rank among the records sharing them.
    std::array<uint64_t, 3> prefix{}, within = ranks;
    std::vector<std::array<uint64_t, kBuckets>> histogram(ranks.size());
    std::vector<Record> buffer(kReadRecords);
    for (int known = 0; known < 64; known += kDigitBits) {
      for (auto& h : histogram) h.fill(0);
      if (std::fseek(f, 0, SEEK_SET) != 0) throw std::runtime_error("cannot seek in a distribution's temporary file");
      const int shift = 64 - known - kDigitBits;
      for (size_t n; (n = std::fread(buffer.data(), sizeof(Record), buffer.size(), f)) > 0;) {
        for (size_t i = 0; i < n; ++i) {
          const uint64_t key = order_key(buffer[i].value);
          const uint64_t high = known == 0 ? 0 : key >> (64 - known);
          const size_t digit = static_cast<size_t>((key >> shift) & (kBuckets - 1));
          for (size_t r = 0; r < ranks.size(); ++r)
            if (high == prefix[r]) histogram[r][digit] += buffer[i].count;
        }
      }
      if (std::ferror(f)) throw std::runtime_error("cannot read a distribution's temporary file");
      for (size_t r = 0; r < ranks.size(); ++r) {
        size_t digit = 0;
        while (within[r] >= histogram[r][digit]) {
          within[r] -= histogram[r][digit++];
          if (digit == kBuckets) throw std::logic_error("a distribution's temporary file lost records");
        }
        prefix[r] = (prefix[r] << kDigitBits) | digit;
      }
    }
    for (size_t r = 0; r < ranks.size(); ++r) values[r] = from_order_key(prefix[r]);
  }
  d.p50 = values[0];
  d.p95 = values[1];
  d.p99 = values[2];
  return d;
}

}  // namespace mrsim
