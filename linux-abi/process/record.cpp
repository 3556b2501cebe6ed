// linux-abi/process/record.cpp — see record.h. The threads and the run
// token live here; checkpoints and the reverse searches in record_seek.cpp;
// files in record_file.cpp.
#include "linux-abi/process/record.h"

#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstddef>
#include <cstring>

#include "core/vcpu.h"
#include "linux-abi/process/debug_hooks.h"
#include "linux-abi/process/process.h"
#include "linux-abi/process/record_calls.h"
#include "linux-abi/syscalls/syscall_table.h"

namespace hart::linux {

namespace {

// The most guest memory one system call's record keeps (a larger write is
// cut: replay past it diverges, and says so).
constexpr uint64_t kMaxWriteBytes = uint64_t{64} << 20;
// How often a thread waiting in the recorder looks at debugger stops and
// at its process's exit (hand-overs of the token wake it at once); a
// dormant thread, less often (a program may leave hundreds).
constexpr auto kPoll = std::chrono::milliseconds(10);
constexpr auto kDormantPoll = std::chrono::milliseconds(50);

bool debugger_stop(Process& p) {
  DebugController* d = p.debug.load(std::memory_order_acquire);
  return d && d->attached() && d->stop_requested();
}

}  // namespace

Recorder::~Recorder() = default;

Recorder::RThread* Recorder::rthread(Thread& t) { return static_cast<RThread*>(t.rec_thread); }

Recorder::RThread& Recorder::add_thread(Thread* t, int tid) {
  auto rt = std::make_unique<RThread>();
  rt->rec = this;
  rt->ord = static_cast<uint32_t>(threads_.size());
  rt->tid = tid;
  rt->t = t;
  if (t) {
    Vcpu& v = *t->vcpu;
    v.counting = true;
    v.state.counter_hook = &Recorder::counter_hook;
    v.state.counter_ctx = rt.get();
    save_regs(v.state, &rt->birth);
    rt->birth_blocked = t->sig.blocked;
    rt->birth_clear_tid = t->clear_child_tid;
    t->rec_thread = rt.get();
  }
  threads_.push_back(std::move(rt));
  return *threads_.back();
}

std::shared_ptr<Recorder> Recorder::start(Process& p, const RecordOptions& opts, std::string* error) {
  if (p.thread_count() != 1) {
    *error = "recording starts in a single-threaded process (threads it starts later are recorded)";
    return nullptr;
  }
  std::shared_ptr<Recorder> r(new Recorder());
  r->opts_ = opts;
  if (r->opts_.interval == 0) r->opts_.interval = 1;
  if (r->opts_.max_checkpoints < 2) r->opts_.max_checkpoints = 2;
  Thread& t = Process::thread_of(p.main_thread());
  Vcpu& v = *t.vcpu;
  std::unique_lock<std::mutex> lock(r->mutex_);
  {
    std::lock_guard<std::mutex> pl(p.mutex());
    r->add_thread(&t, t.tid);
  }
  r->slices_.push_back({v.icount, 0, kAtRun});
  r->holder_ = 0;
  r->pos_ = v.icount;
  if (!r->take_checkpoint(p, t, error)) {
    v.counting = false;
    v.state.counter_hook = nullptr;
    v.state.counter_ctx = nullptr;
    t.rec_thread = nullptr;
    return nullptr;
  }
  // Started after the first instruction (monitor record start): blocks
  // translated and chained without counting must not run any more.
  if (std::shared_ptr<TbCache> cache = p.tb_cache_ref()) cache->flush();
  r->end_ = v.icount;
  r->interval_ = r->opts_.interval;
  r->next_checkpoint_ = v.icount + r->interval_;
  r->quantum_end_ = v.icount + kQuantum;
  r->active_ = true;
  return r;
}

bool record_at_launch(Process& p, const RecordOptions& opts, std::string* error) {
  std::shared_ptr<Recorder> r = Recorder::start(p, opts, error);
  if (!r) return false;
  p.recorder = std::move(r);
  return true;
}

uint64_t Recorder::position_locked() const {
  if (holder_ >= 0 && threads_[holder_]->t) return threads_[holder_]->t->vcpu->icount;
  return pos_;
}

uint64_t Recorder::position() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return position_locked();
}

