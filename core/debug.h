// core/debug.h — debugger support for one guest process: the breakpoint and
// watchpoint sets that translation consults, and the all-stop coordination
// between the process's vCPU threads and a debugger (the gdb stub).
// Owns: breakpoints (translated into the code: a TB stops *before* an
// instruction that has one), watchpoints (a checked mode: one instruction per
// TB and an access check before each), per-thread stop events, parking and
// resuming threads. Does not own: the remote protocol (gdbstub/), the Linux
// run loop that calls park() (linux-abi/), invalidating TBs (the caller does
// that with TbCache::invalidate when it inserts or removes a breakpoint).
//
// All-stop: request_stop() (or the first thread that reports an event) sets
// stop_requested() and calls kick_all, which raises every vCPU's
// exit_request; each thread then parks at its next run-loop turn. The
// debugger sees a stop once every live thread is parked. resume() releases
// parked threads with an action each (continue, step, with a signal).
//
// Locking: mutex_ is a leaf (kick_all is called without it held).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace hart {

class Vcpu;
class AddressSpace;
struct CpuState;

enum class StopKind : uint8_t {
  None,        // parked because a stop was requested (no event of its own)
  Breakpoint,  // about to run an instruction with a breakpoint (pc on it)
  Step,        // one instruction done
  Watch,       // about to write a watched range (pc on the access)
  RWatch,      // about to read a watched range
  AWatch,      // about to read or write an access-watched range
  Signal,      // a guest signal is about to be delivered
  SyscallEntry,   // catch syscall: entering syscall `addr` (pc after the ecall)
  SyscallReturn,  // catch syscall: syscall `addr` returned (result in a0)
  Fork,        // fork: child_pid/child_tid created, stopped (pc after the ecall)
  VFork,       // vfork: likewise; the parent then waits for the child
  VForkDone,   // the vfork child execed or exited: the parent goes on
  Exec,        // the process execed (pc at the new entry; exec_path())
  HistoryBegin,  // reverse execution reached the start of the recorded history
};

struct StopEvent {
  StopKind kind = StopKind::None;
  int tid = 0;
  int signal = 5;     // SIGTRAP, or the guest signal for Signal
  uint64_t addr = 0;  // watchpoints: the watched address hit
  bool after_access = false;  // watchpoints: reported after the access ran
  int child_pid = 0, child_tid = 0;  // Fork/VFork: the new process
};

// Process events the debugger asked for (gdb's fork-events/vfork-events/exec-events).
enum : uint32_t { kDebugForkEvents = 1, kDebugVforkEvents = 2, kDebugExecEvents = 4 };

// ReverseStep/ReverseContinue: one instruction back; back to the last
// breakpoint or watchpoint hit (linux-abi/process/record.h).
enum class ResumeKind : uint8_t { Stop, Continue, Step, ReverseStep, ReverseContinue };
struct ResumeAction {
  ResumeKind kind = ResumeKind::Continue;
  int signal = 0;  // deliver this signal on resume (0: none)
};

// gdb's Z2/Z3/Z4.
enum class WatchType : uint8_t { Write = 2, Read = 3, Access = 4 };

// One data access of an instruction, as the watch check needs it.
struct MemAccess {
  uint64_t addr = 0;
  uint32_t size = 0;
  bool read = false, write = false;
  // Vector accesses: the (address, size) of each element (or of a run of
  // contiguous ones); [addr, addr + size) is their hull. Empty for scalar ones.
  std::vector<std::pair<uint64_t, uint32_t>> parts;
};
// Decodes the instruction at s.pc; true if it accesses memory (translator/).
using MemAccessFn = bool (*)(const CpuState& s, const AddressSpace& as, MemAccess* out);

class DebugController {
 public:
  DebugController();
  ~DebugController();
  DebugController(const DebugController&) = delete;
  DebugController& operator=(const DebugController&) = delete;

  // ---- translation and the vCPU loop (any thread) ---------------------
  bool has_breakpoints() const { return n_breakpoints_.load(std::memory_order_acquire) != 0; }
  bool breakpoint_at(uint64_t pc) const;
  bool watch_active() const { return n_watchpoints_.load(std::memory_order_acquire) != 0; }
  // Before one instruction in watch mode: if it touches a watched range,
  // describes the hit (reported before the instruction runs, or after it
  // with watch_after).
  bool watch_hit(const CpuState& s, const AddressSpace& as, StopEvent* ev) const;
  void set_access_decoder(MemAccessFn fn) { decode_access_ = fn; }

  // ---- breakpoints and watchpoints (the debugger) ---------------------
  // The caller invalidates the TBs covering pc afterwards.
  void insert_breakpoint(uint64_t pc);
  bool remove_breakpoint(uint64_t pc);
  bool insert_watchpoint(WatchType type, uint64_t addr, uint64_t len);
  bool remove_watchpoint(WatchType type, uint64_t addr, uint64_t len);
  std::vector<uint64_t> breakpoints() const;
  void clear_points();  // all breakpoints and watchpoints (detach)
  // Breakpoints and watchpoints only (exec: the address space is new).
  // Returns the breakpoints that were set.
  std::vector<uint64_t> clear_breakpoints_and_watches();

