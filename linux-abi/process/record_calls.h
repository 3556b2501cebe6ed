// linux-abi/process/record_calls.h — which system calls record/replay
// treats specially (record.cpp, record_seek.cpp): the riscv64 (asm-generic)
// numbers of the calls replay performs again because they only change state
// a checkpoint restores (the address space, brk, signal dispositions and
// masks, the thread's own exit) and give the same result again, and those a
// recorded thread makes without giving the run token up (nothing in them
// waits for another thread).
// Owns: those two tables. Does not own: the system calls themselves.
#pragma once

#include <cstdint>

namespace hart::linux {

enum : uint64_t {
  kNrExit = 93, kNrExitGroup = 94, kNrSetTidAddress = 96, kNrSetRobustList = 99, kNrSigaltstack = 132,
  kNrRtSigaction = 134, kNrRtSigprocmask = 135, kNrRtSigreturn = 139, kNrBrk = 214, kNrMunmap = 215,
  kNrMremap = 216, kNrClone = 220, kNrExecve = 221, kNrMmap = 222, kNrMprotect = 226, kNrMadvise = 233,
  kNrRiscvFlushIcache = 259, kNrClone3 = 435,
};
constexpr uint64_t kGuestMapAnonymous = 0x20;

// Performed again by replay (a different result is a divergence).
inline bool reexecuted(uint64_t nr, const uint64_t* a) {
  switch (nr) {
    case kNrExit: case kNrSetTidAddress: case kNrSetRobustList: case kNrSigaltstack: case kNrRtSigaction:
    case kNrRtSigprocmask: case kNrRtSigreturn: case kNrBrk: case kNrMunmap: case kNrMremap:
    case kNrMprotect: case kNrMadvise: case kNrRiscvFlushIcache:
      return true;
    case kNrMmap:
      return (a[3] & kGuestMapAnonymous) != 0;
    default:
      return false;
  }
}

// Made with the run token held: the state-only calls above, and the ones
// that start or end threads (numbered in order) or the image.
inline bool keeps_token(uint64_t nr, const uint64_t* a) {
  return reexecuted(nr, a) || nr == kNrClone || nr == kNrClone3 || nr == kNrExitGroup || nr == kNrExecve;
}

// Guest words a call changes in the host kernel, outside the address
// space's write paths (so its write capture does not see them): the futex
// word of the PI operations, which the kernel sets to the owner's tid.
// Appends (address, length) pairs to out.
template <class Ranges>
void kernel_written(uint64_t nr, const uint64_t* a, Ranges* out) {
  constexpr uint64_t kNrFutex = 98;
  enum : uint64_t { kWaitRequeuePi = 11, kCmpRequeuePi = 12 };
  if (nr != kNrFutex) return;
  uint64_t op = a[1] & 127;
  if (op == 6 || op == 7 || op == 8 || op == 13) out->emplace_back(a[0], 4);  // LOCK_PI, UNLOCK_PI, TRYLOCK_PI, LOCK_PI2
  if (op == kWaitRequeuePi || op == kCmpRequeuePi) {
    out->emplace_back(a[0], 4);
    out->emplace_back(a[4], 4);
  }
}

}  // namespace hart::linux
