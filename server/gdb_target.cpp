// server/gdb_target.cpp — see gdb_target.h.
#include "server/gdb_target.h"

#include <sys/mman.h>

#include <csignal>
#include <cstring>

#include "core/log.h"
#include "linux-abi/debug_hooks.h"
#include "linux-abi/process.h"
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
    default: return gdb::StopReason::None;
  }
}
}  // namespace

ProcessGdbTarget::ProcessGdbTarget(std::shared_ptr<linux::Process> p, bool stop, bool started_here)
    : p_(std::move(p)), started_here_(started_here) {
  d_ = linux::debug_attach(*p_, stop);
  d_->set_access_decoder(&insn_mem_access);  // watch mode (translator/frontend.h)
}

void ProcessGdbTarget::begin_session() { linux::debug_attach(*p_, false); }

int ProcessGdbTarget::pid() { return p_->pid(); }

std::vector<gdb::ThreadInfo> ProcessGdbTarget::threads() {
  std::vector<gdb::ThreadInfo> out;
  std::lock_guard<std::mutex> lock(p_->mutex());
  std::string name(p_->comm, strnlen(p_->comm, sizeof p_->comm));
  p_->for_each_thread([&](Vcpu& v, linux::ThreadSignals&) { out.push_back({p_->tid_of(v), name}); });
  return out;
}

bool ProcessGdbTarget::thread_alive(int tid) {
  std::lock_guard<std::mutex> lock(p_->mutex());
  return p_->thread_by_tid(tid) != nullptr;
}

size_t ProcessGdbTarget::live_threads() {
  std::lock_guard<std::mutex> lock(p_->mutex());
  return p_->thread_count();
}

int ProcessGdbTarget::first_tid() {
  std::lock_guard<std::mutex> lock(p_->mutex());
  int tid = 0;
  p_->for_each_thread([&](Vcpu& v, linux::ThreadSignals&) {
    if (!tid) tid = p_->tid_of(v);
  });
  return tid;
}

bool ProcessGdbTarget::read_registers(int tid, gdb::Registers* out) {
  std::lock_guard<std::mutex> lock(p_->mutex());
  Vcpu* v = p_->thread_by_tid(tid);
  if (!v) return false;
  const CpuState& s = v->state;
  memcpy(out->x, s.x, sizeof out->x);
  out->x[0] = 0;
  out->pc = s.pc;
  memcpy(out->f, s.f, sizeof out->f);
  out->fflags = s.fflags;
  out->frm = s.frm;
  return true;
}

bool ProcessGdbTarget::write_registers(int tid, const gdb::Registers& in) {
  std::lock_guard<std::mutex> lock(p_->mutex());
  Vcpu* v = p_->thread_by_tid(tid);
  if (!v) return false;
  CpuState& s = v->state;
  memcpy(s.x, in.x, sizeof s.x);
  s.x[0] = 0;
  s.pc = in.pc;
  memcpy(s.f, in.f, sizeof s.f);
  s.fflags = in.fflags & 0x1f;
  s.frm = in.frm & 7;
  return true;
}

size_t ProcessGdbTarget::read_memory(uint64_t addr, void* dst, size_t len) {
  AddressSpace& as = p_->as();
  size_t done = 0;
  auto* out = static_cast<uint8_t*>(dst);
  while (done < len) {
    uint64_t a = addr + done;
    size_t chunk = std::min<uint64_t>(len - done, page_up(a + 1) - a);
    if (a >= kGuestVaLimit || !as.read(a, out + done, chunk)) break;
    done += chunk;
  }
  return done;
}

size_t ProcessGdbTarget::write_memory(uint64_t addr, const void* src, size_t len) {
  AddressSpace& as = p_->as();
  if (addr >= kGuestVaLimit || len > kGuestVaLimit - addr) return 0;
  // A guest-writable range goes through check(PROT_WRITE), which also
  // lifts the write protection of pages holding translated code; read-only
  // code is written past the guest's protection (poke), like ptrace does.
  bool ok = as.check(addr, len, PROT_WRITE) ? as.write(addr, src, len) : as.poke(addr, src, len);
  if (!ok) return 0;
  linux::debug_invalidate(*p_, addr, addr + len);
  return len;
}

bool ProcessGdbTarget::insert_breakpoint(uint64_t addr) {
  if (!p_->as().check(addr, 2, 0)) return false;
  d_->insert_breakpoint(addr);
  linux::debug_invalidate(*p_, addr, addr + 1);
  return true;
}

