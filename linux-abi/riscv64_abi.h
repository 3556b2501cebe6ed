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

// ---- signals (asm-generic/signal.h; riscv64 has no SA_RESTORER) ------------
constexpr int kGuestNSig = 64;
struct GuestSigaction {
  uint64_t handler;
  uint64_t flags;
  uint64_t mask;
};
static_assert(sizeof(GuestSigaction) == 24);

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

// Size of the kernel's riscv64 rt_sigframe without vector state: siginfo
// (128) + ucontext (flags, link, stack, sigmask, 120 reserved bytes,
// sigcontext = 32 x-regs + 528-byte fp state), rounded to 16.
constexpr uint64_t kMinSigStackSize = 128 + (8 + 8 + 24 + 8 + 120 + 8 /*align*/ + 256 + 528);

// Guest-visible identity (virtual; hartd never exposes host ids).
constexpr const char* kUtsSysname = "Linux";
constexpr const char* kUtsRelease = "6.1.0";
constexpr const char* kUtsVersion = "#1 SMP hartd";
constexpr const char* kUtsMachine = "riscv64";

}  // namespace hart::linux
