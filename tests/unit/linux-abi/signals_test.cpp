// tests/unit/linux-abi/signals_test.cpp — guest signals on a loaded (not
// running) process: the rt_sigframe a handler gets (registers, FP state,
// mask, siginfo, trampoline), rt_sigreturn, syscall restart with and without
// SA_RESTART, restart_syscall and the restart block, force_sig semantics for
// faults, bad frames, sigaltstack with SS_AUTODISARM, rt_sigaction flag
// filtering, pending sets; and one real run checking sa_mask (which
// qemu-riscv64 7.2 gets wrong, so no guest test).
#include <sys/mman.h>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstring>

#include "guest_programs.h"
#include "linux-abi/guest.h"
#include "linux-abi/process/process.h"
#include "linux-abi/riscv64_abi.h"
#include "linux-abi/process/signals.h"
#include "linux-abi/syscalls/syscall_table.h"
#include "translator/jit.h"

namespace hart::linux {
namespace {

constexpr uint64_t kHandler = 0x12340;

class Signals : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = test::static_binary();
    HART_NEED(bin_);
    std::string err;
    proc_ = Process::create(exec_, log_, &err);
    ASSERT_TRUE(proc_) << err;
    ASSERT_TRUE(proc_->exec(bin_, {"prog"}, {}, "", {}, &err)) << err;
    scratch_ = proc_->stack().sp - 64 * 1024;
    CpuState& s = st();
    for (int i = 1; i < 32; ++i) s.x[i] = 0x1000 + i;
    s.x[2] = proc_->stack().sp - 4096 - 8;  // deliberately misaligned
    s.pc = 0x10000;
    for (int i = 0; i < 32; ++i) s.f[i] = 0x4000000000000000ull + i;
    s.set_fcsr(0x85);
  }
  CpuState& st() { return proc_->main_thread().state; }
  Vcpu& v() { return proc_->main_thread(); }
  int64_t call(const char* name, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
               uint64_t a3 = 0) {
    int nr = syscall_number(name);
    EXPECT_GE(nr, 0) << name;
    SyscallCtx ctx{*proc_, v(), static_cast<uint64_t>(nr), {a0, a1, a2, a3, 0, 0}};
    return dispatch_syscall(ctx);
  }
  void set_action(int sig, uint64_t handler, uint64_t flags, uint64_t mask = 0) {
    GuestSigaction a{handler, flags, mask};
    ASSERT_TRUE(proc_->as().write(scratch_, &a, sizeof a));
    ASSERT_EQ(call("rt_sigaction", sig, scratch_, 0, 8), 0);
  }
  void set_mask(uint64_t m) {
    ASSERT_TRUE(proc_->as().write(scratch_ + 512, &m, 8));
    ASSERT_EQ(call("rt_sigprocmask", SIG_SETMASK, scratch_ + 512, 0, 8), 0);
  }
  uint64_t blocked() {
    std::lock_guard<std::mutex> lock(proc_->mutex());
    return proc_->thread_signals(v()).blocked;
  }
  GuestRtSigframe frame_at(uint64_t a) {
    GuestRtSigframe f;
    EXPECT_TRUE(proc_->as().read(a, &f, sizeof f));
    return f;
  }
  int tid() { return proc_->tid_of(v()); }

  test::NullExecutor exec_;
  GuestLog log_;
  std::shared_ptr<Process> proc_;
  std::string bin_;
  uint64_t scratch_ = 0;
};

