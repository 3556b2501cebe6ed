// linux-abi/syscalls/sys_system.cpp — system-wide calls that are not about files,
// memory, processes or time: membarrier, personality, the UTS names
// (uname, sethostname, setdomainname: per launch, see ProcessTree::Uts)
// and seccomp's argument checks. (sysinfo, getrandom and prctl live in
// sys_process.cpp; riscv_hwprobe in sys_riscv.cpp.)
//
// sethostname/setdomainname: a launch is its own UTS namespace owned by the
// host's user namespace; a guest with CAP_SYS_ADMIN renames its launch
// (what uname then shows to every process of it), one without gets EPERM,
// as in a container without that capability. The host's names never change.
//
// seccomp: hartd installs no filters. Arguments are checked as Linux does
// (EINVAL, EFAULT, EACCES without no_new_privs or CAP_SYS_ADMIN); a filter
// that would be installed, and strict mode, get EINVAL (as a kernel built
// without CONFIG_SECCOMP_FILTER); SECCOMP_GET_ACTION_AVAIL says EOPNOTSUPP.
//
// membarrier: every guest thread of every guest process is a thread of this
// host process, so the host's MEMBARRIER_CMD_PRIVATE_EXPEDITED (an IPI to
// every CPU running one of our threads) gives each guest command its
// required ordering; the guest only sees the command set and registration
// rules of a riscv64 Linux 6.1 kernel (no SYNC_CORE there).
// Owns: these handlers, the per-process membarrier registrations and
// personality values (kept here by pid; a reused pid inherits nothing
// harmful — registrations only turn EPERM into success).
#include <linux/membarrier.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {

std::mutex g_sys_mutex;
std::map<int, uint32_t> g_membarrier_reg;  // pid -> registered command bits
std::map<int, uint32_t> g_personality;     // pid -> persona (default PER_LINUX = 0)

constexpr uint32_t kMbGlobal = MEMBARRIER_CMD_GLOBAL;
constexpr uint32_t kMbGlobalExp = MEMBARRIER_CMD_GLOBAL_EXPEDITED;
constexpr uint32_t kMbRegGlobalExp = MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED;
constexpr uint32_t kMbPrivExp = MEMBARRIER_CMD_PRIVATE_EXPEDITED;
constexpr uint32_t kMbRegPrivExp = MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
constexpr uint32_t kMbPrivExpRseq = 1 << 7;     // MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ
constexpr uint32_t kMbRegPrivExpRseq = 1 << 8;  // MEMBARRIER_CMD_REGISTER_..._RSEQ
constexpr uint32_t kMbSupported =
    kMbGlobal | kMbGlobalExp | kMbRegGlobalExp | kMbPrivExp | kMbRegPrivExp;

void host_barrier() {
  static std::once_flag once;
  static bool expedited = false;
  std::call_once(once, [] {
    expedited = syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
  });
  if (!expedited || syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0)
    std::atomic_thread_fence(std::memory_order_seq_cst);
}

}  // namespace

int64_t sys_membarrier(SyscallCtx& ctx) {
  uint32_t cmd = static_cast<uint32_t>(ctx.a[0]);
  uint32_t flags = static_cast<uint32_t>(ctx.a[1]);
  if (flags) return -EINVAL;  // MEMBARRIER_CMD_FLAG_CPU is for the RSEQ command only
  int pid = ctx.proc.pid();
  std::unique_lock<std::mutex> lock(g_sys_mutex);
  uint32_t& reg = g_membarrier_reg[pid];
  switch (cmd) {
    case 0:  // MEMBARRIER_CMD_QUERY
      return kMbSupported;
    case kMbRegGlobalExp:
    case kMbRegPrivExp:
      reg |= cmd;
      return 0;
    case kMbGlobal:
    case kMbGlobalExp:
      lock.unlock();
      host_barrier();
      return 0;
    case kMbPrivExp:
      if (!(reg & kMbRegPrivExp)) return -EPERM;
      lock.unlock();
      host_barrier();
      return 0;
    case kMbPrivExpRseq:
    case kMbRegPrivExpRseq:
    default:
      return -EINVAL;
  }
}

uint32_t personality_of(int pid) {
  std::lock_guard<std::mutex> lock(g_sys_mutex);
  auto it = g_personality.find(pid);
  return it == g_personality.end() ? 0 : it->second;
}

void inherit_personality(int parent, int child) {
  std::lock_guard<std::mutex> lock(g_sys_mutex);
  auto it = g_personality.find(parent);
  if (it != g_personality.end()) g_personality[child] = it->second;
  else g_personality.erase(child);
}

