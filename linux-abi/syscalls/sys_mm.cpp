// linux-abi/syscalls/sys_mm.cpp — memory syscalls: brk, mmap, munmap, mprotect,
// mremap, madvise, msync, mlock, mseal. mmap flag and prot values are asm-generic on
// both riscv64 and x86-64.
// Owns: guest mmap flag parsing and brk policy (heap grows in whole pages
// right after the program image, named "[heap]"), RLIMIT_AS (hartd's
// per-launch memory limit: a mapping that would pass it gets ENOMEM). Does not own: the VMA list
// or host mappings (core/address_space) or TB invalidation, which follows from
// the address space's change listener.
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <vector>

#include "linux-abi/syscalls/sys_util.h"
#include "linux-abi/vfs/root_fs.h"

namespace hart::linux {

namespace {
// True if `grow` more mapped bytes would pass the guest's RLIMIT_AS. Only
// with a finite limit does it walk the VMA list. p.mutex() held.
bool over_as_limit_locked(Process& p, uint64_t grow) {
  uint64_t lim = p.rlimits[RLIMIT_AS].rlim_cur;
  if (lim == RLIM_INFINITY) return false;
  uint64_t used = 0;
  for (const Vma& v : p.as().vmas()) used += v.end - v.start;
  return used + grow > lim || used + grow < used;
}
bool over_as_limit(Process& p, uint64_t grow) {
  std::lock_guard<std::mutex> lock(p.mutex());
  return over_as_limit_locked(p, grow);
}
// Advice that discards pages or their fork behaviour (Linux's is_discard):
// MADV_DONTNEED, MADV_FREE, MADV_REMOVE, MADV_DONTFORK, MADV_WIPEONFORK,
// MADV_DONTNEED_LOCKED, MADV_GUARD_INSTALL.
bool madv_discards(int advice) {
  return advice == 4 || advice == 8 || advice == 9 || advice == 10 || advice == 18 ||
         advice == 24 || advice == 102;
}
}  // namespace

int64_t sys_brk(SyscallCtx& ctx) {
  Process& p = ctx.proc;
  std::lock_guard<std::mutex> lock(p.mutex());
  uint64_t want = ctx.a[0];
  if (want < p.brk_start || want >= p.as().limit()) return static_cast<int64_t>(p.brk_cur);
  uint64_t need = page_up(want);
  if (need > p.brk_mapped) {
    if (over_as_limit_locked(p, need - p.brk_mapped)) return static_cast<int64_t>(p.brk_cur);
    int64_t r = p.as().map(p.brk_mapped, need - p.brk_mapped, PROT_READ | PROT_WRITE,
                           kMapFixedNoReplace, -1, 0, "[heap]");
    if (r < 0) return static_cast<int64_t>(p.brk_cur);  // Linux: brk fails by returning the old break
    p.brk_mapped = need;
  } else if (need < p.brk_mapped) {
    // A sealed heap cannot shrink (mseal): brk fails, keeping the old break.
    if (p.as().unmap(need, p.brk_mapped - need) < 0) return static_cast<int64_t>(p.brk_cur);
    p.brk_mapped = need;
  }
  p.brk_cur = want;
  return static_cast<int64_t>(want);
}

int64_t sys_mmap(SyscallCtx& ctx) {
  uint64_t addr = ctx.a[0], len = ctx.a[1];
  int prot = static_cast<int>(ctx.a[2]);
  int flags = static_cast<int>(ctx.a[3]);
  int gfd = static_cast<int>(ctx.a[4]);
  uint64_t off = ctx.a[5];
  constexpr int kKnownFlags = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS |
                              MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED |
                              MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK |
                              MAP_HUGETLB | MAP_SYNC | MAP_FIXED_NOREPLACE;
  int type = flags & MAP_SHARED_VALIDATE;
  if (type == 0) return -EINVAL;
  if (type == MAP_SHARED_VALIDATE) {
    if (flags & MAP_ANONYMOUS) return -EINVAL;  // do_mmap validates flags for files only
    if (flags & ~kKnownFlags) return -EOPNOTSUPP;
  }
  if (len == 0) return -EINVAL;
  if (page_up(len) < len || page_up(len) > ctx.proc.as().limit()) return -ENOMEM;
  if (off & (kPageSize - 1)) return -EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) return -EINVAL;
  if (flags & MAP_HUGETLB) return -EINVAL;  // no hugetlbfs for guests

