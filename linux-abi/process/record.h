// linux-abi/process/record.h — record and replay of one guest process, the
// ground of reverse execution (docs/REVERSE.md). While a process is
// recorded, its vCPU counts retired instructions (Vcpu::counting) and the
// recorder logs everything that is not a pure function of guest state:
// system call results with the guest memory the handlers wrote, and the
// values of the cycle/time/instret counters. It takes checkpoints (guest
// memory as an AddressSpace::fork_copy, registers, brk and signal state)
// every `interval` instructions, at most `max_checkpoints` of them (older
// ones are thinned out). To go back, it restores the nearest checkpoint and
// re-executes, feeding logged results instead of performing system calls,
// up to the wanted instruction count; going forward inside the history
// replays the same way, and reaching its end resumes live recording.
// Owns: the event log, checkpoints, the replay position and the reverse
// searches (one instruction back; the last breakpoint or watchpoint hit).
// Does not own: instruction counting (core/vcpu), the stop/park protocol
// (core/debug.h, debug_hooks.h), the remote protocol (gdbstub/).
//
// Signals are logged as they are delivered, with the instruction count;
// replay delivers the logged ones at the same counts (icount_stop halts
// the vCPU there) instead of whatever is pending.
// Limits of this first version: one thread (a second thread, execve, or a
// failure to checkpoint ends the recording with a logged message); shared
// mappings are not snapshotted; signals left pending (blocked) at the live
// end are not replayed. Threading: everything runs on the process's one vCPU
// thread, except status() (the gdb stub), which takes the recorder's mutex.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/address_space.h"
#include "core/cpu_state.h"
#include "core/debug.h"
#include "linux-abi/process/signals.h"

namespace hart::linux {

class Process;
struct Thread;

struct RecordOptions {
  uint64_t interval = uint64_t{1} << 24;  // instructions between checkpoints
  size_t max_checkpoints = 32;            // more: every other one is dropped
};

class Recorder {
 public:
  // Starts recording p (one thread, before or between instructions; the
  // first checkpoint is the start of history). nullptr + *error if p
  // cannot be recorded.
  static std::shared_ptr<Recorder> start(Process& p, const RecordOptions& opts, std::string* error);
  ~Recorder();

  // ---- the run loop (cpu_loop.cpp), on the vCPU thread ---------------------
  // Before each Vcpu::run(): checkpoint when due, set the instruction stop.
  void before_run(Process& p, Thread& t);
  // An ecall inside history: served from the log (or re-executed, for the
  // calls that only change state a checkpoint holds), finish_syscall
  // included. false when not replaying: the caller serves it as usual,
  // with an AddressSpace write capture set, then calls record_syscall.
  bool ecall(Process& p, Thread& t);
  void record_syscall(Process& p, Thread& t, uint64_t nr, const uint64_t* args, int64_t ret,
                      const AddressSpace::WriteCapture& cap);
  // ExitReason::Icount: the end of history, a due checkpoint or the target
  // of a seek was reached.
  void icount_reached(Process& p, Thread& t);
  // A debugger stop (breakpoint, step, watchpoint) while seeking: noted or
  // stepped over instead of reported. false: not seeking, report it.
  bool seek_event(Process& p, Thread& t, StopKind kind);
  // The debugger resumed t with ReverseStep/ReverseContinue at a point
  // where the thread may be rewound: the thread is rewound and seeking
  // (true: let it run), or *stop is where it stays (the start of history).
  bool begin_reverse(Process& p, Thread& t, ResumeKind kind, StopEvent* stop);
  // Recording ends (a second thread, execve): history is dropped.
  void stop(Process& p, Thread& t, const std::string& why);

  // Signal delivery (signals.cpp, process mutex held), on the vCPU thread.
  // Replaying: the pending signals are the log's for this instruction
  // count (those the run regenerated, such as faults, and any from
  // outside are dropped; a fault the log does not have is a divergence).
  // Recording: nothing.
  void before_delivery(Process& p, Thread& t, ThreadSignals& ts, ProcessSignals& ps);
  // Recording: sig (info) is being delivered now.
  void delivered(Thread& t, const GuestSiginfo& info);

  // ---- files (record_file.cpp) ---------------------------------------------
  // Writes the whole history (the start-of-history image, the logs, the
  // end) to path; p is the recorded process. The recorded thread must be
  // parked or gone. false + *error on failure.
  // *summary (if given): what was saved, in one line.
  bool save(const Process& p, const std::string& path, std::string* error, std::string* summary = nullptr);
  // A recording read back (checked: version, checksum, bounds).
  struct Saved;
  static std::shared_ptr<const Saved> read_file(const std::string& path, std::string* error);
  static const std::string& saved_exe(const Saved& s);
  static const std::vector<std::string>& saved_argv(const Saved& s);
  static const std::vector<std::string>& saved_envp(const Saved& s);
  static uint64_t saved_limit(const Saved& s);  // the address-space size
  // Replays s in p, freshly loaded from the same program (its identity is
  // checked) and not started: p's memory and registers become the start of
  // history and the whole history is replay. What the program wrote to
  // fds 1 and 2 is written again the first time replay passes it.
  static std::shared_ptr<Recorder> start_replay(Process& p, const Saved& s, const RecordOptions& opts,
                                                std::string* error);
  // The recorded thread ends (the end of a recording saved afterwards).
  void thread_exiting(Thread& t);

