// linux-abi/launch.cpp — a launch: initial process setup, the supervisor
// thread, limits, signals from outside, listing. See launch.h.
#include "linux-abi/launch.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>
#include <thread>

#include "linux-abi/process/host_thread.h"
#include "linux-abi/process/record.h"
#include "linux-abi/process/process.h"
#include "linux-abi/process/signals.h"

namespace hart::linux {

namespace {

// Opens what guest fd i starts with: a dup of the given host fd, or /dev/null.
int stdio_host_fd(int given) {
  if (given >= 0) return fcntl(given, F_DUPFD_CLOEXEC, 3);
  return open("/dev/null", O_RDWR | O_CLOEXEC);
}

GuestSiginfo outside_siginfo(int sig) {
  GuestSiginfo info{};
  info.si_signo = sig;
  info.si_code = kSI_USER;  // as from kill(2) by a process outside the guest's view
  info.f.kill.pid = 0;
  info.f.kill.uid = getuid();
  return info;
}

void signal_process(Process& p, int sig) {
  if (sig == SIGKILL)
    p.exit_with_signal(SIGKILL);  // kicks every thread out of blocking calls
  else if (sig > 0)
    send_signal(p, nullptr, outside_siginfo(sig), nullptr);
}

}  // namespace

std::shared_ptr<Launch> Launch::start(Executor& exec, const LaunchConfig& cfg, ExitFn on_exit,
                                      std::string* error, bool* capacity) {
  if (capacity) *capacity = false;
  auto out_of_room = [&](const std::string& what) -> std::shared_ptr<Launch> {
    if (capacity) *capacity = true;
    *error = what;
    return nullptr;
  };
  std::shared_ptr<Launch> l(new Launch());
  l->cfg_ = cfg;
  l->on_exit_ = std::move(on_exit);
  l->log_.set_mask(cfg.log_mask);
  if (cfg.log_sink) l->log_.set_sink(cfg.log_sink);
  if (!cfg.log_file.empty() && !l->log_.open_file(cfg.log_file, error)) return nullptr;

  std::string exe = cfg.exe_path;
  if (!cfg.cwd.empty() && !exe.empty() && exe[0] != '/') exe = cfg.cwd + "/" + exe;
  int cwd_fd = -1;
  std::shared_ptr<RootFs> root;
  if (!cfg.root.empty()) {
    root = RootFs::open(cfg.root, error);
    if (!root) return nullptr;
  }
  if (!cfg.cwd.empty()) {
    if (root) {
      cwd_fd = root->open(cfg.cwd, O_PATH | O_DIRECTORY);
      if (cwd_fd < 0) errno = -cwd_fd, cwd_fd = -1;
    } else {
      cwd_fd = open(cfg.cwd.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    if (cwd_fd < 0) {
      *error = cfg.cwd + ": " + strerror(errno);
      return nullptr;
    }
  }
  auto cwd = cwd_fd >= 0 ? std::make_shared<HostFd>(cwd_fd) : nullptr;

  l->tree_ = std::make_shared<ProcessTree>();
  l->tree_->max_processes = cfg.limits.processes;
  l->tree_->owner_uid = cfg.owner_uid;
  l->tree_->proc_view_owner = cfg.proc_view_owner;
  if (!cfg.core_pattern.empty()) l->tree_->core_pattern = cfg.core_pattern;
  std::shared_ptr<Process> p =
      Process::create(exec, l->log_, error, l->tree_, cfg.address_space);
  if (!p) return out_of_room(*error);  // only the reservation can fail
  if (root) p->set_root(root);
  if (cwd) p->set_cwd(cwd);
  std::shared_ptr<HostFd> null_fd;  // one /dev/null for all of 0, 1, 2 given none (as dup2 would)
  for (int i = 0; i < 3; ++i) {
    std::shared_ptr<HostFd> f = cfg.stdio[i] < 0 ? null_fd : nullptr;
    if (!f) {
      int h = stdio_host_fd(cfg.stdio[i]);
      if (h < 0) {
        *error = std::string("stdio: ") + strerror(errno);
        return nullptr;
      }
      f = std::make_shared<HostFd>(h);
      if (cfg.stdio[i] < 0) null_fd = f;
    }
    p->fds().install_at(i, f, false);
  }
  const LaunchLimits& lim = cfg.limits;
  if (lim.memory_bytes) p->rlimits[RLIMIT_AS] = {lim.memory_bytes, lim.memory_bytes};
  if (lim.processes > 0) {
    uint64_t n = static_cast<uint64_t>(lim.processes);
    p->rlimits[RLIMIT_NPROC] = {n, n};
  }
  if (lim.open_files > 0) {
    uint64_t n = static_cast<uint64_t>(lim.open_files);
    p->rlimits[RLIMIT_NOFILE] = {n, n};
    p->fds().set_limit(lim.open_files);
  }
  if (lim.core_bytes) p->rlimits[RLIMIT_CORE] = {*lim.core_bytes, *lim.core_bytes};
  if (lim.cpu_seconds > 0) {
    uint64_t n = static_cast<uint64_t>(std::ceil(lim.cpu_seconds));
    p->rlimits[RLIMIT_CPU] = {n, n};
  }
  std::vector<std::string> argv = cfg.argv;
  if (argv.empty()) argv.push_back(cfg.exe_path);
  if (!p->exec(exe, argv, cfg.envp, cfg.sysroot, cfg.vcpu, error)) {
    // Not started: report the guest's name for the file, as hart-run does.
    if (exe != cfg.exe_path && error->rfind(exe, 0) == 0)
      *error = cfg.exe_path + error->substr(exe.size());
    return nullptr;
  }
  if ((cfg.record || !cfg.record_file.empty()) && !record_at_launch(*p, RecordOptions{}, error)) return nullptr;
  l->root_ = p;
  l->pid_ = p->pid();
  l->started_ = std::chrono::steady_clock::now();
  if (cfg.before_start) cfg.before_start(p);
  if (int e = p->start_thread(Process::thread_of(p->main_thread()))) {
    p->discard_thread(Process::thread_of(p->main_thread()));
    return out_of_room(std::string("cannot start a host thread: ") + strerror(e));
  }
  if (int e = start_host_thread(kSupervisorStackBytes, [self = l] { self->supervise(); })) {
    // Unsupervised, it must not run on: end it before its log goes away.
    p->exit_with_signal(SIGKILL);
    l->tree_->wait_idle();
    return out_of_room(std::string("cannot start a host thread: ") + strerror(e));
  }
  return l;
}

Launch::~Launch() = default;

uint64_t Launch::tree_cpu_ns() const {
  uint64_t ns = tree_->ended_cpu_ns.load();
  for (auto& p : Process::members(*tree_)) ns += p->running_cpu_ns();
  return ns;
}

void Launch::supervise() {
  using namespace std::chrono;
  const LaunchLimits& lim = cfg_.limits;
  auto wall_deadline = lim.wall_seconds > 0
                           ? started_ + duration_cast<steady_clock::duration>(
                                            duration<double>(lim.wall_seconds))
                           : steady_clock::time_point::max();
  std::string limit_hit;
  // The tree's CPU time grows at most as fast as the host's CPUs all run:
  // it is looked at again only when the limit could have been reached
  // (but at least 50 ms apart), so a launch far from its CPU limit costs
  // nothing while it sleeps. (A look every 50 ms cost 1,000 idle launches
  // with a CPU limit 39% of a core.)
  const double host_cpus = std::max(1u, std::thread::hardware_concurrency());
  milliseconds cpu_tick(50);
  for (;;) {
    // Nothing to watch without limits: the root's end (or Launch::kill's
    // nudge) wakes it. (A poll here cost thousands of idle launches a
    // wake-up each every second.)
    milliseconds tick = lim.cpu_seconds > 0 ? cpu_tick : duration_cast<milliseconds>(hours(24));
    auto now = steady_clock::now();
    if (wall_deadline != steady_clock::time_point::max() && limit_hit.empty())
      tick = std::min(tick, duration_cast<milliseconds>(wall_deadline - now) + milliseconds(1));
    if (tree_->dying.load()) tick = std::min(tick, milliseconds(10));
    if (tick < milliseconds(1)) tick = milliseconds(1);
    if (root_->wait_until_zombie_for(tick)) break;
    // Being killed: again, for children forked while it was being frozen.
    if (tree_->dying.load()) Process::kill_frozen(Process::members(*tree_));
    if (!limit_hit.empty()) continue;
    if (steady_clock::now() >= wall_deadline) {
      limit_hit = "wall_seconds";
    } else if (lim.cpu_seconds > 0) {
      const double left = lim.cpu_seconds - static_cast<double>(tree_cpu_ns()) / 1e9;
      if (left <= 0)
        limit_hit = "cpu_seconds";
      else
        cpu_tick = std::max(milliseconds(50),
                            duration_cast<milliseconds>(duration<double>(std::min(left / host_cpus, 86400.0))));
    }
    if (!limit_hit.empty()) {
      log_.printf("hart: launch %d: %s limit reached, killing its processes\n", pid_,
                  limit_hit.c_str());
      Process::kill_frozen(Process::members(*tree_));
    }
  }
  // The first process has ended: the rest of its tree ends with it, frozen
  // first, killed until no process is left.
  while (Process::kill_frozen(Process::members(*tree_))) std::this_thread::sleep_for(milliseconds(10));
  tree_->wait_idle();
  root_->release_dirs();  // kept for its status until reaped: without an fd
  if (!cfg_.record_file.empty()) {  // "record_file": the history, for hart-run --replay
    std::string err, summary;
    if (root_->recorder && root_->recorder->save(*root_, cfg_.record_file, &err, &summary))
      log_.printf("hart: launch %d: %s\n", pid_, summary.c_str());
    else
      log_.printf("hart: launch %d: cannot save the recording to %s: %s\n", pid_, cfg_.record_file.c_str(),
                  root_->recorder ? err.c_str() : "not recorded");
  }

  LaunchStatus st;
  st.pid = pid_;
  if (root_->killed_by_signal()) {
    st.signaled = true;
    st.signal = root_->exit_signal();
    st.core = root_->dumped_core();  // a core file was written
  } else {
    st.exit_code = root_->exit_code();
  }
  st.limit = limit_hit;
  // Every process has ended (the tree is idle): what they counted is all in
  // the tree's ended_* totals; no scan of the pid table (thousands of
  // launches may end at once).
  Stats last;
  last.translated = tree_->ended_translated.load();
  last.reused = tree_->ended_reused.load();
  last.invalidated = tree_->ended_invalidated.load();
  last.translate_ns = tree_->ended_translate_ns.load();
  last.budget_flushes = tree_->ended_budget_flushes.load();
  last.cpu_seconds = static_cast<double>(tree_->ended_cpu_ns.load()) / 1e9;
  std::shared_ptr<Process> gone;  // destroyed outside the lock
  {
    std::lock_guard<std::mutex> lock(mutex_);
    status_ = st;
    final_stats_ = last;
    ended_ = true;
    gone = std::move(root_);
  }
  ended_cv_.notify_all();
  if (on_exit_) on_exit_(st);
  on_exit_ = nullptr;
}

std::shared_ptr<Process> Launch::root() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return root_;
}

bool Launch::kill(int sig, bool tree) {
  bool any = false;
  if (!tree) {
    std::shared_ptr<Process> r = root();
    if (!r || r->zombie()) return false;
    signal_process(*r, sig);
    return true;
  }
  // SIGKILL to the tree freezes it first (no fork succeeds any more); the
  // supervisor repeats the kill until nothing is left.
  if (sig == SIGKILL) {
    any = Process::kill_frozen(Process::members(*tree_));
    if (std::shared_ptr<Process> r = root()) r->nudge_zombie_waiters();  // it ticks while dying
    return any;
  }
  // Other signals: as kill(-pgid) on Linux, no fork escapes it. A signaled
  // process's fork restarts after the signal (Process::fork_child); a child
  // forked before its parent was signaled shows up in the next round.
  std::set<int> signaled;
  for (int round = 0; round < 100; ++round) {
    bool fresh = false;
    for (auto& p : Process::members(*tree_)) {
      if (p->zombie() || !signaled.insert(p->pid()).second) continue;
      fresh = any = true;
      signal_process(*p, sig);
    }
    if (!fresh) break;
  }
  return any;
}

int Launch::kill_pid(int pid, int sig) {
  std::shared_ptr<Process> r = root();
  if (!r) return -ESRCH;
  std::shared_ptr<Process> p = Process::find(pid, r.get());
  if (!p) return -ESRCH;
  signal_process(*p, sig);
  return 0;
}

bool Launch::has_pid(int pid) const {
  for (auto& p : Process::members(*tree_))
    if (p->pid() == pid) return true;
  return false;
}

std::shared_ptr<Process> Launch::process(int pid) const {
  for (auto& p : Process::members(*tree_))
    if (p->pid() == pid && !p->zombie()) return p;
  return nullptr;
}

bool Launch::ended() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return ended_;
}

LaunchStatus Launch::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

bool Launch::wait(double seconds) const {
  std::unique_lock<std::mutex> lock(mutex_);
  if (seconds < 0) {
    ended_cv_.wait(lock, [&] { return ended_; });
    return true;
  }
  return ended_cv_.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return ended_; });
}

