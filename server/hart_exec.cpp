// server/hart_exec.cpp — hart-exec: runs one RISC-V program through hartd as
// if it ran here. Its stdin, stdout and stderr are passed to the guest
// (SCM_RIGHTS), with its argv, environment and working directory; the
// signals a terminal or a test driver sends are forwarded to the guest's
// tree; it exits with the guest's status or dies of the guest's signal.
// When no hartd answers on the socket it becomes hart-run (exec of the
// hart-run next to it), so it is always safe to use as an emulator:
// CMAKE_CROSSCOMPILING_EMULATOR, meson's exe_wrapper, binfmt_misc.
// Started under the name hart-binfmt (scripts/binfmt registers that link
// with binfmt_misc's P flag), it reads the kernel's argument convention:
// PROGRAM ORIGINAL-ARGV0 ARGS..., and takes no options.
//
// Owns: the launcher's command line, its one-connection exchange with hartd
// (launch, kill, exit event, reap) and the fallback. Does not own: the
// protocol (docs/PROTOCOL.md, server/requests.cpp).
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/host_process.h"

extern char** environ;

namespace {

using Json = nlohmann::json;

constexpr int kExitDaemon = 125;  // hartd refused the request (as hartctl)
constexpr int kExitExec = 126;    // the program could not be loaded

const char kUsage[] =
    "usage: hart-exec [options] program [arguments...]\n"
    "Runs a RISC-V 64 Linux program through hartd, as if it ran here: stdin,\n"
    "stdout, stderr, the environment and the working directory are the\n"
    "guest's; signals are forwarded; the exit status is the guest's.\n"
    "Without a daemon on the socket it runs the program itself (hart-run).\n\n"
    "Options:\n"
    "  --socket PATH      hartd's control socket (default: $HARTD_SOCKET, else\n"
    "                     $XDG_RUNTIME_DIR/hartd.sock, else /tmp/hartd-<uid>/hartd.sock)\n"
    "  -L path            look up absolute paths in path first (also $QEMU_LD_PREFIX)\n"
    "  -R root            run confined to the folder root (a jail)\n"
    "  -0 argv0           use argv0 as the guest's argv[0]\n"
    "  --no-daemon        do not try hartd: run in this process (hart-run)\n"
    "  -h, --help         print this help\n";

// The signals a terminal or a driver sends to the foreground job; each goes
// to the guest's whole tree. SIGCHLD, SIGPIPE, the synchronous and the stop
// signals stay ours.
constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
                              SIGALRM, SIGWINCH, SIGCONT, SIGVTALRM, SIGPROF, SIGXCPU};

[[noreturn]] void die(int status, const std::string& msg) {
  fprintf(stderr, "hart-exec: %s\n", msg.c_str());
  exit(status);
}

// A connected control socket, or -1 when nothing listens there.
int connect_daemon(const std::string& path) {
  sockaddr_un sa{};
  if (path.size() >= sizeof sa.sun_path) return -1;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// The fallback: hart-run, from the folder of this executable, then PATH.
[[noreturn]] void exec_hart_run(const std::vector<std::string>& run_args) {
  std::vector<char*> av;
  std::string self_dir;
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    buf[n] = 0;
    self_dir = buf;
    self_dir.resize(self_dir.rfind('/') + 1);
  }
  std::string beside = self_dir + "hart-run";
  av.push_back(const_cast<char*>("hart-run"));
  for (const std::string& a : run_args) av.push_back(const_cast<char*>(a.c_str()));
  av.push_back(nullptr);
  if (!self_dir.empty()) execv(beside.c_str(), av.data());
  execvp("hart-run", av.data());
  die(kExitExec, "no hartd answers and hart-run cannot be started: " + std::string(strerror(errno)));
}

