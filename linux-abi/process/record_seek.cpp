// linux-abi/process/record_seek.cpp — the Recorder's checkpoints (taking,
// thinning, restoring every thread of the process) and the reverse
// requests: one instruction back of a thread, and the search backwards for
// the last breakpoint or watchpoint hit (record.h, docs/REVERSE.md).
// Owns: Recorder's checkpoint and seek members. Does not own: the run token
// and the logs (record.cpp).
#include <cstring>

#include "core/vcpu.h"
#include "linux-abi/process/debug_hooks.h"
#include "linux-abi/process/process.h"
#include "linux-abi/process/record.h"

namespace hart::linux {

namespace {

// CpuState's architectural registers lie at its start: x, pc, f, fflags, frm.
constexpr size_t kArchBytes = offsetof(CpuState, mem_base);

bool is_watch(StopKind k) { return k == StopKind::Watch || k == StopKind::RWatch || k == StopKind::AWatch; }

}  // namespace

void Recorder::save_regs(const CpuState& s, Regs* r) {
  memcpy(r->arch, &s, kArchBytes);
  r->res_addr = s.res_addr;
  r->res_value = s.res_value;
  r->res_size = s.res_size;
}

void Recorder::load_regs(CpuState& s, const Regs& r) {
  memcpy(static_cast<void*>(&s), r.arch, kArchBytes);
  s.res_addr = r.res_addr;
  s.res_value = r.res_value;
  s.res_size = r.res_size;
}

// ---- checkpoints -------------------------------------------------------------------

bool Recorder::clean_for_checkpoint(const RThread& me) const {
  // Every other living thread waits between instructions: none is inside a
  // system call whose result the checkpoint could not hold.
  for (const auto& o : threads_)
    if (o.get() != &me && o->life == Life::Alive && (o->in_syscall || !o->t)) return false;
  return true;
}

bool Recorder::take_checkpoint(Process& p, Thread& t, std::string* error) {
  Checkpoint ck;
  ck.mem = p.as().fork_copy(error);
  if (!ck.mem) return false;
  ck.icount = t.vcpu->icount;
  ck.slice = slice_pos_;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    ck.brk_start = p.brk_start;
    ck.brk_cur = p.brk_cur;
    ck.brk_mapped = p.brk_mapped;
    ck.psig = p.signals;
    for (const auto& o : threads_) {
      if (o->life == Life::Unborn) continue;
      ThreadCk tc;
      tc.ord = o->ord;
      tc.life = o->life;
      // Replaying forward past the last checkpoint: the replay's positions.
      tc.next_syscall = replay_ ? o->syscall_pos : o->syscalls.size();
      tc.next_counter = replay_ ? o->counter_pos : o->counters.size();
      tc.next_signal = replay_ ? o->signal_pos : o->signals.size();
      if (o->t) {
        save_regs(o->t->vcpu->state, &tc.regs);
        tc.sig = o->t->sig;
        tc.clear_child_tid = o->t->clear_child_tid;
        tc.robust_list = o->t->robust_list;
        tc.robust_list_len = o->t->robust_list_len;
      }
      ck.threads.push_back(std::move(tc));
    }
  }
  checkpoints_.push_back(std::move(ck));
  thin_checkpoints();
  return true;
}

void Recorder::thin_checkpoints() {
  if (checkpoints_.size() <= opts_.max_checkpoints) return;
  // Keep the start of history, the newest one and every other one between,
  // and take them half as often from now on.
  interval_ *= 2;
  std::vector<Checkpoint> kept;
  size_t n = checkpoints_.size();
  for (size_t i = 0; i < n; ++i)
    if (i == 0 || i == n - 1 || i % 2 == 0) kept.push_back(std::move(checkpoints_[i]));
  checkpoints_ = std::move(kept);
}

size_t Recorder::checkpoint_at_or_before(uint64_t at) const {
  size_t best = 0;
  for (size_t i = 0; i < checkpoints_.size(); ++i)
    if (checkpoints_[i].icount <= at) best = i;
  return best;
}

void Recorder::restore(Process& p, Checkpoint& ck) {
  if (int e = p.as().restore_from(*ck.mem))
    p.log().printf("hart: record: restoring a checkpoint failed: %s\n", strerror(-e));
  std::lock_guard<std::mutex> lock(p.mutex());
  p.brk_start = ck.brk_start;
  p.brk_cur = ck.brk_cur;
  p.brk_mapped = ck.brk_mapped;
  p.signals = ck.psig;
  for (auto& o : threads_) {
    const ThreadCk* tc = nullptr;
    for (const ThreadCk& c : ck.threads)
      if (c.ord == o->ord) tc = &c;
    o->in_syscall = false;
    o->divergence.clear();
    if (!tc) {  // born after the checkpoint: dormant until its clone is replayed
      o->life = Life::Unborn;
      o->syscall_pos = o->counter_pos = o->signal_pos = 0;
      continue;
    }
    o->life = tc->life;
    o->syscall_pos = tc->next_syscall;
    o->counter_pos = tc->next_counter;
    o->signal_pos = tc->next_signal;
    if (!o->t) continue;
    Vcpu& v = *o->t->vcpu;
    load_regs(v.state, tc->regs);
    v.icount = ck.icount;
    v.forget_watch_skip();
    v.debug_step = false;
    o->t->sig = tc->sig;
    o->t->clear_child_tid = tc->clear_child_tid;
    o->t->robust_list = tc->robust_list;
    o->t->robust_list_len = tc->robust_list_len;
  }
  slice_pos_ = ck.slice;
  holder_ = static_cast<int>(slices_[ck.slice].ord);
  pos_ = ck.icount;
  waiters_.clear();
  ++epoch_;
  cv_.notify_all();
  dormant_cv_.notify_all();
}

