// linux-abi/syscalls/sys_riscv.cpp — the riscv-specific syscalls:
// riscv_flush_icache (drop translations of the range; Linux flushes the whole
// icache, we drop the TBs whose guest bytes lie in [start, end), or all of
// them when the range is empty) and riscv_hwprobe (what Linux's
// arch/riscv/kernel/sys_hwprobe.c reports, for the hart hartd emulates:
// rv64gc with Zba, Zbb, Zbs, Zbc, Zicond, Zihintntl, Zihintpause, Zimop,
// Zca/Zcb/Zcd/Zcmop, Zawrs and Zicboz; Zfh, Zfhmin, Zfa, Zacas, Zabha,
// Zicbom, Zkt, Supm; Zaamo and Zalrsc for A; V with its Zve subsets, and the
// vector extensions on top of it: Zvbb, Zvkb, Zvbc, Zvkg, Zvkned, Zvknha,
// Zvknhb, Zvkt, Zvfh, Zvfhmin).
// Owns: these two handlers and the hwprobe key table.
#include <cerrno>

#include "core/cpu_state.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {

// Keys and values from the kernel's uapi asm/hwprobe.h.
enum HwprobeKey : int64_t {
  kMvendorid = 0,
  kMarchid = 1,
  kMimpid = 2,
  kBaseBehavior = 3,       // value bit 0: IMA base (rv64ima user ABI)
  kImaExt0 = 4,            // bit 0: F and D, bit 1: C, bit 2: V, 3: Zba, 4: Zbb, 5: Zbs ...
  kCpuperf0 = 5,           // misaligned access performance (0 = unknown)
  kZicbozBlockSize = 6,
  kHighestVirtAddress = 7,
  kTimeCsrFreq = 8,
  kMisalignedScalarPerf = 9,
  kZicbomBlockSize = 12,
};
constexpr uint64_t kBaseBehaviorIma = 1;
constexpr uint64_t kImaFd = 1 << 0;
constexpr uint64_t kImaC = 1 << 1;
constexpr uint64_t kExtZba = 1 << 3, kExtZbb = 1 << 4, kExtZbs = 1 << 5, kExtZicboz = 1 << 6, kExtZbc = 1 << 7;
constexpr uint64_t kExtZihintntl = 1ull << 29, kExtZicond = 1ull << 35, kExtZihintpause = 1ull << 36,
                   kExtZimop = 1ull << 42, kExtZca = 1ull << 43, kExtZcb = 1ull << 44,
                   kExtZcd = 1ull << 45, kExtZcmop = 1ull << 47, kExtZawrs = 1ull << 48;
// V 1.0 (VLEN 128, ELEN 64): IMA_V and the Zve subsets V implies, as the
// kernel reports them for a V hart.
constexpr uint64_t kImaV = 1 << 2;
constexpr uint64_t kExtZve32x = 1ull << 37, kExtZve32f = 1ull << 38, kExtZve64x = 1ull << 39,
                   kExtZve64f = 1ull << 40, kExtZve64d = 1ull << 41;
// Vector bit-manipulation and crypto (insn_table_vk.h). Zvkt (vector
// data-independent timing) has no instructions of its own: the
// interpreter's code for the crypto instructions takes data-independent
// time (interp_v_crypto.cpp: no data-indexed tables, no data-dependent
// branches; see docs/ARCHITECTURE.md). The kernel reports these only when V
// is usable.
constexpr uint64_t kExtZvbb = 1ull << 17, kExtZvbc = 1ull << 18, kExtZvkb = 1ull << 19, kExtZvkg = 1ull << 20,
                   kExtZvkned = 1ull << 21, kExtZvknha = 1ull << 22, kExtZvknhb = 1ull << 23,
                   kExtZvkt = 1ull << 26, kExtZvfh = 1ull << 30, kExtZvfhmin = 1ull << 31;
constexpr uint64_t kImaExt0Vector = kImaV | kExtZve32x | kExtZve32f | kExtZve64x | kExtZve64f | kExtZve64d |
                                    kExtZvbb | kExtZvbc | kExtZvkb | kExtZvkg | kExtZvkned | kExtZvknha |
                                    kExtZvknhb | kExtZvkt | kExtZvfh | kExtZvfhmin;