bool Recorder::replaying() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return active_ && replay_ && position_locked() < end_;
}

// ---- the run token -------------------------------------------------------------------

void Recorder::wake_all() {
  std::lock_guard<std::mutex> lock(mutex_);
  cv_.notify_all();
  dormant_cv_.notify_all();
}

bool Recorder::holds_token(Thread& t) const {
  RThread* rt = rthread(t);
  if (!active_ || !rt) return true;
  std::lock_guard<std::mutex> lock(mutex_);
  return !active_ || (holder_ == static_cast<int>(rt->ord) && rt->life == Life::Alive);
}

void Recorder::take(RThread& rt) {
  holder_ = static_cast<int>(rt.ord);
  if (rt.t) rt.t->vcpu->icount = pos_;
  quantum_end_ = pos_ + kQuantum;
  if (!replay_ && slices_.back().ord != rt.ord) {
    slices_.push_back({pos_, rt.ord, last_how_});
    slice_pos_ = slices_.size() - 1;
  }
}

bool Recorder::slice_ends(uint64_t pos, How how) const {
  if (!replay_ || slice_pos_ + 1 >= slices_.size()) return false;
  const Slice& next = slices_[slice_pos_ + 1];
  return next.start <= pos && (how != kAtEcall || next.how == kAtEcall);
}

void Recorder::give_up(RThread& rt, How how, std::unique_lock<std::mutex>&) {
  if (rt.t && holder_ == static_cast<int>(rt.ord)) pos_ = rt.t->vcpu->icount;
  if (replay_) {
    if (slice_pos_ + 1 < slices_.size() && slices_[slice_pos_ + 1].start <= pos_) {
      ++slice_pos_;
      holder_ = -1;
      take(*threads_[slices_[slice_pos_].ord]);
    } else {
      // The end of history (or a schedule the run left): live from here.
      replay_ = false;
      holder_ = -1;
      waiters_.clear();
    }
  } else {
    last_how_ = how;
    holder_ = -1;
    if (!waiters_.empty()) {
      uint32_t next = waiters_.front();
      waiters_.pop_front();
      take(*threads_[next]);
    }
  }
  cv_.notify_all();
}

Recorder::Wait Recorder::wait_turn(Process& p, Thread& t, RThread& rt, uint64_t epoch0,
                                   std::unique_lock<std::mutex>& lock) {
  auto unqueue = [&] {
    for (auto it = waiters_.begin(); it != waiters_.end(); ++it)
      if (*it == rt.ord) {
        waiters_.erase(it);
        break;
      }
  };
  for (;;) {
    if (epoch_ != epoch0) {
      unqueue();
      return Wait::Restored;
    }
    if (!active_ || holder_ == static_cast<int>(rt.ord)) return Wait::Got;
    if (p.should_stop(t)) {
      unqueue();
      return Wait::Leave;
    }
    if (debugger_stop(p)) {
      unqueue();
      return Wait::Stop;
    }
    if (!replay_) {
      bool queued = false;
      for (uint32_t o : waiters_) queued |= o == rt.ord;
      if (holder_ < 0 && (waiters_.empty() || waiters_.front() == rt.ord)) {
        if (queued) waiters_.pop_front();
        take(rt);
        return Wait::Got;
      }
      if (!queued) waiters_.push_back(rt.ord);
    }
    cv_.wait_for(lock, kPoll);
  }
}

// ---- the run loop --------------------------------------------------------------------

