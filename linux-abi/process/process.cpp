// linux-abi/process/process.cpp — guest process object: creation, threads, the
// process tree and pid table, fork/exec state changes, exit and zombie
// state. See process.h (lock order there).
#include "linux-abi/process/process.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <limits.h>
#include <sched.h>
#include <linux/futex.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <utility>

#include "linux-abi/process/core_dump.h"
#include "linux-abi/process/host_thread.h"
#include "linux-abi/process/itimer.h"
#include "linux-abi/syscalls/safe_syscall.h"
#include "linux-abi/syscalls/sys_ipc.h"
#include "linux-abi/process/vpid.h"

namespace hart::linux {

namespace {

// The tree lock: parent/children links, zombie flags and the pid table.
std::mutex g_tree_mutex;
std::map<int, std::weak_ptr<Process>>& pid_table() {
  static std::map<int, std::weak_ptr<Process>> t;
  return t;
}

// Host threads running guest threads (run_thread), so that the last one can
// be waited for before the executor goes away.
std::mutex g_threads_mutex;
std::condition_variable g_threads_cv;
int g_live_threads = 0;

void init_rlimits(GuestRlimit* rl) {
  for (int r = 0; r < 16; ++r) {
    struct rlimit h;
    if (getrlimit(static_cast<__rlimit_resource>(r), &h) == 0)
      rl[r] = {h.rlim_cur, h.rlim_max};
    else
      rl[r] = {RLIM_INFINITY, RLIM_INFINITY};
  }
  rl[RLIMIT_STACK] = {kStackSize, RLIM_INFINITY};
  guest_nofile_limits(&rl[RLIMIT_NOFILE].rlim_cur, &rl[RLIMIT_NOFILE].rlim_max);
}

void attach_cache(AddressSpace& as, TbCache* cache) {
  as.set_change_listener([cache](uint64_t start, uint64_t end) { cache->invalidate(start, end); });
}

// Loads path into as and builds the exec-time stack.
bool load_into(AddressSpace& as, const std::string& path, const std::string& execfn,
               std::vector<std::string>* argv, const std::vector<std::string>& envp,
               const std::string& sysroot, LoadedProgram* img, StackLayout* stack,
               uint64_t* trampoline, std::string* error, const RootFs* root,
               const Credentials& cred) {
  if (argv->empty()) argv->push_back(execfn);
  if (!load_program(as, path, sysroot, argv, img, error, root, execfn)) return false;
  *trampoline = map_sigreturn_trampoline(as, error);
  if (!*trampoline) return false;
  StackParams sp;
  sp.uid = cred.ruid;  // AT_UID...AT_EGID: the ids after exec (creds.h)
  sp.euid = cred.euid;
  sp.gid = cred.rgid;
  sp.egid = cred.egid;
  sp.hwcap = kHwcap;
  sp.execfn = execfn;
  if (getrandom(sp.random, sizeof sp.random, 0) != sizeof sp.random)
    for (auto& b : sp.random) b = static_cast<uint8_t>(rand());
  return setup_initial_stack(as, *img, *argv, envp, sp, stack, error);
}

uint64_t thread_cpu_ns(clockid_t clk) {
  struct timespec ts;
  if (clock_gettime(clk, &ts) != 0) return 0;
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

std::string real_path_of(const std::string& p) {
  char real[PATH_MAX];
  return realpath(p.c_str(), real) ? std::string(real) : p;
}

}  // namespace

// ---- creation ------------------------------------------------------------------

// ---- launch tree ------------------------------------------------------------------

namespace {
std::atomic<int> g_max_processes{0}, g_max_threads{0};
std::atomic<int> g_live_processes{0};

// One more in *count unless it would pass max (0 = none).
bool add_below(std::atomic<int>& count, int max) {
  int n = count.load();
  do {
    if (max > 0 && n >= max) return false;
  } while (!count.compare_exchange_weak(n, n + 1));
  return true;
}
}  // namespace

void set_daemon_limits(int max_processes, int max_threads) {
  g_max_processes.store(max_processes);
  g_max_threads.store(max_threads);
}
int daemon_max_processes() { return g_max_processes.load(); }
int daemon_max_threads() { return g_max_threads.load(); }
int live_processes() { return g_live_processes.load(); }

int live_threads() {
  std::lock_guard<std::mutex> lock(g_threads_mutex);
  return g_live_threads;
}

int launch_share(int daemon_max) { return daemon_max <= 0 ? 0 : std::max(1, daemon_max / 4); }

bool thread_room(const ProcessTree* tree) {
  int max = g_max_threads.load();
  if (max <= 0) return true;
  if (tree && tree->threads.load() >= launch_share(max)) return false;
  return live_threads() < max;
}

const cpu_set_t& hartd_cpus() {
  static const cpu_set_t set = [] {
    cpu_set_t s;
    CPU_ZERO(&s);
    sched_getaffinity(0, sizeof s, &s);
    return s;
  }();
  return set;
}

bool ProcessTree::try_add_process(const char** which) {
  const char* dummy;
  if (!which) which = &dummy;
  if (dying.load()) {
    *which = "dying";
    return false;
  }
  if (!add_below(processes, max_processes)) {
    *which = "processes";
    return false;
  }
  if (!add_below(g_live_processes, g_max_processes.load())) {
    processes.fetch_sub(1);
    *which = "max_processes";
    return false;
  }
  return true;
}

void Process::uncount_live() {
  if (!counted_live_) return;
  counted_live_ = false;
  tree_->processes.fetch_sub(1);
  g_live_processes.fetch_sub(1);
}

void ProcessTree::wait_idle() {
  std::unique_lock<std::mutex> lock(mutex);
  idle_cv.wait(lock, [&] { return threads.load() == 0; });
}

namespace {
std::mutex g_release_mutex;
std::string g_release;  // set_kernel_release's value ("" = the environment's or the default)
}  // namespace

std::string kernel_release() {
  std::lock_guard<std::mutex> lock(g_release_mutex);
  if (!g_release.empty()) return g_release;
  for (const char* var : {"HART_UNAME_RELEASE", "QEMU_UNAME"})
    if (const char* v = getenv(var); v && *v) return v;
  return "6.12.0";
}

void set_kernel_release(const std::string& release) {
  std::lock_guard<std::mutex> lock(g_release_mutex);
  g_release = release;
}

ProcessTree::Uts ProcessTree::default_uts() {
  struct utsname host;
  uname(&host);
  return Uts{host.nodename, host.domainname, kernel_release()};
}

std::shared_ptr<Process> Process::create(Executor& exec, GuestLog& log, std::string* error,
                                         std::shared_ptr<ProcessTree> tree, uint64_t va_size) {
  std::shared_ptr<Process> p(new Process(exec, log));
  p->creds_ = host_credentials();  // a launch starts as hartd
  p->ruid_.store(p->creds_.ruid);
  // ... and with its nice value and scheduling policy, as a child would.
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, 0);
  if (errno == 0) p->nice.store(nice);
  struct sched_param sp {};
  int policy = sched_getscheduler(0);
  if (policy >= 0 && sched_getparam(0, &sp) == 0) {
    p->sched_policy.store(policy & ~SCHED_RESET_ON_FORK);
    p->sched_priority.store(sp.sched_priority);
  }
  p->as_ = AddressSpace::create(va_size, error);
  if (!p->as_) return nullptr;
  p->tree_ = tree ? std::move(tree) : std::make_shared<ProcessTree>();
  p->tree_->processes.fetch_add(1);  // hartd checks the daemon's limit before launching
  g_live_processes.fetch_add(1);
  p->counted_live_ = true;
  p->launched_ = true;  // its parent is the launcher (not a guest)
  p->tb_cache_ = std::make_shared<TbCache>(exec);
  attach_cache(*p->as_, p->tb_cache_.get());
  int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cwd < 0) cwd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  p->cwd_ = std::make_shared<HostFd>(cwd);
  p->pid_ = allocate_process_vpid();
  p->claimed_pid_ = true;
  p->fds_.set_lock_owner(p->pid_);
  p->fds_.set_charge(p->tree_->host_fds);
  p->fds_.init_stdio();
  init_rlimits(p->rlimits);
  p->fds().set_limit(static_cast<int>(std::min<uint64_t>(p->rlimits[RLIMIT_NOFILE].rlim_cur, INT_MAX)));
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  pid_table()[p->pid_] = p;
  p->tree_->pids[p->pid_] = p;
  return p;
}

