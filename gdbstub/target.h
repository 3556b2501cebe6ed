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
// V 1.0: the vector CSRs at 65 + their CSR number, v0..v31 at gdb's
// RISCV_V0_REGNUM (4162); neither is in the g packet (p/P only).
constexpr int kGdbVlenb = 16;  // VLEN 128 (server/gdb_target.cpp checks it against the hart's)
struct Registers {
  uint64_t x[32] = {};
  uint64_t pc = 0;
  uint64_t f[32] = {};
  uint32_t fflags = 0, frm = 0;
  uint8_t v[32][kGdbVlenb] = {};
  uint64_t vstart = 0, vl = 0, vtype = 0;
  uint32_t vxsat = 0, vxrm = 0;
};
constexpr int kRegPc = 32, kRegF0 = 33, kRegFflags = 66, kRegFrm = 67, kRegFcsr = 68;
constexpr int kRegCsr0 = 65;  // CSR n is kRegCsr0 + n
constexpr int kRegVstart = kRegCsr0 + 0x008, kRegVxsat = kRegCsr0 + 0x009, kRegVxrm = kRegCsr0 + 0x00a,
              kRegVcsr = kRegCsr0 + 0x00f, kRegVl = kRegCsr0 + 0xc20, kRegVtype = kRegCsr0 + 0xc21,
              kRegVlenb = kRegCsr0 + 0xc22;
constexpr int kRegV0 = 4162;

struct ThreadInfo {
  int tid = 0;
  int pid = 0;
  std::string name;  // comm
};

enum class StopReason {
  None, Breakpoint, Step, Watch, RWatch, AWatch, Signal,
  SyscallEntry, SyscallReturn,  // addr = the syscall number
  Fork, VFork,                  // child_pid/child_tid: the new process (stopped)
  VForkDone, Exec,              // Exec: exec_path = the new program (guest path)
  HistoryBegin,                 // reverse execution reached the start of the recording
};

// What the target reports once every thread is stopped (or the process ended).
struct StopInfo {
  enum Kind { Running, Stopped, Exited, Killed } kind = Running;
  int tid = 0;             // Stopped: the thread that stopped
  int signal = 0;          // Stopped: the signal gdb sees; Killed: the fatal signal
  StopReason reason = StopReason::None;
  uint64_t addr = 0;       // Watch/RWatch/AWatch: the watched address; Syscall*: the number
  int exit_code = 0;       // Exited
  int pid = 0;             // the process concerned (multiprocess replies)
  int child_pid = 0, child_tid = 0;  // Fork/VFork
  std::string exec_path;   // Exec
};

enum : uint32_t { kProcessFork = 1, kProcessVfork = 2, kProcessExec = 4 };

// ReverseStep/ReverseContinue: bs/bc, on a target that can_reverse().
enum class Action { Stop, Continue, Step, ReverseStep, ReverseContinue };
struct ThreadAction {
  Action action = Action::Stop;
  int signal = 0;
};

// What vRun starts (QEnvironment*/QSetWorkingDir gathered by the session).
struct RunRequest {
  std::vector<std::string> argv;
  bool env_reset = false;  // start from an empty environment (QEnvironmentReset)
  // In order: {name, value, unset?} (QEnvironmentHexEncoded / QEnvironmentUnset).
  struct EnvChange {
    std::string name, value;
    bool unset = false;
  };
  std::vector<EnvChange> env;
  std::string cwd;  // "" = the stub's default
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
  // Watchpoint stops after the access instead of before it (at the load or
  // store, RISC-V's way and gdb's expectation): LLDB's qHostInfo answer says
  // "after", as LLDB's reverse execution needs.
  virtual void set_watch_after(bool) {}

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

  // Reverse execution (bs/bc, qSupported's ReverseStep+/ReverseContinue+):
  // the selected process is recorded. may_reverse: it may be recorded
  // later in the session (monitor record start), so the packets are
  // advertised; bs/bc on a process not recorded stop where it is.
  virtual bool can_reverse() { return false; }
  virtual bool may_reverse() { return can_reverse(); }

  // catch syscall (QCatchSyscalls): off, every syscall (numbers empty) or some.
  virtual void set_catch_syscalls(bool on, const std::vector<int>& numbers) = 0;

