// server/hart_run.cpp — hart-run: runs one RISC-V 64 Linux program to
// completion, a drop-in for qemu-riscv64's command line (-L, -E, -U, -0, -d,
// -D, -strace, -one-insn-per-tb/-singlestep, -g, -version, -h). Exit status is
// the guest's; when the guest dies of signal N, hart-run dies of N too (as
// qemu-riscv64 does), so a parent shell reports 128+N.
// Owns: command-line parsing only; everything else is in the libraries.
#include <sys/resource.h>

#include <atomic>
#include <climits>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include <unistd.h>

#include <thread>

#include "core/address_space.h"
#include "core/log.h"
#include "gdbstub/server.h"
#include "linux-abi/process/core_dump.h"
#include "linux-abi/guest.h"
#include "linux-abi/process/fd_table.h"
#include "linux-abi/process/process.h"
#include "linux-abi/process/vpid.h"
#include "server/gdb_target.h"
#include "server/host_process.h"
#include "server/self_peer.h"
#include "translator/jit.h"

extern char** environ;

namespace {

const char kUsage[] =
    "usage: hart-run [options] program [arguments...]\n"
    "Runs a RISC-V 64 Linux program on this host through hartd's JIT.\n\n"
    "Options:\n"
    "  -h                 print this help and exit\n"
    "  -version           print the version and exit\n"
    "  -L path            look up absolute paths (interpreter, libraries) in path first\n"
    "  -R root            run confined to the folder root (a jail): every path is looked\n"
    "                     up inside it (the program too), with /dev and /proc emulated\n"
    "  -core-pattern PAT  name of the core file a crash writes (when ulimit -c allows):\n"
    "                     default \"core\" in the guest's cwd; %p pid, %e name, %s signal,\n"
    "                     %t time, %h host, %u/%g ids, %E path, %% (as core_pattern)\n"
    "  -address-space SIZE\n"
    "                     the guest's address space: a power of two from 1G to 256G\n"
    "                     (default 256G, Sv39's 2^38; also $HART_ADDRESS_SPACE)\n"
    "  -E var=value       set an environment variable for the guest\n"
    "  -U var             remove an environment variable for the guest\n"
    "  -0 argv0           use argv0 as the guest's argv[0]\n"
    "  -pid N             number guest processes N, N+1... on every run (default:\n"
    "                     from hart-run's own host pid, each claimed host-wide so\n"
    "                     that concurrent hart-run and hartd guests never share one)\n"
    "  -r release         the kernel release uname reports (default 6.12.0;\n"
    "                     also $QEMU_UNAME, $HART_UNAME_RELEASE)\n"
    "  -d item[,...]      enable logging of the given items (-d help lists them)\n"
    "  -D logfile         write the log to logfile instead of stderr\n"
    "  -strace            log system calls\n"
    "  -one-insn-per-tb   translate one instruction per block (alias -singlestep)\n"
    "  -perfmap           write /tmp/perf-<pid>.map so perf can name guest code\n"
    "  -tier0             keep interpreting cold code with -d in_asm/op/out_asm: log\n"
    "                     the blocks a plain run translates (bench/profile.py)\n"
    "  -g port            wait for gdb on 127.0.0.1:port before the first instruction\n"
    "                     (port 0: any free port, printed on stderr); -g unix:PATH\n"
    "                     listens on a Unix socket instead\n"
    "  --multi            with -g: extended-remote server (gdb run/kill/attach; PROGRAM optional)\n"
    "  --record           record the program (single-threaded) so that gdb can run it\n"
    "                     backwards: reverse-stepi/-next/-finish/-continue (docs/REVERSE.md)\n"
    "  --record-interval N  instructions between checkpoints (default 16777216)\n"
    "  --record-file FILE record, and save the recording to FILE when the program ends\n"
    "  --replay FILE      replay a saved recording (PROGRAM optional: the recorded one;\n"
    "                     it must be the same file) — with -g, debug it backwards\n"
    "Environment: QEMU_LD_PREFIX is honoured like -L. HART_JIT_STATS=1 prints what\n"
    "translating cost (blocks, guest instructions, time) on stderr at exit.\n";

// $HART_JIT_STATS: what translating cost over the run, on stderr.
void print_jit_stats(const hart::Jit& jit) {
  const hart::Jit::TranslateStats st = jit.translate_stats();
  fprintf(stderr,
          "hart-run: translated %llu blocks, %llu guest instructions in %.1f ms "
          "(%.0f ns per instruction, %.1f us per block); copied %llu shared blocks, published %llu; "
          "%llu blocks interpreted; %llu retried one instruction at a time%s%s\n",
          (unsigned long long)st.blocks, (unsigned long long)st.insns, st.ns / 1e6,
          st.insns ? double(st.ns) / double(st.insns) : 0.0,
          st.blocks ? double(st.ns) / double(st.blocks) / 1e3 : 0.0, (unsigned long long)st.copies,
          (unsigned long long)st.published, (unsigned long long)st.interpreted,
          (unsigned long long)st.retried, st.retried ? " (last: " : "",
          st.retried ? (st.last_retry + ")").c_str() : "");
  if (st.insns)
    fprintf(stderr,
            "hart-run: ns per guest instruction by phase: frontend %.0f, IR passes %.0f, backend %.0f, "
            "install %.0f\n",
            double(st.frontend_ns) / double(st.insns), double(st.passes_ns) / double(st.insns),
            double(st.backend_ns) / double(st.insns), double(st.install_ns) / double(st.insns));
}

int fail(const std::string& msg) {
  fprintf(stderr, "hart-run: %s\n", msg.c_str());
  return 1;
}

// A debugger's connection; one from the guest itself (a socket of this
// process) is refused with a warning.
int accept_debugger(int listen_fd, int timeout_ms) {
  std::string refused;
  int fd = hart::server::accept_from_outside(listen_fd, timeout_ms, &refused);
  if (fd < 0 && !refused.empty() && hart::server::log_refusal_now()) fprintf(stderr, "hart-run: gdb connection refused: %s\n", refused.c_str());
  return fd;
}

// What a second debugger is told while one is connected.
const char kBusy[] = "hart-run: another debugger is connected to this stub (one at a time)";

// The gdb stub of hart-run -g: listens, serves one debugger at a time
// until the guest ends; a debugger may reconnect after a disconnect or a
// detach.
class GdbStubRunner {
 public:
  bool listen(const std::string& spec, std::string* error) {
    if (spec.rfind("unix:", 0) == 0) {
      listen_fd_ = hart::gdb::listen_unix(spec.substr(5), error);
      if (listen_fd_ < 0) return false;
      fprintf(stderr, "hart-run: gdb stub listening on %s\n", spec.c_str());
      return true;
    }
    char* end = nullptr;
    long port = strtol(spec.c_str(), &end, 10);
    if (spec.empty() || *end || port < 0 || port > 65535) {
      *error = "bad -g port '" + spec + "'";
      return false;
    }
    int bound = 0;
    listen_fd_ = hart::gdb::listen_tcp("127.0.0.1", static_cast<int>(port), &bound, error);
    if (listen_fd_ < 0) return false;
    fprintf(stderr, "hart-run: gdb stub listening on 127.0.0.1:%d\n", bound);
    fflush(stderr);
    return true;
  }
  // Attaches to the loaded process (its first thread will wait) and starts serving.
  void start(const std::shared_ptr<hart::linux::Process>& p) {
    target_ = std::make_unique<hart::ProcessGdbTarget>(p, /*stop=*/true, /*started_here=*/true);
    server_ = std::make_unique<hart::gdb::GdbServer>(*target_);
    thread_ = std::thread([this] {
      int next = -1;  // a connection that came as the previous session ended
      while (!done_.load()) {
        int fd = next >= 0 ? next : accept_debugger(listen_fd_, 100);
        next = -1;
        if (fd < 0) continue;
        hart::gdb::BusyRefuser busy(listen_fd_, fd, kBusy, accept_debugger);
        hart::gdb::GdbServer::End e = server_->serve(fd);
        next = busy.finish();
        if (e == hart::gdb::GdbServer::End::Shutdown || e == hart::gdb::GdbServer::End::ProcessEnded)
          break;
      }
      if (next >= 0) close(next);
      std::lock_guard<std::mutex> lock(mutex_);
      finished_ = true;
      cv_.notify_all();
    });
  }
  // The guest ended: let a connected debugger get the exit report, then stop.
  void finish() {
    if (!thread_.joinable()) return;
    done_.store(true);
    // A session waiting for the stop reports the exit at once; an idle one
    // (stopped guest killed from outside) is told to end.
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return finished_; });
    }
    server_->shutdown();
    thread_.join();
  }
  ~GdbStubRunner() {
    if (listen_fd_ >= 0) close(listen_fd_);
  }

 private:
  int listen_fd_ = -1;
  std::unique_ptr<hart::ProcessGdbTarget> target_;
  std::unique_ptr<hart::gdb::GdbServer> server_;
  std::thread thread_;
  std::atomic<bool> done_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  bool finished_ = false;  // the serving thread is done (mutex_)
};

