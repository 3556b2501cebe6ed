// linux-abi/process/signals.h — guest signals: per-process dispositions, per-thread
// blocked masks, pending sets and alternate stacks, sending (kill/tgkill/
// sigqueue and synchronous faults with force_sig semantics), delivery at the
// points where the run loop regains control (riscv64 rt_sigframe on the
// guest stack, return through a "[vdso]" page holding __vdso_rt_sigreturn),
// syscall restart (-ERESTART* codes) and rt_sigreturn.
// Owns: signal state and the delivery/return algorithms. Does not own: the
// syscall argument handling (sys_signal.cpp), the run loop (cpu_loop.cpp),
// the riscv64 struct layouts (riscv64_abi.h).
//
// Locking: all signal state lives under Process::mutex(); a thread blocked in
// rt_sigsuspend/rt_sigtimedwait waits on Process::signal_cv(), which every
// send notifies. A signal for another thread also raises that vCPU's
// exit_request so it leaves guest code within one TB, and kicks its host
// thread out of a blocking host syscall (Process::kick_locked).
//
// A thread that blocks in a host syscall does so through safe_syscall
// (safe_syscall.h): the kick that accompanies a signal makes it return.
//
// Stop and continue (group stop): a stop signal's default action parks every
// thread of the process (in deliver_signals) until SIGCONT or SIGKILL; the
// parent is told (SIGCHLD CLD_STOPPED/CLD_CONTINUED unless SA_NOCLDSTOP) and
// wait4/waitid report it (WUNTRACED, WCONTINUED). Threads waiting in
// syscalls come out (has_deliverable) and restart them when continued.
//
// Restart blocks: a timed wait that Linux resumes with the time that is left
// (nanosleep, relative clock_nanosleep, futex wait with a timeout) records
// its absolute deadline in the thread's RestartBlock and returns
// kERESTART_RESTARTBLOCK. With a handler that becomes -EINTR; without one
// (a stop and continue, a signal that another thread took) the thread goes
// back to the ecall with a7 = restart_syscall (128), which runs the block.
// rt_sigreturn clears the block, as Linux's does.
//
// Not done yet: vector state in the frame (no V extension).
#pragma once

#include <csignal>
#include <cstdint>
#include <ctime>
#include <deque>
#include <string>

#include "core/address_space.h"
#include "core/vcpu.h"
#include "linux-abi/riscv64_abi.h"