Process::~Process() {
  uncount_live();  // never became a zombie (a launch that failed to load)
  for (auto& t : itimers) t.reset();
  // Threads reference the address space and cache: drop them first.
  threads_.clear();
  if (as_ && as_.use_count() == 1) as_->set_change_listener(nullptr);
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  auto it = pid_table().find(pid_);
  if (it != pid_table().end() && it->second.expired()) pid_table().erase(it);
  if (tree_) {
    auto m = tree_->pids.find(pid_);
    if (m != tree_->pids.end() && m->second.expired()) tree_->pids.erase(m);
  }
  if (claimed_pid_) release_process_vpid(pid_);
}

bool Process::exec(const std::string& path, std::vector<std::string> argv,
                   std::vector<std::string> envp, const std::string& sysroot,
                   const VcpuOptions& vopts, std::string* error) {
  // Canonical, so host paths the kernel gives back (fd links, getcwd) are
  // recognised as inside it.
  char real[PATH_MAX];
  sysroot_ = !sysroot.empty() && realpath(sysroot.c_str(), real) ? std::string(real) : sysroot;
  vopts_ = vopts;
  std::string host = path;
  std::shared_ptr<HostFd> held;
  if (root_) {  // the program is a guest path inside the root
    std::string guest = path;
    if (guest.empty() || guest[0] != '/') guest = guest_path_of_fd(*this, cwd_->fd()) + "/" + path;
    int fd = root_->open(guest, O_PATH);
    if (fd < 0) {
      *error = path + ": " + strerror(-fd) + " (in the root " + root_->host_path() + ")";
      return false;
    }
    held = std::make_shared<HostFd>(fd);
    host = "/proc/self/fd/" + std::to_string(fd);
  }
  if (!load_into(*as_, host, path, &argv, envp, sysroot_, &image_, &stack_,
                 &sigreturn_trampoline, error, root_.get(), creds_))
    return false;
  exe_path_ = real_path_of(image_.exe_host_path);
  argv_ = argv;
  envp_ = envp;
  std::string base = path.substr(path.rfind('/') + 1);
  snprintf(comm, sizeof comm, "%s", base.c_str());
  // The heap starts empty right after the program image.
  brk_start = brk_cur = brk_mapped = image_.brk_start;

  std::lock_guard<std::mutex> lock(mutex_);
  Thread& t = new_thread_locked(pid_);
  t.vcpu->state.pc = image_.entry();
  t.vcpu->state.x[2] = stack_.sp;
  return true;
}

std::unique_ptr<AddressSpace> Process::load_image(uint64_t va_size, const std::string& path,
                                                  const std::string& execfn,
                                                  std::vector<std::string>* argv,
                                                  const std::vector<std::string>& envp,
                                                  const std::string& sysroot, LoadedProgram* img,
                                                  StackLayout* stack, uint64_t* trampoline,
                                                  std::string* error, const RootFs* root,
                                                  const Credentials& cred) {
  std::unique_ptr<AddressSpace> as = AddressSpace::create(va_size, error);
  if (!as) return nullptr;
  if (!load_into(*as, path, execfn, argv, envp, sysroot, img, stack, trampoline, error, root, cred))
    return nullptr;
  return as;
}

// ---- threads -----------------------------------------------------------------------

Thread& Process::new_thread_locked(int tid) {
  auto t = std::make_unique<Thread>();
  t->vcpu = std::make_unique<Vcpu>(*as_, *tb_cache_, exec_, log_);
  t->vcpu->user = t.get();
  t->vcpu->options = vopts_;
  t->tid = tid;
  t->cred = creds_;
  memcpy(t->comm, comm, sizeof comm);
  threads_.push_back(std::move(t));
  return *threads_.back();
}

void Process::set_creds(Thread& t, Credentials c) {
  std::lock_guard<std::mutex> lock(mutex_);
  // As Linux's commit_creds: new effective or fs ids, or permitted
  // capabilities gained, make the process undumpable and drop its
  // parent-death signal.
  const Credentials& old = t.cred;
  if (old.euid != c.euid || old.egid != c.egid || old.fsuid != c.fsuid || old.fsgid != c.fsgid ||
      (c.cap_prm & ~old.cap_prm)) {
    dumpable.store(0);
    pdeath_signal.store(0);
  }
  ruid_.store(c.ruid, std::memory_order_relaxed);
  creds_ = c;
  t.cred = std::move(c);
}

std::string Process::thread_comm(int tid) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& t : threads_)
    if (t->tid == tid) return std::string(t->comm, strnlen(t->comm, sizeof t->comm));
  return tid == pid_ ? std::string(comm, strnlen(comm, sizeof comm)) : std::string();
}

bool Process::set_thread_comm(int tid, const std::string& name) {
  char buf[16] = {};
  memcpy(buf, name.data(), std::min(name.size(), sizeof buf - 1));
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& t : threads_)
    if (t->tid == tid) {
      memcpy(t->comm, buf, sizeof buf);
      if (tid == pid_) memcpy(comm, buf, sizeof buf);
      return true;
    }
  return false;
}

bool Process::has_thread(const Vcpu* v) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& t : threads_)
    if (t->vcpu.get() == v) return true;
  return false;
}

Credentials Process::creds() {
  std::lock_guard<std::mutex> lock(mutex_);
  return creds_;
}

