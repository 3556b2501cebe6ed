// linux-abi/syscalls/sys_riscv.cpp — the riscv-specific syscalls:
// riscv_flush_icache (drop translations of the range; Linux flushes the whole
// icache, we drop the TBs whose guest bytes lie in [start, end), or all of
// them when the range is empty) and riscv_hwprobe (what Linux's
// arch/riscv/kernel/sys_hwprobe.c reports, for the hart hartd emulates:
// rv64gc with Zba, Zbb, Zbs, Zbc (and so Zbkc, its clmul/clmulh half),
// Zicond, Zihintntl, Zihintpause, Zimop, Zca/Zcb/Zcd/Zcmop, Zawrs, Zicntr,
// Zicboz and Zicbop; Zfh, Zfhmin, Zfa, Zacas, Zabha, Zicbom, Zkt, Supm;
// Zaamo and Zalrsc for A; V with its Zve subsets, and the vector extensions
// on top of it: Zvbb, Zvkb, Zvbc, Zvkg, Zvkned, Zvknha, Zvknhb, Zvkt, Zvfh,
// Zvfhmin), including the RISCV_HWPROBE_WHICH_CPUS form. Not reported:
// Zihpm (no hpmcounter3..31: reading them is an illegal instruction, as it
// is under Linux without perf's user access, and no perf events exist).
// tests/guest/isa/hwprobe_exec.c runs an instruction of every extension
// and checks that it executes exactly when the bit is reported.
// Owns: these two handlers and the hwprobe key table.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

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
  kMisalignedVectorPerf = 10,
  kVendorExtThead0 = 11,
  kZicbomBlockSize = 12,
  kVendorExtSifive0 = 13,
  kVendorExtMips0 = 14,
  kZicbopBlockSize = 15,
  kImaExt1 = 16,  // bit 0: Zicfiss (not implemented)
};
// The flag of the "which CPUs have all these values" form.
constexpr unsigned kWhichCpus = 1;
constexpr uint64_t kBaseBehaviorIma = 1;
constexpr uint64_t kImaFd = 1 << 0;
constexpr uint64_t kImaC = 1 << 1;
constexpr uint64_t kExtZba = 1 << 3, kExtZbb = 1 << 4, kExtZbs = 1 << 5, kExtZicboz = 1 << 6, kExtZbc = 1 << 7,
                   kExtZbkc = 1 << 9;
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
constexpr uint64_t kImaExt0Value = kImaFd | kImaC | kExtZba | kExtZbb | kExtZbs | kExtZicboz | kExtZbc | kExtZbkc |
                                   kExtZihintntl |
                                   kExtZicond | kExtZihintpause | kExtZimop | kExtZca | kExtZcb | kExtZcd |
                                   kExtZcmop | kExtZawrs | kImaExt0Vector;
// The RVA23 scalar group (Zkt: the JIT's code for Zkt's instruction list
// takes data-independent time, see docs/ARCHITECTURE.md).
constexpr uint64_t kExtZkt = 1ull << 16, kExtZfh = 1ull << 27, kExtZfhmin = 1ull << 28,
                   kExtZfa = 1ull << 32, kExtZacas = 1ull << 34, kExtZicbom = 1ull << 55,
                   kExtZaamo = 1ull << 56, kExtZalrsc = 1ull << 57, kExtZabha = 1ull << 58;
// Zicntr: cycle, time and instret (interp.cpp's CSRs); Zicbop: prefetch.i/
// r/w, ori hints with rd = x0 that every RV64I hart runs.
constexpr uint64_t kExtZicntr = 1ull << 50, kExtZicbop = 1ull << 60;
// (Zaamo and Zalrsc are A's two halves, which newer kernels report apart.)
// Supm: user pointer masking (prctl PR_SET_TAGGED_ADDR_CTRL, PMLEN 7 and 16).
constexpr uint64_t kExtSupm = 1ull << 49;
constexpr uint64_t kImaExt0Rva23Scalar = kExtZkt | kExtZfh | kExtZfhmin | kExtZfa | kExtZacas |
                                         kExtZicbom | kExtZaamo | kExtZalrsc | kExtZabha | kExtSupm |
                                         kExtZicntr | kExtZicbop;
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
    case kMisalignedVectorPerf:
      *value = 0;  // unknown
      return true;
    case kVendorExtThead0:
    case kVendorExtSifive0:
    case kVendorExtMips0:
    case kImaExt1:
      *value = 0;  // no vendor extensions; none of IMA_EXT_1's
      return true;
    case kZicbozBlockSize:
    case kZicbomBlockSize:
    case kZicbopBlockSize:
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

