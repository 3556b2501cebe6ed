// core/debug.cpp — breakpoint/watchpoint sets and all-stop parking. See debug.h.
#include "core/debug.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>

#include "core/cpu_state.h"
#include "core/vcpu.h"

namespace hart {

DebugController::DebugController() { wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

DebugController::~DebugController() {
  if (wake_fd_ >= 0) close(wake_fd_);
}

void DebugController::wake() const {
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof one);
}

void DebugController::drain_wake() const {
  uint64_t v;
  if (wake_fd_ >= 0) (void)!read(wake_fd_, &v, sizeof v);
}

// ---- breakpoints and watchpoints ----------------------------------------------------

bool DebugController::breakpoint_at(uint64_t pc) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bps_.count(pc) != 0;
}

void DebugController::insert_breakpoint(uint64_t pc) {
  std::lock_guard<std::mutex> lock(mutex_);
  bps_.insert(pc);
  n_breakpoints_.store(static_cast<uint32_t>(bps_.size()), std::memory_order_release);
}

bool DebugController::remove_breakpoint(uint64_t pc) {
  std::lock_guard<std::mutex> lock(mutex_);
  bool had = bps_.erase(pc) != 0;
  n_breakpoints_.store(static_cast<uint32_t>(bps_.size()), std::memory_order_release);
  return had;
}

std::vector<uint64_t> DebugController::breakpoints() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {bps_.begin(), bps_.end()};
}

bool DebugController::insert_watchpoint(WatchType type, uint64_t addr, uint64_t len) {
  if (len == 0 || addr + len < addr) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  watches_.push_back({type, addr, len});
  n_watchpoints_.store(static_cast<uint32_t>(watches_.size()), std::memory_order_release);
  return true;
}

bool DebugController::remove_watchpoint(WatchType type, uint64_t addr, uint64_t len) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = watches_.begin(); it != watches_.end(); ++it)
    if (it->type == type && it->addr == addr && it->len == len) {
      watches_.erase(it);
      n_watchpoints_.store(static_cast<uint32_t>(watches_.size()), std::memory_order_release);
      return true;
    }
  return false;
}

void DebugController::clear_points() {
  std::lock_guard<std::mutex> lock(mutex_);
  bps_.clear();
  watches_.clear();
  catch_list_.clear();
  catch_syscalls_.store(false, std::memory_order_release);
  n_breakpoints_.store(0, std::memory_order_release);
  n_watchpoints_.store(0, std::memory_order_release);
}

std::vector<uint64_t> DebugController::clear_breakpoints_and_watches() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<uint64_t> had(bps_.begin(), bps_.end());
  bps_.clear();
  watches_.clear();
  n_breakpoints_.store(0, std::memory_order_release);
  n_watchpoints_.store(0, std::memory_order_release);
  return had;
}

void DebugController::note_exec(int tid, std::string guest_path) {
  std::lock_guard<std::mutex> lock(mutex_);
  exec_tids_.insert(tid);
  exec_path_ = std::move(guest_path);
  exec_pending_.store(true, std::memory_order_release);
}

bool DebugController::take_exec(int tid) {
  std::lock_guard<std::mutex> lock(mutex_);
  bool had = exec_tids_.erase(tid) != 0;
  exec_pending_.store(!exec_tids_.empty(), std::memory_order_release);
  return had;
}

std::string DebugController::exec_path() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return exec_path_;
}

bool DebugController::watch_hit(const CpuState& s, const AddressSpace& as, StopEvent* ev) const {
  MemAccess acc;
  if (!decode_access_ || !decode_access_(s, as, &acc)) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  // A write watchpoint wins over read ones for an access that does both
  // (AMOs), as the value change is what the user asked about.
  const Watch* best = nullptr;
  for (const Watch& w : watches_) {
    if (acc.addr >= w.addr + w.len || w.addr >= acc.addr + acc.size) continue;
    bool touched = acc.parts.empty();  // vector accesses: an element inside the watch
    for (auto& [a, n] : acc.parts) touched = touched || (a < w.addr + w.len && w.addr < a + n);
    if (!touched) continue;
    bool hit = (w.type == WatchType::Write && acc.write) || (w.type == WatchType::Read && acc.read) ||
               w.type == WatchType::Access;
    if (!hit) continue;
    if (!best || w.type == WatchType::Write) best = &w;
  }
  if (!best) return false;
  ev->kind = best->type == WatchType::Write  ? StopKind::Watch
             : best->type == WatchType::Read ? StopKind::RWatch
                                             : StopKind::AWatch;
  ev->signal = 5;
  ev->addr = best->addr;
  return true;
}