namespace {
void copy_registers(CpuState& to, const CpuState& from) {
  memcpy(to.x, from.x, sizeof to.x);
  memcpy(to.f, from.f, sizeof to.f);
  to.pc = from.pc;
  to.fflags = from.fflags;
  to.frm = from.frm;
  // V: registers, CSRs and whether the thread has used V (fork and clone copy them)
  memcpy(to.v, from.v, sizeof to.v);
  to.vl = from.vl;
  to.vtype = from.vtype;
  to.vstart = from.vstart;
  to.vxrm = from.vxrm;
  to.vxsat = from.vxsat;
  to.vs = from.vs;
  to.v_disabled = from.v_disabled;
  to.pmlen = from.pmlen;  // Supm: envcfg.PMM is copied with the thread
}
}  // namespace

Thread& Process::add_thread_copy(const Vcpu& from) {
  int tid = allocate_thread_vpid();
  std::lock_guard<std::mutex> lock(mutex_);
  Thread& t = new_thread_locked(tid);
  copy_registers(t.vcpu->state, from.state);
  t.sig.blocked = thread_of(from).sig.blocked;
  t.cred = thread_of(from).cred;
  memcpy(t.comm, thread_of(from).comm, sizeof t.comm);
  t.affinity = thread_of(from).affinity;
  t.inherit_timer_slack(thread_of(from));
  t.v_ctrl = thread_of(from).v_ctrl;
  t.tagged_pmlen = thread_of(from).tagged_pmlen;
  t.ioprio.store(thread_of(from).ioprio.load());
  pmlen_locked.store(true);  // Supm: every thread of the memory agrees (copy_thread)
  return t;
}

int Process::start_thread(Thread& t) {
  install_kick_handler();
  {
    std::lock_guard<std::mutex> lock(g_threads_mutex);
    ++g_live_threads;
  }
  tree_->threads.fetch_add(1);
  std::lock_guard<std::mutex> lock(mutex_);
  pthread_t th;
  int e = start_host_thread(
      kVcpuStackBytes,
      // run_thread drops the last reference itself (before run_thread_done).
      [self = shared_from_this(), &t, id = current_host_identity()]() mutable {
        init_vcpu_host_thread(id);  // creds.h: what the new host thread inherited
        t.host_tid.store(static_cast<int>(syscall(SYS_gettid)), std::memory_order_relaxed);
        run_thread(std::move(self), &t);
      },
      &th);
  if (e) {
    tree_->threads.fetch_sub(1);
    std::lock_guard<std::mutex> tl(g_threads_mutex);
    if (--g_live_threads == 0) g_threads_cv.notify_all();
    return e;
  }
  ever_started_ = true;
  t.host = th;
  t.running = true;
  if (!CPU_EQUAL(&t.affinity, &hartd_cpus())) pthread_setaffinity_np(th, sizeof t.affinity, &t.affinity);
  return 0;
}

bool Process::ended_leader_affinity(int tid, cpu_set_t* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (tid != pid_ || !leader_ended_) return false;
  *out = leader_affinity_;
  return true;
}

bool Process::set_ended_leader_affinity(int tid, const cpu_set_t& mask) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (tid != pid_ || !leader_ended_) return false;
  leader_affinity_ = mask;
  return true;
}

std::unique_ptr<Thread> Process::take_thread_locked(Thread& t) {
  for (auto it = threads_.begin(); it != threads_.end(); ++it)
    if (it->get() == &t) {
      std::unique_ptr<Thread> gone = std::move(*it);
      if (gone->tid == pid_) {
        leader_ended_ = true;
        leader_affinity_ = gone->affinity;
      }
      threads_.erase(it);
      return gone;
    }
  return nullptr;
}

void Process::discard_thread(Thread& t) {
  std::unique_ptr<Thread> gone;
  bool last;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    gone = take_thread_locked(t);
    last = threads_.empty();
  }
  gone.reset();
  if (!last) return;
  set_exiting(true, SIGKILL);
  become_zombie();
}

void run_thread_done(ProcessTree& tree) {
  {
    std::lock_guard<std::mutex> lock(tree.mutex);
    if (tree.threads.fetch_sub(1) == 1) tree.idle_cv.notify_all();
  }
  std::lock_guard<std::mutex> lock(g_threads_mutex);
  if (--g_live_threads == 0) g_threads_cv.notify_all();
}

void wait_all_guest_threads() {
  std::unique_lock<std::mutex> lock(g_threads_mutex);
  g_threads_cv.wait(lock, [] { return g_live_threads == 0; });
}

void Process::kick_locked(Thread& t) {
  t.vcpu->state.exit_request.store(1, std::memory_order_release);
  if (t.running && !pthread_equal(t.host, pthread_self())) kick_host_thread(t.host);
}

Vcpu* Process::thread_by_tid(int tid) {
  for (auto& t : threads_)
    if (t->tid == tid) return t->vcpu.get();
  return nullptr;
}

