// linux-abi/cpu_loop.cpp — run_guest(): creates the process, loads the
// program, and runs the vCPU loop that gives guest exits their Linux meaning:
// ecall → syscall (a7 = number, a0..a5 = arguments, result in a0, pc += 4,
// restart codes handled by finish_syscall), memory fault → SIGSEGV
// SEGV_MAPERR/SEGV_ACCERR with si_addr = the address (SIGBUS BUS_ADRALN with
// si_addr = pc when misaligned, as Linux's riscv trap handlers report it),
// illegal instruction → SIGILL ILL_ILLOPC, ebreak → SIGTRAP TRAP_BRKPT (pc
// left on the instruction). Pending signals are delivered after every
// syscall and every vCPU exit (signals.cpp).
// Every guest thread runs run_thread() on its own host thread; a thread
// leaves the loop when it calls exit(), when its process exits (exit_group,
// fatal signal) or when execve in another thread ends it; execve in this
// thread swaps in the new image's vCPU between two loop turns.
// Owns: the Linux run loop of every guest thread, run_guest. Does not own:
// translation (Executor), syscall semantics (syscall_table.cpp, sys_*.cpp),
// signal delivery (signals.cpp).
#include <csignal>
#include <cinttypes>
#include <cstring>
#include <exception>
#include <new>

#include "linux-abi/process/debug_hooks.h"
#include "linux-abi/loader/elf_loader.h"
#include "linux-abi/guest.h"
#include "linux-abi/process/process.h"
#include "linux-abi/process/record.h"
#include "linux-abi/process/signals.h"
#include "linux-abi/syscalls/sys_util.h"
#include "linux-abi/syscalls/syscall_table.h"

