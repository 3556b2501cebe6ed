// linux-abi/process/process.h — one guest process as the Linux layer sees it: its
// address space and TB cache (shared with a vfork child), fd table, brk, cwd
// and umask, identity (virtual pid in hartd's pid namespace, parent and
// children), exec image facts (exe path, argv/envp, auxv), signal
// dispositions, its threads (one Thread = one Vcpu on one host thread each)
// and its life cycle: running → exiting (exit_group or a fatal signal: every
// thread is asked to leave) → zombie (no thread left; memory and fds
// released) → reaped by wait4/waitid (or by run_guest for a process without
// a guest parent).
// Owns: per-process Linux state, the thread list, the process tree and pid
// table, fork/exec state changes, path resolution (sysroot, cwd, the
// /proc/self links), the ProcessTree (what all processes of one launch
// share: limits and live counts). Does not own: the run loop (cpu_loop.cpp)
// or syscall semantics (sys_*.cpp).
//
// Locking (lock order, outer first):
//   1. Process::mutex_ — brk, signal state (signals, Thread::sig; see
//      signals.h), the thread list, vfork state, exec-time fields
//      (image/argv/exe path). A thread that waits (rt_sigsuspend, wait4,
//      vfork, de_thread) waits on signal_cv() with it.
//   2. the tree lock (process.cpp) — parent/children links, zombie status,
//      the pid table. Taken alone or inside ONE Process::mutex_; never take a
//      Process::mutex_ while holding it.
//   3. AddressSpace's, FdTable's and TbCache's own locks,
//      ProcessTree::mutex and Process::zombie_wait_mutex_ (leaves).
// Two processes' mutexes are never held together.
#pragma once

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <bitset>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/address_space.h"
#include "core/debug.h"
#include "core/executor.h"
#include "core/log.h"
#include "core/tb_cache.h"
#include "core/vcpu.h"
#include "linux-abi/process/creds.h"
#include "linux-abi/loader/elf_loader.h"
#include "linux-abi/process/fd_table.h"
#include "linux-abi/loader/initial_stack.h"
#include "linux-abi/process/itimer.h"
#include "linux-abi/riscv64_abi.h"
#include "linux-abi/vfs/root_fs.h"
#include "linux-abi/process/signals.h"

namespace hart::linux {

// Virtual ids (vpid.h): hartd's first guest gets this pid; each further
// process or thread the next free number.
constexpr int kFirstGuestPid = 1000;
constexpr int kGuestPpid = 1;  // getppid() of a process without a guest parent
// That parent, pid 1, is the init every Linux has and hart does not run
// (no guest ever gets pid 1: numbers start at hart's own host pid). Programs
// look at their parent (kill(getppid(), 0) to see it is alive,
// sched_getscheduler(getppid())), so it answers as Linux's init would to a
// process of another user namespace: it exists, SCHED_OTHER, nice 0, its
// own session and group, and nobody may signal or change it (EPERM, root
// included). /proc does not show it (no guest sees a process outside its
// launch there).
inline bool is_outside_init(int pid) { return pid == kGuestPpid; }

class Process;
class Recorder;

// What every process of one launch shares (fork children inherit it): the
// process limit and live counts. hart-run has one tree; hartd one per launch
// (linux-abi/launch.h). Guest kill() reaches only processes of its own tree.
// A tree being killed is frozen first (`dying`): no fork or clone in it
// succeeds any more, so killing every member until none is alive ends it
// (Launch's supervisor does that).
struct ProcessTree {
  int max_processes = 0;                  // 0 = none; a fork beyond it fails with EAGAIN
  // /proc shows this tree's processes; with proc_view_owner, every process
  // whose tree has the same owner (the uid that launched it).
  uint32_t owner_uid = 0;
  bool proc_view_owner = false;
  std::atomic<int> processes{0};          // live (not yet zombie) processes, forks in progress included
  std::atomic<uint32_t> audit_sessions{0};  // the last audit session number given (loginuid writes)
  std::atomic<int> threads{0};            // host threads running guest threads
  std::atomic<bool> dying{false};         // frozen: fork and clone fail (EAGAIN)
  // Host fds of guest fds this launch holds (FdTable::set_charge, capped
  // by set_host_fd_limits' launch share).
  std::shared_ptr<std::atomic<int>> host_fds = std::make_shared<std::atomic<int>>(0);
  // inotify instances this launch holds (sys_inotify_init1, capped by
  // inotify_launch_share(): the host's fs.inotify.max_user_instances is
  // one pool for every guest and hartd's user).
  std::shared_ptr<std::atomic<int>> inotify_instances = std::make_shared<std::atomic<int>>(0);
  std::atomic<uint64_t> ended_cpu_ns{0};  // CPU time of guest threads that have ended
  // Translation counters of address spaces that are gone (TbCache::Stats).
  std::atomic<uint64_t> ended_translated{0}, ended_reused{0}, ended_invalidated{0},
      ended_translate_ns{0}, ended_budget_flushes{0};
  // SysV IPC objects of this launch (sys_ipc.cpp), made on first use under
  // `mutex`: a launch is one IPC namespace.
  std::shared_ptr<struct IpcNamespace> ipc;
  // POSIX message queues of this launch (sys_mqueue.cpp), made on first
  // use under `mutex`.
  std::shared_ptr<struct MqNamespace> mq;
  // Its processes by pid, as the pid table holds them (the tree lock):
  // Process::members walks these, not every process of the daemon (a
  // supervisor with a CPU limit asks 20 times a second; with thousands of
  // launches a walk of the whole table each time held the tree lock for
  // everyone).
  std::map<int, std::weak_ptr<Process>> pids;
  // threads reaching 0 is signalled on idle_cv (with mutex, a leaf lock).
  std::mutex mutex;
  std::condition_variable idle_cv;
  // Counts one more process unless that would pass max_processes or the
  // daemon-wide limit (set_daemon_limits), or the tree is dying. false +
  // *which: "processes" (this tree), "max_processes" (daemon), "dying".
  bool try_add_process(const char** which = nullptr);
  // Blocks until no host thread runs a guest thread of this tree.
  void wait_idle();