// One control connection: lines out (with fds on the first), lines in.
class Conn {
 public:
  explicit Conn(int fd) : fd_(fd) {}
  bool send(const Json& j) { return send_line(j.dump() + "\n", {}); }
  bool send_line(const std::string& line, const std::vector<int>& fds) {
    size_t off = 0;
    while (off < line.size()) {
      iovec iov{const_cast<char*>(line.data()) + off, line.size() - off};
      msghdr mh{};
      mh.msg_iov = &iov;
      mh.msg_iovlen = 1;
      alignas(cmsghdr) char cbuf[CMSG_SPACE(3 * sizeof(int))];
      if (off == 0 && !fds.empty()) {
        mh.msg_control = cbuf;
        mh.msg_controllen = CMSG_SPACE(fds.size() * sizeof(int));
        cmsghdr* c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(fds.size() * sizeof(int));
        memcpy(CMSG_DATA(c), fds.data(), fds.size() * sizeof(int));
      }
      ssize_t w = sendmsg(fd_, &mh, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      off += static_cast<size_t>(w);
    }
    return true;
  }
  // The next whole line, or false at EOF/error. Waits also on sigfd; a
  // signal read there is handed to on_signal.
  template <typename F>
  bool next(Json* out, int sigfd, F on_signal) {
    for (;;) {
      size_t nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        try {
          *out = Json::parse(line);
          return true;
        } catch (const Json::exception&) {
          return false;
        }
      }
      pollfd p[2] = {{fd_, POLLIN, 0}, {sigfd, POLLIN, 0}};
      if (poll(p, sigfd >= 0 ? 2 : 1, -1) < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      if (sigfd >= 0 && (p[1].revents & POLLIN)) {
        signalfd_siginfo si;
        if (read(sigfd, &si, sizeof si) == sizeof si) on_signal(static_cast<int>(si.ssi_signo));
      }
      if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        char chunk[4096];
        ssize_t r = read(fd_, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        buf_.append(chunk, static_cast<size_t>(r));
      }
    }
  }

 private:
  int fd_;
  std::string buf_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string socket_path, sysroot, root, argv0;
  bool no_daemon = false;
  if (const char* p = getenv("QEMU_LD_PREFIX")) sysroot = p;
  std::vector<std::string> run_args;  // for the hart-run fallback
  int i = 1;
  std::string self = argv[0];
  bool binfmt = self.substr(self.rfind('/') + 1) == "hart-binfmt";
  if (binfmt) {  // argv: hart-binfmt /full/path/prog argv0 args...
    if (argc < 3) die(2, "hart-binfmt is started by binfmt_misc (flag P): PROGRAM ARGV0 ARGS...");
    argv0 = argv[2];
    argv[2] = argv[1];  // the program, then its arguments
    i = 2;
  }
  for (; i < argc && !binfmt; ++i) {
    std::string a = argv[i];
    if (a.size() < 2 || a[0] != '-') break;
    if (a == "--") {
      ++i;
      break;
    }
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(2, "option " + a + " needs an argument");
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      fputs(kUsage, stdout);
      return 0;
    } else if (a == "--socket") {
      socket_path = value();
    } else if (a == "-L") {
      sysroot = value();
    } else if (a == "-R") {
      root = value();
    } else if (a == "-0") {
      argv0 = value();
    } else if (a == "--no-daemon") {
      no_daemon = true;
    } else {
      die(2, "unknown option '" + a + "' (see hart-exec --help)");
    }
  }
  if (i >= argc) {
    fputs(kUsage, stderr);
    return 2;
  }
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) die(kExitExec, "cannot read the current directory");
  auto absolute = [&](const std::string& p) { return p.empty() || p[0] == '/' ? p : std::string(cwd) + "/" + p; };
  sysroot = absolute(sysroot);
  root = absolute(root);
  if (!sysroot.empty()) run_args.insert(run_args.end(), {"-L", sysroot});
  if (!root.empty()) run_args.insert(run_args.end(), {"-R", root});
  if (!argv0.empty()) run_args.insert(run_args.end(), {"-0", argv0});
  run_args.push_back("--");
  for (int k = i; k < argc; ++k) run_args.emplace_back(argv[k]);

  // The request. Bytes JSON cannot carry as text (non-UTF-8 arguments or
  // environment) are left to hart-run.
  std::string prog = argv[i];
  std::string exe = root.empty() ? absolute(prog) : prog;  // a jail resolves it inside
  Json args = Json::array();
  args.push_back(argv0.empty() ? exe : argv0);
  for (int k = i + 1; k < argc; ++k) args.push_back(argv[k]);
  Json env = Json::array();
  for (char** e = environ; *e; ++e) env.push_back(*e);
  Json req = {{"id", 1}, {"op", "launch"}, {"argv", args}, {"env", env}, {"cwd", cwd}, {"events", true}};
  if (!argv0.empty()) req["exe"] = exe;
  if (!sysroot.empty()) req["sysroot"] = sysroot;
  if (!root.empty()) req["root"] = root;
  std::vector<int> fds;
  for (int fd = 0; fd < 3; ++fd) {
    static const char* kName[] = {"stdin", "stdout", "stderr"};
    if (fcntl(fd, F_GETFD) >= 0) {
      req[kName[fd]] = {{"fd", true}};
      fds.push_back(fd);
    } else {
      req[kName[fd]] = "null";
    }
  }
  std::string line;
  try {
    line = req.dump() + "\n";
  } catch (const Json::exception&) {  // not UTF-8
    no_daemon = true;
  }
  if (no_daemon) exec_hart_run(run_args);

  int sock = connect_daemon(socket_path.empty() ? hart::server::default_control_socket() : socket_path);
  if (sock < 0) exec_hart_run(run_args);

  // Signals wait in a signalfd from now on: none is lost between the launch
  // and its reply, and none kills us before the guest's status is known.
  sigset_t fwd;
  sigemptyset(&fwd);
  for (int s : kForwarded) sigaddset(&fwd, s);
  sigprocmask(SIG_BLOCK, &fwd, nullptr);
  int sigfd = signalfd(-1, &fwd, SFD_CLOEXEC);

  Conn c(sock);
  if (!c.send_line(line, fds)) exec_hart_run(run_args);  // the daemon went away: still run it
  int pid = 0;
  std::vector<int> early;  // signals before the guest's pid is known
  int next_id = 2;
  auto forward = [&](int sig) {
    if (!pid) {
      early.push_back(sig);
      return;
    }
    c.send({{"id", next_id++}, {"op", "kill"}, {"pid", pid}, {"signal", sig}, {"tree", true}});
  };
  Json m;
  for (;;) {
    if (!c.next(&m, sigfd, forward)) die(kExitDaemon, "hartd closed the connection before the launch was answered");
    if (m.value("id", 0) != 1) continue;
    if (!m.value("ok", false)) {
      const Json& e = m.contains("error") ? m["error"] : Json::object();
      std::string code = e.value("code", "");
      die(code == "exec_failed" ? kExitExec : kExitDaemon, e.value("message", code.empty() ? "launch refused" : code));
    }
    pid = m.value("pid", 0);
    break;
  }
  for (int sig : early) forward(sig);
  for (;;) {
    if (!c.next(&m, sigfd, forward)) die(kExitDaemon, "hartd closed the connection while the guest ran");
    if (m.value("event", "") == "exit" && m.value("pid", 0) == pid) break;
  }
  // Forget the ended guest in hartd (its status is ours now).
  c.send({{"id", 0}, {"op", "wait"}, {"pid", pid}, {"reap", true}});
  Json r;
  while (c.next(&r, -1, forward) && !(r.contains("id") && r["id"] == 0)) {
  }
  close(sock);
  if (m.contains("signal")) {
    hart::server::die_of_signal(m.value("signal", 0));
    return 128 + m.value("signal", 0);
  }
  return m.value("exit_code", 0);
}
