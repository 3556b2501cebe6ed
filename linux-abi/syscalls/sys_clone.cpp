// linux-abi/syscalls/sys_clone.cpp — creating and replacing tasks, and waiting for
// them: clone, clone3, unshare (threads: a new Vcpu on a new host thread;
// processes: fork/vfork inside hartd, never a host fork), execve, execveat (the image is
// replaced in place, see Process::exec_replace), wait4 and waitid (Linux
// status encoding, WNOHANG, WNOWAIT, WUNTRACED/WSTOPPED, WCONTINUED, by pid,
// any child or process group).
// CLONE_PIDFD gives a pidfd (sys_pidfd.cpp); clone3's set_tid picks a free
// pid in hartd's pid space (EEXIST if taken); CLONE_CLEAR_SIGHAND resets
// handlers; CLONE_INTO_CGROUP and namespace flags are refused as in a
// container without CAP_SYS_ADMIN (EBADF for a non-cgroup fd, EOPNOTSUPP
// for a cgroup, EPERM for namespaces), after the EINVAL checks.
// Not modelled yet: CLONE_FILES / CLONE_FS between processes (the child
// gets copies), CLONE_PARENT (treated as a child of the caller).
// Owns: clone flag validation and the parent/child register setup, execve
// argument reading, the wait syscalls' argument handling. Does not own:
// process state changes (process.cpp) or the run loop (cpu_loop.cpp).
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "linux-abi/process/debug_hooks.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {

// <linux/sched.h>
constexpr uint64_t kCloneNewtime = 0x80, kCloneVm = 0x100, kCloneFs = 0x200, kCloneFiles = 0x400,
                   kCloneSighand = 0x800, kClonePidfd = 0x1000, kClonePtrace = 0x2000,
                   kCloneVfork = 0x4000, kCloneParent = 0x8000, kCloneThread = 0x10000,
                   kCloneNewns = 0x20000, kCloneSysvsem = 0x40000, kCloneSettls = 0x80000,
                   kCloneParentSettid = 0x100000, kCloneChildCleartid = 0x200000,
                   kCloneDetached = 0x400000, kCloneUntraced = 0x800000,
                   kCloneChildSettid = 0x1000000, kCloneNewcgroup = 0x02000000,
                   kCloneNewuts = 0x04000000, kCloneNewipc = 0x08000000,
                   kCloneNewuser = 0x10000000, kCloneNewpid = 0x20000000,
                   kCloneNewnet = 0x40000000, kCloneIo = 0x80000000ull,
                   kCloneClearSighand = 0x100000000ull, kCloneIntoCgroup = 0x200000000ull;
constexpr uint64_t kCloneNamespaces = kCloneNewns | kCloneNewcgroup | kCloneNewuts | kCloneNewipc |
                                      kCloneNewuser | kCloneNewpid | kCloneNewnet | kCloneNewtime;
constexpr uint64_t kCsignal = 0xff;

struct CloneArgs {
  uint64_t flags = 0;
  uint64_t child_tid = 0, parent_tid = 0;
  uint64_t pidfd = 0;  // where the pidfd number goes (CLONE_PIDFD)
  int exit_signal = 0;
  uint64_t sp = 0;  // 0 = the parent's
  uint64_t tls = 0;
  int set_tid = 0;  // clone3's set_tid[0] (0 = none)
  int cgroup = -1;  // CLONE_INTO_CGROUP's fd
};