  bool active() const { return active_; }
  bool seeking() const { return seek_ != Seek::None; }
  // Inside history (not at its live end).
  bool replaying(const Thread& t) const;
  std::string status(const Thread* t) const;  // `monitor record`

 private:
  struct SyscallEvent {
    uint64_t icount = 0;  // after the ecall retired
    uint64_t nr = 0;
    int64_t ret = 0;
    std::vector<std::pair<uint64_t, std::string>> writes;  // guest memory after the call
    // The thread's signal mask after the call, with the one to restore
    // after a handler (rt_sigsuspend, ppoll, pselect6, epoll_pwait change
    // it for the call's duration).
    uint64_t blocked = 0, saved_blocked = 0;
    bool restore_blocked = false;
  };
  struct SignalEvent {
    uint64_t icount = 0;  // delivered between instructions, after icount of them
    GuestSiginfo info{};
  };
  struct CounterEvent {
    uint32_t csr = 0;
    uint64_t value = 0;
  };
  struct Checkpoint {
    uint64_t icount = 0;
    size_t next_syscall = 0, next_counter = 0, next_signal = 0;
    // CpuState from x to frm (x, pc, f, fflags, frm), and the LR reservation.
    alignas(8) unsigned char arch[offsetof(CpuState, mem_base)] = {};
    struct {
      uint64_t addr = 0, value = 0;
      uint32_t size = 0;
    } res;
    uint64_t brk_start = 0, brk_cur = 0, brk_mapped = 0;
    ProcessSignals psig;
    ThreadSignals tsig;
    std::unique_ptr<AddressSpace> mem;
  };
  // A debugger stop met while searching backwards.
  struct Hit {
    uint64_t icount = 0;  // of the breakpoint's or the access's instruction
    StopKind kind = StopKind::Breakpoint;
    uint64_t addr = 0;
    bool after_access = false;  // a watch hit the debugger wants after the access (LLDB)
  };
  enum class Seek { None, Goto, Search };

  Recorder() = default;
  bool take_checkpoint(Process& p, Thread& t, std::string* error);
  void restore(Process& p, Thread& t, Checkpoint& ck);
  // brk and signal state between the process and ck (save: into ck).
  static void process_state(Process& p, Thread& t, Checkpoint& ck, bool save);
  // The last checkpoint with icount <= at.
  size_t checkpoint_at_or_before(uint64_t at) const;
  void start_goto(Process& p, Thread& t, size_t ck, uint64_t target, const StopEvent& report);
  void start_search(Process& p, Thread& t, size_t ck, uint64_t limit);
  void finish_search(Process& p, Thread& t);
  void replay_ecall(Process& p, Thread& t);
  void diverged(Process& p, Thread& t, const std::string& what);
  void thin_checkpoints();
  static uint64_t counter_hook(void* ctx, uint32_t csr, uint64_t live);

  RecordOptions opts_;
  std::atomic<bool> active_{false};  // read by the process's other threads (it stops at the second)
  bool replay_ = false;  // the position went back into history (end_ is its end)
  uint64_t end_ = 0;  // the live end of history (instruction count)
  uint64_t next_checkpoint_ = 0;
  uint64_t interval_ = 0;  // between checkpoints: opts_.interval, doubled at each thinning
  std::vector<SyscallEvent> syscalls_;
  std::vector<CounterEvent> counters_;
  std::vector<SignalEvent> signals_;
  size_t syscall_pos_ = 0, counter_pos_ = 0, signal_pos_ = 0;  // replay cursors
  std::vector<Checkpoint> checkpoints_;
  // Seeking.
  Seek seek_ = Seek::None;
  uint64_t seek_target_ = 0;  // Goto: where to stop; Search: the end of the interval
  size_t search_ck_ = 0;      // Search: the checkpoint it started from
  uint64_t search_from_ = 0;  // Search: the position the reverse-continue started at
  StopEvent report_;          // Goto: what to report at the target
  std::vector<Hit> hits_;
  bool step_over_ = false;
  // Files: where the recorded thread ended; a replay from a file writes the
  // program's output again (echo_) up to echoed_to_.
  bool exited_ = false, echo_ = false, diverged_ = false;
  uint64_t exit_icount_ = 0, echoed_to_ = 0;
  void echo_output(Process& p, Thread& t, uint64_t nr, const uint64_t* a, int64_t ret);    // a breakpoint hit was noted: run its instruction
  Thread* thread_ = nullptr;  // the recorded thread
  mutable std::mutex mutex_;  // status() against the vCPU thread
};

// Launch option: record from the first instruction (hart-run --record,
// hartd's launch field "record"). Logs and returns false if it cannot.
bool record_at_launch(Process& p, const RecordOptions& opts, std::string* error);

}  // namespace hart::linux
