// linux-abi/cpu_loop.cpp — run_guest(): creates the process, loads the
// program, and runs the vCPU loop that gives guest exits their Linux meaning:
// ecall → syscall (a7 = number, a0..a5 = arguments, result in a0, pc += 4),
// memory fault → SIGSEGV (SIGBUS when misaligned), illegal instruction →
// SIGILL, ebreak → SIGTRAP; guest handlers are not delivered yet, so these
// signals end the guest as their default action does.
// Owns: the Linux run loop of one (single-threaded) guest. Does not own:
// translation (Executor) or syscall semantics (syscall_table.cpp, sys_*.cpp).
#include <csignal>
#include <cinttypes>
#include <cstring>

#include "linux-abi/elf_loader.h"
#include "linux-abi/guest.h"
#include "linux-abi/process.h"
#include "linux-abi/syscall_table.h"

namespace hart::linux {

namespace {

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
  }
  return "fault";
}

// The guest dies of sig: report it and record it as the process's end.
void die_of_signal(Process& p, int sig, const std::string& detail) {
  GuestLog& log = p.log();
  if (log.enabled(kLog_int) || log.enabled(kLog_guest_errors))
    log.printf("hart: guest %d: %s\n", p.pid(), detail.c_str());
  p.exit_with_signal(sig);
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

GuestResult run_guest(Executor& exec, GuestLog& log, const GuestConfig& cfg) {
  GuestResult res;
  std::unique_ptr<Process> proc = Process::create(exec, log, &res.error);
  if (!proc) return res;
  proc->strace = cfg.strace;
  std::vector<std::string> argv = cfg.argv;
  if (argv.empty()) argv.push_back(cfg.exe_path);
  if (!proc->exec(cfg.exe_path, argv, cfg.envp, cfg.sysroot, cfg.vcpu, &res.error)) return res;
  res.ok = true;
  if (log.enabled(kLog_page)) log_page_map(*proc);

  Vcpu& v = proc->main_thread();
  char buf[256];
  while (!proc->exited()) {
    ExitReason why = v.run();
    switch (why) {
      case ExitReason::Ecall: {
        SyscallCtx ctx{*proc, v, v.state.x[17],
                       {v.state.x[10], v.state.x[11], v.state.x[12], v.state.x[13], v.state.x[14],
                        v.state.x[15]}};
        v.state.pc += 4;  // handlers that redirect the thread (sigreturn, execve) set pc themselves
        int64_t ret = dispatch_syscall(ctx);
        if (!proc->exited()) v.state.x[10] = static_cast<uint64_t>(ret);
        break;
      }
      case ExitReason::MemFault: {
        int sig = v.state.fault_kind == FaultKind::Misaligned ? SIGBUS : SIGSEGV;
        snprintf(buf, sizeof buf, "%s at pc 0x%" PRIx64 ": %s %s 0x%" PRIx64,
                 sig == SIGBUS ? "SIGBUS" : "SIGSEGV", v.state.pc,
                 fault_kind_text(v.state.fault_kind), v.state.fault_is_write ? "writing" : "reading",
                 v.state.fault_addr);
        die_of_signal(*proc, sig, buf);
        break;
      }
      case ExitReason::IllegalInsn:
        snprintf(buf, sizeof buf, "SIGILL at pc 0x%" PRIx64 ": illegal instruction 0x%08x",
                 v.state.pc, v.state.insn_bits);
        die_of_signal(*proc, SIGILL, buf);
        break;
      case ExitReason::Ebreak:
        snprintf(buf, sizeof buf, "SIGTRAP at pc 0x%" PRIx64 ": ebreak", v.state.pc);
        die_of_signal(*proc, SIGTRAP, buf);
        break;
      case ExitReason::ExitRequest:
        v.state.exit_request.store(0, std::memory_order_release);
        break;
      default:  // None, Halted, FenceI (core handles it): just go on
        break;
    }
  }

  if (proc->killed_by_signal()) {
    res.signaled = true;
    res.signal = proc->exit_signal();
    int s = res.signal;
    bool core = s == SIGSEGV || s == SIGILL || s == SIGTRAP || s == SIGBUS || s == SIGABRT ||
                s == SIGFPE || s == SIGQUIT || s == SIGSYS;
    log.printf("hart: uncaught target signal %d (%s)%s\n", s, strsignal(s),
               core ? " - core dumped" : "");
  } else {
    res.exit_code = proc->exit_code();
  }
  return res;
}

}  // namespace hart::linux