// copy_process()'s checks, in Linux's order: flag combinations (EINVAL)
// before privilege (EPERM). Guests get no namespaces or cgroups, as in a
// container without CAP_SYS_ADMIN; set_tid needs CAP_CHECKPOINT_RESTORE.
int check_clone(SyscallCtx& ctx, const CloneArgs& a) {
  uint64_t f = a.flags;
  auto both = [f](uint64_t x, uint64_t y) { return (f & x) && (f & y); };
  if (both(kCloneNewns, kCloneFs) || both(kCloneNewuser, kCloneFs)) return -EINVAL;
  if ((f & kCloneThread) && !(f & kCloneSighand)) return -EINVAL;
  if ((f & kCloneSighand) && !(f & kCloneVm)) return -EINVAL;
  if ((f & kCloneThread) && (f & (kCloneNewuser | kCloneNewpid))) return -EINVAL;
  if ((f & kClonePidfd) && (f & (kCloneDetached | kCloneThread))) return -EINVAL;
  if (a.exit_signal < 0 || a.exit_signal > kGuestNSig) return -EINVAL;
  if (f & kCloneNamespaces) return -EPERM;
  if (a.set_tid) {
    if (a.set_tid < 0) return -EINVAL;
    if (!Process::thread_of(ctx.vcpu).cred.capable(kCapCheckpointRestore)) return -EPERM;
  }
  if (f & kCloneIntoCgroup) {
    std::shared_ptr<HostFd> cg = ctx.proc.fds().get(a.cgroup);
    struct statfs sf;
    if (!cg || fstatfs(cg->fd(), &sf) != 0 || sf.f_type != CGROUP2_SUPER_MAGIC) return -EBADF;
    return -EOPNOTSUPP;  // a guest cannot be moved into a host cgroup
  }
  return 0;
}

int64_t do_clone(SyscallCtx& ctx, const CloneArgs& a) {
  Process& p = ctx.proc;
  uint64_t f = a.flags;
  if (int e = check_clone(ctx, a)) return e;
  if ((f & kClonePidfd) && !p.as().check(a.pidfd, 4, PROT_WRITE)) return -EFAULT;
  Thread& self = Process::thread_of(ctx.vcpu);

  if (f & kCloneThread) {
    // No new thread in a process or tree being killed, or past the daemon's
    // limit or the launch's share of it.
    if (p.exited() || p.tree().dying.load() || !thread_room(&p.tree())) return -EAGAIN;
    Thread& t = p.add_thread_copy(ctx.vcpu);
    CpuState& s = t.vcpu->state;
    s.x[10] = 0;
    if (a.sp) s.x[2] = a.sp;
    if (f & kCloneSettls) s.x[4] = a.tls;
    int tid = t.tid;
    if (f & kCloneParentSettid) p.as().write(a.parent_tid, &tid, 4);
    if (f & kCloneChildSettid) p.as().write(a.child_tid, &tid, 4);
    if (f & kCloneChildCleartid) t.clear_child_tid = a.child_tid;
    if (int e = p.start_thread(t)) {  // the host has no thread to give
      p.discard_thread(t);
      if (p.log().enabled(kLog_guest_errors))
        p.log().printf("hart: clone: no host thread: %s\n", strerror(e));
      return -EAGAIN;
    }
    return tid;
  }

  // A new process: fork (copied memory) or vfork / CLONE_VM (shared memory).
  std::string err;
  int err_no = ENOMEM;
  std::shared_ptr<Process> child = p.fork_child(self, (f & kCloneVm) != 0, &err, &err_no, a.set_tid);
  if (!child) {
    if (p.log().enabled(kLog_guest_errors)) p.log().printf("hart: %s\n", err.c_str());
    return -err_no;  // EAGAIN at a process limit (as RLIMIT_NPROC) or in a dying tree
  }
  Thread& ct = Process::thread_of(child->main_thread());
  CpuState& s = ct.vcpu->state;
  s.x[10] = 0;
  if (a.sp) s.x[2] = a.sp;
  if (f & kCloneSettls) s.x[4] = a.tls;
  child->death_signal = a.exit_signal;
  if (f & kCloneClearSighand) {  // handlers back to SIG_DFL; ignored signals stay ignored
    std::lock_guard<std::mutex> lock(child->mutex());
    for (int sig = 1; sig <= kGuestNSig; ++sig)
      if (child->signals.action[sig].handler != kSigIgn) child->signals.action[sig] = GuestSigaction{};
  }
  int pid = child->pid();
  inherit_personality(p.pid(), pid);  // sys_system.cpp
  if (f & kClonePidfd) {  // installed before the child runs, as Linux does
    int fd = open_pidfd(p, child, false);
    if (fd >= 0) p.as().write(a.pidfd, &fd, 4);
  }
  if (f & kCloneParentSettid) p.as().write(a.parent_tid, &pid, 4);
  if (f & kCloneChildSettid) child->as().write(a.child_tid, &pid, 4);
  if (f & kCloneChildCleartid) ct.clear_child_tid = a.child_tid;
  bool vfork = (f & kCloneVfork) != 0;
  if (vfork) child->set_vfork_parent(p.shared_from_this());
  bool debug_event = p.debug.load(std::memory_order_relaxed) && debug_fork_attach(p, *child, vfork);
  if (int e = child->start_thread(ct)) {  // the child ends at once, killed
    if (p.log().enabled(kLog_guest_errors))
      p.log().printf("hart: fork: no host thread for pid %d: %s\n", pid, strerror(e));
    child->discard_thread(ct);
  }
  if (debug_event) debug_fork_report(p, self, *child, vfork);  // gdb: fork/vfork stop
  if (vfork) {
    // The parent sleeps until the child execs or exits (killable only).
    {
      std::unique_lock<std::mutex> lock(p.mutex());
      p.signal_cv().wait(lock, [&] { return child->vfork_released() || p.should_stop(self); });
    }
    if (debug_event) debug_vfork_done(p, self);  // gdb: vforkdone stop
  }
  return pid;
}

}  // namespace