std::vector<Launch::ProcessEntry> Launch::processes() const {
  std::vector<ProcessEntry> out;
  for (auto& p : Process::members(*tree_)) {
    Process::Info in = p->info();
    ProcessEntry e;
    e.pid = in.pid;
    e.ppid = in.ppid;
    e.argv = std::move(in.argv);
    // Stopped: by a stop signal, or a debugger holds every live thread parked.
    DebugController* d = p->debug.load(std::memory_order_acquire);
    bool stopped = in.stopped || (d && d->attached() && in.threads > 0 &&
                                  d->parked_count() >= static_cast<size_t>(in.threads));
    e.state = in.zombie ? "zombie" : stopped ? "stopped" : "running";
    e.cpu_seconds = static_cast<double>(in.cpu_ns) / 1e9;
    e.memory_bytes = in.mapped_bytes;
    e.threads = in.threads;
    out.push_back(std::move(e));
  }
  return out;
}

Launch::Stats Launch::stats() const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ended_) return final_stats_;
  }
  Stats s;
  s.translated = tree_->ended_translated.load();
  s.reused = tree_->ended_reused.load();
  s.invalidated = tree_->ended_invalidated.load();
  s.translate_ns = tree_->ended_translate_ns.load();
  s.budget_flushes = tree_->ended_budget_flushes.load();
  for (auto& p : Process::members(*tree_)) {
    Process::Info in = p->info();
    if (in.zombie) continue;
    ++s.processes;
    s.threads += in.threads;
    s.tbs += in.tb.tbs;
    s.code_bytes += in.tb.code_bytes;
    s.translated += in.tb.translated;
    s.reused += in.tb.reused;
    s.invalidated += in.tb.invalidated;
    s.translate_ns += in.tb.translate_ns;
    s.budget_flushes += in.tb.budget_flushes;
  }
  s.cpu_seconds = static_cast<double>(tree_cpu_ns()) / 1e9;
  return s;
}

}  // namespace hart::linux