namespace {

constexpr uint32_t kFutexTidMask = 0x3fffffff;
constexpr uint32_t kFutexOwnerDied = 0x40000000;
constexpr uint32_t kFutexWaiters = 0x80000000;

void futex_wake_host(uint32_t* host, int n) {
  syscall(SYS_futex, host, FUTEX_WAKE, n, nullptr, nullptr, 0);
}

// Linux's handle_futex_death(): the dead owner's lock gets OWNER_DIED and
// one waiter is woken.
// Guest words are changed under AddressSpace::guarded: the guest may unmap them meanwhile
// or point them past the end of a mapped file.
struct OwnerDied {
  uint32_t* word;
  int tid;
  bool wake = false;
};
void owner_died_on(void* arg) {
  auto* o = static_cast<OwnerDied*>(arg);
  uint32_t val = __atomic_load_n(o->word, __ATOMIC_SEQ_CST);
  for (;;) {
    if ((val & kFutexTidMask) != static_cast<uint32_t>(o->tid)) return;
    uint32_t nv = (val & kFutexWaiters) | kFutexOwnerDied;
    if (__atomic_compare_exchange_n(o->word, &val, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
      break;
  }
  o->wake = val & kFutexWaiters;
}

void futex_owner_died(AddressSpace& as, uint64_t uaddr, int tid) {
  if ((uaddr & 3) || !as.check(uaddr, 4, PROT_READ | PROT_WRITE)) return;
  OwnerDied o{reinterpret_cast<uint32_t*>(as.base() + uaddr), tid};
  if (as.guarded(owner_died_on, &o) && o.wake) futex_wake_host(o.word, 1);
}

void clear_tid_on(void* word) { __atomic_store_n(static_cast<uint32_t*>(word), 0, __ATOMIC_SEQ_CST); }

// Linux's exit_robust_list(): struct robust_list_head { next; long
// futex_offset; list_op_pending; } — entries are struct robust_list
// pointers, bit 0 marks PI futexes.
void walk_robust_list(AddressSpace& as, uint64_t head, int tid) {
  uint64_t h[3];
  if (!head || !as.read(head, h, sizeof h)) return;
  uint64_t entry = h[0] & ~uint64_t{1};
  int64_t offset = static_cast<int64_t>(h[1]);
  uint64_t pending = h[2] & ~uint64_t{1};
  for (int limit = 2048; entry != head && limit > 0; --limit) {
    uint64_t next;
    if (!as.read(entry, &next, 8)) return;
    if (entry != pending) futex_owner_died(as, entry + offset, tid);
    entry = next & ~uint64_t{1};
  }
  if (pending) futex_owner_died(as, pending + offset, tid);
}

}  // namespace

void Process::exit_effects(Thread& t, int guest_tid) {
  // CLONE_CHILD_CLEARTID: the joiner waits for this word to become 0.
  if (t.clear_child_tid && as_ && as_->check(t.clear_child_tid, 4, PROT_WRITE)) {
    auto* word = reinterpret_cast<uint32_t*>(as_->base() + t.clear_child_tid);
    if (as_->guarded(clear_tid_on, word)) futex_wake_host(word, 1);
  }
  if (t.robust_list && as_) walk_robust_list(*as_, t.robust_list, guest_tid ? guest_tid : t.tid);
  t.clear_child_tid = 0;
  t.robust_list = 0;
}

void Process::thread_exited(Thread& t) {
  exit_effects(t);
  std::unique_ptr<Thread> gone;
  bool last;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    gone = take_thread_locked(t);
    t.running = false;
    // The exiting thread itself runs this: its CPU time is final.
    uint64_t ns = thread_cpu_ns(CLOCK_THREAD_CPUTIME_ID);
    ended_cpu_ns_ += ns;
    tree_->ended_cpu_ns.fetch_add(ns);
    last = threads_.empty();
    if (last && !exited_.load()) exit_code_ = t.exit_code & 0xff;
    signal_cv_.notify_all();
  }
  gone.reset();
  if (last) {
    become_zombie();
    return;
  }
  if (exited()) return;  // the whole group goes: become_zombie signals them once
  // As Linux's forget_original_parent() for a thread that leaves a living
  // group: the children it forked pass to another thread of this process,
  // and those that asked for it get their parent-death signal.
  std::vector<std::shared_ptr<Process>> pdeath;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::lock_guard<std::mutex> tl(g_tree_mutex);
    int heir = threads_.empty() ? 0 : threads_.front()->tid;
    for (auto& c : children_) {
      if (c->parent_tid_ != t.tid) continue;
      c->parent_tid_ = heir;
      if (!c->zombie_ && c->pdeath_signal.load()) pdeath.push_back(c);
    }
  }
  send_pdeath_signals(pdeath);
}

void Process::send_pdeath_signals(const std::vector<std::shared_ptr<Process>>& children) {
  // From this process (Linux: SEND_SIG_NOINFO, SI_USER with the tgid).
  if (children.empty()) return;
  uint32_t uid = creds().ruid;
  for (auto& c : children) {
    GuestSiginfo info{};
    info.si_signo = c->pdeath_signal.load();
    if (!info.si_signo) continue;
    info.si_code = 0;  // SI_USER
    info.f.kill.pid = pid_;
    info.f.kill.uid = uid;
    send_signal(*c, nullptr, info, nullptr);
  }
}

// ---- exit --------------------------------------------------------------------------

void Process::set_exiting(bool signaled, int v, Thread* dumper, const GuestSiginfo* info) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (exited_.load()) return;
  signaled_ = signaled;
  if (signaled)
    exit_signal_ = v;
  else
    exit_code_ = v & 0xff;
  if (signaled && dumper && info && signal_default_action(v) == SigDefault::Core &&
      rlimits[RLIMIT_CORE].rlim_cur != 0) {
    core_.pending = true;
    core_.sig = v;
    core_.dumper_tid = dumper->tid;
    core_.info = *info;
  }
  exited_.store(true, std::memory_order_release);
  for (auto& t : threads_) kick_locked(*t);
  signal_cv_.notify_all();
}

void Process::exit_with_status(int code) { set_exiting(false, code); }
void Process::exit_with_signal(int sig, Thread* dumper, const GuestSiginfo* info) {
  set_exiting(true, sig, dumper, info);
}

void Process::core_dump_rendezvous(Thread& t) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!core_.pending) return;
  if (t.tid != core_.dumper_tid) {
    // Parked with its registers as they were (Linux's coredump_wait).
    ++core_.parked;
    signal_cv_.notify_all();
    signal_cv_.wait_for(lock, std::chrono::minutes(10), [&] { return core_.done; });
    return;
  }
  // The dumping thread: once the others are parked (a thread that does not
  // come within 5 s is dumped as it is), write the file outside the lock.
  signal_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return core_.parked + 1 >= threads_.size(); });
  int sig = core_.sig;
  GuestSiginfo info = core_.info;
  lock.unlock();
  std::string note;
  bool ok = write_core_file(*this, t, sig, info, &note);
  if (log_.enabled(kLog_int) || log_.enabled(kLog_guest_errors))
    log_.printf("hart: guest %d: %s%s\n", pid_, ok ? "core dumped to " : "no core dump: ", note.c_str());
  core_written_.store(ok, std::memory_order_release);
  lock.lock();
  core_.pending = false;
  core_.done = true;
  signal_cv_.notify_all();
}

int Process::wait_status() const {
  if (signaled_) return exit_signal_ | (dumped_core() ? 0x80 : 0);
  return (exit_code_ & 0xff) << 8;
}

void Process::release_vfork_parent() {
  std::shared_ptr<Process> parent = std::move(vfork_parent_);
  vfork_parent_.reset();
  if (!parent) return;
  vfork_released_.store(true, std::memory_order_release);
  std::lock_guard<std::mutex> lock(parent->mutex_);
  parent->signal_cv_.notify_all();
}

