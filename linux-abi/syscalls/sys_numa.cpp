// linux-abi/syscalls/sys_numa.cpp — NUMA memory policy calls as on a machine with
// one memory node, node 0: get_mempolicy, set_mempolicy, mbind,
// set_mempolicy_home_node, migrate_pages, move_pages. Policies are kept
// (Process::mempolicy, Process::range_policies) and reported back with
// Linux's argument checks and errnos (mm/mempolicy.c, mm/migrate.c) but
// change nothing: all guest memory is on node 0. The node masks of a
// riscv64 kernel with the default CONFIG_NODES_SHIFT=2 are 4 bits wide:
// bits past them must be zero (EINVAL); nodes 1..3 are possible but have
// no memory. Range policies are not split or dropped by munmap/mremap
// (mbind's MPOL_DEFAULT removes them), an approximation docs/SYSCALLS.md
// mentions.
// Owns: these handlers. Does not own: the address space (core).
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "linux-abi/process/process.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {

constexpr int kMpolDefault = 0, kMpolPreferred = 1, kMpolBind = 2, kMpolInterleave = 3,
              kMpolLocal = 4, kMpolPreferredMany = 5, kMpolMax = 7;
constexpr int kFStatic = 1 << 15, kFRelative = 1 << 14, kFNumaBalancing = 1 << 13;
constexpr int kModeFlags = kFStatic | kFRelative | kFNumaBalancing;
constexpr uint64_t kMaxNumNodes = 4;  // riscv64's default CONFIG_NODES_SHIFT = 2
constexpr uint64_t kOnline = 1;       // node 0

// Linux's sanitize_mpol_flags: splits the mode argument.
int sanitize_mode(int64_t arg, int* mode, int* flags) {
  *flags = static_cast<int>(arg) & kModeFlags;
  *mode = static_cast<int>(arg) & ~kModeFlags;
  if (static_cast<unsigned>(*mode) >= kMpolMax) return -EINVAL;
  if ((*flags & kFStatic) && (*flags & kFRelative)) return -EINVAL;
  if ((*flags & kFNumaBalancing) && *mode != kMpolBind && *mode != kMpolPreferredMany)
    return -EINVAL;
  return 0;
}

// Linux's get_nodes: reads maxnode - 1 bits of a user node mask.
int get_nodes(Process& p, uint64_t addr, uint64_t maxnode, uint64_t* nodes) {
  *nodes = 0;
  if (maxnode) --maxnode;
  if (maxnode == 0 || !addr) return 0;
  if (maxnode > 4096 * 8) return -EINVAL;
  std::vector<uint64_t> words((maxnode + 63) / 64);
  if (!p.as().read(addr, words.data(), words.size() * 8)) return -EFAULT;
  for (uint64_t bit = kMaxNumNodes; bit < maxnode; ++bit)
    if ((words[bit / 64] >> (bit % 64)) & 1) return -EINVAL;
  *nodes = words[0] & ((uint64_t{1} << std::min(maxnode, kMaxNumNodes)) - 1);
  return 0;
}

// Linux's copy_nodes_to_user with nr_node_ids = 1.
int put_nodes(Process& p, uint64_t addr, uint64_t maxnode, uint64_t nodes) {
  uint64_t copy = ((maxnode ? maxnode - 1 : 0) + 63) / 64 * 8;
  if (copy > 8) {
    if (copy > 4096) return -EINVAL;
    std::vector<uint8_t> zeros(copy - 8);
    if (!p.as().write(addr + 8, zeros.data(), zeros.size())) return -EFAULT;
    copy = 8;
  }
  return p.as().write(addr, &nodes, copy) ? 0 : -EFAULT;
}

// Linux's mpol_new + mpol_set_nodemask: the policy to keep, or -EINVAL.
int make_policy(int mode, int flags, uint64_t nodes, Process::MemPolicy* out) {
  *out = Process::MemPolicy{};
  if (mode == kMpolDefault) return nodes ? -EINVAL : 0;
  if (mode == kMpolPreferred && !nodes) {
    if (flags & (kFStatic | kFRelative)) return -EINVAL;
    mode = kMpolLocal;
  } else if (mode == kMpolLocal) {
    if (nodes || (flags & (kFStatic | kFRelative))) return -EINVAL;
  } else if (!nodes) {
    return -EINVAL;
  }
  out->mode = mode;
  out->flags = flags;
  if (mode == kMpolLocal) return 0;
  // Relative nodes fold onto the allowed set (node 0); others intersect it.
  uint64_t eff = flags & kFRelative ? kOnline : nodes & kOnline;
  if (!eff) return -EINVAL;
  out->nodes = flags & (kFStatic | kFRelative) ? nodes : eff;
  return 0;
}

