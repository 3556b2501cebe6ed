// server/host_process.cpp — see host_process.h.
#include "server/host_process.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace hart::server {

std::string default_control_socket() {
  if (const char* s = getenv("HARTD_SOCKET"); s && *s) return s;
  if (const char* x = getenv("XDG_RUNTIME_DIR"); x && *x) return std::string(x) + "/hartd.sock";
  return "/tmp/hartd-" + std::to_string(getuid()) + "/hartd.sock";
}

void die_of_signal(int sig) {
  fflush(nullptr);
  struct rlimit nocore {0, 0};
  setrlimit(RLIMIT_CORE, &nocore);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  raise(sig);
}

}  // namespace hart::server
