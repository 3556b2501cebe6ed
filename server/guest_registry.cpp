// server/guest_registry.cpp — launches, captured stdio, exit events,
// waiters. See guest_registry.h (threading rules there).
#include "server/guest_registry.h"

#include <fcntl.h>
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <deque>

#include "linux-abi/process/debug_hooks.h"
#include "linux-abi/process/process.h"
#include "server/control_server.h"
#include "server/gdb_multi.h"
#include "server/requests.h"
#include "server/text_codec.h"

namespace hart::server {

namespace {
constexpr const char* kStreamName[3] = {"stdin", "stdout", "stderr"};
constexpr int64_t kTrimEveryNs = 1000000000;  // malloc_trim at most once a second (sweep)

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

struct GuestRegistry::Guest {
  explicit Guest(asio::io_context& io) : strand(asio::make_strand(io)) {}
  // Immutable after launch().
  int pid = 0;
  std::shared_ptr<linux::Launch> launch;
  asio::strand<asio::io_context::executor_type> strand;
  std::vector<std::string> argv;
  bool stdin_captured = false;
  // Readable from any thread.
  std::atomic<bool> done{false};        // exit event sent, status final
  std::atomic<int64_t> ended_at_ns{0};
  linux::Launch::Stats final_stats;     // written before done is set
  // Strand only.
  bool ready = false;       // pipes set up
  bool exit_known = false;  // the Launch has ended
  linux::LaunchStatus status;
  std::weak_ptr<Connection> events_to;
  bool wants_events = false;  // immutable after launch()
  std::vector<std::weak_ptr<Connection>> tails;
  std::unique_ptr<asio::posix::stream_descriptor> pipe[3];  // 0: stdin writer, 1/2: readers
  std::unique_ptr<std::array<char, 65536>> buf[3];  // while the stream is open
  std::string carry[3];  // incomplete UTF-8 sequence at the end of the last chunk
  int open_streams = 0;
  std::deque<std::string> stdin_queue;
  bool stdin_writing = false, stdin_eof = false;
  struct Waiter {
    std::weak_ptr<Connection> conn;
    Json id;
    bool reap = false;
    std::shared_ptr<asio::steady_timer> timer;
  };
  std::vector<Waiter> waiters;
};

GuestRegistry::GuestRegistry(asio::io_context& io, Executor& exec, RegistrySettings settings)
    : io_(io), exec_(exec), settings_(settings) {}
GuestRegistry::~GuestRegistry() = default;

void GuestRegistry::status_fields(const linux::LaunchStatus& st, Json* out) {
  if (st.signaled) {
    (*out)["signal"] = st.signal;
    (*out)["signal_name"] = signal_name(st.signal);
    (*out)["core"] = st.core;
  } else {
    (*out)["exit_code"] = st.exit_code;
  }
  if (!st.limit.empty()) (*out)["limit"] = st.limit;
}

int GuestRegistry::launch(LaunchRequest req, const std::shared_ptr<Connection>& conn,
                          std::string* code, std::string* error,
                          const std::function<void(int)>& started) {
  int guest_fd[3] = {-1, -1, -1}, daemon_fd[3] = {-1, -1, -1};
  auto close_all = [&] {
    for (int i = 0; i < 3; ++i) {
      if (guest_fd[i] >= 0) ::close(guest_fd[i]);
      if (daemon_fd[i] >= 0) ::close(daemon_fd[i]);
      guest_fd[i] = daemon_fd[i] = -1;
    }
  };
  std::string limit;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (running_ >= kMaxRunning)
      limit = "too many running launches (" + std::to_string(kMaxRunning) + ")";
  }
  int max_processes = linux::daemon_max_processes();
  if (limit.empty() && max_processes > 0 && linux::live_processes() >= max_processes)
    limit = "daemon limit max_processes reached: " + std::to_string(max_processes) +
            " guest processes alive (hartd --max-processes)";
  if (limit.empty() && !linux::thread_room())
    limit = "daemon limit max_threads reached: " + std::to_string(linux::daemon_max_threads()) +
            " guest threads alive (hartd --max-threads)";
  if (!limit.empty()) {
    for (auto& s : req.stdio)
      if (s.fd >= 0) ::close(s.fd);
    *code = "limit";
    *error = limit;
    return 0;
  }
  if (req.cfg.limits.processes <= 0) req.cfg.limits.processes = settings_.default_processes;
  req.cfg.vcpu.translate_at = settings_.translate_at;
  for (int i = 0; i < 3; ++i) {
    StdioSpec& s = req.stdio[i];
    switch (s.kind) {
      case StdioSpec::Null:
        break;
      case StdioSpec::Fd:
        guest_fd[i] = s.fd;
        s.fd = -1;
        break;
      case StdioSpec::Capture: {
        int p[2];
        if (pipe2(p, O_CLOEXEC) != 0) {
          close_all();
          *code = "internal";
          *error = std::string("pipe: ") + strerror(errno);
          return 0;
        }
        guest_fd[i] = i == 0 ? p[0] : p[1];
        daemon_fd[i] = i == 0 ? p[1] : p[0];
        break;
      }
      case StdioSpec::File: {
        std::string path = s.path;
        if (!path.empty() && path[0] != '/' && !req.cfg.cwd.empty()) path = req.cfg.cwd + "/" + path;
        int flags = i == 0 ? O_RDONLY : (O_WRONLY | O_CREAT | (s.append ? O_APPEND : O_TRUNC));
        guest_fd[i] = open(path.c_str(), flags | O_CLOEXEC, 0644);
        if (guest_fd[i] < 0) {
          int e = errno;
          close_all();
          *code = "bad_request";
          *error = std::string(kStreamName[i]) + ": cannot open '" + s.path + "': " + strerror(e);
          return 0;
        }
        break;
      }
    }
    req.cfg.stdio[i] = guest_fd[i];
  }

