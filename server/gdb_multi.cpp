// server/gdb_multi.cpp — see gdb_multi.h.
#include "server/gdb_multi.h"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "gdbstub/server.h"
#include "linux-abi/process/debug_hooks.h"
#include "linux-abi/process/process.h"
#include "server/gdb_target.h"
#include "server/self_peer.h"
#include "server/guest_registry.h"
#include "server/requests.h"

extern char** environ;

namespace hart::server {

struct GdbMulti::Session {
  int id = 0;
  std::unique_ptr<ProcessGdbTarget> target;
  std::unique_ptr<gdb::GdbServer> server;
};

namespace {

// The launch request body of a vRun: the endpoint's defaults, gdb's argv,
// its environment changes on top of the defaults' env (or, without one,
// the daemon's own environment, as gdbserver's) and its working directory.
Json vrun_body(const Json& defaults, const gdb::RunRequest& req) {
  Json body = defaults;
  body["argv"] = req.argv;
  std::vector<std::string> env;
  if (defaults.contains("env")) {
    env = defaults["env"].get<std::vector<std::string>>();
  } else {
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
  }
  if (req.env_reset) env.clear();
  for (const gdb::RunRequest::EnvChange& c : req.env) {
    std::erase_if(env, [&](const std::string& e) { return e.rfind(c.name + "=", 0) == 0; });
    if (!c.unset) env.push_back(c.name + "=" + c.value);
  }
  body["env"] = env;
  if (!req.cwd.empty()) body["cwd"] = req.cwd;
  return body;
}

// Output of processes a finished session started and detached from: to the
// daemon log, line by line, until every writer is gone (or quit).
void drain_to_log(int fd, int session, const std::atomic<bool>& quit) {
  int flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  std::string line;
  char buf[4096];
  while (!quit.load()) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = line.find('\n')) != std::string::npos) {
      spdlog::info("gdb session {}: guest output: {}", session, line.substr(0, nl));
      line.erase(0, nl + 1);
    }
  }
  if (!line.empty()) spdlog::info("gdb session {}: guest output: {}", session, line);
}

}  // namespace

std::string GdbMulti::open(const std::string& spec, const Json& defaults, std::string* error) {
  std::lock_guard<std::mutex> lock(mutex_);
  defaults_ = defaults;
  if (listener_.fd >= 0) return listener_.endpoint;
  if (!GdbStubs::listen(spec, &listener_, error)) return "";
  spdlog::info("gdb extended-remote endpoint on {}", listener_.endpoint);
  acceptor_ = std::thread([this] { accept_loop(); });
  return listener_.endpoint;
}

std::string GdbMulti::endpoint() {
  std::lock_guard<std::mutex> lock(mutex_);
  return listener_.endpoint;
}

std::string GdbMulti::debugging(int pid) {
  std::shared_ptr<linux::Process> p = linux::Process::find(pid);
  DebugController* d = p ? p->debug.load(std::memory_order_acquire) : nullptr;
  if (!d || !d->owner()) return "";
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& s : sessions_)
    if (s->target.get() == d->owner()) return listener_.endpoint;
  return "";
}

void GdbMulti::accept_loop() {
  int next_id = 1;
  while (!quit_.load()) {
    std::string refused;
    int fd = accept_from_outside(listener_.fd, 100, &refused);
    if (fd < 0) {
      if (!refused.empty() && log_refusal_now()) spdlog::warn("gdb extended-remote: debugger connection refused: {}", refused);
      continue;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    if (active_ >= kMaxSessions) {
      lock.unlock();
      spdlog::warn("gdb extended-remote: refused a connection ({} sessions open)", kMaxSessions);
      ::close(fd);
      continue;
    }
    auto s = std::make_shared<Session>();
    s->id = next_id++;
    ++threads_;
    ++active_;
    lock.unlock();
    std::thread([this, s, fd] { serve(s, fd); }).detach();
  }
}

void GdbMulti::serve(const std::shared_ptr<Session>& s, int fd) {
  spdlog::info("gdb session {}: debugger connected", s->id);
  int pipefd[2] = {-1, -1};
  if (pipe2(pipefd, O_CLOEXEC) == 0) fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
  const int out_w = pipefd[1];
  auto launcher = [this, out_w, id = s->id](const gdb::RunRequest& req,
                                std::string* error) -> std::shared_ptr<linux::Process> {
    Json body;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      body = vrun_body(defaults_, req);
    }
    LaunchRequest lr;
    if (std::string err = launch_settings(body, &lr); !err.empty()) {
      *error = err;
      return nullptr;
    }
    for (int i : {1, 2}) {
      int dup_fd = out_w >= 0 ? fcntl(out_w, F_DUPFD_CLOEXEC, 0) : -1;
      if (dup_fd >= 0) lr.stdio[i] = {StdioSpec::Fd, "", false, dup_fd};
    }
    lr.events = false;
    std::shared_ptr<linux::Process> started;
    lr.cfg.before_start = [&started](const std::shared_ptr<linux::Process>& p) {
      linux::debug_attach(*p, /*stop=*/true);  // before its first instruction
      started = p;
    };
    std::string code;
    if (!registry_.launch(std::move(lr), nullptr, &code, error, {})) return nullptr;
    spdlog::info("gdb session {}: runs guest {}", id, started->pid());
    return started;
  };
  s->target = std::make_unique<ProcessGdbTarget>(launcher, "");
  s->target->set_console_fd(pipefd[0]);
  s->server = std::make_unique<gdb::GdbServer>(*s->target);
  s->server->set_extended(true);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_.insert(s);
    if (quit_.load()) s->server->shutdown();
  }
  gdb::GdbServer::End e = s->server->serve(fd);
  spdlog::info("gdb session {}: ended ({})", s->id, static_cast<int>(e));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_.erase(s);
    --active_;  // draining the output of detached guests does not count
  }
  s->target->let_go();
  s->target.reset();  // its processes' claims go with it
  if (out_w >= 0) ::close(out_w);
  if (pipefd[0] >= 0) {
    drain_to_log(pipefd[0], s->id, quit_);
    ::close(pipefd[0]);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  --threads_;
  cv_.notify_all();
}

void GdbMulti::stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  quit_.store(true);
  for (const auto& s : sessions_) s->server->shutdown();
}

GdbMulti::~GdbMulti() { close(); }

void GdbMulti::close() {
  stop();
  if (acceptor_.joinable()) acceptor_.join();
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait_for(lock, std::chrono::seconds(5), [this] { return threads_ == 0; });
  GdbStubs::close_listener(&listener_);
}

}  // namespace hart::server