void Process::become_zombie() {
  // Release what a zombie does not need: fds, the timer, memory.
  std::unique_ptr<ITimer> timers[4];
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int i = 0; i < 4; ++i) timers[i] = std::move(itimers[i]);
  }
  for (auto& t : timers) t.reset();
  fds_.close_all();
  release_vfork_parent();
  std::shared_ptr<AddressSpace> as;
  std::shared_ptr<TbCache> cache;
  {
    // Under mutex_ so that info() from another thread sees either.
    std::lock_guard<std::mutex> lock(mutex_);
    as = std::move(as_);
    cache = std::move(tb_cache_);
  }
  if (cache && cache.use_count() == 1) {
    TbCache::Stats st = cache->stats();
    tree_->ended_translated.fetch_add(st.translated);
    tree_->ended_reused.fetch_add(st.reused);
    tree_->ended_invalidated.fetch_add(st.invalidated);
    tree_->ended_translate_ns.fetch_add(st.translate_ns);
    tree_->ended_budget_flushes.fetch_add(st.budget_flushes);
  }
  if (as.use_count() == 1) as->set_change_listener(nullptr);
  as.reset();
  ipc_process_exit(*this);  // SEM_UNDO, shm segments detached by the exit
  uncount_live();

  // As Linux's exit_notify(): the parent's SIGCHLD is queued before the
  // zombie becomes visible to wait4, both under the parent's mutex.
  std::shared_ptr<Process> parent;
  {
    std::lock_guard<std::mutex> lock(g_tree_mutex);
    parent = parent_.lock();
  }
  std::vector<std::shared_ptr<Process>> orphans;
  std::vector<std::shared_ptr<Process>> pdeath;  // orphans that asked for a signal (PR_SET_PDEATHSIG)
  std::shared_ptr<Process> self;  // our entry in the parent's list, when autoreaped
  std::vector<std::shared_ptr<Process>> walked;  // ancestors passed over looking for a reaper
  auto mark_zombie = [&] {        // tree lock held
    zombie_ = true;
    for (auto& w : exit_watch_)  // pidfds become readable
      if (std::shared_ptr<HostFd> f = w.lock()) eventfd_write(f->fd(), 1);
    exit_watch_.clear();
    orphans.swap(children_);
    for (auto& c : orphans)
      if (!c->zombie_ && c->pdeath_signal.load()) pdeath.push_back(c);
    // Orphans go to the nearest living ancestor that is a child subreaper
    // (prctl PR_SET_CHILD_SUBREAPER), else to nobody (init).
    std::shared_ptr<Process> reaper = parent;
    while (reaper && (reaper->zombie_ || reaper->exited() || !reaper->child_subreaper.load())) {
      walked.push_back(reaper);  // (released after the tree lock: ~Process takes it)
      reaper = reaper->parent_.lock();
    }
    if (reaper) walked.push_back(reaper);
    for (auto& c : orphans) {
      c->parent_ = reaper;
      if (reaper) reaper->children_.push_back(c);
    }
    if (reaper) {
      reaper->signal_cv_.notify_all();
      orphans.clear();
    }
    {
      std::lock_guard<std::mutex> zl(zombie_wait_mutex_);
      zombie_waitable_ = true;
    }
    zombie_wait_cv_.notify_all();
  };
  if (parent) {
    std::lock_guard<std::mutex> lock(parent->mutex_);
    // Linux's do_notify_parent: a SIGCHLD death signal to a parent that
    // ignores SIGCHLD or set SA_NOCLDWAIT reaps the child at once; the
    // signal is still sent under SA_NOCLDWAIT (its handler runs), not when
    // ignored.
    const GuestSigaction& act = parent->signals.action[SIGCHLD];
    int sig = death_signal;
    bool autoreap = false;
    if (sig == SIGCHLD && (act.handler == kSigIgn || (act.flags & kSA_NOCLDWAIT))) {
      autoreap = true;
      if (act.handler == kSigIgn) sig = 0;
    }
    if (sig > 0) {
      GuestSiginfo info{};
      info.si_signo = sig;
      info.si_code = signaled_ ? (dumped_core() ? kCLD_DUMPED : kCLD_KILLED) : kCLD_EXITED;
      info.f.chld.pid = pid_;
      info.f.chld.uid = creds_.ruid;  // no thread left to change it
      info.f.chld.status = signaled_ ? exit_signal_ : exit_code_;
      send_signal_locked(*parent, nullptr, info, nullptr);
    }
    std::lock_guard<std::mutex> tl(g_tree_mutex);
    mark_zombie();
    if (autoreap) {
      auto& ch = parent->children_;
      for (auto it = ch.begin(); it != ch.end(); ++it)
        if (it->get() == this) {
          reaped_.store(true, std::memory_order_release);
          self = std::move(*it);
          ch.erase(it);
          break;
        }
    }
    parent->signal_cv_.notify_all();  // wait4 sleepers
  } else {
    std::lock_guard<std::mutex> tl(g_tree_mutex);
    mark_zombie();
  }
  orphans.clear();  // zombies among them go now; live ones are reaped by nobody
  // Each orphan that asked for it gets its parent-death signal, from the
  // parent (Linux's forget_original_parent).
  send_pdeath_signals(pdeath);
  // The translations go last: freeing tens of thousands of blocks need not
  // delay the parent's wait (or the launcher's exit event).
  cache.reset();
  // `self` may not be the last reference: run_thread still holds one.
}

void Process::watch_exit(const std::shared_ptr<HostFd>& pidfd) {
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  if (zombie_) {
    eventfd_write(pidfd->fd(), 1);
    return;
  }
  std::erase_if(exit_watch_, [](const std::weak_ptr<HostFd>& w) { return w.expired(); });
  exit_watch_.push_back(pidfd);
}

bool Process::zombie() const {
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  return zombie_;
}

void Process::wait_until_zombie() {
  std::unique_lock<std::mutex> lock(zombie_wait_mutex_);
  zombie_wait_cv_.wait(lock, [&] { return zombie_waitable_; });
}

bool Process::wait_until_zombie_for(std::chrono::milliseconds limit) {
  std::unique_lock<std::mutex> lock(zombie_wait_mutex_);
  zombie_wait_cv_.wait_for(lock, limit, [&] { return zombie_waitable_ || zombie_nudged_; });
  zombie_nudged_ = false;
  return zombie_waitable_;
}

void Process::nudge_zombie_waiters() {
  {
    std::lock_guard<std::mutex> lock(zombie_wait_mutex_);
    zombie_nudged_ = true;
  }
  zombie_wait_cv_.notify_all();
}

int Process::ppid() const {
  std::shared_ptr<Process> p;  // (released after the tree lock: ~Process takes it)
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  p = parent_.lock();
  return p ? p->pid_ : kGuestPpid;
}

int Process::reap_child(int which, int group, unsigned what, bool keep, ChildMatch* out) {
  std::shared_ptr<Process> reaped;  // destroyed after the tree lock is released
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  bool any = false;
  for (auto it = children_.begin(); it != children_.end(); ++it) {
    Process& c = **it;
    if (which > 0 && c.pid_ != which) continue;
    if (group > 0 && c.group_id() != group) continue;
    any = true;
    if (c.zombie_) {
      if (!(what & kWaitExited)) continue;
      out->pid = c.pid_;
      out->uid = c.ruid_.load(std::memory_order_relaxed);
      out->status = c.wait_status();
      out->code = !c.signaled_ ? kCLD_EXITED : c.dumped_core() ? kCLD_DUMPED : kCLD_KILLED;
      out->child_status = c.signaled_ ? c.exit_signal_ : c.exit_code_ & 0xff;
      if (!keep) {
        c.reaped_.store(true, std::memory_order_release);
        reaped = std::move(*it);
        children_.erase(it);
      }
      return out->pid;
    }
    if ((what & kWaitStopped) && c.wait_stop_sig.load()) {
      int sig = keep ? c.wait_stop_sig.load() : c.wait_stop_sig.exchange(0);
      if (!sig) continue;
      out->pid = c.pid_;
      out->uid = c.ruid_.load(std::memory_order_relaxed);
      out->status = (sig << 8) | 0x7f;
      out->code = kCLD_STOPPED;
      out->child_status = sig;
      return out->pid;
    }
    if ((what & kWaitContinued) && c.wait_continued.load()) {
      if (!keep && !c.wait_continued.exchange(false)) continue;
      out->pid = c.pid_;
      out->uid = c.ruid_.load(std::memory_order_relaxed);
      out->status = 0xffff;
      out->code = kCLD_CONTINUED;
      out->child_status = SIGCONT;
      return out->pid;
    }
  }
  return any ? 0 : -ECHILD;
}

