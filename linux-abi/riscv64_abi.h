// linux-abi/riscv64_abi.h — the riscv64 Linux user ABI as a guest sees it:
// struct layouts that differ from (or must not be confused with) the host's,
// auxv keys, hwcap bits and fixed constants. Layouts follow the kernel's
// asm-generic uapi headers (riscv64 uses the generic ones) and are checked
// with static_asserts on size and key offsets.
// Owns: guest-side ABI types and their conversion from host values. Does not
// own: any syscall logic (sys_*.cpp).
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>

#include "core/cpu_state.h"

namespace hart::linux {

// ---- struct stat (asm-generic/stat.h, 128 bytes) ---------------------------
// x86-64's struct stat has a different order (st_nlink is 64-bit and comes
// before st_mode), so host results are always converted.
struct GuestStat {
  uint64_t st_dev;
  uint64_t st_ino;
  uint32_t st_mode;
  uint32_t st_nlink;
  uint32_t st_uid;
  uint32_t st_gid;
  uint64_t st_rdev;
  uint64_t pad1;
  int64_t st_size;
  int32_t st_blksize;
  int32_t pad2;
  int64_t st_blocks;
  int64_t st_atime_sec;
  uint64_t st_atime_nsec;
  int64_t st_mtime_sec;
  uint64_t st_mtime_nsec;
  int64_t st_ctime_sec;
  uint64_t st_ctime_nsec;
  uint32_t unused4;
  uint32_t unused5;
};
static_assert(sizeof(GuestStat) == 128);
static_assert(offsetof(GuestStat, st_mode) == 16);
static_assert(offsetof(GuestStat, st_size) == 48);
static_assert(offsetof(GuestStat, st_blksize) == 56);
static_assert(offsetof(GuestStat, st_atime_sec) == 72);

// Host struct stat -> guest layout.
GuestStat to_guest_stat(const struct stat& st);

// ---- terminal ioctls (asm-generic/termbits.h) ------------------------------
// The kernel's struct termios (TCGETS/TCSETS): 4 flag words, c_line, 19 cc.
// x86-64 uses the same generic layout and values, so it passes through.
struct GuestTermios {
  uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
  uint8_t c_line;
  uint8_t c_cc[19];
};
static_assert(sizeof(GuestTermios) == 36);

struct GuestWinsize {
  uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};
static_assert(sizeof(GuestWinsize) == 8);

constexpr uint64_t kTCGETS = 0x5401;
constexpr uint64_t kTCSETS = 0x5402;
constexpr uint64_t kTCSETSW = 0x5403;
constexpr uint64_t kTCSETSF = 0x5404;
constexpr uint64_t kTIOCGPGRP = 0x540F;
constexpr uint64_t kTIOCGWINSZ = 0x5413;
constexpr uint64_t kTIOCSWINSZ = 0x5414;
constexpr uint64_t kFIONREAD = 0x541B;
constexpr uint64_t kFIONBIO = 0x5421;
constexpr uint64_t kFIOCLEX = 0x5451;
constexpr uint64_t kFIONCLEX = 0x5450;

// ---- signals (asm-generic/signal.h, asm-generic/siginfo.h, asm/ucontext.h,
// asm/sigcontext.h, asm/ptrace.h) -------------------------------------------
// Signal numbers are the asm-generic ones, which x86-64 shares for 1..31, so
// host SIGxxx constants name guest signals too (checked in signals.h).
constexpr int kGuestNSig = 64;
constexpr int kGuestSigRtMin = 32;  // the kernel's SIGRTMIN (glibc reserves 32..34)

// The kernel's struct sigaction on riscv64: no sa_restorer field (riscv
// does not define SA_RESTORER; the kernel clears that flag bit and always
// returns through the vDSO's __vdso_rt_sigreturn).
struct GuestSigaction {
  uint64_t handler;  // 0 = SIG_DFL, 1 = SIG_IGN, else the guest function
  uint64_t flags;
  uint64_t mask;
};
static_assert(sizeof(GuestSigaction) == 24);

constexpr uint64_t kSigDfl = 0, kSigIgn = 1;
constexpr uint64_t kSA_NOCLDSTOP = 0x00000001, kSA_NOCLDWAIT = 0x00000002,
                   kSA_SIGINFO = 0x00000004, kSA_UNSUPPORTED = 0x00000400,
                   kSA_EXPOSE_TAGBITS = 0x00000800, kSA_RESTORER = 0x04000000,
                   kSA_ONSTACK = 0x08000000, kSA_RESTART = 0x10000000,
                   kSA_NODEFER = 0x40000000, kSA_RESETHAND = 0x80000000;
// Flags rt_sigaction keeps (Linux's UAPI_SA_FLAGS for an arch without
// SA_RESTORER); other bits read back as 0, so SA_UNSUPPORTED probing works.
constexpr uint64_t kSaUapiFlags = kSA_NOCLDSTOP | kSA_NOCLDWAIT | kSA_SIGINFO | kSA_ONSTACK |
                                  kSA_RESTART | kSA_NODEFER | kSA_RESETHAND |
                                  kSA_EXPOSE_TAGBITS;

// stack_t (sigaltstack, uc_stack).
struct GuestStackT {
  uint64_t ss_sp;
  int32_t ss_flags;
  int32_t pad;
  uint64_t ss_size;
};
static_assert(sizeof(GuestStackT) == 24);
constexpr int kSS_ONSTACK = 1, kSS_DISABLE = 2;
constexpr int kSS_AUTODISARM = int(1u << 31);
constexpr uint64_t kGuestMinSigStkSz = 2048;  // MINSIGSTKSZ, what sigaltstack checks

// siginfo_t (asm-generic/siginfo.h, 128 bytes): three ints, then the union
// at offset 16 (8-byte aligned).
struct GuestSiginfo {
  int32_t si_signo;
  int32_t si_errno;
  int32_t si_code;
  int32_t pad0;
  union {
    struct {  // kill, tkill, sigqueue (SI_USER, SI_TKILL, SI_QUEUE)
      int32_t pid;
      uint32_t uid;
      uint64_t value;  // sigval (si_value / si_int / si_ptr)
    } kill;
    struct {  // SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE
      uint64_t addr;
    } fault;
    struct {  // SIGCHLD
      int32_t pid;
      uint32_t uid;
      int32_t status;
      int32_t pad;
      int64_t utime, stime;
    } chld;
    uint8_t raw[112];
  } f;
};
static_assert(sizeof(GuestSiginfo) == 128);
static_assert(offsetof(GuestSiginfo, f) == 16);

// si_code values (asm-generic/siginfo.h).
constexpr int kSI_USER = 0, kSI_KERNEL = 0x80, kSI_QUEUE = -1, kSI_TKILL = -6;
constexpr int kSEGV_MAPERR = 1, kSEGV_ACCERR = 2;
constexpr int kBUS_ADRALN = 1;
constexpr int kBUS_ADRERR = 2;
constexpr int kILL_ILLOPC = 1;
constexpr int kTRAP_BRKPT = 1;
constexpr int kCLD_EXITED = 1, kCLD_KILLED = 2, kCLD_DUMPED = 3, kCLD_TRAPPED = 4,
              kCLD_STOPPED = 5, kCLD_CONTINUED = 6;

// struct sigcontext: user_regs_struct (pc, then x1..x31) and the FP state
// union (__riscv_q_ext_state is the largest: 528 bytes, 16-byte aligned).
// With only F/D, the kernel fills the D view (f[32] as u64, fcsr) and keeps
// the last 12 bytes zero (q.reserved[3]; since Linux 6.5 the same bytes are
// sc_extdesc.reserved and the END_MAGIC/size-0 extension header, which is
// all zeros too). They must be zero again at sigreturn.
struct alignas(16) GuestSigcontext {
  uint64_t sc_regs[32];  // [0] = pc, [i] = x_i
  uint64_t fp_f[32];     // d.f[]
  uint32_t fp_fcsr;      // d.fcsr
  uint8_t fp_q_rest[528 - 256 - 4 - 12];  // rest of the q view, zero
  uint32_t fp_reserved[3];                 // must be zero
};
static_assert(sizeof(GuestSigcontext) == 256 + 528);

// struct ucontext (asm/ucontext.h): uc_sigmask has room for 1024 bits.
struct GuestUcontext {
  uint64_t uc_flags;
  uint64_t uc_link;
  GuestStackT uc_stack;
  uint64_t uc_sigmask;
  uint8_t unused[1024 / 8 - 8];
  GuestSigcontext uc_mcontext;
};
static_assert(offsetof(GuestUcontext, uc_sigmask) == 40);
static_assert(offsetof(GuestUcontext, uc_mcontext) == 176);
static_assert(sizeof(GuestUcontext) == 960);

// What the kernel pushes for a handler (arch/riscv/kernel/signal.c, MMU build).
struct GuestRtSigframe {
  GuestSiginfo info;
  GuestUcontext uc;
};
static_assert(offsetof(GuestRtSigframe, uc) == 128);
static_assert(sizeof(GuestRtSigframe) == 1088);

// __vdso_rt_sigreturn: "li a7, 139; ecall" (libgcc's unwinder recognises
// exactly these two words as a signal frame).
constexpr uint32_t kSigreturnInsns[2] = {0x08b00893, 0x00000073};

// ---- time, misc (same layout on both 64-bit ABIs, listed for clarity) -----
struct GuestTimespec {
  int64_t tv_sec;
  int64_t tv_nsec;
};
struct GuestTimeval {
  int64_t tv_sec;
  int64_t tv_usec;
};
struct GuestRlimit {
  uint64_t rlim_cur, rlim_max;
};

struct GuestUtsname {
  char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
static_assert(sizeof(GuestUtsname) == 390);

// struct sysinfo (linux/sysinfo.h, 64-bit): 112 bytes.
struct GuestSysinfo {
  int64_t uptime;
  uint64_t loads[3];
  uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
  uint16_t procs;
  uint16_t pad;
  uint32_t pad2;
  uint64_t totalhigh, freehigh;
  uint32_t mem_unit;
  char f[4];
};
static_assert(sizeof(GuestSysinfo) == 112);

// ---- auxv keys (linux/auxvec.h, asm/auxvec.h) ------------------------------
enum AuxKey : uint64_t {
  AT_NULL_ = 0,
  AT_PHDR_ = 3,
  AT_PHENT_ = 4,
  AT_PHNUM_ = 5,
  AT_PAGESZ_ = 6,
  AT_BASE_ = 7,
  AT_FLAGS_ = 8,
  AT_ENTRY_ = 9,
  AT_UID_ = 11,
  AT_EUID_ = 12,
  AT_GID_ = 13,
  AT_EGID_ = 14,
  AT_HWCAP_ = 16,
  AT_CLKTCK_ = 17,
  AT_SECURE_ = 23,
  AT_RANDOM_ = 25,
  AT_EXECFN_ = 31,
  AT_SYSINFO_EHDR_ = 33,
  AT_MINSIGSTKSZ_ = 51,
};

// AT_HWCAP: one bit per single-letter extension, bit = letter - 'A'.
constexpr uint64_t hwcap_bit(char letter) { return uint64_t{1} << (letter - 'A'); }
constexpr uint64_t kHwcapRv64gc = hwcap_bit('I') | hwcap_bit('M') | hwcap_bit('A') |
                                  hwcap_bit('F') | hwcap_bit('D') | hwcap_bit('C');
static_assert(kHwcapRv64gc == 0x112d);
// What hartd's hart has: RV64GC and V (bit 21).
constexpr uint64_t kHwcap = kHwcapRv64gc | hwcap_bit('V');

// ---- the vector context in the signal frame (Linux 6.5+: asm/sigcontext.h,
// asm/ptrace.h, arch/riscv/kernel/signal.c) ----------------------------------
// Extension contexts are a chain of {magic, size} headers. The first header
// is the last 8 bytes of sigcontext's FP union (sc_extdesc.hdr, our
// fp_reserved[1..2]; fp_reserved[0] is sc_extdesc.reserved, zero). When the
// thread has used V, a RISCV_V_MAGIC header is there, followed by struct
// __riscv_v_ext_state (vstart, vl, vtype, vcsr, vlenb, datap) and the 32
// registers (datap points at them, 16-byte aligned); an END header (magic
// 0, size 0) closes the chain, past the end of the rt_sigframe.
constexpr uint32_t kRiscvVMagic = 0x53465457;
constexpr uint32_t kEndMagic = 0;
struct GuestCtxHdr {
  uint32_t magic;
  uint32_t size;
};
struct GuestVExtState {  // struct __riscv_v_ext_state
  uint64_t vstart, vl, vtype, vcsr, vlenb, datap;
};
static_assert(sizeof(GuestVExtState) == 48);
constexpr uint32_t kVRegsSize = 32 * kVlenb;  // riscv_v_vsize
// riscv_v_sc_size: header + state + registers.
constexpr uint32_t kVScSize = sizeof(GuestCtxHdr) + sizeof(GuestVExtState) + kVRegsSize;
// Offset of the first extension header in the rt_sigframe.
constexpr uint64_t kSigframeExtHdr = offsetof(GuestRtSigframe, uc) + offsetof(GuestUcontext, uc_mcontext) +
                                     offsetof(GuestSigcontext, fp_reserved) + 4;
static_assert(kSigframeExtHdr + sizeof(GuestCtxHdr) == sizeof(GuestRtSigframe));
// get_rt_frame_size(): the frame, plus the vector context and the END
// header when the thread has used V, rounded up to 16.
constexpr uint64_t rt_frame_size(bool with_v) {
  return (sizeof(GuestRtSigframe) + (with_v ? kVScSize + sizeof(GuestCtxHdr) : 0) + 15) & ~uint64_t{15};
}

// prctl(PR_RISCV_V_SET_CONTROL / PR_RISCV_V_GET_CONTROL) (linux/prctl.h):
// the control value is cur (bits 1:0) | next (bits 3:2) | inherit (bit 4).
constexpr int kPrRiscvVSetControl = 69, kPrRiscvVGetControl = 70;
constexpr uint32_t kPrRiscvVCtrlDefault = 0, kPrRiscvVCtrlOff = 1, kPrRiscvVCtrlOn = 2;
constexpr uint32_t kPrRiscvVCtrlInherit = 1u << 4, kPrRiscvVCtrlCurMask = 3, kPrRiscvVCtrlNextMask = 0xc,
                   kPrRiscvVCtrlMask = 0x1f;
// riscv_v_vstate_ctrl_init() at exec: cur = next, or on (the default of
// the riscv_v_default_allow sysctl) when next is default; next is kept
// only with inherit.
constexpr uint32_t v_ctrl_after_exec(uint32_t ctrl) {
  const uint32_t next = (ctrl & kPrRiscvVCtrlNextMask) >> 2;
  const bool inherit = ctrl & kPrRiscvVCtrlInherit;
  const uint32_t cur = next ? next : kPrRiscvVCtrlOn;
  return cur | (inherit ? next << 2 | kPrRiscvVCtrlInherit : 0);
}

// prctl(PR_SET_TAGGED_ADDR_CTRL / PR_GET_TAGGED_ADDR_CTRL) (linux/prctl.h)
// for Supm pointer masking: PR_TAGGED_ADDR_ENABLE (the tagged-address ABI:
// syscalls accept tagged pointers) and the requested PMLEN in bits 30:24.
constexpr int kPrSetTaggedAddrCtrl = 55, kPrGetTaggedAddrCtrl = 56;
constexpr uint64_t kPrTaggedAddrEnable = 1, kPrPmlenShift = 24, kPrPmlenMask = uint64_t{0x7f} << kPrPmlenShift;

// prctl(PR_SET_MDWE / PR_GET_MDWE) (linux/prctl.h): memory-deny-write-execute.
constexpr int kPrSetMdwe = 65, kPrGetMdwe = 66;
constexpr uint32_t kPrMdweRefuseExecGain = 1, kPrMdweNoInherit = 2;
// prctl(PR_GET_AUXV): the size of mm->saved_auxv, AT_VECTOR_SIZE entries of
// 8 bytes: 2 * (AT_VECTOR_SIZE_ARCH (riscv: 10) + AT_VECTOR_SIZE_BASE (Linux
// 6.12: 22) + 1).
constexpr int kPrGetAuxv = 0x41555856;
constexpr uint64_t kSavedAuxvBytes = 2 * (10 + 22 + 1) * 8;

// AT_MINSIGSTKSZ: get_rt_frame_size(true), the frame with the vector context.
constexpr uint64_t kMinSigStackSize = rt_frame_size(true);

// Guest-visible identity (virtual; hartd never exposes host ids).
constexpr const char* kUtsSysname = "Linux";
constexpr const char* kUtsVersion = "#1 SMP hartd";
constexpr const char* kUtsMachine = "riscv64";

}  // namespace hart::linux