  auto g = std::make_shared<Guest>(io_);
  g->argv = req.cfg.argv;
  g->stdin_captured = req.stdio[0].kind == StdioSpec::Capture;
  if (req.events) g->events_to = conn;
  g->wants_events = req.events;
  std::weak_ptr<Guest> weak = g;
  req.cfg.log_sink = [weak](const std::string& text) {
    auto gg = weak.lock();
    if (!gg) return;
    asio::post(gg->strand, [gg, text] {
      if (gg->tails.empty()) return;
      size_t pos = 0;
      while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? text.size() : nl + 1;
        Json ev = {{"event", "log"}, {"pid", gg->pid}, {"line", line}};
        for (auto& w : gg->tails)
          if (auto c = w.lock()) c->send(ev);
      }
    });
  };
  auto on_exit = [this, g](const linux::LaunchStatus& st) {
    // st.pid, not g->pid: a guest that ends at once gets here (on its
    // supervisor thread) before launch() has set g->pid.
    gdb_.close_launch(st.pid);
    asio::post(g->strand, [this, g, st] {
      g->status = st;
      g->exit_known = true;
      maybe_finish(g);
    });
  };
  std::string err;
  GdbStubs::Listener listener;
  if (req.gdb) {
    // Listen before loading, so a bad endpoint fails the launch; the stub
    // attaches to the loaded process before its first instruction.
    if (!GdbStubs::listen(req.gdb_listen, &listener, &err)) {
      close_all();
      *code = "bad_request";
      *error = err;
      return 0;
    }
    bool wait = req.gdb_wait;
    req.cfg.before_start = [this, &listener, wait](const std::shared_ptr<linux::Process>& p) {
      gdb_.start(std::move(listener), p, wait, /*started_here=*/true, p->pid());
      listener = {};
    };
  }
  bool capacity = false;
  std::shared_ptr<linux::Launch> l = linux::Launch::start(exec_, req.cfg, on_exit, &err, &capacity);
  GdbStubs::close_listener(&listener);  // not taken over: the launch failed
  for (int i = 0; i < 3; ++i)
    if (guest_fd[i] >= 0) ::close(guest_fd[i]);  // the guest has its own copies now
  if (!l) {
    for (int i = 0; i < 3; ++i)
      if (daemon_fd[i] >= 0) ::close(daemon_fd[i]);
    *code = capacity ? "limit" : "exec_failed";  // no room for it in hartd, or a bad program
    *error = err;
    return 0;
  }
  g->launch = l;
  g->pid = l->pid();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    guests_[g->pid] = g;
    ++running_;
    ++launched_;
  }
  spdlog::info("guest {} launched: {}", g->pid, g->argv.empty() ? "" : g->argv[0]);
  // The reply goes out before any event of this guest can.
  if (started) started(g->pid);
  std::array<int, 3> fds = {daemon_fd[0], daemon_fd[1], daemon_fd[2]};
  asio::post(g->strand, [this, g, fds] {
    for (int i = 0; i < 3; ++i) {
      if (fds[i] < 0) continue;
      g->pipe[i] = std::make_unique<asio::posix::stream_descriptor>(g->strand, fds[i]);
      if (i == 0) {
        g->pipe[0]->non_blocking(true);
        continue;
      }
      ++g->open_streams;
      start_reader(g, i);
    }
    g->ready = true;
    maybe_finish(g);
  });
  return g->pid;
}

