// server/gdb_target.h — a guest process (linux-abi's Process) as the gdb
// stub's Target: registers of its threads' vCPUs, validated guest memory,
// breakpoints/watchpoints and all-stop through core's DebugController
// (linux-abi/process/debug_hooks.h), process facts (auxv, exe, sysroot paths) and
// monitor commands (log categories). Lives in server/ because it joins
// gdbstub and linux-abi, which know nothing of each other.
// Owns: the adapter and its stop bookkeeping (which stop to report, how
// long to wait for threads stuck in blocking syscalls), and the set of
// processes debugged through one connection: the first one, plus fork
// children taken over at their fork event (detach-on-fork off, follow-fork
// child). Execution control spans them all (all-stop across processes);
// memory, points and process facts act on the selected one.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "core/debug.h"
#include "gdbstub/target.h"
#include "linux-abi/guest.h"

namespace hart::linux {
class Process;
}

namespace hart {

class ProcessGdbTarget : public gdb::Target {
 public:
  // Attaches to p; with stop, every thread stops (at once, or before its
  // first instruction if p has not started). started_here: the stub's
  // launcher created the process (qAttached answers 0).
  ProcessGdbTarget(std::shared_ptr<linux::Process> p, bool stop, bool started_here);

  void begin_session() override;
  int pid() override;
  std::vector<gdb::ThreadInfo> threads() override;
  bool thread_alive(int tid) override;
  bool read_registers(int tid, gdb::Registers* out) override;
  bool write_registers(int tid, const gdb::Registers& in) override;
  size_t read_memory(uint64_t addr, void* dst, size_t len) override;
  size_t write_memory(uint64_t addr, const void* src, size_t len) override;
  bool insert_breakpoint(uint64_t addr) override;
  bool remove_breakpoint(uint64_t addr) override;
  bool insert_watchpoint(int type, uint64_t addr, uint64_t len) override;
  bool remove_watchpoint(int type, uint64_t addr, uint64_t len) override;
  void set_pass_signals(uint64_t mask) override;
  void set_watch_after(bool on) override;
  void resume(const std::vector<std::pair<int, gdb::ThreadAction>>& per_thread,
              gdb::ThreadAction others) override;
  void request_stop() override;
  gdb::StopInfo poll_stop() override;
  int wake_fd() override;
  bool ended(gdb::StopInfo* how) override;
  void detach() override;
  void kill() override;
  bool attached_by_us() override { return procs_.empty() ? !started_here_ : procs_[cur_].attached; }
  void set_catch_syscalls(bool on, const std::vector<int>& numbers) override;
  bool can_reverse() override;
  bool may_reverse() override { return p_ != nullptr; }
  std::string siginfo(int tid) override;
  std::string libraries_svr4() override;
  std::string auxv() override;
  std::string exec_file() override;
  std::string host_path(const std::string& guest_path) override;
  // /proc (and /dev) paths come from the guest's emulation: `info proc`,
  // `info proc mappings` read the guest's maps, cmdline, exe, cwd. Other
  // paths: inside the guest's root as its lookups resolve them, else the
  // host's (sysroot first), never onto hartd's own /proc.
  int open_file(const std::string& guest_path, int flags, int mode) override;
  // Every guest process of this hart-run or hartd (what vAttach can take).
  std::vector<gdb::Target::OsProcess> os_processes() override;
  int read_link(const std::string& guest_path, std::string* out) override;
  int unlink_file(const std::string& guest_path) override;
  std::string monitor(const std::string& command) override;
  // gdb_target_lldb.cpp: LLDB's qMemoryRegionInfo and qProcessInfo.
  bool memory_region(uint64_t addr, MemoryRegion* out) override;
  bool process_facts(ProcessFacts* out) override;
  int pid_of(int tid) override;
  bool select_process(int pid) override;
  size_t process_count() override;
  size_t detach_process(int pid) override;
  size_t kill_process(int pid) override;
  void set_process_events(uint32_t mask) override;
  bool has_process() override;
  int run(const gdb::RunRequest& req, std::string* error) override;
  bool attach(int pid) override;
  int console_fd() override { return console_fd_; }
  // Where the programs this target starts write (read end, non-blocking;
  // not owned): forwarded to the debugger by the stub.
  void set_console_fd(int fd) { console_fd_ = fd; }

  // The debugger went away for good (an extended-remote session of hartd
  // ended): processes this target started are killed, attached ones run
  // on (what gdb itself does on quit); the target debugs nothing after.
  void let_go();

  // Extended-remote (hart-run --multi, hartd's endpoint): an empty target (no process yet)
  // and what starts a program for vRun: returns the loaded process, before
  // its first instruction (the target attaches it stopped), or nullptr +
  // *error. default_program: vRun with an empty name runs it (then the
  // last program run, as gdbserver does).
  using Launcher = std::function<std::shared_ptr<linux::Process>(const gdb::RunRequest&, std::string*)>;
  ProcessGdbTarget(Launcher launcher, std::string default_program)
      : launcher_(std::move(launcher)), default_program_(std::move(default_program)), started_here_(true) {}

 private:
  struct Proc {
    std::shared_ptr<linux::Process> p;
    std::shared_ptr<DebugController> d;
    bool end_reported = false;
    bool attached = false;  // qAttached: attached to (not started by) this stub
    std::shared_ptr<void> claim;  // this target's DebugController::claim, released with the last copy
  };
  Proc* proc_of_tid(int tid);
  static void kill_one(Proc& pr);  // SIGKILL, parked threads released
  // detach_process/kill_process: act on pid's Proc, then drop it (the last
  // one stays, marked ended). Returns the processes still debugged.
  size_t end_process(int pid, void (*act)(Proc&));
  void select(size_t i);
  void add_process(std::shared_ptr<linux::Process> p, std::shared_ptr<DebugController> d);
  void remove_process(size_t i);
  void drop_ended();  // forget processes that ended or were killed
  size_t live_threads(const Proc& pr);
  bool all_parked(bool* straggling);

  size_t live_threads();
  bool read_u64(uint64_t addr, uint64_t* v);
  std::string read_cstring(uint64_t addr);
  int first_tid();

  std::vector<Proc> procs_;
  size_t cur_ = 0;
  // The selected process (procs_[cur_]).
  std::shared_ptr<linux::Process> p_;
  std::vector<std::shared_ptr<linux::Recorder>> retired_recorders_;  // monitor record stop, then start
  std::shared_ptr<DebugController> d_;
  uint32_t events_ = 0;       // gdb's fork/vfork/exec events (kDebug*Events)
  uint64_t pass_mask_ = 0;
  bool watch_after_ = false;
  bool catch_on_ = false;
  std::vector<int> catch_nrs_;
  Launcher launcher_;
  std::string default_program_;
  int console_fd_ = -1;
  bool started_here_;
  int stop_signal_ = 5;  // reported for a stop without an event (5 start/attach, 2 for 0x03)
  bool stop_timing_ = false;
  std::chrono::steady_clock::time_point stop_began_;
};

// The vRun launcher of hart-run --multi: each run is a fresh guest (like
// run_guest, on a host thread of its own) with base's settings (sysroot,
// root, vCPU options, environment), the request's argv, environment
// changes and working directory.
ProcessGdbTarget::Launcher make_guest_launcher(Executor& exec, GuestLog& log, linux::GuestConfig base);
// Waits up to timeout_ms until no guest started by a launcher runs.
void wait_launched_guests(int timeout_ms);

}  // namespace hart