bool Recorder::before_run(Process& p, Thread& t) {
  if (!active_) return true;
  RThread* rt = rthread(t);
  std::unique_lock<std::mutex> lock(mutex_);
  if (!rt) {
    // A thread clone made, not yet known to the recorder (record_syscall
    // registers it right after the call): wait for it.
    cv_.wait_for(lock, kPoll);
    return !active_;
  }
  if (holder_ != static_cast<int>(rt->ord) || rt->life != Life::Alive) {
    if (rt->life != Life::Alive) {  // rewound to before its clone: waits to be made again
      dormant_cv_.wait_for(lock, kDormantPoll);
      return false;
    }
    Wait w = wait_turn(p, t, *rt, epoch_, lock);
    if (w != Wait::Got) return false;
  }
  if (!active_) return true;
  Vcpu& v = *t.vcpu;
  uint64_t at = v.icount;
  if (!rt->divergence.empty()) {
    std::string why = std::move(rt->divergence);
    rt->divergence.clear();
    lock.unlock();
    diverged(p, t, why);
    return false;
  }
  // A Goto seek ends here when this thread is the one to stop (or nobody
  // else can get there: the schedule does not change hands here).
  if (seek_ == Seek::Goto && at >= seek_target_ &&
      (seek_ord_ < 0 || seek_ord_ == static_cast<int>(rt->ord) || !slice_ends(at, kAtRun))) {
    seek_ = Seek::None;
    StopEvent rep = report_;
    lock.unlock();
    v.debug_event = rep;
    debug_report(p, t, rep.kind);  // parks; a new reverse request restarts a seek
    return false;
  }
  // A search reached its end (also when a stop, not the count, brought the
  // thread there: a breakpoint right at the end).
  if (seek_ == Seek::Search && at >= seek_target_) {
    finish_search(p);
    return false;
  }
  if (slice_ends(at, kAtRun)) {  // replaying: the token changes hands here
    give_up(*rt, kAtRun, lock);
    return false;
  }
  if (replay_ && seek_ == Seek::None && at >= end_) {
    // The end of history: live again.
    bool left = false;
    for (const auto& o : threads_)
      left |= o->syscall_pos != o->syscalls.size() || o->counter_pos != o->counters.size() ||
              o->signal_pos != o->signals.size();
    replay_ = false;
    waiters_.clear();
    quantum_end_ = at + kQuantum;
    cv_.notify_all();
    if (left) {
      lock.unlock();
      diverged(p, t, "the end of history came before its last events");
      return false;
    }
  }
  if (!replay_ && at >= quantum_end_) {  // recording: another thread's turn?
    if (!waiters_.empty()) {
      give_up(*rt, kAtRun, lock);
      return false;
    }
    quantum_end_ = at + kQuantum;
  }
  // Live, or replaying forward past the last checkpoint (a recording
  // loaded from a file): one checkpoint per interval.
  if (seek_ == Seek::None && at >= next_checkpoint_ &&
      (checkpoints_.empty() || at > checkpoints_.back().icount) && clean_for_checkpoint(*rt)) {
    std::string err;
    if (!take_checkpoint(p, t, &err)) {
      lock.unlock();
      stop(p, "a checkpoint failed: " + err);
      return true;
    }
    next_checkpoint_ = at + interval_;
  }
  uint64_t stop = ~uint64_t{0};
  auto lower = [&](uint64_t x) {
    if (x > at && x < stop) stop = x;
  };
  if (seek_ != Seek::None) lower(seek_target_);
  if (replay_) {
    if (slice_pos_ + 1 < slices_.size()) lower(slices_[slice_pos_ + 1].start);
    lower(end_);
    if (checkpoints_.empty() || next_checkpoint_ > checkpoints_.back().icount) lower(next_checkpoint_);
    // Halt where the next logged signal of this thread was delivered.
    if (rt->signal_pos < rt->signals.size()) lower(rt->signals[rt->signal_pos].icount);
  } else {
    lower(next_checkpoint_);
    lower(quantum_end_);
  }
  v.icount_stop = stop;
  return true;
}