int find_target(SyscallCtx& ctx, int64_t pid, std::shared_ptr<Process>* out) {
  *out = pid == 0 || pid == ctx.proc.pid() ? ctx.proc.shared_from_this()
                                            : Process::find_task(static_cast<int>(pid), &ctx.proc);
  if (!*out) return -ESRCH;
  return may_ptrace_read(ctx, **out) ? 0 : -EPERM;
}

// A page's node for move_pages: 0, -EFAULT (unmapped), -ENOENT (not present).
int page_status(Process& p, uint64_t addr) {
  uint64_t page = page_down(addr);
  if (!p.as().check(page, kPageSize, 0)) return -EFAULT;
  unsigned char vec = 0;
  if (mincore(p.as().base() + page, kPageSize, &vec) != 0 || !(vec & 1)) return -ENOENT;
  return 0;
}

}  // namespace

int64_t sys_get_mempolicy(SyscallCtx& ctx) {
  constexpr uint64_t kFNode = 1, kFAddr = 2, kFMemsAllowed = 4;
  uint64_t mode_addr = ctx.a[0], nmask = ctx.a[1], maxnode = ctx.a[2], addr = ctx.a[3],
           flags = ctx.a[4];
  if (nmask && maxnode < 1) return -EINVAL;  // nr_node_ids
  if (flags & ~(kFNode | kFAddr | kFMemsAllowed)) return -EINVAL;
  int value = 0;
  uint64_t nodes = 0;
  if (flags & kFMemsAllowed) {
    if (flags & (kFNode | kFAddr)) return -EINVAL;
    nodes = kOnline;
  } else {
    Process::MemPolicy pol;
    if (flags & kFAddr) {
      if (!ctx.proc.as().check(page_down(addr), 1, 0)) return -EFAULT;
      std::lock_guard<std::mutex> lock(ctx.proc.numa_mutex);
      for (const Process::MemPolicy& r : ctx.proc.range_policies)
        if (addr >= r.start && addr < r.end) pol = r;
    } else {
      if (addr) return -EINVAL;
      std::lock_guard<std::mutex> lock(ctx.proc.numa_mutex);
      pol = ctx.proc.mempolicy;
    }
    if (flags & kFNode) {
      if (!(flags & kFAddr) && pol.mode != kMpolInterleave && pol.mode != 6) return -EINVAL;
      value = 0;  // the page's node, or the next interleave node: node 0
    } else {
      value = pol.mode | (pol.flags & kModeFlags);
    }
    nodes = pol.mode == kMpolDefault || pol.mode == kMpolLocal ? 0 : pol.nodes;
  }
  if (mode_addr && !ctx.proc.as().write(mode_addr, &value, 4)) return -EFAULT;
  if (nmask) return put_nodes(ctx.proc, nmask, maxnode, nodes);
  return 0;
}

int64_t sys_set_mempolicy(SyscallCtx& ctx) {
  int mode, flags;
  if (int r = sanitize_mode(static_cast<int64_t>(ctx.a[0]), &mode, &flags)) return r;
  uint64_t nodes;
  if (int r = get_nodes(ctx.proc, ctx.a[1], ctx.a[2], &nodes)) return r;
  Process::MemPolicy pol;
  if (int r = make_policy(mode, flags, nodes, &pol)) return r;
  std::lock_guard<std::mutex> lock(ctx.proc.numa_mutex);
  ctx.proc.mempolicy = pol;
  return 0;
}