  // ---- fork/vfork/exec events ----------------------------------------------
  std::atomic<uint32_t> process_events{0};  // kDebug*Events
  // exec: the thread reports Exec at its next loop turn (in the new image).
  void note_exec(int tid, std::string guest_path);
  bool exec_pending() const { return exec_pending_.load(std::memory_order_acquire); }
  bool take_exec(int tid);
  // The guest path of the last exec ("" if none since attach).
  std::string exec_path() const;

  // Signals the debugger does not want to see (QPassSignals), bit sig-1.
  std::atomic<uint64_t> pass_signals{0};
  // A watchpoint hit is reported after the access ran (pc past the load or
  // store; StopEvent::after_access) instead of before it — LLDB's way
  // (gdb::Target::set_watch_after). Read by the vCPU at each run.
  std::atomic<bool> watch_after{false};

  // ---- catch syscall (QCatchSyscalls) ------------------------------------
  // Off, every syscall, or the listed numbers.
  void set_catch_syscalls(bool on, const std::vector<int>& numbers);
  bool catching_syscalls() const { return catch_syscalls_.load(std::memory_order_acquire); }
  bool catches_syscall(int nr) const;

  // ---- the siginfo of a signal stop (qXfer:siginfo:read) -----------------
  // Raw bytes in the guest's layout, kept per thread until it resumes.
  void set_siginfo(int tid, std::string bytes);
  std::string siginfo(int tid) const;

  // ---- all-stop: vCPU threads -------------------------------------------
  bool attached() const { return attached_.load(std::memory_order_acquire); }
  bool stop_requested() const { return stop_all_.load(std::memory_order_acquire); }
  // Parks the calling thread (tid, running v). ev.kind != None reports an
  // event (and stops every other thread). Returns when the debugger resumes
  // this thread, or when must_leave() becomes true (the process is exiting).
  ResumeAction park(Vcpu& v, const StopEvent& ev, const std::function<bool()>& must_leave);
  // A thread ended (its stop events are dropped).
  void thread_gone(int tid);
  // The process may have ended (its last thread is gone): wakes the debugger.
  void process_changed() const { wake(); }

  // ---- one debugger at a time ------------------------------------------
  // A stub claims the process for as long as it debugs it (a per-process
  // stub for the process's life, an extended-remote session until it lets
  // go); another stub's claim fails, as a second ptrace attach does.
  // claim() returns whether `who` holds the process now.
  bool claim(const void* who);
  void unclaim(const void* who);
  bool claimed() const { return owner_.load(std::memory_order_acquire) != nullptr; }
  const void* owner() const { return owner_.load(std::memory_order_acquire); }

  // ---- all-stop: the debugger --------------------------------------------
  void set_attached(bool on);
  // Stops every thread at its next TB boundary.
  void request_stop();
  // Releases the parked threads action_of(tid) says (ResumeKind::Stop: stays
  // parked). Unless a pending event of a released thread is reported first:
  // then nobody runs and true is returned (the event is in take_event()).
  bool resume(const std::function<ResumeAction(int tid)>& action_of);
  // Releases every parked thread (detach, kill).
  void release_all();
  size_t parked_count() const;
  bool is_parked(int tid) const;
  Vcpu* parked_vcpu(int tid) const;  // nullptr unless parked
  bool has_event() const;
  bool take_event(StopEvent* out);
  // Readable (eventfd) when a thread parked, reported or ended.
  int wake_fd() const { return wake_fd_; }
  void drain_wake() const;

  // Set by the environment: raise exit_request on every thread of the
  // process and kick blocking host syscalls. Called without mutex_ held.
  std::function<void()> kick_all;

 private:
  void wake() const;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::set<uint64_t> bps_;
  std::atomic<uint32_t> n_breakpoints_{0};
  struct Watch {
    WatchType type;
    uint64_t addr, len;
  };
  std::vector<Watch> watches_;
  std::atomic<uint32_t> n_watchpoints_{0};
  MemAccessFn decode_access_ = nullptr;

  std::atomic<bool> catch_syscalls_{false};
  std::set<int> catch_list_;  // empty: every syscall
  std::map<int, std::string> siginfo_;  // tid → siginfo bytes of its signal stop
  std::atomic<bool> exec_pending_{false};
  std::set<int> exec_tids_;  // threads that execed, Exec not yet reported
  std::string exec_path_;

  std::atomic<const void*> owner_{nullptr};  // claim()
  std::atomic<bool> attached_{false};
  std::atomic<bool> stop_all_{false};
  std::map<int, Vcpu*> parked_;              // tid → vCPU, parked now
  std::map<int, ResumeAction> released_;     // tid → action, not yet picked up
  std::deque<StopEvent> events_;             // reported, not yet taken
  int wake_fd_ = -1;
};

}  // namespace hart