  unsigned aflags = 0;
  if (flags & MAP_FIXED) aflags |= kMapFixed;
  else if (flags & MAP_FIXED_NOREPLACE) aflags |= kMapFixedNoReplace;
  if (type != MAP_PRIVATE) aflags |= kMapShared;
  if (flags & MAP_NORESERVE) aflags |= kMapNoReserve;
  if ((aflags & (kMapFixed | kMapFixedNoReplace)) && (addr & (kPageSize - 1))) return -EINVAL;

  std::shared_ptr<HostFd> keep;
  int hfd = -1;
  std::string name;
  if (!(flags & MAP_ANONYMOUS)) {
    keep = ctx.proc.fds().get(gfd);
    if (!keep) return -EBADF;
    hfd = keep->fd();
    int acc = fcntl(hfd, F_GETFL);
    if (acc < 0) return -errno;
    if ((acc & O_ACCMODE) == O_WRONLY) return -EACCES;
    if (type != MAP_PRIVATE && (prot & PROT_WRITE) && (acc & O_ACCMODE) != O_RDWR) return -EACCES;
    name = guest_path_of_fd(ctx.proc, hfd);  // as the guest sees it: no host path
  } else if (type == MAP_PRIVATE) {
    off = 0;
  }
  if (flags & MAP_GROWSDOWN) {
    if (type != MAP_PRIVATE) return -EINVAL;  // shared or file-backed stacks: Linux refuses
    aflags |= kMapGrowsDown;
  }
  if (flags & MAP_LOCKED) {
    // can_do_mlock (EPERM) and mlock_future_ok (EAGAIN) over the MAP_LOCKED
    // mappings; the host pages are populated, as Linux faults them in.
    constexpr int kCapIpcLock = 14;
    bool cap = Process::thread_of(ctx.vcpu).cred.capable(kCapIpcLock);
    uint64_t lim = ctx.proc.rlimits[RLIMIT_MEMLOCK].rlim_cur;
    if (!cap && lim == 0) return -EPERM;
    uint64_t locked = 0;
    for (const Vma& v : ctx.proc.as().vmas())
      if (v.locked) locked += v.end - v.start;
    if (!cap && lim != RLIM_INFINITY && locked + page_up(len) > lim) return -EAGAIN;
    aflags |= kMapLocked;
  }
  if (!(aflags & (kMapFixed | kMapFixedNoReplace)) && addr && addr < kPageSize * 16) addr = 0;
  if (over_as_limit(ctx.proc, page_up(len))) return -ENOMEM;
  // Memory-deny-write-execute (prctl PR_SET_MDWE): no new writable and
  // executable mapping.
  if ((ctx.proc.mdwe.load() & kPrMdweRefuseExecGain) && (prot & PROT_EXEC) && (prot & PROT_WRITE))
    return -EACCES;
  int64_t r = ctx.proc.as().map(addr, len, prot, aflags, hfd, off, name);
  return r;
}

int64_t sys_munmap(SyscallCtx& ctx) {
  uint64_t addr = ctx.a[0], len = ctx.a[1];
  if ((addr & (kPageSize - 1)) || len == 0) return -EINVAL;
  if (addr >= ctx.proc.as().limit() || page_up(len) > ctx.proc.as().limit() - addr) return -EINVAL;
  return ctx.proc.as().unmap(addr, len);
}

