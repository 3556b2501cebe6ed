// gdbstub/target.h — the interface the gdb stub talks to: one debugged guest
// process seen as threads with RV64GC registers, memory, break/watchpoints,
// all-stop execution control and a few process facts. Implemented outside
// gdbstub (server/gdb_target.cpp adapts linux-abi's Process), so the stub
// knows nothing about Linux emulation or the JIT.
// Owns: the contract only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hart::gdb {

// RV64GC register file in gdb's riscv numbering: x0..x31 = 0..31, pc = 32,
// f0..f31 = 33..64, fflags = 66, frm = 67, fcsr = 68 (CSRs at 65 + number).
struct Registers {
  uint64_t x[32] = {};
  uint64_t pc = 0;
  uint64_t f[32] = {};
  uint32_t fflags = 0, frm = 0;
};
constexpr int kRegPc = 32, kRegF0 = 33, kRegFflags = 66, kRegFrm = 67, kRegFcsr = 68;

struct ThreadInfo {
  int tid = 0;
  std::string name;  // comm
};

enum class StopReason { None, Breakpoint, Step, Watch, RWatch, AWatch, Signal };

// What the target reports once every thread is stopped (or the process ended).
struct StopInfo {
  enum Kind { Running, Stopped, Exited, Killed } kind = Running;
  int tid = 0;             // Stopped: the thread that stopped
  int signal = 0;          // Stopped: the signal gdb sees; Killed: the fatal signal
  StopReason reason = StopReason::None;
  uint64_t addr = 0;       // Watch/RWatch/AWatch: the watched address
  int exit_code = 0;       // Exited
};

enum class Action { Stop, Continue, Step };
struct ThreadAction {
  Action action = Action::Stop;
  int signal = 0;
};

class Target {
 public:
  virtual ~Target() = default;

  // A debugger connected: (re)attach, so that request_stop() can stop
  // the threads. Called before anything else in a session.
  virtual void begin_session() = 0;
  virtual int pid() = 0;
  virtual std::vector<ThreadInfo> threads() = 0;
  virtual bool thread_alive(int tid) = 0;

  // Registers of a stopped thread.
  virtual bool read_registers(int tid, Registers* out) = 0;
  virtual bool write_registers(int tid, const Registers& in) = 0;

  // Guest memory: returns the number of bytes done from addr (0 = none mapped).
  virtual size_t read_memory(uint64_t addr, void* dst, size_t len) = 0;
  virtual size_t write_memory(uint64_t addr, const void* src, size_t len) = 0;

  // Software breakpoints (translated into the code) and watchpoints
  // (type 2 = write, 3 = read, 4 = access, as in Z2/Z3/Z4).
  virtual bool insert_breakpoint(uint64_t addr) = 0;
  virtual bool remove_breakpoint(uint64_t addr) = 0;
  virtual bool insert_watchpoint(int type, uint64_t addr, uint64_t len) = 0;
  virtual bool remove_watchpoint(int type, uint64_t addr, uint64_t len) = 0;
  virtual void set_pass_signals(uint64_t mask) = 0;  // bit sig-1: deliver without stopping

  // All-stop execution. resume() lets each thread do what action_of says;
  // request_stop() asks every thread to stop (0x03). poll_stop() says
  // whether everything has stopped (and why) or the process ended; it is
  // cheap and non-blocking; wake_fd() becomes readable when it may have
  // changed (the stub also polls it every few ms).
  virtual void resume(const std::vector<std::pair<int, ThreadAction>>& per_thread,
                      ThreadAction others) = 0;
  virtual void request_stop() = 0;
  virtual StopInfo poll_stop() = 0;
  virtual int wake_fd() = 0;
  // Whether the process has ended (and how), without consuming a stop.
  virtual bool ended(StopInfo* how) = 0;

  virtual void detach() = 0;  // the guest runs on without the debugger
  virtual void kill() = 0;    // ends the process (SIGKILL)
  virtual bool attached_by_us() = 0;  // qAttached: false if the stub started it

  // Process facts for qXfer and vFile.
  virtual std::string auxv() = 0;             // raw auxv bytes
  virtual std::string exec_file() = 0;        // guest path of the executable
  virtual std::string host_path(const std::string& guest_path) = 0;  // sysroot mapping
  // "monitor" commands (qRcmd): returns the text to show, empty = unknown.
  virtual std::string monitor(const std::string& command) = 0;
};

}  // namespace hart::gdb