TEST_F(Signals, FrameAndSigreturn) {
  set_action(SIGUSR1, kHandler, kSA_SIGINFO, sig_bit(SIGUSR2));
  set_mask(sig_bit(SIGTERM));
  CpuState before;
  memcpy(static_cast<void*>(&before), &st(), offsetof(CpuState, mem_base));
  ASSERT_EQ(call("tgkill", proc_->pid(), tid(), SIGUSR1), 0);
  deliver_signals(*proc_, v());
  CpuState& s = st();
  uint64_t frame = (before.x[2] - sizeof(GuestRtSigframe)) & ~uint64_t{15};
  EXPECT_EQ(s.pc, kHandler);
  EXPECT_EQ(s.x[2], frame);
  EXPECT_EQ(s.x[10], uint64_t(SIGUSR1));
  EXPECT_EQ(s.x[11], frame);
  EXPECT_EQ(s.x[12], frame + 128);
  EXPECT_EQ(s.x[1], proc_->sigreturn_trampoline);
  uint32_t tramp[2];
  ASSERT_TRUE(proc_->as().read(s.x[1], tramp, 8));
  EXPECT_EQ(tramp[0], 0x08b00893u);  // li a7, 139
  EXPECT_EQ(tramp[1], 0x00000073u);  // ecall
  EXPECT_TRUE(proc_->as().check(s.x[1], 8, PROT_READ | PROT_EXEC));
  EXPECT_FALSE(proc_->as().check(s.x[1], 8, PROT_WRITE));
  EXPECT_EQ(blocked(), sig_bit(SIGTERM) | sig_bit(SIGUSR1) | sig_bit(SIGUSR2));

  GuestRtSigframe f = frame_at(frame);
  EXPECT_EQ(f.info.si_signo, SIGUSR1);
  EXPECT_EQ(f.info.si_code, kSI_TKILL);
  EXPECT_EQ(f.info.f.kill.pid, proc_->pid());
  EXPECT_EQ(f.uc.uc_sigmask, sig_bit(SIGTERM));
  EXPECT_EQ(f.uc.uc_stack.ss_flags, kSS_DISABLE);
  EXPECT_EQ(f.uc.uc_mcontext.sc_regs[0], before.pc);
  for (int i = 1; i < 32; ++i) EXPECT_EQ(f.uc.uc_mcontext.sc_regs[i], before.x[i]) << i;
  for (int i = 0; i < 32; ++i) EXPECT_EQ(f.uc.uc_mcontext.fp_f[i], before.f[i]) << i;
  EXPECT_EQ(f.uc.uc_mcontext.fp_fcsr, 0x85u);

  // The handler clobbers state and edits the saved pc; sigreturn restores.
  for (int i = 3; i < 32; ++i) s.x[i] = 0xdead;
  for (int i = 0; i < 32; ++i) s.f[i] = 0;
  s.set_fcsr(0);
  uint64_t new_pc = before.pc + 4;
  ASSERT_TRUE(proc_->as().write(frame + 128 + 176, &new_pc, 8));
  s.pc = proc_->sigreturn_trampoline + 4;
  int64_t r = call("rt_sigreturn");
  finish_syscall(*proc_, v(), r, s.x[10]);
  EXPECT_EQ(s.pc, new_pc);
  for (int i = 1; i < 32; ++i) EXPECT_EQ(s.x[i], before.x[i]) << i;
  for (int i = 0; i < 32; ++i) EXPECT_EQ(s.f[i], before.f[i]) << i;
  EXPECT_EQ(s.fcsr(), 0x85u);
  EXPECT_EQ(blocked(), sig_bit(SIGTERM));
  EXPECT_FALSE(proc_->exited());
}