void GuestRegistry::start_reader(const std::shared_ptr<Guest>& g, int i) {
  if (!g->buf[i]) g->buf[i] = std::make_unique<std::array<char, 65536>>();
  g->pipe[i]->async_read_some(
      asio::buffer(*g->buf[i]),
      asio::bind_executor(g->strand, [this, g, i](const boost::system::error_code& ec, size_t n) {
        std::string data = g->carry[i];
        g->carry[i].clear();
        data.append(g->buf[i]->data(), n);
        if (!ec) {
          size_t keep = incomplete_utf8_tail(data);
          if (keep) {
            g->carry[i] = data.substr(data.size() - keep);
            data.resize(data.size() - keep);
          }
        }
        if (!data.empty()) {
          Json ev = {{"event", "output"}, {"pid", g->pid}, {"stream", kStreamName[i]}};
          if (valid_utf8(data))
            ev["data"] = data;
          else
            ev["data_b64"] = base64_encode(data);
          send_event(g, std::move(ev));
        }
        if (ec) {
          g->pipe[i].reset();
          g->buf[i].reset();
          --g->open_streams;
          maybe_finish(g);
          return;
        }
        start_reader(g, i);
      }));
}

void GuestRegistry::send_event(const std::shared_ptr<Guest>& g, Json ev) {
  if (auto c = g->events_to.lock()) c->send(std::move(ev));
}

void GuestRegistry::maybe_finish(const std::shared_ptr<Guest>& g) {
  if (!g->ready || !g->exit_known || g->open_streams > 0 || g->done.load()) return;
  g->pipe[0].reset();  // captured stdin: nobody reads it any more
  g->stdin_queue.clear();
  g->ended_at_ns.store(now_ns());
  g->final_stats = g->launch->stats();  // final: the launch has ended
  g->done.store(true, std::memory_order_release);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --running_;
  }
  const linux::LaunchStatus& st = g->status;
  if (st.signaled)
    spdlog::info("guest {} ended by {}{}", g->pid, signal_name(st.signal),
                 st.limit.empty() ? "" : " (" + st.limit + " limit)");
  else
    spdlog::info("guest {} exited with {}", g->pid, st.exit_code);
  Json ev = {{"event", "exit"}, {"pid", g->pid}};
  status_fields(st, &ev);
  send_event(g, std::move(ev));
  bool reap = false;
  for (auto& w : g->waiters) {
    if (w.timer) w.timer->cancel();
    Json r = {{"id", w.id}, {"ok", true}, {"pid", g->pid}};
    status_fields(st, &r);
    if (auto c = w.conn.lock()) c->send(std::move(r));
    reap = reap || w.reap;
  }
  g->waiters.clear();
  g->tails.clear();
  bool over = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (reap) {
      forget_locked(g->pid);
      trim_due_ = true;
    }
    over = guests_.size() - static_cast<size_t>(running_) > settings_.keep_ended;
  }
  if (over) sweep();  // the count bound holds at all times, not only at the periodic sweep
}

