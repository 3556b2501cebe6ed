// core/address_space.cpp — host reservation and VMA bookkeeping for one guest
// address space. See address_space.h.
#include "core/address_space.h"

#include <fcntl.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>

namespace hart {

namespace {
int host_prot(int guest_prot) { return guest_prot & (PROT_READ | PROT_WRITE); }

std::atomic<uint64_t> g_reserved{0};  // sum of live sizes
std::atomic<uint64_t> g_live{0};
std::atomic<uint64_t> g_cap{0};
std::atomic<int64_t> g_vmas{0};  // guest VMAs of every live address space

// Host mappings are one pool for hartd and every guest (vm.max_map_count):
// each guest VMA costs about two (it splits the reservation), so guests
// together may hold what leaves a quarter of the pool, and at least 16,384
// mappings, to hartd's own threads, heaps and code.
int64_t global_vma_cap() {
  static const int64_t cap = [] {
    int64_t host = 65530;
    if (FILE* f = fopen("/proc/sys/vm/max_map_count", "re")) {
      long long v = 0;
      if (fscanf(f, "%lld", &v) == 1 && v > 0) host = v;
      fclose(f);
    }
    int64_t reserve = std::max<int64_t>(16384, host / 4);
    return std::max<int64_t>(1024, (host - reserve) / 2);
  }();
  return cap;
}
}  // namespace

bool AddressSpace::room_for_vmas(int n) const {
  return static_cast<int64_t>(vma_.size()) + n <= kMaxMapCount &&
         g_vmas.load(std::memory_order_relaxed) + n <= global_vma_cap();
}

void AddressSpace::account_vmas() {
  auto now = static_cast<int64_t>(vma_.size());
  g_vmas.fetch_add(now - vma_accounted_, std::memory_order_relaxed);
  vma_accounted_ = now;
}

namespace {
thread_local sigjmp_buf* tls_copy_jmp = nullptr;
thread_local const void* tls_copy_lo = nullptr;
thread_local const void* tls_copy_hi = nullptr;

// hartd's own memory file: reads pages whatever their host protection
// (Linux's FOLL_FORCE for /proc/PID/mem), and fails cleanly where nothing
// can be read.
int self_mem_fd() {
  static const int fd = ::open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  return fd;
}
}  // namespace

bool guarded_call(void (*fn)(void*), void* arg, const void* lo, const void* hi) {
  sigjmp_buf jb;
  if (sigsetjmp(jb, 0)) {
    tls_copy_jmp = nullptr;
    return false;
  }
  tls_copy_lo = lo;
  tls_copy_hi = hi;
  tls_copy_jmp = &jb;
  // The fault handler reads these: keep the stores on both sides of the call.
  std::atomic_signal_fence(std::memory_order_seq_cst);
  fn(arg);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  tls_copy_jmp = nullptr;
  return true;
}

bool guarded_copy(void* dst, const void* src, uint64_t len, const void* lo, const void* hi) {
  struct Copy {
    void* dst;
    const void* src;
    uint64_t len;
  } c{dst, src, len};
  return guarded_call([](void* a) {
    auto* c = static_cast<Copy*>(a);
    memcpy(c->dst, c->src, c->len);
  }, &c, lo, hi);
}

void guarded_copy_fault(const void* addr) {
  if (!tls_copy_jmp || addr < tls_copy_lo || addr >= tls_copy_hi) return;
  sigjmp_buf* jb = tls_copy_jmp;
  tls_copy_jmp = nullptr;
  siglongjmp(*jb, 1);
}

std::string check_address_space_size(uint64_t size) {
  if (size < kGuestVaMin || size > kGuestVaMax || (size & (size - 1)))
    return "the guest address-space size must be a power of two from 1G (2^30) to 256G (2^38), not " +
           (size % (uint64_t{1} << 20) == 0 ? format_size(size) : std::to_string(size) + " bytes");
  return "";
}

bool parse_size(const std::string& text, uint64_t* bytes, std::string* error) {
  const char* s = text.c_str();
  char* end = nullptr;
  errno = 0;
  unsigned long long n = (*s >= '0' && *s <= '9') ? strtoull(s, &end, 10) : 0;
  if (!end || end == s || errno == ERANGE) {
    *error = "bad size '" + text + "' (want e.g. 16G, 1T or a byte count)";
    return false;
  }
  std::string suffix = end;
  unsigned shift = 0;
  if (!suffix.empty()) {
    const std::string units = "KMGT";
    size_t u = units.find(static_cast<char>(toupper(static_cast<unsigned char>(suffix[0]))));
    std::string rest = suffix.substr(1);
    if (u == std::string::npos || !(rest.empty() || rest == "B" || rest == "iB")) {
      *error = "bad size '" + text + "' (want e.g. 16G, 1T or a byte count)";
      return false;
    }
    shift = 10 * static_cast<unsigned>(u + 1);
  }
  if (n > (~0ull >> shift)) {
    *error = "size '" + text + "' is too large";
    return false;
  }
  *bytes = static_cast<uint64_t>(n) << shift;
  return true;
}

bool parse_address_space_size(const std::string& text, uint64_t* size, std::string* error) {
  uint64_t v = 0;
  if (!parse_size(text, &v, error)) return false;
  if (std::string e = check_address_space_size(v); !e.empty()) {
    *error = e;
    return false;
  }
  *size = v;
  return true;
}

std::string format_size(uint64_t bytes) {
  static const char* const kUnits[] = {"TiB", "GiB", "MiB", "KiB"};
  for (int i = 0; i < 4; ++i) {
    uint64_t unit = uint64_t{1} << (10 * (4 - i));
    if (bytes >= unit && bytes % unit == 0) return std::to_string(bytes / unit) + " " + kUnits[i];
  }
  return std::to_string(bytes) + " bytes";
}

void AddressSpace::set_reservation_cap(uint64_t bytes) { g_cap.store(bytes); }
uint64_t AddressSpace::reservation_cap() { return g_cap.load(); }
uint64_t AddressSpace::reserved_bytes() { return g_reserved.load(); }
uint64_t AddressSpace::live_count() { return g_live.load(); }

std::unique_ptr<AddressSpace> AddressSpace::create(uint64_t size, std::string* error) {
  // Opened by the first (launch-time) address space, while the calling host
  // thread still has hartd's identity (a vCPU thread may carry a guest's).
  self_mem_fd();
  auto fail = [&](const std::string& why) -> std::unique_ptr<AddressSpace> {
    if (error)
      *error = "cannot reserve " + format_size(size) + " of guest address space: " + why + "; " +
               std::to_string(g_live.load()) + " guest address spaces hold " +
               format_size(g_reserved.load());
    return nullptr;
  };
  if (std::string e = check_address_space_size(size); !e.empty()) {
    if (error) *error = e;
    return nullptr;
  }
  // Count first (the cap holds even when launches race), undo on failure.
  uint64_t cap = g_cap.load();
  uint64_t before = g_reserved.fetch_add(size);
  if (cap && before + size > cap) {
    g_reserved.fetch_sub(size);
    return fail("the daemon's cap of " + format_size(cap) + " is reached");
  }
  void* p = mmap(nullptr, kLowGuardBytes + size + kHighGuardBytes, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    int e = errno;
    g_reserved.fetch_sub(size);
    return fail(std::string("the host's address space is exhausted (") + strerror(e) + ")");
  }
  g_live.fetch_add(1);
  return std::unique_ptr<AddressSpace>(new AddressSpace(static_cast<uint8_t*>(p) + kLowGuardBytes, size));
}

AddressSpace::~AddressSpace() {
  g_vmas.fetch_sub(vma_accounted_, std::memory_order_relaxed);
  munmap(base_ - kLowGuardBytes, kLowGuardBytes + limit_ + kHighGuardBytes);
  g_reserved.fetch_sub(limit_);
  g_live.fetch_sub(1);
}

void AddressSpace::carve(uint64_t start, uint64_t end) {
  auto it = vma_.lower_bound(start);
  if (it != vma_.begin()) {
    auto prev = std::prev(it);
    if (prev->second.end > start) it = prev;
  }
  while (it != vma_.end() && it->second.start < end) {
    Vma v = it->second;
    it = vma_.erase(it);
    if (v.start < start) {
      Vma left = v;
      left.end = start;
      vma_.emplace(left.start, left);
    }
    if (v.end > end) {
      Vma right = v;
      right.offset += end - v.start;
      right.start = end;
      it = vma_.emplace(right.start, right).first;
      ++it;
    }
  }
}

bool AddressSpace::range_free(uint64_t start, uint64_t end) const {
  auto it = vma_.lower_bound(start);
  if (it != vma_.end() && it->second.start < end) return false;
  if (it != vma_.begin() && std::prev(it)->second.end > start) return false;
  return true;
}

uint64_t AddressSpace::first_sealed_locked(uint64_t start, uint64_t end) const {
  auto it = vma_.upper_bound(start);
  if (it != vma_.begin()) --it;
  for (; it != vma_.end() && it->second.start < end; ++it)
    if (it->second.end > start && it->second.sealed) return std::max(it->second.start, start);
  return end;
}

bool AddressSpace::sealed_in(uint64_t addr, uint64_t len) const {
  std::lock_guard<std::mutex> lock(vma_mutex_);
  return first_sealed_locked(addr, addr + len) < addr + len;
}

uint64_t AddressSpace::find_free(uint64_t len, uint64_t hint) const {
  len = page_up(len);
  uint64_t cand = hint ? page_down(hint) : mmap_base();
  for (int pass = 0; pass < 2; ++pass) {
    for (auto it = vma_.lower_bound(cand);; ++it) {
      if (it != vma_.begin()) {
        auto prev = std::prev(it);
        if (prev->second.end > cand) cand = prev->second.end;
      }
      uint64_t gap_end = it == vma_.end() ? limit_ : it->second.start;
      if (gap_end > cand && gap_end - cand >= len) return cand;
      if (it == vma_.end()) break;
    }
    cand = kPageSize * 16;  // second pass: anywhere above the first 64 KiB
  }
  return 0;
}

int64_t AddressSpace::map(uint64_t addr, uint64_t len, int prot, unsigned flags, int host_fd,
                          uint64_t offset, const std::string& name) {
  if (len == 0) return -EINVAL;
  if (addr & (kPageSize - 1)) {
    if (flags & (kMapFixed | kMapFixedNoReplace)) return -EINVAL;
    addr = page_down(addr);
  }
  if (offset & (kPageSize - 1)) return -EINVAL;
  uint64_t plen = page_up(len);
  if (plen < len || plen > limit_) return -ENOMEM;
  {
    std::lock_guard<std::mutex> lock(vma_mutex_);
    bool fixed = flags & (kMapFixed | kMapFixedNoReplace);
    if (fixed) {
      if (addr + plen > limit_ || addr + plen < addr) return -ENOMEM;
      if ((flags & kMapFixedNoReplace) && !range_free(addr, addr + plen)) return -EEXIST;
      if (first_sealed_locked(addr, addr + plen) < addr + plen) return -EPERM;  // mseal
    } else {
      // A hint is only a hint: one that does not fit below the limit (or
      // wraps past 2^64, which would put base_ + addr below the
      // reservation, over hartd's memory) is ignored, as Linux ignores a
      // hint past TASK_SIZE - len.
      if (addr && (addr >= limit_ || plen > limit_ - addr || !range_free(addr, addr + plen))) addr = 0;
      if (!addr || addr < kPageSize * 16) addr = find_free(plen, addr ? addr : 0);
      if (!addr) return -ENOMEM;
    }
    if (!room_for_vmas(2)) return -ENOMEM;  // Linux: past vm.max_map_count
    int mflags = MAP_FIXED | ((flags & kMapShared) ? MAP_SHARED : MAP_PRIVATE);
    if (host_fd < 0) mflags |= MAP_ANONYMOUS;
    if (flags & kMapNoReserve) mflags |= MAP_NORESERVE;
    if (flags & kMapLocked) mflags |= MAP_POPULATE;
    void* p = mmap(base_ + addr, plen, host_prot(prot), mflags, host_fd, host_fd < 0 ? 0 : offset);
    if (p == MAP_FAILED) {
      int e = errno;
      // The kernel leaves the range in an undefined state: restore the hole.
      mmap(base_ + addr, plen, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
           -1, 0);
      carve(addr, addr + plen);
      return -e;
    }
    carve(addr, addr + plen);
    forget_code_wp(addr, addr + plen);
    Vma v;
    v.start = addr;
    v.end = addr + plen;
    v.prot = prot;
    v.shared = flags & kMapShared;
    v.host_fd = host_fd;
    v.offset = offset;
    v.grows_down = flags & kMapGrowsDown;
    v.locked = flags & kMapLocked;
    v.name = name;
    struct stat st;
    if (host_fd >= 0 && fstat(host_fd, &st) == 0) {
      v.dev = st.st_dev;
      v.inode = st.st_ino;
    }
    vma_.emplace(addr, v);
    account_vmas();
  }
  changed(addr, addr + plen);
  return static_cast<int64_t>(addr);
}

int AddressSpace::unmap(uint64_t addr, uint64_t len) {
  if ((addr & (kPageSize - 1)) || len == 0) return -EINVAL;
  uint64_t plen = page_up(len);
  if (addr >= limit_) return 0;
  if (addr + plen > limit_ || addr + plen < addr) plen = limit_ - addr;
  {
    std::lock_guard<std::mutex> lock(vma_mutex_);
    // mseal: Linux looks at every VMA of the range before unmapping any.
    if (first_sealed_locked(addr, addr + plen) < addr + plen) return -EPERM;
    mmap(base_ + addr, plen, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
         -1, 0);
    carve(addr, addr + plen);
    forget_code_wp(addr, addr + plen);
    account_vmas();
  }
  changed(addr, addr + plen);
  return 0;
}

bool AddressSpace::reserve_hole(uint64_t addr, uint64_t len) {
  // Only where nothing is mapped: if another hartd thread's mmap took the
  // hole meanwhile, the caller must not touch it (and fails the guest).
  void* p = mmap(base_ + addr, len, PROT_NONE,
                 MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == base_ + addr) return true;
  if (p != MAP_FAILED) munmap(p, len);  // a kernel without MAP_FIXED_NOREPLACE
  tainted_.store(true);
  return false;
}

int64_t AddressSpace::remap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, unsigned flags,
                            uint64_t new_addr) {
  bool fixed = flags & kRemapFixed, dontunmap = flags & kRemapDontUnmap;
  bool may_move = flags & kRemapMayMove;
  if ((fixed || dontunmap) && !may_move) return -EINVAL;
  if (dontunmap && old_len != new_len) return -EINVAL;
  if (fixed && ((new_addr & (kPageSize - 1)) || new_addr >= limit_ || new_len > limit_ - new_addr))
    return -EINVAL;
  if (fixed && new_addr < old_addr + std::max(old_len, uint64_t{1}) && old_addr < new_addr + new_len)
    return -EINVAL;  // the ranges overlap
  {
    // Linux looks up the mapping at old_addr first (EFAULT), then refuses a
    // sealed one, whatever the request (EPERM); a sealed destination of
    // MREMAP_FIXED is refused as munmap refuses it.
    std::lock_guard<std::mutex> lock(vma_mutex_);
    auto it = vma_.upper_bound(old_addr);
    if (it == vma_.begin() || std::prev(it)->second.end <= old_addr) return -EFAULT;
    if (std::prev(it)->second.sealed) return -EPERM;
    if (fixed && first_sealed_locked(new_addr, new_addr + new_len) < new_addr + new_len) return -EPERM;
  }
  if (!fixed && old_len && new_len < old_len) {  // shrink: Linux unmaps the tail first
    int r = unmap(old_addr + new_len, old_len - new_len);
    return r < 0 ? r : static_cast<int64_t>(old_addr);
  }
  uint64_t target = 0;
  {
    std::lock_guard<std::mutex> lock(vma_mutex_);
    auto it = vma_.upper_bound(old_addr);
    if (it == vma_.begin()) return -EFAULT;
    Vma v = std::prev(it)->second;
    if (old_addr >= v.end || old_len > v.end - old_addr) return -EFAULT;
    bool anonymous = v.host_fd < 0;
    if (old_len == 0 && (!v.shared || !may_move)) return -EINVAL;
    if (dontunmap && !anonymous) return -EINVAL;
    if (!room_for_vmas(3)) return -ENOMEM;
    struct Account {  // every way out of here counts the VMAs again
      AddressSpace* as;
      ~Account() { as->account_vmas(); }
    } account{this};
    if (!fixed && !dontunmap && old_len && new_len == old_len) {  // nothing to do
      target = old_addr;
    } else {
      uint64_t grow_end = old_addr + new_len;
      bool in_place = !fixed && !dontunmap && old_len && new_len > old_len && grow_end <= limit_ &&
                      grow_end > old_addr && range_free(old_addr + old_len, grow_end);
      if (in_place) {
        // Into the free guest range that follows: the host mapping grows
        // over a hole made in the reservation.
        munmap(base_ + old_addr + old_len, new_len - old_len);
        if (mremap(base_ + old_addr, old_len, new_len, 0) == base_ + old_addr) {
          target = old_addr;
        } else if (!reserve_hole(old_addr + old_len, new_len - old_len)) {
          return -EFAULT;
        } else {
          in_place = false;
        }
      }
      if (!in_place) {
        if (!may_move) return -ENOMEM;
        target = fixed ? new_addr : find_free(new_len, 0);
        if (!target) return -ENOMEM;
        int hflags = MREMAP_MAYMOVE | MREMAP_FIXED | (dontunmap ? MREMAP_DONTUNMAP : 0);
        void* r = mremap(base_ + old_addr, old_len, new_len, hflags, base_ + target);
        if (r == MAP_FAILED) return -errno;
        carve(target, target + new_len);
        forget_code_wp(target, target + new_len);
        if (old_len && !dontunmap) {  // the old range is a hole in the reservation now
          carve(old_addr, old_addr + old_len);
          forget_code_wp(old_addr, old_addr + old_len);
          if (!reserve_hole(old_addr, old_len)) return -EFAULT;
        }
      }
      // Pages moved with their host protection: code pages made read-only by
      // protect_code() are writable again (their translations go below).
      forget_code_wp(target, target + new_len);
      mprotect(base_ + target, new_len, host_prot(v.prot));
      carve(target, target + new_len);
      Vma n = v;
      n.offset = v.offset + (old_addr - v.start);
      n.start = target;
      n.end = target + new_len;
      vma_.emplace(target, n);
    }
  }
  if (old_len) changed(old_addr, old_addr + old_len);
  if (target != old_addr || new_len > old_len) changed(target, target + new_len);
  return static_cast<int64_t>(target);
}