  // The launch's UTS namespace (uname, sethostname, setdomainname; mutex):
  // starts as the host's names and the release kernel_release() gives; a
  // guest with CAP_SYS_ADMIN may rename it, the host never changes.
  struct Uts {
    std::string nodename, domainname, release;
  };
  Uts uts = default_uts();  // guarded by mutex
  static Uts default_uts();
  // Where core files go (core_dump.h): set before the first process starts.
  std::string core_pattern = "core";
};

// The kernel release guests see in uname (default "6.12.0"; $QEMU_UNAME or
// $HART_UNAME_RELEASE, or hart-run -r, change it), so version-gated code
// takes its modern paths.
std::string kernel_release();
void set_kernel_release(const std::string& release);

// Daemon-wide limits over every tree (hartd --max-processes/--max-threads;
// 0 = none, as in hart-run): a fork past max_processes and a clone past
// max_threads fail with EAGAIN. One launch (tree) may hold at most a
// quarter of the threads (at least 1), so that one launch starting every
// thread it may cannot stop other launches from starting or cloning (its
// processes are bounded by its own limit, ProcessTree::max_processes,
// 1024 by default: a quarter of hartd's default 4096). The
// thread limit is checked before the thread starts, so concurrent clones
// may pass it by a few.
void set_daemon_limits(int max_processes, int max_threads);
int daemon_max_processes();
int daemon_max_threads();
int live_processes();  // guest processes not yet zombie, every tree
int live_threads();    // host threads running guest threads, every tree
// Is there room for one more guest thread under the daemon's limit (and,
// given a tree, within that launch's share of it)?
bool thread_room(const ProcessTree* tree = nullptr);
// The CPUs hartd's threads may run on, as it started: a guest thread's
// until it sets its own (sched_setaffinity).
const cpu_set_t& hartd_cpus();

// One guest thread. Found from its Vcpu through Vcpu::user.
struct Thread {
  std::unique_ptr<Vcpu> vcpu;
  // Set by a successful execve: the vCPU of the new image, swapped in by the
  // run loop once the syscall has returned.
  std::unique_ptr<Vcpu> exec_vcpu;
  ThreadSignals sig;  // guarded by Process::mutex_
  int tid = 0;
  uint64_t clear_child_tid = 0;  // CLONE_CHILD_CLEARTID / set_tid_address
  uint64_t robust_list = 0, robust_list_len = 0;
  RestartBlock restart;  // restart_syscall's work (signals.h); the thread's own
  // Host thread running it; valid while `running` (guarded by Process::mutex_).
  pthread_t host{};
  bool running = false;
  // The host kernel's tid of that thread, stored by the thread itself when
  // it starts (0 before): /proc/<pid>/status reads its context switches.
  std::atomic<int> host_tid{0};
  // Leave the run loop: exit() of this thread, or killed by execve's de_thread.
  std::atomic<bool> leave{false};
  int exit_code = 0;  // exit()'s status, the process's if it is the last thread
  // Serving a system call (the run loop sets it around dispatch): /proc
  // shows the thread sleeping (S) then, running (R) otherwise.
  std::atomic<bool> in_syscall{false};
  // sched_setaffinity's CPUs for this thread (at first hartd_cpus()):
  // copied to new threads and fork children, applied to the host thread
  // running it. Guarded by Process::mutex_.
  cpu_set_t affinity = hartd_cpus();
  // The thread's name (prctl PR_SET_NAME, /proc/<pid>/task/<tid>/comm),
  // NUL-padded: a new thread or fork child starts with its creator's, exec
  // sets it to the program's file name. Guarded by Process::mutex_.
  char comm[16] = {};
  // prctl(PR_SET_TIMERSLACK) and /proc/<pid>/timerslack_ns, nanoseconds;
  // a new thread or child starts with its creator's, which also becomes its
  // default (what setting 0 restores), as Linux's copy_process does. Atomic:
  // /proc lets other threads read and write it.
  std::atomic<uint64_t> timer_slack_ns{kDefaultTimerSlackNs};
  std::atomic<uint64_t> default_timer_slack_ns{kDefaultTimerSlackNs};
  static constexpr uint64_t kDefaultTimerSlackNs = 50000;
  void inherit_timer_slack(const Thread& from) {
    timer_slack_ns.store(from.timer_slack_ns.load());
    default_timer_slack_ns.store(from.timer_slack_ns.load());
  }
  // prctl(PR_RISCV_V_SET_CONTROL)'s value (cur | next << 2 | inherit << 4):
  // V on, next exec default; inherited by threads and fork, applied at
  // exec (v_ctrl_after_exec); CpuState::v_disabled follows cur.
  uint32_t v_ctrl = kPrRiscvVCtrlOn;
  // Supm: the PMLEN of this thread's tagged-address ABI (thread_info.pmlen:
  // 0 unless prctl(PR_SET_TAGGED_ADDR_CTRL) enabled it; the hardware PMLEN
  // is CpuState::pmlen). Inherited by threads and fork, 0 after exec.
  uint8_t tagged_pmlen = 0;
  // ioprio_set's value (class << 13 | hint << 3 | level; 0 = never set,
  // IOPRIO_CLASS_NONE), inherited by threads and fork; guarded by
  // Process::mutex_ for other threads' reads.
  std::atomic<uint16_t> ioprio{0};
  // This thread's credentials (creds.h): written by the thread itself under
  // Process::mutex_ (set_creds), read by it without the lock.
  Credentials cred;
  // While the process is recorded: the recorder's state of this thread
  // (Recorder::RThread, record.h), set under the recorder's lock.
  void* rec_thread = nullptr;
};

class Process : public std::enable_shared_from_this<Process> {
 public:
  // Reserves the address space (va_size bytes: AddressSpace::create).
  // nullptr + *error on failure (a capacity failure: no room for the
  // reservation). The process has no thread until exec().
  // tree: the launch this process starts (nullptr: a fresh one).
  static std::shared_ptr<Process> create(Executor& exec, GuestLog& log, std::string* error,
                                         std::shared_ptr<ProcessTree> tree = nullptr,
                                         uint64_t va_size = kGuestVaMax);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Loads the program, builds the stack, creates the main thread with pc and
  // sp set. false + one-line *error on failure.
  bool exec(const std::string& path, std::vector<std::string> argv,
            std::vector<std::string> envp, const std::string& sysroot, const VcpuOptions& vopts,
            std::string* error);

