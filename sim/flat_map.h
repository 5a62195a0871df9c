// A hash map from 64-bit keys to values, open-addressed: one array of slots, linear probing, deletion by backward
// shift (no tombstones). What the streaming metric families keep per (client, key) or per key, looked up once or
// more for every operation: std::unordered_map allocates a node per entry and chases a pointer per lookup, which
// at a million live entries was a tenth of a streaming run's time (docs/performance.md).
//
// It has no iteration: nothing computed from it can depend on its order (determinism, docs/architecture.md). A
// caller that must visit every entry keeps the keys in an order of its own. Pointers returned by find() and
// try_emplace() stay valid until the next try_emplace() or erase().
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace mrsim {

template <class Value>
class FlatMap {
 public:
  FlatMap() : slots_(kFirstSlots) {}

  size_t size() const { return size_; }

  Value* find(uint64_t key) {
    for (size_t i = home(key);; i = next(i)) {
      Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.key == key) return &s.value;
    }
  }

  // The key's value, default-constructed if it was absent; and whether it was.
  std::pair<Value*, bool> try_emplace(uint64_t key) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    for (size_t i = home(key);; i = next(i)) {
      Slot& s = slots_[i];
      if (!s.used) {
        s.used = true;
        s.key = key;
        s.value = Value{};
        ++size_;
        return {&s.value, true};
      }
      if (s.key == key) return {&s.value, false};
    }
  }

  void erase(uint64_t key) {
    size_t hole = home(key);
    for (;; hole = next(hole)) {
      if (!slots_[hole].used) return;
      if (slots_[hole].key == key) break;
    }
    // Backward shift: move each later entry of the run into the hole if its home does not lie in (hole, entry].
    for (size_t i = next(hole);; i = next(i)) {
      Slot& s = slots_[i];
      if (!s.used) break;
      const size_t h = home(s.key);
      const bool stays = hole < i ? (hole < h && h <= i) : (hole < h || h <= i);
      if (stays) continue;
      slots_[hole].key = s.key;
      slots_[hole].value = std::move(s.value);
      hole = i;
    }
    slots_[hole].used = false;
    slots_[hole].value = Value{};
    --size_;
  }

 private:
  static constexpr size_t kFirstSlots = 64;
  struct Slot {
    uint64_t key = 0;
    bool used = false;
    Value value{};
  };

  // SplitMix64's finalizer: every key bit reaches every slot bit, so (client, key) pairs do not cluster.
  size_t home(uint64_t key) const {
    key = (key ^ (key >> 30)) * 0xBF58476D1CE4E5B9ull;
    key = (key ^ (key >> 27)) * 0x94D049BB133111EBull;
    return size_t(key ^ (key >> 31)) & (slots_.size() - 1);
  }
  size_t next(size_t i) const { return (i + 1) & (slots_.size() - 1); }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (Slot& s : old) {
      if (!s.used) continue;
      size_t i = home(s.key);
      while (slots_[i].used) i = next(i);
      slots_[i].used = true;
      slots_[i].key = s.key;
      slots_[i].value = std::move(s.value);
    }
  }

  std::vector<Slot> slots_;  // a power of two in size, at most half full
  size_t size_ = 0;
};

}  // namespace mrsim