int64_t sys_mbind(SyscallCtx& ctx) {
  constexpr uint64_t kStrict = 1, kMove = 2, kMoveAll = 4;
  uint64_t start = ctx.a[0], len = ctx.a[1], flags = ctx.a[5];
  int mode, mflags;
  if (int r = sanitize_mode(static_cast<int64_t>(ctx.a[2]), &mode, &mflags)) return r;
  uint64_t nodes;
  if (int r = get_nodes(ctx.proc, ctx.a[3], ctx.a[4], &nodes)) return r;
  if (flags & ~(kStrict | kMove | kMoveAll)) return -EINVAL;
  if ((flags & kMoveAll) && !Process::thread_of(ctx.vcpu).cred.capable(kCapSysNice)) return -EPERM;
  if (start & (kPageSize - 1)) return -EINVAL;
  len = page_up(len);
  uint64_t end = start + len;
  if (end < start) return -EINVAL;
  if (end == start) return 0;
  Process::MemPolicy pol;
  if (int r = make_policy(mode, mflags, nodes, &pol)) return r;
  if (!ctx.proc.as().check(start, len, 0)) return -EFAULT;  // a hole in the range
  pol.start = start;
  pol.end = end;
  std::lock_guard<std::mutex> lock(ctx.proc.numa_mutex);
  auto& v = ctx.proc.range_policies;
  v.erase(std::remove_if(v.begin(), v.end(),
                         [&](const Process::MemPolicy& r) { return r.start >= start && r.end <= end; }),
          v.end());
  if (mode != kMpolDefault) v.push_back(pol);
  return 0;
}

int64_t sys_set_mempolicy_home_node(SyscallCtx& ctx) {
  uint64_t start = ctx.a[0], len = ctx.a[1], home = ctx.a[2];
  if (start & (kPageSize - 1)) return -EINVAL;
  if (ctx.a[3]) return -EINVAL;
  if (home >= kMaxNumNodes || !((kOnline >> home) & 1)) return -EINVAL;
  len = page_up(len);
  uint64_t end = start + len;
  if (end < start) return -EINVAL;
  if (end == start) return 0;
  // ENOENT unless some policy in the range takes a home node (BIND,
  // PREFERRED_MANY); EOPNOTSUPP if one cannot.
  int err = -ENOENT;
  std::lock_guard<std::mutex> lock(ctx.proc.numa_mutex);
  for (const Process::MemPolicy& r : ctx.proc.range_policies) {
    if (r.start >= end || r.end <= start) continue;
    if (r.mode != kMpolBind && r.mode != kMpolPreferredMany) return -EOPNOTSUPP;
    err = 0;
  }
  return err;
}

// Nothing moves: every page is on node 0. Returns the pages not migrated (0).
int64_t sys_migrate_pages(SyscallCtx& ctx) {
  uint64_t old_nodes, new_nodes;
  if (int r = get_nodes(ctx.proc, ctx.a[2], ctx.a[1], &old_nodes)) return r;
  if (int r = get_nodes(ctx.proc, ctx.a[3], ctx.a[1], &new_nodes)) return r;
  std::shared_ptr<Process> t;
  if (int r = find_target(ctx, static_cast<int64_t>(ctx.a[0]), &t)) return r;
  if ((new_nodes & ~kOnline) && !Process::thread_of(ctx.vcpu).cred.capable(kCapSysNice))
    return -EPERM;
  return 0;
}

// move_pages: with nodes, each page "moves" to its node (only node 0 has
// memory: any other is ENODEV for the call); without, each page's node is
// reported. Status per page: 0 (node 0), -EFAULT (unmapped), -ENOENT (not
// present: never touched).
int64_t sys_move_pages(SyscallCtx& ctx) {
  constexpr uint64_t kMove = 2, kMoveAll = 4;
  uint64_t count = ctx.a[1], pages = ctx.a[2], nodes = ctx.a[3], status = ctx.a[4],
           flags = ctx.a[5];
  if (flags & ~(kMove | kMoveAll)) return -EINVAL;
  if ((flags & kMoveAll) && !Process::thread_of(ctx.vcpu).cred.capable(kCapSysNice)) return -EPERM;
  std::shared_ptr<Process> t;
  if (int r = find_target(ctx, static_cast<int64_t>(ctx.a[0]), &t)) return r;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t addr;
    if (!ctx.proc.as().read(pages + 8 * i, &addr, 8)) return -EFAULT;
    if (nodes) {
      int32_t node;
      if (!ctx.proc.as().read(nodes + 4 * i, &node, 4)) return -EFAULT;
      if (node < 0 || static_cast<uint64_t>(node) >= kMaxNumNodes || !((kOnline >> node) & 1))
        return -ENODEV;
    }
    int32_t st = page_status(*t, addr);
    if (!ctx.proc.as().write(status + 4 * i, &st, 4)) return -EFAULT;
  }
  return 0;
}

}  // namespace hart::linux