  AddressSpace& as() { return *as_; }
  // The address space, or nullptr once a zombie (mutex_ taken): for
  // walking other processes' mappings (sys_ipc.cpp).
  std::shared_ptr<AddressSpace> as_if_alive() {
    std::lock_guard<std::mutex> lock(mutex_);
    return as_;
  }
  TbCache& tb_cache() { return *tb_cache_; }
  // The same for other threads (a debugger's): null once the process has
  // become a zombie, which releases them.
  std::shared_ptr<AddressSpace> as_ref();
  std::shared_ptr<TbCache> tb_cache_ref();
  GuestLog& log() { return log_; }
  Executor& executor() { return exec_; }
  FdTable& fds() { return fds_; }
  Vcpu& main_thread() { return *threads_.front()->vcpu; }
  size_t thread_count() const { return threads_.size(); }

  // ---- threads -------------------------------------------------------------
  static Thread& thread_of(const Vcpu& v) { return *static_cast<Thread*>(v.user); }
  // A new thread whose registers are a copy of `from` (clone). The caller
  // sets what differs and then calls start_thread(). Takes mutex_.
  Thread& add_thread_copy(const Vcpu& from);
  // Starts the host thread running t (cpu_loop.cpp's run loop), with a
  // small stack (host_thread.h). 0, or the errno when the host has no thread
  // to give (EAGAIN); then t is not running and the caller discards it.
  int start_thread(Thread& t);
  // Removes t, a thread start_thread() could not start. When it was the
  // last one the process ends as killed by SIGKILL (a fork child the host
  // had no thread for, as if the OOM killer took it at once).
  void discard_thread(Thread& t);
  // Called by the run loop when t leaves for good: clear_child_tid, robust
  // list, removal; the last thread makes the process a zombie.
  void thread_exited(Thread& t);
  // The guest-visible part of t's exit: CLONE_CHILD_CLEARTID (0 written,
  // one waiter woken) and the robust futex list; done once (thread_exited
  // does it unless a recorded thread did it already, record.h). guest_tid:
  // the tid the guest knows t by (a replay from a file: the recorded one).
  void exit_effects(Thread& t, int guest_tid = 0);
  // Raises exit_request on t and kicks it out of a blocking host syscall.
  // mutex_ held.
  void kick_locked(Thread& t);

