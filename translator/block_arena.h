// translator/block_arena.h — the translator's per-thread bump allocator for
// the tables that live while one block is translated (the IR passes' and
// the x86 backend's per-temp and per-insn tables): an ArenaScope takes a
// mark, tables are carved out of the thread's chunks by bumping a pointer,
// and the scope's end gives everything back at once. After the first blocks
// a thread translates, its chunks are big enough and a block costs no heap
// allocation and no per-table bookkeeping for them (issue 13: translation
// time). Tables hold trivially copyable values only (no destructors run).
// Owns: the chunks, marks and scopes, ArenaArray. Does not own: what must
// outlive a block (TbData, the code: jit.cpp) nor the growable lists of
// the backend (spare_vectors.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

namespace hart {

// A fixed-size table in a BlockArena (valid until its scope ends).
template <class T>
class ArenaArray {
 public:
  ArenaArray() = default;
  ArenaArray(T* p, size_t n) : p_(p), n_(n) {}
  T& operator[](size_t i) { return p_[i]; }
  const T& operator[](size_t i) const { return p_[i]; }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  T* data() { return p_; }
  const T* data() const { return p_; }
  T* begin() { return p_; }
  T* end() { return p_ + n_; }
  const T* begin() const { return p_; }
  const T* end() const { return p_ + n_; }

 private:
  T* p_ = nullptr;
  size_t n_ = 0;
};

class BlockArena {
 public:
  static constexpr size_t kChunkBytes = 64 * 1024;
  // This thread's arena.
  static BlockArena& thread() {
    static thread_local BlockArena arena;
    return arena;
  }

  // Where the arena stands: release(mark) frees everything carved after it.
  struct Mark {
    size_t chunk = 0, used = 0;
  };
  Mark mark() const { return {cur_, used_}; }
  void release(Mark m) {
    cur_ = m.chunk;
    used_ = m.used;
  }

  // `bytes` bytes aligned to `align` (a power of two, at most 16).
  void* alloc(size_t bytes, size_t align) {
    for (;;) {
      if (cur_ < chunks_.size()) {
        Chunk& c = chunks_[cur_];
        const size_t at = (used_ + align - 1) & ~(align - 1);
        if (at + bytes <= c.size) {
          used_ = at + bytes;
          return c.mem.get() + at;
        }
        ++cur_;  // the rest of this chunk stays unused until the release
        used_ = 0;
        if (cur_ < chunks_.size() && chunks_[cur_].size < bytes) chunks_[cur_] = Chunk(bytes);  // (unused now)
        continue;
      }
      chunks_.emplace_back(bytes > kChunkBytes ? bytes : kChunkBytes);
      cur_ = chunks_.size() - 1;
      used_ = 0;
    }
  }
  // n values, each `fill`.
  template <class T>
  ArenaArray<T> array(size_t n, const T& fill) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    T* p = static_cast<T*>(alloc(n * sizeof(T), alignof(T)));
    fill_n(p, n, fill);
    return {p, n};
  }
  // n values left as the arena held them, for a table whose every entry is
  // written before it is read (no fill to pay for).
  template <class T>
  ArenaArray<T> uninit(size_t n) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    return {static_cast<T*>(alloc(n * sizeof(T), alignof(T))), n};
  }
  template <class T>
  ArenaArray<T> copy(const ArenaArray<T>& from) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    T* p = static_cast<T*>(alloc(from.size() * sizeof(T), alignof(T)));
    std::uninitialized_copy(from.begin(), from.end(), p);
    return {p, from.size()};
  }
  // p[0, n) = fill. A value whose bytes are all the same (0, -1, false,
  // kNoTemp, a struct of kNoTemps) is a memset; other values a loop four
  // at a time. (A block's tables are filled once each, a few hundred
  // values per block: the element-wise loop was 3% of translating, issue
  // 13.) Padding bytes of fill that differ only make this the loop.
  template <class T>
  static void fill_n(T* p, size_t n, const T& fill) {
    {
      unsigned char byte0;
      memcpy(&byte0, &fill, 1);
      T same;  // fill's first byte repeated
      memset(static_cast<void*>(&same), byte0, sizeof(T));
      if (memcmp(&same, &fill, sizeof(T)) == 0) {
        memset(static_cast<void*>(p), byte0, n * sizeof(T));
        return;
      }
    }
    const T four[4] = {fill, fill, fill, fill};  // (one wide store a round)
    T* const end = p + n;
    for (; end - p >= 4; p += 4) memcpy(static_cast<void*>(p), four, sizeof four);
    for (; p != end; ++p) *p = fill;
  }
  // Chunks this arena holds (for tests: reuse allocates none).
  size_t chunk_count() const { return chunks_.size(); }

 private:
  struct Chunk {
    explicit Chunk(size_t n) : mem(new uint8_t[n]), size(n) {}  // (not zeroed)
    std::unique_ptr<uint8_t[]> mem;
    size_t size;
  };
  std::vector<Chunk> chunks_;
  size_t cur_ = 0, used_ = 0;  // chunks_[cur_] has [0, used_) in use (and every chunk before it)
};

// Tables carved from this thread's arena within a scope go when it ends.
class ArenaScope {
 public:
  ArenaScope() : arena_(BlockArena::thread()), mark_(arena_.mark()) {}
  ~ArenaScope() { arena_.release(mark_); }
  ArenaScope(const ArenaScope&) = delete;
  ArenaScope& operator=(const ArenaScope&) = delete;
  template <class T>
  ArenaArray<T> array(size_t n, const T& fill) {
    return arena_.array(n, fill);
  }
  template <class T>
  ArenaArray<T> uninit(size_t n) {
    return arena_.template uninit<T>(n);
  }
  template <class T>
  ArenaArray<T> copy(const ArenaArray<T>& from) {
    return arena_.copy(from);
  }

 private:
  BlockArena& arena_;
  BlockArena::Mark mark_;
};

}  // namespace hart