TEST_F(Signals, SyscallRestart) {
  uint64_t ecall_pc = st().pc;
  // SA_RESTART: -ERESTARTSYS re-executes the ecall with the original a0.
  set_action(SIGUSR1, kHandler, kSA_RESTART);
  ASSERT_EQ(call("tgkill", proc_->pid(), tid(), SIGUSR1), 0);
  st().pc = ecall_pc + 4;
  finish_syscall(*proc_, v(), kERESTARTSYS, 77);
  GuestRtSigframe f = frame_at(st().x[2]);
  EXPECT_EQ(f.uc.uc_mcontext.sc_regs[0], ecall_pc);
  EXPECT_EQ(f.uc.uc_mcontext.sc_regs[10], 77u);
  // Without it: -EINTR, pc after the ecall.
  set_mask(0);
  set_action(SIGUSR2, kHandler, 0);
  ASSERT_EQ(call("tgkill", proc_->pid(), tid(), SIGUSR2), 0);
  st().pc = ecall_pc + 4;
  finish_syscall(*proc_, v(), kERESTARTSYS, 77);
  f = frame_at(st().x[2]);
  EXPECT_EQ(f.uc.uc_mcontext.sc_regs[0], ecall_pc + 4);
  EXPECT_EQ(int64_t(f.uc.uc_mcontext.sc_regs[10]), -EINTR);
  // No signal at all: restart silently.
  st().pc = ecall_pc + 4;
  set_mask(0);
  finish_syscall(*proc_, v(), kERESTARTNOHAND, 5);
  EXPECT_EQ(st().pc, ecall_pc);
  EXPECT_EQ(st().x[10], 5u);
}

// An interrupted nanosleep records its deadline: with no handler the thread
// goes back to the ecall as restart_syscall, which sleeps only what is left.
TEST_F(Signals, RestartBlockResumesWithTimeLeft) {
  uint64_t ecall_pc = st().pc;
  EXPECT_EQ(call("restart_syscall"), -EINTR);  // nothing recorded yet
  GuestTimespec req{0, 200000000}, rem{7, 7};
  ASSERT_TRUE(proc_->as().write(scratch_, &req, sizeof req));
  ASSERT_TRUE(proc_->as().write(scratch_ + 16, &rem, sizeof rem));
  auto t0 = std::chrono::steady_clock::now();
  v().state.exit_request.store(1);  // interrupted before it sleeps
  int64_t r = call("nanosleep", scratch_, scratch_ + 16);
  v().state.exit_request.store(0);
  EXPECT_EQ(r, kERESTART_RESTARTBLOCK);
  ASSERT_TRUE(proc_->as().read(scratch_ + 16, &rem, sizeof rem));
  EXPECT_EQ(rem.tv_sec, 0);
  EXPECT_GT(rem.tv_nsec, 0);
  EXPECT_LE(rem.tv_nsec, 200000000);
  st().pc = ecall_pc + 4;
  st().x[17] = 101;
  finish_syscall(*proc_, v(), r, scratch_);
  EXPECT_EQ(st().pc, ecall_pc);
  EXPECT_EQ(st().x[17], kNrRestartSyscall);
  EXPECT_EQ(st().x[10], scratch_);
  EXPECT_EQ(call("restart_syscall"), 0);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(took, 0.19);
  EXPECT_LT(took, 5.0);
}

// With a handler (even SA_RESTART) the same call fails with EINTR, and
// rt_sigreturn forgets it: restart_syscall has nothing left to resume.
TEST_F(Signals, RestartBlockWithHandlerIsEintr) {
  uint64_t ecall_pc = st().pc;
  set_action(SIGUSR1, kHandler, kSA_RESTART);
  GuestTimespec req{5, 0};
  ASSERT_TRUE(proc_->as().write(scratch_ + 1024, &req, sizeof req));
  v().state.exit_request.store(1);
  int64_t r = call("nanosleep", scratch_ + 1024, 0);
  v().state.exit_request.store(0);
  EXPECT_EQ(r, kERESTART_RESTARTBLOCK);
  ASSERT_EQ(call("tgkill", proc_->pid(), tid(), SIGUSR1), 0);
  st().pc = ecall_pc + 4;
  finish_syscall(*proc_, v(), r, scratch_ + 1024);
  GuestRtSigframe f = frame_at(st().x[2]);
  EXPECT_EQ(f.uc.uc_mcontext.sc_regs[0], ecall_pc + 4);
  EXPECT_EQ(int64_t(f.uc.uc_mcontext.sc_regs[10]), -EINTR);
  st().pc = proc_->sigreturn_trampoline + 4;
  r = call("rt_sigreturn");
  finish_syscall(*proc_, v(), r, st().x[10]);
  EXPECT_EQ(st().pc, ecall_pc + 4);
  EXPECT_EQ(call("restart_syscall"), -EINTR);
}