  int pid() const { return pid_; }
  int ppid() const;
  int tid_of(const Vcpu& v) const { return thread_of(v).tid; }
  Vcpu* thread_by_tid(int tid);  // nullptr if no thread of this process has it (mutex_ held)
  // The CPU affinity the leader (tid == pid) had when it ended while its
  // process is not reaped (an ended leader is still a task on Linux:
  // sched_getaffinity reads its mask); false if tid is no such leader.
  bool ended_leader_affinity(int tid, cpu_set_t* out);
  // Sets that mask (sched_setaffinity of an unreaped process: 0 on Linux);
  // false if tid is no ended leader.
  bool set_ended_leader_affinity(int tid, const cpu_set_t& mask);
  // Calls fn(Thread&) for the thread tid under mutex_; false if there is none.
  template <class F>
  bool with_thread(int tid, F fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& t : threads_)
      if (t->tid == tid) {
        fn(*t);
        return true;
      }
    return false;
  }
  // Calls fn(Vcpu&, ThreadSignals&) for every thread; mutex_ held by the caller.
  template <class F>
  void for_each_thread(F fn) {
    for (auto& t : threads_) fn(*t->vcpu, t->sig);
  }

  const std::string& sysroot() const { return sysroot_; }
  // The root (jail) of this process, or nullptr (root_fs.h). Set before
  // exec(): the program is then a guest path inside it and the cwd its top.
  RootFs* root() const { return root_.get(); }
  void set_root(std::shared_ptr<RootFs> r);
  // The program's file as the host names it (absolute, symlinks resolved;
  // for a jailed process a path inside its root on the host, which
  // RootFs::to_guest turns into what the guest sees in /proc/self/exe).
  const std::string& exe_path() const { return exe_path_; }
  const std::vector<std::string>& argv() const { return argv_; }
  const std::vector<std::string>& envp() const { return envp_; }
  const LoadedProgram& image() const { return image_; }
  const StackLayout& stack() const { return stack_; }
  const VcpuOptions& vcpu_options() const { return vopts_; }

  // Host path for a guest path (sysroot lookup for absolute paths).
  std::string host_path(const std::string& guest_path) const;
  // An O_PATH fd of what mapping v's path (looked up through the root or
  // sysroot) holds now, if that is still the file mapped (its device and
  // inode); -1 otherwise. /proc/PID/maps' " (deleted)", fork's reopening.
  int open_mapped_file(const Vma& v) const;
  // Host dirfd for a guest dirfd argument of an *at() call: the process cwd
  // for AT_FDCWD, else the mapped fd. -EBADF if unknown. *keep holds a
  // reference while the caller uses it.
  int host_dirfd(int64_t guest_dirfd, std::shared_ptr<HostFd>* keep);
  int cwd_fd() const { return cwd_->fd(); }
  std::shared_ptr<HostFd> cwd() const { return cwd_; }
  void set_cwd(std::shared_ptr<HostFd> dir) { cwd_ = std::move(dir); }
  // Closes the cwd and the root of an ended process whose tree has no
  // thread left (the first process of a launch, kept for its status until
  // reaped): a kept launch holds no fd. cwd_fd() is -1 afterwards
  // (/proc/PID/cwd of a zombie reads as nothing, as on Linux).
  void release_dirs();
  uint32_t umask() const { return umask_.load(std::memory_order_relaxed); }
  uint32_t set_umask(uint32_t m) { return umask_.exchange(m & 0777); }

  // Credentials (creds.h): t's become c, and c is the process's view for
  // others (/proc/<pid>/status, kill permission). creds() copies that view.
  void set_creds(Thread& t, Credentials c);
  Credentials creds();

  // brk: current break, guest-visible semantics in sys_mm.cpp.
  std::mutex& mutex() { return mutex_; }
  uint64_t brk_start = 0;  // guarded by mutex_
  uint64_t brk_cur = 0;
  uint64_t brk_mapped = 0;  // end of the pages mapped for the heap

  // Signals (signals.h): dispositions and process-directed pending signals;
  // per-thread masks, pending sets and altstacks. Guarded by mutex_.
  ProcessSignals signals;
  ThreadSignals& thread_signals(const Vcpu& v) { return thread_of(v).sig; }
  // Threads waiting for a signal, a child, a vfork child or the end of
  // other threads wait here with mutex_; senders and exits notify it.
  std::condition_variable& signal_cv() { return signal_cv_; }
  uint64_t sigreturn_trampoline = 0;  // guest address of __vdso_rt_sigreturn
  GuestRlimit rlimits[16] = {};  // RLIMIT_* as the guest sees them (set in create())
  // /proc/<pid>/io: the read/write-family calls' bytes and counts, as
  // Linux's task I/O accounting (counted by dispatch_syscall).
  struct IoCounters {
    std::atomic<uint64_t> rchar{0}, wchar{0}, syscr{0}, syscw{0};
  } io;
  // The leader thread's name (Thread::comm), kept when the leader has gone
  // (/proc/<pid>/comm, ps, core files). Guarded by mutex_ once running.
  char comm[16] = {};
  // Thread tid's name (the process's when tid is its pid and the leader has
  // gone; "" for no such thread). Takes mutex_.
  std::string thread_comm(int tid);
  // Sets thread tid's name (at most 15 bytes of name, up to a NUL): false
  // if there is no such thread. The leader's is also the process's.
  bool set_thread_comm(int tid, const std::string& name);
  // Is v one of this process's threads? Takes mutex_.
  bool has_thread(const Vcpu* v);
  // Process group and session (virtual ids; 0 = this process's own pid,
  // which is what a process started by hart-run or hartd has for its group;
  // its session is kOutsideSession, the launcher's).
  int pgid = 0;
  int sid = kOutsideSession;
  static constexpr int kOutsideSession = 1;
  int group_id() const { return pgid ? pgid : pid_; }
  // Whether this process's group is orphaned (no member has a parent in
  // another group of the same session; the launcher of a launched process
  // counts as such a parent, init — the parent of orphans — does not).
  // SIGTSTP/SIGTTIN/SIGTTOU do not stop an orphaned group. Tree lock taken.
  bool group_orphaned() const;