int AddressSpace::protect(uint64_t addr, uint64_t len, int prot) {
  if (addr & (kPageSize - 1)) return -EINVAL;
  uint64_t plen = page_up(len);
  if (addr + plen > limit_ || addr + plen < addr) return -ENOMEM;
  if (plen == 0) return 0;
  uint64_t sealed;
  {
    std::lock_guard<std::mutex> lock(vma_mutex_);
    sealed = first_sealed_locked(addr, addr + plen);
  }
  if (sealed < addr + plen) {
    // Linux changes the VMAs before the first sealed one, then stops there.
    int r = sealed > addr ? protect(addr, sealed - addr, prot) : 0;
    return r < 0 ? r : -EPERM;
  }
  {
    std::lock_guard<std::mutex> lock(vma_mutex_);
    // Linux: ENOMEM if any page of the range is unmapped.
    uint64_t cur = addr;
    auto it = vma_.upper_bound(addr);
    if (it != vma_.begin()) --it;
    for (; it != vma_.end() && cur < addr + plen; ++it) {
      if (it->second.end <= cur) continue;
      if (it->second.start > cur) return -ENOMEM;
      cur = it->second.end;
    }
    if (cur < addr + plen) return -ENOMEM;
    if (!room_for_vmas(2)) return -ENOMEM;  // the split would pass vm.max_map_count
    if (mprotect(base_ + addr, plen, host_prot(prot)) != 0) return -errno;
    forget_code_wp(addr, addr + plen);
    update_locked(addr, addr + plen, [prot](Vma& v) { v.prot = prot; });
  }
  changed(addr, addr + plen);
  return 0;
}