TEST_F(Signals, SigsuspendReturnsEintrThroughHandler) {
  set_action(SIGUSR1, kHandler, 0);
  set_mask(sig_bit(SIGUSR1));
  ASSERT_EQ(call("tgkill", proc_->pid(), tid(), SIGUSR1), 0);
  uint64_t pend = 0;
  ASSERT_EQ(call("rt_sigpending", scratch_ + 600, 8), 0);
  ASSERT_TRUE(proc_->as().read(scratch_ + 600, &pend, 8));
  EXPECT_EQ(pend, sig_bit(SIGUSR1));
  uint64_t empty = 0;
  ASSERT_TRUE(proc_->as().write(scratch_ + 608, &empty, 8));
  int64_t r = call("rt_sigsuspend", scratch_ + 608, 8);
  EXPECT_EQ(r, kERESTARTNOHAND);
  st().pc += 4;
  finish_syscall(*proc_, v(), r, scratch_ + 608);
  GuestRtSigframe f = frame_at(st().x[2]);
  EXPECT_EQ(int64_t(f.uc.uc_mcontext.sc_regs[10]), -EINTR);
  EXPECT_EQ(f.uc.uc_sigmask, sig_bit(SIGUSR1));  // the mask before sigsuspend
  EXPECT_EQ(st().pc, kHandler);
}

TEST_F(Signals, SigtimedwaitAndQueue) {
  set_mask(sig_bit(SIGUSR2) | sig_bit(40));
  ASSERT_EQ(call("tgkill", proc_->pid(), tid(), SIGUSR2), 0);
  GuestSiginfo qi{};
  qi.si_code = kSI_QUEUE;
  for (uint64_t val : {5, 6}) {
    qi.f.kill.value = val;
    ASSERT_TRUE(proc_->as().write(scratch_ + 1024, &qi, sizeof qi));
    ASSERT_EQ(call("rt_sigqueueinfo", proc_->pid(), 40, scratch_ + 1024), 0);
  }
  uint64_t set = sig_bit(SIGUSR2) | sig_bit(40);
  GuestTimespec zero{0, 0};
  ASSERT_TRUE(proc_->as().write(scratch_ + 800, &set, 8));
  ASSERT_TRUE(proc_->as().write(scratch_ + 816, &zero, sizeof zero));
  uint64_t info_at = scratch_ + 1200;
  GuestSiginfo info{};
  EXPECT_EQ(call("rt_sigtimedwait", scratch_ + 800, info_at, scratch_ + 816, 8), SIGUSR2);
  ASSERT_TRUE(proc_->as().read(info_at, &info, sizeof info));
  EXPECT_EQ(info.si_code, kSI_TKILL);
  for (uint64_t val : {5, 6}) {
    EXPECT_EQ(call("rt_sigtimedwait", scratch_ + 800, info_at, scratch_ + 816, 8), 40);
    ASSERT_TRUE(proc_->as().read(info_at, &info, sizeof info));
    EXPECT_EQ(info.si_code, kSI_QUEUE);
    EXPECT_EQ(info.f.kill.value, val);
  }
  EXPECT_EQ(call("rt_sigtimedwait", scratch_ + 800, info_at, scratch_ + 816, 8), -EAGAIN);
  GuestTimespec bad{0, 1000000000};
  ASSERT_TRUE(proc_->as().write(scratch_ + 816, &bad, sizeof bad));
  EXPECT_EQ(call("rt_sigtimedwait", scratch_ + 800, info_at, scratch_ + 816, 8), -EINVAL);
  GuestTimespec shortwait{0, 5000000};
  ASSERT_TRUE(proc_->as().write(scratch_ + 816, &shortwait, sizeof shortwait));
  EXPECT_EQ(call("rt_sigtimedwait", scratch_ + 800, info_at, scratch_ + 816, 8), -EAGAIN);
}