// ---- catch syscall and siginfo ---------------------------------------------------------

void DebugController::set_catch_syscalls(bool on, const std::vector<int>& numbers) {
  std::lock_guard<std::mutex> lock(mutex_);
  catch_list_.clear();
  if (on) catch_list_.insert(numbers.begin(), numbers.end());
  catch_syscalls_.store(on, std::memory_order_release);
}

bool DebugController::catches_syscall(int nr) const {
  if (!catching_syscalls()) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  return catch_list_.empty() || catch_list_.count(nr) != 0;
}

void DebugController::set_siginfo(int tid, std::string bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  siginfo_[tid] = std::move(bytes);
}

std::string DebugController::siginfo(int tid) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = siginfo_.find(tid);
  return it == siginfo_.end() ? std::string() : it->second;
}

// ---- all-stop ------------------------------------------------------------------------

ResumeAction DebugController::park(Vcpu& v, const StopEvent& ev,
                                   const std::function<bool()>& must_leave) {
  bool kick = false;
  std::unique_lock<std::mutex> lock(mutex_);
  if (ev.kind != StopKind::None) {
    events_.push_back(ev);
    kick = !stop_all_.exchange(true);
  }
  parked_[ev.tid] = &v;
  if (kick && kick_all) {
    lock.unlock();
    kick_all();
    lock.lock();
  }
  wake();
  for (;;) {
    auto it = released_.find(ev.tid);
    if (it != released_.end()) {
      ResumeAction a = it->second;
      released_.erase(it);
      return a;
    }
    if (must_leave && must_leave()) {
      parked_.erase(ev.tid);
      wake();
      return {};
    }
    cv_.wait_for(lock, std::chrono::milliseconds(50));
  }
}

void DebugController::thread_gone(int tid) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    parked_.erase(tid);
    released_.erase(tid);
    siginfo_.erase(tid);
    for (auto it = events_.begin(); it != events_.end();)
      it = it->tid == tid ? events_.erase(it) : it + 1;
  }
  wake();
}

void DebugController::set_attached(bool on) { attached_.store(on, std::memory_order_release); }

bool DebugController::claim(const void* who) {
  const void* none = nullptr;
  return owner_.compare_exchange_strong(none, who, std::memory_order_acq_rel) || none == who;
}

void DebugController::unclaim(const void* who) {
  const void* expect = who;
  owner_.compare_exchange_strong(expect, nullptr, std::memory_order_acq_rel);
}

void DebugController::request_stop() {
  stop_all_.store(true, std::memory_order_release);
  if (kick_all) kick_all();
}

bool DebugController::resume(const std::function<ResumeAction(int tid)>& action_of) {
  std::lock_guard<std::mutex> lock(mutex_);
  // A stop that happened while the debugger looked at another one is
  // reported now; breakpoint hits are dropped instead (the thread has not
  // run the instruction and meets the breakpoint again if it is still set).
  for (auto it = events_.begin(); it != events_.end();) {
    if (it->kind == StopKind::Breakpoint || it->kind == StopKind::None) {
      it = events_.erase(it);
      continue;
    }
    if (action_of(it->tid).kind != ResumeKind::Stop) {
      // Report it first; keep it at the front.
      StopEvent e = *it;
      events_.erase(it);
      events_.push_front(e);
      wake();
      return true;
    }
    ++it;
  }
  stop_all_.store(false, std::memory_order_release);
  for (auto it = parked_.begin(); it != parked_.end();) {
    ResumeAction a = action_of(it->first);
    if (a.kind == ResumeKind::Stop) {
      ++it;
      continue;
    }
    released_[it->first] = a;
    siginfo_.erase(it->first);
    it = parked_.erase(it);
  }
  cv_.notify_all();
  return false;
}

void DebugController::release_all() {
  std::lock_guard<std::mutex> lock(mutex_);
  stop_all_.store(false, std::memory_order_release);
  events_.clear();
  for (auto& [tid, v] : parked_) released_[tid] = ResumeAction{};
  parked_.clear();
  siginfo_.clear();
  cv_.notify_all();
}

size_t DebugController::parked_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return parked_.size();
}

bool DebugController::is_parked(int tid) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return parked_.count(tid) != 0;
}

Vcpu* DebugController::parked_vcpu(int tid) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = parked_.find(tid);
  return it == parked_.end() ? nullptr : it->second;
}

bool DebugController::has_event() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !events_.empty();
}

bool DebugController::take_event(StopEvent* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (events_.empty()) return false;
  *out = events_.front();
  events_.pop_front();
  return true;
}

}  // namespace hart