void AddressSpace::update_locked(uint64_t start, uint64_t end, const std::function<void(Vma&)>& fn) {
  // Split at the edges, then update every piece inside.
  std::vector<Vma> inside;
  auto first = vma_.upper_bound(start);
  if (first != vma_.begin()) --first;
  for (auto i = first; i != vma_.end() && i->second.start < end; ++i)
    if (i->second.end > start) inside.push_back(i->second);
  carve(start, end);
  for (Vma v : inside) {
    uint64_t s = std::max(v.start, start), e = std::min(v.end, end);
    v.offset += s - v.start;
    v.start = s;
    v.end = e;
    fn(v);
    vma_.emplace(s, v);
  }
  account_vmas();
}

int AddressSpace::seal(uint64_t addr, uint64_t len) {
  if (addr & (kPageSize - 1)) return -EINVAL;
  uint64_t plen = page_up(len);
  if (plen == 0) return 0;
  if (addr >= limit_ || plen > limit_ - addr) return -ENOMEM;
  std::lock_guard<std::mutex> lock(vma_mutex_);
  if (!mapped_with_locked(addr, plen, 0, nullptr)) return -ENOMEM;
  if (!room_for_vmas(2)) return -ENOMEM;  // the split would pass vm.max_map_count
  update_locked(addr, addr + plen, [](Vma& v) { v.sealed = true; });
  return 0;
}