void Recorder::icount_reached(Process& p, Thread& t) {
  if (!active_) return;
  std::unique_lock<std::mutex> lock(mutex_);
  if (seek_ == Seek::Search && t.vcpu->icount >= seek_target_) finish_search(p);
  // Otherwise the end of history, a slice, a checkpoint or a Goto target:
  // before_run sees to it.
}

bool Recorder::retire(Process& p, Thread& t) {
  RThread* rt = rthread(t);
  if (!active_ || !rt || p.exited()) return false;
  std::unique_lock<std::mutex> lock(mutex_);
  if (rt->life != Life::Alive) return false;
  bool others = false;
  for (const auto& o : threads_) others |= o.get() != rt && o->life == Life::Alive;
  if (!others) {
    // The last thread: the process ends (its dormant threads with it).
    ending_ = true;
    cv_.notify_all();
    dormant_cv_.notify_all();
    return false;
  }
  // The guest-visible part of the exit (CLONE_CHILD_CLEARTID, the robust
  // list), with the token held: at a position of the schedule.
  lock.unlock();
  p.exit_effects(t, rt->tid);
  lock.lock();
  rt->life = Life::Dormant;
  t.leave.store(false);
  if (holder_ == static_cast<int>(rt->ord)) give_up(*rt, kAtExit, lock);
  for (;;) {
    if (p.exited() || ending_ || !active_) {
      t.leave.store(true);
      return false;
    }
    if (rt->life == Life::Alive) return true;  // a rewind revived it
    if (debugger_stop(p)) {
      lock.unlock();
      debug_park_waiting(p, t);
      lock.lock();
      continue;
    }
    dormant_cv_.wait_for(lock, kDormantPoll);
  }
}

// ---- system calls --------------------------------------------------------------------

bool Recorder::ecall(Process& p, Thread& t) {
  if (!active_) return false;
  RThread* rt = rthread(t);
  if (!rt || !replay_.load(std::memory_order_relaxed)) return false;  // recording: no lock on this path
  {
    std::lock_guard<std::mutex> lock(mutex_);
    uint64_t at = t.vcpu->icount;
    // Inside history, or the call the live end stopped in (logged, its
    // thread waiting for the token then; exit_group ended the recording).
    bool logged_here = rt->syscall_pos < rt->syscalls.size() && rt->syscalls[rt->syscall_pos].icount == at &&
                       rt->syscalls[rt->syscall_pos].nr != kNrExitGroup;
    if (!replay_ || (at >= end_ && !logged_here)) return false;
  }
  replay_ecall(p, t, *rt);
  return true;
}

void Recorder::syscall_begin(Process& p, Thread& t, uint64_t nr, const uint64_t* args) {
  (void)p;
  RThread* rt = rthread(t);
  if (!active_ || !rt || keeps_token(nr, args)) return;
  // One thread (only the holder makes threads): nobody to give the token to.
  if (threads_.size() == 1) return;
  std::unique_lock<std::mutex> lock(mutex_);
  if (replay_ || holder_ != static_cast<int>(rt->ord)) return;
  bool others = false;
  for (const auto& o : threads_) others |= o.get() != rt && o->life == Life::Alive;
  if (!others) return;  // nobody to give it to
  rt->in_syscall = true;
  give_up(*rt, kAtEcall, lock);
}

bool Recorder::take_back(Process& p, Thread& t, RThread& rt, std::unique_lock<std::mutex>& lock) {
  uint64_t epoch0 = epoch_;
  for (;;) {
    Wait w = wait_turn(p, t, rt, epoch0, lock);
    if (w == Wait::Got) break;
    if (w == Wait::Restored || w == Wait::Leave) return false;
    lock.unlock();
    debug_park_waiting(p, t);  // Stop: parked here, between the call and its result
    lock.lock();
  }
  rt.in_syscall = false;
  return true;
}

