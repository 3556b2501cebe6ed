// linux-abi/process/record.cpp — see record.h.
#include "linux-abi/process/record.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cinttypes>
#include <cstddef>
#include <cstring>

#include "core/vcpu.h"
#include "linux-abi/process/debug_hooks.h"
#include "linux-abi/process/process.h"
#include "linux-abi/syscalls/syscall_table.h"

namespace hart::linux {

namespace {

// riscv64 (asm-generic) numbers of the system calls replay re-executes:
// they only change state that a checkpoint restores (the address space,
// brk, signal dispositions and masks) and give the same result again.
enum : uint64_t {
  kNrSetTidAddress = 96, kNrSetRobustList = 99, kNrSigaltstack = 132, kNrRtSigaction = 134,
  kNrRtSigprocmask = 135, kNrRtSigreturn = 139, kNrBrk = 214, kNrMunmap = 215, kNrMremap = 216,
  kNrMmap = 222, kNrMprotect = 226, kNrMadvise = 233, kNrRiscvFlushIcache = 259,
};
constexpr uint64_t kGuestMapAnonymous = 0x20;
// The most guest memory one system call's record keeps (a larger write is
// cut: replay past it diverges, and says so).
constexpr uint64_t kMaxWriteBytes = uint64_t{64} << 20;

bool reexecuted(uint64_t nr, const uint64_t* a) {
  switch (nr) {
    case kNrSetTidAddress: case kNrSetRobustList: case kNrSigaltstack: case kNrRtSigaction:
    case kNrRtSigprocmask: case kNrRtSigreturn: case kNrBrk: case kNrMunmap: case kNrMremap:
    case kNrMprotect: case kNrMadvise: case kNrRiscvFlushIcache:
      return true;
    case kNrMmap:
      return (a[3] & kGuestMapAnonymous) != 0;
    default:
      return false;
  }
}

// CpuState's architectural registers lie at its start: x, pc, f, fflags, frm.
constexpr size_t kArchBytes = offsetof(CpuState, mem_base);

bool is_watch(StopKind k) { return k == StopKind::Watch || k == StopKind::RWatch || k == StopKind::AWatch; }

}  // namespace

Recorder::~Recorder() = default;

std::shared_ptr<Recorder> Recorder::start(Process& p, const RecordOptions& opts, std::string* error) {
  if (p.thread_count() != 1) {
    *error = "recording needs a single-threaded process (multi-threaded recording is not supported yet)";
    return nullptr;
  }
  std::shared_ptr<Recorder> r(new Recorder());
  r->opts_ = opts;
  if (r->opts_.interval == 0) r->opts_.interval = 1;
  if (r->opts_.max_checkpoints < 2) r->opts_.max_checkpoints = 2;
  Thread& t = Process::thread_of(p.main_thread());
  Vcpu& v = *t.vcpu;
  r->thread_ = &t;
  v.counting = true;
  if (!r->take_checkpoint(p, t, error)) {
    v.counting = false;
    return nullptr;
  }
  v.state.counter_hook = &Recorder::counter_hook;
  v.state.counter_ctx = r.get();
  r->end_ = v.icount;
  r->interval_ = r->opts_.interval;
  r->next_checkpoint_ = v.icount + r->interval_;
  r->active_ = true;
  return r;
}

bool record_at_launch(Process& p, const RecordOptions& opts, std::string* error) {
  std::shared_ptr<Recorder> r = Recorder::start(p, opts, error);
  if (!r) return false;
  p.recorder = std::move(r);
  return true;
}

bool Recorder::replaying(const Thread& t) const { return active_ && replay_ && t.vcpu->icount < end_; }

// ---- checkpoints -------------------------------------------------------------------

bool Recorder::take_checkpoint(Process& p, Thread& t, std::string* error) {
  Vcpu& v = *t.vcpu;
  Checkpoint ck;
  ck.mem = p.as().fork_copy(error);
  if (!ck.mem) return false;
  ck.icount = v.icount;
  // Replaying forward past the last checkpoint: the replay's positions.
  ck.next_syscall = replay_ ? syscall_pos_ : syscalls_.size();
  ck.next_counter = replay_ ? counter_pos_ : counters_.size();
  ck.next_signal = replay_ ? signal_pos_ : signals_.size();
  memcpy(ck.arch, &v.state, kArchBytes);
  ck.res = {v.state.res_addr, v.state.res_value, v.state.res_size};
  process_state(p, t, ck, /*save=*/true);
  std::lock_guard<std::mutex> lock(mutex_);
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

void Recorder::process_state(Process& p, Thread& t, Checkpoint& ck, bool save) {
  auto keep = [save](auto& live, auto& kept) {
    if (save)
      kept = live;
    else
      live = kept;
  };
  std::lock_guard<std::mutex> lock(p.mutex());
  keep(p.brk_start, ck.brk_start);
  keep(p.brk_cur, ck.brk_cur);
  keep(p.brk_mapped, ck.brk_mapped);
  keep(p.signals, ck.psig);
  keep(t.sig, ck.tsig);
}

void Recorder::restore(Process& p, Thread& t, Checkpoint& ck) {
  Vcpu& v = *t.vcpu;
  if (int e = p.as().restore_from(*ck.mem))
    p.log().printf("hart: record: restoring a checkpoint failed: %s\n", strerror(-e));
  memcpy(static_cast<void*>(&v.state), ck.arch, kArchBytes);
  v.state.res_addr = ck.res.addr;
  v.state.res_value = ck.res.value;
  v.state.res_size = ck.res.size;
  v.icount = ck.icount;
  v.forget_watch_skip();
  v.debug_step = false;
  process_state(p, t, ck, /*save=*/false);
  syscall_pos_ = ck.next_syscall;
  counter_pos_ = ck.next_counter;
  signal_pos_ = ck.next_signal;
}

// ---- the run loop --------------------------------------------------------------------

void Recorder::before_run(Process& p, Thread& t) {
  if (!active_) return;
  Vcpu& v = *t.vcpu;
  if (p.thread_count() != 1) {
    stop(p, t, "the process started a second thread (multi-threaded recording is not supported yet)");
    return;
  }
  if (replay_ && seek_ == Seek::None && v.icount >= end_) {
    // The end of history: live again.
    if (syscall_pos_ != syscalls_.size() || counter_pos_ != counters_.size() ||
        signal_pos_ != signals_.size())
      diverged(p, t, "the end of history came before its last events");
    replay_ = false;
  }
  // Live, or replaying forward past the last checkpoint (a recording
  // loaded from a file): one checkpoint per interval.
  if (seek_ == Seek::None && v.icount >= next_checkpoint_ &&
      (checkpoints_.empty() || v.icount > checkpoints_.back().icount)) {
    std::string err;
    if (!take_checkpoint(p, t, &err)) {
      stop(p, t, "a checkpoint failed: " + err);
      return;
    }
    next_checkpoint_ = v.icount + interval_;
  }
  if (seek_ != Seek::None)
    v.icount_stop = seek_target_;
  else if (replay_)
    v.icount_stop = next_checkpoint_ > v.icount ? std::min(end_, next_checkpoint_) : end_;
  else
    v.icount_stop = next_checkpoint_;
  // Replaying: halt where the next logged signal was delivered.
  if (replay_ && signal_pos_ < signals_.size() && signals_[signal_pos_].icount > v.icount)
    v.icount_stop = std::min(v.icount_stop, signals_[signal_pos_].icount);
}

void Recorder::before_delivery(Process& p, Thread& t, ThreadSignals& ts, ProcessSignals& ps) {
  if (!active_ || !replay_) return;
  uint64_t at = t.vcpu->icount;
  while (signal_pos_ < signals_.size() && signals_[signal_pos_].icount < at) ++signal_pos_;  // passed
  // A fault the replay raised where the recording delivered nothing: the
  // run left history (delivering nothing would run the faulting
  // instruction again and again).
  constexpr uint64_t kSync = sig_bit(SIGSEGV) | sig_bit(SIGBUS) | sig_bit(SIGILL) | sig_bit(SIGFPE) |
                             sig_bit(SIGTRAP);
  bool logged_here = signal_pos_ < signals_.size() && signals_[signal_pos_].icount == at;
  if (!logged_here && (ts.pending.mask() & kSync)) {
    diverged(p, t, "a fault the recording did not have");
    return;
  }
  ts.pending = PendingSignals{};
  ps.shared = PendingSignals{};
  while (signal_pos_ < signals_.size() && signals_[signal_pos_].icount == at)
    ts.pending.add(signals_[signal_pos_++].info);
}

void Recorder::delivered(Thread& t, const GuestSiginfo& info) {
  if (!active_ || replay_) return;
  signals_.push_back({t.vcpu->icount, info});
}

void Recorder::icount_reached(Process& p, Thread& t) {
  if (!active_) return;
  Vcpu& v = *t.vcpu;
  if (seek_ == Seek::Goto && v.icount >= seek_target_) {
    seek_ = Seek::None;
    v.debug_event = report_;
    debug_report(p, t, report_.kind);  // parks; a new reverse request restarts a seek
    return;
  }
  if (seek_ == Seek::Search && v.icount >= seek_target_) finish_search(p, t);
  // Otherwise the end of history or a checkpoint: before_run sees to it.
}

bool Recorder::seek_event(Process& p, Thread& t, StopKind kind) {
  (void)p;
  if (!active_ || seek_ == Seek::None) return false;
  Vcpu& v = *t.vcpu;
  if (kind == StopKind::Step) {  // the instruction under a breakpoint ran
    v.debug_step = false;
    return true;
  }
  // A watch hit reported after its access ran: the access was one back.
  bool after = is_watch(kind) && v.debug_event.after_access;
  uint64_t at = v.icount - (after ? 1 : 0);
  if (seek_ == Seek::Search && at < search_from_) {
    Hit h;
    h.icount = at;
    h.kind = kind;
    h.addr = is_watch(kind) ? v.debug_event.addr : 0;
    h.after_access = after;
    hits_.push_back(h);
  }
  // A breakpoint: run its instruction (a debug step ignores it). A watch
  // hit: the next run performs the access (Vcpu runs a reported one).
  if (kind == StopKind::Breakpoint) v.debug_step = true;
  return true;
}

// ---- going back --------------------------------------------------------------------

bool Recorder::begin_reverse(Process& p, Thread& t, ResumeKind kind, StopEvent* stop) {
  Vcpu& v = *t.vcpu;
  stop->tid = t.tid;
  stop->signal = 5;
  stop->kind = StopKind::Step;
  if (!active_ || checkpoints_.empty()) return false;  // nowhere to go: stays
  if (!replay_) {
    end_ = v.icount;  // entering history from its live end
    syscall_pos_ = syscalls_.size();
    counter_pos_ = counters_.size();
    signal_pos_ = signals_.size();
    replay_ = true;
  }
  uint64_t cur = v.icount;
  if (cur <= checkpoints_.front().icount) {
    stop->kind = StopKind::HistoryBegin;
    return false;
  }
  size_t ck = checkpoint_at_or_before(cur - 1);
  if (kind == ResumeKind::ReverseStep) {
    StopEvent rep = *stop;
    rep.kind = StopKind::Step;
    start_goto(p, t, ck, cur - 1, rep);
    return true;
  }
  search_from_ = cur;
  start_search(p, t, ck, cur);
  return true;
}

void Recorder::start_goto(Process& p, Thread& t, size_t ck, uint64_t target, const StopEvent& report) {
  restore(p, t, checkpoints_[ck]);
  seek_ = Seek::Goto;
  seek_target_ = target;
  report_ = report;
}

void Recorder::start_search(Process& p, Thread& t, size_t ck, uint64_t limit) {
  restore(p, t, checkpoints_[ck]);
  seek_ = Seek::Search;
  search_ck_ = ck;
  seek_target_ = limit;
  hits_.clear();
}

void Recorder::finish_search(Process& p, Thread& t) {
  StopEvent rep;
  rep.tid = t.tid;
  rep.signal = 5;
  if (!hits_.empty()) {
    const Hit& h = hits_.back();
    rep.kind = h.kind;
    rep.addr = h.addr;
    // A watchpoint is reported to gdb just after the access (its RISC-V
    // watchpoints are non-steppable: gdb steps back over the access itself
    // and compares the values before and after it); to a debugger that
    // takes hits after the access (LLDB), just before it: going backwards,
    // that is where the value changes.
    uint64_t target = is_watch(h.kind) && !h.after_access ? h.icount + 1 : h.icount;
    start_goto(p, t, search_ck_, target, rep);
    return;
  }
  if (search_ck_ == 0) {
    rep.kind = StopKind::HistoryBegin;
    start_goto(p, t, 0, checkpoints_[0].icount, rep);
    return;
  }
  start_search(p, t, search_ck_ - 1, checkpoints_[search_ck_].icount);
}

// ---- system calls --------------------------------------------------------------------

bool Recorder::ecall(Process& p, Thread& t) {
  if (!replaying(t)) return false;
  replay_ecall(p, t);
  return true;
}

void Recorder::record_syscall(Process& p, Thread& t, uint64_t nr, const uint64_t* args, int64_t ret,
                              const AddressSpace::WriteCapture& cap) {
  if (!active_ || replaying(t)) return;
  if (t.exec_vcpu) {
    stop(p, t, "the process called execve (recording one image only for now)");
    return;
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
  if (p.thread_count() != 1) {
    stop(p, t, "the process started a second thread (multi-threaded recording is not supported yet)");
    return;
  }
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    e.blocked = t.sig.blocked;
    e.saved_blocked = t.sig.saved_blocked;
    e.restore_blocked = t.sig.restore_blocked;
  }
  syscalls_.push_back(std::move(e));
}

void Recorder::replay_ecall(Process& p, Thread& t) {
  Vcpu& v = *t.vcpu;
  uint64_t nr = v.state.x[17];
  uint64_t orig_a0 = v.state.x[10];
  uint64_t a[6] = {v.state.x[10], v.state.x[11], v.state.x[12], v.state.x[13], v.state.x[14], v.state.x[15]};
  int64_t ret;
  if (syscall_pos_ >= syscalls_.size() || syscalls_[syscall_pos_].icount != v.icount ||
      syscalls_[syscall_pos_].nr != nr) {
    char buf[160];
    if (syscall_pos_ < syscalls_.size())
      snprintf(buf, sizeof buf, "system call %" PRIu64 " where the log has system call %" PRIu64
               " at instruction %" PRIu64, nr, syscalls_[syscall_pos_].nr, syscalls_[syscall_pos_].icount);
    else
      snprintf(buf, sizeof buf, "system call %" PRIu64 " past the log's last one", nr);
    diverged(p, t, buf);
    SyscallCtx ctx{p, v, nr, {a[0], a[1], a[2], a[3], a[4], a[5]}};
    ret = dispatch_syscall(ctx);  // live from here
  } else {
    const SyscallEvent& e = syscalls_[syscall_pos_++];
    ret = e.ret;
    if (reexecuted(nr, a)) {
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
      if (echo_ && v.icount > echoed_to_) echo_output(p, t, nr, a, e.ret);
      std::lock_guard<std::mutex> lock(p.mutex());
      t.sig.blocked = e.blocked;
      t.sig.saved_blocked = e.saved_blocked;
      t.sig.restore_blocked = e.restore_blocked;
    }
  }
  finish_syscall(p, v, ret, orig_a0);
}

void Recorder::diverged(Process& p, Thread& t, const std::string& what) {
  Vcpu& v = *t.vcpu;
  p.log().printf("hart: record: replay diverged at instruction %" PRIu64 ": %s; the rest of the history is "
                 "dropped and the process runs live from here\n",
                 v.icount, what.c_str());
  std::lock_guard<std::mutex> lock(mutex_);
  diverged_ = true;
  syscalls_.resize(std::min(syscall_pos_, syscalls_.size()));
  counters_.resize(std::min(counter_pos_, counters_.size()));
  signals_.resize(std::min(signal_pos_, signals_.size()));
  while (checkpoints_.size() > 1 && checkpoints_.back().icount > v.icount) checkpoints_.pop_back();
  replay_ = false;
  seek_ = Seek::None;
  end_ = v.icount;
  next_checkpoint_ = v.icount + interval_;
}

void Recorder::echo_output(Process& p, Thread& t, uint64_t nr, const uint64_t* a, int64_t ret) {
  constexpr uint64_t kNrWrite = 64, kNrWritev = 66;
  echoed_to_ = t.vcpu->icount;
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

uint64_t Recorder::counter_hook(void* ctx, uint32_t csr, uint64_t live) {
  auto* r = static_cast<Recorder*>(ctx);
  if (!r->active_) return live;
  if (!r->replaying(*r->thread_)) {
    r->counters_.push_back({csr, live});
    return live;
  }
  if (r->counter_pos_ < r->counters_.size() && r->counters_[r->counter_pos_].csr == csr)
    return r->counters_[r->counter_pos_++].value;
  return live;  // not in the log: a divergence the next system call reports
}

void Recorder::stop(Process& p, Thread& t, const std::string& why) {
  if (!active_) return;
  Vcpu& v = *t.vcpu;
  p.log().printf("hart: record: recording stopped: %s\n", why.c_str());
  active_ = false;
  v.counting = false;
  v.icount_stop = ~uint64_t{0};
  v.state.counter_hook = nullptr;
  v.state.counter_ctx = nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  checkpoints_.clear();
  syscalls_.clear();
  counters_.clear();
  signals_.clear();
}

std::string Recorder::status(const Thread* t) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!active_) return "not recording\n";
  char buf[256];
  uint64_t at = t ? t->vcpu->icount : 0;
  uint64_t first = checkpoints_.empty() ? 0 : checkpoints_.front().icount;
  snprintf(buf, sizeof buf,
           "recording: at instruction %" PRIu64 " (%s), history %" PRIu64 "..%" PRIu64 ", %zu system calls, "
           "%zu counter reads, %zu signals, %zu checkpoints\n",
           at, replay_ && at < end_ ? "replaying" : "live", first, replay_ ? std::max(end_, at) : at,
           syscalls_.size(), counters_.size(), signals_.size(), checkpoints_.size());
  return buf;
}

}  // namespace hart::linux