  // ---- group stop (signals.cpp): SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU stop
  // every thread until SIGCONT (or SIGKILL). Guarded by mutex_. -------------
  struct GroupStop {
    bool stopping = false;   // threads park in deliver_signals
    int sig = 0;             // the stop signal
    int parked = 0;          // threads parked so far
    bool reported = false;   // every thread parked: the parent was told
    bool tell_continued = false;  // SIGCONT ended a reported stop: the first thread to run tells the parent
  } group_stop;
  // What wait4/waitid report to the parent (WUNTRACED, WCONTINUED); read
  // and cleared under the tree lock, hence atomics.
  std::atomic<int> wait_stop_sig{0};
  std::atomic<bool> wait_continued{false};
  // Tells the parent (if any) of a stop or continue: SIGCHLD with code
  // (CLD_STOPPED, CLD_CONTINUED) and status unless its SIGCHLD action has
  // SA_NOCLDSTOP; wakes its wait4. Takes the parent's mutex: call without
  // this process's.
  void notify_parent_stop(int code, int status);

  // ---- fork / exec ---------------------------------------------------------
  // fork/vfork: a child process whose only thread copies `caller`'s
  // registers. share_vm: the child uses this address space and TB cache
  // (vfork); else it gets a copy. The child is linked into the tree; the
  // caller adjusts the thread and starts it. nullptr + *error on failure.
  // At the tree's process limit: nullptr with *err_no = EAGAIN (else ENOMEM).
  // want_pid (clone3's set_tid): the child's pid, which must be free
  // (EEXIST otherwise).
  std::shared_ptr<Process> fork_child(Thread& caller, bool share_vm, std::string* error,
                                      int* err_no = nullptr, int want_pid = 0);
  // execve's point of no return: ends every other thread (waits until they
  // are gone), then installs the new image (already loaded into as) and gives
  // `caller` a fresh vCPU at its entry. Closes CLOEXEC fds, resets handlers.
  void exec_replace(Thread& caller, std::unique_ptr<AddressSpace> as, const LoadedProgram& img,
                    const StackLayout& stack, uint64_t trampoline, std::vector<std::string> argv,
                    std::vector<std::string> envp, const std::string& exe_path,
                    const std::string& comm_name);
  // Builds a program image in a fresh address space of va_size bytes (used
  // by execve: the process keeps its size). nullptr + *error on failure.
  // path is what the loader opens, execfn the guest's name for it (AT_EXECFN);
  // cred gives AT_UID, AT_EUID, AT_GID and AT_EGID.
  static std::unique_ptr<AddressSpace> load_image(uint64_t va_size, const std::string& path,
                                                  const std::string& execfn,
                                                  std::vector<std::string>* argv,
                                                  const std::vector<std::string>& envp,
                                                  const std::string& sysroot, LoadedProgram* img,
                                                  StackLayout* stack, uint64_t* trampoline,
                                                  std::string* error, const RootFs* root,
                                                  const Credentials& cred);
  // vfork: the parent waits until the child execs or exits.
  bool vfork_released() const { return vfork_released_.load(std::memory_order_acquire); }
  void set_vfork_parent(std::shared_ptr<Process> parent) { vfork_parent_ = std::move(parent); }

