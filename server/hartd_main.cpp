// server/hartd_main.cpp — hartd: the daemon. Parses its options, sets up
// its own log (spdlog), the control socket (refusing a live one, removing a
// stale one), the optional loopback TCP listener with its 0600 token file,
// the io_context thread pool, the shared JIT and the guest registry; turns
// SIGTERM/SIGINT and the `shutdown` request into a clean shutdown (guests
// get SIGTERM, a grace period, then SIGKILL; logs flushed; socket removed).
// Owns: process-level setup and the shutdown sequence. Does not own: the
// protocol (control_server.cpp, requests.cpp) or guests (guest_registry.cpp).
#include <fcntl.h>
#include <signal.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <malloc.h>
#include <unistd.h>

#include <utility>  // before Boost.Asio 1.74, which uses std::exchange without it
#include <boost/asio.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/address_space.h"
#include "server/control_server.h"
#include "server/gdb_multi.h"
#include "server/guest_registry.h"
#include "server/host_process.h"
#include "linux-abi/process/fd_table.h"
#include "linux-abi/process/process.h"
#include "server/requests.h"
#include "translator/jit.h"

namespace asio = boost::asio;
using namespace hart::server;

namespace {

const char kUsage[] =
    "usage: hartd [options]\n"
    "Runs RISC-V 64 Linux programs for clients of its control socket (see hartctl).\n\n"
    "Options:\n"
    "  --socket PATH        control socket (default $XDG_RUNTIME_DIR/hartd.sock,\n"
    "                       else /tmp/hartd-$UID/hartd.sock); also $HARTD_SOCKET\n"
    "  --tcp ADDR:PORT      also listen on loopback TCP (clients need the token)\n"
    "  --token-file PATH    token for TCP clients (default SOCKET.token; created 0600)\n"
    "  --tcp-auth-seconds S  TCP clients that have not said hello by then are dropped (default 10)\n"
    "  --foreground         do not detach (default: detach once the socket is ready)\n"
    "  --log-level LEVEL    trace, debug, info (default), warn, error, off\n"
    "  --log-file PATH      daemon log (default: stderr in the foreground,\n"
    "                       SOCKET.log when detached)\n"
    "  --threads N          io_context threads (default 2)\n"
    "  --default-processes N  process limit of a launch that sets none (default 1024; 0 = none)\n"
    "  --max-processes N    guest processes alive at once, every launch (default 4096; 0 = none)\n"
    "  --max-threads N      guest threads alive at once, every launch (default 16384; 0 = none)\n"
    "  --keep-ended N       ended launches whose status is kept until reaped (default 1000)\n"
    "  --keep-ended-seconds S  for at most S seconds (default 600)\n"
    "  --keep-orphaned-seconds S  ...and S seconds (default 10) for launches that asked for\n"
    "                       events on a connection since closed (hart-exec, hartctl run)\n"
    "  --shared-code SIZE   memory for translations shared by all guests (same code at\n"
    "                       the same address is translated once; default 512M, 0 = off;\n"
    "                       also $HART_SHARED_CODE)\n"
    "  --code-cache SIZE    host memory for one guest process's translated code; past it\n"
    "                       the process's translations are dropped and made again as\n"
    "                       they run (default 256M, 0 = none; also $HART_CODE_CACHE)\n"
    "  --max-code SIZE      for every guest's translated code together; past it a guest\n"
    "                       holding more than its share drops its translations (default:\n"
    "                       a quarter of the host's memory; 0 = none)\n"
    "  --translate-at N     a launch's block runs interpreted N-1 times and is translated\n"
    "                       the N-th (default 12; 0 or 1: at once; at most 255; also\n"
    "                       $HART_TRANSLATE_AT); a block another guest translated is copied\n"
    "  --gdb-dir PATH       private folder (0700) of gdb endpoints opened without a listen\n"
    "                       address (default SOCKET.gdb)\n"
    "  --max-address-space SIZE\n"
    "                       cap on the guest address space all guests reserve together\n"
    "                       (e.g. 64T; default: what the host has); launches past it fail\n"
    "                       with a `limit` error. Each launch reserves its \"address_space\"\n"
    "                       (default 16G) per process\n"
    "  --gdb-multi ADDR     open the extended-remote GDB endpoint on ADDR (HOST:PORT on\n"
    "                       loopback, or unix:PATH): gdb's run/attach/kill on daemon guests\n"
    "  --gdb-multi-launch JSON\n"
    "                       launch settings for its runs, e.g. '{\"sysroot\":\"/usr/riscv64-linux-gnu\"}'\n"
    "                       (env, cwd, sysroot, root, limits, log as in a launch request)\n"
    "  --version, -h/--help\n";

int fail(const std::string& msg) {
  fprintf(stderr, "hartd: %s\n", msg.c_str());
  return 1;
}

// The folder of the default socket in /tmp must be ours and private.
bool prepare_dir(const std::string& path, std::string* error) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return true;
  std::string dir = path.substr(0, slash);
  std::string tmpdir = "/tmp/hartd-" + std::to_string(getuid());
  if (dir != tmpdir) return true;
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    *error = "cannot create " + dir + ": " + strerror(errno);
    return false;
  }
  struct stat st;
  if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
      (st.st_mode & 077)) {
    *error = dir + " must be a folder owned by you with mode 0700";
    return false;
  }
  return true;
}

