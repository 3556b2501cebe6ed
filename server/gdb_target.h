// server/gdb_target.h — a guest process (linux-abi's Process) as the gdb
// stub's Target: registers of its threads' vCPUs, validated guest memory,
// breakpoints/watchpoints and all-stop through core's DebugController
// (linux-abi/debug_hooks.h), process facts (auxv, exe, sysroot paths) and
// monitor commands (log categories). Lives in server/ because it joins
// gdbstub and linux-abi, which know nothing of each other.
// Owns: the adapter and its stop bookkeeping (which stop to report, how
// long to wait for threads stuck in blocking syscalls).
#pragma once

#include <chrono>
#include <memory>

#include "core/debug.h"
#include "gdbstub/target.h"

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
  void resume(const std::vector<std::pair<int, gdb::ThreadAction>>& per_thread,
              gdb::ThreadAction others) override;
  void request_stop() override;
  gdb::StopInfo poll_stop() override;
  int wake_fd() override;
  bool ended(gdb::StopInfo* how) override;
  void detach() override;
  void kill() override;
  bool attached_by_us() override { return !started_here_; }
  std::string auxv() override;
  std::string exec_file() override;
  std::string host_path(const std::string& guest_path) override;
  std::string monitor(const std::string& command) override;

 private:
  size_t live_threads();
  int first_tid();

  std::shared_ptr<linux::Process> p_;
  std::shared_ptr<DebugController> d_;
  bool started_here_;
  int stop_signal_ = 5;  // reported for a stop without an event (5 start/attach, 2 for 0x03)
  bool stop_timing_ = false;
  std::chrono::steady_clock::time_point stop_began_;
};

}  // namespace hart
