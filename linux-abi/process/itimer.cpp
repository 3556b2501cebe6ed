// linux-abi/process/itimer.cpp — the interval timers' threads. See itimer.h.
#include "linux-abi/process/itimer.h"

#include <algorithm>
#include <sys/resource.h>

#include <csignal>

#include "linux-abi/process/process.h"
#include "linux-abi/process/signals.h"

namespace hart::linux {

namespace {
constexpr int kSI_TIMER = -2;
}

void update_cpu_rlimit(Process& p) {
  const auto& rl = p.rlimits[RLIMIT_CPU];
  std::unique_ptr<ITimer>& t = p.itimers[ITimer::kRlimitCpu];
  if (rl.rlim_cur == RLIM_INFINITY && rl.rlim_max == RLIM_INFINITY && !t) return;
  if (!t) t = std::make_unique<ITimer>(p, ITimer::kRlimitCpu);
  t->set_cpu_limits(rl.rlim_cur, rl.rlim_max);
}

ITimer::ITimer(Process& p, Which which) : p_(p), which_(which), thread_([this] { loop(); }) {}

ITimer::~ITimer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    cv_.notify_all();
  }
  thread_.join();
}

uint64_t ITimer::left_us(uint64_t cpu_now_ns) {
  if (!armed_) return 0;
  if (which_ != kReal)
    return cpu_deadline_ns_ > cpu_now_ns ? (cpu_deadline_ns_ - cpu_now_ns + 999) / 1000 : 1;
  auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline_ - Clock::now());
  return left.count() > 0 ? static_cast<uint64_t>(left.count()) : 1;
}

void ITimer::set(uint64_t value_us, uint64_t interval_us, uint64_t* old_value_us,
                 uint64_t* old_interval_us, uint64_t cpu_now_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (old_value_us) *old_value_us = left_us(cpu_now_ns);
  if (old_interval_us) *old_interval_us = interval_us_;
  armed_ = value_us != 0;
  interval_us_ = armed_ ? interval_us : 0;
  if (armed_) {
    deadline_ = Clock::now() + std::chrono::microseconds(value_us);
    cpu_deadline_ns_ = cpu_now_ns + value_us * 1000;
  }
  cv_.notify_all();
}

void ITimer::set_cpu_limits(uint64_t soft_s, uint64_t hard_s) {
  std::lock_guard<std::mutex> lock(mutex_);
  constexpr uint64_t kNone = ~uint64_t{0};
  kill_ns_ = hard_s == kNone || hard_s > kNone / 1000000000u ? 0 : std::max<uint64_t>(hard_s, 1) * 1000000000u;
  bool soft = soft_s != kNone && soft_s <= kNone / 1000000000u;
  armed_ = soft || kill_ns_;
  cpu_deadline_ns_ = soft ? std::max<uint64_t>(soft_s, 1) * 1000000000u : kill_ns_;
  interval_us_ = soft ? 1000000 : 0;
  cv_.notify_all();
}

void ITimer::get(uint64_t* value_us, uint64_t* interval_us, uint64_t cpu_now_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  *value_us = left_us(cpu_now_ns);
  *interval_us = interval_us_;
}

void ITimer::loop() {
  static const int kSignal[] = {SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU};
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    if (!armed_) {
      cv_.wait(lock);
      continue;
    }
    if (which_ == kReal) {
      cv_.wait_until(lock, deadline_);
      if (stop_ || !armed_ || Clock::now() < deadline_) continue;
      if (interval_us_)
        deadline_ += std::chrono::microseconds(interval_us_);
      else
        armed_ = false;
    } else {
      // The process's CPU time is read without mutex_ (it takes Process::mutex_).
      lock.unlock();
      Process::Info in = p_.info();
      lock.lock();
      if (stop_ || !armed_) continue;
      if (kill_ns_ && in.cpu_ns >= kill_ns_) {  // RLIMIT_CPU's hard limit
        armed_ = false;
        lock.unlock();
        GuestSiginfo kill{};
        kill.si_signo = SIGKILL;
        kill.si_code = kSI_KERNEL;
        send_signal(p_, nullptr, kill, nullptr);
        lock.lock();
        continue;
      }
      uint64_t next = kill_ns_ ? std::min(cpu_deadline_ns_, kill_ns_) : cpu_deadline_ns_;
      if (in.cpu_ns < next || (kill_ns_ && in.cpu_ns < cpu_deadline_ns_)) {
        if (in.cpu_ns >= next) next = cpu_deadline_ns_;
        uint64_t wait_ns = (next - in.cpu_ns) / static_cast<uint64_t>(std::max(in.threads, 1));
        wait_ns = std::clamp<uint64_t>(wait_ns, 200000, 100000000);
        cv_.wait_for(lock, std::chrono::nanoseconds(wait_ns));
        continue;
      }
      if (interval_us_)
        cpu_deadline_ns_ += interval_us_ * 1000;
      else
        armed_ = false;
    }
    lock.unlock();
    GuestSiginfo info{};
    info.si_signo = kSignal[which_];
    info.si_code = kSI_TIMER;
    send_signal(p_, nullptr, info, nullptr);
    lock.lock();
  }
}

}  // namespace hart::linux