bool Process::group_orphaned() const {
  std::vector<std::shared_ptr<Process>> held;  // (released after the tree lock)
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  int group = group_id();
  for (auto& [pid, w] : tree_->pids) {  // (a group never spans launches)
    std::shared_ptr<Process> q = w.lock();
    if (q) held.push_back(q);
    if (!q || q->zombie_ || q->group_id() != group) continue;
    std::shared_ptr<Process> parent = q->parent_.lock();
    if (parent) held.push_back(parent);
    if (parent ? parent->group_id() != group && parent->sid == q->sid
               : q->launched_ && q->sid == kOutsideSession)
      return false;
  }
  return true;
}

void Process::notify_parent_stop(int code, int status) {
  std::shared_ptr<Process> parent;
  {
    std::lock_guard<std::mutex> lock(g_tree_mutex);
    parent = parent_.lock();
  }
  if (!parent) return;
  uint32_t uid = creds().ruid;
  std::lock_guard<std::mutex> lock(parent->mutex_);
  if (!(parent->signals.action[SIGCHLD].flags & kSA_NOCLDSTOP)) {
    GuestSiginfo info{};
    info.si_signo = SIGCHLD;
    info.si_code = code;
    info.f.chld.pid = pid_;
    info.f.chld.uid = uid;
    info.f.chld.status = status;
    send_signal_locked(*parent, nullptr, info, nullptr);
  }
  parent->signal_cv_.notify_all();  // wait4 sleepers
}

std::shared_ptr<Process> Process::find(int pid, const Process* viewer, bool zombies) {
  std::shared_ptr<Process> p;  // (released after the tree lock: ~Process takes it)
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  auto it = pid_table().find(pid);
  if (it == pid_table().end()) return nullptr;
  p = it->second.lock();
  // A reaped process may stay in the table a moment after its wait returned.
  if (p && p->zombie_ && (!zombies || p->reaped())) return nullptr;
  if (p && viewer && p->tree_ != viewer->tree_) return nullptr;
  return p;
}

std::shared_ptr<Process> Process::find_task(int tid, const Process* viewer, bool zombies) {
  if (std::shared_ptr<Process> p = find(tid, viewer, zombies)) return p;
  std::vector<std::shared_ptr<Process>> live, others;  // looked into outside the tree lock
  {
    std::lock_guard<std::mutex> lock(g_tree_mutex);
    // A viewer sees its own tree only: its table, not the daemon's.
    for (auto& [pid, w] : viewer ? viewer->tree_->pids : pid_table())
      if (auto p = w.lock()) (!p->zombie_ ? live : others).push_back(std::move(p));
  }
  for (auto& p : live)
    if (p->with_thread(tid, [](Thread&) {})) return p;
  return nullptr;
}

// A pointer taken from pid_table() under the tree lock may be the last
// one: it is kept in `others` (declared before the lock) so that ~Process,
// which takes the tree lock, runs after it is released.
std::vector<std::shared_ptr<Process>> Process::all_live() {
  std::vector<std::shared_ptr<Process>> out, others;
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  for (auto& [pid, w] : pid_table())
    if (auto p = w.lock()) (!p->zombie_ ? out : others).push_back(std::move(p));
  return out;
}

namespace {
bool sees(const ProcessTree& viewer, const ProcessTree& other) {
  return &viewer == &other || (viewer.proc_view_owner && viewer.owner_uid == other.owner_uid);
}
}  // namespace

std::shared_ptr<Process> Process::find_visible(int pid, const Process& viewer) {
  std::shared_ptr<Process> p;  // (released after the tree lock)
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  auto it = pid_table().find(pid);
  if (it == pid_table().end()) return nullptr;
  p = it->second.lock();
  if (!p || !sees(*viewer.tree_, *p->tree_)) return nullptr;
  return p;
}

std::vector<std::shared_ptr<Process>> Process::visible_to(const Process& viewer) {
  std::vector<std::shared_ptr<Process>> out, others;
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  for (auto& [pid, w] : pid_table())
    if (auto p = w.lock()) (sees(*viewer.tree_, *p->tree_) ? out : others).push_back(std::move(p));
  return out;
}

std::vector<std::shared_ptr<Process>> Process::members(const ProcessTree& tree) {
  std::vector<std::shared_ptr<Process>> out;
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  out.reserve(tree.pids.size());
  for (auto& [pid, w] : tree.pids)
    if (auto p = w.lock()) out.push_back(std::move(p));
  return out;
}

uint64_t Process::running_cpu_ns() {
  std::lock_guard<std::mutex> lock(mutex_);
  uint64_t ns = 0;
  for (auto& t : threads_) {
    clockid_t clk;
    if (t->running && pthread_getcpuclockid(t->host, &clk) == 0) ns += thread_cpu_ns(clk);
  }
  return ns;
}

Process::Info Process::info() {
  Info in;
  in.pid = pid_;
  in.cpu_ns = running_cpu_ns();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    in.argv = argv_;
    in.threads = static_cast<int>(threads_.size());
    in.stopped = group_stop.reported;
    in.cpu_ns += ended_cpu_ns_;
    if (as_)
      for (const Vma& v : as_->vmas()) in.mapped_bytes += v.end - v.start;
    if (tb_cache_) in.tb = tb_cache_->stats();
  }
  in.state = state_letter();
  std::shared_ptr<Process> parent;  // (released after the tree lock)
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  parent = parent_.lock();
  in.ppid = parent ? parent->pid_ : 0;
  in.zombie = zombie_;
  return in;
}

char Process::state_letter(int tid) {
  if (zombie()) return 'Z';
  std::lock_guard<std::mutex> lock(mutex_);
  if (group_stop.reported) return 'T';
  const Vcpu* viewer = Vcpu::current();  // the thread reading /proc runs (R), as on Linux
  for (auto& t : threads_)
    if (tid == 0 || t->tid == tid)
      return t->vcpu.get() != viewer && t->in_syscall.load(std::memory_order_relaxed) ? 'S' : 'R';
  return 'R';
}

bool Process::kill_frozen(const std::vector<std::shared_ptr<Process>>& procs) {
  bool any = false;
  for (auto& p : procs) p->tree_->dying.store(true);
  for (auto& p : procs)
    if (!p->zombie()) {
      p->exit_with_signal(SIGKILL);
      any = true;
    }
  return any;
}