// riscv64: clone(flags, newsp, parent_tid, tls, child_tid).
int64_t sys_clone(SyscallCtx& ctx) {
  CloneArgs a;
  a.flags = ctx.a[0] & ~uint64_t{0xff};
  a.exit_signal = static_cast<int>(ctx.a[0] & 0xff);
  a.sp = ctx.a[1];
  a.parent_tid = ctx.a[2];
  a.tls = ctx.a[3];
  a.child_tid = ctx.a[4];
  a.flags &= 0xffffffffu;  // clone() takes the low 32 bits
  if ((a.flags & kCloneThread) && a.exit_signal) a.exit_signal = 0;  // ignored for threads
  if (a.flags & kClonePidfd) {  // the pidfd goes where parent_tid points
    if (a.flags & kCloneParentSettid) return -EINVAL;
    a.pidfd = a.parent_tid;
  }
  return do_clone(ctx, a);
}

// clone3(args, size): Linux's copy_clone_args_from_user and
// clone3_args_valid, then the checks every clone makes.
int64_t sys_clone3(SyscallCtx& ctx) {
  uint64_t size = ctx.a[1];
  constexpr uint64_t kVer0 = 64, kVer2 = 88;
  if (size > 4096) return -E2BIG;
  if (size < kVer0) return -EINVAL;
  AddressSpace& as = ctx.proc.as();
  uint64_t raw[11] = {};
  if (!as.read(ctx.a[0], raw, std::min(size, kVer2))) return -EFAULT;
  for (uint64_t off = kVer2; off < size; off += 8) {  // a larger struct: the rest must be zero
    uint64_t w = 0;
    if (!as.read(ctx.a[0] + off, &w, std::min<uint64_t>(8, size - off))) return -EFAULT;
    if (w) return -E2BIG;
  }
  enum { kFlags, kPidfd, kChildTid, kParentTid, kExitSignal, kStack, kStackSize, kTls, kSetTid,
         kSetTidSize, kCgroup };
  CloneArgs a;
  a.flags = raw[kFlags];
  uint64_t set_tid = raw[kSetTid], set_tid_size = raw[kSetTidSize];
  if (set_tid_size > 32 || (!set_tid && set_tid_size) || (set_tid && !set_tid_size)) return -EINVAL;
  if ((raw[kExitSignal] & ~kCsignal) || raw[kExitSignal] > static_cast<uint64_t>(kGuestNSig))
    return -EINVAL;
  if ((a.flags & kCloneIntoCgroup) && (raw[kCgroup] > INT32_MAX || size < kVer2)) return -EINVAL;
  int32_t tids[32] = {};
  if (set_tid && !as.read(set_tid, tids, set_tid_size * 4)) return -EFAULT;
  // clone3_args_valid
  if (a.flags & ~(0xffffffffull | kCloneClearSighand | kCloneIntoCgroup)) return -EINVAL;
  if (a.flags & (kCloneDetached | (kCsignal & ~kCloneNewtime))) return -EINVAL;
  if ((a.flags & kCloneSighand) && (a.flags & kCloneClearSighand)) return -EINVAL;
  if ((a.flags & (kCloneThread | kCloneParent)) && raw[kExitSignal]) return -EINVAL;
  uint64_t stack = raw[kStack], stack_size = raw[kStackSize];
  if (!stack != !stack_size) return -EINVAL;
  if (stack && (stack + stack_size < stack || stack + stack_size > kUserAddrEnd)) return -EINVAL;
  // Only the caller's (the initial) pid namespace: one level of set_tid.
  if (set_tid_size > 1) return -EINVAL;
  if (set_tid_size) {
    if (tids[0] <= 0 || tids[0] >= (1 << 22)) return -EINVAL;  // pid_max
    a.set_tid = tids[0];
  }
  a.pidfd = raw[kPidfd];
  a.child_tid = raw[kChildTid];
  a.parent_tid = raw[kParentTid];
  a.exit_signal = static_cast<int>(raw[kExitSignal]);
  a.sp = stack ? stack + stack_size : 0;
  a.tls = raw[kTls];
  a.cgroup = static_cast<int>(raw[kCgroup]);
  return do_clone(ctx, a);
}