std::shared_ptr<GuestRegistry::Guest> GuestRegistry::find_launch(int pid) {
  std::vector<std::shared_ptr<Guest>> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = guests_.find(pid);
    if (it != guests_.end()) return it->second;
    for (auto& [p, g] : guests_)
      if (!g->done.load()) all.push_back(g);
  }
  for (auto& g : all)
    if (g->launch->has_pid(pid)) return g;
  return nullptr;
}

bool GuestRegistry::known(int pid) { return find_launch(pid) != nullptr; }

std::string GuestRegistry::gdb_attach(int pid, const std::string& listen, std::string* exe,
                                      std::string* code, std::string* error) {
  std::shared_ptr<Guest> g = find_launch(pid);
  std::shared_ptr<linux::Process> p = g && !g->done.load() ? g->launch->process(pid) : nullptr;
  if (!p) {
    *code = "no_such_guest";
    *error = "no running guest with pid " + std::to_string(pid);
    return "";
  }
  *exe = p->exe_path();  // already the host's path (inside the root for a jailed guest)
  std::string ep = gdb_.endpoint(pid);
  if (!ep.empty()) return ep;  // one stub per process: the one it has
  if (linux::debug_controller(*p)->claimed()) {
    *code = "busy";
    *error = "guest " + std::to_string(pid) + " is being debugged through " +
             (multi_ && !multi_->debugging(pid).empty() ? "the extended-remote endpoint " + multi_->debugging(pid)
                                                        : std::string("another stub"));
    return "";
  }
  GdbStubs::Listener l;
  if (!GdbStubs::listen(listen, &l, error)) {
    *code = "bad_request";
    return "";
  }
  ep = l.endpoint;
  gdb_.start(std::move(l), p, /*stop=*/false, /*started_here=*/false, g->pid);
  return ep;
}

bool GuestRegistry::input(int pid, std::string data, bool eof) {
  std::shared_ptr<Guest> g;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = guests_.find(pid);
    if (it == guests_.end()) return false;
    g = it->second;
  }
  if (!g->stdin_captured || g->done.load()) return false;
  asio::post(g->strand, [g, data = std::move(data), eof]() mutable {
    if (!g->pipe[0] || g->stdin_eof) return;
    if (!data.empty()) g->stdin_queue.push_back(std::move(data));
    if (eof) g->stdin_eof = true;
    // Writer loop: one async_write at a time, EOF (close) after the queue.
    struct Pump {
      static void next(const std::shared_ptr<Guest>& g) {
        if (g->stdin_writing || !g->pipe[0]) return;
        if (g->stdin_queue.empty()) {
          if (g->stdin_eof) g->pipe[0].reset();
          return;
        }
        g->stdin_writing = true;
        asio::async_write(*g->pipe[0], asio::buffer(g->stdin_queue.front()),
                          asio::bind_executor(g->strand, [g](const boost::system::error_code& ec,
                                                             size_t) {
                            g->stdin_writing = false;
                            if (!g->stdin_queue.empty()) g->stdin_queue.pop_front();
                            if (ec) {
                              g->stdin_queue.clear();
                              g->pipe[0].reset();
                              return;
                            }
                            next(g);
                          }));
      }
    };
    Pump::next(g);
  });
  return true;
}

int GuestRegistry::kill(int pid, int sig, bool tree) {
  std::shared_ptr<Guest> g = find_launch(pid);
  if (!g || g->done.load() || g->launch->ended()) return -ESRCH;
  if (pid == g->pid || tree) return g->launch->kill(sig, tree) ? 0 : -ESRCH;
  return g->launch->kill_pid(pid, sig);
}

