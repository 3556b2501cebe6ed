// linux-abi/process/record.h — record and replay of one guest process, the
// ground of reverse execution (docs/REVERSE.md). While a process is
// recorded, its vCPUs count retired instructions (Vcpu::counting) and the
// recorder logs everything that is not a pure function of guest state:
// system call results with the guest memory the handlers wrote, the values
// of the cycle/time/instret counters, signal deliveries, and the schedule of
// its threads. It takes checkpoints (guest memory as an
// AddressSpace::fork_copy, every thread's registers, brk and signal state)
// every `interval` instructions, at most `max_checkpoints` of them (older
// ones are thinned out). To go back, it restores the nearest checkpoint and
// re-executes, feeding logged results instead of performing system calls,
// up to the wanted position; going forward inside the history replays the
// same way, and reaching its end resumes live recording.
// Owns: the event logs, the run token and schedule, checkpoints, the replay
// position and the reverse searches (one instruction back; the last
// breakpoint or watchpoint hit). Does not own: instruction counting
// (core/vcpu), the stop/park protocol (core/debug.h, debug_hooks.h), the
// remote protocol (gdbstub/).
//
// Threads (rr's way): one guest thread runs at a time. The run token passes
// at system calls (released around every call except the state-only ones,
// so a blocking futex or read never holds it), when a thread exits, and
// after a bounded number of instructions (kQuantum) when another thread
// waits. Positions are global: the token holder's Vcpu::icount is the
// number of instructions every thread of the process has retired, so every
// event has one position. The log keeps the schedule as slices (thread,
// position where it took the token, how the previous holder left it);
// replay hands the token by it. Threads are numbered by creation order
// (their ordinal); every event list is per thread.
// Threads that exit while recorded keep their host thread (dormant), and
// so do threads rewound to before their creation: a replayed clone revives
// its dormant thread instead of making one. They stay in the process's
// thread list (gdb lists them) until the process ends.
// Threading: the recorder's mutex_ guards the token, the schedule, the
// logs' growth and the checkpoints; a thread's vCPU state is only touched by
// the token holder (restores run on the holder with every other thread
// waiting in the recorder or parked by the debugger).
// Limits: shared mappings are not snapshotted; signals left pending
// (blocked) at the live end are not replayed; checkpoints are taken only
// where no other thread is inside a system call.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
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
  struct RThread;
  // Starts recording p (one thread, before or between instructions; the
  // first checkpoint is the start of history). nullptr + *error if p
  // cannot be recorded.
  static std::shared_ptr<Recorder> start(Process& p, const RecordOptions& opts, std::string* error);
  ~Recorder();

  // ---- the run loop (cpu_loop.cpp), on the thread's host thread ------------
  // Before each Vcpu::run(): waits for the run token, checkpoints when due,
  // sets the instruction stop. false: do not run now (a debugger stop, a
  // rewind, the process exits): go round the loop again.
  bool before_run(Process& p, Thread& t);
  // An ecall inside history: served from the log (or re-executed, for the
  // calls that only change state a checkpoint holds), finish_syscall
  // included. false when not replaying: the caller calls syscall_begin,
  // serves it as usual with an AddressSpace write capture set, then calls
  // record_syscall.
  bool ecall(Process& p, Thread& t);
  // Recording, before a live system call: releases the run token unless the
  // call only changes state (nothing to wait for).
  void syscall_begin(Process& p, Thread& t, uint64_t nr, const uint64_t* args);
  // Logs the call and takes the token back. false: the thread was rewound
  // meanwhile (or the process exits): do not finish the call.
  bool record_syscall(Process& p, Thread& t, uint64_t nr, const uint64_t* args, int64_t ret,
                      const AddressSpace::WriteCapture& cap);
  // ExitReason::Icount: the end of history, a slice, a due checkpoint or the
  // target of a seek was reached (before_run sees to each).
  void icount_reached(Process& p, Thread& t);
  // A debugger stop (breakpoint, step, watchpoint) while seeking: noted or
  // stepped over instead of reported. false: not seeking, report it.
  bool seek_event(Process& p, Thread& t, StopKind kind);
  // The debugger resumed t with ReverseStep/ReverseContinue at a point
  // where the thread may be rewound: the process is rewound and seeking
  // (true: let it run), or *stop is where it stays (the start of history).
  bool begin_reverse(Process& p, Thread& t, ResumeKind kind, StopEvent* stop);
  // Recording ends (execve, a failed checkpoint, monitor record stop):
  // history is dropped; dormant threads end. Every thread must be parked or
  // be the caller.
  void stop(Process& p, const std::string& why);
  // t left its run loop (exit): while the process is recorded and goes on,
  // the thread does the guest-visible part of its exit and stays dormant;
  // true when a rewind revived it (run the loop again). false: let it end.
  bool retire(Process& p, Thread& t);

  // Signal delivery (signals.cpp, process mutex held), on t's host thread.
  // Replaying: the pending signals are the log's for this position (those
  // the run regenerated, such as faults, and any from outside are dropped;
  // a fault the log does not have is a divergence). Recording: nothing.
  void before_delivery(Process& p, Thread& t, ThreadSignals& ts, ProcessSignals& ps);
  // Recording: sig (info) is being delivered to t now.
  void delivered(Thread& t, const GuestSiginfo& info);

  // ---- files (record_file.cpp) ---------------------------------------------
  // Writes the whole history (the start-of-history image, the logs, the
  // end) to path; p is the recorded process. Its threads must be parked or
  // gone. false + *error on failure.
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
  // A recorded thread ends for good (the end of a recording saved afterwards).
  void thread_exiting(Process& p, Thread& t);

  // t may run or deliver signals now (it holds the run token, or the
  // process is not recorded).
  bool holds_token(Thread& t) const;
  // A debugger stop was requested: threads waiting in the recorder look now.
  void wake_all();
  bool active() const { return active_; }
  bool seeking() const { return seek_ != Seek::None; }
  // Inside history (not at its live end).
  bool replaying() const;
  // The process's position (instructions retired by all its threads).
  uint64_t position() const;
  std::string status() const;  // `monitor record`

  // Instructions a thread may run while another waits for the token.
  static constexpr uint64_t kQuantum = uint64_t{1} << 18;

 private:
  struct SyscallEvent {
    uint64_t icount = 0;  // the position after the ecall retired
    uint64_t nr = 0;
    int64_t ret = 0;
    std::vector<std::pair<uint64_t, std::string>> writes;  // guest memory after the call
    // The thread's signal mask after the call, with the one to restore
    // after a handler (rt_sigsuspend, ppoll, pselect6, epoll_pwait change
    // it for the call's duration).
    uint64_t blocked = 0, saved_blocked = 0;
    bool restore_blocked = false;
    int32_t child = -1;  // clone of a thread: the new thread's ordinal
  };
  struct SignalEvent {
    uint64_t icount = 0;  // delivered between instructions, at this position
    GuestSiginfo info{};
  };
  struct CounterEvent {
    uint32_t csr = 0;
    uint64_t value = 0;
  };
  // How the previous holder gave the token up.
  enum How : uint8_t { kAtRun = 0, kAtEcall = 1, kAtExit = 2 };
  struct Slice {
    uint64_t start = 0;  // the position at which `ord` took the token
    uint32_t ord = 0;
    uint8_t how = kAtRun;
  };
  struct Regs {
    // CpuState from x to frm (x, pc, f, fflags, frm), and the LR reservation.
    alignas(8) unsigned char arch[offsetof(CpuState, mem_base)] = {};
    uint64_t res_addr = 0, res_value = 0;
    uint32_t res_size = 0;
  };
  enum class Life : uint8_t { Unborn, Alive, Dormant };
 public:
  // One recorded thread (by ordinal). Thread::rec_thread points here.
  struct RThread {
    Recorder* rec = nullptr;
    uint32_t ord = 0;
    Thread* t = nullptr;  // its host thread's Thread (null: not made yet, in a replay from a file)
    int tid = 0;          // as recorded
    Life life = Life::Alive;
    bool in_syscall = false;  // between giving up the token at an ecall and taking it back
    // Its first registers, signal mask and CLONE_CHILD_CLEARTID (ordinal > 0: what clone gave it).
    Regs birth;
    uint64_t birth_blocked = 0, birth_clear_tid = 0;
    // Deques: they grow without moving what they hold (a system call-bound
    // recording spent ~4% moving and refaulting a vector of events).
    std::deque<SyscallEvent> syscalls;
    std::deque<CounterEvent> counters;
    std::vector<SignalEvent> signals;
    size_t syscall_pos = 0, counter_pos = 0, signal_pos = 0;  // replay cursors
    std::string divergence;  // met during signal delivery, reported at its next turn
  };

 private:
  struct ThreadCk {
    uint32_t ord = 0;
    Life life = Life::Alive;
    Regs regs;
    ThreadSignals sig;
    uint64_t clear_child_tid = 0, robust_list = 0, robust_list_len = 0;
    size_t next_syscall = 0, next_counter = 0, next_signal = 0;
  };
  struct Checkpoint {
    uint64_t icount = 0;
    size_t slice = 0;  // the slice running at icount
    std::vector<ThreadCk> threads;  // every thread born by then
    uint64_t brk_start = 0, brk_cur = 0, brk_mapped = 0;
    ProcessSignals psig;
    std::unique_ptr<AddressSpace> mem;
  };
  // A debugger stop met while searching backwards.
  struct Hit {
    uint64_t icount = 0;  // of the breakpoint's or the access's instruction
    uint32_t ord = 0;
    StopKind kind = StopKind::Breakpoint;
    uint64_t addr = 0;
    bool after_access = false;  // a watch hit the debugger wants after the access (LLDB)
  };
  enum class Seek { None, Goto, Search };
  enum class Wait { Got, Stop, Restored, Leave };

  Recorder() = default;
  RThread& add_thread(Thread* t, int tid);  // mutex_ held
  static RThread* rthread(Thread& t);
  bool take_checkpoint(Process& p, Thread& t, std::string* error);
  bool clean_for_checkpoint(const RThread& me) const;  // mutex_ held
  void restore(Process& p, Checkpoint& ck);
  static void save_regs(const CpuState& s, Regs* r);
  static void load_regs(CpuState& s, const Regs& r);
  // The last checkpoint with icount <= at.
  size_t checkpoint_at_or_before(uint64_t at) const;
  void start_goto(Process& p, size_t ck, uint64_t target, int ord, const StopEvent& report);
  void start_search(Process& p, size_t ck, uint64_t limit);
  void finish_search(Process& p);
  // The position just before the last instruction thread ord ran before `at`.
  bool previous_of(uint32_t ord, uint64_t at, uint64_t* pos) const;
  void replay_ecall(Process& p, Thread& t, RThread& rt);
  void replay_clone(Process& p, Thread& t, const SyscallEvent& e, const uint64_t* a);
  void diverged(Process& p, Thread& t, const std::string& what);  // mutex_ not held
  void thin_checkpoints();
  static uint64_t counter_hook(void* ctx, uint32_t csr, uint64_t live);
  void echo_output(Process& p, uint64_t pos, uint64_t nr, const uint64_t* a, int64_t ret);

  // The run token (mutex_ held). give_up: the holder leaves it at `how`;
  // replaying, to the next slice's thread. wait_turn: until rt holds it.
  void give_up(RThread& rt, How how, std::unique_lock<std::mutex>& lock);
  // (epoch0: the restores counted when the wait began; one more: Restored.)
  Wait wait_turn(Process& p, Thread& t, RThread& rt, uint64_t epoch0, std::unique_lock<std::mutex>& lock);
  // After a system call given up at: the token back (parking for the
  // debugger meanwhile). false: rewound, or the process exits.
  bool take_back(Process& p, Thread& t, RThread& rt, std::unique_lock<std::mutex>& lock);
  void take(RThread& rt);  // rt gets the token now (logs a slice when recording)
  // Replaying, the holder at a yield point: the next slice starts here.
  bool slice_ends(uint64_t pos, How how) const;
  uint64_t position_locked() const;

  RecordOptions opts_;
  std::atomic<bool> active_{false};
  // The position went back into history (end_ is its end). Written under
  // mutex_; the token holder may read it without (nobody else writes it
  // while a thread runs).
  std::atomic<bool> replay_{false};
  uint64_t end_ = 0;     // the live end of history (position)
  uint64_t next_checkpoint_ = 0;
  uint64_t interval_ = 0;  // between checkpoints: opts_.interval, doubled at each thinning
  std::vector<std::unique_ptr<RThread>> threads_;  // by ordinal
  std::vector<Slice> slices_;
  size_t slice_pos_ = 0;        // the slice running now
  int holder_ = -1;             // ordinal holding the token, -1: free
  uint64_t pos_ = 0;            // the position when the token was last given up
  uint64_t quantum_end_ = 0;    // recording: the holder's slice may end here
  How last_how_ = kAtRun;       // recording: how the token was last given up
  std::deque<uint32_t> waiters_;  // recording: ordinals waiting for the token, in order
  uint64_t epoch_ = 0;          // restores so far (a waiting thread that was rewound gives up)
  bool ending_ = false;         // the last living thread exited: dormant threads end too
  std::condition_variable cv_;          // the token changed hands (threads waiting for it)
  std::condition_variable dormant_cv_;  // a thread may be revived, or the recording ends
  std::vector<Checkpoint> checkpoints_;
  // Seeking.
  std::atomic<Seek> seek_{Seek::None};
  uint64_t seek_target_ = 0;  // Goto: where to stop; Search: the end of the interval
  int seek_ord_ = -1;         // Goto: the thread that stops there (-1: whichever holds the token)
  size_t search_ck_ = 0;      // Search: the checkpoint it started from
  uint64_t search_from_ = 0;  // Search: the position the reverse-continue started at
  StopEvent report_;          // Goto: what to report at the target
  std::vector<Hit> hits_;
  // Files: where the recording ended; a replay from a file writes the
  // program's output again (echo_) up to echoed_to_.
  bool exited_ = false, echo_ = false, diverged_ = false;
  uint64_t exit_icount_ = 0, echoed_to_ = 0;
  mutable std::mutex mutex_;
};

// Launch option: record from the first instruction (hart-run --record,
// hartd's launch field "record"). Logs and returns false if it cannot.
bool record_at_launch(Process& p, const RecordOptions& opts, std::string* error);

}  // namespace hart::linux