int64_t sys_personality(SyscallCtx& ctx) {
  uint32_t persona = static_cast<uint32_t>(ctx.a[0]);
  std::lock_guard<std::mutex> lock(g_sys_mutex);
  uint32_t& cur = g_personality[ctx.proc.pid()];
  uint32_t old = cur;
  if (persona != 0xffffffffu) cur = persona;
  return old;
}

// ---- UTS names ---------------------------------------------------------------------

int64_t sys_uname(SyscallCtx& ctx) {
  GuestUtsname u{};
  ProcessTree& tree = ctx.proc.tree();
  {
    std::lock_guard<std::mutex> lock(tree.mutex);
    snprintf(u.nodename, sizeof u.nodename, "%s", tree.uts.nodename.c_str());
    snprintf(u.release, sizeof u.release, "%s", tree.uts.release.c_str());
    snprintf(u.domainname, sizeof u.domainname, "%s", tree.uts.domainname.c_str());
  }
  snprintf(u.sysname, sizeof u.sysname, "%s", kUtsSysname);
  snprintf(u.version, sizeof u.version, "%s", kUtsVersion);
  snprintf(u.machine, sizeof u.machine, "%s", kUtsMachine);
  return ctx.proc.as().write(ctx.a[0], &u, sizeof u) ? 0 : -EFAULT;
}

namespace {
// Linux's order: the capability, the length (at most 64), the bytes.
int64_t set_uts_name(SyscallCtx& ctx, std::string ProcessTree::Uts::*name) {
  if (!Process::thread_of(ctx.vcpu).cred.capable(kCapSysAdmin)) return -EPERM;
  int64_t len = static_cast<int>(ctx.a[1]);
  if (len < 0 || len > 64) return -EINVAL;
  std::string v(static_cast<size_t>(len), '\0');
  if (len && !ctx.proc.as().read(ctx.a[0], v.data(), v.size())) return -EFAULT;
  v.resize(strnlen(v.data(), v.size()));
  std::lock_guard<std::mutex> lock(ctx.proc.tree().mutex);
  ctx.proc.tree().uts.*name = v;
  return 0;
}
}  // namespace

int64_t sys_sethostname(SyscallCtx& ctx) { return set_uts_name(ctx, &ProcessTree::Uts::nodename); }
int64_t sys_setdomainname(SyscallCtx& ctx) {
  return set_uts_name(ctx, &ProcessTree::Uts::domainname);
}

// ---- seccomp -----------------------------------------------------------------------

int64_t seccomp_unsupported(SyscallCtx& ctx, uint64_t op, uint64_t flags, uint64_t uargs) {
  AddressSpace& as = ctx.proc.as();
  switch (op) {
    case SECCOMP_SET_MODE_STRICT:
      return -EINVAL;
    case SECCOMP_SET_MODE_FILTER: {
      constexpr uint64_t kKnownFlags = 0x3f;  // TSYNC .. WAIT_KILLABLE_RECV
      if (flags & ~kKnownFlags) return -EINVAL;
      struct {
        uint16_t len;
        uint64_t filter;
      } prog{};
      static_assert(sizeof prog == 16);
      if (!as.read(uargs, &prog, sizeof prog)) return -EFAULT;
      if (prog.len == 0 || prog.len > 4096) return -EINVAL;  // BPF_MAXINSNS
      if (!as.check(prog.filter, prog.len * 8u, PROT_READ)) return -EFAULT;
      if (!ctx.proc.no_new_privs.load() && !Process::thread_of(ctx.vcpu).cred.capable(kCapSysAdmin))
        return -EACCES;
      return -EINVAL;
    }
    case SECCOMP_GET_ACTION_AVAIL: {
      uint32_t action;
      if (flags) return -EINVAL;
      if (!as.read(uargs, &action, 4)) return -EFAULT;
      return -EOPNOTSUPP;
    }
    case SECCOMP_GET_NOTIF_SIZES: {
      if (flags) return -EINVAL;
      uint16_t sizes[3] = {80, 24, 64};  // seccomp_notif, seccomp_notif_resp, seccomp_data
      return as.write(uargs, sizes, sizeof sizes) ? 0 : -EFAULT;
    }
    default:
      return -EINVAL;
  }
}

int64_t sys_seccomp(SyscallCtx& ctx) { return seccomp_unsupported(ctx, ctx.a[0], ctx.a[1], ctx.a[2]); }

}  // namespace hart::linux