bool GuestRegistry::wait(int pid, double timeout, bool reap, const std::shared_ptr<Connection>& conn,
                         Json id) {
  std::shared_ptr<Guest> g;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = guests_.find(pid);
    if (it == guests_.end()) return false;
    g = it->second;
  }
  asio::post(g->strand, [this, g, timeout, reap, conn, id = std::move(id)]() mutable {
    if (g->done.load()) {
      Json r = {{"id", id}, {"ok", true}, {"pid", g->pid}};
      status_fields(g->status, &r);
      conn->send(std::move(r));
      if (reap) {
        std::lock_guard<std::mutex> lock(mutex_);
        forget_locked(g->pid);
        trim_due_ = true;
      }
      return;
    }
    Guest::Waiter w{conn, id, reap, nullptr};
    if (timeout >= 0) {
      w.timer = std::make_shared<asio::steady_timer>(g->strand);
      w.timer->expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(timeout)));
      auto timer = w.timer;
      timer->async_wait([g, timer, conn, id](const boost::system::error_code& ec) {
        if (ec) return;  // cancelled: the guest ended and the waiter got its answer
        std::erase_if(g->waiters, [&](const Guest::Waiter& x) { return x.timer == timer; });
        conn->send(error_reply(id, "timeout", "guest still running"));
      });
    }
    g->waiters.push_back(std::move(w));
  });
  return true;
}

bool GuestRegistry::set_log(int pid, const std::optional<uint32_t>& mask, const std::string& file,
                            bool tail, const std::shared_ptr<Connection>& conn, std::string* code,
                            std::string* error) {
  std::shared_ptr<Guest> g = find_launch(pid);
  if (!g) {
    *code = "no_such_guest";
    *error = "no guest with pid " + std::to_string(pid);
    return false;
  }
  if (!file.empty() && !g->launch->log().open_file(file, error)) {
    *code = "bad_request";
    return false;
  }
  if (mask) g->launch->log().set_mask(*mask);
  if (tail)
    asio::post(g->strand, [g, conn] {
      if (!g->done.load()) g->tails.push_back(conn);
    });
  return true;
}

Json GuestRegistry::gdb_json(int pid) {
  std::string ep = gdb_.endpoint(pid);
  if (ep.empty() && multi_) ep = multi_->debugging(pid);
  return ep.empty() ? Json(nullptr) : Json(ep);
}

Json GuestRegistry::list() {
  std::vector<std::shared_ptr<Guest>> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [p, g] : guests_) all.push_back(g);
  }
  Json out = Json::array();
  for (auto& g : all) {
    if (g->done.load(std::memory_order_acquire)) {
      Json e = {{"pid", g->pid}, {"ppid", 0},       {"argv", g->argv}, {"state", "zombie"},
                {"cpu_seconds", 0.0}, {"memory_bytes", 0}, {"threads", 0}, {"gdb", nullptr},
                {"launch", g->pid}};
      // status is final once done is set (written before, on the strand)
      status_fields(g->status, &e);
      out.push_back(std::move(e));
      continue;
    }
    for (auto& p : g->launch->processes()) {
      out.push_back({{"pid", p.pid},
                     {"ppid", p.ppid},
                     {"argv", p.argv},
                     {"state", p.state},
                     {"cpu_seconds", p.cpu_seconds},
                     {"memory_bytes", p.memory_bytes},
                     {"threads", p.threads},
                     {"gdb", gdb_json(p.pid)},
                     {"launch", g->pid}});
    }
  }
  return out;
}

