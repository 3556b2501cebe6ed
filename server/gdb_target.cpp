// server/gdb_target.cpp — see gdb_target.h.
#include "server/gdb_target.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <future>
#include <thread>

#include <cinttypes>
#include <csignal>
#include <cstring>

#include "core/log.h"
#include "core/vtype.h"
#include "linux-abi/process/debug_hooks.h"
#include "linux-abi/process/fd_table.h"
#include "linux-abi/process/process.h"
#include "linux-abi/process/record.h"
#include "linux-abi/syscalls/sys_util.h"
#include "translator/frontend.h"

namespace hart {

namespace {
// Threads stuck in a blocking host call that a kick does not end (waits on
// condition variables) cannot park; the stop is reported without them after
// this long (they are not running guest code; they park when they return).
constexpr auto kStraggler = std::chrono::milliseconds(300);

gdb::StopReason reason_of(StopKind k) {
  switch (k) {
    case StopKind::Breakpoint: return gdb::StopReason::Breakpoint;
    case StopKind::Step: return gdb::StopReason::Step;
    case StopKind::Watch: return gdb::StopReason::Watch;
    case StopKind::RWatch: return gdb::StopReason::RWatch;
    case StopKind::AWatch: return gdb::StopReason::AWatch;
    case StopKind::Signal: return gdb::StopReason::Signal;
    case StopKind::SyscallEntry: return gdb::StopReason::SyscallEntry;
    case StopKind::SyscallReturn: return gdb::StopReason::SyscallReturn;
    case StopKind::Fork: return gdb::StopReason::Fork;
    case StopKind::VFork: return gdb::StopReason::VFork;
    case StopKind::VForkDone: return gdb::StopReason::VForkDone;
    case StopKind::Exec: return gdb::StopReason::Exec;
    case StopKind::HistoryBegin: return gdb::StopReason::HistoryBegin;
    default: return gdb::StopReason::None;
  }
}
}  // namespace

ProcessGdbTarget::ProcessGdbTarget(std::shared_ptr<linux::Process> p, bool stop, bool started_here)
    : started_here_(started_here) {
  std::shared_ptr<DebugController> d = linux::debug_attach(*p, stop);
  add_process(std::move(p), std::move(d));
  procs_.back().attached = !started_here;
}

void ProcessGdbTarget::add_process(std::shared_ptr<linux::Process> p, std::shared_ptr<DebugController> d) {
  d->set_access_decoder(&insn_mem_access);  // watch mode (translator/frontend.h)
  d->watch_after.store(watch_after_);
  d->claim(this);
  // Released when the last copy of this Proc is gone.
  std::shared_ptr<void> claim(nullptr, [d, who = static_cast<const void*>(this)](void*) { d->unclaim(who); });
  procs_.push_back({std::move(p), std::move(d), false, false, std::move(claim)});
  select(cur_ < procs_.size() ? cur_ : 0);
}

void ProcessGdbTarget::select(size_t i) {
  if (procs_.empty()) {
    cur_ = 0;
    p_.reset();
    d_.reset();
    return;
  }
  cur_ = i;
  p_ = procs_[i].p;
  d_ = procs_[i].d;
}

void ProcessGdbTarget::remove_process(size_t i) {
  procs_.erase(procs_.begin() + static_cast<long>(i));
  select(0);
}

ProcessGdbTarget::Proc* ProcessGdbTarget::proc_of_tid(int tid) {
  for (Proc& pr : procs_) {
    std::lock_guard<std::mutex> lock(pr.p->mutex());
    if (pr.p->thread_by_tid(tid)) return &pr;
  }
  return nullptr;
}

void ProcessGdbTarget::begin_session() {
  for (Proc& pr : procs_) {
    linux::debug_attach(*pr.p, false);
    pr.end_reported = pr.end_reported && pr.p->zombie();  // detached last time: debugged again
  }
  events_ = 0;
  for (Proc& pr : procs_) pr.d->process_events.store(0);
}

int ProcessGdbTarget::pid() { return p_ ? p_->pid() : 0; }

int ProcessGdbTarget::pid_of(int tid) {
  Proc* pr = proc_of_tid(tid);
  return pr ? pr->p->pid() : pid();  // no process yet (extended-remote before run): 0
}

bool ProcessGdbTarget::select_process(int pid) {
  for (size_t i = 0; i < procs_.size(); ++i)
    if (procs_[i].p->pid() == pid) {
      select(i);
      return true;
    }
  return false;
}

size_t ProcessGdbTarget::process_count() {
  size_t n = 0;
  for (Proc& pr : procs_) n += !pr.end_reported;
  return n;
}

void ProcessGdbTarget::kill_one(Proc& pr) {
  pr.p->exit_with_signal(SIGKILL);
  pr.d->release_all();
}

size_t ProcessGdbTarget::end_process(int pid, void (*act)(Proc&)) {
  for (size_t i = 0; i < procs_.size(); ++i)
    if (procs_[i].p->pid() == pid) {
      act(procs_[i]);
      if (procs_.size() == 1) {  // the last one: kept, its end reported
        procs_[i].end_reported = true;
        return 0;
      }
      remove_process(i);
      break;
    }
  return process_count();
}

size_t ProcessGdbTarget::detach_process(int pid) {
  return end_process(pid, [](Proc& pr) { linux::debug_detach(*pr.p); });
}

size_t ProcessGdbTarget::kill_process(int pid) { return end_process(pid, kill_one); }

void ProcessGdbTarget::set_process_events(uint32_t mask) {
  events_ = ((mask & gdb::kProcessFork) ? kDebugForkEvents : 0u) |
            ((mask & gdb::kProcessVfork) ? kDebugVforkEvents : 0u) |
            ((mask & gdb::kProcessExec) ? kDebugExecEvents : 0u);
  for (Proc& pr : procs_) pr.d->process_events.store(events_);
}

std::vector<gdb::ThreadInfo> ProcessGdbTarget::threads() {
  std::vector<gdb::ThreadInfo> out;
  for (Proc& pr : procs_) {
    if (pr.end_reported) continue;
    linux::Process& p = *pr.p;
    std::lock_guard<std::mutex> lock(p.mutex());
    int pid = p.pid();
    p.for_each_thread([&](Vcpu& v, linux::ThreadSignals&) {  // each thread's own name
      const char* comm = linux::Process::thread_of(v).comm;
      out.push_back({p.tid_of(v), pid, std::string(comm, strnlen(comm, sizeof p.comm))});
    });
  }
  return out;
}

bool ProcessGdbTarget::thread_alive(int tid) { return proc_of_tid(tid) != nullptr; }

size_t ProcessGdbTarget::live_threads(const Proc& pr) {
  std::lock_guard<std::mutex> lock(pr.p->mutex());
  return pr.p->thread_count();
}

size_t ProcessGdbTarget::live_threads() { return procs_.empty() ? 0 : live_threads(procs_[cur_]); }

int ProcessGdbTarget::first_tid() {
  if (!p_) return 0;
  std::lock_guard<std::mutex> lock(p_->mutex());
  int tid = 0;
  p_->for_each_thread([&](Vcpu& v, linux::ThreadSignals&) {
    if (!tid) tid = p_->tid_of(v);
  });
  return tid;
}

bool ProcessGdbTarget::read_registers(int tid, gdb::Registers* out) {
  Proc* pr = proc_of_tid(tid);
  if (!pr) return false;
  std::lock_guard<std::mutex> lock(pr->p->mutex());
  Vcpu* v = pr->p->thread_by_tid(tid);
  if (!v) return false;
  const CpuState& s = v->state;
  memcpy(out->x, s.x, sizeof out->x);
  out->x[0] = 0;
  out->pc = s.pc;
  memcpy(out->f, s.f, sizeof out->f);
  out->fflags = s.fflags;
  out->frm = s.frm;
  static_assert(sizeof out->v == sizeof s.v, "the stub's VLEN is the hart's");
  memcpy(out->v, s.v, sizeof out->v);
  out->vstart = s.vstart;
  out->vl = s.vl;
  out->vtype = s.vtype;
  out->vxsat = s.vxsat;
  out->vxrm = s.vxrm;
  return true;
}

bool ProcessGdbTarget::write_registers(int tid, const gdb::Registers& in) {
  Proc* pr = proc_of_tid(tid);
  if (!pr) return false;
  std::lock_guard<std::mutex> lock(pr->p->mutex());
  Vcpu* v = pr->p->thread_by_tid(tid);
  if (!v) return false;
  CpuState& s = v->state;
  memcpy(s.x, in.x, sizeof s.x);
  s.x[0] = 0;
  s.pc = in.pc;
  memcpy(s.f, in.f, sizeof s.f);
  s.fflags = in.fflags & 0x1f;
  s.frm = in.frm & 7;
  memcpy(s.v, in.v, sizeof s.v);
  if (in.vl != s.vl || in.vtype != s.vtype) v::set_vtype_vl(s, in.vtype, in.vl);  // as vsetvl: vl <= VLMAX
  s.vstart = in.vstart & (kVlen - 1);
  s.vxsat = in.vxsat & 1;
  s.vxrm = in.vxrm & 3;
  return true;
}

size_t ProcessGdbTarget::read_memory(uint64_t addr, void* dst, size_t len) {
  std::shared_ptr<AddressSpace> asp = p_ ? p_->as_ref() : nullptr;  // none once it ended
  if (!asp) return 0;
  AddressSpace& as = *asp;
  size_t done = 0;
  auto* out = static_cast<uint8_t*>(dst);
  while (done < len) {
    uint64_t a = addr + done;
    size_t chunk = std::min<uint64_t>(len - done, page_up(a + 1) - a);
    if (a >= as.limit() || !as.read(a, out + done, chunk)) break;
    done += chunk;
  }
  return done;
}

size_t ProcessGdbTarget::write_memory(uint64_t addr, const void* src, size_t len) {
  std::shared_ptr<AddressSpace> asp = p_ ? p_->as_ref() : nullptr;
  if (!asp) return 0;
  AddressSpace& as = *asp;
  if (addr >= as.limit() || len > as.limit() - addr) return 0;
  // A guest-writable range goes through check(PROT_WRITE), which also
  // lifts the write protection of pages holding translated code; read-only
  // code is written past the guest's protection (poke), like ptrace does.
  bool ok = as.check(addr, len, PROT_WRITE) ? as.write(addr, src, len) : as.poke(addr, src, len);
  if (!ok) return 0;
  linux::debug_invalidate(*p_, addr, addr + len);
  return len;
}

bool ProcessGdbTarget::insert_breakpoint(uint64_t addr) {
  std::shared_ptr<AddressSpace> as = p_ ? p_->as_ref() : nullptr;
  if (!as || !as->check(addr, 2, 0)) return false;
  d_->insert_breakpoint(addr);
  linux::debug_invalidate(*p_, addr, addr + 1);
  return true;
}

bool ProcessGdbTarget::remove_breakpoint(uint64_t addr) {
  if (!p_) return false;
  d_->remove_breakpoint(addr);
  linux::debug_invalidate(*p_, addr, addr + 1);
  return true;
}

bool ProcessGdbTarget::insert_watchpoint(int type, uint64_t addr, uint64_t len) {
  if (!d_ || type < 2 || type > 4) return false;
  return d_->insert_watchpoint(static_cast<WatchType>(type), addr, len);
}

bool ProcessGdbTarget::remove_watchpoint(int type, uint64_t addr, uint64_t len) {
  if (!d_ || type < 2 || type > 4) return false;
  return d_->remove_watchpoint(static_cast<WatchType>(type), addr, len);
}

void ProcessGdbTarget::set_watch_after(bool on) {
  watch_after_ = on;
  for (Proc& pr : procs_) pr.d->watch_after.store(on);
}

void ProcessGdbTarget::set_pass_signals(uint64_t mask) {
  pass_mask_ = mask;
  for (Proc& pr : procs_) pr.d->pass_signals.store(mask);
}

void ProcessGdbTarget::resume(const std::vector<std::pair<int, gdb::ThreadAction>>& per_thread,
                              gdb::ThreadAction others) {
  auto conv = [](const gdb::ThreadAction& a) {
    ResumeAction r;
    r.kind = a.action == gdb::Action::Continue          ? ResumeKind::Continue
             : a.action == gdb::Action::Step            ? ResumeKind::Step
             : a.action == gdb::Action::ReverseStep     ? ResumeKind::ReverseStep
             : a.action == gdb::Action::ReverseContinue ? ResumeKind::ReverseContinue
                                                        : ResumeKind::Stop;
    r.signal = a.signal;
    return r;
  };
  stop_signal_ = 5;
  stop_timing_ = false;
  auto action_of = [&](int tid) {
    for (auto& [t, a] : per_thread)
      if (t == tid) return conv(a);
    return conv(others);
  };
  // A pending event of a thread about to run is reported first (nothing runs).
  for (Proc& pr : procs_)
    if (!pr.end_reported && pr.d->has_event() && pr.d->resume(action_of)) return;
  for (Proc& pr : procs_)
    if (!pr.end_reported) pr.d->resume(action_of);
}

void ProcessGdbTarget::request_stop() {
  // 0x03 while running: SIGINT, as gdbserver reports it. A stop already
  // under way (the first one, before the first instruction) keeps SIGTRAP.
  bool any = false;
  for (Proc& pr : procs_) any |= pr.d->stop_requested();
  if (!any) stop_signal_ = SIGINT;
  for (Proc& pr : procs_)
    if (!pr.end_reported) pr.d->request_stop();
}

bool ProcessGdbTarget::ended(gdb::StopInfo* how) {
  if (procs_.empty()) {
    how->kind = gdb::StopInfo::Exited;
    return true;
  }
  // Only once every process has ended (one of several ending is a stop).
  for (Proc& pr : procs_)
    if (!pr.p->zombie()) return false;
  linux::Process& p = *procs_.back().p;
  how->pid = p.pid();
  if (p.killed_by_signal()) {
    how->kind = gdb::StopInfo::Killed;
    how->signal = p.exit_signal();
  } else {
    how->kind = gdb::StopInfo::Exited;
    how->exit_code = p.exit_code();
  }
  return true;
}

// Every live thread of every running process parked (true); *straggling:
// some have not, but for longer than kStraggler (reported without them).
bool ProcessGdbTarget::all_parked(bool* straggling) {
  *straggling = false;
  bool all = true;
  for (Proc& pr : procs_)
    if (!pr.end_reported && !pr.p->zombie() && pr.d->parked_count() < live_threads(pr)) all = false;
  if (all) {
    stop_timing_ = false;
    return true;
  }
  auto now = std::chrono::steady_clock::now();
  if (!stop_timing_) {
    stop_timing_ = true;
    stop_began_ = now;
  }
  if (now - stop_began_ < kStraggler) return false;
  stop_timing_ = false;
  *straggling = true;
  return true;
}

gdb::StopInfo ProcessGdbTarget::poll_stop() {
  gdb::StopInfo st;
  if (procs_.empty()) {  // extended-remote before vRun/vAttach: nothing runs
    st.kind = gdb::StopInfo::Exited;
    return st;
  }
  // A process that ended: reported once the others are stopped too.
  for (size_t i = 0; i < procs_.size(); ++i) {
    Proc& pr = procs_[i];
    if (!pr.p->zombie()) continue;
    if (procs_.size() == 1) {
      ended(&st);
      pr.end_reported = true;
      return st;
    }
    bool others_running = false;
    for (Proc& o : procs_)
      if (&o != &pr && !o.p->zombie() && !o.d->stop_requested()) {
        o.d->request_stop();
        others_running = true;
      }
    bool straggling;
    if (others_running || !all_parked(&straggling)) return st;  // Running
    st.pid = pr.p->pid();
    if (pr.p->killed_by_signal()) {
      st.kind = gdb::StopInfo::Killed;
      st.signal = pr.p->exit_signal();
    } else {
      st.kind = gdb::StopInfo::Exited;
      st.exit_code = pr.p->exit_code();
    }
    remove_process(i);
    return st;
  }
  bool any = false;
  for (Proc& pr : procs_) any |= pr.d->stop_requested();
  if (!any) return st;  // Running
  // All-stop across processes: whatever stops, every process stops.
  for (Proc& pr : procs_)
    if (!pr.d->stop_requested()) pr.d->request_stop();
  bool straggling;
  if (!all_parked(&straggling)) return st;
  StopEvent ev;
  st.kind = gdb::StopInfo::Stopped;
  for (Proc& pr : procs_) {
    if (!pr.d->take_event(&ev)) continue;
    st.tid = ev.tid;
    st.pid = pr.p->pid();
    st.signal = ev.signal;
    st.reason = reason_of(ev.kind);
    st.addr = ev.addr;
    if (ev.kind == StopKind::Fork || ev.kind == StopKind::VFork) {
      st.child_pid = ev.child_pid;
      st.child_tid = ev.child_tid;
      // The child (stopped before its first instruction) is debugged here
      // until gdb detaches it.
      if (std::shared_ptr<linux::Process> c = linux::debug_take_child(*pr.p, ev.child_pid)) {
        std::shared_ptr<DebugController> cd = linux::debug_attach(*c, true);
        cd->pass_signals.store(pass_mask_);
        cd->process_events.store(events_);
        if (catch_on_) cd->set_catch_syscalls(true, catch_nrs_);
        size_t keep = cur_;
        bool parent_attached = pr.attached;  // pr is invalid once procs_ grows
        add_process(std::move(c), std::move(cd));
        procs_.back().attached = parent_attached;
        select(keep);
        return st;
      }
    }
    if (ev.kind == StopKind::Exec) st.exec_path = pr.d->exec_path();
    return st;
  }
  st.tid = first_tid();
  st.pid = p_->pid();
  st.signal = stop_signal_;
  return st;
}

int ProcessGdbTarget::wake_fd() { return d_ ? d_->wake_fd() : -1; }

void ProcessGdbTarget::detach() {
  for (Proc& pr : procs_) linux::debug_detach(*pr.p);
  // A later session debugs the first process only (fork children it kept
  // run on by themselves now).
  if (procs_.size() > 1) {
    procs_.resize(1);
    select(0);
  }
}

void ProcessGdbTarget::kill() {
  for (Proc& pr : procs_) {
    kill_one(pr);
    pr.end_reported = true;
  }
}

// ---- extended-remote -------------------------------------------------------------------

bool ProcessGdbTarget::has_process() { return process_count() > 0; }

void ProcessGdbTarget::drop_ended() {
  for (size_t i = procs_.size(); i-- > 0;)
    if (procs_[i].end_reported || procs_[i].p->zombie()) procs_.erase(procs_.begin() + static_cast<long>(i));
  select(0);
}

int ProcessGdbTarget::run(const gdb::RunRequest& req, std::string* error) {
  if (!launcher_) {
    *error = "this stub cannot start programs";
    return -1;
  }
  gdb::RunRequest r = req;
  if (r.argv.empty()) r.argv.emplace_back();
  if (r.argv[0].empty()) r.argv[0] = default_program_;
  if (r.argv[0].empty()) {
    *error = "no program to run";
    return -1;
  }
  std::shared_ptr<linux::Process> p = launcher_(r, error);
  if (!p) return -1;
  default_program_ = r.argv[0];
  drop_ended();
  std::shared_ptr<DebugController> d = linux::debug_attach(*p, /*stop=*/true);
  d->pass_signals.store(pass_mask_);
  d->process_events.store(events_);
  if (catch_on_) d->set_catch_syscalls(true, catch_nrs_);
  stop_signal_ = 5;
  add_process(p, std::move(d));
  select_process(p->pid());
  return p->pid();
}

bool ProcessGdbTarget::attach(int pid) {
  std::shared_ptr<linux::Process> p = linux::Process::find(pid);
  if (!p || p->zombie()) return false;
  for (Proc& pr : procs_)
    if (pr.p == p && !pr.end_reported) return false;  // already debugged here
  // Another stub debugs it (a per-process stub, another session): refused,
  // as a second ptrace attach is.
  if (!linux::debug_controller(*p)->claim(this)) return false;
  drop_ended();
  std::shared_ptr<DebugController> d = linux::debug_attach(*p, /*stop=*/true);
  d->pass_signals.store(pass_mask_);
  d->process_events.store(events_);
  if (catch_on_) d->set_catch_syscalls(true, catch_nrs_);
  stop_signal_ = 5;
  add_process(p, std::move(d));
  procs_.back().attached = true;
  select_process(pid);
  return true;
}

void ProcessGdbTarget::let_go() {
  for (Proc& pr : procs_) {
    if (pr.end_reported || pr.p->zombie()) continue;
    if (pr.attached)
      linux::debug_detach(*pr.p);
    else
      kill_one(pr);
  }
  procs_.clear();
  select(0);
}

void ProcessGdbTarget::set_catch_syscalls(bool on, const std::vector<int>& numbers) {
  catch_on_ = on;
  catch_nrs_ = numbers;
  for (Proc& pr : procs_) pr.d->set_catch_syscalls(on, numbers);
}

std::string ProcessGdbTarget::siginfo(int tid) {
  Proc* pr = proc_of_tid(tid);
  return pr ? pr->d->siginfo(tid) : std::string();
}

bool ProcessGdbTarget::read_u64(uint64_t addr, uint64_t* v) {
  return read_memory(addr, v, 8) == 8;
}

std::string ProcessGdbTarget::read_cstring(uint64_t addr) {
  std::string out;
  char buf[64];
  while (out.size() < 4096) {
    size_t n = read_memory(addr + out.size(), buf, sizeof buf);
    if (n == 0) break;
    size_t len = strnlen(buf, n);
    out.append(buf, len);
    if (len < n) break;
  }
  return out;
}

std::string ProcessGdbTarget::libraries_svr4() {
  // The main program's dynamic section, from its program headers (AT_PHDR):
  // load bias = AT_PHDR - PT_PHDR's p_vaddr; DT_DEBUG there points at the
  // dynamic linker's r_debug once it has started.
  uint64_t phdr = 0, phnum = 0;
  if (!p_) return "<library-list-svr4 version=\"1.0\"/>\n";
  for (auto& [k, v] : p_->stack().auxv_entries) {
    if (k == 3) phdr = v;   // AT_PHDR
    if (k == 5) phnum = v;  // AT_PHNUM
  }
  const std::string empty = "<library-list-svr4 version=\"1.0\"/>\n";
  if (!phdr || !phnum || phnum > 256) return empty;
  uint64_t bias = 0, dyn = 0;
  bool have_phdr = false;
  for (uint64_t i = 0; i < phnum; ++i) {
    uint8_t ph[56];  // Elf64_Phdr
    if (read_memory(phdr + i * 56, ph, sizeof ph) != sizeof ph) return empty;
    uint32_t type;
    uint64_t vaddr;
    memcpy(&type, ph, 4);
    memcpy(&vaddr, ph + 16, 8);
    if (type == 6) {  // PT_PHDR
      bias = phdr - vaddr;
      have_phdr = true;
    }
    if (type == 2) dyn = vaddr;  // PT_DYNAMIC
  }
  if (!dyn) return empty;  // static program
  if (!have_phdr) bias = 0;
  uint64_t r_debug = 0;
  for (uint64_t a = dyn + bias, n = 0; n < 512; a += 16, ++n) {
    uint64_t tag, val;
    if (!read_u64(a, &tag) || !read_u64(a + 8, &val) || tag == 0) break;
    if (tag == 21) r_debug = val;  // DT_DEBUG
  }
  uint64_t map = 0;
  if (!r_debug || !read_u64(r_debug + 8, &map) || !map) return empty;  // r_map
  // link_map: l_addr, l_name, l_ld, l_next, l_prev. The first entry is the
  // main program (main-lm); the rest are the shared objects.
  char buf[160];
  snprintf(buf, sizeof buf, "<library-list-svr4 version=\"1.0\" main-lm=\"0x%" PRIx64 "\">\n", map);
  std::string doc = buf;
  uint64_t lm = map, prev = 0;
  for (int n = 0; lm && n < 4096; ++n) {
    uint64_t l_addr, l_name, l_ld, l_next, l_prev;
    if (!read_u64(lm, &l_addr) || !read_u64(lm + 8, &l_name) || !read_u64(lm + 16, &l_ld) ||
        !read_u64(lm + 24, &l_next) || !read_u64(lm + 32, &l_prev) || l_prev != prev)
      break;
    if (lm != map) {
      std::string name = l_name ? read_cstring(l_name) : "";
      std::string esc;
      for (char c : name) {
        if (c == '&') esc += "&amp;";
        else if (c == '<') esc += "&lt;";
        else if (c == '>') esc += "&gt;";
        else if (c == '"') esc += "&quot;";
        else esc += c;
      }
      // lmid names the link-map namespace by its r_debug (as gdbserver does;
      // gdb 15+ takes a change of it as a new dynamic linker).
      snprintf(buf, sizeof buf,
               "\" lm=\"0x%" PRIx64 "\" lmid=\"0x%" PRIx64 "\" l_addr=\"0x%" PRIx64 "\" l_ld=\"0x%" PRIx64
               "\"/>\n",
               lm, r_debug, l_addr, l_ld);
      doc += "  <library name=\"" + esc + buf;
    }
    prev = lm;
    lm = l_next;
  }
  doc += "</library-list-svr4>\n";
  return doc;
}

std::string ProcessGdbTarget::auxv() {
  if (!p_) return "";
  std::string out;
  for (auto& [k, v] : p_->stack().auxv_entries) {
    out.append(reinterpret_cast<const char*>(&k), 8);
    out.append(reinterpret_cast<const char*>(&v), 8);
  }
  return out;
}

std::string ProcessGdbTarget::exec_file() { return p_ ? p_->exe_path() : default_program_; }

std::string ProcessGdbTarget::host_path(const std::string& guest_path) {
  return p_ ? p_->host_path(guest_path) : guest_path;
}

namespace {
// A vFile path inside a root: relative ones start at its top.
std::string root_abs(const std::string& guest_path) {
  return !guest_path.empty() && guest_path[0] == '/' ? guest_path : "/" + guest_path;
}

// The guest's emulated view of path (/proc, /dev): 0 with *at, 1 if not emulated, or -errno.
int emulated(linux::Process& p, const std::string& path, linux::AtPath* at) {
  if (path.empty() || path[0] != '/') return 1;
  return linux::emulate_path(p, path, p.root() != nullptr, at);
}
}  // namespace

int ProcessGdbTarget::open_file(const std::string& guest_path, int flags, int mode) {
  linux::AtPath at;
  int r = p_ ? emulated(*p_, guest_path, &at) : 1;
  if (r < 0) return r;
  if (r == 1) {
    // Inside a root: resolved as the guest's own lookups are (RESOLVE_IN_ROOT).
    if (linux::RootFs* root = p_ ? p_->root() : nullptr)
      return gdb::refuse_procfs(root->open(root_abs(guest_path), flags, static_cast<mode_t>(mode)));
    return Target::open_file(guest_path, flags, mode);
  }
  if (at.synth) return -EISDIR;
  if (at.has_link) return -ELOOP;  // a symlink gdb reads with readlink
  if (at.open_emulated) return at.open_emulated(p_->main_thread(), flags);
  if (at.open_emu) {
    // A generated file (its text in a host fd of its own) is given as that
    // fd; one hartd serves per read (mem, pagemap, the settings) is not
    // served through vFile. Never the stand-in path: that is hartd's own
    // /proc file.
    std::shared_ptr<linux::HostFd> f;
    int e = at.open_emu(flags, &f);
    if (e < 0) return e;
    if (f->emu()) return -EACCES;
    int fd = fcntl(f->fd(), F_DUPFD_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
  }
  if (at.host_only) return -EACCES;  // at.path is hartd's stand-in
  if ((flags & O_ACCMODE) != O_RDONLY) return -EACCES;
  int fd = open(at.path.c_str(), flags);
  return fd < 0 ? -errno : fd;
}

int ProcessGdbTarget::unlink_file(const std::string& guest_path) {
  linux::RootFs* root = p_ ? p_->root() : nullptr;
  if (!root) return Target::unlink_file(guest_path);
  // Inside a root: the folder is looked up as the guest would, the name removed there.
  std::string abs = linux::normalize_path(root_abs(guest_path));
  size_t slash = abs.rfind('/');
  std::string name = abs.substr(slash + 1);
  if (name.empty()) return -EISDIR;
  int dir = root->open(slash == 0 ? "/" : abs.substr(0, slash), O_PATH | O_DIRECTORY);
  if (dir < 0) return dir;
  int r = unlinkat(dir, name.c_str(), 0) == 0 ? 0 : -errno;
  close(dir);
  return r;
}

int ProcessGdbTarget::read_link(const std::string& guest_path, std::string* out) {
  linux::AtPath at;
  int r = p_ ? emulated(*p_, guest_path, &at) : 1;
  if (r < 0) return r;
  if (r == 1) return Target::read_link(guest_path, out);
  if (!at.has_link) return -EINVAL;
  *out = at.link;
  return 0;
}

std::vector<gdb::Target::OsProcess> ProcessGdbTarget::os_processes() {
  std::vector<gdb::Target::OsProcess> out;
  for (const std::shared_ptr<linux::Process>& p : linux::Process::all_live()) {
    linux::Process::Info in = p->info();
    std::string cmd;
    for (const std::string& a : in.argv) cmd += (cmd.empty() ? "" : " ") + a;
    out.push_back({in.pid, cmd});
  }
  return out;
}

bool ProcessGdbTarget::can_reverse() { return p_ && p_->recorder && p_->recorder->active(); }

std::string ProcessGdbTarget::monitor(const std::string& command) {
  if (!p_) return "no process\n";
  if (command == "help" || command.empty())
    return "hartd gdb stub monitor commands:\n"
           "help                 this text\n"
           "info                 the process: pid, threads, executable\n"
           "log                  show the enabled log categories\n"
           "log ITEM[,ITEM...]   enable log categories (as hart-run -d); 'log none' disables\n"
           "icount               instructions the process's threads retired (recorded processes)\n"
           "record               the recording: position, history, events, checkpoints\n"
           "record save FILE     save the recording (hart-run --replay FILE replays it)\n"
           "record start         record from here (a single-threaded process): reverse execution back to here\n"
           "record stop          stop recording (the history is dropped)\n";
  if (command == "info") {
    char buf[128];
    snprintf(buf, sizeof buf, "pid %d, %zu thread(s), executable ", p_->pid(), live_threads());
    return buf + p_->exe_path() + "\n";
  }
  if (command == "log") {
    uint32_t m = p_->log().mask();
    char buf[64];
    snprintf(buf, sizeof buf, "log mask 0x%x\n", m);
    return buf + log_categories_help();
  }
  if (command == "record start") {
    if (p_->recorder && p_->recorder->active()) return "already recording\n";
    if (live_threads() != 1) return "error: recording starts in a single-threaded process\n";
    std::string err;
    std::shared_ptr<linux::Recorder> r = linux::Recorder::start(*p_, linux::RecordOptions{}, &err);
    if (!r) return "error: " + err + "\n";
    // A recorder stopped before stays alive with the process: a thread may
    // still be on its way out of one of its waits.
    if (p_->recorder) retired_recorders_.push_back(std::move(p_->recorder));
    p_->recorder = std::move(r);
    return "recording from instruction " + std::to_string(p_->recorder->position()) +
           " (reverse execution goes back to here)\n";
  }
  if (command == "record stop") {
    linux::Recorder* r = p_->recorder.get();
    if (!r || !r->active()) return "not recording\n";
    r->stop(*p_, "stopped by the debugger (monitor record stop)");
    return "recording stopped; the history is dropped\n";
  }
  if (command == "icount" || command == "record") {
    linux::Recorder* r = p_->recorder.get();
    if (!r || !r->active()) return "not recording (start the program with hart-run --record)\n";
    if (command == "record") return r->status();
    // The process's position: the instructions all its threads have retired.
    char buf[64];
    snprintf(buf, sizeof buf, "%" PRIu64 "\n", r->position());
    return buf;
  }
  if (command.rfind("record save ", 0) == 0) {
    linux::Recorder* r = p_->recorder.get();
    if (!r || !r->active()) return "not recording (start the program with hart-run --record)\n";
    std::string path = command.substr(12);
    while (!path.empty() && path.front() == ' ') path.erase(0, 1);
    if (path.empty()) return "usage: monitor record save FILE\n";
    std::string err, summary;
    if (!r->save(*p_, path, &err, &summary)) return "error: " + err + "\n";
    return summary + "\n";
  }
  if (command.rfind("log ", 0) == 0) {
    std::string spec = command.substr(4);
    uint32_t mask = 0;
    std::string err;
    if (spec != "none" && !parse_log_categories(spec, &mask, &err)) return "error: " + err + "\n";
    p_->log().set_mask(mask);
    return "log categories set to '" + spec + "'\n";
  }
  return "";
}

namespace {
// Host threads running a guest started by vRun (run_guest ends by killing
// every remaining process: a new run waits for the previous one to finish).
std::atomic<int> g_launched{0};
}  // namespace

void wait_launched_guests(int timeout_ms) {
  for (int i = 0; i < timeout_ms && g_launched.load() > 0; ++i) usleep(1000);
}

ProcessGdbTarget::Launcher make_guest_launcher(Executor& exec, GuestLog& log, linux::GuestConfig base) {
  return [&exec, &log, base](const gdb::RunRequest& req, std::string* error) -> std::shared_ptr<linux::Process> {
    wait_launched_guests(3000);
    linux::GuestConfig cfg = base;
    cfg.exe_path = req.argv[0];
    cfg.argv = req.argv;
    if (req.env_reset) cfg.envp.clear();
    for (const gdb::RunRequest::EnvChange& c : req.env) {
      std::erase_if(cfg.envp, [&](const std::string& e) { return e.rfind(c.name + "=", 0) == 0; });
      if (!c.unset) cfg.envp.push_back(c.name + "=" + c.value);
    }
    std::shared_ptr<linux::HostFd> cwd;
    if (!req.cwd.empty()) {
      int fd = open(req.cwd.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) {
        *error = req.cwd + ": " + strerror(errno);
        return nullptr;
      }
      cwd = std::make_shared<linux::HostFd>(fd);
    }
    struct Started {
      std::promise<std::shared_ptr<linux::Process>> proc;
      std::string error;
    };
    auto started = std::make_shared<Started>();
    std::future<std::shared_ptr<linux::Process>> fut = started->proc.get_future();
    cfg.before_start = [started, cwd](const std::shared_ptr<linux::Process>& p) {
      if (cwd) p->set_cwd(cwd);
      linux::debug_attach(*p, /*stop=*/true);  // before its first instruction
      started->proc.set_value(p);
    };
    g_launched.fetch_add(1);
    std::thread([&exec, &log, cfg, started] {
      linux::GuestResult r = linux::run_guest(exec, log, cfg);
      if (!r.ok) {
        started->error = r.error;
        started->proc.set_value(nullptr);
      }
      g_launched.fetch_sub(1);
    }).detach();
    std::shared_ptr<linux::Process> p = fut.get();
    if (!p) *error = started->error;
    return p;
  };
}

}  // namespace hart