namespace hart::linux {

class Process;
struct SyscallCtx;

// The guest's signal numbers equal x86-64's for the classic signals.
static_assert(SIGBUS == 7 && SIGUSR1 == 10 && SIGSEGV == 11 && SIGCHLD == 17 && SIGSTOP == 19 &&
              SIGSYS == 31);

constexpr uint64_t sig_bit(int sig) { return uint64_t{1} << (sig - 1); }
constexpr uint64_t kUnblockableSignals = sig_bit(SIGKILL) | sig_bit(SIGSTOP);
// Linux dequeues these first (they come from the instruction just executed).
constexpr uint64_t kSynchronousSignals = sig_bit(SIGSEGV) | sig_bit(SIGBUS) | sig_bit(SIGILL) |
                                         sig_bit(SIGTRAP) | sig_bit(SIGFPE) | sig_bit(SIGSYS);

// Kernel-internal restart codes a handler may return (never seen by the guest).
constexpr int64_t kERESTARTSYS = -512;
constexpr int64_t kERESTARTNOINTR = -513;
constexpr int64_t kERESTARTNOHAND = -514;
constexpr int64_t kERESTART_RESTARTBLOCK = -516;
// riscv64 __NR_restart_syscall: what a7 becomes for a kERESTART_RESTARTBLOCK
// restart.
constexpr uint64_t kNrRestartSyscall = 128;

// Linux's restart_block: how restart_syscall resumes a call that returned
// kERESTART_RESTARTBLOCK. One per thread (Thread::restart), touched only by
// the thread itself (its syscalls and rt_sigreturn), so it needs no lock.
struct RestartBlock {
  // The call to resume; nullptr: restart_syscall fails with EINTR (Linux's
  // do_no_restart_syscall).
  int64_t (*fn)(SyscallCtx& ctx, RestartBlock& rb) = nullptr;
  clockid_t clock = CLOCK_MONOTONIC;  // host clock of deadline
  struct timespec deadline = {0, 0};  // absolute
  uint64_t addr = 0;                  // nanosleep: rmtp (0: none); futex: uaddr
  uint32_t val = 0, bitset = 0;       // futex
  int op = 0;                         // futex: FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME
  int64_t cpu_clock = 0;              // clock_nanosleep on a process CPU clock: its guest id
};

enum class SigDefault { Terminate, Core, Ignore, Stop, Continue };
SigDefault signal_default_action(int sig);

// A set of pending signals: a bitmask and the siginfo of each instance.
// Classic signals (< SIGRTMIN) are pending at most once; real-time ones queue.
class PendingSignals {
 public:
  uint64_t mask() const { return mask_; }
  void add(const GuestSiginfo& info);
  // Removes the oldest instance of sig; false if none.
  bool take(int sig, GuestSiginfo* out);
  void discard(int sig);  // every instance
  size_t queued() const { return queue_.size(); }
 private:
  uint64_t mask_ = 0;
  std::deque<GuestSiginfo> queue_;
};

// Per guest thread.
struct ThreadSignals {
  uint64_t blocked = 0;
  PendingSignals pending;  // thread-directed (tgkill, faults)
  // rt_sigsuspend / rt_sigtimedwait: the mask to restore once a handler's
  // frame has recorded it (or at once when no handler runs).
  bool restore_blocked = false;
  uint64_t saved_blocked = 0;
  // Set by rt_sigreturn: its a0 is a restored register, not a result to restart.
  bool in_sigreturn = false;
  // sigaltstack.
  uint64_t ss_sp = 0, ss_size = 0;
  int ss_flags = kSS_DISABLE;
};

// Per guest process.
struct ProcessSignals {
  GuestSigaction action[kGuestNSig + 1] = {};  // index = signal number
  PendingSignals shared;                        // process-directed (kill, sigqueue)
};

// Altstack queries, as Linux's on_sig_stack()/sas_ss_flags().
bool on_sig_stack(const ThreadSignals& ts, uint64_t sp);
int sas_ss_flags(const ThreadSignals& ts, uint64_t sp);

// True if act makes sig do nothing (SIG_IGN, or SIG_DFL with an ignore or
// continue default). SIGKILL is never ignored.
bool handler_ignores(const GuestSigaction& act, int sig);
// SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU.
bool is_stop_signal(int sig);
// True if delivering sig now would do nothing (ignored and not blocked).
// Process mutex held (for this and the next two).
bool signal_is_ignored(const Process& p, const ThreadSignals& ts, int sig);
// True if a signal pending for the thread or the process is not blocked, or
// the process is stopping (the thread must come out and park).
bool has_deliverable(const Process& p, const ThreadSignals& ts);
// Dequeues the next signal in `allowed`: SIGKILL first, then the thread's own
// set before the process's, synchronous signals first, lowest number first.
// Returns it (0 if none) with its siginfo in *info.
int dequeue_signal(Process& p, ThreadSignals& ts, uint64_t allowed, GuestSiginfo* info);

// sigaltstack for thread ts whose sp is sp: ss (may be null) is the new
// stack, *old (may be null) gets the previous one. 0 or -EPERM (on the
// stack), -EINVAL (flags), -ENOMEM (too small). Process mutex held.
int do_sigaltstack(ThreadSignals& ts, const GuestStackT* ss, GuestStackT* old, uint64_t sp);

// Queues info for one thread (target) or, with target == nullptr, for the
// process. Ignored signals are dropped here, as Linux does. Wakes waiters and
// kicks the target vCPU if it is not the caller. Takes the process mutex.
// target must be the caller's own vCPU or nullptr (other threads may exit
// meanwhile: use send_signal_tid for them).
void send_signal(Process& p, Vcpu* target, const GuestSiginfo& info, const Vcpu* caller);
// The same with p's mutex already held (sig must be valid).
void send_signal_locked(Process& p, Vcpu* target, const GuestSiginfo& info, const Vcpu* caller);
// Thread-directed by tid: 0, -ESRCH (no such thread in p) or -EINVAL. Signal 0
// only checks that the thread exists.
int send_signal_tid(Process& p, int tid, const GuestSiginfo& info, const Vcpu* caller);

// A fault of the instruction at pc (force_sig semantics: a blocked or
// ignored synchronous signal is unblocked / reset to SIG_DFL and so kills).
void force_signal(Process& p, Vcpu& v, int sig, int code, uint64_t addr);

// Delivers what can be delivered to thread v before it re-enters guest code:
// builds frames for handlers (nested when several are pending), applies
// default actions (may end the process). Call after every vCPU exit.
void deliver_signals(Process& p, Vcpu& v);

// After a syscall (pc already past the ecall): sets a0 from ret, then
// delivers, turning -ERESTART* codes into a restart (pc back on the ecall,
// a0 = orig_a0, and a7 = restart_syscall for kERESTART_RESTARTBLOCK when no
// handler runs) or -EINTR as Linux does for the handler's SA_RESTART.
void finish_syscall(Process& p, Vcpu& v, int64_t ret, uint64_t orig_a0);

// rt_sigreturn: restores registers, fcsr, mask and altstack from the frame at
// sp and clears the thread's restart block. A bad frame gets SIGSEGV.
// Returns the restored a0.
int64_t do_rt_sigreturn(Process& p, Vcpu& v);

// Maps the one-page "[vdso]" holding __vdso_rt_sigreturn (read+exec) and
// returns its guest address, or 0 with *error.
uint64_t map_sigreturn_trampoline(AddressSpace& as, std::string* error);

}  // namespace hart::linux