int AddressSpace::set_fork_advice(uint64_t addr, uint64_t len, bool wipe, bool on) {
  std::lock_guard<std::mutex> lock(vma_mutex_);
  if (!mapped_with_locked(addr, len, 0, nullptr)) return -ENOMEM;
  if (wipe && on) {
    for (const auto& [start, v] : vma_)
      if (v.start < addr + len && v.end > addr && (v.shared || v.host_fd >= 0 || v.inode != 0)) return -EINVAL;
  }
  if (!room_for_vmas(2)) return -ENOMEM;  // the split would pass vm.max_map_count
  update_locked(addr, addr + len, [wipe, on](Vma& v) { (wipe ? v.wipe_on_fork : v.dont_fork) = on; });
  return 0;
}

bool AddressSpace::check(uint64_t addr, uint64_t len, int prot) const {
  if (len == 0) return true;
  if (addr >= limit_ || len > limit_ - addr) return false;
  // Someone (a syscall handler, the host kernel for it) is about to write:
  // pages holding translated code must be writable first.
  if (prot & PROT_WRITE) unprotect_code(addr, len);
  std::lock_guard<std::mutex> lock(vma_mutex_);
  return mapped_with_locked(addr, len, prot, nullptr);
}

bool AddressSpace::mapped_with_locked(uint64_t addr, uint64_t len, int prot, int* common) const {
  int all = PROT_READ | PROT_WRITE | PROT_EXEC;
  uint64_t cur = addr, end = addr + len;
  auto it = vma_.upper_bound(addr);
  if (it != vma_.begin()) --it;
  for (; it != vma_.end() && cur < end; ++it) {
    const Vma& v = it->second;
    if (v.end <= cur) continue;
    if (v.start > cur) return false;
    if ((v.prot & prot) != prot) return false;
    all &= v.prot;
    cur = v.end;
  }
  if (common) *common = all;
  return cur >= end;
}

