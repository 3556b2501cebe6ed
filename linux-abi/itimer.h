// linux-abi/itimer.h — a process's ITIMER_REAL: a host thread that sleeps
// until the next expiry, then sends SIGALRM to the process (and re-arms with
// the interval). setitimer/getitimer/alarm semantics live in sys_time.cpp.
// Owns: the timer thread and its deadline. Locking: its own mutex (a leaf;
// it is taken without, or inside, Process::mutex_, and the timer thread
// sends the signal with neither held).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace hart::linux {

class Process;

class ITimer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ITimer(Process& p);
  ~ITimer();  // stops and joins the thread
  // Sets value/interval in microseconds (value 0 disarms); returns the old ones.
  void set(uint64_t value_us, uint64_t interval_us, uint64_t* old_value_us,
           uint64_t* old_interval_us);
  void get(uint64_t* value_us, uint64_t* interval_us);

 private:
  void loop();
  Process& p_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool armed_ = false, stop_ = false;
  Clock::time_point deadline_{};
  uint64_t interval_us_ = 0;
  std::thread thread_;
};

}  // namespace hart::linux
