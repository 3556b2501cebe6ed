// core/pc_table.h — an open-addressing hash table from a 64-bit key (a
// guest pc with flags, see tb_probe_key) to a pointer: one cache line per
// probe, no allocation per entry, cheap to tear down. Used by the TB cache
// and the shared translation store, which look up tens of thousands of
// blocks per program start.
// Owns: the slot array. Does not own the pointed-to objects. Not locked.
#pragma once

#include <cstdint>
#include <vector>

namespace hart {

template <typename T>
class PcTable {
 public:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static constexpr uint64_t kGone = ~uint64_t{0} - 1;  // erased (keeps probe chains intact)

  T* find(uint64_t key) const {
    if (slots_.empty()) return nullptr;
    for (size_t i = home(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == key) return s.value;
      if (s.key == kEmpty) return nullptr;
    }
  }
  // The slot's value for key, inserted as nullptr if absent.
  T*& operator[](uint64_t key) {
    if ((used_ + gone_ + 1) * 4 > slots_.size() * 3) rehash(used_ * 4 + 64);
    size_t tomb = SIZE_MAX;
    for (size_t i = home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.key == key) return s.value;
      if (s.key == kGone && tomb == SIZE_MAX) tomb = i;
      if (s.key == kEmpty) {
        if (tomb != SIZE_MAX) {
          --gone_;
          i = tomb;
        }
        ++used_;
        slots_[i] = {key, nullptr};
        return slots_[i].value;
      }
    }
  }
  bool erase(uint64_t key) {
    if (slots_.empty()) return false;
    for (size_t i = home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.key == key) {
        s = {kGone, nullptr};
        --used_;
        ++gone_;
        return true;
      }
      if (s.key == kEmpty) return false;
    }
  }
  size_t size() const { return used_; }
  // Calls f(key, value&) for every entry; f may not insert or erase.
  template <typename F>
  void for_each(F&& f) {
    for (Slot& s : slots_)
      if (s.key < kGone) f(s.key, s.value);
  }
  void clear() {
    slots_.clear();
    slots_.shrink_to_fit();
    used_ = gone_ = 0;
    mask_ = 0;
  }

 private:
  struct Slot {
    uint64_t key;
    T* value;
  };
  size_t home(uint64_t key) const {
    return static_cast<size_t>((key * 0x9e3779b97f4a7c15ull) >> 20) & mask_;
  }
  void rehash(size_t want) {
    size_t cap = 64;
    while (cap < want) cap *= 2;
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(cap, Slot{kEmpty, nullptr});
    mask_ = cap - 1;
    used_ = gone_ = 0;
    for (const Slot& s : old)
      if (s.key < kGone) (*this)[s.key] = s.value;
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0, used_ = 0, gone_ = 0;
};

}  // namespace hart