// ---- going back --------------------------------------------------------------------

bool Recorder::previous_of(uint32_t ord, uint64_t at, uint64_t* pos) const {
  if (slices_.empty()) return false;
  for (size_t k = std::min(slice_pos_, slices_.size() - 1) + 1; k-- > 0;) {
    uint64_t end = k == slice_pos_ ? at : slices_[k + 1].start;
    if (slices_[k].ord == ord && end > slices_[k].start) {
      *pos = end - 1;
      return true;
    }
  }
  return false;
}

bool Recorder::begin_reverse(Process& p, Thread& t, ResumeKind kind, StopEvent* stop) {
  stop->tid = t.tid;
  stop->signal = 5;
  stop->kind = StopKind::Step;
  RThread* rt = rthread(t);
  if (!active_ || !rt || rt->life != Life::Alive) return false;  // nowhere to go: stays
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (checkpoints_.empty()) return false;
    uint64_t cur = position_locked();
    if (!replay_) {  // entering history from its live end
      end_ = cur;
      replay_ = true;
    }
    if (cur <= checkpoints_.front().icount) {
      stop->kind = StopKind::HistoryBegin;
      return false;
    }
    if (kind == ResumeKind::ReverseStep) {
      uint64_t target = 0;
      if (!previous_of(rt->ord, cur, &target) || target < checkpoints_.front().icount) {
        stop->kind = StopKind::HistoryBegin;
        return false;
      }
      StopEvent rep = *stop;
      start_goto(p, checkpoint_at_or_before(target), target, static_cast<int>(rt->ord), rep);
    } else {
      search_from_ = cur;
      start_search(p, checkpoint_at_or_before(cur - 1), cur);
    }
  }
  // The other threads were left parked (gdb resumes only this one): they
  // run the replay too, each when the schedule gives it the token.
  if (DebugController* d = p.debug.load(std::memory_order_acquire)) d->release_all();
  return true;
}

void Recorder::start_goto(Process& p, size_t ck, uint64_t target, int ord, const StopEvent& report) {
  restore(p, checkpoints_[ck]);
  seek_ = Seek::Goto;
  seek_target_ = target;
  seek_ord_ = ord;
  report_ = report;
}

void Recorder::start_search(Process& p, size_t ck, uint64_t limit) {
  restore(p, checkpoints_[ck]);
  seek_ = Seek::Search;
  search_ck_ = ck;
  seek_target_ = limit;
  seek_ord_ = -1;
  hits_.clear();
}

void Recorder::finish_search(Process& p) {
  StopEvent rep;
  rep.signal = 5;
  if (!hits_.empty()) {
    const Hit h = hits_.back();
    rep.kind = h.kind;
    rep.addr = h.addr;
    // A watchpoint is reported to gdb just after the access (its RISC-V
    // watchpoints are non-steppable: gdb steps back over the access itself
    // and compares the values before and after it); to a debugger that
    // takes hits after the access (LLDB), just before it: going backwards,
    // that is where the value changes.
    uint64_t target = is_watch(h.kind) && !h.after_access ? h.icount + 1 : h.icount;
    start_goto(p, search_ck_, target, static_cast<int>(h.ord), rep);
    return;
  }
  if (search_ck_ == 0) {
    rep.kind = StopKind::HistoryBegin;
    start_goto(p, 0, checkpoints_[0].icount, -1, rep);
    return;
  }
  start_search(p, search_ck_ - 1, checkpoints_[search_ck_].icount);
}

bool Recorder::seek_event(Process& p, Thread& t, StopKind kind) {
  (void)p;
  if (!active_ || seek_ == Seek::None) return false;
  Vcpu& v = *t.vcpu;
  if (kind == StopKind::Step) {  // the instruction under a breakpoint ran
    v.debug_step = false;
    return true;
  }
  RThread* rt = rthread(t);
  // A watch hit reported after its access ran: the access was one back.
  bool after = is_watch(kind) && v.debug_event.after_access;
  uint64_t at = v.icount - (after ? 1 : 0);
  if (seek_ == Seek::Search && at < search_from_ && rt) {
    Hit h;
    h.icount = at;
    h.ord = rt->ord;
    h.kind = kind;
    h.addr = is_watch(kind) ? v.debug_event.addr : 0;
    h.after_access = after;
    std::lock_guard<std::mutex> lock(mutex_);
    hits_.push_back(h);
  }
  // A breakpoint: run its instruction (a debug step ignores it). A watch
  // hit: the next run performs the access (Vcpu runs a reported one).
  if (kind == StopKind::Breakpoint) v.debug_step = true;
  return true;
}

}  // namespace hart::linux