// Refuses a path where a daemon answers; removes a stale socket.
bool claim_socket_path(const std::string& path, std::string* error) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return true;
  if (!S_ISSOCK(st.st_mode)) {
    *error = path + " exists and is not a socket";
    return false;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa {};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof sa.sun_path) {
    close(fd);
    *error = "socket path too long: " + path;
    return false;
  }
  memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  bool live = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  close(fd);
  if (live) {
    *error = "another hartd is already listening on " + path;
    return false;
  }
  unlink(path.c_str());  // stale: left by a daemon that died
  return true;
}

bool load_or_make_token(const std::string& path, std::string* token, std::string* error) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    if (st.st_uid != getuid() || (st.st_mode & 077)) {
      *error = "token file " + path + " must be owned by you with mode 0600";
      return false;
    }
    std::ifstream in(path);
    std::getline(in, *token);
    if (token->size() < 16) {
      *error = "token file " + path + " holds no usable token (16+ characters)";
      return false;
    }
    return true;
  }
  unsigned char raw[24];
  if (getrandom(raw, sizeof raw, 0) != sizeof raw) {
    *error = "getrandom failed";
    return false;
  }
  static const char hex[] = "0123456789abcdef";
  token->clear();
  for (unsigned char c : raw) {
    *token += hex[c >> 4];
    *token += hex[c & 15];
  }
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    *error = "cannot create token file " + path + ": " + strerror(errno);
    return false;
  }
  std::string line = *token + "\n";
  bool ok = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  close(fd);
  if (!ok) *error = "cannot write token file " + path;
  return ok;
}

// The shutdown sequence, driven by a timer on the io_context.
struct Shutdown {
  Shutdown(asio::io_context& i, GuestRegistry& r, GdbMulti& m, ControlServer& s)
      : io(i), registry(r), multi(m), server(s), timer(i) {}
  asio::io_context& io;
  GuestRegistry& registry;
  GdbMulti& multi;
  ControlServer& server;
  asio::steady_timer timer;
  bool started = false, killed = false;
  std::chrono::steady_clock::time_point t0;
  double grace = 5;

  void start(double grace_seconds) {
    asio::post(io, [this, grace_seconds] {
      if (started) return;
      started = true;
      grace = grace_seconds;
      t0 = std::chrono::steady_clock::now();
      server.stop_accepting();
      multi.stop();  // its sessions end: the guests they started are killed
      int n = registry.running();
      spdlog::info("shutting down: {} guest(s) running get SIGTERM, {} s grace", n, grace);
      registry.kill_all(SIGTERM);
      tick();
    });
  }
  void tick() {
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (registry.running() == 0 || elapsed > grace + 10) {
      if (registry.running())
        spdlog::error("{} guest(s) did not end after SIGKILL", registry.running());
      server.close_all();
      // Let the last replies and events reach their clients, then stop.
      timer.expires_after(std::chrono::milliseconds(100));
      timer.async_wait([this](const boost::system::error_code&) { io.stop(); });
      return;
    }
    if (!killed && elapsed >= grace) {
      killed = true;
      spdlog::warn("grace period over: SIGKILL to {} guest(s)", registry.running());
      registry.kill_all(SIGKILL);
    }
    timer.expires_after(std::chrono::milliseconds(20));
    timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  }
};

}  // namespace