bool Recorder::record_syscall(Process& p, Thread& t, uint64_t nr, const uint64_t* args, int64_t ret,
                              const AddressSpace::WriteCapture& cap) {
  RThread* rt = rthread(t);
  if (!active_ || !rt) return true;
  if (t.exec_vcpu) {
    stop(p, "the process called execve (recording one image only for now)");
    return true;
  }
  Vcpu& v = *t.vcpu;
  SyscallEvent e;
  e.icount = v.icount;
  e.nr = nr;
  e.ret = ret;
  if (!reexecuted(nr, args)) {
    std::vector<std::pair<uint64_t, uint64_t>> ranges = cap;
    // A file mapping: its contents come from the file, which replay does not read.
    if (nr == kNrMmap && ret >= 0) ranges.emplace_back(static_cast<uint64_t>(ret), page_up(args[1]));
    kernel_written(nr, args, &ranges);
    uint64_t total = 0;
    for (auto [addr, len] : ranges) {
      if (addr >= p.as().limit()) continue;
      len = std::min(len, p.as().limit() - addr);
      len = std::min(len, kMaxWriteBytes - total);
      if (len == 0) continue;
      std::string bytes(len, '\0');
      if (p.as().peek(addr, bytes.data(), len)) {
        total += len;
        e.writes.emplace_back(addr, std::move(bytes));
        continue;
      }
      // Not all readable (nothing there: the call failed; a file mapping
      // past the end of its file): the pages that are, in runs.
      std::string page(kPageSize, '\0');
      for (uint64_t a = addr; a < addr + len;) {
        uint64_t n = std::min(page_down(a) + kPageSize, addr + len) - a;
        bool ok = p.as().peek(a, page.data(), n);
        if (ok && !e.writes.empty() && e.writes.back().first + e.writes.back().second.size() == a)
          e.writes.back().second.append(page.data(), n);
        else if (ok)
          e.writes.emplace_back(a, std::string(page.data(), n));
        if (ok) total += n;
        a += n;
      }
    }
  }
  Thread* child = nullptr;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    e.blocked = t.sig.blocked;
    e.saved_blocked = t.sig.saved_blocked;
    e.restore_blocked = t.sig.restore_blocked;
    if ((nr == kNrClone || nr == kNrClone3) && ret > 0)
      if (Vcpu* cv = p.thread_by_tid(static_cast<int>(ret))) child = &Process::thread_of(*cv);
  }
  std::unique_lock<std::mutex> lock(mutex_);
  if (child) {  // a new thread (the token was kept: it is numbered in order)
    std::lock_guard<std::mutex> pl(p.mutex());
    e.child = static_cast<int32_t>(add_thread(child, static_cast<int>(ret)).ord);
    cv_.notify_all();
  }
  rt->syscalls.push_back(std::move(e));
  if (!rt->in_syscall) return true;
  return take_back(p, t, *rt, lock);
}

