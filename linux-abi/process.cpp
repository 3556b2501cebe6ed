// linux-abi/process.cpp — guest process object. See process.h.
#include "linux-abi/process.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace hart::linux {

namespace {
std::atomic<int> g_next_pid{kFirstGuestPid};
}

std::unique_ptr<Process> Process::create(Executor& exec, GuestLog& log, std::string* error) {
  std::unique_ptr<Process> p(new Process(exec, log));
  p->as_ = AddressSpace::create(error);
  if (!p->as_) return nullptr;
  p->tb_cache_ = std::make_unique<TbCache>(exec);
  TbCache* cache = p->tb_cache_.get();
  p->as_->set_change_listener([cache](uint64_t start, uint64_t end) {
    cache->invalidate(start, end);
  });
  int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cwd < 0) cwd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  p->cwd_ = std::make_shared<HostFd>(cwd);
  p->pid_ = g_next_pid.fetch_add(1);
  p->fds_.init_stdio();
  for (int r = 0; r < 16; ++r) {
    struct rlimit rl;
    if (getrlimit(static_cast<__rlimit_resource>(r), &rl) == 0)
      p->rlimits[r] = {rl.rlim_cur, rl.rlim_max};
    else
      p->rlimits[r] = {RLIM_INFINITY, RLIM_INFINITY};
  }
  p->rlimits[RLIMIT_STACK] = {kStackSize, RLIM_INFINITY};
  p->rlimits[RLIMIT_NOFILE] = {FdTable::kDefaultLimit, 4096};
  return p;
}

Process::~Process() {
  // Threads reference the address space and cache: drop them first.
  threads_.clear();
  thread_signals_.clear();
  if (as_) as_->set_change_listener(nullptr);
}

Vcpu& Process::add_thread() {
  std::lock_guard<std::mutex> lock(mutex_);
  threads_.push_back(std::make_unique<Vcpu>(*as_, *tb_cache_, exec_, log_));
  thread_signals_.push_back(std::make_unique<ThreadSignals>());
  return *threads_.back();
}

ThreadSignals& Process::thread_signals(const Vcpu& v) {
  for (size_t i = 0; i < threads_.size(); ++i)
    if (threads_[i].get() == &v) return *thread_signals_[i];
  return *thread_signals_.front();  // not one of ours: cannot happen
}

int Process::tid_of(const Vcpu&) const {
  return pid_;  // one thread for now: tid == pid (clone will hand out tids)
}

Vcpu* Process::thread_by_tid(int tid) {
  for (auto& t : threads_)
    if (tid_of(*t) == tid) return t.get();
  return nullptr;
}

bool Process::exec(const std::string& path, std::vector<std::string> argv,
                   std::vector<std::string> envp, const std::string& sysroot,
                   const VcpuOptions& vopts, std::string* error) {
  sysroot_ = sysroot;
  if (argv.empty()) argv.push_back(path);
  if (!load_program(*as_, path, sysroot, &argv, &image_, error)) return false;
  sigreturn_trampoline = map_sigreturn_trampoline(*as_, error);
  if (!sigreturn_trampoline) return false;
  char real[PATH_MAX];
  if (realpath(image_.exe_host_path.c_str(), real))
    exe_path_ = real;
  else
    exe_path_ = image_.exe_host_path;
  argv_ = argv;
  envp_ = envp;
  std::string base = path.substr(path.rfind('/') + 1);
  snprintf(comm, sizeof comm, "%s", base.c_str());

  StackParams sp;
  sp.uid = getuid();
  sp.euid = geteuid();
  sp.gid = getgid();
  sp.egid = getegid();
  sp.hwcap = kHwcapRv64gc;
  sp.execfn = path;
  if (getrandom(sp.random, sizeof sp.random, 0) != sizeof sp.random)
    for (auto& b : sp.random) b = static_cast<uint8_t>(rand());
  if (!setup_initial_stack(*as_, image_, argv_, envp_, sp, &stack_, error)) return false;

  // The heap starts empty right after the program image.
  brk_start = brk_cur = brk_mapped = image_.brk_start;

  Vcpu& v = add_thread();
  v.options = vopts;
  v.state.pc = image_.entry();
  v.state.x[2] = stack_.sp;
  return true;
}

std::string Process::host_path(const std::string& guest_path) const {
  return sysroot_path(sysroot_, guest_path);
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

void Process::exit_with_status(int code) {
  if (exited_.exchange(true)) return;
  exit_code_ = code & 0xff;
  signaled_ = false;
  std::lock_guard<std::mutex> lock(mutex_);
  signal_cv_.notify_all();
}

void Process::exit_with_signal(int sig) {
  if (exited_.exchange(true)) return;
  signaled_ = true;
  exit_signal_ = sig;
  std::lock_guard<std::mutex> lock(mutex_);  // callers never hold it
  signal_cv_.notify_all();
}

bool Process::report_unimplemented_once(unsigned nr) {
  std::lock_guard<std::mutex> lock(unimp_mutex_);
  if (nr >= unimp_reported_.size()) return true;
  if (unimp_reported_.test(nr)) return false;
  unimp_reported_.set(nr);
  return true;
}

}  // namespace hart::linux