int main(int argc, char** argv) {
  // Every guest's vCPU state (~200 KiB, its jump cache) would otherwise get
  // an mmap (a host VMA) of its own; thousands of guests must stay well
  // under vm.max_map_count, so blocks below 1 MiB come from malloc's heaps.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  std::string socket_path, tcp, token_file, log_level = "info", log_file, gdb_multi, gdb_dir;
  Json gdb_multi_launch = Json::object();
  bool foreground = false;
  int nthreads = 2;
  RegistrySettings settings;
  {
    std::string err;
    if (!hart::VcpuOptions::launch_translate_at(&settings.translate_at, &err)) return fail(err);
  }
  int max_processes = 4096, max_threads = 16384;
  int64_t shared_code = -1;  // --shared-code bytes (-1: the default)
  int64_t code_cache = -1, max_code = -1;  // --code-cache, --max-code bytes (-1: the default)
  double tcp_auth_seconds = 10;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        fail("option " + a + " needs an argument");
        exit(1);
      }
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      fputs(kUsage, stdout);
      return 0;
    } else if (a == "--version") {
      printf("hartd %s\n", HART_VERSION);
      return 0;
    } else if (a == "--socket") {
      socket_path = value();
    } else if (a == "--tcp") {
      tcp = value();
    } else if (a == "--token-file") {
      token_file = value();
    } else if (a == "--foreground") {
      foreground = true;
    } else if (a == "--log-level") {
      log_level = value();
    } else if (a == "--log-file") {
      log_file = value();
    } else if (a == "--gdb-dir") {
      gdb_dir = value();
    } else if (a == "--gdb-multi") {
      gdb_multi = value();
    } else if (a == "--gdb-multi-launch") {
      gdb_multi_launch = Json::parse(value(), nullptr, /*allow_exceptions=*/false);
      if (std::string e = validate_launch_settings(gdb_multi_launch); !e.empty())
        return fail("--gdb-multi-launch: " + (gdb_multi_launch.is_discarded() ? "not JSON" : e));
    } else if (a == "--translate-at") {
      std::string v = value();
      char* end = nullptr;
      long n = strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 0 || n > 255) return fail(a + " wants a count 0..255");
      settings.translate_at = static_cast<unsigned>(n);
    } else if (a == "--default-processes" || a == "--max-processes" || a == "--max-threads" ||
               a == "--keep-ended") {
      std::string v = value();
      char* end = nullptr;
      long n = strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 0 || n > 1000000) return fail(a + " wants a count 0..1000000");
      if (a == "--keep-ended") settings.keep_ended = static_cast<size_t>(n);
      if (a == "--default-processes") settings.default_processes = static_cast<int>(n);
      if (a == "--max-processes") max_processes = static_cast<int>(n);
      if (a == "--max-threads") max_threads = static_cast<int>(n);
    } else if (a == "--keep-ended-seconds" || a == "--tcp-auth-seconds" || a == "--keep-orphaned-seconds") {
      std::string v = value();
      char* end = nullptr;
      double d = strtod(v.c_str(), &end);
      if (v.empty() || *end || !(d >= 0) || d > 1e9) return fail(a + " wants seconds >= 0");
      (a == "--tcp-auth-seconds"        ? tcp_auth_seconds
       : a == "--keep-orphaned-seconds" ? settings.keep_orphaned_seconds
                                        : settings.keep_ended_seconds) = d;
    } else if (a == "--shared-code") {
      std::string v = value();
      uint64_t bytes = 0;
      std::string e;
      if (v != "0" && !hart::parse_size(v, &bytes, &e)) return fail("--shared-code: " + e);
      shared_code = static_cast<int64_t>(bytes);
    } else if (a == "--code-cache" || a == "--max-code") {
      std::string v = value();
      uint64_t bytes = 0;
      std::string e;
      if (v != "0" && !hart::parse_size(v, &bytes, &e)) return fail(a + ": " + e);
      (a == "--code-cache" ? code_cache : max_code) = static_cast<int64_t>(bytes);
    } else if (a == "--max-address-space") {
      uint64_t cap = 0;
      std::string e;
      if (!hart::parse_size(value(), &cap, &e)) return fail("--max-address-space: " + e);
      hart::AddressSpace::set_reservation_cap(cap);
    } else if (a == "--threads") {
      nthreads = atoi(value().c_str());
      if (nthreads < 1 || nthreads > 64) return fail("--threads wants 1..64");
    } else {
      return fail("unknown option '" + a + "' (see hartd --help)");
    }
  }
  auto level = spdlog::level::from_str(log_level);
  if (level == spdlog::level::off && log_level != "off")
    return fail("unknown log level '" + log_level + "'");
  // systemd socket activation: the listening socket is fd 3 (SD_LISTEN_FDS_START)
  // when LISTEN_PID names this process; systemd owns the socket file.
  int activated_fd = -1;
  if (const char* lp = getenv("LISTEN_PID"); lp && atoi(lp) == getpid()) {
    const char* lf = getenv("LISTEN_FDS");
    if (!lf || atoi(lf) < 1) return fail("LISTEN_PID is set but LISTEN_FDS names no socket");
    activated_fd = 3;
    fcntl(activated_fd, F_SETFD, FD_CLOEXEC);
    foreground = true;  // a systemd service does not detach
    sockaddr_un sa{};
    socklen_t len = sizeof sa;
    if (getsockname(activated_fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0 || sa.sun_family != AF_UNIX)
      return fail("the socket passed by systemd is not a Unix socket");
    if (socket_path.empty()) socket_path = sa.sun_path;
    unsetenv("LISTEN_PID");  // guests must not see systemd's variables
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
  }
  if (socket_path.empty()) socket_path = hart::server::default_control_socket();
  std::string err;
  if (activated_fd < 0 && (!prepare_dir(socket_path, &err) || !claim_socket_path(socket_path, &err)))
    return fail(err);
  if (!foreground && log_file.empty()) log_file = socket_path + ".log";

  // Detach before any thread exists; the parent returns once the socket is
  // ready (or with the child's error), so `hartd && hartctl ...` works.
  int ready_pipe[2] = {-1, -1};
  if (!foreground) {
    if (pipe2(ready_pipe, O_CLOEXEC) != 0) return fail("pipe failed");
    pid_t pid = fork();
    if (pid < 0) return fail("fork failed");
    if (pid > 0) {
      close(ready_pipe[1]);
      char c = 0;
      ssize_t n = read(ready_pipe[0], &c, 1);
      return n == 1 && c == 'R' ? 0 : 1;
    }
    close(ready_pipe[0]);
    setsid();
  }

  try {
    std::shared_ptr<spdlog::logger> logger;
    if (!log_file.empty())
      logger = spdlog::basic_logger_mt("hartd", log_file);
    else
      logger = spdlog::stderr_color_mt("hartd");
    spdlog::set_default_logger(logger);
  } catch (const std::exception& e) {
    return fail(std::string("cannot open the log: ") + e.what());
  }
  spdlog::set_level(level);
  spdlog::flush_on(spdlog::level::info);

  signal(SIGPIPE, SIG_IGN);
  // gdb endpoints opened without an address listen on private Unix sockets here.
  if (gdb_dir.empty()) gdb_dir = socket_path + ".gdb";
  if (!GdbStubs::set_private_dir(gdb_dir, &err))
    spdlog::warn("{}: gdb endpoints need an explicit listen address", err);
  std::unique_ptr<hart::Jit> jit = hart::Jit::create(&err);
  if (!jit) return fail(err);
  if (shared_code >= 0) jit->set_shared_code_budget(static_cast<size_t>(shared_code));
  if (code_cache >= 0 || max_code >= 0)
    jit->set_code_budget(code_cache >= 0 ? static_cast<uint64_t>(code_cache) : jit->code_budget(),
                         max_code >= 0 ? static_cast<uint64_t>(max_code) : jit->code_cap());

  asio::io_context io;
  hart::linux::set_daemon_limits(max_processes, max_threads);
  hart::linux::reserve_host_fds(true);  // guests' files never take hartd's last fds
  GuestRegistry registry(io, *jit, settings);
  GdbMulti multi(registry);
  registry.set_gdb_multi(&multi);
  registry.set_executor_stats([&jit] {
    hart::SharedCodeStore::Stats s = jit->shared_code_stats();
    return Json{{"hits", s.hits},     {"misses", s.misses},   {"blocks", s.blocks},
                {"bytes", s.bytes},   {"evicted", s.evicted}, {"budget", s.budget}};
  });
  DaemonContext ctx;
  ctx.registry = &registry;
  ctx.gdb_multi = &multi;
  ctx.started = std::chrono::steady_clock::now();
  Shutdown* shutdown_ptr = nullptr;
  ctx.shutdown = [&](double grace) { shutdown_ptr->start(grace); };
  ControlServer server(io, ctx);
  Shutdown shutdown(io, registry, multi, server);
  shutdown_ptr = &shutdown;

  // The control socket opens last: a client that reaches it (a test, a
  // service manager's readiness check) finds the TCP and gdb endpoints
  // listening already.
  std::string token_path;
  if (!tcp.empty()) {
    token_path = token_file.empty() ? socket_path + ".token" : token_file;
    std::string token;
    server.set_auth_timeout(std::chrono::milliseconds(static_cast<int64_t>(tcp_auth_seconds * 1000)));
    if (!load_or_make_token(token_path, &token, &err) || !server.listen_tcp(tcp, token, &err)) return fail(err);
    spdlog::info("listening on tcp {} (token in {})", server.tcp_endpoint(), token_path);
  }
  if (!gdb_multi.empty() && multi.open(gdb_multi, gdb_multi_launch, &err).empty()) return fail(err);
  if (activated_fd >= 0 ? !server.adopt_unix(activated_fd, &err)
                        : !server.listen_unix(socket_path, &err))
    return fail(err);
  spdlog::info("hartd {} (pid {}) listening on {}", HART_VERSION, getpid(), socket_path);

  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("{} received", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    shutdown.start(5);
  });
  asio::steady_timer sweeper(io);
  std::function<void()> sweep = [&] {
    // Every 5 s, or often enough for a short --keep-ended-seconds.
    double every = std::clamp(std::min(settings.keep_ended_seconds, settings.keep_orphaned_seconds) / 2, 0.1, 5.0);
    sweeper.expires_after(std::chrono::milliseconds(static_cast<int64_t>(every * 1000)));
    sweeper.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      registry.sweep();
      sweep();
    });
  };
  sweep();

  if (!foreground) {
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
      close(null);
    }
    ssize_t n = write(ready_pipe[1], "R", 1);
    (void)n;
    close(ready_pipe[1]);
  }

  auto guard = asio::make_work_guard(io);
  std::vector<std::thread> pool;
  for (int i = 0; i < nthreads; ++i)
    pool.emplace_back([&] {
      for (;;) {
        try {
          io.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("unexpected exception in the io_context: {}", e.what());
        }
      }
    });
  for (auto& t : pool) t.join();
  // Debugger threads log as they end: they go before the log does.
  multi.close();
  registry.close_gdb_stubs();
  GdbStubs::remove_private_dir();

  if (activated_fd < 0) unlink(socket_path.c_str());  // systemd owns an activated socket
  spdlog::info("hartd stopped");
  spdlog::shutdown();
  if (registry.running()) _exit(1);  // guests stuck in the host kernel: do not run destructors
  return 0;
}