TEST_F(Signals, BlockedFaultKills) {
  set_action(SIGSEGV, kHandler, kSA_SIGINFO);
  set_mask(sig_bit(SIGSEGV));
  force_signal(*proc_, v(), SIGSEGV, kSEGV_MAPERR, 0);
  deliver_signals(*proc_, v());
  EXPECT_TRUE(proc_->exited());
  EXPECT_TRUE(proc_->killed_by_signal());
  EXPECT_EQ(proc_->exit_signal(), SIGSEGV);
}

TEST_F(Signals, FaultHandlerGetsAddress) {
  set_action(SIGSEGV, kHandler, kSA_SIGINFO);
  force_signal(*proc_, v(), SIGSEGV, kSEGV_ACCERR, 0x4321);
  deliver_signals(*proc_, v());
  ASSERT_FALSE(proc_->exited());
  GuestRtSigframe f = frame_at(st().x[2]);
  EXPECT_EQ(f.info.si_signo, SIGSEGV);
  EXPECT_EQ(f.info.si_code, kSEGV_ACCERR);
  EXPECT_EQ(f.info.f.fault.addr, 0x4321u);
}

TEST_F(Signals, BadFrameIsSigsegv) {
  st().x[2] = 0x10;  // unmapped
  int64_t r = call("rt_sigreturn");
  finish_syscall(*proc_, v(), r, 0);
  EXPECT_TRUE(proc_->exited());
  EXPECT_EQ(proc_->exit_signal(), SIGSEGV);
}

TEST_F(Signals, AltstackAutodisarm) {
  uint64_t alt = scratch_ - 32 * 1024;
  GuestStackT ss{alt, kSS_AUTODISARM, 0, 16 * 1024};
  ASSERT_TRUE(proc_->as().write(scratch_ + 700, &ss, sizeof ss));
  ASSERT_EQ(call("sigaltstack", scratch_ + 700, 0), 0);
  set_action(SIGUSR1, kHandler, kSA_ONSTACK);
  ASSERT_EQ(call("tgkill", proc_->pid(), tid(), SIGUSR1), 0);
  uint64_t old_sp = st().x[2];
  deliver_signals(*proc_, v());
  EXPECT_GT(st().x[2], alt);
  EXPECT_LT(st().x[2], alt + 16 * 1024);
  // Disarmed while the handler runs.
  GuestStackT os{};
  ASSERT_EQ(call("sigaltstack", 0, scratch_ + 740), 0);
  ASSERT_TRUE(proc_->as().read(scratch_ + 740, &os, sizeof os));
  EXPECT_EQ(os.ss_flags, kSS_DISABLE);
  // Re-armed by sigreturn.
  call("rt_sigreturn");
  EXPECT_EQ(st().x[2], old_sp);
  ASSERT_EQ(call("sigaltstack", 0, scratch_ + 740), 0);
  ASSERT_TRUE(proc_->as().read(scratch_ + 740, &os, sizeof os));
  EXPECT_EQ(os.ss_flags, kSS_AUTODISARM);
  EXPECT_EQ(os.ss_sp, alt);
  // Too small, bad flags.
  ss = {alt, 0, 0, 100};
  ASSERT_TRUE(proc_->as().write(scratch_ + 700, &ss, sizeof ss));
  EXPECT_EQ(call("sigaltstack", scratch_ + 700, 0), -ENOMEM);
  ss = {alt, 8, 0, 16384};
  ASSERT_TRUE(proc_->as().write(scratch_ + 700, &ss, sizeof ss));
  EXPECT_EQ(call("sigaltstack", scratch_ + 700, 0), -EINVAL);
}