// Copies between hartd and guest memory survive the guest changing its
// mappings meanwhile (another thread's munmap) and file pages that cannot be
// read (SIGBUS past the end of a file): the access fails as an EFAULT would.
namespace {
thread_local AddressSpace::WriteCapture* tls_write_capture = nullptr;  // set_write_capture
}  // namespace

bool AddressSpace::read(uint64_t addr, void* dst, uint64_t len) const {
  if (!check(addr, len, PROT_READ)) return false;
  return guarded_copy(dst, base_ + addr, len, base_, end_of_reservation());
}

bool AddressSpace::write(uint64_t addr, const void* src, uint64_t len) {
  if (!check(addr, len, PROT_WRITE)) return false;
  return guarded_copy(base_ + addr, src, len, base_, end_of_reservation());
}

bool AddressSpace::guarded(void (*fn)(void*), void* arg) const {
  return guarded_call(fn, arg, base_, end_of_reservation());
}

bool AddressSpace::peek(uint64_t addr, void* dst, uint64_t len) const {
  return check(addr, len, 0) && copy_mapped(addr, dst, len);
}

bool AddressSpace::copy_mapped(uint64_t addr, void* dst, uint64_t len) const {
  if (check(addr, len, PROT_READ))
    return guarded_copy(dst, base_ + addr, len, base_, end_of_reservation());
  // Not readable on the host (execute-only or PROT_NONE for the guest).
  int fd = self_mem_fd();
  if (fd < 0) return false;
  auto off = static_cast<off_t>(reinterpret_cast<uintptr_t>(base_ + addr));
  uint64_t done = 0;
  while (done < len) {
    ssize_t n = pread(fd, static_cast<uint8_t*>(dst) + done, len - done, off + done);
    if (n <= 0) return false;
    done += n;
  }
  return true;
}

bool AddressSpace::fetch(uint64_t addr, void* dst, uint64_t len) const {
  if (len == 0 || addr >= limit_ || len > limit_ - addr) return check(addr, len, PROT_EXEC) && copy_mapped(addr, dst, len);
  // One look at the VMAs for both questions (executable? readable on the
  // host?): the translator fetches for every block it makes.
  int common = 0;
  {
    std::lock_guard<std::mutex> lock(vma_mutex_);
    if (!mapped_with_locked(addr, len, PROT_EXEC, &common)) return false;
  }
  if (common & PROT_READ) return guarded_copy(dst, base_ + addr, len, base_, end_of_reservation());
  return copy_mapped(addr, dst, len);  // (execute-only: read through /proc/self/mem)
}