int64_t sys_mprotect(SyscallCtx& ctx) {
  uint64_t addr = ctx.a[0], len = ctx.a[1];
  int prot = static_cast<int>(ctx.a[2]);
  int grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
  prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
  if (grows == (PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) return -EINVAL;
  if (addr & (kPageSize - 1)) return -EINVAL;
  if (len == 0) return 0;
  if (page_up(len) < len) return -ENOMEM;
  if (grows) {
    // Linux's do_mprotect_pkey: the first mapping ending above addr;
    // PROT_GROWSDOWN extends the range down to its start and needs a
    // MAP_GROWSDOWN mapping; riscv64 has no upward-growing mappings.
    uint64_t end = addr + page_up(len);
    std::vector<Vma> vmas = ctx.proc.as().vmas();
    auto v = std::find_if(vmas.begin(), vmas.end(), [&](const Vma& m) { return m.end > addr; });
    if (v == vmas.end()) return -ENOMEM;
    if (grows & PROT_GROWSUP) return v->start > addr ? -ENOMEM : -EINVAL;
    if (v->start >= end) return -ENOMEM;
    if (!v->grows_down) return -EINVAL;
    len = end - v->start;
    addr = v->start;
  }
  // Memory-deny-write-execute: no mapping in the range may become writable
  // and executable, or executable when it was not (Linux checks mapping by
  // mapping and stops at the first refused one; here none changes then).
  // An unmapped start is ENOMEM first, as Linux finds no mapping there.
  if ((ctx.proc.mdwe.load() & kPrMdweRefuseExecGain) && (prot & PROT_EXEC) &&
      ctx.proc.as().check(addr, kPageSize, 0)) {
    if (prot & PROT_WRITE) return -EACCES;
    for (const Vma& v : ctx.proc.as().vmas())
      if (v.start < addr + page_up(len) && v.end > addr && !(v.prot & PROT_EXEC)) return -EACCES;
  }
  return ctx.proc.as().protect(addr, len, prot);
}

int64_t sys_madvise(SyscallCtx& ctx) {
  uint64_t addr = ctx.a[0], len = ctx.a[1];
  int advice = static_cast<int>(ctx.a[2]);
  if (addr & (kPageSize - 1)) return -EINVAL;
  // madvise_behavior_valid(): the advice values Linux knows.
  if (!((advice >= 0 && advice <= 4) || (advice >= 8 && advice <= 25) || advice == 100 ||
        advice == 101))
    return -EINVAL;
  if (len == 0) return 0;
  uint64_t plen = page_up(len);
  if (plen < len) return -EINVAL;
  if (!ctx.proc.as().check(addr, plen, 0)) return -ENOMEM;
  // mseal: advice that discards pages is refused on a sealed private
  // anonymous mapping the caller cannot write (it would zero read-only
  // data); Linux goes mapping by mapping, so those before it are advised.
  uint64_t end = addr + plen;
  if (madv_discards(advice))
    for (const Vma& v : ctx.proc.as().vmas())
      if (v.start < end && v.end > addr && v.sealed && !(v.prot & PROT_WRITE) && !v.shared &&
          v.host_fd < 0 && v.inode == 0) {
        end = std::max(v.start, addr);
        break;
      }
  // Fork behaviour: DONTFORK 10, DOFORK 11, WIPEONFORK 18, KEEPONFORK 19.
  if (end > addr && (advice == 10 || advice == 11 || advice == 18 || advice == 19)) {
    const bool wipe = advice == 18 || advice == 19, on = advice == 10 || advice == 18;
    if (int e = ctx.proc.as().set_fork_advice(addr, end - addr, wipe, on)) return e;
  }
  // MADV_FREE is for private anonymous memory only; MADV_REMOVE frees the
  // backing of shared memory or a shared file mapping (a hole punched in
  // the file): EINVAL on private anonymous memory, EACCES on a private file
  // mapping (Linux's madvise_free_single_vma, madvise_remove).
  if (end > addr && (advice == MADV_FREE || advice == MADV_REMOVE)) {
    for (const Vma& v : ctx.proc.as().vmas()) {
      if (v.start >= end || v.end <= addr) continue;
      const bool file = v.host_fd >= 0 || v.inode != 0;
      if (advice == MADV_FREE && (v.shared || file)) return -EINVAL;
      if (advice == MADV_REMOVE && !v.shared) return file ? -EACCES : -EINVAL;
    }
    if (advice == MADV_REMOVE) {
      return madvise(ctx.proc.as().base() + addr, end - addr, MADV_REMOVE) != 0 ? -errno
             : end < addr + plen                                                ? -EPERM
                                                                                : 0;
    }
  }
  if (end > addr && (advice == MADV_DONTNEED || advice == MADV_FREE)) {
    // Private anonymous pages read back as zeros afterwards; guests rely on it.
    if (madvise(ctx.proc.as().base() + addr, end - addr, MADV_DONTNEED) != 0) return -errno;
  }
  return end < addr + plen ? -EPERM : 0;
}

// mseal (Linux 6.10+): flags must be 0; start page aligned; len rounded up
// to pages (EINVAL if that wraps); every page of the range mapped (ENOMEM).
// The seals themselves are AddressSpace's (core/address_space.h).
int64_t sys_mseal(SyscallCtx& ctx) {
  uint64_t start = pointer_mask(ctx.a[0], ctx.proc.tagged_pmlen.load(std::memory_order_relaxed));
  uint64_t len = page_up(ctx.a[1]);
  if (ctx.a[2]) return -EINVAL;
  if (start & (kPageSize - 1)) return -EINVAL;
  if (ctx.a[1] && !len) return -EINVAL;
  if (start + len < start) return -EINVAL;
  if (len == 0) return 0;
  return ctx.proc.as().seal(start, len);
}

// mremap: AddressSpace::remap moves the host pages themselves (anonymous,
// shared and file mappings; MREMAP_FIXED and MREMAP_DONTUNMAP too).
int64_t sys_mremap(SyscallCtx& ctx) {
  uint64_t old_addr = ctx.a[0], old_len = page_up(ctx.a[1]), new_len = page_up(ctx.a[2]);
  uint64_t flags = ctx.a[3];
  constexpr uint64_t kMayMove = 1, kFixed = 2, kDontUnmap = 4;
  if (flags & ~(kMayMove | kFixed | kDontUnmap)) return -EINVAL;
  if (old_addr & (kPageSize - 1)) return -EINVAL;
  AddressSpace& as = ctx.proc.as();
  if (new_len == 0 || new_len > as.limit() || page_up(ctx.a[2]) < ctx.a[2]) return -EINVAL;
  if (new_len > old_len && over_as_limit(ctx.proc, new_len - old_len)) return -ENOMEM;
  unsigned f = 0;
  if (flags & kMayMove) f |= kRemapMayMove;
  if (flags & kFixed) f |= kRemapFixed;
  if (flags & kDontUnmap) f |= kRemapDontUnmap;
  int64_t r = as.remap(old_addr, old_len, new_len, f, ctx.a[4]);
  if (as.tainted()) {
    ctx.proc.log().printf("hart: guest %d: mremap lost its hole in the reservation; process killed\n",
                          ctx.proc.pid());
    ctx.proc.exit_with_signal(SIGKILL);
  }
  return r;
}

int64_t sys_msync(SyscallCtx& ctx) {
  uint64_t addr = ctx.a[0], len = ctx.a[1];
  if (addr & (kPageSize - 1)) return -EINVAL;
  if (len && !ctx.proc.as().check(addr, page_up(len), 0)) return -ENOMEM;
  if (len && msync(ctx.proc.as().base() + addr, page_up(len), static_cast<int>(ctx.a[2])) != 0)
    return -errno;
  return 0;
}

int64_t sys_mlock(SyscallCtx& ctx) {
  uint64_t addr = page_down(ctx.a[0]);
  uint64_t len = page_up(ctx.a[1] + (ctx.a[0] - addr));
  if (len && !ctx.proc.as().check(addr, len, 0)) return -ENOMEM;
  return 0;
}

int64_t sys_munlock(SyscallCtx& ctx) { return sys_mlock(ctx); }

// mlock2 (MLOCK_ONFAULT) and mlockall/munlockall: Linux's argument checks;
// like mlock, nothing is pinned on the host (guest memory is hartd's to page).
int64_t sys_mlock2(SyscallCtx& ctx) {
  constexpr uint64_t kMlockOnfault = 1;
  if (ctx.a[2] & ~kMlockOnfault) return -EINVAL;
  return sys_mlock(ctx);
}

int64_t sys_mlockall(SyscallCtx& ctx) {
  constexpr uint64_t kCurrent = 1, kFuture = 2, kOnfault = 4;
  uint64_t f = ctx.a[0];
  if (!f || (f & ~(kCurrent | kFuture | kOnfault)) || f == kOnfault) return -EINVAL;
  return 0;
}

int64_t sys_munlockall(SyscallCtx&) { return 0; }

}  // namespace hart::linux

