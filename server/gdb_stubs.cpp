// server/gdb_stubs.cpp — see gdb_stubs.h.
#include "server/gdb_stubs.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <chrono>
#include <thread>

#include "gdbstub/server.h"
#include "linux-abi/process/process.h"
#include "server/gdb_target.h"
#include "server/self_peer.h"

namespace hart::server {

struct GdbStubs::Stub {
  int pid = 0, launch_pid = 0;
  Listener listener;
  std::shared_ptr<linux::Process> process;
  std::unique_ptr<ProcessGdbTarget> target;
  std::unique_ptr<gdb::GdbServer> server;
  std::atomic<bool> quit{false};
};

namespace {
std::mutex g_dir_mutex;
std::string g_private_dir;  // "" until set_private_dir
std::atomic<uint64_t> g_next_endpoint{1};
}  // namespace

bool GdbStubs::set_private_dir(const std::string& dir, std::string* error) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    *error = "cannot create the gdb folder " + dir + ": " + strerror(errno);
    return false;
  }
  struct stat st;
  if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
    *error = "the gdb folder " + dir + " must be a folder owned by you (not a symlink)";
    return false;
  }
  if ((st.st_mode & 07777) != 0700 && chmod(dir.c_str(), 0700) != 0) {
    *error = "cannot make the gdb folder " + dir + " private: " + strerror(errno);
    return false;
  }
  std::lock_guard<std::mutex> lock(g_dir_mutex);
  g_private_dir = dir;
  return true;
}

void GdbStubs::remove_private_dir() {
  std::lock_guard<std::mutex> lock(g_dir_mutex);
  if (!g_private_dir.empty()) rmdir(g_private_dir.c_str());
}

bool GdbStubs::listen(const std::string& spec_in, Listener* out, std::string* error) {
  std::string spec = spec_in;
  if (spec.empty()) {
    std::lock_guard<std::mutex> lock(g_dir_mutex);
    if (g_private_dir.empty()) {
      *error = "gdb listen: no private gdb folder; give \"unix:PATH\" or \"127.0.0.1:PORT\"";
      return false;
    }
    spec = "unix:" + g_private_dir + "/gdb-" + std::to_string(g_next_endpoint.fetch_add(1)) + ".sock";
  }
  if (spec.rfind("unix:", 0) == 0) {
    std::string path = spec.substr(5);
    if (path.empty() || path[0] != '/') {
      *error = "gdb listen: a Unix socket path must be absolute";
      return false;
    }
    // Not through umask (process-wide: guests create files meanwhile); the
    // default folder is private anyway.
    out->fd = gdb::listen_unix(path, error);
    if (out->fd < 0) return false;
    chmod(path.c_str(), 0600);
    out->endpoint = spec;
    out->unix_path = path;
    return true;
  }
  size_t colon = spec.rfind(':');
  std::string host = colon == std::string::npos ? "" : spec.substr(0, colon);
  std::string port_text = colon == std::string::npos ? "" : spec.substr(colon + 1);
  char* end = nullptr;
  long port = strtol(port_text.c_str(), &end, 10);
  if (host.empty() || port_text.empty() || *end || port < 0 || port > 65535) {
    *error = "gdb listen: expected \"HOST:PORT\" or \"unix:PATH\", got \"" + spec + "\"";
    return false;
  }
  if (host == "localhost") host = "127.0.0.1";
  if (host.rfind("127.", 0) != 0) {
    *error = "gdb listen: only loopback addresses (127.x.x.x) are allowed";
    return false;
  }
  int bound = 0;
  out->fd = gdb::listen_tcp(host, static_cast<int>(port), &bound, error);
  if (out->fd < 0) return false;
  out->endpoint = host + ":" + std::to_string(bound);
  return true;
}

void GdbStubs::close_listener(Listener* l) {
  if (l->fd >= 0) ::close(l->fd);
  if (!l->unix_path.empty()) unlink(l->unix_path.c_str());
  l->fd = -1;
  l->unix_path.clear();
}

void GdbStubs::start(Listener l, const std::shared_ptr<linux::Process>& p, bool stop,
                     bool started_here, int launch_pid) {
  auto s = std::make_shared<Stub>();
  s->pid = p->pid();
  s->launch_pid = launch_pid;
  s->listener = std::move(l);
  s->process = p;
  s->target = std::make_unique<ProcessGdbTarget>(p, stop, started_here);
  s->server = std::make_unique<gdb::GdbServer>(*s->target);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stubs_[s->pid] = s;
    ++threads_;
  }
  spdlog::info("guest {}: gdb stub on {}{}", s->pid, s->listener.endpoint,
               stop ? " (stopped until a debugger resumes it)" : "");
  std::thread([this, s] { run(s); }).detach();
}

void GdbStubs::run(const std::shared_ptr<Stub>& s) {
  const std::string busy_text =
      "hartd: guest " + std::to_string(s->pid) + ": another debugger is connected to this stub (one at a time)";
  auto accept_outside = [](int lfd, int ms) {
    std::string why;
    return accept_from_outside(lfd, ms, &why);
  };
  int next = -1;  // a connection that came as the previous session ended
  while (!s->quit.load() && !s->process->zombie()) {
    int fd = next;
    next = -1;
    if (fd < 0) {
      std::string refused;
      fd = accept_from_outside(s->listener.fd, 100, &refused);
      if (fd < 0) {
        if (!refused.empty() && log_refusal_now()) spdlog::warn("guest {}: debugger connection refused: {}", s->pid, refused);
        continue;
      }
    }
    spdlog::info("guest {}: debugger connected", s->pid);
    // One debugger at a time: others are told so (an RSP error), not kept waiting.
    gdb::BusyRefuser busy(s->listener.fd, fd, busy_text, accept_outside);
    gdb::GdbServer::End e = s->server->serve(fd);
    next = busy.finish();
    spdlog::info("guest {}: debugger session ended ({})", s->pid, static_cast<int>(e));
    if (e == gdb::GdbServer::End::Shutdown || e == gdb::GdbServer::End::ProcessEnded) break;
  }
  if (next >= 0) ::close(next);
  close_listener(&s->listener);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = stubs_.find(s->pid);
  if (it != stubs_.end() && it->second == s) stubs_.erase(it);
  --threads_;
  cv_.notify_all();
}

std::string GdbStubs::endpoint(int pid) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = stubs_.find(pid);
  return it == stubs_.end() || it->second->quit.load() ? "" : it->second->listener.endpoint;
}

void GdbStubs::close_launch(int launch_pid) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [pid, s] : stubs_)
    if (s->launch_pid == launch_pid) s->quit.store(true);
}

GdbStubs::~GdbStubs() { close_all(); }

void GdbStubs::close_all() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (auto& [pid, s] : stubs_) {
    s->quit.store(true);
    s->server->shutdown();
  }
  cv_.wait_for(lock, std::chrono::seconds(3), [this] { return threads_ == 0; });
}

}  // namespace hart::server
