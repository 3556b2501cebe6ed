// linux-abi/process/signals.cpp — guest signal state, sending, delivery (riscv64
// rt_sigframe), syscall restart and rt_sigreturn. See signals.h.
#include "linux-abi/process/signals.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstddef>
#include <cstring>

#include "core/vtype.h"
#include "linux-abi/loader/initial_stack.h"
#include "linux-abi/process/process.h"
#include "linux-abi/process/record.h"
#include "linux-abi/syscalls/sys_poll.h"

namespace hart::linux {

namespace {
// Bound on queued real-time instances per set (Linux: RLIMIT_SIGPENDING).
constexpr size_t kMaxQueued = 4096;
}  // namespace

SigDefault signal_default_action(int sig) {
  switch (sig) {
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
      return SigDefault::Ignore;
    case SIGCONT:
      return SigDefault::Continue;
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
      return SigDefault::Stop;
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGSEGV:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGSYS:
      return SigDefault::Core;
    default:
      return SigDefault::Terminate;
  }
}

// ---- pending sets -------------------------------------------------------------

void PendingSignals::add(const GuestSiginfo& info) {
  int sig = info.si_signo;
  if (sig < 1 || sig > kGuestNSig) return;
  if (sig < kGuestSigRtMin && (mask_ & sig_bit(sig))) return;  // classic: one instance
  if (queue_.size() >= kMaxQueued && sig >= kGuestSigRtMin) return;
  mask_ |= sig_bit(sig);
  queue_.push_back(info);
}

bool PendingSignals::take(int sig, GuestSiginfo* out) {
  if (!(mask_ & sig_bit(sig))) return false;
  auto it = std::find_if(queue_.begin(), queue_.end(),
                         [sig](const GuestSiginfo& i) { return i.si_signo == sig; });
  if (it == queue_.end()) {  // cannot happen; keep the set consistent anyway
    mask_ &= ~sig_bit(sig);
    return false;
  }
  *out = *it;
  queue_.erase(it);
  if (std::none_of(queue_.begin(), queue_.end(),
                   [sig](const GuestSiginfo& i) { return i.si_signo == sig; }))
    mask_ &= ~sig_bit(sig);
  return true;
}

void PendingSignals::discard(int sig) {
  if (!(mask_ & sig_bit(sig))) return;
  queue_.erase(std::remove_if(queue_.begin(), queue_.end(),
                              [sig](const GuestSiginfo& i) { return i.si_signo == sig; }),
               queue_.end());
  mask_ &= ~sig_bit(sig);
}

// ---- queries --------------------------------------------------------------------

bool on_sig_stack(const ThreadSignals& ts, uint64_t sp) {
  if (ts.ss_flags & kSS_AUTODISARM) return false;
  return sp > ts.ss_sp && sp - ts.ss_sp <= ts.ss_size;
}

int sas_ss_flags(const ThreadSignals& ts, uint64_t sp) {
  if (!ts.ss_size) return kSS_DISABLE;
  return on_sig_stack(ts, sp) ? kSS_ONSTACK : 0;
}

bool handler_ignores(const GuestSigaction& act, int sig) {
  if (sig == SIGKILL) return false;
  if (act.handler == kSigIgn) return true;
  if (act.handler != kSigDfl) return false;
  SigDefault d = signal_default_action(sig);
  return d == SigDefault::Ignore || d == SigDefault::Continue;  // SIGCONT acts when sent
}

bool is_stop_signal(int sig) {
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

bool signal_is_ignored(const Process& p, const ThreadSignals& ts, int sig) {
  if (ts.blocked & sig_bit(sig)) return false;  // blocked signals stay pending
  return handler_ignores(p.signals.action[sig], sig);
}

bool has_deliverable(const Process& p, const ThreadSignals& ts) {
  // A group stop in progress: waiting threads come out to park.
  return ((ts.pending.mask() | p.signals.shared.mask()) & ~ts.blocked) != 0 || p.group_stop.stopping;
}

int do_sigaltstack(ThreadSignals& ts, const GuestStackT* ss, GuestStackT* old, uint64_t sp) {
  GuestStackT o{};
  o.ss_sp = ts.ss_sp;
  o.ss_size = ts.ss_size;
  o.ss_flags = sas_ss_flags(ts, sp) | (ts.ss_flags & kSS_AUTODISARM);
  if (ss) {
    if (on_sig_stack(ts, sp)) return -EPERM;
    int mode = ss->ss_flags & ~kSS_AUTODISARM;
    if (mode != kSS_DISABLE && mode != kSS_ONSTACK && mode != 0) return -EINVAL;
    uint64_t base = ss->ss_sp, size = ss->ss_size;
    if (mode == kSS_DISABLE) {
      base = 0;
      size = 0;
    } else if (size < kGuestMinSigStkSz) {
      return -ENOMEM;
    }
    ts.ss_sp = base;
    ts.ss_size = size;
    ts.ss_flags = ss->ss_flags;
  }
  if (old) *old = o;
  return 0;
}

// ---- sending ---------------------------------------------------------------------

// Queues info and picks the thread to kick (none if every candidate blocks
// it). Mutex held.
void send_signal_locked(Process& p, Vcpu* target, const GuestSiginfo& info, const Vcpu* caller) {
  int sig = info.si_signo;
  if (p.thread_count() == 0) return;  // not started yet, or a zombie
  // As Linux's prepare_signal(): a stop signal cancels a pending SIGCONT;
  // SIGCONT cancels pending stops and continues a stopped process at once,
  // even when it is blocked or ignored.
  if (is_stop_signal(sig) || sig == SIGCONT) {
    auto discard = [&](PendingSignals& set) {
      if (sig == SIGCONT)
        for (int s : {SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU}) set.discard(s);
      else
        set.discard(SIGCONT);
    };
    discard(p.signals.shared);
    p.for_each_thread([&](Vcpu&, ThreadSignals& ts) { discard(ts.pending); });
    Process::GroupStop& gs = p.group_stop;
    if (sig == SIGCONT && gs.stopping) {
      gs.stopping = false;
      if (gs.reported) {
        gs.tell_continued = true;
        p.wait_stop_sig.store(0);
        p.wait_continued.store(true);
      }
      gs.reported = false;
      p.signal_cv().notify_all();
    }
  }
  Vcpu& t = target ? *target : p.main_thread();
  ThreadSignals& ts = p.thread_signals(t);
  if (signal_is_ignored(p, ts, sig)) return;
  if (target)
    ts.pending.add(info);
  else
    p.signals.shared.add(info);
  // A process-directed signal goes to the first thread that does not block
  // it (the caller first, as Linux prefers the current thread).
  Vcpu* kick = nullptr;
  if (target) {
    if (!(ts.blocked & sig_bit(sig)) || sig == SIGKILL) kick = target;
  } else {
    if (caller)
      p.for_each_thread([&](Vcpu& v, ThreadSignals& s) {
        if (&v == caller && !(s.blocked & sig_bit(sig))) kick = &v;
      });
    if (!kick)
      p.for_each_thread([&](Vcpu& v, ThreadSignals& s) {
        if (!kick && !(s.blocked & sig_bit(sig))) kick = &v;
      });
  }
  signalfd_notify(p);  // sys_poll.cpp: signalfds watching sig become readable
  p.signal_cv().notify_all();
  if (kick && kick != caller) p.kick_locked(Process::thread_of(*kick));
}

void send_signal(Process& p, Vcpu* target, const GuestSiginfo& info, const Vcpu* caller) {
  int sig = info.si_signo;
  if (sig < 1 || sig > kGuestNSig) return;
  std::lock_guard<std::mutex> lock(p.mutex());
  send_signal_locked(p, target, info, caller);
}

int send_signal_tid(Process& p, int tid, const GuestSiginfo& info, const Vcpu* caller) {
  int sig = info.si_signo;
  if (sig < 0 || sig > kGuestNSig) return -EINVAL;
  std::lock_guard<std::mutex> lock(p.mutex());
  Vcpu* t = p.thread_by_tid(tid);
  if (!t) return -ESRCH;
  if (sig == 0) return 0;
  send_signal_locked(p, t, info, caller);
  return 0;
}

namespace {

// force_sig_info: a synchronous signal that is blocked or ignored cannot be
// skipped, so it is unblocked and its handler reset to SIG_DFL. Mutex held.
void force_locked(Process& p, ThreadSignals& ts, const GuestSiginfo& info) {
  int sig = info.si_signo;
  GuestSigaction& act = p.signals.action[sig];
  bool blocked = (ts.blocked & sig_bit(sig)) != 0;
  if (blocked || act.handler == kSigIgn) {
    act.handler = kSigDfl;
    if (blocked) ts.blocked &= ~sig_bit(sig);
  }
  ts.pending.add(info);
}

}  // namespace

void force_signal(Process& p, Vcpu& v, int sig, int code, uint64_t addr) {
  GuestSiginfo info{};
  info.si_signo = sig;
  info.si_code = code;
  info.f.fault.addr = addr;
  std::lock_guard<std::mutex> lock(p.mutex());
  force_locked(p, p.thread_signals(v), info);
}

// ---- delivery -----------------------------------------------------------------------

int dequeue_signal(Process& p, ThreadSignals& ts, uint64_t allowed, GuestSiginfo* info) {
  uint64_t mine = ts.pending.mask() & allowed;
  uint64_t shared = p.signals.shared.mask() & allowed;
  if (!(mine | shared)) return 0;
  if ((mine | shared) & sig_bit(SIGKILL)) {
    if (!ts.pending.take(SIGKILL, info)) p.signals.shared.take(SIGKILL, info);
    return SIGKILL;
  }
  PendingSignals& set = mine ? ts.pending : p.signals.shared;
  uint64_t m = mine ? mine : shared;
  if (m & kSynchronousSignals) m &= kSynchronousSignals;
  int sig = __builtin_ctzll(m) + 1;
  if (!set.take(sig, info)) return 0;
  return sig;
}

namespace {

// Pushes the rt_sigframe and points the thread at the handler. false when the
// frame cannot be written (the caller forces SIGSEGV). Mutex held.
bool setup_rt_frame(Process& p, Vcpu& v, ThreadSignals& ts, int sig, const GuestSigaction& act,
                    const GuestSiginfo& info, uint64_t saved_mask) {
  CpuState& s = v.state;
  // The vector context goes in once the thread has used V (riscv_v_vstate_query).
  const bool with_v = s.vs != 0;
  const uint64_t kFrame = rt_frame_size(with_v);
  uint64_t sp = s.x[2];
  // Overflowing the alternate stack is fatal, as in Linux's get_sigframe().
  if (on_sig_stack(ts, sp) && !on_sig_stack(ts, sp - kFrame)) return false;
  uint64_t top = sp;
  if ((act.flags & kSA_ONSTACK) && sas_ss_flags(ts, sp) == 0) top = ts.ss_sp + ts.ss_size;
  uint64_t addr = (top - kFrame) & ~uint64_t{15};
  if (addr > top) return false;  // wrapped below 0

  GuestRtSigframe f;
  memset(&f, 0, sizeof f);
  f.info = info;
  f.uc.uc_flags = 0;
  f.uc.uc_link = 0;
  f.uc.uc_stack.ss_sp = ts.ss_sp;
  f.uc.uc_stack.ss_flags = ts.ss_flags;
  f.uc.uc_stack.ss_size = ts.ss_size;
  f.uc.uc_sigmask = saved_mask;
  GuestSigcontext& sc = f.uc.uc_mcontext;
  sc.sc_regs[0] = s.pc;
  for (int i = 1; i < 32; ++i) sc.sc_regs[i] = s.x[i];
  for (int i = 0; i < 32; ++i) sc.fp_f[i] = s.f[i];
  sc.fp_fcsr = s.fcsr();
  if (with_v) {
    sc.fp_reserved[1] = kRiscvVMagic;
    sc.fp_reserved[2] = kVScSize;
    const uint64_t state_at = addr + sizeof f;
    GuestVExtState vs{s.vstart, s.vl, s.vtype, uint64_t{s.vxrm} << 1 | s.vxsat, kVlenb,
                      state_at + sizeof(GuestVExtState)};
    const GuestCtxHdr end{kEndMagic, 0};
    if (!p.as().write(state_at, &vs, sizeof vs) || !p.as().write(vs.datap, s.v, kVRegsSize) ||
        !p.as().write(vs.datap + kVRegsSize, &end, sizeof end))
      return false;
  }
  if (!p.as().write(addr, &f, sizeof f)) return false;

  if (ts.ss_flags & kSS_AUTODISARM) {  // the handler owns the altstack now
    ts.ss_sp = 0;
    ts.ss_size = 0;
    ts.ss_flags = kSS_DISABLE;
  }
  s.x[1] = p.sigreturn_trampoline;  // ra
  s.x[2] = addr;                    // sp
  s.x[10] = static_cast<uint64_t>(sig);
  s.x[11] = addr + offsetof(GuestRtSigframe, info);
  s.x[12] = addr + offsetof(GuestRtSigframe, uc);
  // (sepc[0] is always 0, RISC-V privileged spec: the kernel's sret drops
  // an odd handler address's low bit, as it does a sigreturn's pc below.)
  s.pc = act.handler & ~uint64_t{1};
  s.res_size = 0;  // a trap clears the LR/SC reservation
  return true;
}

// A stop signal's default action: every thread of p is to park. Mutex held.
void begin_group_stop(Process& p, Vcpu& self, int sig) {
  Process::GroupStop& gs = p.group_stop;
  if (gs.stopping) return;  // already stopping: this thread just parks
  gs.stopping = true;
  gs.sig = sig;
  gs.reported = false;
  if (p.log().enabled(kLog_int))
    p.log().printf("hart: guest %d stopped by signal %d (%s)\n", p.pid(), sig, strsignal(sig));
  p.for_each_thread([&](Vcpu& v, ThreadSignals&) {
    if (&v != &self) p.kick_locked(Process::thread_of(v));
  });
  p.signal_cv().notify_all();  // threads waiting in syscalls come out to park
}

// Parks the calling thread while p is group-stopped: the last thread to park
// tells the parent (CLD_STOPPED); SIGCONT, SIGKILL or the end of the process
// releases it; the first thread to run after a SIGCONT tells the parent
// (CLD_CONTINUED). Mutex held by lock (released while telling the parent).
void group_stop_park(Process& p, Vcpu& v, std::unique_lock<std::mutex>& lock) {
  Process::GroupStop& gs = p.group_stop;
  Thread& t = Process::thread_of(v);
  ThreadSignals& ts = p.thread_signals(v);
  auto must_leave = [&] {
    return p.should_stop(t) || ((ts.pending.mask() | p.signals.shared.mask()) & sig_bit(SIGKILL));
  };
  if (gs.stopping && !must_leave()) {
    ++gs.parked;
    while (gs.stopping && !must_leave()) {
      if (!gs.reported && gs.parked >= static_cast<int>(p.thread_count())) {
        gs.reported = true;
        int sig = gs.sig;
        p.wait_continued.store(false);
        p.wait_stop_sig.store(sig);
        lock.unlock();
        p.notify_parent_stop(kCLD_STOPPED, sig);
        lock.lock();
        continue;
      }
      p.signal_cv().wait(lock);
    }
    --gs.parked;
  }
  if (gs.tell_continued && !gs.stopping) {
    gs.tell_continued = false;
    lock.unlock();
    p.notify_parent_stop(kCLD_CONTINUED, SIGCONT);
    lock.lock();
  }
}

// The work of deliver_signals/finish_syscall. in_syscall: the thread just
// finished a syscall whose result ret is already in a0.
void deliver(Process& p, Vcpu& v, bool from_syscall, int64_t ret, uint64_t orig_a0) {
  CpuState& s = v.state;
  int fatal = 0;
  GuestSiginfo fatal_info{};  // for the core file's NT_SIGINFO
  GuestLog& log = p.log();
  {
    std::unique_lock<std::mutex> lock(p.mutex());
    ThreadSignals& ts = p.thread_signals(v);
    bool in_syscall = from_syscall && !ts.in_sigreturn;
    ts.in_sigreturn = false;
    Recorder* rec = p.recorder.get();  // record/replay: signals are logged / fed
    if (rec) rec->before_delivery(p, Process::thread_of(v), ts, p.signals);
    for (;;) {
      if (p.group_stop.stopping || p.group_stop.tell_continued) group_stop_park(p, v, lock);
      GuestSiginfo info;
      int sig = dequeue_signal(p, ts, ~ts.blocked, &info);
      if (!sig) break;
      if (rec) rec->delivered(Process::thread_of(v), info);
      GuestSigaction act = p.signals.action[sig];
      if (sig == SIGKILL || act.handler == kSigDfl) {
        if (handler_ignores(act, sig)) continue;
        if (is_stop_signal(sig)) {
          // do_signal_stop(): SIGTSTP/TTIN/TTOU do not stop an orphaned group.
          if (sig != SIGSTOP) {
            lock.unlock();
            bool orphaned = p.group_orphaned();
            lock.lock();
            if (orphaned) continue;
          }
          begin_group_stop(p, v, sig);
          continue;  // parks at the top of the loop
        }
        fatal = sig;
        fatal_info = info;
        break;
      }
      if (act.handler == kSigIgn) continue;
      if (act.flags & kSA_RESETHAND) p.signals.action[sig].handler = kSigDfl;
      if (in_syscall) {  // only the first frame sees the interrupted syscall
        in_syscall = false;
        switch (ret) {
          case kERESTART_RESTARTBLOCK:
          case kERESTARTNOHAND:
            s.x[10] = static_cast<uint64_t>(-EINTR);
            break;
          case kERESTARTSYS:
            if (!(act.flags & kSA_RESTART)) {
              s.x[10] = static_cast<uint64_t>(-EINTR);
              break;
            }
            [[fallthrough]];
          case kERESTARTNOINTR:
            s.x[10] = orig_a0;
            s.pc -= 4;
            break;
          default:
            break;
        }
      }
      uint64_t saved_mask = ts.restore_blocked ? ts.saved_blocked : ts.blocked;
      ts.restore_blocked = false;
      if (log.enabled(kLog_int))
        log.printf("hart: guest %d: signal %d (%s) to handler 0x%" PRIx64 " at pc 0x%" PRIx64
                   "\n",
                   p.pid(), sig, strsignal(sig), act.handler, s.pc);
      if (!setup_rt_frame(p, v, ts, sig, act, info, saved_mask)) {
        // force_sigsegv(): a SIGSEGV handler that cannot run is reset first.
        if (sig == SIGSEGV) p.signals.action[SIGSEGV].handler = kSigDfl;
        GuestSiginfo si{};
        si.si_signo = SIGSEGV;
        si.si_code = kSI_KERNEL;
        force_locked(p, ts, si);
        continue;
      }
      ts.blocked |= act.mask;
      if (!(act.flags & kSA_NODEFER)) ts.blocked |= sig_bit(sig);
      ts.blocked &= ~kUnblockableSignals;
    }
    if (!fatal) {
      if (in_syscall) {  // no handler ran: restart what asked to be restarted
        switch (ret) {
          case kERESTARTNOHAND:
          case kERESTARTSYS:
          case kERESTARTNOINTR:
            s.x[10] = orig_a0;
            s.pc -= 4;
            break;
          case kERESTART_RESTARTBLOCK:  // resumed by restart_syscall
            s.x[10] = orig_a0;
            s.x[17] = kNrRestartSyscall;
            s.pc -= 4;
            break;
          default:
            break;
        }
      }
      if (ts.restore_blocked) {
        ts.blocked = ts.saved_blocked;
        ts.restore_blocked = false;
      }
    }
  }
  if (fatal) {
    if (log.enabled(kLog_int))
      log.printf("hart: guest %d killed by signal %d (%s)\n", p.pid(), fatal, strsignal(fatal));
    p.exit_with_signal(fatal, &Process::thread_of(v), &fatal_info);  // dumps core if it should
  }
}

}  // namespace

void deliver_signals(Process& p, Vcpu& v) { deliver(p, v, false, 0, 0); }

void finish_syscall(Process& p, Vcpu& v, int64_t ret, uint64_t orig_a0) {
  v.state.x[10] = static_cast<uint64_t>(ret);
  deliver(p, v, true, ret, orig_a0);
}

// ---- rt_sigreturn ---------------------------------------------------------------------

int64_t do_rt_sigreturn(Process& p, Vcpu& v) {
  CpuState& s = v.state;
  // A call interrupted before the handler ran is not resumed any more.
  Process::thread_of(v).restart.fn = nullptr;
  uint64_t addr = s.x[2];
  GuestRtSigframe f;
  bool ok = p.as().read(addr, &f, sizeof f) && f.uc.uc_mcontext.fp_reserved[0] == 0;
  // The extension chain (restore_sigcontext): END, or the vector context
  // (only for a thread that has used V, with the exact size), then END.
  bool have_v = false;
  GuestVExtState vs{};
  alignas(16) uint8_t vregs[kVRegsSize];
  uint64_t hdr_at = addr + kSigframeExtHdr;
  for (int n = 0; ok; ++n) {
    GuestCtxHdr h;
    if (n > 8 || !p.as().read(hdr_at, &h, sizeof h)) {
      ok = false;
    } else if (h.magic == kEndMagic) {
      ok = h.size == 0;
      break;
    } else if (h.magic == kRiscvVMagic && s.vs != 0 && h.size == kVScSize) {
      ok = p.as().read(hdr_at + sizeof h, &vs, sizeof vs) && p.as().read(vs.datap, vregs, sizeof vregs);
      have_v = true;
      hdr_at += h.size;
    } else {
      ok = false;
    }
  }
  if (!ok) {
    if (p.log().enabled(kLog_int) || p.log().enabled(kLog_guest_errors))
      p.log().printf("hart: guest %d: bad signal frame at 0x%" PRIx64 " in rt_sigreturn\n",
                     p.pid(), addr);
    force_signal(p, v, SIGSEGV, kSI_KERNEL, 0);
    std::lock_guard<std::mutex> lock(p.mutex());
    p.thread_signals(v).in_sigreturn = true;
    return static_cast<int64_t>(s.x[10]);
  }
  const GuestSigcontext& sc = f.uc.uc_mcontext;
  s.pc = sc.sc_regs[0] & ~uint64_t{1};  // (sepc[0] is always 0: an odd pc resumes at pc - 1)
  for (int i = 1; i < 32; ++i) s.x[i] = sc.sc_regs[i];
  for (int i = 0; i < 32; ++i) s.f[i] = sc.fp_f[i];
  s.set_fcsr(sc.fp_fcsr);
  if (have_v) {  // __restore_v_state: vlenb and datap are not state
    v::set_vtype_vl(s, vs.vtype, vs.vl);  // as the kernel's vsetvl: never vl > VLMAX
    s.vstart = vs.vstart & (kVlen - 1);
    s.vxrm = (vs.vcsr >> 1) & 3;
    s.vxsat = vs.vcsr & 1;
    memcpy(s.v, vregs, sizeof vregs);
  }
  s.res_size = 0;
  std::lock_guard<std::mutex> lock(p.mutex());
  ThreadSignals& ts = p.thread_signals(v);
  ts.blocked = f.uc.uc_sigmask & ~kUnblockableSignals;
  ts.restore_blocked = false;
  // restore_altstack(): errors other than EFAULT are ignored (EPERM while
  // still on the altstack is the common one).
  do_sigaltstack(ts, &f.uc.uc_stack, nullptr, s.x[2]);
  ts.in_sigreturn = true;
  return static_cast<int64_t>(s.x[10]);
}

// ---- the sigreturn trampoline page ---------------------------------------------------

uint64_t map_sigreturn_trampoline(AddressSpace& as, std::string* error) {
  // Above the stack, in the gap before the end of guest space (Linux puts
  // the vDSO near the stack too). Not an ELF: no AT_SYSINFO_EHDR is passed.
  uint64_t want = stack_top(as) + (1ull << 20);
  int64_t r = as.map(want, kPageSize, PROT_READ | PROT_EXEC, kMapFixedNoReplace, -1, 0, "[vdso]");
  if (r < 0) {
    r = as.map(as.find_free(kPageSize, 0), kPageSize, PROT_READ | PROT_EXEC, kMapFixedNoReplace,
               -1, 0, "[vdso]");
  }
  if (r < 0 || !as.poke(static_cast<uint64_t>(r), kSigreturnInsns, sizeof kSigreturnInsns)) {
    *error = "cannot map the sigreturn trampoline: " +
             std::string(strerror(r < 0 ? static_cast<int>(-r) : EFAULT));
    return 0;
  }
  return static_cast<uint64_t>(r);
}

}  // namespace hart::linux