namespace hart::linux {

// mincore: residency of each page of a mapped range (ENOMEM if any page of
// it is unmapped, EINVAL if addr is not page aligned).
int64_t sys_mincore(SyscallCtx& ctx) {
  uint64_t addr = ctx.a[0], len = ctx.a[1];
  if (addr & (kPageSize - 1)) return -EINVAL;
  if (len == 0) return 0;
  uint64_t plen = page_up(len);
  if (plen < len || !ctx.proc.as().check(addr, plen, 0)) return -ENOMEM;
  std::vector<unsigned char> vec(plen / kPageSize);
  if (mincore(ctx.proc.as().base() + addr, plen, vec.data()) != 0) return -errno;
  return ctx.proc.as().write(ctx.a[2], vec.data(), vec.size()) ? 0 : -EFAULT;
}

bool grow_down_to(Process& p, uint64_t addr) {
  constexpr uint64_t kStackGuardGap = 256 * kPageSize;  // Linux's stack_guard_gap
  std::vector<Vma> vmas = p.as().vmas();
  size_t i = 0;
  while (i < vmas.size() && vmas[i].end <= addr) ++i;
  if (i == vmas.size() || vmas[i].start <= addr || !vmas[i].grows_down) return false;
  const Vma& v = vmas[i];
  uint64_t start = page_down(addr);
  // The stack's size after growing: down to start from the top of the
  // grows-down run (hart keeps each growth as its own VMA).
  uint64_t top = v.end;
  for (size_t k = i + 1; k < vmas.size() && vmas[k].start == top && vmas[k].grows_down; ++k)
    top = vmas[k].end;
  if (top - start > p.rlimits[RLIMIT_STACK].rlim_cur) return false;
  if (i > 0) {
    const Vma& prev = vmas[i - 1];
    if (prev.end > start) return false;
    if (!prev.grows_down && prev.prot != PROT_NONE && start - prev.end < kStackGuardGap) return false;
  }
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    if (over_as_limit_locked(p, v.start - start)) return false;
  }
  // Never over a page another thread's growth mapped meanwhile: that thread
  // won, and the access runs again (faulting once more if still below).
  unsigned flags = kMapFixedNoReplace | kMapGrowsDown | (v.locked ? unsigned{kMapLocked} : 0u);
  int64_t r = p.as().map(start, v.start - start, v.prot, flags, -1, 0, v.name);
  return r >= 0 || r == -EEXIST;
}