// hart-run -g PORT --multi [PROGRAM]: an extended-remote gdb server
// (`target extended-remote`): no guest runs until gdb's `run` (vRun) or
// `attach` (vAttach); `kill` and `run` again work; PROGRAM is what a vRun
// without a name starts. Ends when the debugger disconnects (guests still
// running are killed).
int run_gdb_multi(const std::string& spec, const hart::linux::GuestConfig& base, hart::GuestLog& log,
                  const std::string& program, bool perf_map) {
  std::string err;
  std::unique_ptr<hart::Jit> jit = hart::Jit::create(&err);
  if (!jit) return fail(err);
  if (perf_map) jit->enable_perf_map();
  int listen_fd = -1;
  if (spec.rfind("unix:", 0) == 0) {
    listen_fd = hart::gdb::listen_unix(spec.substr(5), &err);
    if (listen_fd >= 0) fprintf(stderr, "hart-run: gdb extended-remote server listening on %s\n", spec.c_str());
  } else {
    char* end = nullptr;
    long port = strtol(spec.c_str(), &end, 10);
    if (spec.empty() || *end || port < 0 || port > 65535) return fail("bad -g port '" + spec + "'");
    int bound = 0;
    listen_fd = hart::gdb::listen_tcp("127.0.0.1", static_cast<int>(port), &bound, &err);
    if (listen_fd >= 0) fprintf(stderr, "hart-run: gdb extended-remote server listening on 127.0.0.1:%d\n", bound);
  }
  if (listen_fd < 0) return fail(err);
  fflush(stderr);
  hart::ProcessGdbTarget target(hart::make_guest_launcher(*jit, log, base), program);
  hart::gdb::GdbServer server(target);
  server.set_extended(true);
  int fd = -1;
  while (fd < 0) fd = accept_debugger(listen_fd, -1);
  {
    hart::gdb::BusyRefuser busy(listen_fd, fd, kBusy, accept_debugger);
    server.serve(fd);
  }
  close(listen_fd);
  target.kill();
  hart::linux::Process::kill_all_and_wait();
  hart::wait_launched_guests(5000);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  hart::linux::GuestConfig cfg;
  std::string log_spec, log_file, argv0;
  bool perf_map = false;
  std::string gdb_spec;
  bool gdb_multi = false;  // --multi: extended-remote server (gdb's run/kill), see run_gdb_multi
  int first_pid = 0;       // -pid N; else this process's host pid (vpid.h)
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  if (const char* p = getenv("QEMU_LD_PREFIX")) cfg.sysroot = p;
  if (const char* s = getenv("HART_ADDRESS_SPACE"); s && *s) {
    std::string e;
    if (!hart::parse_address_space_size(s, &cfg.address_space, &e))
      return fail("HART_ADDRESS_SPACE: " + e);
  }

  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() < 2 || a[0] != '-') break;
    if (a.rfind("--", 0) == 0) a = a.substr(1);  // accept --opt like QEMU
    if (a == "-") { ++i; break; }
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        fail(std::string("option ") + name + " needs an argument");
        exit(1);
      }
      return argv[++i];
    };
    if (a == "-h" || a == "-help") {
      fputs(kUsage, stdout);
      return 0;
    } else if (a == "-version") {
      printf("hart-run version %s (RISC-V 64 Linux user mode)\n", HART_VERSION);
      return 0;
    } else if (a == "-L") {
      cfg.sysroot = value("-L");
    } else if (a == "-R") {
      cfg.root = value("-R");
    } else if (a == "-core-pattern" || a == "--core-pattern") {
      cfg.core_pattern = value("-core-pattern");
      if (std::string why = hart::linux::check_core_pattern(cfg.core_pattern); !why.empty())
        return fail("-core-pattern: " + why);
    } else if (a == "-address-space") {
      std::string e;
      if (!hart::parse_address_space_size(value("-address-space"), &cfg.address_space, &e))
        return fail("-address-space: " + e);
    } else if (a == "-E") {
      std::string kv = value("-E");
      auto eq = kv.find('=');
      std::string key = kv.substr(0, eq);
      std::erase_if(env, [&](const std::string& s) { return s.rfind(key + "=", 0) == 0; });
      env.push_back(kv);
    } else if (a == "-U") {
      std::string key = value("-U");
      std::erase_if(env, [&](const std::string& s) { return s.rfind(key + "=", 0) == 0; });
    } else if (a == "-0") {
      argv0 = value("-0");
    } else if (a == "-r") {
      hart::linux::set_kernel_release(value("-r"));
    } else if (a == "-d") {
      log_spec = value("-d");
    } else if (a == "-D") {
      log_file = value("-D");
    } else if (a == "-strace") {
      cfg.strace = true;
    } else if (a == "--record" || a == "-record") {
      cfg.record = true;
    } else if (a == "--record-file" || a == "-record-file") {
      cfg.record_file = value("--record-file");
    } else if (a == "--replay" || a == "-replay") {
      cfg.replay_file = value("--replay");
    } else if (a == "--record-interval" || a == "-record-interval") {
      std::string n = value("--record-interval");
      char* end = nullptr;
      cfg.record_options.interval = strtoull(n.c_str(), &end, 0);
      if (n.empty() || *end || cfg.record_options.interval == 0)
        return fail("--record-interval: not a positive number: " + n);
    } else if (a == "-one-insn-per-tb" || a == "-singlestep") {
      cfg.vcpu.one_insn_per_tb = true;
    } else if (a == "-perfmap") {
      perf_map = true;
    } else if (a == "-tier0") {
      cfg.vcpu.tier0_with_logs = true;
    } else if (a == "-g") {
      gdb_spec = value("-g");
    } else if (a == "-multi") {
      gdb_multi = true;
    } else if (a == "-pid") {
      char* end = nullptr;
      const char* v = value("-pid");
      long pid = strtol(v, &end, 10);
      if (!*v || *end || pid < 2 || pid > (1 << 22)) return fail(std::string("bad -pid '") + v + "' (2..4194304)");
      first_pid = static_cast<int>(pid);
    } else {
      return fail("unknown option '" + a + "' (see hart-run -h)");
    }
  }

  hart::linux::reserve_host_fds(false);  // the guest's files never take the stub's last fds
  if (first_pid)
    hart::linux::set_first_vpid(first_pid, true);
  else
    hart::linux::set_first_vpid(static_cast<int>(getpid()), false);

  hart::GuestLog log;
  if (!log_spec.empty()) {
    if (log_spec == "help") {
      fputs(hart::log_categories_help().c_str(), stdout);
      return 0;
    }
    uint32_t mask = 0;
    std::string err;
    if (!hart::parse_log_categories(log_spec, &mask, &err)) return fail(err);
    log.set_mask(mask);
  }
  // A relative -L names a folder from here: the guest's chdir must not move it.
  if (!cfg.sysroot.empty() && cfg.sysroot[0] != '/') {
    char buf[PATH_MAX];
    if (!getcwd(buf, sizeof buf)) return fail("-L: cannot read the current directory");
    cfg.sysroot = std::string(buf) + "/" + cfg.sysroot;
  }
  if (cfg.strace) log.set_mask(log.mask() | hart::kLog_strace);
  if (!log_file.empty()) {
    std::string err;
    if (!log.open_file(log_file, &err)) return fail(err);
  }
  if (gdb_multi) {
    if (gdb_spec.empty()) return fail("--multi needs -g");
    cfg.envp = env;
    return run_gdb_multi(gdb_spec, cfg, log, i < argc ? argv[i] : "", perf_map);
  }
  if (!cfg.replay_file.empty() && (cfg.record || !cfg.record_file.empty()))
    return fail("--replay cannot be combined with --record or --record-file");
  if (i >= argc && cfg.replay_file.empty()) {
    fputs(kUsage, stderr);
    return 1;
  }

  if (i < argc) cfg.exe_path = argv[i];
  for (int k = i; k < argc; ++k) cfg.argv.emplace_back(argv[k]);
  if (!argv0.empty() && !cfg.argv.empty()) cfg.argv[0] = argv0;
  cfg.envp = env;

  std::string err;
  std::unique_ptr<hart::Jit> jit = hart::Jit::create(&err);
  if (!jit) return fail(err);
  if (perf_map) jit->enable_perf_map();
  if (const char* v = getenv("HART_JIT_STATS"); v && *v && strcmp(v, "0") != 0) jit->set_phase_timing(true);
  // One guest process until it forks or execs: publish translations for
  // sharing only from then on.
  jit->set_share_policy(hart::Jit::SharePolicy::WhenShared);
  GdbStubRunner stub;
  if (!gdb_spec.empty()) {
    if (!stub.listen(gdb_spec, &err)) return fail(err);
    cfg.before_start = [&stub](const std::shared_ptr<hart::linux::Process>& p) { stub.start(p); };
  }
  // Once the guest has ended, exit without tearing down its translations
  // and memory (tens of thousands of blocks) or the JIT: the kernel frees
  // them at once (qemu-riscv64 ends the same way).
  cfg.exit_after = true;
  // Tier 0: a block is interpreted the first translate_at - 1 times it runs
  // (VcpuOptions::launch_translate_at; $HART_TRANSLATE_AT, 0 = always
  // translate at once).
  if (!hart::VcpuOptions::launch_translate_at(&cfg.vcpu.translate_at, &err)) return fail(err);
  hart::linux::GuestResult r = hart::linux::run_guest(*jit, log, cfg);
  stub.finish();
  if (const char* v = getenv("HART_JIT_STATS"); v && *v && strcmp(v, "0") != 0) print_jit_stats(*jit);
  if (!r.ok) return fail(r.error);
  fflush(stdout);
  fflush(stderr);
  hart::linux::release_all_process_vpids();
  if (r.signaled) hart::server::die_of_signal(r.signal);  // like qemu-riscv64
  _exit(r.shell_status());
}