  // ---- exit, zombie, wait --------------------------------------------------
  // Group exit started (exit_group, fatal signal): threads are leaving.
  bool exited() const { return exited_.load(std::memory_order_acquire); }
  // A waiting thread must give up: its process exits or it was told to leave.
  bool should_stop(const Thread& t) const { return exited() || t.leave.load(); }
  // Both take mutex_: never call them holding it.
  void exit_with_status(int code);  // exit_group
  // Killed by a signal. From the thread that took it (dumper, with its
  // siginfo), a signal whose default action dumps core makes the process
  // dump one (core_dump.h) as its threads leave: see core_dump_rendezvous.
  void exit_with_signal(int sig, Thread* dumper = nullptr, const GuestSiginfo* info = nullptr);
  bool killed_by_signal() const { return signaled_; }
  int exit_code() const { return exit_code_; }
  int exit_signal() const { return exit_signal_; }
  // Called by every thread leaving the run loop, before it is removed: while
  // a core dump is pending, the others park here until the dumping thread,
  // once they all have, has written the core file. No-op otherwise.
  void core_dump_rendezvous(Thread& t);
  // A core file was written (Linux's WCOREDUMP, CLD_DUMPED).
  bool dumped_core() const { return core_written_.load(std::memory_order_acquire); }
  // Linux wait status: code << 8, or signal | 0x80 for a core dump.
  int wait_status() const;
  // A pidfd's eventfd to signal when this process ends (at once if it has).
  void watch_exit(const std::shared_ptr<HostFd>& pidfd);
  // No thread left (tree lock).
  bool zombie() const;
  // Reaped by its parent's wait (or at once, auto-reaped): gone from the
  // process table as far as Linux is concerned (a pidfd's fdinfo Pid: -1).
  bool reaped() const { return reaped_.load(std::memory_order_acquire); }
  // Blocks until the process is a zombie (run_guest, for the first process).
  void wait_until_zombie();
  // The same with a time limit: false if it is not a zombie yet (or a
  // nudge_zombie_waiters came first).
  bool wait_until_zombie_for(std::chrono::milliseconds limit);
  // Ends a wait_until_zombie_for early (Launch::kill: its supervisor
  // re-kills the tree meanwhile).
  void nudge_zombie_waiters();
  // Waitable children (wait4/waitid in sys_clone.cpp). Under the tree lock.
  struct ChildMatch {
    int pid = 0;            // 0 = none
    int status = 0;         // wait status
    int code = 0;           // waitid's si_code: CLD_EXITED, _KILLED, _DUMPED, _STOPPED, _CONTINUED
    int child_status = 0;   // waitid's si_status: exit code or signal
    uint32_t uid = 0;       // waitid's si_uid: the child's real uid
  };
  // Which state changes a wait asks for.
  enum : unsigned { kWaitExited = 1, kWaitStopped = 2, kWaitContinued = 4 };
  // Finds a child matching `which` (-1 any, > 0 that pid) and `group` (0 any,
  // else its process group) with a state change in `what`: an exit (reaped
  // unless keep), a stop or a continue (consumed unless keep). Returns
  // -ECHILD if no child matches at all, 0 if one matches but has nothing to
  // report, else its pid (details in *out).
  int reap_child(int which, int group, unsigned what, bool keep, ChildMatch* out);
  // Sends SIGKILL to every process still alive (orphans when hart-run ends)
  // until every process is a zombie (its files closed)...
  static void kill_all();
  // ...and then waits until their threads are gone.
  static void kill_all_and_wait();
  // Freezes the trees of procs (ProcessTree::dying) and sends SIGKILL to
  // those not yet zombies; false if none was alive. Repeat until false to
  // end a tree that may be forking.
  static bool kill_frozen(const std::vector<std::shared_ptr<Process>>& procs);
  // A live process by pid, or nullptr. With `viewer`, only a process of the
  // viewer's tree (what a guest's kill() may reach). With `zombies`, an
  // ended one not yet reaped too (what pidfd_open may name).
  static std::shared_ptr<Process> find(int pid, const Process* viewer = nullptr, bool zombies = false);
  // The live process that has a task (thread) with this id, as Linux's
  // find_task_by_vpid() names one: a process by its pid, or one of its
  // threads by tid (what kill, tkill, sched_*, getpgid... accept). With
  // `viewer`, only in the viewer's tree.
  // With `zombies`, an ended process not yet reaped too, by its pid (its
  // leader is the task Linux still finds then).
  static std::shared_ptr<Process> find_task(int tid, const Process* viewer = nullptr, bool zombies = false);

  // ---- launch tree, accounting ---------------------------------------------
  ProcessTree& tree() { return *tree_; }
  const std::shared_ptr<ProcessTree>& tree_ptr() const { return tree_; }
  // Every process of `tree` still in the pid table (zombies included),
  // ordered by pid.
  static std::vector<std::shared_ptr<Process>> members(const ProcessTree& tree);
  // What viewer's /proc shows: a process of its tree or, with the owner
  // view, of any tree of the same owner; zombies included (state Z), reaped
  // ones not. find_visible: nullptr if pid is not one of them.
  static std::shared_ptr<Process> find_visible(int pid, const Process& viewer);
  static std::vector<std::shared_ptr<Process>> visible_to(const Process& viewer);
  // Every live (not zombie) process of every tree, ordered by pid.
  static std::vector<std::shared_ptr<Process>> all_live();
  // A snapshot for hartd's `list` (takes mutex_ and the tree lock).
  struct Info {
    int pid = 0;
    int ppid = 0;  // 0 = no guest parent
    std::vector<std::string> argv;
    bool zombie = false;
    bool stopped = false;  // by a stop signal (group stop complete)
    char state = 'R';      // /proc's letter: R, S (in a system call), T, Z
    int threads = 0;
    uint64_t cpu_ns = 0;        // ended + running threads
    uint64_t mapped_bytes = 0;  // sum of the VMA sizes
    TbCache::Stats tb{};
  };
  Info info();
  // /proc's state letter of thread tid (0: the process, i.e. its first thread).
  char state_letter(int tid = 0);
  // CPU time of the threads running now (mutex_ taken).
  uint64_t running_cpu_ns();

