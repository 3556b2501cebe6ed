// linux-abi/itimer.cpp — ITIMER_REAL's timer thread. See itimer.h.
#include "linux-abi/itimer.h"

#include <csignal>

#include "linux-abi/process.h"
#include "linux-abi/signals.h"

namespace hart::linux {

namespace {
constexpr int kSI_TIMER = -2;
}

ITimer::ITimer(Process& p) : p_(p), thread_([this] { loop(); }) {}

ITimer::~ITimer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    cv_.notify_all();
  }
  thread_.join();
}

void ITimer::set(uint64_t value_us, uint64_t interval_us, uint64_t* old_value_us,
                 uint64_t* old_interval_us) {
  std::lock_guard<std::mutex> lock(mutex_);
  uint64_t ov = 0;
  if (armed_) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline_ - Clock::now());
    ov = left.count() > 0 ? static_cast<uint64_t>(left.count()) : 1;
  }
  if (old_value_us) *old_value_us = ov;
  if (old_interval_us) *old_interval_us = interval_us_;
  armed_ = value_us != 0;
  interval_us_ = armed_ ? interval_us : 0;
  if (armed_) deadline_ = Clock::now() + std::chrono::microseconds(value_us);
  cv_.notify_all();
}

void ITimer::get(uint64_t* value_us, uint64_t* interval_us) {
  std::lock_guard<std::mutex> lock(mutex_);
  uint64_t v = 0;
  if (armed_) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline_ - Clock::now());
    v = left.count() > 0 ? static_cast<uint64_t>(left.count()) : 1;
  }
  *value_us = v;
  *interval_us = interval_us_;
}

void ITimer::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    if (!armed_) {
      cv_.wait(lock);
      continue;
    }
    cv_.wait_until(lock, deadline_);
    if (stop_ || !armed_ || Clock::now() < deadline_) continue;
    if (interval_us_)
      deadline_ += std::chrono::microseconds(interval_us_);
    else
      armed_ = false;
    lock.unlock();
    GuestSiginfo info{};
    info.si_signo = SIGALRM;
    info.si_code = kSI_TIMER;
    send_signal(p_, nullptr, info, nullptr);
    lock.lock();
  }
}

}  // namespace hart::linux
