// linux-abi/process/debug_hooks.cpp — see debug_hooks.h.
#include "linux-abi/process/debug_hooks.h"

#include "linux-abi/process/process.h"
#include "linux-abi/process/record.h"
#include "linux-abi/process/signals.h"

#include <map>
#include <utility>

namespace hart::linux {

namespace {

// may_rewind: the thread is between instructions in its run loop (not in
// a system call or signal delivery), so a reverse request may rewind it.
ResumeAction park(Process& p, Thread& t, const StopEvent& ev, bool may_rewind = false) {
  DebugController* d = p.debug.load(std::memory_order_acquire);
  if (!d || !d->attached()) return {};
  auto leave = [&p, &t, d] { return p.should_stop(t) || !d->attached(); };
  ResumeAction a = d->park(*t.vcpu, ev, leave);
  // Reverse execution: the recorder rewinds the thread, which then runs
  // (seeking) and reports where it arrives; or it stays, stopped again.
  while (a.kind == ResumeKind::ReverseStep || a.kind == ResumeKind::ReverseContinue) {
    Recorder* r = p.recorder.get();
    StopEvent here;
    here.tid = t.tid;
    here.signal = 5;
    here.kind = StopKind::Step;
    if (r && may_rewind && r->begin_reverse(p, t, a.kind, &here)) {
      a = ResumeAction{};
      break;
    }
    a = d->park(*t.vcpu, here, leave);
  }
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

// Children attached by debug_fork_attach, not yet taken by the stub:
// (parent, child pid) → child.
std::mutex g_children_mutex;
std::map<std::pair<const Process*, int>, std::shared_ptr<Process>> g_children;

}  // namespace

bool debug_fork_attach(Process& p, Process& child, bool vfork) {
  DebugController* d = p.debug.load(std::memory_order_acquire);
  if (!d || !d->attached()) return false;
  uint32_t want = vfork ? kDebugVforkEvents : kDebugForkEvents;
  if (!(d->process_events.load() & want)) return false;
  std::shared_ptr<DebugController> cd = debug_attach(child, /*stop=*/true);
  cd->pass_signals.store(d->pass_signals.load());
  cd->process_events.store(d->process_events.load());
  std::lock_guard<std::mutex> lock(g_children_mutex);
  g_children[{&p, child.pid()}] = child.shared_from_this();
  return true;
}

void debug_fork_report(Process& p, Thread& t, Process& child, bool vfork) {
  StopEvent ev;
  ev.kind = vfork ? StopKind::VFork : StopKind::Fork;
  ev.tid = t.tid;
  ev.signal = 5;
  ev.child_pid = child.pid();
  {
    std::lock_guard<std::mutex> lock(child.mutex());
    ev.child_tid = child.tid_of(child.main_thread());
  }
  ResumeAction a = park(p, t, ev);
  if (a.signal) queue_signal(p, t, a.signal, nullptr);
}

void debug_vfork_done(Process& p, Thread& t) {
  DebugController* d = p.debug.load(std::memory_order_acquire);
  if (!d || !d->attached() || !(d->process_events.load() & kDebugVforkEvents)) return;
  if (p.should_stop(t)) return;
  StopEvent ev;
  ev.kind = StopKind::VForkDone;
  ev.tid = t.tid;
  ev.signal = 5;
  ResumeAction a = park(p, t, ev);
  if (a.signal) queue_signal(p, t, a.signal, nullptr);
}

void debug_exec(Process& p, Thread& t, const std::string& guest_path) {
  DebugController* d = p.debug.load(std::memory_order_acquire);
  if (!d || !d->attached()) return;
  d->clear_breakpoints_and_watches();  // the old image's TB cache is gone with it
  if (d->process_events.load() & kDebugExecEvents) d->note_exec(t.tid, guest_path);
}

std::shared_ptr<Process> debug_take_child(Process& parent, int child_pid) {
  std::lock_guard<std::mutex> lock(g_children_mutex);
  auto it = g_children.find({&parent, child_pid});
  if (it == g_children.end()) return nullptr;
  std::shared_ptr<Process> c = std::move(it->second);
  g_children.erase(it);
  return c;
}

void debug_loop_top(Process& p, Thread& t) {
  DebugController* d = p.debug.load(std::memory_order_acquire);
  Vcpu& v = *t.vcpu;
  if (!d || !d->attached()) {
    v.debug = nullptr;
    v.debug_step = false;
    return;
  }
  v.debug = d;
  if (d->exec_pending() && d->take_exec(t.tid) && !p.should_stop(t)) {
    StopEvent ev;
    ev.kind = StopKind::Exec;
    ev.tid = t.tid;
    ev.signal = 5;
    ResumeAction a = park(p, t, ev);
    if (a.signal) queue_signal(p, t, a.signal, nullptr);
    return;
  }
  if (d->stop_requested() && !p.should_stop(t)) {
    StopEvent ev;
    ev.tid = t.tid;
    ResumeAction a = park(p, t, ev, /*may_rewind=*/true);
    if (a.signal) queue_signal(p, t, a.signal, nullptr);
  }
}

void debug_park_waiting(Process& p, Thread& t) {
  DebugController* d = p.debug.load(std::memory_order_acquire);
  if (!d || !d->attached() || !d->stop_requested() || p.should_stop(t)) return;
  t.vcpu->debug = d;
  StopEvent ev;
  ev.tid = t.tid;
  // gdb may send its reverse request to this thread (the one it selects for
  // a process-wide bc): the rewind may start here; the waiting thread then
  // sees it was rewound and gives its wait up.
  ResumeAction a = park(p, t, ev, /*may_rewind=*/true);
  if (a.signal) queue_signal(p, t, a.signal, nullptr);
}

void debug_report(Process& p, Thread& t, StopKind kind) {
  Vcpu& v = *t.vcpu;
  // Replay seeking a position: the recorder notes or passes the stop.
  if (Recorder* r = p.recorder.get(); r && r->seek_event(p, t, kind)) return;
  StopEvent ev;
  if (kind == StopKind::Watch || kind == StopKind::RWatch || kind == StopKind::AWatch ||
      kind == StopKind::HistoryBegin)
    ev = v.debug_event;
  ev.kind = kind;
  ev.tid = t.tid;
  ev.signal = 5;
  ResumeAction a = park(p, t, ev, /*may_rewind=*/true);
  if (a.signal) queue_signal(p, t, a.signal, nullptr);
}

void debug_intercept_signals(Process& p, Thread& t) {
  DebugController* d = p.debug.load(std::memory_order_acquire);
  if (!d || !d->attached()) return;
  if (Recorder* r = p.recorder.get(); r && r->seeking()) return;  // passing through history
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
    d->set_siginfo(t.tid, std::string(reinterpret_cast<const char*>(&info), sizeof info));
    // Between instructions, before delivery: a reverse request may rewind
    // the thread (the signal was not delivered in that history).
    ResumeAction a = park(p, t, ev, /*may_rewind=*/true);
    if (Recorder* r = p.recorder.get(); r && r->seeking()) return;
    done |= sig_bit(sig);
    if (a.signal) {
      done |= sig_bit(a.signal);
      queue_signal(p, t, a.signal, &info);
    }
    if (p.should_stop(t)) return;
  }
}

void debug_syscall(Process& p, Thread& t, int nr, bool entry) {
  DebugController* d = p.debug.load(std::memory_order_acquire);
  if (!d || !d->attached() || !d->catches_syscall(nr)) return;
  StopEvent ev;
  ev.kind = entry ? StopKind::SyscallEntry : StopKind::SyscallReturn;
  ev.tid = t.tid;
  ev.signal = 5;
  ev.addr = static_cast<uint64_t>(nr);
  ResumeAction a = park(p, t, ev);
  if (a.signal) queue_signal(p, t, a.signal, nullptr);
  if (entry) {
    // The all-stop kick left exit_request set: the syscall about to run
    // would see it as a signal and be restarted (a spurious return stop).
    // Clear it unless a signal is really pending or a stop is requested.
    std::lock_guard<std::mutex> lock(p.mutex());
    uint64_t pend = (t.sig.pending.mask() | p.signals.shared.mask()) & ~t.sig.blocked;
    if (!pend && !d->stop_requested()) t.vcpu->state.exit_request.store(0, std::memory_order_release);
  }
}

void debug_thread_exit(Process& p, Thread& t) {
  if (DebugController* d = p.debug.load(std::memory_order_acquire)) d->thread_gone(t.tid);
}

std::shared_ptr<DebugController> debug_controller(Process& p) {
  std::lock_guard<std::mutex> lock(p.mutex());
  if (!p.debug_owner) {
    auto d = std::make_shared<DebugController>();
    std::weak_ptr<Process> wp = p.shared_from_this();
    d->kick_all = [wp] {
      std::shared_ptr<Process> proc = wp.lock();
      if (!proc) return;
      {
        std::lock_guard<std::mutex> l(proc->mutex());
        proc->for_each_thread([&](Vcpu& v, ThreadSignals&) { proc->kick_locked(Process::thread_of(v)); });
      }
      // Threads waiting in the recorder (for the run token, or dormant) park too.
      if (Recorder* r = proc->recorder.get()) r->wake_all();
    };
    p.debug_owner = d;
  }
  return p.debug_owner;
}

std::shared_ptr<DebugController> debug_attach(Process& p, bool stop) {
  std::shared_ptr<DebugController> d = debug_controller(p);
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
  // A process that ended under the debugger has no cache any more.
  if (std::shared_ptr<TbCache> cache = p.tb_cache_ref()) cache->invalidate(start, end);
}

}  // namespace hart::linux