// remap_file_pages: Linux's emulation since 4.0 (mm/mmap.c): prot must be 0;
// the range (page-aligned down) must lie in shared file mappings of one
// file with the same flags; then the range is mapped again from that file
// at page offset pgoff with the mapping's protection (MAP_SHARED|MAP_FIXED).
// EINVAL otherwise. The file is reopened through the host mapping
// (/proc/self/map_files, as hartd) or its path; a mapping of a file that is
// gone from both gets EINVAL.
int64_t sys_remap_file_pages(SyscallCtx& ctx) {
  uint64_t start = page_down(ctx.a[0]), size = page_down(ctx.a[1]), pgoff = ctx.a[3];
  if (ctx.a[2]) return -EINVAL;
  if (start + size <= start) return -EINVAL;
  if (pgoff + (size / kPageSize) < pgoff) return -EINVAL;
  std::vector<Vma> vmas = ctx.proc.as().vmas();
  const Vma* first = nullptr;
  uint64_t covered = start;
  for (const Vma& v : vmas) {
    if (v.end <= covered || v.start > covered) continue;
    if (!first) {
      if (!v.shared) return -EINVAL;
      first = &v;
    } else if (!v.shared || v.prot != first->prot || v.name != first->name) {
      return -EINVAL;
    }
    covered = v.end;
    if (covered >= start + size) break;
  }
  if (!first || covered < start + size) return -EINVAL;
  int hfd = -1;
  {
    HartIdentityScope as_hartd;
    char path[96];
    uint8_t* base = ctx.proc.as().base();
    snprintf(path, sizeof path, "/proc/self/map_files/%lx-%lx",
             reinterpret_cast<unsigned long>(base + first->start),
             reinterpret_cast<unsigned long>(base + first->end));
    int acc = first->prot & PROT_WRITE ? O_RDWR : O_RDONLY;
    hfd = open(path, acc | O_CLOEXEC);
    // The name is a guest path: it is a host path only without a root or sysroot.
    if (hfd < 0 && !first->name.empty() && first->name.find(" (deleted)") == std::string::npos &&
        !ctx.proc.root() && ctx.proc.sysroot().empty())
      hfd = open(first->name.c_str(), acc | O_CLOEXEC);
  }
  if (hfd < 0) return -EINVAL;
  std::string name = first->name;
  int prot = first->prot;
  int64_t r = ctx.proc.as().map(start, size, prot, kMapFixed | kMapShared, hfd, pgoff * kPageSize, name);
  close(hfd);
  return r < 0 ? r : 0;
}

// memfd_create: an anonymous host memfd (guest JITs map one twice, RW and
// RX); the name is the guest's, as /proc shows "memfd:NAME".
int64_t sys_memfd_create(SyscallCtx& ctx) {
  // Linux's order: the flags, then the name (at most NAME_MAX - "memfd:"
  // bytes: EINVAL past it, EFAULT if unreadable).
  unsigned flags = static_cast<unsigned>(ctx.a[1]);
  constexpr unsigned kNoexecSeal = 8, kExec = 16;
  constexpr unsigned kKnown =
      MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | kNoexecSeal | kExec | (0x3fu << 26);
  if (flags & ~kKnown) return -EINVAL;
  std::string name;
  if (!ctx.proc.as().read_string(ctx.a[0], &name, 249)) return name.size() > 249 ? -EINVAL : -EFAULT;
  int fd = memfd_create(name.c_str(), (flags & ~MFD_CLOEXEC) | MFD_CLOEXEC);
  if (fd < 0) return -errno;
  return ctx.proc.fds().install_host(fd, flags & MFD_CLOEXEC);
}

}  // namespace hart::linux
