// linux-abi/process/itimer.h — a process's interval timers: a host thread that
// sleeps until the next expiry, then sends the timer's signal to the process
// (and re-arms with the interval). ITIMER_REAL counts wall time (SIGALRM);
// ITIMER_VIRTUAL (SIGVTALRM) and ITIMER_PROF (SIGPROF) count the process's
// CPU time (the sum of its guest threads' host CPU clocks, user and system
// alike, so the two differ only in their signal): the thread then sleeps
// for the time left divided by the process's thread count (at most 100 ms)
// and looks again. setitimer/getitimer/alarm semantics live in sys_time.cpp.
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
  // setitimer's `which`, and kRlimitCpu: RLIMIT_CPU's watcher (SIGXCPU at
  // the soft limit and every second after, SIGKILL at the hard limit).
  enum Which { kReal = 0, kVirtual = 1, kProf = 2, kRlimitCpu = 3 };
  ITimer(Process& p, Which which);
  ~ITimer();  // stops and joins the thread
  // Sets value/interval in microseconds (value 0 disarms); returns the old
  // ones. cpu_now_ns: the process's CPU time now (CPU timers; taken by the
  // caller, who may hold Process::mutex_).
  void set(uint64_t value_us, uint64_t interval_us, uint64_t* old_value_us,
           uint64_t* old_interval_us, uint64_t cpu_now_ns = 0);
  void get(uint64_t* value_us, uint64_t* interval_us, uint64_t cpu_now_ns = 0);
  // kRlimitCpu: CPU seconds of the soft and hard limits (RLIM_INFINITY: none).
  void set_cpu_limits(uint64_t soft_s, uint64_t hard_s);

 private:
  void loop();
  uint64_t left_us(uint64_t cpu_now_ns);  // mutex_ held
  Process& p_;
  Which which_;
  uint64_t cpu_deadline_ns_ = 0;  // CPU timers: the process CPU time of the expiry
  uint64_t kill_ns_ = 0;          // kRlimitCpu: SIGKILL at this CPU time (0: never)
  std::mutex mutex_;
  std::condition_variable cv_;
  bool armed_ = false, stop_ = false;
  Clock::time_point deadline_{};
  uint64_t interval_us_ = 0;
  std::thread thread_;
};

// RLIMIT_CPU of p changed (or p was forked with one): arms or disarms its
// watcher. Process::mutex_ held.
void update_cpu_rlimit(Process& p);

}  // namespace hart::linux
