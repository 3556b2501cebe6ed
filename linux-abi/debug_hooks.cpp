// linux-abi/debug_hooks.cpp — see debug_hooks.h.
#include "linux-abi/debug_hooks.h"

#include "linux-abi/process.h"
#include "linux-abi/signals.h"

namespace hart::linux {

namespace {

ResumeAction park(Process& p, Thread& t, const StopEvent& ev) {
  DebugController* d = p.debug.load(std::memory_order_acquire);
  if (!d || !d->attached()) return {};
  auto leave = [&p, &t, d] { return p.should_stop(t) || !d->attached(); };
  ResumeAction a = d->park(*t.vcpu, ev, leave);
  t.vcpu->debug_step = a.kind == ResumeKind::Step;
  return a;
}

// Queues sig for thread t on the debugger's request.
void queue_signal(Process& p, Thread& t, int sig, const GuestSiginfo* orig) {
  if (sig <= 0 || sig > kGuestNSig) return;
  GuestSiginfo info{};
  if (orig && orig->si_signo == sig) {
    info = *orig;
  } else {
    info.si_signo = sig;
    info.si_code = kSI_USER;
  }
  std::lock_guard<std::mutex> lock(p.mutex());
  send_signal_locked(p, t.vcpu.get(), info, t.vcpu.get());
}

}  // namespace

void debug_loop_top(Process& p, Thread& t) {
  DebugController* d = p.debug.load(std::memory_order_acquire);
  Vcpu& v = *t.vcpu;
  if (!d || !d->attached()) {
    v.debug = nullptr;
    v.debug_step = false;
    return;
  }
  v.debug = d;
  if (d->stop_requested() && !p.should_stop(t)) {
    StopEvent ev;
    ev.tid = t.tid;
    ResumeAction a = park(p, t, ev);
    if (a.signal) queue_signal(p, t, a.signal, nullptr);
  }
}

void debug_report(Process& p, Thread& t, StopKind kind) {
  Vcpu& v = *t.vcpu;
  StopEvent ev;
  if (kind == StopKind::Watch || kind == StopKind::RWatch || kind == StopKind::AWatch) ev = v.debug_event;
  ev.kind = kind;
  ev.tid = t.tid;
  ev.signal = 5;
  ResumeAction a = park(p, t, ev);
  if (a.signal) queue_signal(p, t, a.signal, nullptr);
}

void debug_intercept_signals(Process& p, Thread& t) {
  DebugController* d = p.debug.load(std::memory_order_acquire);
  if (!d || !d->attached()) return;
  uint64_t done = sig_bit(SIGKILL);  // never shown; and signals already passed on
  for (;;) {
    GuestSiginfo info{};
    int sig;
    {
      std::lock_guard<std::mutex> lock(p.mutex());
      ThreadSignals& ts = t.sig;
      uint64_t allowed = ~ts.blocked & ~done & ~d->pass_signals.load();
      // SIGKILL pending: the process is going; do not stop for anything.
      if ((ts.pending.mask() | p.signals.shared.mask()) & sig_bit(SIGKILL)) return;
      sig = dequeue_signal(p, ts, allowed, &info);
    }
    if (!sig) return;
    StopEvent ev;
    ev.kind = StopKind::Signal;
    ev.tid = t.tid;
    ev.signal = sig;
    ResumeAction a = park(p, t, ev);
    done |= sig_bit(sig);
    if (a.signal) {
      done |= sig_bit(a.signal);
      queue_signal(p, t, a.signal, &info);
    }
    if (p.should_stop(t)) return;
  }
}

void debug_thread_exit(Process& p, Thread& t) {
  if (DebugController* d = p.debug.load(std::memory_order_acquire)) d->thread_gone(t.tid);
}

std::shared_ptr<DebugController> debug_attach(Process& p, bool stop) {
  std::shared_ptr<DebugController> d;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    if (!p.debug_owner) {
      d = std::make_shared<DebugController>();
      std::weak_ptr<Process> wp = p.shared_from_this();
      d->kick_all = [wp] {
        std::shared_ptr<Process> proc = wp.lock();
        if (!proc) return;
        std::lock_guard<std::mutex> l(proc->mutex());
        proc->for_each_thread([&](Vcpu& v, ThreadSignals&) { proc->kick_locked(Process::thread_of(v)); });
      };
      p.debug_owner = d;
    }
    d = p.debug_owner;
  }
  d->set_attached(true);
  p.debug.store(d.get(), std::memory_order_release);
  if (stop) d->request_stop();
  return d;
}

void debug_detach(Process& p) {
  DebugController* d = p.debug.load(std::memory_order_acquire);
  if (!d) return;
  std::vector<uint64_t> bps = d->breakpoints();
  d->clear_points();
  for (uint64_t pc : bps) debug_invalidate(p, pc, pc + 1);
  d->set_attached(false);
  d->release_all();
}

void debug_invalidate(Process& p, uint64_t start, uint64_t end) {
  p.tb_cache().invalidate(start, end);
}

}  // namespace hart::linux
