// linux-abi/process/debug_hooks.h — what the Linux run loop does for a debugger
// attached to a process (core/debug.h's DebugController): park threads for
// all-stop, report breakpoint/step/watchpoint exits, show guest signals to
// the debugger before delivery (and deliver the one it passes on), and the
// attach/detach/kill operations a stub needs on a Process.
// Owns: the glue between Process/Thread and DebugController. Does not own:
// the protocol (gdbstub/) or the stop/resume bookkeeping (core/debug.cpp).
#pragma once

#include <memory>
#include <string>

#include "core/debug.h"

namespace hart::linux {

class Process;
struct Thread;

// ---- the run loop (cpu_loop.cpp) -------------------------------------------
// At the top of every loop turn when p.debug is set: points the vCPU at the
// controller (or clears it when detached) and parks if a stop is requested.
void debug_loop_top(Process& p, Thread& t);
// A thread waiting outside its run loop's top (record.h: for the run token
// between a system call and its result, or dormant): parks if a stop is
// requested, so that the process can stop as a whole; a reverse request
// may rewind the process from here (the recorder then ends the wait).
void debug_park_waiting(Process& p, Thread& t);
// A debug exit of t's vCPU (Breakpoint, Step, Watchpoint; HistoryBegin
// from the recorder): report and park. While the recorder seeks a
// position, it takes the stop instead. A reverse request the debugger
// resumes with here, at the loop top or at a signal stop rewinds the thread
// (record.h); at syscall and fork/exec stops the thread stays where it is.
void debug_report(Process& p, Thread& t, StopKind kind);
// Before signal delivery: each pending deliverable signal the debugger has
// not passed (QPassSignals) stops the thread first; the signal the debugger
// resumes with (if any) is queued again for delivery.
void debug_intercept_signals(Process& p, Thread& t);
// catch syscall: before syscall nr runs (entry, pc after the ecall) and after
// it returned (result in a0): stops if the debugger catches nr.
void debug_syscall(Process& p, Thread& t, int nr, bool entry);
// fork/vfork (sys_clone.cpp), before the child's thread starts: when the
// debugger of p asked for fork (vfork) events, the child gets a controller
// of its own, attached and stopped before its first instruction (so the
// stub can take it over, debug_take_child). Returns whether it did.
bool debug_fork_attach(Process& p, Process& child, bool vfork);
// After the child started (only if debug_fork_attach returned true): p's
// thread t reports Fork/VFork with the child's ids and parks.
void debug_fork_report(Process& p, Thread& t, Process& child, bool vfork);
// The vfork child execed or exited and t goes on: VForkDone (if wanted).
void debug_vfork_done(Process& p, Thread& t);
// execve replaced p's image (t's thread goes on in it): breakpoints and
// watchpoints are dropped; with exec events t reports Exec at its next turn.
void debug_exec(Process& p, Thread& t, const std::string& guest_path);
// t is leaving the run loop for good.
void debug_thread_exit(Process& p, Thread& t);

// ---- the stub's side ---------------------------------------------------------
// The process's controller, created on first use (kick_all wired to the
// process's threads) and marked attached; with stop, every thread is asked
// to stop. Safe before the first thread starts and while threads run.
std::shared_ptr<DebugController> debug_attach(Process& p, bool stop);
// The process's controller (created on first use), neither attached nor
// stopped: for claiming it (DebugController::claim) before attaching.
std::shared_ptr<DebugController> debug_controller(Process& p);
// Removes breakpoints/watchpoints (dropping their TBs), marks the controller
// detached and lets every thread run on.
void debug_detach(Process& p);
// The child p's Fork/VFork event named (once; nullptr if unknown).
std::shared_ptr<Process> debug_take_child(Process& parent, int child_pid);
// Drops translations of [start, end) after a breakpoint change or a memory
// write by the debugger.
void debug_invalidate(Process& p, uint64_t start, uint64_t end);

}  // namespace hart::linux