void Process::kill_all() {
  // Every tree is frozen, then killed until no process is left: a fork in
  // flight shows up in the next round (its parent lives until it returns).
  while (kill_frozen(all_live())) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

void Process::kill_all_and_wait() {
  kill_all();
  wait_all_guest_threads();
}

// ---- fork / exec -------------------------------------------------------------------

std::shared_ptr<Process> Process::fork_child(Thread& caller, bool share_vm, std::string* error,
                                             int* err_no, int want_pid) {
  if (err_no) *err_no = ENOMEM;
  // A process with a fatal signal pending (being killed) forks nothing; nor
  // does a frozen tree (being killed) or one at a limit.
  std::string why;
  const char* which = "";
  if (exited())
    why = "fork of a process being killed";
  else if (!thread_room(tree_.get()))
    why = "thread limit of the daemon reached (or the launch's share of it)";
  else if (!tree_->try_add_process(&which))
    why = std::string(which) == "dying"       ? "fork in a tree being killed"
          : std::string(which) == "processes" ? "process limit of the launch reached"
                                              : "process limit of the daemon reached";
  if (!why.empty()) {
    *error = why;
    if (err_no) *err_no = EAGAIN;
    return nullptr;
  }
  std::shared_ptr<Process> c(new Process(exec_, log_));
  c->tree_ = tree_;
  c->counted_live_ = true;
  if (share_vm) {
    c->as_ = as_;
    c->tb_cache_ = tb_cache_;
  } else {
    HartIdentityScope as_hartd;  // fork_copy reads hartd's /proc/self/mem and pagemap
    // A private file mapping's file, opened again through the guest's root
    // or sysroot: only if it is still the file mapped (a regular file of the
    // same device and inode), else the pages are copied. O_PATH first, so
    // that whatever the guest put at that path since (a FIFO, a device) is
    // never opened with hartd's identity.
    auto open_file = [this](const Vma& v) -> int {
      const int path_fd = open_mapped_file(v);
      if (path_fd < 0) return -1;
      struct stat st;
      int fd = -1;
      if (fstat(path_fd, &st) == 0 && S_ISREG(st.st_mode))
        fd = ::open(("/proc/self/fd/" + std::to_string(path_fd)).c_str(), O_RDONLY | O_CLOEXEC);
      ::close(path_fd);
      return fd;
    };
    std::unique_ptr<AddressSpace> copy = as_->fork_copy(error, open_file);
    if (!copy) return nullptr;  // c's destructor leaves the live counts
    c->as_ = std::move(copy);
    c->tb_cache_ = std::make_shared<TbCache>(exec_);
    attach_cache(*c->as_, c->tb_cache_.get());
  }
  c->fds_.copy_from(fds_);
  c->cwd_ = cwd_;
  c->umask_.store(umask());
  c->nice.store(nice.load());
  c->sched_policy.store(sched_policy.load());
  c->sched_priority.store(sched_priority.load());
  c->dl_runtime.store(dl_runtime.load());
  c->dl_deadline.store(dl_deadline.load());
  c->dl_period.store(dl_period.load());
  c->sched_slice.store(sched_slice.load());
  if (sched_reset_on_fork.load()) {  // sched_fork(): back to SCHED_NORMAL, nice >= 0
    int pol = c->sched_policy.load();
    if (pol == 1 || pol == 2 || pol == 6) {
      c->sched_policy.store(0);
      c->sched_priority.store(0);
    }
    if (c->nice.load() < 0) c->nice.store(0);
  }
  c->no_new_privs.store(no_new_privs.load());
  {
    std::lock_guard<std::mutex> lock(numa_mutex);
    c->mempolicy = mempolicy;
    c->range_policies = range_policies;
  }
  c->creds_ = caller.cred;  // the calling thread's, as Linux's copy_creds
  c->ruid_.store(caller.cred.ruid);
  c->pgid = pgid ? pgid : pid_;  // the child joins the parent's group and session
  c->sid = sid;
  c->sysroot_ = sysroot_;
  c->root_ = root_;
  c->oom_score_adj.store(oom_score_adj.load());
  c->oom_score_adj_min.store(oom_score_adj_min.load());
  c->loginuid.store(loginuid.load());
  c->sessionid.store(sessionid.load());
  c->coredump_filter.store(coredump_filter.load());
  c->dumpable.store(dumpable.load());
  c->mdwe.store(mdwe.load() & kPrMdweNoInherit ? 0 : mdwe.load());  // mmf_init_flags()
  c->thp_disable.store(thp_disable.load());
  c->mce_kill.store(mce_kill.load());
  c->vopts_ = vopts_;
  c->strace = strace;
  if (want_pid) {  // later numbers stay above it
    c->pid_ = want_pid;
    reserve_vpids_through(want_pid);
  } else {
    c->pid_ = allocate_process_vpid();
    c->claimed_pid_ = true;
  }
  c->fds_.set_lock_owner(c->pid_);
  ThreadSignals sig;
  cpu_set_t affinity;  // the caller's, read under mutex_
  {
    std::lock_guard<std::mutex> lock(mutex_);
    c->exe_path_ = exe_path_;
    c->argv_ = argv_;
    c->envp_ = envp_;
    c->image_ = image_;
    c->stack_ = stack_;
    c->brk_start = brk_start;
    c->brk_cur = brk_cur;
    c->brk_mapped = brk_mapped;
    c->sigreturn_trampoline = sigreturn_trampoline;
    memcpy(c->rlimits, rlimits, sizeof rlimits);
    update_cpu_rlimit(*c);  // the child's own CPU time counts against RLIMIT_CPU
    memcpy(c->comm, caller.comm, sizeof comm);  // the child's leader is a copy of the caller
    affinity = caller.affinity;
    for (int s = 1; s <= kGuestNSig; ++s) c->signals.action[s] = signals.action[s];
    sig.blocked = caller.sig.blocked;
    sig.ss_sp = caller.sig.ss_sp;
    sig.ss_size = caller.sig.ss_size;
    sig.ss_flags = caller.sig.ss_flags;
  }
  {
    std::lock_guard<std::mutex> lock(c->mutex_);
    Thread& t = c->new_thread_locked(c->pid_);
    copy_registers(t.vcpu->state, caller.vcpu->state);
    t.sig = sig;
    t.inherit_timer_slack(caller);
    t.affinity = affinity;
    t.v_ctrl = caller.v_ctrl;
    t.tagged_pmlen = caller.tagged_pmlen;
    t.ioprio.store(caller.ioprio.load());
  }
  // Supm: the memory's tagged-address state comes along (dup_mm); a shared
  // memory (vfork, CLONE_VM) locks it for both.
  c->tagged_pmlen.store(tagged_pmlen.load());
  c->pmlen_locked.store(pmlen_locked.load() || share_vm);
  if (share_vm) pmlen_locked.store(true);
  // As Linux's copy_process(), at the last moment: a signal that reached the
  // caller meanwhile (a tree-wide kill in flight) is handled first and the
  // fork restarted; a tree frozen meanwhile gets no new member. Whoever
  // signals or freezes the tree and then lists its members sees the child.
  std::lock_guard<std::mutex> plock(mutex_);
  if (exited() || has_deliverable(*this, caller.sig)) {
    *error = "fork interrupted by a signal";
    if (err_no) *err_no = static_cast<int>(-kERESTARTNOINTR);
    return nullptr;  // c goes (its destructor leaves the live counts)
  }
  std::lock_guard<std::mutex> lock(g_tree_mutex);
  if (tree_->dying.load()) {
    *error = "fork in a tree being killed";
    if (err_no) *err_no = EAGAIN;
    return nullptr;
  }
  if (want_pid && pid_table().count(want_pid)) {
    *error = "set_tid names a pid in use";
    if (err_no) *err_no = EEXIST;
    return nullptr;
  }
  c->parent_ = shared_from_this();
  c->parent_tid_ = caller.tid;
  children_.push_back(c);
  pid_table()[c->pid_] = c;
  tree_->pids[c->pid_] = c;
  return c;
}

void Process::exec_replace(Thread& caller, std::unique_ptr<AddressSpace> as,
                           const LoadedProgram& img, const StackLayout& stack, uint64_t trampoline,
                           std::vector<std::string> argv, std::vector<std::string> envp,
                           const std::string& exe_path, const std::string& comm_name) {
  // de_thread(): every other thread leaves; the caller becomes the leader.
  {
    std::unique_lock<std::mutex> lock(mutex_);
    for (auto& t : threads_)
      if (t.get() != &caller) {
        t->leave.store(true);
        kick_locked(*t);
      }
    signal_cv_.notify_all();  // threads waiting in rt_sigsuspend, wait4, ...
    signal_cv_.wait(lock, [&] { return threads_.size() == 1 || exited(); });
    if (exited()) return;  // a fatal signal or exit_group won the race
  }
  std::shared_ptr<AddressSpace> nas(std::move(as));
  auto ncache = std::make_shared<TbCache>(exec_);
  attach_cache(*nas, ncache.get());
  auto v = std::make_unique<Vcpu>(*nas, *ncache, exec_, log_);
  v->user = &caller;
  v->options = vopts_;
  v->state.pc = img.entry();
  v->state.x[2] = stack.sp;
  std::shared_ptr<AddressSpace> old_as;
  std::shared_ptr<TbCache> old_cache;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    old_as = std::move(as_);
    old_cache = std::move(tb_cache_);
    as_ = nas;
    tb_cache_ = ncache;
    image_ = img;
    stack_ = stack;
    sigreturn_trampoline = trampoline;
    argv_ = std::move(argv);
    envp_ = std::move(envp);
    exe_path_ = exe_path;
    snprintf(comm, sizeof comm, "%s", comm_name.c_str());
    memcpy(caller.comm, comm, sizeof comm);  // the caller becomes the leader
    brk_start = brk_cur = brk_mapped = img.brk_start;
    // flush_signal_handlers(): caught signals go back to SIG_DFL.
    for (int s = 1; s <= kGuestNSig; ++s) {
      GuestSigaction& a = signals.action[s];
      if (a.handler != kSigIgn) a.handler = kSigDfl;
      a.flags = 0;
      a.mask = 0;
    }
    caller.sig.ss_sp = caller.sig.ss_size = 0;
    caller.sig.ss_flags = kSS_DISABLE;
    {
      // The children of the caller (and, by now, of the threads that left)
      // follow it to the leader's tid.
      std::lock_guard<std::mutex> tl(g_tree_mutex);
      for (auto& c : children_)
        if (c->parent_tid_ == caller.tid) c->parent_tid_ = pid_;
    }
    caller.tid = pid_;
    caller.clear_child_tid = 0;
    caller.robust_list = caller.robust_list_len = 0;
    // riscv_v_vstate_ctrl_init(): V on or off for the new image from the
    // "next" setting (default: on); "next" survives only with inherit.
    caller.v_ctrl = v_ctrl_after_exec(caller.v_ctrl);
    v->state.v_disabled = (caller.v_ctrl & kPrRiscvVCtrlCurMask) == kPrRiscvVCtrlOff;
    // Supm: flush_thread() clears envcfg.PMM (the new Vcpu's pmlen is 0);
    // the new memory has no tagged-address ABI and no lock.
    caller.tagged_pmlen = 0;
    tagged_pmlen.store(0);
    pmlen_locked.store(false);
    caller.exec_vcpu = std::move(v);
  }
  if (old_as && old_as.use_count() == 1) old_as->set_change_listener(nullptr);
  fds_.close_on_exec();
  release_vfork_parent();
}