bool ProcessGdbTarget::remove_breakpoint(uint64_t addr) {
  d_->remove_breakpoint(addr);
  linux::debug_invalidate(*p_, addr, addr + 1);
  return true;
}

bool ProcessGdbTarget::insert_watchpoint(int type, uint64_t addr, uint64_t len) {
  if (type < 2 || type > 4) return false;
  return d_->insert_watchpoint(static_cast<WatchType>(type), addr, len);
}

bool ProcessGdbTarget::remove_watchpoint(int type, uint64_t addr, uint64_t len) {
  if (type < 2 || type > 4) return false;
  return d_->remove_watchpoint(static_cast<WatchType>(type), addr, len);
}

void ProcessGdbTarget::set_pass_signals(uint64_t mask) { d_->pass_signals.store(mask); }

void ProcessGdbTarget::resume(const std::vector<std::pair<int, gdb::ThreadAction>>& per_thread,
                              gdb::ThreadAction others) {
  auto conv = [](const gdb::ThreadAction& a) {
    ResumeAction r;
    r.kind = a.action == gdb::Action::Continue ? ResumeKind::Continue
             : a.action == gdb::Action::Step   ? ResumeKind::Step
                                               : ResumeKind::Stop;
    r.signal = a.signal;
    return r;
  };
  stop_signal_ = 5;
  stop_timing_ = false;
  d_->resume([&](int tid) {
    for (auto& [t, a] : per_thread)
      if (t == tid) return conv(a);
    return conv(others);
  });
}

void ProcessGdbTarget::request_stop() {
  // 0x03 while running: SIGINT, as gdbserver reports it. A stop already
  // under way (the first one, before the first instruction) keeps SIGTRAP.
  if (!d_->stop_requested()) stop_signal_ = SIGINT;
  d_->request_stop();
}

bool ProcessGdbTarget::ended(gdb::StopInfo* how) {
  if (!p_->zombie()) return false;
  if (p_->killed_by_signal()) {
    how->kind = gdb::StopInfo::Killed;
    how->signal = p_->exit_signal();
  } else {
    how->kind = gdb::StopInfo::Exited;
    how->exit_code = p_->exit_code();
  }
  return true;
}

gdb::StopInfo ProcessGdbTarget::poll_stop() {
  gdb::StopInfo st;
  if (ended(&st)) return st;
  if (!d_->stop_requested()) return st;  // Running
  if (d_->parked_count() < live_threads()) {
    auto now = std::chrono::steady_clock::now();
    if (!stop_timing_) {
      stop_timing_ = true;
      stop_began_ = now;
    }
    if (now - stop_began_ < kStraggler) return st;
  }
  stop_timing_ = false;
  StopEvent ev;
  st.kind = gdb::StopInfo::Stopped;
  if (d_->take_event(&ev)) {
    st.tid = ev.tid;
    st.signal = ev.signal;
    st.reason = reason_of(ev.kind);
    st.addr = ev.addr;
  } else {
    st.tid = first_tid();
    st.signal = stop_signal_;
  }
  return st;
}

int ProcessGdbTarget::wake_fd() { return d_->wake_fd(); }

void ProcessGdbTarget::detach() { linux::debug_detach(*p_); }

void ProcessGdbTarget::kill() {
  p_->exit_with_signal(SIGKILL);
  d_->release_all();
}

std::string ProcessGdbTarget::auxv() {
  std::string out;
  for (auto& [k, v] : p_->stack().auxv_entries) {
    out.append(reinterpret_cast<const char*>(&k), 8);
    out.append(reinterpret_cast<const char*>(&v), 8);
  }
  return out;
}

std::string ProcessGdbTarget::exec_file() { return p_->exe_path(); }

std::string ProcessGdbTarget::host_path(const std::string& guest_path) {
  return p_->host_path(guest_path);
}

std::string ProcessGdbTarget::monitor(const std::string& command) {
  if (command == "help" || command.empty())
    return "hartd gdb stub monitor commands:\n"
           "help                 this text\n"
           "info                 the process: pid, threads, executable\n"
           "log                  show the enabled log categories\n"
           "log ITEM[,ITEM...]   enable log categories (as hart-run -d); 'log none' disables\n";
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

}  // namespace hart