// unshare(flags): Linux's flag checks; namespaces are refused as in a
// container without CAP_SYS_ADMIN (EPERM). CLONE_FILES, CLONE_FS and
// CLONE_SYSVSEM succeed without effect: a guest process's fd table, cwd
// and umask are already its own (threads of one process keep sharing them).
int64_t sys_unshare(SyscallCtx& ctx) {
  uint64_t f = ctx.a[0];
  constexpr uint64_t kAllowed = kCloneThread | kCloneFs | kCloneSighand | kCloneVm | kCloneFiles |
                                kCloneSysvsem | kCloneNamespaces;
  if (f & ~kAllowed) return -EINVAL;
  if (f & kCloneNewuser) f |= kCloneThread | kCloneFs;
  if (f & kCloneVm) f |= kCloneSighand;
  if (f & kCloneSighand) f |= kCloneThread;
  if (f & kCloneNewns) f |= kCloneFs;
  if (f & (kCloneThread | kCloneSighand | kCloneVm)) {
    std::lock_guard<std::mutex> lock(ctx.proc.mutex());
    if (ctx.proc.thread_count() > 1) return -EINVAL;
  }
  if (f & kCloneNamespaces) return -EPERM;
  return 0;
}

// ---- execve -----------------------------------------------------------------------

namespace {

// Reads a NULL-terminated guest array of strings (argv/envp).
int read_string_array(Process& p, uint64_t addr, std::vector<std::string>* out) {
  out->clear();
  if (!addr) return 0;
  uint64_t total = 0;
  for (uint64_t i = 0;; ++i) {
    uint64_t ptr;
    if (!p.as().read(addr + i * 8, &ptr, 8)) return -EFAULT;
    if (!ptr) return 0;
    std::string s;
    if (!p.as().read_string(ptr, &s, kMaxArgBytes)) return -EFAULT;
    total += s.size() + 1 + 8;
    if (total > kMaxArgBytes) return -E2BIG;
    out->push_back(std::move(s));
  }
}

// Linux's deny_write_access(): a file that a process holds open for writing
// cannot be executed (ETXTBSY). hartd sees the fds of the caller's tree.
bool open_for_writing(Process& p, const struct stat& st) {
  for (auto& m : Process::members(p.tree())) {
    if (m->zombie()) continue;
    for (int gfd : m->fds().open_fds()) {
      std::shared_ptr<HostFd> f = m->fds().get(gfd);
      if (!f || f->synth() || f->emu()) continue;
      int fl = fcntl(f->fd(), F_GETFL);
      if (fl < 0 || (fl & O_PATH) || (fl & O_ACCMODE) == O_RDONLY) continue;
      struct stat fs;
      if (fstat(f->fd(), &fs) == 0 && fs.st_dev == st.st_dev && fs.st_ino == st.st_ino) return true;
    }
  }
  return false;
}

int64_t do_execve(SyscallCtx& ctx, int64_t dirfd, uint64_t path_addr, uint64_t argv_addr,
                  uint64_t envp_addr, int flags) {
  Process& p = ctx.proc;
  constexpr int kAtEmptyPath = 0x1000, kAtSymlinkNofollow = 0x100;
  if (flags & ~(kAtEmptyPath | kAtSymlinkNofollow)) return -EINVAL;
  AtPath at;
  int r = resolve_at(p, dirfd, path_addr, &at, (flags & kAtEmptyPath) != 0,
                     !(flags & kAtSymlinkNofollow));
  if (r < 0) return r;

  // What the loader opens: a host path (fd-relative paths through /proc/self/fd).
  std::string host;
  if (is_proc_self(p, at.guest, "exe")) {
    host = p.exe_path();  // not hart-run's own /proc/self/exe
  } else if (at.guest.empty()) {
    std::shared_ptr<HostFd> keep = p.fds().get(static_cast<int>(dirfd));
    if (!keep) return -EBADF;
    at.keep = keep;
    host = "/proc/self/fd/" + std::to_string(keep->fd());
  } else if (at.path[0] == '/') {
    host = at.path;
  } else {
    host = "/proc/self/fd/" + std::to_string(at.dirfd) + "/" + at.path;
  }
  struct stat st;
  if (stat(host.c_str(), &st) != 0) return -errno;
  if ((flags & kAtSymlinkNofollow) && !at.guest.empty()) {
    struct stat lst;
    if (lstat(host.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) return -ELOOP;
  }
  if (!S_ISREG(st.st_mode)) return -EACCES;
  // Execute permission as Linux checks it: with the caller's fs ids.
  if (faccessat(AT_FDCWD, host.c_str(), X_OK, AT_EACCESS) != 0) return -errno;
  if (open_for_writing(p, st)) return -ETXTBSY;
  // Linux (6.8+) opens the file before it copies argv/envp: a missing file is
  // ENOENT even with a bad argv.
  std::vector<std::string> argv, envp;
  if ((r = read_string_array(p, argv_addr, &argv)) < 0) return r;
  if ((r = read_string_array(p, envp_addr, &envp)) < 0) return r;
  // Linux 5.18+: an empty (or NULL) argv becomes { "" }, so argc is never 0.
  if (argv.empty()) argv.emplace_back();

  // The name Linux gives the program (bprm->filename): the path as the
  // guest wrote it, or for one relative to a directory fd (or the fd
  // itself, AT_EMPTY_PATH) /dev/fd/DIRFD/PATH (/dev/fd/FD). A #! script
  // gets it as its argument, and comm is its last part.
  const int64_t guest_dirfd = static_cast<int>(dirfd);
  std::string guest_name = guest_dirfd == AT_FDCWD || (!at.guest.empty() && at.guest[0] == '/')
                               ? at.guest
                               : "/dev/fd/" + std::to_string(guest_dirfd) + (at.guest.empty() ? "" : "/" + at.guest);
  LoadedProgram img;
  StackLayout stack;
  uint64_t trampoline = 0;
  std::string err;
  std::unique_ptr<AddressSpace> as =
      Process::load_image(p.as().limit(), host, guest_name, &argv, envp, p.sysroot(), &img, &stack,
                          &trampoline, &err, p.root(), Process::thread_of(ctx.vcpu).cred);
  if (!as) {
    if (p.log().enabled(kLog_guest_errors) || p.log().enabled(kLog_strace))
      p.log().printf("hart: execve: %s\n", err.c_str());
    return -img.failure_errno;
  }
  // A script named through a close-on-exec fd (fexecve's usual case) could
  // not open /dev/fd/FD[/PATH] once the exec has closed it: Linux refuses
  // with ENOENT.
  const bool fd_named = guest_dirfd != AT_FDCWD && (at.guest.empty() || at.guest[0] != '/');
  if (img.script && fd_named && p.fds().get_cloexec(static_cast<int>(dirfd)) == 1) return -ENOENT;
  char real[PATH_MAX];
  std::string exe = realpath(img.exe_host_path.c_str(), real) ? real : img.exe_host_path;
  std::string base = guest_name.substr(guest_name.rfind('/') + 1);
  p.exec_replace(Process::thread_of(ctx.vcpu), std::move(as), img, stack, trampoline,
                 std::move(argv), std::move(envp), exe, base);
  Credentials cred = Process::thread_of(ctx.vcpu).cred;
  cred_exec(&cred);  // creds.h: capabilities recomputed, saved ids = effective
  p.dumpable.store(1);  // SUID_DUMP_USER (set_creds makes it 0 if the ids changed)
  if (p.mdwe.load() & kPrMdweNoInherit) p.mdwe.store(0);  // mmf_init_flags()
  p.set_creds(Process::thread_of(ctx.vcpu), std::move(cred));
  if (p.debug.load(std::memory_order_relaxed))
    debug_exec(p, Process::thread_of(ctx.vcpu), guest_name);  // gdb: exec stop, breakpoints dropped
  delete_posix_timers(p);  // sys_time.cpp: exec deletes the process's POSIX timers
  aio_drop_contexts(p);    // sys_aio.cpp: and its AIO contexts
  return 0;
}

}  // namespace

int64_t sys_execve(SyscallCtx& ctx) {
  return do_execve(ctx, AT_FDCWD, ctx.a[0], ctx.a[1], ctx.a[2], 0);
}

int64_t sys_execveat(SyscallCtx& ctx) {
  return do_execve(ctx, static_cast<int>(ctx.a[0]), ctx.a[1], ctx.a[2], ctx.a[3],
                   static_cast<int>(ctx.a[4]));
}

// ---- wait ---------------------------------------------------------------------------

namespace {

constexpr int kWNoHang = 1, kWUntraced = 2, kWExited = 4, kWContinued = 8,
              kWNoWait = 0x01000000, kWNoThread = 0x20000000, kWAll = 0x40000000,
              kWClone = static_cast<int>(0x80000000u);

// Waits for a child matching which (-1 = any) and group (0 = any) with a
// state change in what (Process::kWait*). 0 with *m filled, 0 with m->pid
// == 0 (WNOHANG, none ready), or a negative error / restart code.
int64_t wait_for_child(SyscallCtx& ctx, int which, int group, unsigned what, int options,
                       Process::ChildMatch* m) {
  Process& p = ctx.proc;
  Thread& self = Process::thread_of(ctx.vcpu);
  std::unique_lock<std::mutex> lock(p.mutex());
  for (;;) {
    int r = p.reap_child(which, group, what, (options & kWNoWait) != 0, m);
    if (r != 0) return r < 0 ? r : 0;
    m->pid = 0;
    if (options & kWNoHang) return 0;
    if (p.should_stop(self)) return -EINTR;
    if (has_deliverable(p, self.sig)) return kERESTARTSYS;
    p.signal_cv().wait(lock);
  }
}

}  // namespace

int64_t sys_wait4(SyscallCtx& ctx) {
  int pid = static_cast<int>(ctx.a[0]);
  int options = static_cast<int>(ctx.a[2]);
  if (options & ~(kWNoHang | kWUntraced | kWContinued | kWNoThread | kWAll | kWClone))
    return -EINVAL;
  if (pid == INT32_MIN) return -ESRCH;
  // pid > 0: that child; -1: any; 0: any in the caller's group; < -1: any in group -pid.
  int which = pid > 0 ? pid : -1;
  int group = pid == 0 ? ctx.proc.group_id() : pid < -1 ? -pid : 0;
  unsigned what = Process::kWaitExited | ((options & kWUntraced) ? Process::kWaitStopped : 0u) |
                  ((options & kWContinued) ? Process::kWaitContinued : 0u);
  Process::ChildMatch m;
  int64_t r = wait_for_child(ctx, which, group, what, options, &m);
  if (r < 0) return r;
  if (!m.pid) return 0;
  if (ctx.a[1]) {
    int32_t status = m.status;
    if (!ctx.proc.as().write(ctx.a[1], &status, 4)) return -EFAULT;
  }
  if (ctx.a[3]) {
    uint8_t ru[144] = {};
    if (!ctx.proc.as().write(ctx.a[3], ru, sizeof ru)) return -EFAULT;
  }
  return m.pid;
}

int64_t sys_waitid(SyscallCtx& ctx) {
  int idtype = static_cast<int>(ctx.a[0]);
  int id = static_cast<int>(ctx.a[1]);
  int options = static_cast<int>(ctx.a[3]);
  if (options & ~(kWNoHang | kWNoWait | kWExited | kWUntraced | kWContinued | kWNoThread |
                  kWAll | kWClone))
    return -EINVAL;
  if (!(options & (kWExited | kWUntraced | kWContinued))) return -EINVAL;
  int which = -1, group = 0;
  bool pidfd_nonblock = false;
  switch (idtype) {
    case P_ALL:
      break;
    case P_PID:
      if (id <= 0) return -EINVAL;
      which = id;
      break;
    case P_PGID:
      if (id < 0) return -EINVAL;
      group = id ? id : ctx.proc.group_id();  // 0: the caller's group (Linux 5.4+)
      break;
    case P_PIDFD: {  // a nonblocking pidfd makes it WNOHANG, EAGAIN when nothing is ready
      if (id < 0) return -EINVAL;
      bool nonblock = false;
      which = pidfd_pid(ctx.proc, id, &nonblock);
      if (which < 0) return which;
      if (nonblock) pidfd_nonblock = true;
      break;
    }
    default:
      return -EINVAL;
  }
  if (pidfd_nonblock) options |= kWNoHang;
  unsigned what = ((options & kWExited) ? Process::kWaitExited : 0u) |
                  ((options & kWUntraced) ? Process::kWaitStopped : 0u) |
                  ((options & kWContinued) ? Process::kWaitContinued : 0u);
  Process::ChildMatch m;
  int64_t r = wait_for_child(ctx, which, group, what, options, &m);
  if (r < 0) return r;
  if (pidfd_nonblock && !m.pid && !(ctx.a[3] & kWNoHang)) return -EAGAIN;
  if (ctx.a[2]) {
    GuestSiginfo info{};
    if (m.pid) {
      info.si_signo = SIGCHLD;
      info.si_code = m.code;
      info.f.chld.pid = m.pid;
      info.f.chld.uid = m.uid;
      info.f.chld.status = m.child_status;
    }
    if (!ctx.proc.as().write(ctx.a[2], &info, sizeof info)) return -EFAULT;
  }
  if (ctx.a[4]) {
    uint8_t ru[144] = {};
    if (!ctx.proc.as().write(ctx.a[4], ru, sizeof ru)) return -EFAULT;
  }
  return 0;
}

}  // namespace hart::linux
