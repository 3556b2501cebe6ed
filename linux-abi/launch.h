// linux-abi/launch.h — one launch: an initial guest process started on its
// own host threads, with the tree of processes it forks (a ProcessTree), as
// hartd hosts many at once. Each launch has its own address spaces, TB
// caches and GuestLog; the Executor may be shared by all launches.
// Owns: the setup of the initial process from a LaunchConfig (stdio host
// fds as guest 0/1/2, cwd, env, sysroot, log, limits), the supervisor
// thread (waits for the first process, enforces cpu/wall limits, ends the
// rest of the tree, reports the exit status), signals from outside, process
// listing. Does not own: the control protocol (server/) or process
// semantics (process.h).
//
// Limits (0 = none), enforced as Linux would report them to the guest:
//
// | limit          | guest sees                        | enforcement                            |
// |----------------|-----------------------------------|----------------------------------------|
// | memory_bytes   | RLIMIT_AS of each process         | mmap/mremap ENOMEM, brk fails          |
// | processes      | RLIMIT_NPROC                      | fork/clone of a process: EAGAIN (tree) |
// | open_files     | RLIMIT_NOFILE                     | EMFILE past it                         |
// | cpu_seconds    | RLIMIT_CPU                        | tree CPU time passes it: SIGKILL tree  |
// | wall_seconds   | —                                 | running longer: SIGKILL tree           |
//
// The launch ends when its first process ends; processes of its tree still
// running then are killed (as under hart-run).
//
// Locking: Launch::mutex_ (status, ended flag) is a leaf; it is never held
// while calling into a Process.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/address_space.h"
#include "core/executor.h"
#include "core/log.h"
#include "core/vcpu.h"

namespace hart::linux {

class Process;
struct ProcessTree;

struct LaunchLimits {
  uint64_t memory_bytes = 0;
  double cpu_seconds = 0;
  double wall_seconds = 0;
  int processes = 0;
  int open_files = 0;
  // RLIMIT_CORE (soft and hard) of the launch's processes; unset: hartd's own.
  std::optional<uint64_t> core_bytes;
};

// hartd's default size of a launch's guest address space (16 GiB: room for
// ~8,000 launches in the host's 2^47 bytes; hart-run keeps kGuestVaMax).
constexpr uint64_t kLaunchAddressSpace = uint64_t{1} << 34;

struct LaunchConfig {
  std::string exe_path;           // host path (relative paths: to cwd)
  std::vector<std::string> argv;  // argv[0] included (empty: exe_path)
  std::vector<std::string> envp;
  std::string sysroot;            // like hart-run -L ("" = none)
  std::string root;               // like hart-run -R: a jail ("" = none); exe_path and cwd are inside it
  std::string cwd;                // "" = hartd's cwd (with a root: its top)
  std::string core_pattern;       // core file names (core_dump.h); "" = "core"
  int stdio[3] = {-1, -1, -1};    // host fds for guest 0,1,2 (dup'ed; -1 = /dev/null)
  uint32_t log_mask = 0;          // QEMU -d categories
  std::string log_file;           // "" = no file
  // Gets every log text (GuestLog::set_sink): then nothing goes to stderr.
  std::function<void(const std::string&)> log_sink;
  VcpuOptions vcpu;
  bool record = false;  // record for reverse execution (record.h)
  // Record, and save the recording here (absolute) when the program ends.
  std::string record_file;
  LaunchLimits limits;
  // Who launched it (the control client's uid) and whether its /proc shows
  // every process of that owner in the daemon ("proc_view": "owner") or
  // only its own tree (the default).
  uint32_t owner_uid = 0;
  bool proc_view_owner = false;
  // Bytes of guest address space of each process of the launch (a power of
  // two, kGuestVaMin..kGuestVaMax; forks and execs keep it).
  uint64_t address_space = kLaunchAddressSpace;
  // Called with the loaded initial process just before its first thread
  // starts (hartd opens a GDB stub there, so a debugger can stop it before
  // its first instruction).
  std::function<void(const std::shared_ptr<Process>&)> before_start;
};

struct LaunchStatus {
  int pid = 0;              // the launch's first process (on_exit may run before start returns)
  bool signaled = false;
  int exit_code = 0;        // when !signaled
  int signal = 0;           // when signaled
  bool core = false;        // a core file was written (core_dump.h)
  std::string limit;        // "cpu_seconds"/"wall_seconds" if a limit killed it
  int shell_status() const { return signaled ? 128 + signal : exit_code; }
};

class Launch : public std::enable_shared_from_this<Launch> {
 public:
  using ExitFn = std::function<void(const LaunchStatus&)>;