bool AddressSpace::fetch_equals(uint64_t addr, const void* expect, uint64_t len) const {
  if (len == 0) return true;
  if (addr >= limit_ || len > limit_ - addr) return false;
  int common = 0;
  {
    std::lock_guard<std::mutex> lock(vma_mutex_);
    if (!mapped_with_locked(addr, len, PROT_EXEC, &common)) return false;
  }
  const bool readable = (common & PROT_READ) != 0;
  uint8_t buf[512];
  for (uint64_t done = 0; done < len;) {
    uint64_t n = std::min<uint64_t>(len - done, sizeof buf);
    bool ok = readable ? guarded_copy(buf, base_ + addr + done, n, base_, end_of_reservation())
                       : copy_mapped(addr + done, buf, n);
    if (!ok || memcmp(buf, static_cast<const uint8_t*>(expect) + done, n) != 0) return false;
    done += n;
  }
  return true;
}

bool AddressSpace::poke(uint64_t addr, const void* src, uint64_t len) {
  if (!check(addr, len, 0)) return false;
  if (tls_write_capture && len) tls_write_capture->emplace_back(addr, len);
  // Temporarily open the host pages for writing when the guest mapped them read-only.
  uint64_t s = page_down(addr), e = page_up(addr + len);
  std::vector<Vma> touched;
  {
    std::lock_guard<std::mutex> lock(vma_mutex_);
    auto it = vma_.upper_bound(s);
    if (it != vma_.begin()) --it;
    for (; it != vma_.end() && it->second.start < e; ++it)
      if (it->second.end > s) touched.push_back(it->second);
    for (const Vma& v : touched)
      if (!(v.prot & PROT_WRITE)) {
        uint64_t a = std::max(v.start, s), b = std::min(v.end, e);
        mprotect(base_ + a, b - a, PROT_READ | PROT_WRITE);
      }
    memcpy(base_ + addr, src, len);
    for (const Vma& v : touched)
      if (!(v.prot & PROT_WRITE)) {
        uint64_t a = std::max(v.start, s), b = std::min(v.end, e);
        mprotect(base_ + a, b - a, host_prot(v.prot));
      }
    forget_code_wp(s, e);
  }
  // Code may have been rewritten (breakpoints, the loader): drop translations.
  changed(s, e);
  return true;
}

void AddressSpace::forget_code_wp(uint64_t start, uint64_t end) const {
  code_epoch_.fetch_add(1, std::memory_order_acq_rel);
  for (std::set<uint64_t>* set : {&code_wp_, &code_unwatched_}) {
    auto it = set->lower_bound(start / kPageSize);
    while (it != set->end() && *it < page_up(end) / kPageSize) it = set->erase(it);
  }
}

std::vector<uint64_t> AddressSpace::unwatched_code_pages() const {
  std::lock_guard<std::mutex> lock(vma_mutex_);
  std::vector<uint64_t> out;
  for (uint64_t p : code_unwatched_) out.push_back(p * kPageSize);
  return out;
}

bool AddressSpace::protect_code(uint64_t lo, uint64_t end) {
  std::lock_guard<std::mutex> lock(vma_mutex_);
  bool watched = true;
  for (uint64_t page = page_down(lo); page < end; page += kPageSize) {
    if (code_wp_.count(page / kPageSize)) continue;
    auto it = vma_.upper_bound(page);
    if (it == vma_.begin() || page >= std::prev(it)->second.end) {
      watched = false;
      continue;
    }
    const Vma& v = std::prev(it)->second;
    if (v.shared) {
      code_unwatched_.insert(page / kPageSize);  // another view may write it
      watched = false;
    } else if (v.prot & PROT_WRITE) {
      code_epoch_.fetch_add(1, std::memory_order_acq_rel);
      if (mprotect(base_ + page, kPageSize, PROT_READ) == 0)
        code_wp_.insert(page / kPageSize);
      else
        code_unwatched_.insert(page / kPageSize);
      watched = false;
    }  // private and read-only: it changes only through mmap/mprotect
  }
  return watched;
}

void AddressSpace::set_write_capture(WriteCapture* capture) { tls_write_capture = capture; }

bool AddressSpace::unprotect_code(uint64_t addr, uint64_t len) const {
  if (tls_write_capture && len) tls_write_capture->emplace_back(addr, len);
  uint64_t lo = page_down(addr), hi = page_up(addr + len);
  std::vector<uint64_t> pages;
  {
    std::lock_guard<std::mutex> lock(vma_mutex_);
    auto it = code_wp_.lower_bound(lo / kPageSize);
    while (it != code_wp_.end() && *it < hi / kPageSize) {
      uint64_t page = *it * kPageSize;
      auto v = vma_.upper_bound(page);
      int prot = PROT_READ | PROT_WRITE;
      if (v != vma_.begin() && page < std::prev(v)->second.end) prot = host_prot(std::prev(v)->second.prot);
      mprotect(base_ + page, kPageSize, prot);
      pages.push_back(page);
      it = code_wp_.erase(it);
    }
  }
  for (uint64_t page : pages) changed(page, page + kPageSize);
  return !pages.empty();
}

bool AddressSpace::read_string(uint64_t addr, std::string* out, uint64_t max) const {
  out->clear();
  while (out->size() < max) {
    uint64_t chunk = kPageSize - (addr & (kPageSize - 1));
    char page[kPageSize];
    if (!read(addr, page, chunk)) return false;  // guarded: the page may go meanwhile
    const void* nul = memchr(page, 0, chunk);
    if (nul) {
      out->append(page, static_cast<const char*>(nul) - page);
      return out->size() <= max;
    }
    out->append(page, chunk);
    addr += chunk;
  }
  return false;
}