// ---- paths ----------------------------------------------------------------------------

std::string Process::host_path(const std::string& guest_path) const {
  if (root_) {  // lexical (no symlink confinement): for gdb's host I/O
    if (guest_path.empty() || guest_path[0] != '/') return guest_path;
    std::string n = normalize_path(guest_path);
    return n == "/" ? root_->host_path() : root_->host_path() + n;
  }
  return sysroot_path(sysroot_, guest_path);
}

int Process::open_mapped_file(const Vma& v) const {
  if (v.name.empty() || v.name[0] != '/') return -1;
  const int fd = root_ ? root_->open(v.name, O_PATH | O_CLOEXEC) : ::open(host_path(v.name).c_str(), O_PATH | O_CLOEXEC);
  struct stat st;
  if (fd >= 0 && (fstat(fd, &st) != 0 || st.st_dev != v.dev || st.st_ino != v.inode)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void Process::set_root(std::shared_ptr<RootFs> r) {
  root_ = std::move(r);
  if (!root_) return;
  int fd = root_->open("/", O_PATH | O_DIRECTORY);
  if (fd >= 0) cwd_ = std::make_shared<HostFd>(fd);
}

std::shared_ptr<AddressSpace> Process::as_ref() {
  std::lock_guard<std::mutex> lock(mutex_);
  return as_;
}

std::shared_ptr<TbCache> Process::tb_cache_ref() {
  std::lock_guard<std::mutex> lock(mutex_);
  return tb_cache_;
}

void Process::release_dirs() {
  static const std::shared_ptr<HostFd> kNone = std::make_shared<HostFd>(-1);
  std::shared_ptr<HostFd> old;  // closed after the lock is released
  std::lock_guard<std::mutex> lock(mutex_);
  old = std::exchange(cwd_, kNone);
  if (root_) root_->close_dir();
}

int Process::host_dirfd(int64_t guest_dirfd, std::shared_ptr<HostFd>* keep) {
  if (static_cast<int>(guest_dirfd) == AT_FDCWD) {
    *keep = cwd_;
    return cwd_->fd();
  }
  *keep = fds_.get(static_cast<int>(guest_dirfd));
  if (!*keep) return -EBADF;
  return (*keep)->fd();
}

bool Process::report_unimplemented_once(unsigned nr) {
  std::lock_guard<std::mutex> lock(unimp_mutex_);
  if (nr >= unimp_reported_.size()) return true;
  if (unimp_reported_.test(nr)) return false;
  unimp_reported_.set(nr);
  return true;
}

}  // namespace hart::linux