  // Loads the program (here, so a bad file is reported at once) and starts
  // it. on_exit runs on the supervisor thread once every thread of the tree
  // has ended. nullptr + one-line *error if it cannot start; *capacity (if
  // given) then tells whether hartd ran out of room for it (guest address
  // space, host threads) rather than the program failing to load.
  static std::shared_ptr<Launch> start(Executor& exec, const LaunchConfig& cfg, ExitFn on_exit,
                                       std::string* error, bool* capacity = nullptr);
  ~Launch();
  Launch(const Launch&) = delete;
  Launch& operator=(const Launch&) = delete;

  int pid() const { return pid_; }
  GuestLog& log() { return log_; }
  const LaunchConfig& config() const { return cfg_; }

  // Sends sig (0: check only) to the first process, or to every live
  // process of the tree. SIGKILL ends them even inside blocking calls.
  // false if nothing was alive.
  bool kill(int sig, bool tree);
  // Sends sig to one process of this tree: 0, or -ESRCH if pid is not a live
  // process of it.
  int kill_pid(int pid, int sig);
  // Does pid belong to this launch's tree (alive or zombie)?
  bool has_pid(int pid) const;
  // The live process pid of this tree (nullptr if none); for debuggers.
  std::shared_ptr<Process> process(int pid) const;

  bool ended() const;
  LaunchStatus status() const;  // meaningful once ended()
  // Waits until ended (false on timeout; seconds < 0 = for ever).
  bool wait(double seconds) const;

  struct ProcessEntry {
    int pid = 0, ppid = 0;
    std::vector<std::string> argv;
    std::string state;  // "running" or "zombie"
    double cpu_seconds = 0;
    uint64_t memory_bytes = 0;  // mapped bytes (VMA sizes)
    int threads = 0;
  };
  std::vector<ProcessEntry> processes() const;

  struct Stats {
    uint64_t tbs = 0, code_bytes = 0;  // live translation caches
    uint64_t translated = 0, invalidated = 0;  // since the launch started
    uint64_t reused = 0;  // blocks copied from shared translations (not translated)
    uint64_t translate_ns = 0;                 // time spent translating, since the start
    uint64_t budget_flushes = 0;  // caches flushed past their code budget (TbCache::flush_for_room)
    int processes = 0, threads = 0;
    double cpu_seconds = 0;
  };
  Stats stats() const;

 private:
  Launch() = default;
  void supervise();
  uint64_t tree_cpu_ns() const;

  // The first process while the launch runs (guarded by mutex_ once
  // started); released when it ends, so an ended launch kept for its status
  // holds no process, address space or translations: final_stats_ then.
  std::shared_ptr<Process> root() const;

  LaunchConfig cfg_;
  GuestLog log_;  // declared before root_: outlives the processes
  std::shared_ptr<ProcessTree> tree_;
  std::shared_ptr<Process> root_;
  Stats final_stats_;
  int pid_ = 0;
  ExitFn on_exit_;
  std::chrono::steady_clock::time_point started_;

  mutable std::mutex mutex_;
  mutable std::condition_variable ended_cv_;
  bool ended_ = false;
  LaunchStatus status_;
};

}  // namespace hart::linux
