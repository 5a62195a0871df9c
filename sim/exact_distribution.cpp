#include "sim/exact_distribution.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace mrsim {
namespace {

constexpr size_t kFirstSlots = 64;

// The slot a value's probe starts at: a multiplicative hash of its bits (-0 hashed as +0, since they compare equal).
size_t home(double v, size_t mask) {
  uint64_t bits;
  const double key = v == 0 ? 0.0 : v;
  std::memcpy(&bits, &key, sizeof bits);
  return static_cast<size_t>((bits * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

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

ExactDistribution::ExactDistribution(size_t cap) : cap_(cap < 1 ? 1 : cap), slots_(kFirstSlots, Slot{0, 0}) {}

void ExactDistribution::add(double value) {
  if (count_ == 0 || value > max_) max_ = value;  // the first of equal maxima, as max_element keeps
  sum_ += value;
  ++count_;
  const size_t mask = slots_.size() - 1;
  for (size_t i = home(value, mask);; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.count == 0) {
      slot = {value, 1};
      ++distinct_;
      break;
    }
    if (slot.value == value) {
      ++slot.count;
      return;
    }
  }
  if (distinct_ > cap_) {
    spill();
  } else if (2 * distinct_ > slots_.size()) {
    grow();
  }
}

void ExactDistribution::grow() {
  std::vector<Slot> old(slots_.size() * 2, Slot{0, 0});
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.count == 0) continue;
    size_t i = home(s.value, mask);
    while (slots_[i].count != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void ExactDistribution::spill() {
  if (!spill_) {
    spill_.reset(std::tmpfile());
    if (!spill_) throw std::runtime_error("cannot create a temporary file for a distribution's values");
  }
  std::FILE* f = spill_.get();
  if (std::fseek(f, 0, SEEK_END) != 0) throw std::runtime_error("cannot seek in a distribution's temporary file");
  // The records in slot order: selection reads them as a multiset, so their order in the file does not matter.
  std::vector<Slot> records;
  records.reserve(distinct_);
  for (Slot& s : slots_) {
    if (s.count != 0) records.push_back(s);
    s = Slot{0, 0};
  }
  distinct_ = 0;
  if (std::fwrite(records.data(), sizeof(Slot), records.size(), f) != records.size())
    throw std::runtime_error("cannot write a distribution's temporary file");
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
    // The table's values in ascending order: the value where the running count first passes each rank (ranks
    // ascend). No two occupied slots compare equal, so the sort's order is the values' own.
    std::vector<Slot> sorted;
    sorted.reserve(distinct_);
    for (const Slot& s : slots_)
      if (s.count != 0) sorted.push_back(s);
    std::sort(sorted.begin(), sorted.end(), [](const Slot& a, const Slot& b) { return a.value < b.value; });
    size_t next = 0;
    uint64_t below = 0;
    for (auto it = sorted.begin(); it != sorted.end() && next < ranks.size(); ++it) {
      below += it->count;
      while (next < ranks.size() && ranks[next] < below) values[next++] = it->value;
    }
  } else {
    spill();
    std::FILE* f = spill_.get();
    // Per rank: the key's high bits chosen so far, how many bits, and the rank among the records sharing them.
    std::array<uint64_t, 3> prefix{}, within = ranks;
    std::vector<std::array<uint64_t, kBuckets>> histogram(ranks.size());
    std::vector<Slot> buffer(kReadRecords);
    for (int known = 0; known < 64; known += kDigitBits) {
      for (auto& h : histogram) h.fill(0);
      if (std::fseek(f, 0, SEEK_SET) != 0) throw std::runtime_error("cannot seek in a distribution's temporary file");
      const int shift = 64 - known - kDigitBits;
      for (size_t n; (n = std::fread(buffer.data(), sizeof(Slot), buffer.size(), f)) > 0;) {
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