void Recorder::replay_ecall(Process& p, Thread& t, RThread& rt) {
  Vcpu& v = *t.vcpu;
  uint64_t nr = v.state.x[17];
  uint64_t orig_a0 = v.state.x[10];
  uint64_t a[6] = {v.state.x[10], v.state.x[11], v.state.x[12], v.state.x[13], v.state.x[14], v.state.x[15]};
  uint64_t at = v.icount;
  int64_t ret;
  const SyscallEvent* found = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (rt.syscall_pos < rt.syscalls.size() && rt.syscalls[rt.syscall_pos].icount == at &&
        rt.syscalls[rt.syscall_pos].nr == nr)
      found = &rt.syscalls[rt.syscall_pos++];
  }
  if (!found) {
    char buf[160];
    if (rt.syscall_pos < rt.syscalls.size())
      snprintf(buf, sizeof buf, "system call %" PRIu64 " where the log has system call %" PRIu64
               " at instruction %" PRIu64, nr, rt.syscalls[rt.syscall_pos].nr, rt.syscalls[rt.syscall_pos].icount);
    else
      snprintf(buf, sizeof buf, "system call %" PRIu64 " past the log's last one", nr);
    diverged(p, t, buf);
    SyscallCtx ctx{p, v, nr, {a[0], a[1], a[2], a[3], a[4], a[5]}};
    ret = dispatch_syscall(ctx);  // live from here
  } else {
    const SyscallEvent& e = *found;
    ret = e.ret;
    if (e.child >= 0) {
      replay_clone(p, t, e, a);
    } else if (reexecuted(nr, a)) {
      SyscallCtx ctx{p, v, nr, {a[0], a[1], a[2], a[3], a[4], a[5]}};
      int64_t again = dispatch_syscall(ctx);
      // rt_sigreturn returns a0 as it was; set_tid_address the tid, which
      // another process (a recording replayed from a file) numbers otherwise.
      if (again != e.ret && nr != kNrRtSigreturn && nr != kNrSetTidAddress) {
        char buf[128];
        snprintf(buf, sizeof buf, "system call %" PRIu64 " returned %" PRId64 " instead of %" PRId64, nr,
                 again, e.ret);
        diverged(p, t, buf);
      }
      ret = nr == kNrSetTidAddress ? e.ret : again;
    } else {
      if (nr == kNrMmap && e.ret >= 0) {  // a file mapping: its recorded contents, privately
        int prot = static_cast<int>(a[2]) & (PROT_READ | PROT_WRITE | PROT_EXEC);
        p.as().map(static_cast<uint64_t>(e.ret), a[1], prot, kMapFixed, -1, 0, "");
      }
      for (const auto& [addr, bytes] : e.writes)
        if (!p.as().write(addr, bytes.data(), bytes.size())) p.as().poke(addr, bytes.data(), bytes.size());
      if (echo_) echo_output(p, at, nr, a, e.ret);
      std::lock_guard<std::mutex> lock(p.mutex());
      t.sig.blocked = e.blocked;
      t.sig.saved_blocked = e.saved_blocked;
      t.sig.restore_blocked = e.restore_blocked;
    }
  }
  if (t.leave.load() || p.exited()) return;  // exit: the run loop ends the thread
  {
    // The recording gave the token up around this call: so does the replay.
    std::unique_lock<std::mutex> lock(mutex_);
    if (slice_ends(at, kAtEcall)) {
      rt.in_syscall = true;
      give_up(rt, kAtEcall, lock);
      if (!take_back(p, t, rt, lock)) return;  // rewound meanwhile
    }
  }
  finish_syscall(p, v, ret, orig_a0);
}

void Recorder::replay_clone(Process& p, Thread& t, const SyscallEvent& e, const uint64_t* a) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (static_cast<size_t>(e.child) >= threads_.size()) {
    lock.unlock();
    diverged(p, t, "a clone of a thread the recording does not have");
    return;
  }
  RThread& c = *threads_[e.child];
  if (!c.t) {
    // A replay from a file: the thread is made now (its own tid; the guest
    // sees the recorded one, from the log).
    lock.unlock();
    SyscallCtx ctx{p, *t.vcpu, e.nr, {a[0], a[1], a[2], a[3], a[4], a[5]}};
    int64_t tid = dispatch_syscall(ctx);
    Thread* made = nullptr;
    if (tid > 0) {
      std::lock_guard<std::mutex> pl(p.mutex());
      if (Vcpu* nv = p.thread_by_tid(static_cast<int>(tid))) made = &Process::thread_of(*nv);
    }
    if (!made) {
      diverged(p, t, "clone failed in the replay");
      return;
    }
    lock.lock();
    Vcpu& nv = *made->vcpu;
    nv.counting = true;
    nv.state.counter_hook = &Recorder::counter_hook;
    nv.state.counter_ctx = &c;
    c.t = made;
    made->rec_thread = &c;
  }
  // Born (again): the registers, mask and CLONE_CHILD_CLEARTID clone gave it.
  {
    std::lock_guard<std::mutex> pl(p.mutex());
    Thread& ct = *c.t;
    load_regs(ct.vcpu->state, c.birth);
    ct.sig = ThreadSignals{};
    ct.sig.blocked = c.birth_blocked;
    ct.clear_child_tid = c.birth_clear_tid;
    ct.robust_list = ct.robust_list_len = 0;
    ct.vcpu->forget_watch_skip();
  }
  c.syscall_pos = c.counter_pos = c.signal_pos = 0;
  c.in_syscall = false;
  c.life = Life::Alive;
  cv_.notify_all();
  dormant_cv_.notify_all();
  lock.unlock();
  // What the call wrote (CLONE_PARENT_SETTID, CLONE_CHILD_SETTID: the recorded tid).
  for (const auto& [addr, bytes] : e.writes)
    if (!p.as().write(addr, bytes.data(), bytes.size())) p.as().poke(addr, bytes.data(), bytes.size());
}