std::optional<Json> GuestRegistry::stats(int pid) {
  auto add = [](Json* j, const linux::Launch::Stats& s) {
    (*j)["translated_blocks"] = (*j).value("translated_blocks", uint64_t{0}) + s.translated;
    (*j)["reused_blocks"] = (*j).value("reused_blocks", uint64_t{0}) + s.reused;
    (*j)["cached_blocks"] = (*j).value("cached_blocks", uint64_t{0}) + s.tbs;
    (*j)["code_cache_bytes"] = (*j).value("code_cache_bytes", uint64_t{0}) + s.code_bytes;
    (*j)["tb_invalidations"] = (*j).value("tb_invalidations", uint64_t{0}) + s.invalidated;
    (*j)["code_cache_flushes"] = (*j).value("code_cache_flushes", uint64_t{0}) + s.budget_flushes;
    (*j)["translation_seconds"] =
        (*j).value("translation_seconds", 0.0) + static_cast<double>(s.translate_ns) / 1e9;
    (*j)["processes"] = (*j).value("processes", 0) + s.processes;
    (*j)["threads"] = (*j).value("threads", 0) + s.threads;
    (*j)["cpu_seconds"] = (*j).value("cpu_seconds", 0.0) + s.cpu_seconds;
  };
  if (pid) {
    std::shared_ptr<Guest> g = find_launch(pid);
    if (!g) return std::nullopt;
    Json j = {{"pid", g->pid}, {"running", !g->done.load()}};
    add(&j, g->launch->stats());
    return j;
  }
  std::vector<std::shared_ptr<Guest>> all;
  Json j;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [p, g] : guests_) all.push_back(g);
    j["guests_running"] = running_;
    j["guests_launched"] = launched_;
  }
  j["guests_kept"] = all.size();
  linux::Launch::Stats gone;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    gone = forgotten_;
  }
  add(&j, gone);
  for (auto& g : all) add(&j, g->launch->stats());
  if (executor_stats_) j["shared_code"] = executor_stats_();
  return j;
}

void GuestRegistry::kill_all(int sig) {
  std::vector<std::shared_ptr<Guest>> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [p, g] : guests_)
      if (!g->done.load()) all.push_back(g);
  }
  for (auto& g : all) g->launch->kill(sig, true);
}

int GuestRegistry::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_;
}

void GuestRegistry::forget_locked(int pid) {
  auto it = guests_.find(pid);
  if (it == guests_.end()) return;
  if (it->second->done.load(std::memory_order_acquire)) {
    // (Not launch->stats(): mutex_ is a leaf, never held while calling a Launch.)
    const linux::Launch::Stats& s = it->second->final_stats;
    forgotten_.translated += s.translated;
    forgotten_.reused += s.reused;
    forgotten_.invalidated += s.invalidated;
    forgotten_.translate_ns += s.translate_ns;
    forgotten_.budget_flushes += s.budget_flushes;
    forgotten_.cpu_seconds += s.cpu_seconds;
  }
  guests_.erase(it);
}

void GuestRegistry::sweep() {
  int64_t now = now_ns();
  int64_t limit = now - static_cast<int64_t>(settings_.keep_ended_seconds * 1e9);
  int64_t orphan_limit = now - static_cast<int64_t>(settings_.keep_orphaned_seconds * 1e9);
  std::vector<std::shared_ptr<Guest>> dropped;  // destroyed outside the lock
  bool trim = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::pair<int64_t, int>> ended;  // (ended at, pid)
    for (auto& [pid, g] : guests_) {
      if (!g->done.load()) continue;
      // An orphan past its shorter retention sorts among the expired
      // (events_to is never written after launch()).
      int64_t at = g->ended_at_ns.load();
      if (g->wants_events && g->events_to.expired() && at < orphan_limit) at = std::min(at, limit - 1);
      ended.emplace_back(at, pid);
    }
    std::sort(ended.begin(), ended.end());
    size_t excess = ended.size() > settings_.keep_ended ? ended.size() - settings_.keep_ended : 0;
    for (size_t i = 0; i < ended.size(); ++i) {
      if (i >= excess && ended[i].first >= limit) break;
      auto it = guests_.find(ended[i].second);
      dropped.push_back(it->second);
      forget_locked(ended[i].second);
    }
    if (dropped.empty() && !trim_due_) return;
    // malloc_trim walks every arena and hands pages back one madvise at a
    // time (each a TLB shootdown across hartd's threads): at most once a
    // second, else at a later sweep. (When more ended guests are kept than
    // keep_ended, every exit sweeps: 4,000 guests ending together spent
    // most of their teardown trimming.)
    trim = now - last_trim_ns_ >= kTrimEveryNs;
    trim_due_ = !trim;
    if (trim) last_trim_ns_ = now;
  }
  dropped.clear();
  if (trim) malloc_trim(0);  // a quiet point: what the ended guests held goes back to the system
}

}  // namespace hart::server
