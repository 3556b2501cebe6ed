// linux-abi/syscalls/safe_syscall.cpp — the interruptible host syscall stub (x86-64
// assembly) and the kick signal handler. See safe_syscall.h.
//
// The stub keeps the flag pointer in rbp (callee-saved, survives the
// syscall), loads the host syscall registers (rax = nr; rdi, rsi, rdx, r10,
// r8, r9 = arguments), and then, inside [start, end): tests the flag, and
// executes `syscall`. The kernel resumes an interrupted syscall at `end`
// with rax = -EINTR, so only a pc in [start, end) needs rewinding.
#include "linux-abi/syscalls/safe_syscall.h"

#include <signal.h>
#include <ucontext.h>

#include <cerrno>
#include <mutex>

#include "core/vcpu.h"

extern "C" {
long hart_safe_syscall_base(const volatile uint32_t* flag, long nr, long a1, long a2, long a3,
                            long a4, long a5, long a6);
extern const char hart_safe_syscall_start[];
extern const char hart_safe_syscall_end[];
extern const char hart_safe_syscall_interrupted[];
}

// clang-format off
asm(R"(
    .text
    .globl  hart_safe_syscall_base
    .type   hart_safe_syscall_base, @function
hart_safe_syscall_base:
    .cfi_startproc
    pushq   %rbp
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset %rbp, 0
    movq    %rdi, %rbp
    movq    %rsi, %rax
    movq    %rdx, %rdi
    movq    %rcx, %rsi
    movq    %r8, %rdx
    movq    %r9, %r10
    movq    16(%rsp), %r8
    movq    24(%rsp), %r9
    .globl  hart_safe_syscall_start
hart_safe_syscall_start:
    cmpl    $0, (%rbp)
    jne     hart_safe_syscall_interrupted
    syscall
    .globl  hart_safe_syscall_end
hart_safe_syscall_end:
    popq    %rbp
    .cfi_remember_state
    .cfi_adjust_cfa_offset -8
    .cfi_restore %rbp
    ret
    .cfi_restore_state
    .globl  hart_safe_syscall_interrupted
hart_safe_syscall_interrupted:
    movq    $-4, %rax
    popq    %rbp
    .cfi_adjust_cfa_offset -8
    .cfi_restore %rbp
    ret
    .cfi_endproc
    .size   hart_safe_syscall_base, . - hart_safe_syscall_base
)");
// clang-format on

namespace hart::linux {

static_assert(EINTR == 4);

namespace {

void kick_handler(int, siginfo_t*, void* ucv) {
  auto* uc = static_cast<ucontext_t*>(ucv);
  auto pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  if (pc >= reinterpret_cast<uintptr_t>(hart_safe_syscall_start) &&
      pc < reinterpret_cast<uintptr_t>(hart_safe_syscall_end))
    uc->uc_mcontext.gregs[REG_RIP] =
        static_cast<greg_t>(reinterpret_cast<uintptr_t>(hart_safe_syscall_interrupted));
  else
    vcpu_kicked(uc);  // (generated code that does not read exit_request: poisons the memory base)
}

}  // namespace

int kick_signal() { return SIGRTMIN + 3; }

void install_kick_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = kick_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;  // no SA_RESTART: blocking calls return EINTR
    sigemptyset(&sa.sa_mask);
    sigaction(kick_signal(), &sa, nullptr);
    Vcpu::set_kick(kick_host_thread);
    // A guest write to a broken pipe or socket must give the guest SIGPIPE
    // (sys_fs.cpp, sys_socket.cpp send it), never kill the host process.
    signal(SIGPIPE, SIG_IGN);
  });
}

void kick_host_thread(pthread_t t) { pthread_kill(t, kick_signal()); }

int64_t safe_syscall(const std::atomic<uint32_t>* flag, long nr, long a1, long a2, long a3,
                     long a4, long a5, long a6) {
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
  return hart_safe_syscall_base(reinterpret_cast<const volatile uint32_t*>(flag), nr, a1, a2,
                                a3, a4, a5, a6);
}

}  // namespace hart::linux
