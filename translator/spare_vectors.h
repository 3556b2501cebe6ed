// translator/spare_vectors.h — per-thread spare std::vectors for the
// translator's growable per-block lists (the block's IR and instructions,
// the backend's stub lists, the frontend's run starts): taken here and
// given back when the block is done, so after the first blocks a thread
// translates, a block costs no heap allocation for them (issue 13:
// malloc/free was 17% of a first `python3 -c pass`). Fixed-size tables
// come from the block arena (block_arena.h).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace hart {

// The spares of one element type on this thread.
template <class T>
std::vector<std::vector<T>>& spare_vectors() {
  static thread_local std::vector<std::vector<T>> spares;
  return spares;
}
template <class T>
std::vector<T> take_vector(size_t n, const T& fill) {
  std::vector<T> v;
  auto& spares = spare_vectors<T>();
  if (!spares.empty()) {
    v.swap(spares.back());
    spares.pop_back();
  }
  v.assign(n, fill);
  return v;
}
template <class T>
void give_vector(std::vector<T>& v) {
  v.clear();
  spare_vectors<T>().push_back(std::move(v));
}

// A spare vector for one scope, given back when the scope ends.
template <class T>
struct SpareVector {
  std::vector<T> v;
  SpareVector(size_t n, const T& fill) : v(take_vector(n, fill)) {}
  ~SpareVector() { give_vector(v); }
  SpareVector(const SpareVector&) = delete;
  SpareVector& operator=(const SpareVector&) = delete;
};

}  // namespace hart