  // strace and one-time "unimplemented" reports.
  bool strace = false;
  bool report_unimplemented_once(unsigned nr);

  // Signal sent to the parent when this process ends (clone's low byte; SIGCHLD).
  int death_signal = SIGCHLD;

  // /proc/<pid>/oom_score_adj (-1000..1000) and the floor an unprivileged
  // write may lower it to (set by privileged writes), inherited by fork.
  std::atomic<int> oom_score_adj{0}, oom_score_adj_min{0};
  // The audit login uid and session of /proc/<pid>/loginuid and sessionid
  // (kAuditUnset until a write sets them), inherited by fork, kept by exec.
  static constexpr uint32_t kAuditUnset = 0xffffffffu;
  std::atomic<uint32_t> loginuid{kAuditUnset}, sessionid{kAuditUnset};
  // prctl(PR_SET_PDEATHSIG): the signal this process gets when its parent
  // exits, or the parent's thread that forked it (0: none); not inherited by
  // fork; cleared by a credential change.
  std::atomic<int> pdeath_signal{0};
  // prctl(PR_SET_DUMPABLE): 1 (SUID_DUMP_USER) or 0; inherited by fork, 1
  // again after exec; a credential change makes it 0 (suid_dumpable's
  // default). A process that is not dumpable writes no core file.
  std::atomic<int> dumpable{1};
  // prctl(PR_SET_MDWE)'s bits (kPrMdwe*; 0: off, and once on they stay):
  // with kPrMdweRefuseExecGain no mapping may become writable and executable
  // or gain execute (EACCES); inherited by fork and exec unless
  // kPrMdweNoInherit. prctl(PR_SET_THP_DISABLE)'s flag and PR_MCE_KILL's
  // policy (2 = PR_MCE_KILL_DEFAULT), inherited by fork and exec.
  std::atomic<uint32_t> mdwe{0};
  std::atomic<bool> thp_disable{false};
  std::atomic<int> mce_kill{2};
  // The largest VmSize and VmRSS /proc has shown (VmPeak, VmHWM: hartd
  // samples them when they are read, Linux at every change).
  std::atomic<uint64_t> vm_peak{0}, rss_peak{0};
  // /proc/<pid>/coredump_filter: which mappings a core dump holds (Linux's
  // MMF_DUMP_* bits, default 0x33), inherited by fork, kept by exec.
  static constexpr uint32_t kCoredumpFilterDefault = 0x33, kCoredumpFilterBits = 0x1ff;
  std::atomic<uint32_t> coredump_filter{kCoredumpFilterDefault};

  // setpriority/getpriority's nice value (-20..19), inherited by fork.
  std::atomic<int> nice{0};
  // sched_setscheduler/sched_setparam's policy and priority, inherited by fork.
  std::atomic<int> sched_policy{0}, sched_priority{0};
  // sched_setattr's extras: SCHED_RESET_ON_FORK, SCHED_DEADLINE's runtime,
  // deadline and period, a fair task's custom slice (0 = the host's).
  std::atomic<bool> sched_reset_on_fork{false};
  std::atomic<uint64_t> dl_runtime{0}, dl_deadline{0}, dl_period{0}, sched_slice{0};
  // prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants are reparented here.
  std::atomic<bool> child_subreaper{false};
  // prctl(PR_SET_NO_NEW_PRIVS): set once, inherited by fork, kept by exec.
  std::atomic<bool> no_new_privs{false};
  // Supm's tagged-address ABI for this process's memory (the kernel's
  // mm->context): the PMLEN syscalls untag pointer arguments with (0: off),
  // and whether it is locked because another thread or a CLONE_VM child
  // shares the memory (then prctl may not change it: EBUSY). Copied by
  // fork, reset by exec.
  std::atomic<uint8_t> tagged_pmlen{0};
  std::atomic<bool> pmlen_locked{false};
  // NUMA memory policies (sys_numa.cpp): the task's (set_mempolicy) and
  // those mbind gave to address ranges, newest last; inherited by fork.
  struct MemPolicy {
    int mode = 0, flags = 0;  // MPOL_DEFAULT; MPOL_F_STATIC_NODES...
    uint64_t nodes = 0;       // as the user gave them (static/relative) or effective
    uint64_t start = 0, end = 0;  // mbind's range
  };
  // Linux AIO contexts (sys_aio.cpp): per address space, not inherited by
  // fork, dropped by exec.
  std::mutex aio_mutex;
  std::shared_ptr<struct AioTable> aio;  // guarded by aio_mutex
  std::mutex numa_mutex;
  MemPolicy mempolicy;                  // guarded by numa_mutex
  std::vector<MemPolicy> range_policies;  // guarded by numa_mutex