  // ---- several processes (fork children kept by the debugger) ----------
  // Thread ids are unique across the processes. Execution control (resume,
  // request_stop, poll_stop) acts on all of them (all-stop); memory,
  // break/watchpoints and process facts act on the selected process.
  virtual int pid_of(int tid) { (void)tid; return pid(); }
  virtual bool select_process(int pid) { return pid == this->pid(); }
  virtual size_t process_count() { return 1; }
  // Ends debugging of one process (D;pid / vKill;pid); returns how many
  // processes are still debugged.
  virtual size_t detach_process(int pid) { (void)pid; detach(); return 0; }
  virtual size_t kill_process(int pid) { (void)pid; kill(); return 0; }
  // fork/vfork/exec events the debugger understands (kProcess* bits).
  virtual void set_process_events(uint32_t mask) { (void)mask; }

  // ---- extended-remote (vRun, vAttach) ------------------------------------
  // Whether any process is debugged (extended-remote starts with none).
  virtual bool has_process() { return true; }
  // vRun: starts argv (argv[0] = the program; "" = the default one) with
  // the environment and working directory of req, stopped before its first
  // instruction, and debugs it. Returns its pid, or -1 with *error.
  virtual int run(const RunRequest& req, std::string* error) { (void)req; *error = "not supported"; return -1; }
  // vAttach: debugs another guest process (stopping it). false if unknown
  // or debugged by another stub.
  virtual bool attach(int pid) { (void)pid; return false; }
  // The console output of the programs this target started, or -1: a
  // non-blocking fd the stub reads and forwards to the debugger as 'O'
  // packets while they run (gdb prints it as the program's output).
  virtual int console_fd() { return -1; }

  // qXfer:osdata:read:processes (gdb's `info os processes`, the pids an
  // `attach` may take): every guest process this stub can reach.
  struct OsProcess {
    int pid = 0;
    std::string command;  // argv joined by spaces
  };
  virtual std::vector<OsProcess> os_processes() { return {{pid(), exec_file()}}; }

  // LLDB's qMemoryRegionInfo: the mapping holding addr, or (mapped false)
  // the unmapped gap around it up to the next mapping. false: unknown.
  struct MemoryRegion {
    uint64_t start = 0, size = 0;
    bool mapped = false;
    bool read = false, write = false, exec = false;
    std::string name;  // a path, "[heap]", "[stack]" or ""
  };
  virtual bool memory_region(uint64_t addr, MemoryRegion* out) { (void)addr; (void)out; return false; }
  // LLDB's qProcessInfo: the selected process's ids. false: no process.
  struct ProcessFacts {
    int pid = 0, ppid = 0;
    uint32_t ruid = 0, rgid = 0, euid = 0, egid = 0;
  };
  virtual bool process_facts(ProcessFacts* out) { out->pid = pid(); return has_process(); }

  // Process facts for qXfer and vFile.
  // The siginfo (guest layout, 128 bytes) of tid's signal stop; "" if none.
  virtual std::string siginfo(int tid) = 0;
  // qXfer:libraries-svr4:read: the <library-list-svr4> document built from
  // the dynamic linker's r_debug/link_map list.
  virtual std::string libraries_svr4() = 0;
  virtual std::string auxv() = 0;             // raw auxv bytes
  virtual std::string exec_file() = 0;        // guest path of the executable
  virtual std::string host_path(const std::string& guest_path) = 0;  // sysroot mapping
  // vFile open/readlink/unlink of a guest path as the process sees it (its
  // /proc, its sysroot or root): a host fd / 0, or -errno. By default
  // through host_path(), opened with open_host_file().
  virtual int open_file(const std::string& guest_path, int flags, int mode);
  virtual int read_link(const std::string& guest_path, std::string* out);
  virtual int unlink_file(const std::string& guest_path);
  // "monitor" commands (qRcmd): returns the text to show, empty = unknown.
  virtual std::string monitor(const std::string& command) = 0;
};

// Opens a host path for vFile never through /proc's magic links
// (/dev/fd/N, /proc/PID/exe, ...: openat2 RESOLVE_NO_MAGICLINKS) and never
// onto procfs itself (refuse_procfs): hartd's own /proc is not the guest's.
// A host fd or -errno.
int open_host_file(const std::string& path, int flags, int mode);
// fd if it is not on procfs; else closes it and returns -EACCES.
int refuse_procfs(int fd);

}  // namespace hart::gdb
