// linux-abi/process.h — one guest process as the Linux layer sees it: its
// address space and TB cache, fd table, brk, cwd and umask, identity (virtual
// pid), exec image facts (exe path, argv/envp, auxv), signal dispositions and
// exit state, plus its threads (one Vcpu each; only one for now — clone will
// add more through add_thread()).
// Owns: per-process Linux state and path resolution (sysroot, cwd, the
// /proc/self links). Does not own: the run loop (cpu_loop.cpp) or syscall
// semantics (sys_*.cpp).
//
// Locking: mutex_ guards brk, signal state (signals, thread_signals(); see
// signals.h) and the thread list. The fd table
// and address space lock themselves. Lock order: Process::mutex_ before
// AddressSpace's or FdTable's locks.
#pragma once

#include <atomic>
#include <bitset>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/address_space.h"
#include "core/executor.h"
#include "core/log.h"
#include "core/tb_cache.h"
#include "core/vcpu.h"
#include "linux-abi/elf_loader.h"
#include "linux-abi/fd_table.h"
#include "linux-abi/initial_stack.h"
#include "linux-abi/riscv64_abi.h"
#include "linux-abi/signals.h"

namespace hart::linux {

// Virtual ids: the first guest gets this pid; each further one the next.
constexpr int kFirstGuestPid = 1000;
constexpr int kGuestPpid = 1;

class Process {
 public:
  // Reserves the address space. nullptr + *error on failure.
  static std::unique_ptr<Process> create(Executor& exec, GuestLog& log, std::string* error);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Loads the program, builds the stack, creates the main thread with pc and
  // sp set. false + one-line *error on failure.
  bool exec(const std::string& path, std::vector<std::string> argv,
            std::vector<std::string> envp, const std::string& sysroot, const VcpuOptions& vopts,
            std::string* error);

  AddressSpace& as() { return *as_; }
  TbCache& tb_cache() { return *tb_cache_; }
  GuestLog& log() { return log_; }
  Executor& executor() { return exec_; }
  FdTable& fds() { return fds_; }
  Vcpu& main_thread() { return *threads_.front(); }
  size_t thread_count() const { return threads_.size(); }
  // Creates another vCPU sharing this process's memory (for clone).
  Vcpu& add_thread();

  int pid() const { return pid_; }
  int ppid() const { return kGuestPpid; }
  int tid_of(const Vcpu& v) const;
  Vcpu* thread_by_tid(int tid);  // nullptr if no thread of this process has it
  // Calls fn(Vcpu&, ThreadSignals&) for every thread; mutex_ held by the caller.
  template <class F>
  void for_each_thread(F fn) {
    for (size_t i = 0; i < threads_.size(); ++i) fn(*threads_[i], *thread_signals_[i]);
  }

  const std::string& sysroot() const { return sysroot_; }
  const std::string& exe_path() const { return exe_path_; }  // absolute, for /proc/self/exe
  const std::vector<std::string>& argv() const { return argv_; }
  const std::vector<std::string>& envp() const { return envp_; }
  const LoadedProgram& image() const { return image_; }
  const StackLayout& stack() const { return stack_; }

  // Host path for a guest path (sysroot lookup for absolute paths).
  std::string host_path(const std::string& guest_path) const;
  // Host dirfd for a guest dirfd argument of an *at() call: the process cwd
  // for AT_FDCWD, else the mapped fd. -EBADF if unknown. *keep holds a
  // reference while the caller uses it.
  int host_dirfd(int64_t guest_dirfd, std::shared_ptr<HostFd>* keep);
  int cwd_fd() const { return cwd_->fd(); }
  void set_cwd(std::shared_ptr<HostFd> dir) { cwd_ = std::move(dir); }
  uint32_t umask() const { return umask_; }
  uint32_t set_umask(uint32_t m) {
    uint32_t old = umask_;
    umask_ = m & 0777;
    return old;
  }

  // brk: current break, guest-visible semantics in sys_mm.cpp.
  std::mutex& mutex() { return mutex_; }
  uint64_t brk_start = 0;  // guarded by mutex_
  uint64_t brk_cur = 0;
  uint64_t brk_mapped = 0;  // end of the pages mapped for the heap

  // Signals (signals.h): dispositions and process-directed pending signals;
  // per-thread masks, pending sets and altstacks. Guarded by mutex_.
  ProcessSignals signals;
  ThreadSignals& thread_signals(const Vcpu& v);
  // Threads waiting for a signal (rt_sigsuspend, rt_sigtimedwait) wait here
  // with mutex_; senders and exits notify it.
  std::condition_variable& signal_cv() { return signal_cv_; }
  uint64_t sigreturn_trampoline = 0;  // guest address of __vdso_rt_sigreturn
  uint64_t clear_child_tid = 0;
  uint64_t robust_list = 0, robust_list_len = 0;
  GuestRlimit rlimits[16] = {};  // RLIMIT_* as the guest sees them (set in create())
  char comm[16] = {};            // prctl(PR_SET_NAME), /proc/self/comm

  // Exit state.
  bool exited() const { return exited_.load(std::memory_order_acquire); }
  // Both wake signal waiters and take mutex_: never call them holding it.
  void exit_with_status(int code);       // exit_group
  void exit_with_signal(int sig);        // killed by a signal
  bool killed_by_signal() const { return signaled_; }
  int exit_code() const { return exit_code_; }
  int exit_signal() const { return exit_signal_; }

  // strace and one-time "unimplemented" reports.
  bool strace = false;
  bool report_unimplemented_once(unsigned nr);

 private:
  Process(Executor& exec, GuestLog& log) : exec_(exec), log_(log) {}

  Executor& exec_;
  GuestLog& log_;
  std::unique_ptr<AddressSpace> as_;
  std::unique_ptr<TbCache> tb_cache_;
  std::vector<std::unique_ptr<Vcpu>> threads_;
  std::vector<std::unique_ptr<ThreadSignals>> thread_signals_;  // parallel to threads_
  std::condition_variable signal_cv_;
  FdTable fds_;
  std::shared_ptr<HostFd> cwd_;
  uint32_t umask_ = 022;
  int pid_ = kFirstGuestPid;
  std::string sysroot_, exe_path_;
  std::vector<std::string> argv_, envp_;
  LoadedProgram image_;
  StackLayout stack_;
  std::mutex mutex_;
  std::atomic<bool> exited_{false};
  bool signaled_ = false;
  int exit_code_ = 0, exit_signal_ = 0;
  std::mutex unimp_mutex_;
  std::bitset<512> unimp_reported_;
};

}  // namespace hart::linux