std::vector<Vma> AddressSpace::vmas() const {
  std::lock_guard<std::mutex> lock(vma_mutex_);
  std::vector<Vma> out;
  out.reserve(vma_.size());
  for (auto& [k, v] : vma_) out.push_back(v);
  return out;
}

std::vector<Vma> AddressSpace::vmas_merged() const {
  std::vector<Vma> out;
  for (Vma& v : vmas()) {
    if (!out.empty()) {
      Vma& b = out.back();
      bool same_backing = b.host_fd < 0 ? v.host_fd < 0
                                        : v.host_fd == b.host_fd && v.offset == b.offset + (b.end - b.start);
      if (b.end == v.start && b.prot == v.prot && b.shared == v.shared && b.name == v.name &&
          b.sealed == v.sealed && b.wipe_on_fork == v.wipe_on_fork && b.dont_fork == v.dont_fork &&
          b.dev == v.dev && b.inode == v.inode && same_backing) {
        b.end = v.end;
        continue;
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

namespace {

// Copies [src, src+len) of this host process into dst through /proc/self/mem,
// which ignores page protections and turns pages that cannot be read (a file
// mapping past its end) into an error instead of SIGBUS. Unreadable pages
// stay zero in dst.
void copy_via_proc_mem(int mem_fd, const uint8_t* src, uint8_t* dst, uint64_t len) {
  uint64_t done = 0;
  while (done < len) {
    ssize_t n = pread(mem_fd, dst + done, len - done,
                      static_cast<off_t>(reinterpret_cast<uintptr_t>(src + done)));
    if (n > 0) {
      done += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    done = page_down(done) + kPageSize;  // skip the page that failed
  }
}

// The bytes of private mapping v from `from` to `to` (a fresh anonymous
// RW mapping of the same length): file-backed ones whole, anonymous ones
// only where the host has pages (present or swapped; the rest read as
// zeros anyway).
// The pages of v (from `from` to `to`) whose pagemap entry `keep` accepts,
// in runs: by memcpy where `direct`, else through /proc/self/mem. A batch
// of entries pagemap cannot give is copied whole through /proc/self/mem.
void copy_page_runs(int mem_fd, int map_fd, const Vma& v, const uint8_t* from, uint8_t* to,
                    bool (*keep)(uint64_t entry), bool direct) {
  const uint64_t len = v.end - v.start;
  constexpr uint64_t kBatch = 512;
  uint64_t entries[kBatch];
  for (uint64_t off = 0; off < len; off += kBatch * kPageSize) {
    const uint64_t n = std::min<uint64_t>(kBatch, (len - off) / kPageSize);
    const off_t at = static_cast<off_t>(reinterpret_cast<uintptr_t>(from + off) / kPageSize * 8);
    if (pread(map_fd, entries, n * 8, at) != static_cast<ssize_t>(n * 8)) {
      copy_via_proc_mem(mem_fd, from + off, to + off, n * kPageSize);
      continue;
    }
    for (uint64_t i = 0; i < n;) {
      if (!keep(entries[i])) {
        ++i;
        continue;
      }
      uint64_t j = i + 1;
      while (j < n && keep(entries[j])) ++j;
      const uint64_t a = off + i * kPageSize, b = off + j * kPageSize;
      if (direct) {
        // The run's pages allocated in one call rather than by a fault
        // per page (the copy writes every byte of them anyway; a host
        // older than Linux 5.14 refuses, and the copy faults them in).
        madvise(to + a, b - a, MADV_POPULATE_WRITE);
        memcpy(to + a, from + a, b - a);
      } else {
        copy_via_proc_mem(mem_fd, from + a, to + a, b - a);
      }
      i = j;
    }
  }
}

void copy_private_pages(int mem_fd, int map_fd, const Vma& v, const uint8_t* from, uint8_t* to) {
  if (v.host_fd >= 0 || map_fd < 0) {
    copy_via_proc_mem(mem_fd, from, to, v.end - v.start);
    return;
  }
  // Anonymous: only pages the host has (present, bit 63, or swapped, 62) hold data.
  copy_page_runs(mem_fd, map_fd, v, from, to, [](uint64_t e) { return (e >> 62) != 0; },
                 (v.prot & PROT_READ) != 0);
}

// The pages of private file mapping v that were written (anonymous copies
// on the host: present and no file page, or swapped) from `from` to `to`
// (the same file mapped afresh); through /proc/self/mem, as a page of the
// file may lie past its end.
void copy_written_pages(int mem_fd, int map_fd, const Vma& v, const uint8_t* from, uint8_t* to) {
  copy_page_runs(mem_fd, map_fd, v, from, to,
                 [](uint64_t e) { return (e >> 62 & 1) || ((e >> 63 & 1) && !(e >> 61 & 1)); }, false);
}

}  // namespace

std::unique_ptr<AddressSpace> AddressSpace::fork_copy(std::string* error, const FileOpener& open_file) const {
  std::unique_ptr<AddressSpace> child = create(limit_, error);
  if (!child) return nullptr;
  int mem_fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  int map_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  struct OpenedFile {
    uint64_t dev, inode;
    int fd;
  };
  std::vector<OpenedFile> opened;  // (what open_file gave per file, closed at the end)
  struct CloseOpened {
    std::vector<OpenedFile>& files;
    ~CloseOpened() {
      for (const OpenedFile& o : files)
        if (o.fd >= 0) ::close(o.fd);
    }
  } close_opened{opened};
  auto fail = [&](const char* what) -> std::unique_ptr<AddressSpace> {
    if (error) *error = std::string("fork: ") + what + ": " + strerror(errno);
    if (mem_fd >= 0) ::close(mem_fd);
    if (map_fd >= 0) ::close(map_fd);
    return nullptr;
  };
  if (mem_fd < 0) return fail("/proc/self/mem");
  std::lock_guard<std::mutex> lock(vma_mutex_);
  if (g_vmas.load(std::memory_order_relaxed) + static_cast<int64_t>(vma_.size()) > global_vma_cap()) {
    errno = ENOMEM;
    return fail("the guests' share of host mappings (vm.max_map_count) is used up");
  }
  for (const auto& [start, v] : vma_) {
    uint64_t len = v.end - v.start;
    uint8_t* from = base_ + v.start;
    uint8_t* to = child->base_ + v.start;
    if (v.dont_fork) continue;  // (MADV_DONTFORK: the child's reservation stays a hole there)
    if (v.wipe_on_fork) {  // MADV_WIPEONFORK: fresh zero pages, private anonymous
      if (mmap(to, len, host_prot(v.prot), MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) ==
          MAP_FAILED)
        return fail("mmap");
      child->vma_.emplace(start, v);
      continue;
    }
    if (v.shared) {
      // A second view of the same shared pages.
      if (mremap(from, 0, len, MREMAP_MAYMOVE | MREMAP_FIXED, to) == MAP_FAILED)
        return fail("mremap of a shared mapping");
      if (mprotect(to, len, host_prot(v.prot)) != 0) return fail("mprotect");
    } else {
      // The file again, where it is still the one mapped (open_file checks;
      // once per file: a library's VMAs share the fd).
      int fd = -1;
      if (open_file && v.host_fd >= 0 && v.inode != 0 && map_fd >= 0) {
        auto o = std::find_if(opened.begin(), opened.end(),
                              [&](const OpenedFile& f) { return f.dev == v.dev && f.inode == v.inode; });
        if (o != opened.end()) {
          fd = o->fd;  // (-1: it could not be opened)
        } else {
          fd = open_file(v);
          opened.push_back({v.dev, v.inode, fd});
        }
      }
      if (fd >= 0 && mmap(to, len, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE | MAP_NORESERVE, fd,
                          static_cast<off_t>(v.offset)) != MAP_FAILED) {
        copy_written_pages(mem_fd, map_fd, v, from, to);
      } else {
        if (mmap(to, len, PROT_READ | PROT_WRITE,
                 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) == MAP_FAILED)
          return fail("mmap");
        copy_private_pages(mem_fd, map_fd, v, from, to);
      }
      if (mprotect(to, len, host_prot(v.prot)) != 0) return fail("mprotect");
    }
    child->vma_.emplace(start, v);
  }
  child->account_vmas();
  ::close(mem_fd);
  if (map_fd >= 0) ::close(map_fd);
  return child;
}

int AddressSpace::restore_from(const AddressSpace& snap) {
  if (snap.limit_ != limit_) return -EINVAL;
  int mem_fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  if (mem_fd < 0) return -errno;
  int map_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  int err = 0;
  {
    std::scoped_lock lock(vma_mutex_, snap.vma_mutex_);
    // Everything back to the reservation's PROT_NONE hole, then snap's mappings.
    mmap(base_, limit_, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    vma_.clear();
    code_wp_.clear();
    code_unwatched_.clear();
    for (const auto& [start, v] : snap.vma_) {
      uint64_t len = v.end - v.start;
      uint8_t* from = snap.base_ + v.start;
      uint8_t* to = base_ + v.start;
      if (v.shared) {
        if (mremap(from, 0, len, MREMAP_MAYMOVE | MREMAP_FIXED, to) == MAP_FAILED) err = -errno;
      } else if (mmap(to, len, PROT_READ | PROT_WRITE,
                      MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) == MAP_FAILED) {
        err = -errno;
      } else {
        copy_private_pages(mem_fd, map_fd, v, from, to);
      }
      if (err) break;
      mprotect(to, len, host_prot(v.prot));
      vma_.emplace(start, v);
    }
    account_vmas();
  }
  ::close(mem_fd);
  if (map_fd >= 0) ::close(map_fd);
  changed(0, limit_);
  return err;
}

void AddressSpace::set_name(uint64_t addr, const std::string& name) {
  std::lock_guard<std::mutex> lock(vma_mutex_);
  auto it = vma_.find(addr);
  if (it != vma_.end()) it->second.name = name;
}

void AddressSpace::set_file(uint64_t lo, uint64_t hi, const std::string& name, uint64_t dev,
                            uint64_t inode) {
  std::lock_guard<std::mutex> lock(vma_mutex_);
  for (auto it = vma_.lower_bound(lo); it != vma_.end() && it->second.end <= hi; ++it) {
    it->second.name = name;
    it->second.dev = dev;
    it->second.inode = inode;
  }
}

}  // namespace hart