void Recorder::diverged(Process& p, Thread& t, const std::string& what) {
  Vcpu& v = *t.vcpu;
  p.log().printf("hart: record: replay diverged at instruction %" PRIu64 ": %s; the rest of the history is "
                 "dropped and the process runs live from here\n",
                 v.icount, what.c_str());
  std::lock_guard<std::mutex> lock(mutex_);
  diverged_ = true;
  for (auto& o : threads_) {
    o->syscalls.resize(std::min(o->syscall_pos, o->syscalls.size()));
    o->counters.resize(std::min(o->counter_pos, o->counters.size()));
    o->signals.resize(std::min(o->signal_pos, o->signals.size()));
  }
  slices_.resize(std::min(slice_pos_ + 1, slices_.size()));
  while (checkpoints_.size() > 1 && checkpoints_.back().icount > v.icount) checkpoints_.pop_back();
  replay_ = false;
  seek_ = Seek::None;
  end_ = v.icount;
  next_checkpoint_ = v.icount + interval_;
  waiters_.clear();
  cv_.notify_all();
  dormant_cv_.notify_all();
}

void Recorder::echo_output(Process& p, uint64_t pos, uint64_t nr, const uint64_t* a, int64_t ret) {
  constexpr uint64_t kNrWrite = 64, kNrWritev = 66;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pos <= echoed_to_ && echoed_to_ != 0) return;
    echoed_to_ = pos;
  }
  if ((nr != kNrWrite && nr != kNrWritev) || (a[0] != 1 && a[0] != 2) || ret <= 0) return;
  // The bytes the call wrote, as the guest memory holds them again.
  std::vector<std::pair<uint64_t, uint64_t>> parts;
  if (nr == kNrWrite) {
    parts.emplace_back(a[1], static_cast<uint64_t>(ret));
  } else {
    uint64_t left = static_cast<uint64_t>(ret);
    for (uint64_t i = 0; i < a[2] && i < 1024 && left; ++i) {
      uint64_t iov[2];
      if (!p.as().read(a[1] + 16 * i, iov, sizeof iov)) break;
      parts.emplace_back(iov[0], std::min(iov[1], left));
      left -= std::min(iov[1], left);
    }
  }
  fflush(a[0] == 1 ? stdout : stderr);
  for (auto [addr, len] : parts) {
    std::string buf(std::min<uint64_t>(len, kMaxWriteBytes), '\0');
    if (!p.as().read(addr, buf.data(), buf.size())) break;
    for (size_t off = 0; off < buf.size();) {
      ssize_t n = ::write(static_cast<int>(a[0]), buf.data() + off, buf.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }
}

// ---- signals and counters ---------------------------------------------------------

void Recorder::before_delivery(Process& p, Thread& t, ThreadSignals& ts, ProcessSignals& ps) {
  (void)p;
  RThread* rt = rthread(t);
  if (!active_ || !replay_ || !rt) return;
  uint64_t at = t.vcpu->icount;
  while (rt->signal_pos < rt->signals.size() && rt->signals[rt->signal_pos].icount < at) ++rt->signal_pos;
  // A fault the replay raised where the recording delivered nothing: the
  // run left history (delivering nothing would run the faulting
  // instruction again and again). The process mutex is held here: the
  // divergence is handled at the thread's next turn.
  constexpr uint64_t kSync = sig_bit(SIGSEGV) | sig_bit(SIGBUS) | sig_bit(SIGILL) | sig_bit(SIGFPE) |
                             sig_bit(SIGTRAP);
  bool logged_here = rt->signal_pos < rt->signals.size() && rt->signals[rt->signal_pos].icount == at;
  if (!logged_here && (ts.pending.mask() & kSync)) {
    rt->divergence = "a fault the recording did not have";
    return;
  }
  ts.pending = PendingSignals{};
  ps.shared = PendingSignals{};
  while (rt->signal_pos < rt->signals.size() && rt->signals[rt->signal_pos].icount == at)
    ts.pending.add(rt->signals[rt->signal_pos++].info);
}

void Recorder::delivered(Thread& t, const GuestSiginfo& info) {
  RThread* rt = rthread(t);
  if (!active_ || replay_ || !rt || !rt->divergence.empty()) return;
  rt->signals.push_back({t.vcpu->icount, info});
}

uint64_t Recorder::counter_hook(void* ctx, uint32_t csr, uint64_t live) {
  auto* rt = static_cast<RThread*>(ctx);
  Recorder* r = rt->rec;
  if (!r->active_ || !rt->t) return live;
  if (!r->replay_ || rt->t->vcpu->icount >= r->end_) {
    rt->counters.push_back({csr, live});
    return live;
  }
  if (rt->counter_pos < rt->counters.size() && rt->counters[rt->counter_pos].csr == csr)
    return rt->counters[rt->counter_pos++].value;
  return live;  // not in the log: a divergence the next system call reports
}

// ---- the end ------------------------------------------------------------------------

void Recorder::stop(Process& p, const std::string& why) {
  if (!active_) return;
  p.log().printf("hart: record: recording stopped: %s\n", why.c_str());
  std::lock_guard<std::mutex> lock(mutex_);
  active_ = false;
  for (auto& o : threads_) {
    if (!o->t) continue;
    Vcpu& v = *o->t->vcpu;
    v.counting = false;
    v.icount_stop = ~uint64_t{0};
    v.state.counter_hook = nullptr;
    v.state.counter_ctx = nullptr;
    o->t->rec_thread = nullptr;
  }
  checkpoints_.clear();
  for (auto& o : threads_) {
    o->syscalls.clear();
    o->counters.clear();
    o->signals.clear();
  }
  slices_.clear();
  holder_ = -1;
  waiters_.clear();
  cv_.notify_all();
  dormant_cv_.notify_all();
}

std::string Recorder::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!active_) return "not recording\n";
  char buf[320];
  uint64_t at = position_locked();
  uint64_t first = checkpoints_.empty() ? 0 : checkpoints_.front().icount;
  size_t sys = 0, ctr = 0, sig = 0;
  for (const auto& o : threads_) {
    sys += o->syscalls.size();
    ctr += o->counters.size();
    sig += o->signals.size();
  }
  snprintf(buf, sizeof buf,
           "recording: at instruction %" PRIu64 " (%s), history %" PRIu64 "..%" PRIu64 ", %zu system calls, "
           "%zu counter reads, %zu signals, %zu checkpoints, %zu threads, %zu thread switches\n",
           at, replay_ && at < end_ ? "replaying" : "live", first, replay_ ? std::max(end_, at) : at, sys, ctr,
           sig, checkpoints_.size(), threads_.size(), slices_.empty() ? size_t{0} : slices_.size() - 1);
  return buf;
}

}  // namespace hart::linux