namespace hart::linux {

namespace {

// A system call whose handler throws (an allocation that failed, a bug)
// ends with ENOMEM, or ends this guest process alone with a logged reason;
// hartd and the other guests go on.
int64_t dispatch_syscall_contained(Process& p, SyscallCtx& ctx) {
  try {
    return dispatch_syscall(ctx);
  } catch (const std::bad_alloc&) {
    return -ENOMEM;
  } catch (const std::exception& e) {
    p.log().printf("hart: guest %d: internal error in system call %" PRIu64 ": %s; process killed\n",
                   p.pid(), ctx.nr, e.what());
  } catch (...) {
    p.log().printf("hart: guest %d: internal error in system call %" PRIu64 "; process killed\n",
                   p.pid(), ctx.nr);
  }
  p.exit_with_signal(SIGKILL);
  return -EINTR;
}

const char* fault_kind_text(FaultKind k) {
  switch (k) {
    case FaultKind::Unmapped:
      return "unmapped address";
    case FaultKind::Protection:
      return "protection fault";
    case FaultKind::OutOfRange:
      return "address outside the guest address space";
    case FaultKind::Misaligned:
      return "misaligned access";
    case FaultKind::Bus:
      return "access past the end of a mapped file";
  }
  return "fault";
}

// A fault of the guest instruction at pc: logged with -d int/guest_errors,
// then raised as a synchronous signal (force_sig semantics).
void fault_signal(Process& p, Vcpu& v, int sig, int code, uint64_t addr,
                  const std::string& detail) {
  GuestLog& log = p.log();
  if (log.enabled(kLog_int) || log.enabled(kLog_guest_errors))
    log.printf("hart: guest %d: %s\n", p.pid(), detail.c_str());
  force_signal(p, v, sig, code, addr);
}

void log_page_map(Process& p) {
  const LoadedProgram& img = p.image();
  const StackLayout& st = p.stack();
  std::string out = format_memory_map(p.as());
  char buf[512];
  snprintf(buf, sizeof buf,
           "start_brk   0x%016" PRIx64 "\n"
           "end_code    0x%016" PRIx64 "\n"
           "entry       0x%016" PRIx64 "\n"
           "load_bias   0x%016" PRIx64 "\n"
           "interp_bias 0x%016" PRIx64 "\n"
           "phdr        0x%016" PRIx64 "\n"
           "argv_start  0x%016" PRIx64 "\n"
           "env_start   0x%016" PRIx64 "\n"
           "auxv_start  0x%016" PRIx64 "\n"
           "stack_ptr   0x%016" PRIx64 "\n",
           img.brk_start, img.exe.end_data, img.exe.entry, img.exe.bias,
           img.has_interp ? img.interp.bias : 0, img.exe.phdr_addr, st.argv, st.envp, st.auxv,
           st.sp);
  p.log().write(out + buf);
}

}  // namespace

void run_thread(std::shared_ptr<Process> proc, Thread* t) {
  std::shared_ptr<ProcessTree> tree = proc->tree_ptr();
  {
    Process& p = *proc;
    char buf[256];
    for (;;) {  // a recorded thread that exited may be revived by a rewind (record.h)
      for (;;) {
        if (t->exec_vcpu) {  // execve succeeded: continue in the new image
          std::lock_guard<std::mutex> lock(p.mutex());
          t->vcpu = std::move(t->exec_vcpu);
        }
        if (p.exited() || t->leave.load()) break;
        if (p.debug.load(std::memory_order_relaxed)) debug_loop_top(p, *t);  // gdb stub
        Recorder* rec = p.recorder.get();  // record/replay (record.h): waits for the run token
        if (rec && !rec->before_run(p, *t)) continue;
        Vcpu& v = *t->vcpu;
        ExitReason why = v.run();
        switch (why) {
          case ExitReason::Ecall: {
            v.state.pc += 4;  // handlers that redirect the thread (sigreturn, execve) set pc themselves
            if (rec && rec->ecall(p, *t)) {  // inside recorded history: replayed
              if (v.debug && v.debug_step && !p.exited() && !t->leave.load()) debug_report(p, *t, StopKind::Step);
              continue;
            }
            // catch syscall (gdb): entry stop; the debugger may change the arguments.
            if (v.debug && v.debug->catching_syscalls())
              debug_syscall(p, *t, static_cast<int>(v.state.x[17]), true);
            uint64_t orig_a0 = v.state.x[10];
            SyscallCtx ctx{p, v, v.state.x[17],
                           {orig_a0, v.state.x[11], v.state.x[12], v.state.x[13], v.state.x[14],
                            v.state.x[15]}};
            t->in_syscall.store(true, std::memory_order_relaxed);
            sync_host_identity(p, *t);  // the host thread acts as this guest thread (creds.h)
            AddressSpace::WriteCapture written;  // recording: what the call writes
            bool recorded = rec && rec->active();
            if (recorded) {
              rec->syscall_begin(p, *t, ctx.nr, ctx.a);  // gives the run token up around a call that may wait
              AddressSpace::set_write_capture(&written);
            }
            int64_t ret = dispatch_syscall_contained(p, ctx);
            if (recorded) {
              AddressSpace::set_write_capture(nullptr);
              if (!rec->record_syscall(p, *t, ctx.nr, ctx.a, ret, written)) {  // rewound meanwhile
                t->in_syscall.store(false, std::memory_order_relaxed);
                continue;
              }
            }
            t->in_syscall.store(false, std::memory_order_relaxed);
            if (t->exec_vcpu || t->leave.load()) continue;  // execve / exit: nothing to finish
            if (v.debug && !p.exited()) debug_intercept_signals(p, *t);
            if (!p.exited()) finish_syscall(p, v, ret, orig_a0);
            if (v.debug && v.debug->catching_syscalls() && !p.exited())
              debug_syscall(p, *t, static_cast<int>(ctx.nr), false);
            // A debugger step over an ecall ends once the syscall is served.
            if (v.debug && v.debug_step && !p.exited()) debug_report(p, *t, StopKind::Step);
            continue;  // finish_syscall delivered the pending signals
          }
          case ExitReason::MemFault: {
            FaultKind k = v.state.fault_kind;
            // Just below a MAP_GROWSDOWN mapping: it grows and the access runs again.
            if (k == FaultKind::Unmapped && grow_down_to(p, v.state.fault_addr)) break;
            bool bus = k == FaultKind::Misaligned || k == FaultKind::Bus;
            snprintf(buf, sizeof buf, "%s at pc 0x%" PRIx64 ": %s %s 0x%" PRIx64,
                     bus ? "SIGBUS" : "SIGSEGV", v.state.pc, fault_kind_text(k),
                     v.state.fault_is_write ? "writing" : "reading", v.state.fault_addr);
            if (k == FaultKind::Bus)
              fault_signal(p, v, SIGBUS, kBUS_ADRERR, v.state.fault_addr, buf);
            else if (bus)
              fault_signal(p, v, SIGBUS, kBUS_ADRALN, v.state.pc, buf);
            else
              fault_signal(p, v, SIGSEGV,
                           k == FaultKind::Protection ? kSEGV_ACCERR : kSEGV_MAPERR,
                           v.state.fault_addr, buf);
            break;
          }
          case ExitReason::IllegalInsn:
            snprintf(buf, sizeof buf, "SIGILL at pc 0x%" PRIx64 ": illegal instruction 0x%08x",
                     v.state.pc, v.state.insn_bits);
            fault_signal(p, v, SIGILL, kILL_ILLOPC, v.state.pc, buf);
            break;
          case ExitReason::Ebreak:
            snprintf(buf, sizeof buf, "SIGTRAP at pc 0x%" PRIx64 ": ebreak", v.state.pc);
            fault_signal(p, v, SIGTRAP, kTRAP_BRKPT, v.state.pc, buf);
            break;
          case ExitReason::ExitRequest:
            v.state.exit_request.store(0, std::memory_order_release);
            break;
          case ExitReason::Breakpoint:
            debug_report(p, *t, StopKind::Breakpoint);
            break;
          case ExitReason::Step:
            debug_report(p, *t, StopKind::Step);
            break;
          case ExitReason::Watchpoint:
            debug_report(p, *t, v.debug_event.kind);
            break;
          case ExitReason::Icount:
            if (rec) rec->icount_reached(p, *t);
            break;
          default:  // None, Halted, FenceI (core handles it): just go on
            break;
        }
        // A debugger stop above may have rewound the process (reverse
        // execution): then this thread delivers nothing until its turn.
        if (!p.exited() && !t->leave.load() && (!rec || rec->holds_token(*t))) {
          if (v.debug) debug_intercept_signals(p, *t);
          deliver_signals(p, v);
        }
      }
      if (Recorder* rec = p.recorder.get(); rec && rec->retire(p, *t)) continue;
      break;
    }
    p.core_dump_rendezvous(*t);  // a fatal signal's core file, with every thread parked
    if (Recorder* rec = p.recorder.get()) rec->thread_exiting(p, *t);
    debug_thread_exit(p, *t);
    p.thread_exited(*t);
    // The last thread made the process a zombie: the stub sees it now, not
    // at its next poll.
    if (DebugController* d = p.debug.load(std::memory_order_acquire)) d->process_changed();
  }
  proc.reset();  // may destroy the process (its last reference)
  run_thread_done(*tree);
}

GuestResult run_guest(Executor& exec, GuestLog& log, const GuestConfig& cfg) {
  GuestResult res;
  // Replaying a file: its program (unless another path to it is given),
  // argv, envp and address-space size.
  std::shared_ptr<const Recorder::Saved> saved;
  if (!cfg.replay_file.empty()) {
    saved = Recorder::read_file(cfg.replay_file, &res.error);
    if (!saved) return res;
  }
  std::shared_ptr<Process> proc = Process::create(exec, log, &res.error, nullptr,
                                                  saved ? Recorder::saved_limit(*saved) : cfg.address_space);
  if (!proc) return res;
  proc->strace = cfg.strace;
  if (!cfg.core_pattern.empty()) proc->tree().core_pattern = cfg.core_pattern;
  if (!cfg.root.empty()) {
    std::shared_ptr<RootFs> root = RootFs::open(cfg.root, &res.error);
    if (!root) return res;
    proc->set_root(std::move(root));
  }
  std::vector<std::string> argv = cfg.argv;
  std::vector<std::string> envp = cfg.envp;
  std::string exe = cfg.exe_path;
  if (saved) {
    if (exe.empty()) exe = Recorder::saved_exe(*saved);
    argv = Recorder::saved_argv(*saved);
    envp = Recorder::saved_envp(*saved);
  }
  if (argv.empty()) argv.push_back(exe);
  if (!proc->exec(exe, argv, envp, cfg.sysroot, cfg.vcpu, &res.error)) return res;
  res.ok = true;
  if (log.enabled(kLog_page)) log_page_map(*proc);
  if ((cfg.record || !cfg.record_file.empty()) && !record_at_launch(*proc, cfg.record_options, &res.error)) {
    res.ok = false;
    return res;
  }
  if (saved) {
    proc->recorder = Recorder::start_replay(*proc, *saved, cfg.record_options, &res.error);
    if (!proc->recorder) {
      res.ok = false;
      return res;
    }
  }

  if (cfg.before_start) cfg.before_start(proc);
  if (int e = proc->start_thread(Process::thread_of(proc->main_thread()))) {
    res.ok = false;
    res.error = std::string("cannot start a host thread: ") + strerror(e);
    return res;
  }
  proc->wait_until_zombie();
  if (!cfg.record_file.empty()) {
    std::string err, summary;
    if (proc->recorder && proc->recorder->save(*proc, cfg.record_file, &err, &summary))
      fprintf(stderr, "hart: %s\n", summary.c_str());
    else
      log.printf("hart: record: cannot save %s: %s\n", cfg.record_file.c_str(),
                 proc->recorder ? err.c_str() : "not recorded");
  }
  // Orphans still running end with the first process (hart-run's lifetime).
  if (cfg.exit_after) {
    Process::kill_all();
    // No destructor runs after _exit: the root's private /dev/shm (and what
    // the guest left there, perhaps gigabytes) would stay on the host.
    if (RootFs* root = proc->root()) root->remove_shm();
  } else {
    Process::kill_all_and_wait();
  }

  if (proc->killed_by_signal()) {
    res.signaled = true;
    res.signal = proc->exit_signal();
    int s = res.signal;
    log.printf("hart: uncaught target signal %d (%s)%s\n", s, strsignal(s),
               proc->dumped_core() ? " - core dumped" : "");
  } else {
    res.exit_code = proc->exit_code();
  }
  return res;
}

}  // namespace hart::linux