// The kernel's hwprobe_pair_cmp: the bitmask keys match when every bit
// asked for is present, the others when equal.
bool hwprobe_matches(int64_t key, uint64_t asked, uint64_t have) {
  if (key == kImaExt0 || key == kImaExt1 || key == kCpuperf0) return (asked & have) == asked;
  return asked == have;
}

// The CPUs this hart shows (/proc/cpuinfo's processors 0..n-1).
uint64_t online_cpus() {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : static_cast<uint64_t>(n);
}

// RISCV_HWPROBE_WHICH_CPUS: the CPUs of the set (all online ones if it
// holds none) are kept when every pair's value matches theirs; any unknown
// key empties the set. All CPUs of this hart are alike.
int64_t hwprobe_which_cpus(SyscallCtx& ctx, uint64_t pairs, uint64_t count, uint64_t cpusetsize, uint64_t cpus) {
  if (!cpusetsize || !cpus) return -EINVAL;
  const uint64_t online = online_cpus();
  cpusetsize = std::min<uint64_t>(cpusetsize, 1024 / 8);  // the kernel's cpumask_size() bounds it too
  std::vector<uint8_t> set(cpusetsize);
  if (!ctx.proc.as().read(cpus, set.data(), set.size())) return -EFAULT;
  bool any = false;
  for (uint64_t i = 0; i < cpusetsize * 8; ++i) {
    bool on = i < online && (set[i / 8] >> (i % 8) & 1);
    if (!on) set[i / 8] &= static_cast<uint8_t>(~(1u << (i % 8)));
    any = any || on;
  }
  if (!any)
    for (uint64_t i = 0; i < online && i < cpusetsize * 8; ++i) set[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
  bool keep = true;
  for (uint64_t i = 0; i < count; ++i) {
    int64_t kv[2];
    uint64_t at = pairs + i * 16;
    if (!ctx.proc.as().read(at, kv, sizeof kv)) return -EFAULT;
    uint64_t value = 0;
    if (!hwprobe_value(kv[0], ctx.proc.as().limit(), &value)) {
      kv[0] = -1;
      kv[1] = 0;
      if (!ctx.proc.as().write(at, kv, sizeof kv)) return -EFAULT;
      keep = false;
    } else if (!hwprobe_matches(kv[0], static_cast<uint64_t>(kv[1]), value)) {
      keep = false;
    }
  }
  if (!keep) std::fill(set.begin(), set.end(), 0);
  return ctx.proc.as().write(cpus, set.data(), set.size()) ? 0 : -EFAULT;
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
  // (This thread is outside generated code; code others may still be in stays.)
  cache.reclaim_quiet(&ctx.vcpu, /*kick=*/false);
  return 0;
}

int64_t sys_riscv_hwprobe(SyscallCtx& ctx) {
  uint64_t pairs = ctx.a[0], count = ctx.a[1], cpusetsize = ctx.a[2], cpus = ctx.a[3];
  const uint64_t flags = static_cast<uint32_t>(ctx.a[4]);
  if (flags & ~uint64_t{kWhichCpus}) return -EINVAL;
  if (count > (uint64_t{1} << 20)) return -EINVAL;
  if (flags & kWhichCpus) return hwprobe_which_cpus(ctx, pairs, count, cpusetsize, cpus);
  if (cpusetsize && !cpus) return -EFAULT;
  if (cpusetsize) {  // the set is read (EFAULT), and all CPUs are alike
    uint8_t byte;
    if (!ctx.proc.as().read(cpus, &byte, 1)) return -EFAULT;
  }
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