  // Interval timers (setitimer's ITIMER_REAL/VIRTUAL/PROF), created on first
  // use (sys_time.cpp).
  std::unique_ptr<ITimer> itimers[4];  // guarded by mutex_; [3]: RLIMIT_CPU (ITimer::kRlimitCpu)

  // Debugger (gdb stub, core/debug.h; the run loop's hooks are in
  // debug_hooks.cpp). debug_owner is set once, before `debug` publishes it,
  // and kept for the process's life (a detach only marks it detached).
  // Fork children do not inherit it.
  std::shared_ptr<DebugController> debug_owner;
  std::atomic<DebugController*> debug{nullptr};
  // Record/replay (record.h): set before the first instruction when the
  // process is recorded; used by its vCPU thread (and the stub's status).
  std::shared_ptr<Recorder> recorder;

 private:
  Process(Executor& exec, GuestLog& log) : exec_(exec), log_(log) {}
  // Removes t from the thread list and hands it over (nullptr if absent). mutex_ held.
  std::unique_ptr<Thread> take_thread_locked(Thread& t);
  Thread& new_thread_locked(int tid);
  void become_zombie();
  // Each child's pdeath_signal (PR_SET_PDEATHSIG), from this process.
  void send_pdeath_signals(const std::vector<std::shared_ptr<Process>>& children);
  void set_exiting(bool signaled, int code_or_sig, Thread* dumper = nullptr,
                   const GuestSiginfo* info = nullptr);
  void release_vfork_parent();

  Executor& exec_;
  GuestLog& log_;
  std::shared_ptr<ProcessTree> tree_;
  uint64_t ended_cpu_ns_ = 0;  // this process's ended threads (mutex_)
  std::shared_ptr<AddressSpace> as_;
  std::shared_ptr<TbCache> tb_cache_;
  std::vector<std::unique_ptr<Thread>> threads_;
  bool leader_ended_ = false;  // (mutex_) ended_leader_affinity
  cpu_set_t leader_affinity_;
  std::condition_variable signal_cv_;
  FdTable fds_;
  std::shared_ptr<HostFd> cwd_;
  std::shared_ptr<RootFs> root_;
  std::atomic<uint32_t> umask_{022};
  Credentials creds_;  // the process's view (mutex_)
  std::atomic<uint32_t> ruid_{0};  // its real uid, for wait's siginfo (tree lock, no mutex_)
  int pid_ = kFirstGuestPid;
  bool claimed_pid_ = false;  // host-wide claim to release (vpid.h)
  std::string sysroot_, exe_path_;
  std::vector<std::string> argv_, envp_;
  LoadedProgram image_;
  StackLayout stack_;
  VcpuOptions vopts_;
  std::mutex mutex_;
  std::atomic<bool> exited_{false};
  // The core dump of a fatal signal (mutex_): who dumps, threads parked so far.
  struct CoreDump {
    bool pending = false, done = false;
    int sig = 0, dumper_tid = 0;
    GuestSiginfo info{};
    size_t parked = 0;
  } core_;
  std::atomic<bool> core_written_{false};
  bool signaled_ = false;
  int exit_code_ = 0, exit_signal_ = 0;
  bool ever_started_ = false;  // a thread ran (mutex_)
  // vfork: the parent to release at exec/exit.
  std::shared_ptr<Process> vfork_parent_;
  std::atomic<bool> vfork_released_{false};
  // Tree (tree lock).
  std::weak_ptr<Process> parent_;
  // The parent's thread that forked this process (Linux's real_parent is a
  // thread): when it exits, the child passes to a sibling thread and gets
  // its pdeath_signal, though the parent process lives on.
  int parent_tid_ = 0;
  bool launched_ = false;  // made by create(), not fork: the launcher is its parent
  std::vector<std::shared_ptr<Process>> children_;
  bool zombie_ = false;
  // Waiting for this process to become a zombie (wait_until_zombie: a
  // launch's supervisor, hart-run): each process its own lock and
  // condition. With one for all, every process's end woke every launch's
  // supervisor, and thousands of them polling one lock became a convoy
  // that stalled hartd for minutes.
  std::mutex zombie_wait_mutex_;
  std::condition_variable zombie_wait_cv_;
  bool zombie_waitable_ = false;  // (zombie_wait_mutex_) zombie_, for the waiters
  bool zombie_nudged_ = false;    // (zombie_wait_mutex_) nudge_zombie_waiters
  std::atomic<bool> reaped_{false};
  std::vector<std::weak_ptr<HostFd>> exit_watch_;  // pidfds (tree lock)
  bool counted_live_ = false;  // in the tree's and the daemon's live counts
  void uncount_live();         // leaves them (once)
  std::mutex unimp_mutex_;
  std::bitset<512> unimp_reported_;
};

// The body of every host thread that runs a guest thread (cpu_loop.cpp).
void run_thread(std::shared_ptr<Process> p, Thread* t);
// run_thread's last act (after dropping its Process reference).
void run_thread_done(ProcessTree& tree);
// Blocks until no host thread runs a guest thread any more.
void wait_all_guest_threads();

}  // namespace hart::linux
