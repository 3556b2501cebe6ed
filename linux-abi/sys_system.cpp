// linux-abi/sys_system.cpp — system-wide calls that are not about files,
// memory, processes or time: membarrier and personality. (uname, sysinfo,
// getrandom and prctl live in sys_process.cpp; riscv_hwprobe in
// sys_riscv.cpp.)
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
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <map>
#include <mutex>

#include "linux-abi/sys_util.h"

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

int64_t sys_personality(SyscallCtx& ctx) {
  uint32_t persona = static_cast<uint32_t>(ctx.a[0]);
  std::lock_guard<std::mutex> lock(g_sys_mutex);
  uint32_t& cur = g_personality[ctx.proc.pid()];
  uint32_t old = cur;
  if (persona != 0xffffffffu) cur = persona;
  return old;
}

}  // namespace hart::linux