// IMA_EXT_0: exactly the extensions the translator implements (Zcf is RV32 only).
constexpr uint64_t kImaExt0Value = kImaFd | kImaC | kExtZba | kExtZbb | kExtZbs | kExtZicboz | kExtZbc | kExtZihintntl |
                                   kExtZicond | kExtZihintpause | kExtZimop | kExtZca | kExtZcb | kExtZcd |
                                   kExtZcmop | kExtZawrs | kImaExt0Vector;
// The RVA23 scalar group (Zkt: the JIT's code for Zkt's instruction list
// takes data-independent time, see docs/ARCHITECTURE.md).
constexpr uint64_t kExtZkt = 1ull << 16, kExtZfh = 1ull << 27, kExtZfhmin = 1ull << 28,
                   kExtZfa = 1ull << 32, kExtZacas = 1ull << 34, kExtZicbom = 1ull << 55,
                   kExtZaamo = 1ull << 56, kExtZalrsc = 1ull << 57, kExtZabha = 1ull << 58;
// (Zaamo and Zalrsc are A's two halves, which newer kernels report apart.)
// Supm: user pointer masking (prctl PR_SET_TAGGED_ADDR_CTRL, PMLEN 7 and 16).
constexpr uint64_t kExtSupm = 1ull << 49;
constexpr uint64_t kImaExt0Rva23Scalar = kExtZkt | kExtZfh | kExtZfhmin | kExtZfa | kExtZacas |
                                         kExtZicbom | kExtZaamo | kExtZalrsc | kExtZabha | kExtSupm;
constexpr uint64_t kTimebaseHz = 10000000;

// va_limit: the end of the guest's address space (AddressSpace::limit()).
bool hwprobe_value(int64_t key, uint64_t va_limit, uint64_t* value) {
  switch (key) {
    case kMvendorid:
    case kMarchid:
    case kMimpid:
      *value = 0;
      return true;
    case kBaseBehavior:
      *value = kBaseBehaviorIma;
      return true;
    case kImaExt0:
      *value = kImaExt0Value | kImaExt0Rva23Scalar;
      return true;
    case kCpuperf0:
    case kMisalignedScalarPerf:
      *value = 0;  // unknown
      return true;
    case kZicbozBlockSize:
    case kZicbomBlockSize:
      *value = kCboBlockSize;
      return true;
    case kHighestVirtAddress:
      *value = va_limit - 1;
      return true;
    case kTimeCsrFreq:
      *value = kTimebaseHz;
      return true;
    default:
      return false;
  }
}

}  // namespace

int64_t sys_riscv_flush_icache(SyscallCtx& ctx) {
  uint64_t start = ctx.a[0], end = ctx.a[1], flags = ctx.a[2];
  if (flags & ~uint64_t{1}) return -EINVAL;  // SYS_RISCV_FLUSH_ICACHE_LOCAL only
  TbCache& cache = ctx.proc.tb_cache();
  if (start < end)
    cache.invalidate(start, end);
  else
    cache.flush();
  if (ctx.proc.cache_exclusive()) cache.reclaim();  // no vCPU is in generated code now
  return 0;
}

int64_t sys_riscv_hwprobe(SyscallCtx& ctx) {
  uint64_t pairs = ctx.a[0], count = ctx.a[1], cpusetsize = ctx.a[2], cpus = ctx.a[3];
  if (ctx.a[4] != 0) return -EINVAL;
  if (cpusetsize && !cpus) return -EFAULT;
  if (count > (uint64_t{1} << 20)) return -EINVAL;
  for (uint64_t i = 0; i < count; ++i) {
    int64_t kv[2];
    uint64_t at = pairs + i * 16;
    if (!ctx.proc.as().read(at, kv, sizeof kv)) return -EFAULT;
    uint64_t value = 0;
    if (!hwprobe_value(kv[0], ctx.proc.as().limit(), &value)) kv[0] = -1;
    kv[1] = static_cast<int64_t>(value);
    if (!ctx.proc.as().write(at, kv, sizeof kv)) return -EFAULT;
  }
  return 0;
}

}  // namespace hart::linux