TEST_F(Signals, SigactionFlagsAndErrors) {
  set_action(SIGUSR1, kHandler,
             kSA_SIGINFO | kSA_RESTORER | kSA_UNSUPPORTED | kSA_ONSTACK | 0x100,
             sig_bit(SIGKILL) | sig_bit(SIGUSR2));
  GuestSigaction old{};
  ASSERT_EQ(call("rt_sigaction", SIGUSR1, 0, scratch_ + 100, 8), 0);
  ASSERT_TRUE(proc_->as().read(scratch_ + 100, &old, sizeof old));
  EXPECT_EQ(old.handler, kHandler);
  EXPECT_EQ(old.flags, kSA_SIGINFO | kSA_ONSTACK);
  EXPECT_EQ(old.mask, sig_bit(SIGUSR2));
  EXPECT_EQ(call("rt_sigaction", SIGSTOP, scratch_, 0, 8), -EINVAL);
  EXPECT_EQ(call("rt_sigaction", 65, 0, 0, 8), -EINVAL);
  EXPECT_EQ(call("rt_sigaction", SIGUSR1, 0, 0, 16), -EINVAL);
  EXPECT_EQ(call("rt_sigprocmask", 7, scratch_, 0, 8), -EINVAL);
  EXPECT_EQ(call("kill", proc_->pid(), 65), -EINVAL);
  EXPECT_EQ(call("tgkill", proc_->pid(), 9999, SIGUSR1), -ESRCH);
  EXPECT_EQ(call("rt_sigsuspend", scratch_, 4), -EINVAL);
}

TEST(PendingSignals, ClassicOnceRealtimeQueued) {
  PendingSignals p;
  GuestSiginfo a{}, out{};
  a.si_signo = SIGUSR1;
  p.add(a);
  p.add(a);
  a.si_signo = 40;
  for (int i = 0; i < 3; ++i) {
    a.f.kill.value = i;
    p.add(a);
  }
  EXPECT_EQ(p.mask(), sig_bit(SIGUSR1) | sig_bit(40));
  EXPECT_TRUE(p.take(SIGUSR1, &out));
  EXPECT_FALSE(p.take(SIGUSR1, &out));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(p.take(40, &out));
    EXPECT_EQ(out.f.kill.value, uint64_t(i));
  }
  EXPECT_EQ(p.mask(), 0u);
}

// sa_mask is applied while the handler runs (qemu-riscv64 7.2 does not).
constexpr const char* kSaMaskSource =
    "#include <signal.h>\n"
    "#include <string.h>\n"
    "static volatile int m1, m2, m3;\n"
    "static void h(int s) { (void)s; sigset_t c; sigprocmask(SIG_BLOCK, 0, &c);\n"
    "  m1 = sigismember(&c, SIGUSR1); m2 = sigismember(&c, SIGUSR2);\n"
    "  m3 = sigismember(&c, SIGTERM); }\n"
    "int main(void) {\n"
    "  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = h;\n"
    "  sigemptyset(&sa.sa_mask); sigaddset(&sa.sa_mask, SIGUSR2);\n"
    "  sigaction(SIGUSR1, &sa, 0); raise(SIGUSR1);\n"
    "  sigset_t c; sigprocmask(SIG_BLOCK, 0, &c);\n"
    "  if (sigismember(&c, SIGUSR1) || sigismember(&c, SIGUSR2)) return 9;\n"
    "  return m1 * 1 + m2 * 2 + m3 * 4;\n"
    "}\n";

TEST(SignalRun, SaMaskAppliedInHandler) {
  std::string bin = test::guest_binary("samask", "-static", kSaMaskSource);
  HART_NEED(bin);
  std::string err;
  std::unique_ptr<Jit> jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  GuestLog log;
  GuestConfig cfg;
  cfg.exe_path = bin;
  GuestResult r = run_guest(*jit, log, cfg);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_FALSE(r.signaled);
  EXPECT_EQ(r.exit_code, 3);  // USR1 (own signal) and USR2 (sa_mask), not TERM
}

}  // namespace
}  // namespace hart::linux
